import { DateTime } from 'luxon';

/**
 * The daily briefing (日报) as data: what the page and the workbook show. Built from sources the
 * composition root wires (BriefingSources), so this file knows nothing of where figures come from.
 */

/** A named count, e.g. a channel with its cases. */
export interface NamedCount {
  key: string;
  name: string;
  count: number;
}

/** A KPI row as the cases KPI Api returns it (CasesApi.kpis). */
export interface KpiRowLike {
  key: string;
  name: string;
  counters: Partial<Record<string, number>>;
  rates: Record<string, { value: number | null; numerator: number; denominator: number }>;
}

/** A hot issue as the briefing lists it. */
export interface BriefingHotIssue {
  rank: number;
  heat: number;
  place: string;
  description: string;
  firstAt: string;
  lastAt: string;
  messageCount: number;
  requesterCount: number;
}

/** A warning as the briefing lists it. */
export interface BriefingWarning {
  id: string;
  title: string;
  statusName: string;
  raisedAt: string;
  count: number;
  expected: number;
}

/** Where the briefing's figures come from. */
export interface BriefingSources {
  /** KPI rows over local days from–to (both included), as CasesApi.kpis returns them. */
  kpis(query: { from: string; to: string; groupBy: 'department' | 'tier' | 'category' | 'day' | 'all' }): Promise<KpiRowLike[]>;
  /** Cases received in [start, end) by channel, top-level category and area (district). */
  volumes(start: Date, end: Date): Promise<{ total: number; byChannel: NamedCount[]; byCategory: NamedCount[]; byArea: NamedCount[] }>;
  /** Open cases past their due time at `at`, by main department. */
  overdueByDepartment(at: Date): Promise<NamedCount[]>;
  /** The hottest issues of [start, end). */
  hotIssues(start: Date, end: Date, top: number): Promise<BriefingHotIssue[]>;
  /** Warnings still open (raised or acknowledged). */
  openWarnings(): Promise<BriefingWarning[]>;
}

/** A count of the day with the day before. */
export interface CountRow extends NamedCount {
  previous: number;
  /** count − previous. */
  change: number;
}

/** A rate of the day with the day before and the last 30 days. */
export interface RateRow {
  key: string;
  name: string;
  value: number | null;
  numerator: number;
  denominator: number;
  previous: number | null;
  /** Percentage points, null when either day has no value. */
  change: number | null;
  last30: number | null;
}

export interface Briefing {
  /** Local day the briefing is about. */
  day: string;
  previousDay: string;
  zone: string;
  generatedAt: string;
  total: number;
  previousTotal: number;
  byChannel: CountRow[];
  byCategory: CountRow[];
  byArea: CountRow[];
  rates: RateRow[];
  hotIssues: BriefingHotIssue[];
  hotIssueFrom: string;
  hotIssueTo: string;
  warnings: BriefingWarning[];
  overdue: NamedCount[];
  overdueTotal: number;
}

/** The rates the briefing reports, in this order, with their Chinese names. */
export const BRIEFING_RATES: ReadonlyArray<readonly [string, string]> = [
  ['onTimeSignRate', '按时签收率'],
  ['onTimeCompletionRate', '按时办结率'],
  ['completionRate', '办结率'],
  ['satisfactionRate', '满意率'],
  ['directAnswerRate', '直接答复率'],
];

export interface BuildOptions {
  zone: string;
  /** Days of hot issues up to and including the briefing day. */
  hotIssueDays: number;
  top: number;
}

function withPrevious(today: readonly NamedCount[], before: readonly NamedCount[]): CountRow[] {
  const prev = new Map(before.map((r) => [r.key, r]));
  const keys = new Map<string, string>();
  for (const r of [...today, ...before]) if (!keys.has(r.key)) keys.set(r.key, r.name);
  return [...keys]
    .map(([key, name]) => {
      const count = today.find((r) => r.key === key)?.count ?? 0;
      const previous = prev.get(key)?.count ?? 0;
      return { key, name, count, previous, change: count - previous };
    })
    .sort((a, b) => b.count - a.count || b.previous - a.previous || a.key.localeCompare(b.key));
}

const rateOf = (rows: readonly KpiRowLike[], key: string) => rows.find((r) => r.key === 'all')?.rates[key] ?? rows[0]?.rates[key];

/** Build the briefing of a local day from its sources. */
export async function buildBriefing(day: string, sources: BriefingSources, options: BuildOptions, now: Date): Promise<Briefing> {
  const d = DateTime.fromISO(day, { zone: options.zone });
  const previousDay = d.minus({ days: 1 }).toISODate()!;
  const start = d.toJSDate();
  const end = d.plus({ days: 1 }).toJSDate();
  const [today, before, kToday, kBefore, k30, hot, warnings, overdue] = await Promise.all([
    sources.volumes(start, end),
    sources.volumes(d.minus({ days: 1 }).toJSDate(), start),
    sources.kpis({ from: day, to: day, groupBy: 'all' }),
    sources.kpis({ from: previousDay, to: previousDay, groupBy: 'all' }),
    sources.kpis({ from: d.minus({ days: 29 }).toISODate()!, to: day, groupBy: 'all' }),
    sources.hotIssues(d.minus({ days: options.hotIssueDays - 1 }).toJSDate(), end, options.top),
    sources.openWarnings(),
    sources.overdueByDepartment(end < now ? end : now),
  ]);
  const rates: RateRow[] = BRIEFING_RATES.map(([key, name]) => {
    const t = rateOf(kToday, key);
    const p = rateOf(kBefore, key);
    const value = t?.value ?? null;
    const previous = p?.value ?? null;
    return {
      key, name, value, numerator: t?.numerator ?? 0, denominator: t?.denominator ?? 0, previous,
      change: value !== null && previous !== null ? Math.round((value - previous) * 10_000) / 100 : null,
      last30: rateOf(k30, key)?.value ?? null,
    };
  });
  const overdueSorted = [...overdue].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  return {
    day,
    previousDay,
    zone: options.zone,
    generatedAt: now.toISOString(),
    total: today.total,
    previousTotal: before.total,
    byChannel: withPrevious(today.byChannel, before.byChannel),
    byCategory: withPrevious(today.byCategory, before.byCategory),
    byArea: withPrevious(today.byArea, before.byArea),
    rates,
    hotIssues: hot.slice(0, options.top),
    hotIssueFrom: d.minus({ days: options.hotIssueDays - 1 }).toISODate()!,
    hotIssueTo: day,
    warnings,
    overdue: overdueSorted,
    overdueTotal: overdueSorted.reduce((s, r) => s + r.count, 0),
  };
}

/** 0.9234 → "92.3%", null → "—". */
export function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

/** +3 / −2 / 0 with a sign; percentage points with "个百分点". */
export function signed(value: number | null, unit = ''): string {
  if (value === null) return '—';
  const v = Math.round(value * 100) / 100;
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v)}${unit}`;
}

/** 2026-12-03 → 2026年12月3日（星期四）. */
export function chineseDate(day: string): string {
  const d = DateTime.fromISO(day);
  const week = ['一', '二', '三', '四', '五', '六', '日'][d.weekday - 1];
  return `${d.year}年${d.month}月${d.day}日（星期${week}）`;
}
