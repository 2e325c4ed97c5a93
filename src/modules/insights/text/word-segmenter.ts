import { createRequire } from 'node:module';

/** The jieba API this module uses (the package is CommonJS with its own typings). */
interface JiebaLike {
  cut(sentence: string, hmm?: boolean | null): string[];
  loadDict(dict: Uint8Array): void;
}

/**
 * Words of the hotline that jieba's general dictionary splits badly (路灯不亮 → 路/灯不亮) or not at
 * all. Kept as data; a deployment's own terms can be added with `addDomainWords`.
 */
export const DOMAIN_WORDS: readonly string[] = [
  // city management and public space
  '路灯不亮', '路灯坏了', '占道经营', '噪音扰民', '违章建筑', '违建', '乱搭乱建', '私搭乱建', '乱停乱放', '乱贴乱画', '牛皮癣', '井盖', '窨井盖', '下水道堵塞',
  '垃圾清运', '垃圾分类', '渣土车', '油烟扰民', '广场舞', '夜市', '流动摊贩', '城管', '绿化带', '人行道', '盲道', '共享单车', '电动车', '飞线充电',
  // housing and estates
  '物业公司', '物业费', '业委会', '业主委员会', '维修基金', '公租房', '廉租房', '经适房', '保障房', '棚户区改造', '棚改', '拆迁安置', '不动产证', '房产证', '网签',
  '交房', '延期交房', '烂尾楼', '开发商', '二次供水', '停水', '停电', '燃气', '天然气', '电梯故障', '漏水', '渗水', '墙体开裂', '消防通道', '高空抛物',
  // labour and social security
  '拖欠工资', '欠薪', '农民工', '劳动合同', '劳动仲裁', '社保', '社会保险', '医保', '养老保险', '养老金', '失业保险', '工伤', '工伤认定', '公积金', '退休金',
  '事业编', '人才引进', '职称评审', '最低工资', '加班费', '五险一金', '灵活就业', '低保', '残疾人', '退役军人',
  // education, culture, sport
  '学区', '划片', '入学', '择校', '幼儿园', '民办学校', '补课', '有偿补课', '课外培训', '培训机构', '校车', '学位', '义务教育', '教师编制', '班主任', '教育局',
  // health and family planning
  '医疗纠纷', '医闹', '卫健委', '计生', '独生子女', '二孩', '准生证', '出生证明', '疫苗', '传染病', '诊所', '药店', '医药费', '医保报销',
  // commerce and tourism
  '传销', '非法集资', '消费者权益', '食品安全', '市场监管', '虚假宣传', '预付卡', '退费', '旅行社', '景区', '导游', '出租车', '网约车', '快递',
  // environment
  '环境污染', '水污染', '大气污染', '空气污染', '噪声污染', '粉尘污染', '黑臭水体', '排污', '偷排', '偷排污水', '异味', '恶臭', '焚烧秸秆', '垃圾焚烧', '化工厂', '搅拌站', '环保局',
  // transport
  '公交车', '公交线路', '公交站', '地铁', '高铁', '红绿灯', '信号灯', '交通拥堵', '违章停车', '驾驶证', '行驶证', '年检', '客运站', '高速公路', '收费站', '道路破损', '坑洼',
];

interface TfIdfLike {
  extractKeywords(jieba: JiebaLike, sentence: string, topK: number, allowedPos?: string[] | null): Array<{ keyword: string; weight: number }>;
}

const require = createRequire(import.meta.url);
let jieba: JiebaLike | null = null;
let tfidf: TfIdfLike | null = null;
const extra = new Set<string>();

function dictionaryLines(words: Iterable<string>): Uint8Array {
  // A high frequency makes jieba prefer the whole term over its parts.
  let out = '';
  for (const w of words) if (w.trim()) out += `${w.trim()} 100000 n\n`;
  return Buffer.from(out, 'utf8');
}

/** The shared segmenter, built on first use (about 250 ms to load jieba's dictionary). */
function segmenter(): JiebaLike {
  if (jieba) return jieba;
  const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(dict: Uint8Array): JiebaLike } };
  const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
  const j = Jieba.withDict(dict);
  j.loadDict(dictionaryLines([...DOMAIN_WORDS, ...extra]));
  jieba = j;
  return j;
}

/** Teach the segmenter more terms (a deployment's street names, estates, services). */
export function addDomainWords(words: Iterable<string>): void {
  const fresh = [...words].filter((w) => w.trim() && !extra.has(w));
  for (const w of fresh) extra.add(w);
  if (jieba && fresh.length) jieba.loadDict(dictionaryLines(fresh));
}

const WORDISH = /[\p{L}\p{N}]/u;

/** Words of a normalised text (punctuation and spaces dropped), using the domain dictionary. */
export function segmentWords(text: string): string[] {
  if (!text) return [];
  return segmenter().cut(text, false).filter((w) => WORDISH.test(w));
}

/**
 * The k most characteristic words of a text by TF-IDF against jieba's general-language idf table
 * (shipped in the package): what a reply must talk about to answer the request.
 */
export function keywords(text: string, k: number): Array<{ word: string; weight: number }> {
  if (!text) return [];
  if (!tfidf) {
    const { TfIdf } = require('@node-rs/jieba') as { TfIdf: { withDict(dict: Uint8Array): TfIdfLike } };
    const { idf } = require('@node-rs/jieba/dict') as { idf: Uint8Array };
    tfidf = TfIdf.withDict(idf);
  }
  return tfidf.extractKeywords(segmenter(), text, k).map((x) => ({ word: x.keyword, weight: x.weight }));
}
