/**
 * Which ledger rows an event writes. Pure: given the catalogue, the facts of the event and the rows
 * already written for the same case, it returns the new rows. The rules (docs/vital-signs.md):
 *
 * 1. A case received in an area deducts, for each count indicator of its category's most specific
 *    prefix (and of a counted kind), the indicator's points (perEvent) or one event (bands/ratio).
 * 2. Resolved on time: a perEvent indicator with `restoreOnTime` r gives back r × the points it
 *    deducted, dated at the deduction, once. Per-area `onTime` rates observe 1/1 or 0/1.
 * 3. Reopened after a dissatisfied callback: a restoration is taken back.
 * 4. Merged into another case (a duplicate) or not accepted (不予受理): the case's net points and
 *    count are cancelled, dated at the deduction, so a problem is counted once.
 * 5. Rated: per-area `satisfied` rates observe 1/1 (satisfied) or 0/1.
 * 6. An alarm raised deducts points × the severity's weight for each indicator of its type.
 */
import { countIndicatorsForCase, rateIndicatorsForCase, type AlarmSeverity, type CompiledCatalogue } from './catalogue.ts';

/** What a ledger row records. */
export const LEDGER_KINDS = ['deduct', 'restore', 'unrestore', 'cancel', 'observe'] as const;
/** One ledger row kind. */
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** A row to write (the service adds ids, the catalogue version and the cause). */
export interface PlannedRow {
  indicator: string;
  kind: LedgerKind;
  areaId: string;
  /** When the points count (epoch ms): the deduction's time for restorations and cancellations. */
  at: number;
  points: number;
  count: number;
  num: number;
  den: number;
}

/** A row already in the ledger for the same case. */
export type PastRow = Pick<PlannedRow, 'indicator' | 'kind' | 'areaId' | 'at' | 'points' | 'count'>;

/** Facts of a case event the rules need. */
export interface CaseFacts {
  categoryCode: string;
  kind: string;
  /** The area the case counts in. */
  areaId: string;
  /** When the event happened (epoch ms). */
  at: number;
}

interface IndicatorHistory {
  deductPoints: number;
  deductAt: number;
  areaId: string;
  /** Sum of restore (negative) and unrestore (positive) points: < 0 while restored. */
  restoreNet: number;
  cancelled: boolean;
  netPoints: number;
  netCount: number;
}

function historyOf(past: readonly PastRow[]): Map<string, IndicatorHistory> {
  const out = new Map<string, IndicatorHistory>();
  for (const r of past) {
    if (r.kind === 'observe') continue;
    let h = out.get(r.indicator);
    if (!h) {
      h = { deductPoints: 0, deductAt: r.at, areaId: r.areaId, restoreNet: 0, cancelled: false, netPoints: 0, netCount: 0 };
      out.set(r.indicator, h);
    }
    if (r.kind === 'deduct') {
      h.deductPoints += r.points;
      h.deductAt = r.at;
      h.areaId = r.areaId;
    } else if (r.kind === 'restore' || r.kind === 'unrestore') h.restoreNet += r.points;
    else if (r.kind === 'cancel') h.cancelled = true;
    h.netPoints += r.points;
    h.netCount += r.count;
  }
  return out;
}

const row = (indicator: string, kind: LedgerKind, areaId: string, at: number, v: Partial<Pick<PlannedRow, 'points' | 'count' | 'num' | 'den'>>): PlannedRow => ({
  indicator, kind, areaId, at, points: v.points ?? 0, count: v.count ?? 0, num: v.num ?? 0, den: v.den ?? 0,
});

/** Rule 1: the deductions of a case received. */
export function planCaseReceived(cat: CompiledCatalogue, f: CaseFacts): PlannedRow[] {
  return countIndicatorsForCase(cat, f.categoryCode, f.kind).map((ind) =>
    row(ind.def.code, 'deduct', f.areaId, f.at, { points: ind.def.rule.type === 'perEvent' ? ind.def.rule.points : 0, count: 1 }));
}

/** Rule 2: restorations of an on-time resolution and the on-time rate observations. */
export function planCaseResolved(cat: CompiledCatalogue, f: CaseFacts, onTime: boolean, past: readonly PastRow[]): PlannedRow[] {
  const out: PlannedRow[] = [];
  if (onTime) {
    for (const [code, h] of historyOf(past)) {
      const rule = cat.byCode.get(code)?.def.rule;
      if (!rule || rule.type !== 'perEvent' || !rule.restoreOnTime || h.cancelled || h.restoreNet < 0 || h.deductPoints <= 0) continue;
      out.push(row(code, 'restore', h.areaId, h.deductAt, { points: -rule.restoreOnTime * h.deductPoints }));
    }
  }
  for (const ind of rateIndicatorsForCase(cat, f.categoryCode, f.kind, 'onTime')) out.push(row(ind.def.code, 'observe', f.areaId, f.at, { num: onTime ? 1 : 0, den: 1 }));
  return out;
}

/** Rule 3: a reopened case takes back its restorations. */
export function planCaseReopened(past: readonly PastRow[]): PlannedRow[] {
  const out: PlannedRow[] = [];
  for (const [code, h] of historyOf(past)) if (!h.cancelled && h.restoreNet < 0) out.push(row(code, 'unrestore', h.areaId, h.deductAt, { points: -h.restoreNet }));
  return out;
}

/** Rule 4: a duplicate or not-accepted case cancels what it still counts for. */
export function planCaseCancelled(past: readonly PastRow[]): PlannedRow[] {
  const out: PlannedRow[] = [];
  for (const [code, h] of historyOf(past)) {
    if (h.cancelled || (h.netPoints === 0 && h.netCount === 0)) continue;
    out.push(row(code, 'cancel', h.areaId, h.deductAt, { points: -h.netPoints, count: -h.netCount }));
  }
  return out;
}

/** Rule 5: satisfaction rate observations of a rating. */
export function planCaseRated(cat: CompiledCatalogue, f: CaseFacts, satisfied: boolean): PlannedRow[] {
  return rateIndicatorsForCase(cat, f.categoryCode, f.kind, 'satisfied').map((ind) => row(ind.def.code, 'observe', f.areaId, f.at, { num: satisfied ? 1 : 0, den: 1 }));
}

/** Rule 6: the deductions of an alarm raised. */
export function planAlarmRaised(cat: CompiledCatalogue, alarm: { type: string; severity: string; areaId: string; at: number }): PlannedRow[] {
  const weights = cat.body.severityWeights;
  const factor = Object.hasOwn(weights, alarm.severity) ? weights[alarm.severity as AlarmSeverity] : 1;
  return (cat.alarmsByType.get(alarm.type) ?? []).map((ind) =>
    row(ind.def.code, 'deduct', alarm.areaId, alarm.at, { points: ind.def.rule.type === 'perEvent' ? ind.def.rule.points * factor : 0, count: 1 }));
}
