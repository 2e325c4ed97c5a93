/**
 * Places and groups of people named in a citizen's message, found with a suffix lexicon rather than a
 * trained recogniser: Chinese addresses are chains of named units that end in a unit word
 * (…市 …区 …街道 …路 …小区 / …学院 …公司), so a name is the run of characters between the previous
 * boundary (punctuation, an administrative unit, a function word) and its unit word.
 * Input must already be normalised (normalizeIssueText).
 */

import { looksLikeName, trimNameWords } from './issue-words.ts';

/** How specific a place is; a hot issue is keyed by the most specific one. */
export type PlaceLevel = 'community' | 'institution' | 'road' | 'street';

/** One named place found in a text. */
export interface PlaceMention {
  /** As written, e.g. 丽发新城小区, 劳动东路, 涉外经济学院. */
  name: string;
  /** Matching key: for residential places the name without its trailing unit words (丽发新城小区 → 丽发). */
  core: string;
  level: PlaceLevel;
  /** Character offset in the text. */
  index: number;
}

/** What a text says about where and whom. */
export interface TextPlaces {
  places: PlaceMention[];
  /** Administrative context, e.g. { city: 'A市', district: 'A2区', street: '暮云街道' }. */
  city: string | null;
  district: string | null;
  street: string | null;
  /** Groups of people named (学生, 业主, 职工 …), in order of appearance. */
  groups: string[];
}

const LEVEL_RANK: Record<PlaceLevel, number> = { community: 4, institution: 3, road: 2, street: 1 };

/** Higher = more specific. */
export function placeRank(level: PlaceLevel): number {
  return LEVEL_RANK[level];
}

type UnitLevel = PlaceLevel | 'city' | 'district';

// Longest first at each position; the lists are deliberately conservative (a unit that is also a
// common word — 庭 家庭, 里 这里 — is left out).
const UNITS: ReadonlyArray<readonly [string, UnitLevel]> = (
  [
    ['自治区', 'city'], ['省', 'city'], ['市', 'city'], ['自治州', 'city'],
    ['县', 'district'], ['区', 'district'], ['新区', 'district'],
    ['街道', 'street'], ['镇', 'street'], ['乡', 'street'], ['经开区', 'street'], ['开发区', 'street'], ['高新区', 'street'], ['工业园', 'street'], ['产业园', 'street'], ['园区', 'street'],
    ['大道', 'road'], ['大街', 'road'], ['路', 'road'], ['街', 'road'], ['巷', 'road'], ['高速', 'road'], ['立交', 'road'], ['大桥', 'road'], ['桥', 'road'], ['隧道', 'road'], ['高架', 'road'], ['号线', 'road'], ['联络线', 'road'], ['快速路', 'road'],
    ['小区', 'community'], ['花园', 'community'], ['家园', 'community'], ['新城', 'community'], ['新村', 'community'], ['公寓', 'community'], ['嘉园', 'community'],
    ['苑', 'community'], ['府', 'community'], ['园', 'community'], ['城', 'community'], ['广场', 'community'], ['大厦', 'community'], ['公馆', 'community'], ['山庄', 'community'],
    ['湾', 'community'], ['郡', 'community'], ['社区', 'community'], ['村', 'community'], ['安置区', 'community'],
    ['学校', 'institution'], ['小学', 'institution'], ['中学', 'institution'], ['大学', 'institution'], ['学院', 'institution'], ['职院', 'institution'], ['幼儿园', 'institution'], ['医院', 'institution'],
    ['卫生院', 'institution'], ['有限公司', 'institution'], ['有限责任公司', 'institution'], ['股份有限公司', 'institution'], ['公司', 'institution'], ['集团', 'institution'], ['银行', 'institution'], ['市场', 'institution'], ['超市', 'institution'], ['商场', 'institution'], ['酒店', 'institution'],
    ['宾馆', 'institution'], ['工厂', 'institution'], ['厂', 'institution'], ['站', 'institution'], ['公园', 'institution'], ['车贷', 'institution'], ['平台', 'institution'], ['物业', 'institution'],
    ['中心', 'institution'], ['机场', 'institution'], ['码头', 'institution'], ['景区', 'institution'], ['广场', 'institution'],
  ] as const
).slice().sort((a, b) => b[0].length - a[0].length);

const UNIT_FIRST_CHARS = new Set(UNITS.map(([u]) => u[0]));

// A unit word followed by these is part of a longer common word, not the end of a name (城市, 区域, 园林 …).
const NOT_A_UNIT_BEFORE: Record<string, string> = {
  城: '市管区乡际镇中建投铁轨墙', 区: '域别分长委块', 园: '林艺区长所', 市: '场民政区委长级容值面内', 村: '民委组长级干', 站: '长点台岗', 路: '灯面口段线费况边由过人', 街: '道边头坊面', 府: '门', 苑: '', 湾: '区', 镇: '政长定', 乡: '镇村下亲道', 县: '城委长级道', 厂: '家商房区长', 桥: '梁下面', 中心: '城区', 集团: '公', 公司: '', 新城: '区'
};

// Words that end a name: function words, verbs of petition, pronouns, place-relational words.
const STOP_WORDS = [
  '关于', '反映', '反应', '投诉', '举报', '建议', '咨询', '请问', '请求', '恳请', '希望', '要求', '申请', '呼吁', '解决', '处理', '整治', '治理',
  '我是', '我们', '我家', '本人', '位于', '住在', '地处', '座落', '坐落', '地址', '附近', '旁边', '周边', '对面', '门口', '周围', '一带', '之间', '里面', '内部',
  '居民', '业主', '市民', '村民', '出现', '存在', '严重', '强烈', '多次', '何时', '什么', '怎么', '为何', '为什么', '如何', '能否', '是否', '可否', '已经', '一直',
  '尽快', '立即', '马上', '没有', '不能', '不让', '导致', '造成', '影响', '拖欠', '违规', '违法', '非法', '强制', '强行', '捆绑', '噪音', '扰民', '污染', '问题',
  '情况', '所有', '整个', '当地', '有关', '相关', '部门', '领导', '政府', '书记', '市长', '区长', '县长', '您好', '你好', '尊敬', '这个', '那个', '这些', '那些',
  '重视', '增加', '安装', '设置', '修建', '新建', '改造', '拆除', '取消', '开通', '按照', '根据', '通过', '涉嫌', '虚假', '长期', '部分', '多家', '各大', '一家', '这家', '那家',
  '学生', '职工', '员工', '教师', '老师', '家长', '司机', '商户', '患者', '考生', '租户', '住户', '乘客',
  '的', '在', '了', '是', '去', '把', '被', '给', '与', '及', '对', '将', '从', '或', '但', '而', '很', '该', '此', '其', '到', '让',
];
const STOPS_BY_FIRST = new Map<string, string[]>();
for (const w of [...STOP_WORDS].sort((a, b) => b.length - a.length)) {
  const list = STOPS_BY_FIRST.get(w[0]!) ?? [];
  list.push(w);
  STOPS_BY_FIRST.set(w[0]!, list);
}

// Names that are not names (我们小区, 农村, 道路, 政府 …): checked on the name part before the unit word.
const GENERIC_NAMES = new Set([
  '我们', '你们', '他们', '这个', '那个', '这里', '那里', '本', '该', '此', '各', '某', '全', '整个', '附近', '周边', '当地', '我市', '本市', '全市', '我区', '全区', '全省', '全国', '一些', '其他', '所在', '这些',
  '农', '乡', '道', '马', '公', '铁', '线', '网', '出', '城', '小', '中', '大', '新', '老', '旧', '主', '进', '县', '市', '同', '某某', '政', '开发', '物业', '搅拌', '加油', '公交', '地铁', '高铁', '火车', '汽车',
  '幼儿', '培训', '商业', '居民', '安置', '工业', '垃圾', '中转', '收费', '派出', '服务', '活动', '文化', '卫生', '社会', '管理', '指挥', '政务', '医疗', '养老', '购物', '停车', '充电', '变电', '污水', '处理',
  '步行', '住宅', '生活', '居住', '高速', '国道', '省道', '快速', '高架', '一期', '二期', '三期', '1期', '2期', '3期', '这期', '上期', '本期',
]);

const GROUP_NOUNS = [
  '退休教师', '退休人员', '退役军人', '农民工', '环卫工人', '快递员', '外卖骑手', '出借人', '投资人', '受害人', '受害者', '购房者', '残疾人', '学生', '业主', '职工', '员工', '教师', '老师',
  '家长', '村民', '司机', '商户', '患者', '考生', '租户', '住户', '乘客', '老人', '儿童', '骑手', '护士', '医生', '工人', '拆迁户', '失地农民', '个体户',
];

// Common words that end in a unit character but name no place (道路, 走路, 套路 …).
const NOT_PLACES = new Set(['城区', '公园', '家园', '校园', '乐园', '花园', '菜园', '果园', '庄园', '公司', '分公司', '总公司', '子公司', '该公司', '本公司', '物业', '中心', '市场', '广场', '车站', '村', '小区', '社区']);
const NOT_PLACE_ENDINGS = new Set(['线路', '道路', '马路', '公路', '铁路', '网路', '思路', '出路', '水路', '电路', '套路', '门路', '来路', '弯路', '走路', '跑路', '半路', '岔路', '修路', '让路', '带路', '引路', '上路', '进城', '县城', '全城', '主城', '京城']);

/** Characters a place name is made of: CJK, letters, digits and a few joiners (·, #, -). */
function isNameChar(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 0xb7 || code === 35 || code === 45;
}
const ANON_ADMIN = /^(?:[A-Z]\d{0,2}[市区县])/;
const MIN_NAME = 2;
const MAX_NAME = 10;

function stopAt(text: string, i: number): number {
  const list = STOPS_BY_FIRST.get(text[i]!);
  if (!list) return 0;
  for (const w of list) if (text.startsWith(w, i)) return w.length;
  return 0;
}

function unitAt(text: string, i: number): readonly [string, UnitLevel] | null {
  if (!UNIT_FIRST_CHARS.has(text[i]!)) return null;
  for (const u of UNITS) {
    if (!text.startsWith(u[0], i)) continue;
    const next = text[i + u[0].length];
    const forbidden = NOT_A_UNIT_BEFORE[u[0]];
    if (next && forbidden && forbidden.includes(next)) continue;
    return u;
  }
  return null;
}

const COMMUNITY_TAIL = /(?:小区|社区|新城|新村|花园|家园|嘉园|公寓|安置区|山庄|公馆|[苑府园城湾郡村]|[一二三四五六七八九十\d]+期|\d+栋)$/;

/** The matching key of a place name: residential unit words stripped from the end while two characters remain. */
export function placeCore(name: string, level: PlaceLevel): string {
  if (level !== 'community') return name;
  let core = name;
  for (let guard = 0; guard < 4; guard++) {
    const m = COMMUNITY_TAIL.exec(core);
    if (!m || core.length - m[0].length < MIN_NAME) break;
    core = core.slice(0, core.length - m[0].length);
  }
  return core;
}

// 城区, 山区, 老城区, 文明城市: the unit word is there but the name before it is not a place name.
const NOT_ADMIN_NAME = /^(?:[小社园景城校片街厂营辖山郊老新该本全我各分地灾矿禁商学住牧林军特夜菜门超]|.*城|.*[住宅居生活工业商业风])$/;

function adminName(name: string, word: string): boolean {
  // 东区, 西区: one-character district names exist, but only as directions.
  if (name.length === 1 && word === '区' && '东西南北中'.includes(name)) return true;
  if (name.length < 2 || name.length > 4) return false;
  if (GENERIC_NAMES.has(name) || NOT_ADMIN_NAME.test(name)) return false;
  return word !== '区' || !/[小社园景校片街厂营辖]$/.test(name);
}

function plausibleName(name: string): boolean {
  if (name.length < MIN_NAME || name.length > MAX_NAME) return false;
  if (GENERIC_NAMES.has(name)) return false;
  if (/^[\d-]+$/.test(name) && name.length < 2) return false;
  // A name is mostly letters: a run of digits with one character is a house number, not a place.
  return /[\p{Script=Han}A-Za-z]/u.test(name) || /^\d{2,}$/.test(name);
}

/** Places, administrative context and groups of people in a normalised text. */
export function extractPlaces(text: string): TextPlaces {
  const out: TextPlaces = { places: [], city: null, district: null, street: null, groups: [] };
  const n = text.length;
  let i = 0;
  let boundary = 0;
  let last: PlaceMention | null = null;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (!isNameChar(code)) {
      i += 1;
      boundary = i;
      last = null;
      continue;
    }
    // Anonymised administrative units of the Teddy Cup data (A市, A2区, A7县) and real short ones.
    const anon = code >= 65 && code <= 90 && (i === boundary || !/[A-Za-z0-9]/.test(text[i - 1]!)) ? ANON_ADMIN.exec(text.slice(i, i + 4)) : null;
    if (anon) {
      const unit = anon[0];
      const before = text.slice(boundary, i);
      if (before.length >= 2 && !unit.endsWith('市') && !GENERIC_NAMES.has(before) && looksLikeName(before)) {
        // 五矿万境K9县: anonymisation masked part of a compound's name with a unit-like token; the
        // name before it is the place (real addresses never put an administrative unit there).
        last = { name: before + unit, core: before, level: 'community', index: boundary };
        out.places.push(last);
      } else if (unit.endsWith('市')) out.city ??= unit;
      else out.district ??= unit;
      i += unit.length;
      boundary = i;
      if (before.length < 2) last = null;
      continue;
    }
    const stop = stopAt(text, i);
    if (stop > 0) {
      i += stop;
      boundary = i;
      last = null;
      continue;
    }
    const unit = unitAt(text, i);
    if (unit) {
      const [word, level] = unit;
      const end = i + word.length;
      let name = text.slice(boundary, i);
      if (name.length > MAX_NAME) name = name.slice(name.length - MAX_NAME);
      if (level !== 'city' && level !== 'district' && name.length >= 3) name = trimNameWords(name);
      const whole = name + word;
      if ((name.length > 0 && NOT_PLACES.has(whole)) || NOT_PLACE_ENDINGS.has(whole.slice(-2))) {
        i += 1;
        continue;
      }
      if (level === 'city' || level === 'district') {
        if (adminName(name, word)) {
          if (word === '市' || word === '自治州') out.city ??= whole;
          else if (level === 'district') out.district ??= whole;
          boundary = end;
          last = null;
          i = end;
          continue;
        }
      } else if (level === 'street' && plausibleName(name)) {
        out.street ??= whole;
        out.places.push({ name: whole, core: whole, level, index: boundary });
        boundary = end;
        last = null;
        i = end;
        continue;
      } else if (level !== 'street') {
        if (name.length === 0 && last && last.index + last.name.length === i && level === last.level && (level === 'community' || level === 'institution')) {
          // 魅力之城 + 小区, 伊景园 + 滨河苑: one place written as a chain of unit words.
          last.name += word;
          last.core = placeCore(last.name, last.level);
          boundary = end;
          i = end;
          continue;
        }
        if (plausibleName(name)) {
          const start: number = i - name.length;
          if (last && last.index + last.name.length === start && last.level === 'community' && level === 'community') {
            last.name += whole;
            last.core = placeCore(last.name, 'community');
          } else {
            last = { name: whole, core: placeCore(whole, level), level, index: start };
            out.places.push(last);
          }
          boundary = end;
          i = end;
          continue;
        }
      }
      if (name.length > 0 && word.length >= 2 && level !== 'city' && level !== 'district') {
        // 六号线, 一座桥: the unit word still ends whatever came before it.
        boundary = end;
        last = null;
        i = end;
        continue;
      }
    }
    i += 1;
  }
  for (const g of GROUP_NOUNS) if (text.includes(g) && !out.groups.some((x) => x.includes(g))) out.groups.push(g);
  out.groups.sort((a, b) => text.indexOf(a) - text.indexOf(b));
  return out;
}
