import { describe, expect, it } from 'vitest';
import { dayString, parseDay, periodWindow, weekday, ZoneDays } from './periods.ts';

const sh = new ZoneDays('Asia/Shanghai');
const NOW = Date.parse('2026-12-03T04:00:00Z'); // Thursday 12:00 in Beijing

describe('periods in the city zone', () => {
  it('puts an instant in the local day of the zone', () => {
    expect(dayString(sh.dayOf(Date.parse('2026-11-30T16:30:00Z')))).toBe('2026-12-01');
    expect(dayString(sh.dayOf(Date.parse('2026-11-30T15:59:59Z')))).toBe('2026-11-30');
    expect(new Date(sh.startOf(parseDay('2026-12-01'))).toISOString()).toBe('2026-11-30T16:00:00.000Z');
  });

  it('averages the running week over the days elapsed, Monday first', () => {
    const w = periodWindow('week', sh, NOW);
    expect([w.label, dayString(w.fromDay), dayString(w.toDay), w.days, w.complete]).toEqual(['2026-W49', '2026-11-30', '2026-12-06', 4, false]);
    expect(weekday(parseDay('2026-11-30'))).toBe(0);
  });

  it('averages a past month over its length', () => {
    const m = periodWindow('month', sh, NOW, { date: '2026-11-17' });
    expect([m.label, m.days, m.complete, m.from, m.to]).toEqual(['2026-11', 30, true, '2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z']);
    expect(periodWindow('month', sh, NOW, { date: '2024-02-10' }).days).toBe(29);
  });

  it('uses the rolling hours for now', () => {
    const n = periodWindow('now', sh, NOW, { rollingHours: 24 });
    expect([n.label, n.days, n.from, n.to]).toEqual(['24h', 1, '2026-12-02T05:00:00.000Z', '2026-12-03T05:00:00.000Z']);
  });

  it('refuses future periods and impossible dates', () => {
    expect(() => periodWindow('day', sh, NOW, { date: '2026-12-04' })).toThrow(/future/);
    expect(() => parseDay('2026-02-30')).toThrow(/real date/);
  });

  it('follows daylight saving in New York', () => {
    const ny = new ZoneDays('America/New_York');
    expect(new Date(ny.startOf(parseDay('2011-03-13'))).toISOString()).toBe('2011-03-13T05:00:00.000Z');
    expect(new Date(ny.startOf(parseDay('2011-03-14'))).toISOString()).toBe('2011-03-14T04:00:00.000Z');
    const m = periodWindow('month', ny, Date.parse('2026-01-01T00:00:00Z'), { date: '2011-03-02' });
    expect([m.from, m.to, m.days]).toEqual(['2011-03-01T05:00:00.000Z', '2011-04-01T04:00:00.000Z', 31]);
  });
});
