import { createRequire } from 'node:module';
import type { Jieba, TfIdf } from '@node-rs/jieba';

// The package is CommonJS and its /dict entry has no ESM typings: load both through require.
const require = createRequire(import.meta.url);
const jiebaPackage = require('@node-rs/jieba') as typeof import('@node-rs/jieba');
const { dict, idf } = require('@node-rs/jieba/dict') as { dict: Uint8Array; idf: Uint8Array };

/**
 * Words the general jieba dictionary splits badly in citizens' messages (路灯 不亮, 搅拌 站 …).
 * Frequency high enough to win over the split; tags so the name trimmer treats them as nouns.
 */
const DOMAIN_WORDS = [
  '路灯 n', '搅拌站 n', '搅拌厂 n', '噪音扰民 n', '油烟扰民 n', '扰民 v', '夜宵摊 n', '烧烤摊 n', '群租房 n', '违建 n', '渣土车 n', '共享单车 n', '电动车 n', '充电桩 n',
  '物业费 n', '停车费 n', '公积金 n', '房产证 n', '不动产权证 n', '捆绑销售 v', '车位 n', '学位 n', '划片 v', '入学 v', '拆迁 v', '征地 v', '安置房 n', '棚改 n',
  '地铁站 n', '公交站 n', '高压线 n', '变电站 n', '垃圾站 n', '垃圾中转站 n', '化粪池 n', '下水道 n', '井盖 n', '红绿灯 n', '斑马线 n', '人行道 n', '隔音屏 n', '隔音板 n',
  '车贷 n', '网贷 n', '集资诈骗 n', '退费 v', '欠薪 v', '社保 n', '医保 n', '养老保险 n', '实习 v', '补课 v', '校外培训 n',
];

let jieba: Jieba | null = null;
let tfidf: TfIdf | null = null;

/** The shared segmenter, loaded on first use (~0.2 s) with the domain words. */
export function segmenter(): Jieba {
  if (!jieba) {
    jieba = jiebaPackage.Jieba.withDict(dict);
    jieba.loadDict(Buffer.from(DOMAIN_WORDS.map((w) => `${w.split(' ')[0]} 200000 ${w.split(' ')[1]}`).join('\n')));
  }
  return jieba;
}

// Tags that mark the end of a phrase inside a would-be place name (重视|松雅安置, 增加安装|道).
const BREAK_TAGS = new Set(['v', 'vd', 'vn', 'p', 'c', 'd', 'r', 'f', 't', 'q', 'm', 'l']);
const trimCache = new Map<string, string>();

/**
 * The tail of a candidate name after the last verb, preposition or similar word that is not its last
 * word: 重视松雅安置 → 松雅安置, 小学生横过马 → 马. Short names are returned unchanged.
 */
export function trimNameWords(name: string): string {
  if (name.length < 3) return name;
  const hit = trimCache.get(name);
  if (hit !== undefined) return hit;
  const tagged = segmenter().tag(name, true);
  let cut = 0;
  let offset = 0;
  for (let k = 0; k < tagged.length - 1; k++) {
    const t = tagged[k]!;
    offset += t.word.length;
    // Numbers inside names (808路, 五矿K9) stay; a verb or a function word ends what came before.
    if (BREAK_TAGS.has(t.tag) && !/^(?:[\dA-Za-z]+|[一二三四五六七八九十\d]+期)$/.test(t.word) && t.word !== '之') cut = offset;
  }
  // 劳动东, 华润置地 (…路, …广场): a short name whose first word tags as a verb is still a name.
  const out = name.length <= 4 && name.length - cut < 2 ? name : name.slice(cut);
  if (trimCache.size > 200_000) trimCache.clear();
  trimCache.set(name, out);
  return out;
}

/** True when no word of the text is a verb, preposition or similar: 五矿万境 yes, 硬化 no. */
export function looksLikeName(text: string): boolean {
  return !segmenter().tag(text, true).some((t) => BREAK_TAGS.has(t.tag) && !/^[\dA-Za-z]+$/.test(t.word));
}

/** Up to `top` keywords of a text by TF-IDF over jieba words (jieba's bundled IDF table). */
export function keywordsOf(text: string, top: number, exclude: ReadonlySet<string> = new Set()): string[] {
  if (!text) return [];
  tfidf ??= jiebaPackage.TfIdf.withDict(idf);
  const words = tfidf.extractKeywords(segmenter(), text, top + exclude.size + 8);
  const out: string[] = [];
  for (const w of words) {
    if (out.length >= top) break;
    if (w.keyword.length < 2 || exclude.has(w.keyword) || /^[\dA-Za-z]+$/.test(w.keyword)) continue;
    if ([...exclude].some((e) => e.includes(w.keyword))) continue;
    out.push(w.keyword);
  }
  return out;
}
