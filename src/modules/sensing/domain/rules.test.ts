import { describe, expect, it } from 'vitest';
import { baselineOf, inSchedule, newRuleState, onReading, onTick, ruleProblem, type RuleDef } from './rules.ts';

const T0 = Date.parse('2026-12-04T02:00:00Z'); // 10:00 in Asia/Shanghai, a Friday
const r = (measure: string, value: number, atS: number) => ({ deviceId: 'd', measure, value, at: T0 + atS * 1000 });
const run = (rule: RuleDef, readings: Array<[string, number, number]>) => {
  const s = newRuleState(rule, T0);
  return readings.map(([m, v, t]) => onReading(rule, s, r(m, v, t))?.kind ?? '-').join('');
};

describe('rule evaluation', () => {
  const hot: RuleDef = { id: 'x', name: 'x', alarmType: 'hot', severity: 'major', condition: { kind: 'threshold', measure: 't', op: '>', value: 10 } };

  it('raises when the threshold is crossed and clears when it is not any more', () => {
    expect(run(hot, [['t', 5, 0], ['t', 11, 1], ['t', 12, 2], ['t', 9, 3]])).toBe('-raise-clear');
  });

  it('does not flap around the limit with a clear condition (hysteresis)', () => {
    const rule: RuleDef = { ...hot, condition: { kind: 'threshold', measure: 't', op: '>', value: 10, clear: { op: '<', value: 8 } } };
    expect(run(rule, [['t', 11, 0], ['t', 9.9, 1], ['t', 10.5, 2], ['t', 9, 3], ['t', 7.9, 4]])).toBe('raise---clear');
  });

  it('waits for the duration before raising and restarts it when the condition breaks', () => {
    const rule: RuleDef = { ...hot, forS: 10 };
    expect(run(rule, [['t', 11, 0], ['t', 11, 5], ['t', 5, 8], ['t', 11, 9], ['t', 11, 18], ['t', 11, 19]])).toBe('-----raise');
  });

  it('ignores readings of other measures', () => {
    expect(run(hot, [['other', 100, 0], ['t', 1, 1]])).toBe('--');
  });

  it('compares the rolling mean when asked', () => {
    const rule: RuleDef = { ...hot, condition: { kind: 'threshold', measure: 't', op: '>', value: 10, meanOverS: 10 } };
    // 30 alone would trip a plain threshold; the mean over 10 s of 0,0,30 is 10, not above.
    expect(run(rule, [['t', 0, 0], ['t', 0, 1], ['t', 30, 2], ['t', 11, 3], ['t', 0, 20]])).toBe('---raise-clear'.replace('-clear', 'clear'));
  });

  it('compensates temperature before comparing', () => {
    const rule: RuleDef = { ...hot, condition: { kind: 'threshold', measure: 's', op: '>', value: 100, tempComp: { measure: 'c', perDegree: 10, refC: 20 } } };
    // 150 at 30 °C is 50 after removing 10 × (30 − 20) of thermal strain; at 20 °C it is 150.
    expect(run(rule, [['c', 30, 0], ['s', 150, 1], ['c', 20, 2], ['s', 150, 3]])).toBe('---raise');
  });

  it('raises on no data after the timeout, on a tick, and clears with the next reading', () => {
    const rule: RuleDef = { ...hot, condition: { kind: 'noData', measure: 't', seconds: 60 } };
    const s = newRuleState(rule, T0);
    expect(onTick(rule, s, T0 + 59_000)).toBeNull();
    expect(onTick(rule, s, T0 + 60_000)?.kind).toBe('raise');
    expect(onReading(rule, s, r('t', 1, 61))?.kind).toBe('clear');
  });

  it('raises on a fast rate of change', () => {
    const rule: RuleDef = { ...hot, condition: { kind: 'rateOfChange', measure: 't', maxPerS: 2 } };
    expect(run(rule, [['t', 0, 0], ['t', 1, 1], ['t', 5, 2], ['t', 6, 3]])).toBe('--raiseclear');
  });

  it('combines with all / any', () => {
    const all: RuleDef = { ...hot, condition: { kind: 'all', of: [{ kind: 'threshold', measure: 'fan', op: '==', value: 1 }, { kind: 'threshold', measure: 'pur', op: '==', value: 0 }] } };
    expect(run(all, [['fan', 1, 0], ['pur', 1, 1], ['pur', 0, 2], ['fan', 0, 3]])).toBe('--raiseclear');
    const any: RuleDef = { ...all, condition: { kind: 'any', of: [{ kind: 'threshold', measure: 'a', op: '>', value: 1 }, { kind: 'threshold', measure: 'b', op: '>', value: 1 }] } };
    expect(run(any, [['a', 2, 0], ['b', 2, 1], ['a', 0, 2], ['b', 0, 3]])).toBe('raise--clear');
  });

  it('runs only inside its schedule (local time, windows past midnight)', () => {
    const night = { utcOffsetMin: 480, windows: [{ from: '22:00', to: '06:00' }] };
    expect(inSchedule(night, Date.parse('2026-12-04T14:30:00Z'))).toBe(true); // 22:30 local
    expect(inSchedule(night, Date.parse('2026-12-04T21:59:00Z'))).toBe(true); // 05:59 local
    expect(inSchedule(night, Date.parse('2026-12-04T22:00:00Z'))).toBe(false); // 06:00 local
    const weekdays = { utcOffsetMin: 480, windows: [{ from: '10:00', to: '14:00', days: [1, 2, 3, 4, 5] }] };
    expect(inSchedule(weekdays, Date.parse('2026-12-04T02:30:00Z'))).toBe(true); // Friday 10:30
    expect(inSchedule(weekdays, Date.parse('2026-12-05T02:30:00Z'))).toBe(false); // Saturday 10:30
    const rule: RuleDef = { ...hot, schedule: weekdays };
    const s = newRuleState(rule, T0);
    expect(onReading(rule, s, r('t', 20, 0))?.kind).toBe('raise');
    expect(onTick(rule, s, Date.parse('2026-12-04T06:00:00Z'))?.kind).toBe('clear'); // 14:00 local: window over
  });

  it('compares the last hours with the same hours of earlier days (own baseline)', () => {
    const rule: RuleDef = { ...hot, alarmType: 'low_use', condition: { kind: 'baseline', measure: 'kwh', windowH: 2, below: 0.2, minDays: 3, maxDays: 7 } };
    const s = newRuleState(rule, T0);
    const H = 3_600_000;
    // Three days with 1 kWh per hour, then a day with almost none.
    for (let h = 0; h < 72; h += 1) onReading(rule, s, { deviceId: 'd', measure: 'kwh', value: 1, at: T0 + h * H });
    for (let h = 72; h < 74; h += 1) onReading(rule, s, { deviceId: 'd', measure: 'kwh', value: 0.1, at: T0 + h * H });
    const leaf = s.leaves[0]!;
    const b = baselineOf({ kind: 'baseline', measure: 'kwh', windowH: 2, below: 0.2, minDays: 3, maxDays: 7 }, leaf.hours, T0 + 74 * H);
    expect(b).toEqual({ current: expect.closeTo(0.2, 9), baseline: 2, days: 3 });
    expect(onTick(rule, s, T0 + 74 * H)?.kind).toBe('raise');
  });

  it('does not judge a baseline without enough days of history', () => {
    const rule: RuleDef = { ...hot, condition: { kind: 'baseline', measure: 'kwh', windowH: 2, below: 0.2, minDays: 3 } };
    const s = newRuleState(rule, T0);
    for (let h = 0; h < 30; h += 1) onReading(rule, s, { deviceId: 'd', measure: 'kwh', value: 1, at: T0 + h * 3_600_000 });
    expect(onTick(rule, s, T0 + 50 * 3_600_000)).toBeNull();
  });

  it('refuses rules on unknown measures or without limits', () => {
    expect(ruleProblem(hot, new Set(['x']))).toMatch(/unknown measure t/);
    expect(ruleProblem({ ...hot, condition: { kind: 'any', of: [] } }, null)).toMatch(/at least one/);
    expect(ruleProblem({ ...hot, alarmType: 'Bad Type' }, null)).toMatch(/lower_snake/);
    expect(ruleProblem(hot, new Set(['t']))).toBeNull();
  });
});
