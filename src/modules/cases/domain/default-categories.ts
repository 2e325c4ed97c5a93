/**
 * The category tree (诉求分类) a new deployment starts with.
 *
 * First levels 01–07 are the seven Teddy Cup 2020 classes, so classifiers trained on that data set
 * map straight onto the tree; 08–10 are classes every 12345 centre also runs (public security and
 * law, civil affairs, market regulation); 11 and 12 are the digital city-management (数字城管,
 * GB/T 30428) event and component roots. Second and third levels are a working subset, not the
 * full competition tree: cities edit the tree as data.
 */

/** One node of the category tree as seeded into a deployment. */
export interface CategorySeed {
  /** Dotted numeric path ('01', '01.02', '01.02.03'); a child's code is its parent's code + '.' + two digits. */
  code: string;
  name: string;
  nameEn: string;
  parentCode: string | null;
}

/** True when `code` is `prefix` itself or lies below it; matching stops at segment boundaries ('01' does not match '010'). */
export function categoryMatchesPrefix(code: string, prefix: string): boolean {
  return code === prefix || code.startsWith(`${prefix}.`);
}

type Row = readonly [code: string, name: string, nameEn: string];

// Parent codes are derived from the code itself so the prefix rule cannot drift out of sync.
const ROWS: readonly Row[] = [
  ['01', '城乡建设', 'Urban and rural development'],
  ['01.01', '住房保障与房地产', 'Housing and real estate'],
  ['01.01.01', '物业服务', 'Property management services'],
  ['01.01.02', '保障性住房', 'Affordable housing'],
  ['01.02', '城市建设和市政管理', 'Urban construction and municipal services'],
  ['01.02.01', '自来水供应', 'Tap water supply'],
  ['01.02.02', '燃气供应', 'Gas supply'],
  ['01.02.03', '电力供应', 'Electricity supply'],
  ['01.02.04', '小区管理', 'Residential estate management'],
  ['01.03', '城乡规划', 'Urban and rural planning'],
  ['01.03.01', '违章建筑', 'Illegal construction'],
  ['01.04', '建筑市场', 'Construction market'],
  ['01.04.01', '拖欠工程款', 'Unpaid construction payments'],

  ['02', '环境保护', 'Environmental protection'],
  ['02.01', '环境污染', 'Pollution'],
  ['02.01.01', '噪音污染', 'Noise'],
  ['02.01.02', '大气污染', 'Air pollution'],
  ['02.01.03', '水污染', 'Water pollution'],

  ['03', '交通运输', 'Transport'],
  ['03.01', '出租车管理', 'Taxis'],
  ['03.01.01', '网约车问题', 'Ride-hailing'],
  ['03.02', '公共交通', 'Public transport'],
  ['03.02.01', '公交线路', 'Bus routes'],
  ['03.02.02', '公交服务', 'Bus service'],
  ['03.03', '建设管理', 'Road construction and upkeep'],
  ['03.03.01', '设施维护', 'Road facility maintenance'],

  ['04', '教育文体', 'Education, culture and sports'],
  ['04.01', '教育行政管理', 'Education administration'],
  ['04.01.01', '校园安全', 'School safety'],
  ['04.01.02', '校外机构管理', 'Private tutoring institutions'],
  ['04.02', '考试招生', 'Admissions and examinations'],
  ['04.02.01', '招生录取', 'School admissions'],
  ['04.03', '教育收费', 'School fees'],
  ['04.03.01', '乱收费', 'Unauthorised fees'],

  ['05', '劳动和社会保障', 'Labour and social security'],
  ['05.01', '劳动关系', 'Labour relations'],
  ['05.01.01', '劳动合同纠纷', 'Employment contract disputes'],
  ['05.02', '工资福利', 'Wages and benefits'],
  ['05.02.01', '拖欠工资', 'Unpaid wages'],
  ['05.02.02', '住房公积金', 'Housing provident fund'],
  ['05.03', '社会保险', 'Social insurance'],
  ['05.03.01', '养老保险', 'Pension insurance'],
  ['05.03.02', '医疗保险', 'Medical insurance'],

  ['06', '商贸旅游', 'Commerce and tourism'],
  ['06.01', '市场监管', 'Market supervision'],
  ['06.01.01', '商品质量', 'Product quality'],
  ['06.01.02', '物价监督', 'Price supervision'],
  ['06.02', '旅游管理', 'Tourism'],
  ['06.02.01', '景区管理', 'Scenic spots'],

  ['07', '卫生计生', 'Health and family planning'],
  ['07.01', '医政监管', 'Medical administration'],
  ['07.01.01', '医疗收费', 'Medical charges'],
  ['07.03', '公共卫生', 'Public health'],
  ['07.03.01', '疾病预防控制', 'Disease prevention and vaccination'],
  ['07.04', '食品药品监管', 'Food and drug safety'],
  ['07.04.01', '食品安全', 'Food safety'],

  ['08', '公安政法', 'Public security and law'],
  ['08.01', '社会治安', 'Public order'],
  ['08.01.01', '治安案件', 'Public order incidents'],
  ['08.01.02', '消防安全', 'Fire safety'],
  ['08.02', '交通管理', 'Traffic management'],
  ['08.02.01', '违章停车', 'Illegal parking'],
  ['08.02.02', '交通安全管理', 'Road safety'],
  ['08.03', '户籍证件', 'Household registration and IDs'],
  ['08.03.01', '户籍管理', 'Household registration'],

  ['09', '民政', 'Civil affairs'],
  ['09.01', '社会救助', 'Social assistance'],
  ['09.01.01', '城乡低保', 'Minimum living allowance'],
  ['09.02', '社会服务', 'Social services'],
  ['09.02.01', '婚姻登记', 'Marriage registration'],
  ['09.03', '养老服务', 'Elderly care'],
  ['09.03.01', '居家养老', 'Home-based elderly care'],

  ['10', '市场监管', 'Market regulation'],
  ['10.01', '消费维权', 'Consumer rights'],
  ['10.01.01', '消费纠纷', 'Consumer disputes'],
  ['10.01.02', '预付卡退费', 'Prepaid card refunds'],
  ['10.02', '特种设备', 'Special equipment'],
  ['10.02.01', '电梯故障', 'Lift breakdowns'],

  ['11', '事件', 'City-management events'],
  ['11.01', '市容环境', 'City appearance'],
  ['11.01.01', '暴露垃圾', 'Exposed rubbish'],
  ['11.01.02', '道路不洁', 'Dirty roads'],
  ['11.01.03', '油烟扰民', 'Cooking fumes nuisance'],
  ['11.02', '宣传广告', 'Advertising'],
  ['11.02.01', '违规广告', 'Illegal outdoor advertising'],
  ['11.02.02', '非法小广告', 'Illegal flyers and graffiti'],
  ['11.03', '施工管理', 'Construction sites'],
  ['11.03.01', '施工扰民', 'Construction nuisance'],
  ['11.03.02', '工地扬尘', 'Construction dust'],
  ['11.04', '突发事件', 'Sudden events'],
  ['11.04.01', '路面塌陷', 'Road collapse'],
  ['11.04.02', '自来水管破裂', 'Burst water main'],
  ['11.04.03', '道路积水', 'Road flooding'],
  ['11.05', '街面秩序', 'Street order'],
  ['11.05.01', '占道经营', 'Street vending on the roadway'],
  ['11.05.02', '店外经营', 'Business spilling outside the shop'],
  ['11.05.03', '共享单车乱停放', 'Badly parked shared bikes'],
  ['11.06', '其他事件', 'Other events'],
  ['11.06.01', '私搭乱建', 'Unauthorised structures'],

  ['12', '部件', 'City-management components'],
  ['12.01', '公用设施', 'Public utilities'],
  ['12.01.01', '路灯不亮', 'Street light out'],
  ['12.01.02', '井盖缺失', 'Missing manhole cover'],
  ['12.01.03', '井盖破损', 'Broken manhole cover'],
  ['12.02', '道路交通', 'Roads and traffic'],
  ['12.02.01', '交通信号灯故障', 'Traffic light fault'],
  ['12.02.02', '护栏损坏', 'Damaged guardrail'],
  ['12.02.03', '道路破损', 'Damaged road surface'],
  ['12.03', '市容环境', 'City appearance facilities'],
  ['12.03.01', '垃圾箱破损', 'Damaged litter bin'],
  ['12.03.02', '公厕设施损坏', 'Public toilet fault'],
  ['12.04', '园林绿化', 'Landscaping'],
  ['12.04.01', '行道树倒伏', 'Fallen street tree'],
  ['12.05', '房屋土地', 'Buildings and land'],
  ['12.05.01', '危房', 'Dangerous building'],
  ['12.06', '其他设施', 'Other facilities'],
  ['12.06.01', '健身器材损坏', 'Broken fitness equipment'],
];

function parentOf(code: string): string | null {
  const cut = code.lastIndexOf('.');
  return cut < 0 ? null : code.slice(0, cut);
}

/** The default category tree, parents listed before their children. */
export const DEFAULT_CATEGORIES: CategorySeed[] = ROWS.map(([code, name, nameEn]) => ({
  code,
  name,
  nameEn,
  parentCode: parentOf(code),
}));
