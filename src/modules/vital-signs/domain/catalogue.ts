/**
 * The indicator catalogue (指标体系) as data: four dimensions, each with indicators that name their
 * source (cases of some categories, alarms of some types, a rate over cases, a KPI of the cases
 * module, a sensor aggregate), their scoring rule, their weight and the area levels they apply to.
 * A catalogue body is validated here and compiled into lookup tables the engine uses per event.
 */
import { createHash } from 'node:crypto';
import { AREA_LEVELS, type AreaLevel } from '../../places/index.ts';

/** The four dimensions of the index. */
export const DIMENSIONS = ['safety', 'cleanliness', 'order', 'convenience'] as const;
/** One dimension: 安全 safety, 整洁 cleanliness, 有序 order, 便民 convenience. */
export type Dimension = (typeof DIMENSIONS)[number];
/** Chinese names of the dimensions. */
export const DIMENSION_ZH: Record<Dimension, string> = { safety: '安全', cleanliness: '整洁', order: '有序', convenience: '便民' };

/** Alarm severities as the sensing module raises them. */
export const ALARM_SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
/** One alarm severity. */
export type AlarmSeverity = (typeof ALARM_SEVERITIES)[number];

/** Rates vitals computes itself from case events, per area: resolved on time, rated satisfied. */
export const CASE_RATES = ['onTime', 'satisfied'] as const;
/** One per-area case rate. */
export type CaseRate = (typeof CASE_RATES)[number];

/** Kinds counted when an indicator does not say: problems, not questions, ideas or thanks. */
export const DEFAULT_PROBLEM_KINDS: readonly string[] = ['help', 'complaint', 'report'];

/** Where an indicator's facts come from. */
export type IndicatorSource =
  /** Cases received whose category lies under one of the prefixes (most specific prefix wins). */
  | { type: 'cases'; categories: string[]; kinds?: string[] }
  /** Alarms raised (`sensing.alarm.raised`) of these types. */
  | { type: 'alarms'; alarmTypes: string[] }
  /** A rate over cases of these categories in the area: resolved on time ÷ resolved, satisfied ÷ rated. */
  | { type: 'caseRate'; rate: CaseRate; categories: string[]; kinds?: string[] }
  /** A rate of the cases module's KPIs (e.g. onTimeCompletionRate), for the whole city. */
  | { type: 'kpi'; rate: string; categoryPrefix?: string }
  /** A sensor aggregate (for the sensing module; no data until it publishes aggregates). */
  | { type: 'sensor'; measure: string; aggregate: 'mean' | 'max' | 'min' | 'p95' };

/** How an indicator turns its facts into lost points (0–100 on the indicator's own scale). */
export type ScoringRule =
  /** Each event costs `points`; the average daily loss is capped at `cap`; an on-time resolution gives back `restoreOnTime` × points. */
  | { type: 'perEvent'; points: number; cap: number; restoreOnTime?: number }
  /** The loss of the band the value falls in: the last band whose `from` ≤ value (bands ascending). */
  | { type: 'bands'; bands: Array<{ from: number; loss: number }> }
  /** Loss grows linearly with the shortfall against the target: maxLoss × |value − target| / target, on the bad side only. */
  | { type: 'ratio'; target: number; better: 'higher' | 'lower'; maxLoss: number };

/** One indicator (指标). `code` is stable across versions; everything else may change. */
export interface IndicatorDefinition {
  code: string;
  name: string;
  nameEn: string;
  dimension: Dimension;
  /** Relative weight inside its dimension. */
  weight: number;
  /** Area levels whose scores include it. */
  levels: AreaLevel[];
  source: IndicatorSource;
  rule: ScoringRule;
}

/** A whole catalogue as stored in one version. */
export interface CatalogueBody {
  name: string;
  dimensions: Array<{ code: Dimension; name: string; nameEn: string; weight: number }>;
  /** Lowest score of each colour; below `orange` is red. */
  colourBands: { green: number; yellow: number; orange: number };
  /** Multiplier of alarm points by severity. */
  severityWeights: Record<AlarmSeverity, number>;
  indicators: IndicatorDefinition[];
}

/** One problem found in a catalogue, with the path into it. */
export interface CatalogueProblem {
  path: string;
  zh: string;
  en: string;
}

const CODE = /^[A-Za-z0-9_.-]{1,40}$/;
const MAX_INDICATORS = 2000;
const MAX_PROBLEMS = 30;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown, max = 200): v is string => typeof v === 'string' && v.trim() !== '' && v.length <= max;

/** Checks a catalogue body; returns it typed, or every problem found (up to 30). */
export function validateCatalogue(value: unknown): { ok: true; body: CatalogueBody } | { ok: false; problems: CatalogueProblem[] } {
  const problems: CatalogueProblem[] = [];
  const add = (path: string, zh: string, en: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push({ path, zh, en });
  };
  if (!isObj(value)) return { ok: false, problems: [{ path: '', zh: '指标体系须为对象', en: 'the catalogue must be an object' }] };
  if (!isStr(value.name)) add('name', '名称不能为空', 'name is required');

  const dims = value.dimensions;
  if (!Array.isArray(dims) || dims.length !== DIMENSIONS.length) add('dimensions', `须列出 ${DIMENSIONS.length} 个维度`, `list the ${DIMENSIONS.length} dimensions`);
  else {
    const seen = new Set<string>();
    let total = 0;
    dims.forEach((d, i) => {
      if (!isObj(d) || !(DIMENSIONS as readonly unknown[]).includes(d.code) || seen.has(String(d.code))) return add(`dimensions[${i}].code`, '维度代码无效或重复', `code must be one of ${DIMENSIONS.join(', ')}, once each`);
      seen.add(String(d.code));
      if (!isStr(d.name) || !isStr(d.nameEn)) add(`dimensions[${i}].name`, '维度须有中英文名称', 'name and nameEn are required');
      if (!isNum(d.weight) || d.weight < 0) add(`dimensions[${i}].weight`, '权重须为非负数', 'weight must be a number ≥ 0');
      else total += d.weight;
    });
    if (total <= 0) add('dimensions', '维度权重之和须大于 0', 'dimension weights must add up to more than 0');
  }

  const bands = value.colourBands;
  if (!isObj(bands) || ![bands.green, bands.yellow, bands.orange].every((b) => isNum(b) && b >= 0 && b <= 100) || !((bands.green as number) > (bands.yellow as number) && (bands.yellow as number) > (bands.orange as number))) {
    add('colourBands', '颜色分档须满足 100 ≥ 绿 > 黄 > 橙 ≥ 0', 'colourBands must satisfy 100 ≥ green > yellow > orange ≥ 0');
  }
  const sev = value.severityWeights;
  if (!isObj(sev) || !ALARM_SEVERITIES.every((s) => isNum(sev[s]) && (sev[s] as number) >= 0)) add('severityWeights', '须给出每个告警级别的非负倍数', `severityWeights needs a number ≥ 0 for each of ${ALARM_SEVERITIES.join(', ')}`);

  const inds = value.indicators;
  if (!Array.isArray(inds) || inds.length === 0 || inds.length > MAX_INDICATORS) {
    add('indicators', `须有 1–${MAX_INDICATORS} 个指标`, `indicators must list 1–${MAX_INDICATORS} indicators`);
  } else {
    const codes = new Set<string>();
    inds.forEach((ind, i) => checkIndicator(ind, `indicators[${i}]`, codes, add));
  }
  return problems.length ? { ok: false, problems } : { ok: true, body: value as unknown as CatalogueBody };
}

function checkIndicator(ind: unknown, p: string, codes: Set<string>, add: (path: string, zh: string, en: string) => void): void {
  if (!isObj(ind)) return add(p, '指标须为对象', 'an indicator must be an object');
  if (typeof ind.code !== 'string' || !CODE.test(ind.code)) add(`${p}.code`, '代码须为 1–40 位字母、数字或 . _ -', 'code must be 1–40 letters, digits, . _ -');
  else if (codes.has(ind.code)) add(`${p}.code`, `代码重复：${ind.code}`, `duplicate code ${ind.code}`);
  else codes.add(ind.code);
  if (!isStr(ind.name) || !isStr(ind.nameEn)) add(`${p}.name`, '指标须有中英文名称', 'name and nameEn are required');
  if (!(DIMENSIONS as readonly unknown[]).includes(ind.dimension)) add(`${p}.dimension`, '维度无效', `dimension must be one of ${DIMENSIONS.join(', ')}`);
  if (!isNum(ind.weight) || ind.weight < 0 || ind.weight > 1000) add(`${p}.weight`, '权重须在 0–1000 之间', 'weight must be 0–1000');
  if (!Array.isArray(ind.levels) || ind.levels.length === 0 || !ind.levels.every((l) => (AREA_LEVELS as readonly unknown[]).includes(l))) add(`${p}.levels`, '适用层级须为 city/district/street/community/grid 中的一个或多个', `levels must list some of ${AREA_LEVELS.join(', ')}`);
  const src = ind.source;
  const rule = ind.rule;
  if (!isObj(src)) return add(`${p}.source`, '缺少数据来源', 'source is required');
  if (!isObj(rule)) return add(`${p}.rule`, '缺少计分规则', 'rule is required');
  const strList = (v: unknown): boolean => Array.isArray(v) && v.length > 0 && v.length <= 100 && v.every((s) => isStr(s, 100));
  switch (src.type) {
    case 'cases':
    case 'caseRate':
      if (!strList(src.categories)) add(`${p}.source.categories`, '须列出诉求分类前缀', 'categories must list category prefixes');
      if (src.kinds !== undefined && !strList(src.kinds)) add(`${p}.source.kinds`, '诉求类型列表无效', 'kinds must be a list of case kinds');
      if (src.type === 'caseRate' && !(CASE_RATES as readonly unknown[]).includes(src.rate)) add(`${p}.source.rate`, '比率无效', `rate must be one of ${CASE_RATES.join(', ')}`);
      break;
    case 'alarms':
      if (!strList(src.alarmTypes)) add(`${p}.source.alarmTypes`, '须列出告警类型', 'alarmTypes must list alarm types');
      break;
    case 'kpi':
      if (!isStr(src.rate, 60)) add(`${p}.source.rate`, '须指明 KPI 比率', 'rate must name a KPI rate, e.g. onTimeCompletionRate');
      if (src.categoryPrefix !== undefined && !isStr(src.categoryPrefix, 100)) add(`${p}.source.categoryPrefix`, '分类前缀无效', 'categoryPrefix must be a category code');
      // The cases module's KPIs are by department, not by area: only the city's figure is known.
      if (!Array.isArray(ind.levels) || ind.levels.length !== 1 || ind.levels[0] !== 'city') add(`${p}.levels`, 'KPI 指标只适用于市级', 'kpi indicators apply at city level only');
      break;
    case 'sensor':
      if (!isStr(src.measure, 60)) add(`${p}.source.measure`, '须指明测量项', 'measure is required');
      if (!['mean', 'max', 'min', 'p95'].includes(String(src.aggregate))) add(`${p}.source.aggregate`, '聚合方式无效', 'aggregate must be mean, max, min or p95');
      break;
    default:
      return add(`${p}.source.type`, '数据来源类型无效', 'source.type must be cases, alarms, caseRate, kpi or sensor');
  }
  const loss = (v: unknown): boolean => isNum(v) && v >= 0 && v <= 100;
  switch (rule.type) {
    case 'perEvent':
      if (src.type !== 'cases' && src.type !== 'alarms') add(`${p}.rule`, '按次扣分只适用于工单或告警计数', 'perEvent applies to cases or alarms counts only');
      if (!isNum(rule.points) || rule.points < 0 || rule.points > 100) add(`${p}.rule.points`, '每次扣分须在 0–100 之间', 'points must be 0–100');
      if (!loss(rule.cap)) add(`${p}.rule.cap`, '封顶分须在 0–100 之间', 'cap must be 0–100');
      if (rule.restoreOnTime !== undefined && (!isNum(rule.restoreOnTime) || rule.restoreOnTime < 0 || rule.restoreOnTime > 1)) add(`${p}.rule.restoreOnTime`, '按时办结返还比例须在 0–1 之间', 'restoreOnTime must be 0–1');
      if (rule.restoreOnTime !== undefined && src.type !== 'cases') add(`${p}.rule.restoreOnTime`, '只有工单可按时办结返还', 'only case indicators can restore on time');
      break;
    case 'bands': {
      const b = rule.bands;
      if (!Array.isArray(b) || b.length === 0 || b.length > 20 || !b.every((x) => isObj(x) && isNum(x.from) && loss(x.loss))) add(`${p}.rule.bands`, '分档须为 1–20 个 { from, loss }（loss 0–100）', 'bands must be 1–20 of { from, loss } with loss 0–100');
      else if (b.some((x, i) => i > 0 && (x as { from: number }).from <= (b[i - 1] as { from: number }).from)) add(`${p}.rule.bands`, '分档须按 from 递增', 'bands must be in ascending order of from');
      break;
    }
    case 'ratio':
      if (!isNum(rule.target) || rule.target <= 0) add(`${p}.rule.target`, '目标值须大于 0', 'target must be > 0');
      if (rule.better !== 'higher' && rule.better !== 'lower') add(`${p}.rule.better`, 'better 须为 higher 或 lower', 'better must be higher or lower');
      if (!loss(rule.maxLoss)) add(`${p}.rule.maxLoss`, '最大扣分须在 0–100 之间', 'maxLoss must be 0–100');
      break;
    default:
      add(`${p}.rule.type`, '计分规则无效', 'rule.type must be perEvent, bands or ratio');
  }
}

/** An indicator with its position in the engine's tables. */
export interface CompiledIndicator {
  index: number;
  def: IndicatorDefinition;
  dimension: number;
  /** Bit i set = applies to AREA_LEVELS[i]. */
  levelMask: number;
  kinds: ReadonlySet<string> | null;
}

/** A validated catalogue with the lookups the engine needs per event. */
export interface CompiledCatalogue {
  version: number;
  body: CatalogueBody;
  checksum: string;
  indicators: CompiledIndicator[];
  byCode: ReadonlyMap<string, CompiledIndicator>;
  /** Category prefix → count indicators of that exact prefix. */
  countByPrefix: ReadonlyMap<string, CompiledIndicator[]>;
  caseRates: CompiledIndicator[];
  alarmsByType: ReadonlyMap<string, CompiledIndicator[]>;
  dimensionWeights: number[];
}

/** Index of a level in AREA_LEVELS (city 0 … grid 4). */
export function levelIndex(level: AreaLevel): number {
  return (AREA_LEVELS as readonly string[]).indexOf(level);
}

/** A stable digest of a body (key order ignored), to tell a real change from a re-submit. */
export function catalogueChecksum(body: CatalogueBody): string {
  const canon = (v: unknown): unknown => (Array.isArray(v) ? v.map(canon) : isObj(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])])) : v);
  return createHash('sha256').update(JSON.stringify(canon(body))).digest('hex').slice(0, 16);
}

/** Build the lookup tables of a validated body. */
export function compileCatalogue(body: CatalogueBody, version: number): CompiledCatalogue {
  const indicators = body.indicators.map((def, index): CompiledIndicator => ({
    index, def, dimension: DIMENSIONS.indexOf(def.dimension),
    levelMask: def.levels.reduce((m, l) => m | (1 << levelIndex(l)), 0),
    kinds: def.source.type === 'cases' || def.source.type === 'caseRate' ? new Set(def.source.kinds ?? DEFAULT_PROBLEM_KINDS) : null,
  }));
  const countByPrefix = new Map<string, CompiledIndicator[]>();
  const alarmsByType = new Map<string, CompiledIndicator[]>();
  const caseRates: CompiledIndicator[] = [];
  for (const ind of indicators) {
    const s = ind.def.source;
    if (s.type === 'cases') for (const prefix of s.categories) countByPrefix.set(prefix, [...(countByPrefix.get(prefix) ?? []), ind]);
    else if (s.type === 'alarms') for (const t of s.alarmTypes) alarmsByType.set(t, [...(alarmsByType.get(t) ?? []), ind]);
    else if (s.type === 'caseRate') caseRates.push(ind);
  }
  const dimensionWeights = DIMENSIONS.map((d) => body.dimensions.find((x) => x.code === d)?.weight ?? 0);
  return { version, body, checksum: catalogueChecksum(body), indicators, byCode: new Map(indicators.map((i) => [i.def.code, i])), countByPrefix, caseRates, alarmsByType, dimensionWeights };
}

/** The prefixes of a dotted category code, most specific first: 11.05.03, 11.05, 11. */
export function categoryPrefixes(code: string): string[] {
  const out: string[] = [];
  let c = code;
  for (;;) {
    out.push(c);
    const cut = c.lastIndexOf('.');
    if (cut < 0) return out;
    c = c.slice(0, cut);
  }
}

/** True when `code` is `prefix` or lies below it (segment boundaries: '01' does not match '010'). */
export function underPrefix(code: string, prefix: string): boolean {
  return code === prefix || code.startsWith(`${prefix}.`);
}

/**
 * The count indicators a case feeds: those of the most specific listed prefix of its category, so
 * a case of 11.05.03 counts for the 11.05.03 indicator and not again for the catch-all 11.
 */
export function countIndicatorsForCase(cat: CompiledCatalogue, categoryCode: string, kind: string): CompiledIndicator[] {
  for (const prefix of categoryPrefixes(categoryCode)) {
    const found = cat.countByPrefix.get(prefix);
    if (found) return found.filter((i) => i.kinds?.has(kind) ?? true);
  }
  return [];
}

/** The per-area rate indicators of one rate a case feeds (every matching prefix, not only the most specific). */
export function rateIndicatorsForCase(cat: CompiledCatalogue, categoryCode: string, kind: string, rate: CaseRate): CompiledIndicator[] {
  return cat.caseRates.filter((i) => {
    const s = i.def.source;
    return s.type === 'caseRate' && s.rate === rate && (i.kinds?.has(kind) ?? true) && s.categories.some((p) => underPrefix(categoryCode, p));
  });
}

/** True when any indicator of the catalogue looks at cases of this category (to skip unrelated events cheaply). */
export function caresAboutCategory(cat: CompiledCatalogue, categoryCode: string): boolean {
  if (categoryPrefixes(categoryCode).some((p) => cat.countByPrefix.has(p))) return true;
  return cat.caseRates.some((i) => i.def.source.type === 'caseRate' && i.def.source.categories.some((p) => underPrefix(categoryCode, p)));
}
