/**
 * Matters citizens write about, each with the words that signal it. Two complaints about the same
 * compound rarely share many characters (油烟扰民 / 夜宵摊污染空气 / 底层商铺营业到凌晨), but they
 * share a matter: the miner adds these topics to the character features so such messages meet.
 * Kept as data; a city adds words where its own citizens write differently.
 */
export const ISSUE_TOPICS: Readonly<Record<string, readonly string[]>> = {
  商铺餐饮扰民: ['油烟', '排烟', '烟道', '烧烤', '夜宵', '餐馆', '餐饮', '饭店', '门面', '商铺', '底商', '门店', '临街', '大排档', '酒吧', 'KTV'],
  噪音: ['噪音', '噪声', '嗓声', '吵闹', '扰民', '彻夜', '通宵', '深夜', '凌晨', '夜间施工', '喧哗', '音响', '广场舞', '鸣笛'],
  粉尘臭气: ['粉尘', '灰尘', '扬尘', '空气', '雾霾', '臭味', '异味', '恶臭', '废气', '污染', '刺鼻'],
  搅拌站: ['搅拌站', '搅拌厂', '混凝土', '砂石', '水泥罐车'],
  停车车位: ['车位', '停车', '车库', '停车场', '僵尸车', '占道停车'],
  捆绑销售: ['捆绑', '搭售', '强制购买', '强买强卖', '霸王条款', '绑定'],
  房屋质量: ['开裂', '裂缝', '渗水', '漏水', '墙面', '楼板', '脱落', '质量问题', '空鼓', '沉降'],
  交房办证: ['交房', '房产证', '不动产', '产权证', '办证', '网签', '备案', '延期交房'],
  物业管理: ['物业', '物业费', '保安', '业委会', '业主大会', '电梯', '门禁'],
  道路交通: ['路面', '坑洼', '修路', '拥堵', '红绿灯', '信号灯', '斑马线', '人行道', '天桥', '掉头', '路口', '限速'],
  公交地铁: ['公交', '地铁', '站点', '班次', '线路', '换乘', '号线', '延伸', '北延', '南延'],
  入学教育: ['入学', '学位', '划片', '上学', '就读', '招生', '配套小学', '学区', '转学'],
  学生权益: ['实习', '实训', '打工', '学分', '毕业证', '强制学生', '社会实践', '顶岗'],
  拖欠工资: ['工资', '欠薪', '拖欠', '讨薪', '农民工', '劳动合同', '辞退'],
  退费: ['退费', '退款', '退钱', '押金', '学费', '培训费', '拒退'],
  诈骗集资: ['诈骗', '集资', '车贷', '网贷', 'P2P', '理财', '立案', '经侦', '受害人', '出借人', '跑路', '清退', '爆雷'],
  拆迁征地: ['拆迁', '征地', '征收', '补偿款', '安置房', '棚改', '旧城改造', '旧改'],
  违章建筑: ['违建', '违章建筑', '私搭', '乱建', '加建', '违规建设', '违法建设'],
  供水供电: ['停水', '断水', '自来水', '水压', '停电', '供电', '供水', '水表', '电表'],
  高压线: ['高压线', '电线杆', '变电站', '辐射', '110kv', '220kv', '高压电'],
  环境卫生: ['垃圾', '卫生', '脏乱差', '污水', '化粪池', '下水道', '排水', '管道堵塞', '粪便'],
  铁路噪音: ['高铁', '铁路', '火车', '轨道', '隔音屏'],
  规划建设: ['规划', '动工', '开工', '何时', '进展', '启动', '建成', '竣工', '选址', '方案'],
  社保医保: ['社保', '医保', '养老保险', '公积金', '退休金', '养老金', '补贴'],
  户籍证件: ['户口', '落户', '户籍', '身份证', '居住证', '迁户'],
  消防安全: ['消防', '安全隐患', '火灾', '消防通道', '燃气', '煤气'],
  群租: ['群租', '隔断', '出租屋', '二房东'],
  宠物: ['狗', '犬', '宠物', '遛狗', '咬人'],
};

const TOPIC_NAMES = Object.keys(ISSUE_TOPICS);
// Words by their first character: one pass over the text finds every word, however long the list.
const BY_FIRST = new Map<string, Array<{ word: string; topic: number }>>();
TOPIC_NAMES.forEach((name, topic) => {
  for (const raw of ISSUE_TOPICS[name]!) {
    const word = raw.toLowerCase();
    const list = BY_FIRST.get(word[0]!) ?? [];
    list.push({ word, topic });
    BY_FIRST.set(word[0]!, list);
  }
});

/** Topic name by index (for explanations). */
export function topicName(index: number): string {
  return TOPIC_NAMES[index] ?? '';
}

/** How many of each topic's words a text contains, by topic index. */
export function topicsOf(text: string): Map<number, number> {
  const out = new Map<number, number>();
  if (!text) return out;
  const t = text.toLowerCase();
  for (let i = 0; i < t.length; i++) {
    const list = BY_FIRST.get(t[i]!);
    if (!list) continue;
    for (const { word, topic } of list) if (t.startsWith(word, i)) out.set(topic, (out.get(topic) ?? 0) + 1);
  }
  return out;
}
