import { DateTime } from 'luxon';

/**
 * Unusual rises (早期预警) in counts of cases per category × area, against the series' own baseline.
 *
 * Windows: an hour and a local day. Two baselines, each used where the data allows:
 *  - weekly (seasonal by weekday and hour): the same window — same weekday and local hour, or same
 *    weekday — in each of the previous `weeks` weeks the series existed (needs `minSeasonalWeeks`);
 *  - recent (seasonal by hour only): the same local hour on each of the previous `recentDays` days, or
 *    the previous days themselves for the day window (needs `minRecent` of them).
 * The expected count is the higher of the two levels: one unlucky quiet sample set must not make an
 * ordinary window look unusual.
 *
 * Model: the next count given past counts is Poisson with an unknown rate; with a Jeffreys prior the
 * predictive distribution is negative binomial with mean m = (S + ½)/N (S = sum of the N samples), so
 * few or empty samples widen it instead of making everything look unusual. Over-dispersion beyond that
 * (φ = robust variance (MAD) ÷ mean of the chosen samples, at least 1, at most 10) widens it further. A single
 * past spike among the samples is dropped first, so last month's incident does not mute this one.
 *
 * Alarm when all hold: count ≥ minCount (of the grain), count ≥ minRatio × m, and the upper tail
 * p = P(X ≥ count) < alpha (of the grain). A year has 8,760 hourly and 365 daily windows per series,
 * so alpha is set per test to keep a quiet series under about one false alarm in ten years
 * (hour 1e-5, day 2.5e-4); z = (count − m)/sd is reported alongside.
 */

export type Grain = 'hour' | 'day';
export const GRAINS: readonly Grain[] = ['hour', 'day'];

export interface DetectorConfig {
  /** Weeks of weekly baseline (same weekday and hour). */
  weeks: number;
  /** Weekly samples needed for the weekly baseline. */
  minSeasonalWeeks: number;
  /** Days of recent baseline (same hour on previous days; previous days for the day window). */
  recentDays: number;
  /** Recent samples needed for the recent baseline. */
  minRecent: Record<Grain, number>;
  minCount: Record<Grain, number>;
  alpha: Record<Grain, number>;
  minRatio: number;
}

export const DEFAULT_DETECTOR: DetectorConfig = {
  weeks: 8,
  minSeasonalWeeks: 3,
  recentDays: 14,
  minRecent: { hour: 3, day: 7 },
  minCount: { hour: 5, day: 10 },
  alpha: { hour: 1e-5, day: 2.5e-4 },
  minRatio: 2,
};

/** What the count of a window is compared with (counts of windows the series existed in, newest first). */
export interface Baseline {
  /** The same window in previous weeks. */
  weekly: readonly number[];
  /** The same hour on previous days (hour window) or the previous days (day window). */
  recent: readonly number[];
}

/** The evidence for (or against) an alarm. */
export interface Verdict {
  alarm: boolean;
  count: number;
  /** Expected count (predictive mean). */
  expected: number;
  /** Predictive standard deviation. */
  spread: number;
  /** Over-dispersion factor applied (≥ 1). */
  dispersion: number;
  pValue: number;
  z: number;
  /** Which baseline set the expected count: 'weekly' (weekday × hour) or 'recent' (hour of day). */
  basis: 'weekly' | 'recent';
  /** Samples of that baseline (after dropping a past spike). */
  samples: number[];
}

// Lanczos approximation (g = 7, n = 9): ~15 significant digits, enough for tail probabilities.
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(X ≥ k) for a count with mean m and variance v ≥ m: Poisson when v ≈ m, negative binomial otherwise. */
export function upperTail(k: number, m: number, v: number): number {
  if (k <= 0) return 1;
  if (m <= 0) return 0;
  const poisson = v <= m * (1 + 1e-9);
  let logP: number;
  let ratio: (j: number) => number;
  if (poisson) {
    logP = k * Math.log(m) - m - lnGamma(k + 1);
    ratio = (j) => m / (j + 1);
  } else {
    const r = (m * m) / (v - m);
    const p = m / v;
    logP = lnGamma(k + r) - lnGamma(r) - lnGamma(k + 1) + r * Math.log(p) + k * Math.log(1 - p);
    ratio = (j) => ((j + r) / (j + 1)) * (1 - p);
  }
  // Sum the tail from k upward: exact for tiny probabilities, where 1 − CDF would lose every digit.
  let term = Math.exp(logP);
  let sum = term;
  for (let j = k; j < k + 100_000; j++) {
    term *= ratio(j);
    sum += term;
    if (term < sum * 1e-15 && j > m) break;
  }
  return Math.min(1, sum);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** The samples without one past spike: the largest, when it exceeds three times (median + 1) and four or more remain. */
export function withoutPastSpike(samples: readonly number[]): number[] {
  if (samples.length < 5) return [...samples];
  const max = Math.max(...samples);
  if (max <= 3 * (median(samples) + 1)) return [...samples];
  const out = [...samples];
  out.splice(out.indexOf(max), 1);
  return out;
}

const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

function level(samples: readonly number[]): { samples: number[]; n: number; mean: number; dispersion: number } {
  const kept = withoutPastSpike(samples);
  const n = kept.length;
  const s = kept.reduce((a, b) => a + b, 0);
  const mean = (s + 0.5) / n;
  // Sample variance of what is left once a past spike is gone (MAD is 0 for most small counts and
  // would call an erratic series calm).
  const avg = s / n;
  const variance = n > 1 ? kept.reduce((a, x) => a + (x - avg) ** 2, 0) / (n - 1) : 0;
  const dispersion = Math.min(10, Math.max(1, variance / Math.max(mean, 1e-9)));
  return { samples: kept, n, mean, dispersion };
}

/** Compare one window's count with its baseline. Returns null when there is not enough history to judge. */
export function evaluateWindow(count: number, grain: Grain, baseline: Baseline, config: DetectorConfig = DEFAULT_DETECTOR): Verdict | null {
  const weekly = baseline.weekly.length >= config.minSeasonalWeeks ? level(baseline.weekly) : null;
  const recent = baseline.recent.length >= config.minRecent[grain] ? level(baseline.recent) : null;
  const chosen = weekly && (!recent || weekly.mean >= recent.mean) ? weekly : recent;
  if (!chosen) return null;
  const basis = chosen === weekly ? 'weekly' : 'recent';
  const dispersion = chosen.dispersion;
  const expected = chosen.mean;
  const variance = expected * ((chosen.n + 1) / chosen.n) * dispersion;
  const pValue = upperTail(count, expected, variance);
  const spread = Math.sqrt(variance);
  const z = (count - expected) / spread;
  const alarm = count >= config.minCount[grain] && count >= config.minRatio * expected && pValue < config.alpha[grain];
  return { alarm, count, expected: round(expected), spread: round(spread), dispersion: round(dispersion, 3), pValue, z: round(z, 2), basis, samples: chosen.samples };
}

// ───────────────────────────── windows ─────────────────────────────

/** The hour window of an instant: UTC 'YYYY-MM-DDTHH'. */
export function hourKey(at: Date): string {
  return at.toISOString().slice(0, 13);
}

/** The day window of an instant: the local date in the city's zone. */
export function dayKey(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISODate()!;
}

/** The window key of an instant. */
export function windowKey(at: Date, grain: Grain, zone: string): string {
  return grain === 'hour' ? hourKey(at) : dayKey(at, zone);
}

/** Start and end (exclusive) of a window as instants. */
export function windowRange(key: string, grain: Grain, zone: string): { start: Date; end: Date } {
  if (grain === 'hour') {
    const start = new Date(`${key}:00:00.000Z`);
    return { start, end: new Date(start.getTime() + 3_600_000) };
  }
  const d = DateTime.fromISO(key, { zone });
  return { start: d.toJSDate(), end: d.plus({ days: 1 }).toJSDate() };
}

/**
 * The same window k = 1…weeks weeks earlier, newest first: same local weekday and hour (a week is not
 * always 168 hours where clocks change), or same local weekday.
 */
export function sameSlotEarlier(key: string, grain: Grain, weeks: number, zone: string): string[] {
  const out: string[] = [];
  if (grain === 'hour') {
    const local = DateTime.fromISO(`${key}:00:00.000Z`, { zone: 'utc' }).setZone(zone);
    for (let k = 1; k <= weeks; k++) out.push(local.minus({ weeks: k }).toUTC().toISO()!.slice(0, 13));
  } else {
    const d = DateTime.fromISO(key, { zone });
    for (let k = 1; k <= weeks; k++) out.push(d.minus({ weeks: k }).toISODate()!);
  }
  return out;
}

/** The same local hour on each of the previous `days` days (hour window), or the previous days (day window), newest first. */
export function recentSlots(key: string, grain: Grain, days: number, zone: string): string[] {
  const out: string[] = [];
  if (grain === 'hour') {
    const local = DateTime.fromISO(`${key}:00:00.000Z`, { zone: 'utc' }).setZone(zone);
    for (let k = 1; k <= days; k++) out.push(local.minus({ days: k }).toUTC().toISO()!.slice(0, 13));
  } else {
    const d = DateTime.fromISO(key, { zone });
    for (let k = 1; k <= days; k++) out.push(d.minus({ days: k }).toISODate()!);
  }
  return out;
}

/** The keys a window's baseline reads: weekly slots then recent slots. */
export function baselineKeys(key: string, grain: Grain, zone: string, config: DetectorConfig = DEFAULT_DETECTOR): { weekly: string[]; recent: string[] } {
  return { weekly: sameSlotEarlier(key, grain, config.weeks, zone), recent: recentSlots(key, grain, config.recentDays, zone) };
}

// ───────────────────────────── a whole series at once ─────────────────────────────

/** An alarm found by scanning a series. */
export interface ScanAlarm {
  grain: Grain;
  key: string;
  verdict: Verdict;
}

/**
 * Every alarm of one series given its hourly counts from `start` (an hour boundary): the same decisions
 * the incremental path makes as cases arrive, for tests, back-testing and the benchmark.
 */
export function scanSeries(hourly: ArrayLike<number>, start: Date, zone: string, config: DetectorConfig = DEFAULT_DETECTOR): ScanAlarm[] {
  // Index arithmetic instead of keys: a year is 8,760 windows × 22 baseline reads, and luxon per read
  // would dominate. Local offsets are computed once per hour, so clock changes still line up.
  const n = hourly.length;
  const t0 = start.getTime();
  const offsetMin = new Int32Array(n);
  const localDay = new Int32Array(n);
  const offsetAt = (i: number) => DateTime.fromMillis(t0 + i * 3_600_000, { zone }).offset;
  // Offsets change a few times a year at most: look once a day, and hour by hour only across a change.
  for (let d = 0; d < n; d += 24) {
    const a = offsetAt(d);
    const last = Math.min(n - 1, d + 23);
    const same = offsetAt(last) === a;
    for (let i = d; i <= last; i++) offsetMin[i] = same ? a : offsetAt(i);
  }
  for (let i = 0; i < n; i++) localDay[i] = Math.floor((t0 + i * 3_600_000 + offsetMin[i]! * 60_000) / 86_400_000);
  const firstDay = localDay[0] ?? 0;
  const days = new Float64Array(n === 0 ? 0 : localDay[n - 1]! - firstDay + 1);
  for (let i = 0; i < n; i++) days[localDay[i]! - firstDay]! += hourly[i]!;
  /** Index of the hour with the same local time `hoursBack` local hours earlier, or -1 outside the series. */
  const back = (i: number, hoursBack: number): number => {
    let j = i - hoursBack;
    if (j < 0) return -1;
    j += Math.round((offsetMin[i]! - offsetMin[j]!) / 60);
    return j >= 0 && j < n ? j : -1;
  };
  const alarms: ScanAlarm[] = [];
  const weekly: number[] = [];
  const recent: number[] = [];
  for (let i = 0; i < n; i++) {
    const count = hourly[i]!;
    // Below the minimum count nothing can alarm: skip the baseline altogether.
    if (count < config.minCount.hour) continue;
    weekly.length = 0;
    recent.length = 0;
    for (let k = 1; k <= config.weeks; k++) {
      const j = back(i, 168 * k);
      if (j >= 0) weekly.push(hourly[j]!);
    }
    for (let k = 1; k <= config.recentDays; k++) {
      const j = back(i, 24 * k);
      if (j >= 0) recent.push(hourly[j]!);
    }
    const v = evaluateWindow(count, 'hour', { weekly, recent }, config);
    if (v?.alarm) alarms.push({ grain: 'hour', key: hourKey(new Date(t0 + i * 3_600_000)), verdict: v });
  }
  for (let d = 0; d < days.length; d++) {
    const count = days[d]!;
    if (count < config.minCount.day) continue;
    weekly.length = 0;
    recent.length = 0;
    for (let k = 1; k <= config.weeks && d - 7 * k >= 0; k++) weekly.push(days[d - 7 * k]!);
    for (let k = 1; k <= config.recentDays && d - k >= 0; k++) recent.push(days[d - k]!);
    const v = evaluateWindow(count, 'day', { weekly, recent }, config);
    if (v?.alarm) alarms.push({ grain: 'day', key: DateTime.fromMillis((firstDay + d) * 86_400_000, { zone: 'utc' }).toISODate()!, verdict: v });
  }
  return alarms;
}
