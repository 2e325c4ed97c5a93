import { describe, expect, it } from 'vitest';
import { compileCatalogue } from './catalogue.ts';
import { DEFAULT_CATALOGUE } from './default-catalogue.ts';
import { planAlarmRaised, planCaseCancelled, planCaseRated, planCaseReceived, planCaseReopened, planCaseResolved, type PastRow } from './ledger-rules.ts';

const cat = compileCatalogue(DEFAULT_CATALOGUE, 1);
const T0 = Date.parse('2026-12-01T02:00:00Z');
const T1 = Date.parse('2026-12-02T08:00:00Z');
const bikes = { categoryCode: '11.05.03', kind: 'report', areaId: 'G1', at: T0 };
const past = (rows: ReturnType<typeof planCaseReceived>): PastRow[] => rows.map(({ indicator, kind, areaId, at, points, count }) => ({ indicator, kind, areaId, at, points, count }));

describe('ledger rules', () => {
  it('deducts a case for the indicator of its most specific category, not again for the catch-all', () => {
    expect(planCaseReceived(cat, bikes)).toEqual([{ indicator: 'case.11.05.03', kind: 'deduct', areaId: 'G1', at: T0, points: 24, count: 1, num: 0, den: 0 }]);
    expect(planCaseReceived(cat, { ...bikes, categoryCode: '11.05' }).map((r) => r.indicator)).toEqual(['case.11.05']);
    expect(planCaseReceived(cat, { ...bikes, categoryCode: '11.03' }).map((r) => r.indicator)).toEqual(['case.11']);
  });

  it('costs nothing for consultations, suggestions and praise', () => {
    for (const kind of ['consult', 'suggestion', 'praise']) expect(planCaseReceived(cat, { ...bikes, kind })).toEqual([]);
  });

  it('gives back half the points of an on-time resolution, dated at the deduction, and observes the on-time rate', () => {
    const d = planCaseReceived(cat, bikes);
    const rows = planCaseResolved(cat, { ...bikes, at: T1 }, true, past(d));
    expect(rows).toEqual([
      { indicator: 'case.11.05.03', kind: 'restore', areaId: 'G1', at: T0, points: -12, count: 0, num: 0, den: 0 },
      { indicator: 'rate.order.onTime', kind: 'observe', areaId: 'G1', at: T1, points: 0, count: 0, num: 1, den: 1 },
    ]);
  });

  it('restores nothing when late, and observes a miss', () => {
    const rows = planCaseResolved(cat, { ...bikes, at: T1 }, false, past(planCaseReceived(cat, bikes)));
    expect(rows.map((r) => [r.kind, r.num, r.den])).toEqual([['observe', 0, 1]]);
  });

  it('restores once: a second on-time resolution after a reopen only restores after the first was taken back', () => {
    const d = past(planCaseReceived(cat, bikes));
    const restore = past(planCaseResolved(cat, { ...bikes, at: T1 }, true, d)).filter((r) => r.kind === 'restore');
    expect(planCaseResolved(cat, { ...bikes, at: T1 }, true, [...d, ...restore]).filter((r) => r.kind === 'restore')).toEqual([]);
    const unrestore = planCaseReopened([...d, ...restore]);
    expect(unrestore).toEqual([{ indicator: 'case.11.05.03', kind: 'unrestore', areaId: 'G1', at: T0, points: 12, count: 0, num: 0, den: 0 }]);
    const again = planCaseResolved(cat, { ...bikes, at: T1 }, true, [...d, ...restore, ...past(unrestore)]).filter((r) => r.kind === 'restore');
    expect(again.map((r) => r.points)).toEqual([-12]);
  });

  it('cancels what a merged duplicate still counts for, once', () => {
    const d = past(planCaseReceived(cat, bikes));
    const restore = past(planCaseResolved(cat, { ...bikes, at: T1 }, true, d)).filter((r) => r.kind === 'restore');
    const cancel = planCaseCancelled([...d, ...restore]);
    expect(cancel).toEqual([{ indicator: 'case.11.05.03', kind: 'cancel', areaId: 'G1', at: T0, points: -12, count: -1, num: 0, den: 0 }]);
    expect(planCaseCancelled([...d, ...restore, ...past(cancel)])).toEqual([]);
  });

  it('observes satisfaction per rating', () => {
    expect(planCaseRated(cat, { ...bikes, at: T1 }, false).map((r) => [r.indicator, r.num, r.den])).toEqual([['rate.order.satisfied', 0, 1]]);
  });

  it('weights alarm points by severity', () => {
    expect(planAlarmRaised(cat, { type: 'smoke_detected', severity: 'critical', areaId: 'G1', at: T0 })).toEqual([{ indicator: 'alarm.smoke_detected', kind: 'deduct', areaId: 'G1', at: T0, points: 90, count: 1, num: 0, den: 0 }]);
    expect(planAlarmRaised(cat, { type: 'street_light_fault', severity: 'warning', areaId: 'G1', at: T0 })[0]?.points).toBe(1.5);
    expect(planAlarmRaised(cat, { type: 'unknown_type', severity: 'major', areaId: 'G1', at: T0 })).toEqual([]);
  });
});
