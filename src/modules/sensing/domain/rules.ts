import type { Reading } from './reading-validation.ts';

/** Comparison of a value with a limit. */
export const OPS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type Op = (typeof OPS)[number];

export const SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** Larger = more severe. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, major: 3, minor: 2, warning: 1 };

/**
 * A rule's condition, as data. Leaves watch one measure of the device; `all` / `any` combine them.
 *  - threshold: value (or its mean over `meanOverS`) compared with a limit; with `clear`, it stays
 *    true until the clear comparison holds (hysteresis), so a value hovering at the limit does not flap;
 *  - noData: no reading (of the measure, or at all) for `seconds`;
 *  - rateOfChange: |Δvalue / Δt| over the last `overS` seconds (default: since the previous reading) above `maxPerS`;
 *  - baseline: the sum over the last `windowH` complete hours compared with the mean of the same hours on
 *    earlier days (the device's own baseline by hour of day), true when below `below` × or above `above` × it.
 */
export type Condition =
  | { kind: 'threshold'; measure: string; op: Op; value: number; clear?: { op: Op; value: number }; meanOverS?: number; abs?: boolean; tempComp?: TempComp }
  | { kind: 'noData'; measure?: string; seconds: number }
  | { kind: 'rateOfChange'; measure: string; maxPerS: number; overS?: number }
  | { kind: 'baseline'; measure: string; windowH: number; below?: number; above?: number; minDays: number; maxDays?: number }
  | { kind: 'all'; of: Condition[] }
  | { kind: 'any'; of: Condition[] };

/**
 * Temperature compensation: the value less `perDegree` × (latest temperature − `refC`), the
 * temperature being another measure of the same device (thermal strain of a deck is not load).
 */
export interface TempComp {
  measure: string;
  perDegree: number;
  refC: number;
}

/** Local time windows in which a rule runs; `to` before `from` wraps past midnight. Days 1 = Monday … 7 = Sunday. */
export interface Schedule {
  /** Offset of the city's zone from UTC in minutes (Asia/Shanghai: 480; no daylight saving there). */
  utcOffsetMin: number;
  windows: Array<{ from: string; to: string; days?: number[] }>;
}

/** A rule as data, attached to a device type or to one device. */
export interface RuleDef {
  id: string;
  name: string;
  alarmType: string;
  severity: Severity;
  condition: Condition;
  /** The condition must hold this long (seconds) before the alarm is raised. */
  forS?: number;
  /**
   * Once raised, the condition must stay false this long (seconds) before the alarm clears: a 100 Hz
   * signal crossing its band back and forth raises one alarm, not one per oscillation.
   */
  clearForS?: number;
  schedule?: Schedule;
}

interface LeafState {
  latched: boolean;
  /** Readings in the rolling window (threshold mean, rate of change), oldest first. */
  win: Array<[number, number]>;
  winSum: number;
  last: [number, number] | null;
  lastSeen: number;
  /** Latest compensation temperature. */
  comp: number | null;
  /** baseline: hour index (at / 3 600 000) → [sum, count]. */
  hours: Map<number, [number, number]>;
}

/** What a rule remembers about one device between readings. */
export interface RuleState {
  leaves: LeafState[];
  pendingSince: number | null;
  /** Since when the condition has been false while raised (for clearForS). */
  offSince: number | null;
  raised: boolean;
  /** Latest instant seen (reading time or tick), so time never runs backwards within a state. */
  t: number;
}

export type Transition = { kind: 'raise' | 'clear'; at: number; value: number | null } | null;

const HOUR = 3_600_000;

function collectLeaves(c: Condition, out: Condition[]): Condition[] {
  if (c.kind === 'all' || c.kind === 'any') for (const x of c.of) collectLeaves(x, out);
  else out.push(c);
  return out;
}

// Rules are immutable once built: their leaves and measures are computed once, not per reading.
const leafCache = new WeakMap<Condition, Condition[]>();
function leavesOf(c: Condition): Condition[] {
  let leaves = leafCache.get(c);
  if (!leaves) {
    leaves = collectLeaves(c, []);
    leafCache.set(c, leaves);
  }
  return leaves;
}

/** A fresh state; `since` starts the no-data clocks (a device that never reports is noticed too). */
export function newRuleState(rule: RuleDef, since: number): RuleState {
  return {
    leaves: leavesOf(rule.condition).map(() => ({ latched: false, win: [], winSum: 0, last: null, lastSeen: since, comp: null, hours: new Map() })),
    pendingSince: null,
    offSince: null,
    raised: false,
    t: since,
  };
}

export function compare(v: number, op: Op, limit: number): boolean {
  switch (op) {
    case '>': return v > limit;
    case '>=': return v >= limit;
    case '<': return v < limit;
    case '<=': return v <= limit;
    case '==': return v === limit;
    case '!=': return v !== limit;
  }
}

const hhmm = (s: string): number => {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
};

/** True when the instant falls in one of the schedule's windows (local time of the schedule's zone). */
export function inSchedule(s: Schedule | undefined, at: number): boolean {
  if (!s) return true;
  const local = at + s.utcOffsetMin * 60_000;
  const minute = Math.floor((local % 86_400_000) / 60_000);
  // 1970-01-01 was a Thursday (4).
  const day = ((Math.floor(local / 86_400_000) + 3) % 7) + 1;
  const prevDay = day === 1 ? 7 : day - 1;
  for (const w of s.windows) {
    const from = hhmm(w.from);
    const to = hhmm(w.to);
    if (from <= to) {
      if (minute >= from && minute < to && (!w.days || w.days.includes(day))) return true;
    } else if ((minute >= from && (!w.days || w.days.includes(day))) || (minute < to && (!w.days || w.days.includes(prevDay)))) {
      return true;
    }
  }
  return false;
}

/** Feed a reading to one leaf's state (only readings of its measure reach value leaves). */
function observe(c: Condition, s: LeafState, r: Reading, now: number): void {
  if (c.kind === 'noData') {
    if (c.measure === undefined || c.measure === r.measure) s.lastSeen = Math.max(s.lastSeen, now);
    return;
  }
  if (c.kind === 'threshold' && c.tempComp && c.tempComp.measure === r.measure) {
    s.comp = r.value;
    return;
  }
  if (c.kind === 'all' || c.kind === 'any' || c.measure !== r.measure) return;
  if (c.kind === 'threshold') {
    if (c.meanOverS) {
      s.win.push([r.at, r.value]);
      s.winSum += r.value;
      const from = r.at - c.meanOverS * 1000;
      while (s.win.length && s.win[0]![0] < from) s.winSum -= s.win.shift()![1];
    }
    s.last = [r.at, r.value];
    const raw = c.meanOverS ? s.winSum / s.win.length : r.value;
    const v = c.tempComp && s.comp !== null ? raw - c.tempComp.perDegree * (s.comp - c.tempComp.refC) : raw;
    const x = c.abs ? Math.abs(v) : v;
    if (compare(x, c.op, c.value)) s.latched = true;
    else if (!c.clear || compare(x, c.clear.op, c.clear.value)) s.latched = false;
    return;
  }
  if (c.kind === 'rateOfChange') {
    const prev = s.last;
    s.last = [r.at, r.value];
    if (c.overS) {
      s.win.push([r.at, r.value]);
      const from = r.at - c.overS * 1000;
      while (s.win.length > 1 && s.win[0]![0] < from) s.win.shift();
      const first = s.win[0]!;
      const dt = (r.at - first[0]) / 1000;
      s.latched = dt > 0 && Math.abs(r.value - first[1]) / dt > c.maxPerS;
    } else {
      const dt = prev ? (r.at - prev[0]) / 1000 : 0;
      s.latched = prev !== null && dt > 0 && Math.abs(r.value - prev[1]) / dt > c.maxPerS;
    }
    return;
  }
  // baseline: hourly sums and counts; older than the history it needs is dropped.
  const h = Math.floor(r.at / HOUR);
  const cell = s.hours.get(h);
  if (cell) {
    cell[0] += r.value;
    cell[1] += 1;
  } else {
    s.hours.set(h, [r.value, 1]);
    const keep = ((c.maxDays ?? 28) + 1) * 24 + c.windowH;
    for (const k of s.hours.keys()) if (k < h - keep) s.hours.delete(k);
  }
}

/** The device's own baseline for the window ending before the hour of `now`: mean over earlier days that have data. */
export function baselineOf(c: Extract<Condition, { kind: 'baseline' }>, hours: ReadonlyMap<number, [number, number]>, now: number): { current: number; baseline: number; days: number } {
  const end = Math.floor(now / HOUR); // current hour is incomplete: windows end before it
  const sumOf = (lastHourExclusive: number): { sum: number; count: number } => {
    let sum = 0;
    let count = 0;
    for (let k = lastHourExclusive - c.windowH; k < lastHourExclusive; k += 1) {
      const cell = hours.get(k);
      if (cell) {
        sum += cell[0];
        count += cell[1];
      }
    }
    return { sum, count };
  };
  const current = sumOf(end).sum;
  let total = 0;
  let days = 0;
  for (let d = 1; d <= (c.maxDays ?? 28); d += 1) {
    const w = sumOf(end - d * 24);
    if (w.count === 0) continue;
    total += w.sum;
    days += 1;
  }
  return { current, baseline: days ? total / days : 0, days };
}

function holds(c: Condition, leaves: readonly LeafState[], i: { n: number }, now: number): boolean {
  if (c.kind === 'all') {
    let ok = true;
    // Every child is visited so leaf indices stay aligned.
    for (const x of c.of) ok = holds(x, leaves, i, now) && ok;
    return ok;
  }
  if (c.kind === 'any') {
    let ok = false;
    for (const x of c.of) ok = holds(x, leaves, i, now) || ok;
    return ok;
  }
  const s = leaves[i.n++]!;
  switch (c.kind) {
    case 'threshold':
    case 'rateOfChange':
      return s.latched;
    case 'noData':
      return now - s.lastSeen >= c.seconds * 1000;
    case 'baseline': {
      const b = baselineOf(c, s.hours, now);
      if (b.days < c.minDays) return false;
      return (c.below !== undefined && b.current < c.below * b.baseline) || (c.above !== undefined && b.current > c.above * b.baseline);
    }
  }
}

/** The value shown on the alarm: the latest value of the first value leaf. */
function valueOf(rule: RuleDef, state: RuleState): number | null {
  const leaves = leavesOf(rule.condition);
  for (let k = 0; k < leaves.length; k += 1) {
    const c = leaves[k]!;
    const s = state.leaves[k]!;
    if (c.kind === 'threshold' && c.meanOverS && s.win.length) return s.winSum / s.win.length;
    if (s.last) return s.last[1];
  }
  return null;
}

function step(rule: RuleDef, state: RuleState, now: number): Transition {
  const on = inSchedule(rule.schedule, now) && holds(rule.condition, state.leaves, { n: 0 }, now);
  if (!on) {
    state.pendingSince = null;
    if (!state.raised) return null;
    state.offSince ??= now;
    if (now - state.offSince < (rule.clearForS ?? 0) * 1000) return null;
    state.raised = false;
    state.offSince = null;
    return { kind: 'clear', at: now, value: valueOf(rule, state) };
  }
  state.offSince = null;
  if (state.raised) return null;
  state.pendingSince ??= now;
  if (now - state.pendingSince < (rule.forS ?? 0) * 1000) return null;
  state.raised = true;
  return { kind: 'raise', at: now, value: valueOf(rule, state) };
}

/**
 * Feed one reading of the device to a rule. Times are the readings' own (monotonic per state), so
 * replaying recorded data gives the same alarms as live data. Returns the transition, if any.
 */
export function onReading(rule: RuleDef, state: RuleState, r: Reading): Transition {
  const now = Math.max(state.t, r.at);
  state.t = now;
  const leaves = leavesOf(rule.condition);
  for (let k = 0; k < leaves.length; k += 1) observe(leaves[k]!, state.leaves[k]!, r, now);
  return step(rule, state, now);
}

/** Let time pass without a reading (no-data clocks, durations, baseline windows, schedules). */
export function onTick(rule: RuleDef, state: RuleState, now: number): Transition {
  if (now < state.t) return null;
  state.t = now;
  return step(rule, state, now);
}

const measureCache = new WeakMap<Condition, Set<string> | 'all'>();

/** Baseline leaves of a rule (their measure and the history they need, in hours). */
export function baselineNeeds(rule: RuleDef): Array<{ measure: string; hours: number }> {
  return leavesOf(rule.condition).flatMap((c) => (c.kind === 'baseline' ? [{ measure: c.measure, hours: ((c.maxDays ?? 28) + 1) * 24 + c.windowH }] : []));
}

/**
 * Give a rule's baseline leaves the device's history from hourly rollups (after a restart, or for a
 * device whose consent was just recorded), so they judge at once instead of after `minDays` days.
 */
export function primeBaselines(rule: RuleDef, state: RuleState, hourly: (measure: string) => ReadonlyArray<{ start: number; sum: number; count: number }>): void {
  const leaves = leavesOf(rule.condition);
  leaves.forEach((c, k) => {
    if (c.kind !== 'baseline') return;
    const hours = state.leaves[k]!.hours;
    for (const cell of hourly(c.measure)) {
      const h = Math.floor(cell.start / HOUR);
      const had = hours.get(h);
      // Readings seen live in the same hour are already in the rollup: keep the larger count.
      if (!had || had[1] < cell.count) hours.set(h, [cell.sum, cell.count]);
    }
  });
}

/** Measures a rule reads; readings of other measures need not be fed to it (noData without measure reads all). */
export function measuresOf(c: Condition): Set<string> | 'all' {
  let m = measureCache.get(c);
  if (!m) {
    m = computeMeasures(c);
    measureCache.set(c, m);
  }
  return m;
}

function computeMeasures(c: Condition): Set<string> | 'all' {
  const out = new Set<string>();
  for (const leaf of leavesOf(c)) {
    if (leaf.kind === 'all' || leaf.kind === 'any') continue;
    if (leaf.kind === 'noData' && leaf.measure === undefined) return 'all';
    if (leaf.measure !== undefined) out.add(leaf.measure);
    if (leaf.kind === 'threshold' && leaf.tempComp) out.add(leaf.tempComp.measure);
  }
  return out;
}

/** Why a rule cannot be used (unknown measure, bad limits); null when it can. */
export function ruleProblem(rule: Omit<RuleDef, 'id'>, measures: ReadonlySet<string> | null): string | null {
  if (!/^[a-z][a-z0-9_]{1,59}$/.test(rule.alarmType)) return 'alarmType must be lower_snake (2–60)';
  if (!SEVERITIES.includes(rule.severity)) return `severity must be one of ${SEVERITIES.join(', ')}`;
  if (rule.forS !== undefined && !(rule.forS >= 0 && rule.forS <= 7 * 86400)) return 'forS must be 0 – 7 days';
  if (rule.clearForS !== undefined && !(rule.clearForS >= 0 && rule.clearForS <= 7 * 86400)) return 'clearForS must be 0 – 7 days';
  if (rule.schedule) {
    if (!rule.schedule.windows.length) return 'schedule has no window';
    for (const w of rule.schedule.windows) {
      if (!Number.isFinite(hhmm(w.from)) || !Number.isFinite(hhmm(w.to)) || hhmm(w.from) >= 1440 || hhmm(w.to) > 1440) return 'schedule windows are HH:mm';
      if (w.days && w.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) return 'schedule days are 1 (Monday) – 7 (Sunday)';
    }
  }
  const check = (c: Condition, depth: number): string | null => {
    if (depth > 5) return 'conditions nest at most 5 deep';
    if (c.kind === 'all' || c.kind === 'any') {
      if (!c.of.length) return `${c.kind} needs at least one condition`;
      for (const x of c.of) {
        const p = check(x, depth + 1);
        if (p) return p;
      }
      return null;
    }
    if ('measure' in c && c.measure !== undefined && measures && !measures.has(c.measure)) return `unknown measure ${c.measure}`;
    if (c.kind === 'threshold' && c.tempComp && measures && !measures.has(c.tempComp.measure)) return `unknown measure ${c.tempComp.measure}`;
    if (c.kind === 'threshold' && c.meanOverS !== undefined && !(c.meanOverS > 0 && c.meanOverS <= 86400)) return 'meanOverS must be 0 – 1 day';
    if (c.kind === 'noData' && !(c.seconds >= 1 && c.seconds <= 30 * 86400)) return 'noData seconds must be 1 s – 30 days';
    if (c.kind === 'rateOfChange' && !(c.maxPerS > 0)) return 'maxPerS must be positive';
    if (c.kind === 'baseline' && !(c.windowH >= 1 && c.windowH <= 24 && c.minDays >= 1 && c.minDays <= 28 && (c.below !== undefined || c.above !== undefined))) return 'baseline needs windowH 1–24, minDays 1–28 and below or above';
    return null;
  };
  return check(rule.condition, 0);
}
