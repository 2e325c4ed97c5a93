import type { Assignment, CaseRecord } from './case-record.ts';

/**
 * KPIs are sums of per-case counters. Each case contributes a small vector of counters per
 * department ("" = no department, e.g. a direct answer at the centre). The service stores the vector
 * it last applied on the case and adds the difference to a rollup keyed by (day received,
 * department, category) whenever the case changes, so a KPI over a million cases sums a few
 * thousand rollup rows instead of scanning cases — and the drill-down lists exactly the cases whose
 * stored vector has the counter, so figures and lists cannot disagree.
 *
 * Attribution: a case belongs to the local day it was received (cohort) and, for case-level
 * counters, to its current main department; assignment-level counters (sign-for, returns, reopens)
 * go to the department of each assignment.
 */
export const KPI_COUNTERS = [
  'total', 'direct', 'notAccepted', 'dispatched', 'assigned', 'signDue', 'signedOnTime', 'returned',
  'due', 'completed', 'completedOnTime', 'overdue', 'callbackDone', 'rated', 'r1', 'r2', 'r3', 'r4', 'r5',
  'firstTime', 'reopened', 'repeat',
] as const;
export type KpiCounter = (typeof KPI_COUNTERS)[number];
export type Counters = Partial<Record<KpiCounter, number>>;
/** department id ("" for none) → counters */
export type KpiVector = Record<string, Counters>;

const add = (v: KpiVector, dept: string, counter: KpiCounter, n = 1): void => {
  const c = (v[dept] ??= {});
  c[counter] = (c[counter] ?? 0) + n;
};

/** The counters one case contributes now. Pure: same case and assignments → same vector. */
export function kpiVector(c: CaseRecord, assignments: readonly Assignment[]): KpiVector {
  const v: KpiVector = {};
  const dept = c.mainDepartmentId ?? '';
  if (c.state === 'merged') return v; // a merged duplicate is counted through its parent
  add(v, dept, 'total');
  if (c.repeatOfId) add(v, dept, 'repeat');
  if (c.outcome === 'direct_answer') {
    add(v, dept, 'direct');
    if (!c.repeatOfId) add(v, dept, 'firstTime');
  }
  if (c.outcome === 'not_accepted') add(v, dept, 'notAccepted');

  let anyReturn = false;
  for (const a of assignments) {
    if (a.role !== 'main') continue;
    add(v, a.departmentId, 'assigned');
    const signedOnTime = a.signedAt !== null && a.signDueAt !== null && a.signedAt <= a.signDueAt;
    if (a.signedAt !== null || a.signOverdue) add(v, a.departmentId, 'signDue');
    if (signedOnTime) add(v, a.departmentId, 'signedOnTime');
    if (a.status === 'returned') {
      add(v, a.departmentId, 'returned');
      anyReturn = true;
    }
    if (a.reopened) add(v, a.departmentId, 'reopened');
  }

  if (c.dispatchedAt !== null && c.mainDepartmentId !== null) {
    add(v, dept, 'dispatched');
    const completed = c.resolvedAt !== null && (c.state === 'resolved' || c.state === 'closed');
    if (completed) {
      add(v, dept, 'completed');
      add(v, dept, 'due');
      if (c.dueAt !== null && c.resolvedAt! <= c.dueAt) add(v, dept, 'completedOnTime');
      if (c.ratedAt !== null || c.callbackAttempts > 0) add(v, dept, 'callbackDone');
      if (!anyReturn && c.reopenCount === 0 && !c.repeatOfId) add(v, dept, 'firstTime');
    } else if (c.overdue) {
      add(v, dept, 'due');
    }
    if (c.overdue) add(v, dept, 'overdue');
  }
  if (c.rating !== null) {
    add(v, dept, 'rated');
    add(v, dept, `r${c.rating}` as KpiCounter);
  }
  return v;
}

/** new − old, per department, without zero entries. */
export function diffVectors(oldV: KpiVector, newV: KpiVector): Array<{ departmentId: string; delta: Counters }> {
  const out: Array<{ departmentId: string; delta: Counters }> = [];
  for (const dept of new Set([...Object.keys(oldV), ...Object.keys(newV)])) {
    const delta: Counters = {};
    let any = false;
    for (const k of KPI_COUNTERS) {
      const d = (newV[dept]?.[k] ?? 0) - (oldV[dept]?.[k] ?? 0);
      if (d !== 0) {
        delta[k] = d;
        any = true;
      }
    }
    if (any) out.push({ departmentId: dept, delta });
  }
  return out;
}

export interface KpiDefinition {
  key: string;
  zh: string;
  en: string;
  /** Counters summed on top and below the line. */
  numerator: KpiCounter[];
  denominator: KpiCounter[];
  formula: string;
}

/** The rates CityLoop reports. Satisfaction depends on configuration (levels counted as satisfied). */
export function kpiDefinitions(satisfiedMinRating: 3 | 4): KpiDefinition[] {
  const satisfied: KpiCounter[] = satisfiedMinRating === 3 ? ['r5', 'r4', 'r3'] : ['r5', 'r4'];
  return [
    { key: 'directAnswerRate', zh: '直接答复率', en: 'Direct-answer rate', numerator: ['direct'], denominator: ['total'], formula: 'direct answers ÷ cases received' },
    { key: 'onTimeSignRate', zh: '按时签收率', en: 'On-time sign-for rate', numerator: ['signedOnTime'], denominator: ['signDue'], formula: 'main assignments signed within the sign-for limit ÷ main assignments signed or past their sign-for limit' },
    { key: 'onTimeCompletionRate', zh: '按时办结率', en: 'On-time completion rate', numerator: ['completedOnTime'], denominator: ['due'], formula: 'dispatched cases resolved by their due time ÷ dispatched cases resolved or overdue' },
    { key: 'completionRate', zh: '办结率', en: 'Completion rate', numerator: ['completed'], denominator: ['due'], formula: 'dispatched cases resolved ÷ dispatched cases resolved or overdue' },
    { key: 'callbackRate', zh: '回访率', en: 'Callback rate', numerator: ['callbackDone'], denominator: ['completed'], formula: 'resolved dispatched cases called back (rated or attempted) ÷ resolved dispatched cases' },
    { key: 'satisfactionRate', zh: '满意率', en: 'Satisfaction rate', numerator: satisfied, denominator: ['rated'], formula: `ratings of ${satisfiedMinRating === 3 ? '非常满意 + 满意 + 基本满意' : '非常满意 + 满意'} ÷ ratings` },
    { key: 'firstTimeResolutionRate', zh: '一次性解决率', en: 'First-time resolution rate', numerator: ['firstTime'], denominator: ['direct', 'completed'], formula: 'direct answers and resolved cases with no return, no reopen and not a repeat ÷ direct answers + resolved dispatched cases' },
    { key: 'returnRate', zh: '退单率', en: 'Return rate', numerator: ['returned'], denominator: ['assigned'], formula: 'main assignments returned ÷ main assignments' },
    { key: 'overdueRate', zh: '超期率', en: 'Overdue rate', numerator: ['overdue'], denominator: ['dispatched'], formula: 'dispatched cases that passed their due time (open or resolved late) ÷ dispatched cases' },
    { key: 'repeatRate', zh: '重复诉求率', en: 'Repeat-request rate', numerator: ['repeat'], denominator: ['total'], formula: 'cases from a phone number that made a request in the same category within the repeat window ÷ cases' },
    { key: 'reopenRate', zh: '不满意重启率', en: 'Reopen rate', numerator: ['reopened'], denominator: ['completed'], formula: 'resolutions rejected by the citizen (reopened) ÷ resolved dispatched cases' },
  ];
}

const sum = (c: Counters, keys: readonly KpiCounter[]): number => keys.reduce((s, k) => s + (c[k] ?? 0), 0);

/** Rates (0–1, or null when the denominator is 0) from summed counters. */
export function kpiRates(c: Counters, satisfiedMinRating: 3 | 4): Record<string, { value: number | null; numerator: number; denominator: number }> {
  const out: Record<string, { value: number | null; numerator: number; denominator: number }> = {};
  for (const d of kpiDefinitions(satisfiedMinRating)) {
    const n = sum(c, d.numerator);
    const den = sum(c, d.denominator);
    out[d.key] = { value: den === 0 ? null : n / den, numerator: n, denominator: den };
  }
  return out;
}
