import { AppError } from '../../../platform/errors/app-error.ts';

/** How near in space and time two reports must be to count as the same matter, for a category subtree. */
export interface DuplicateRule {
  /** Category code prefix ('12.01.01'); '' is the default for every category. */
  categoryPrefix: string;
  radiusM: number;
  windowDays: number;
  note?: string;
}

/**
 * Defaults on the shipped category tree (cases DEFAULT_CATEGORIES). A broken street light is one
 * lamp: reports a street apart are other lamps, and it is fixed within days. Noise carries and ends
 * with the night. A building or a wage dispute stays put for weeks. Edited per city as data.
 */
export const DEFAULT_DUPLICATE_RULES: readonly DuplicateRule[] = [
  { categoryPrefix: '', radiusM: 300, windowDays: 14, note: '默认 default' },
  { categoryPrefix: '12.01.01', radiusM: 200, windowDays: 7, note: '路灯不亮 street light out' },
  { categoryPrefix: '12.01.02', radiusM: 100, windowDays: 7, note: '井盖缺失 missing manhole cover' },
  { categoryPrefix: '12.01.03', radiusM: 100, windowDays: 7, note: '井盖破损 broken manhole cover' },
  { categoryPrefix: '12.02.01', radiusM: 100, windowDays: 3, note: '交通信号灯故障 traffic light fault' },
  { categoryPrefix: '02.01.01', radiusM: 500, windowDays: 3, note: '噪音污染 noise' },
  { categoryPrefix: '11.01.03', radiusM: 300, windowDays: 14, note: '油烟扰民 cooking fumes' },
  { categoryPrefix: '11.03.01', radiusM: 500, windowDays: 7, note: '施工扰民 construction nuisance' },
  { categoryPrefix: '11.04', radiusM: 300, windowDays: 2, note: '突发事件 sudden events (collapse, burst main, flooding)' },
  { categoryPrefix: '11.05', radiusM: 200, windowDays: 7, note: '街面秩序 street order (vending)' },
  { categoryPrefix: '01.03.01', radiusM: 100, windowDays: 60, note: '违章建筑 illegal construction' },
  { categoryPrefix: '11.06.01', radiusM: 100, windowDays: 60, note: '私搭乱建 unauthorised structures' },
  { categoryPrefix: '05.02.01', radiusM: 2000, windowDays: 30, note: '拖欠工资 unpaid wages (one employer, many workers)' },
];

/**
 * The rule for a category: the longest matching prefix (segment boundaries respected). When only the
 * default matches but rules exist below the code (a coarse, predicted class such as '12.01'), the
 * envelope of those rules: the widest radius and the longest window, so no candidate is missed.
 */
export function ruleFor(rules: readonly DuplicateRule[], categoryCode: string | null | undefined): DuplicateRule {
  let best: DuplicateRule | undefined;
  for (const r of rules) {
    const matches = r.categoryPrefix === '' || (!!categoryCode && (categoryCode === r.categoryPrefix || categoryCode.startsWith(`${r.categoryPrefix}.`)));
    if (matches && (!best || r.categoryPrefix.length > best.categoryPrefix.length)) best = r;
  }
  const fallback = best ?? { categoryPrefix: '', radiusM: 300, windowDays: 14 };
  if (fallback.categoryPrefix !== '' || !categoryCode) return fallback;
  const below = rules.filter((r) => r.categoryPrefix.startsWith(`${categoryCode}.`));
  if (below.length === 0) return fallback;
  return {
    categoryPrefix: categoryCode,
    radiusM: Math.max(...below.map((r) => r.radiusM)),
    windowDays: Math.max(...below.map((r) => r.windowDays)),
    note: 'envelope of the rules below',
  };
}

/** The widest window any rule asks for: how far back the index must keep cases. */
export function longestWindowDays(rules: readonly DuplicateRule[]): number {
  return rules.reduce((m, r) => Math.max(m, r.windowDays), 1);
}

/** Check a rule set from outside; throws a coded error naming the first bad row. */
export function parseDuplicateRules(value: unknown): DuplicateRule[] {
  const bad = (row: number, zh: string, en: string): never => {
    throw new AppError({ code: 'INSIGHTS_BAD_DUPLICATE_RULES', status: 400, field: `rules.${row}`, zh: `第 ${row + 1} 条规则：${zh}`, en: `rule ${row + 1}: ${en}` });
  };
  if (!Array.isArray(value) || value.length === 0 || value.length > 1000) {
    throw new AppError({ code: 'INSIGHTS_BAD_DUPLICATE_RULES', status: 400, field: 'rules', zh: '规则须为 1–1000 条的数组', en: 'rules must be an array of 1–1000 rows' });
  }
  const out: DuplicateRule[] = [];
  const seen = new Set<string>();
  value.forEach((raw: unknown, i) => {
    if (!raw || typeof raw !== 'object') bad(i, '不是对象', 'not an object');
    const r = raw as Record<string, unknown>;
    const prefix = r.categoryPrefix;
    if (typeof prefix !== 'string' || !/^(\d{2}(\.\d{2})*)?$/.test(prefix)) bad(i, 'categoryPrefix 须为空或 01.02 形式的分类编码', "categoryPrefix must be '' or a code like 01.02");
    if (seen.has(prefix as string)) bad(i, `分类 ${String(prefix)} 重复`, `category ${String(prefix)} repeated`);
    seen.add(prefix as string);
    const radiusM = r.radiusM;
    const windowDays = r.windowDays;
    if (typeof radiusM !== 'number' || !Number.isFinite(radiusM) || radiusM < 10 || radiusM > 50_000) bad(i, 'radiusM 须在 10–50000 米之间', 'radiusM must be 10–50000 metres');
    if (typeof windowDays !== 'number' || !Number.isInteger(windowDays) || windowDays < 1 || windowDays > 365) bad(i, 'windowDays 须为 1–365 的整数', 'windowDays must be an integer 1–365');
    out.push({ categoryPrefix: prefix as string, radiusM: radiusM as number, windowDays: windowDays as number, ...(typeof r.note === 'string' ? { note: r.note.slice(0, 200) } : {}) });
  });
  if (!seen.has('')) out.unshift({ categoryPrefix: '', radiusM: 300, windowDays: 14, note: '默认 default' });
  return out;
}

const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Great-circle distance in metres (haversine). */
export function haversineMetres(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLng = (lng2 - lng1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}
