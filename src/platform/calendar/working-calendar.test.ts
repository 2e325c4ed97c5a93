import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { CN_CALENDAR_2025_2026 } from './cn-holidays.ts';
import { WorkingCalendar } from './working-calendar.ts';

const cal = new WorkingCalendar(CN_CALENDAR_2025_2026);
/** An instant given as Shanghai wall time (UTC+8 all year). */
const sh = (local: string): Date => new Date(`${local}+08:00`);

describe('CN_CALENDAR_2025_2026 against the published notices', () => {
  // The reference table, restated as ranges so it is checked independently of the data file's layout.
  const table: Array<{ name: string; off: [string, string]; work: string[] }> = [
    { name: '元旦', off: ['2025-01-01', '2025-01-01'], work: [] },
    { name: '春节', off: ['2025-01-28', '2025-02-04'], work: ['2025-01-26', '2025-02-08'] },
    { name: '清明节', off: ['2025-04-04', '2025-04-06'], work: [] },
    { name: '劳动节', off: ['2025-05-01', '2025-05-05'], work: ['2025-04-27'] },
    { name: '端午节', off: ['2025-05-31', '2025-06-02'], work: [] },
    { name: '国庆节、中秋节', off: ['2025-10-01', '2025-10-08'], work: ['2025-09-28', '2025-10-11'] },
    { name: '元旦', off: ['2026-01-01', '2026-01-03'], work: ['2026-01-04'] },
    { name: '春节', off: ['2026-02-15', '2026-02-23'], work: ['2026-02-14', '2026-02-28'] },
    { name: '清明节', off: ['2026-04-04', '2026-04-06'], work: [] },
    { name: '劳动节', off: ['2026-05-01', '2026-05-05'], work: ['2026-05-09'] },
    { name: '端午节', off: ['2026-06-19', '2026-06-21'], work: [] },
    { name: '中秋节', off: ['2026-09-25', '2026-09-27'], work: [] },
    { name: '国庆节', off: ['2026-10-01', '2026-10-07'], work: ['2026-09-20', '2026-10-10'] },
  ];
  const expected = new Map<string, { type: 'off' | 'work'; name: string }>();
  for (const h of table) {
    for (let t = Date.parse(h.off[0]); t <= Date.parse(h.off[1]); t += 86_400_000) {
      expected.set(new Date(t).toISOString().slice(0, 10), { type: 'off', name: h.name });
    }
    for (const d of h.work) expected.set(d, { type: 'work', name: h.name });
  }
  const countOf = (year: string, type: 'off' | 'work') =>
    CN_CALENDAR_2025_2026.days.filter((d) => d.date.startsWith(year) && d.type === type).length;

  it('holds 28 days off and 5 make-up days for 2025, 33 and 6 for 2026', () => {
    expect([countOf('2025', 'off'), countOf('2025', 'work'), countOf('2026', 'off'), countOf('2026', 'work')])
      .toEqual([28, 5, 33, 6]);
    expect(CN_CALENDAR_2025_2026.days).toHaveLength(72);
  });

  it('has exactly the days of the reference table, each with its type and holiday name', () => {
    const actual = new Map(CN_CALENDAR_2025_2026.days.map((d) => [d.date, { type: d.type, name: d.name }]));
    expect(actual.size).toBe(CN_CALENDAR_2025_2026.days.length);
    expect(actual).toEqual(expected);
  });

  it('puts every make-up working day on a weekend and is in the Shanghai zone', () => {
    for (const d of CN_CALENDAR_2025_2026.days.filter((x) => x.type === 'work')) {
      expect([0, 6], d.date).toContain(new Date(`${d.date}T00:00:00Z`).getUTCDay());
    }
    expect(CN_CALENDAR_2025_2026.zone).toBe('Asia/Shanghai');
  });

  it('treats every listed day as the calendar says', () => {
    for (const [date, { type }] of expected) expect(cal.isWorkingDay(date), date).toBe(type === 'work');
  });
});

describe('WorkingCalendar day types', () => {
  it('follows Mon–Fri on days that are not exceptions', () => {
    expect(cal.isWorkingDay('2025-09-26')).toBe(true); // Fri
    expect(cal.isWorkingDay('2025-09-27')).toBe(false); // Sat
    expect(cal.isWorkingDay('2025-09-29')).toBe(true); // Mon
  });

  it('makes a make-up Sunday a working day and a weekday holiday a day off', () => {
    expect(cal.isWorkingDay('2025-09-28')).toBe(true);
    expect(cal.isWorkingDay('2025-10-01')).toBe(false);
    expect(cal.isWorkingDay('2025-10-11')).toBe(true);
  });

  it('takes the local date in the calendar zone, not UTC', () => {
    expect(cal.localDate(new Date('2025-09-30T15:59:59.999Z'))).toBe('2025-09-30');
    expect(cal.localDate(new Date('2025-09-30T16:00:00.000Z'))).toBe('2025-10-01');
  });

  it('finds the next working day strictly after a date, across a holiday and a make-up day', () => {
    expect(cal.nextWorkingDay('2025-09-30')).toBe('2025-10-09');
    expect(cal.nextWorkingDay('2025-10-10')).toBe('2025-10-11');
    expect(cal.nextWorkingDay('2025-09-26')).toBe('2025-09-28');
    expect(cal.nextWorkingDay('2026-02-14')).toBe('2026-02-24');
  });

  it('rejects a string that is not a real local date', () => {
    expect(() => cal.isWorkingDay('2025-02-30')).toThrow(RangeError);
    expect(() => cal.isWorkingDay('2025-9-30')).toThrow(RangeError);
    expect(() => cal.localDate(new Date('nope'))).toThrow(RangeError);
  });
});

describe('WorkingCalendar.addWorkingDays', () => {
  it('puts a 3-working-day case received on Tue 2025-09-30 due at the end of make-up Saturday 2025-10-11', () => {
    expect(cal.addWorkingDays(sh('2025-09-30T10:00:00'), 3).toISOString()).toBe('2025-10-11T15:59:59.999Z');
  });

  it('counts a case received on a holiday from the first working day after it', () => {
    expect(cal.addWorkingDays(sh('2025-10-03T10:00:00'), 1).toISOString()).toBe('2025-10-09T15:59:59.999Z');
    expect(cal.addWorkingDays(sh('2025-10-03T10:00:00'), 3).toISOString()).toBe('2025-10-11T15:59:59.999Z');
  });

  it('counts a case received on an ordinary weekend from the Monday', () => {
    // Sat 2025-09-13 → Mon 15 (1), Tue 16 (2), Wed 17 (3).
    expect(cal.addWorkingDays(sh('2025-09-13T09:00:00'), 3).toISOString()).toBe('2025-09-17T15:59:59.999Z');
  });

  it('counts a case received on a make-up Sunday from the Monday after it, since that Sunday is itself worked', () => {
    // Sun 2025-09-28 (make-up) → Mon 29 (1), Tue 30 (2), then the holiday, Thu 10-09 (3).
    expect(cal.addWorkingDays(sh('2025-09-28T11:00:00'), 3).toISOString()).toBe('2025-10-09T15:59:59.999Z');
  });

  it('uses the Shanghai date of a late-evening instant, not its UTC date', () => {
    // 2025-09-29T17:00Z is already Tue 2025-09-30 01:00 in Shanghai.
    expect(cal.addWorkingDays(new Date('2025-09-29T17:00:00Z'), 3).toISOString()).toBe('2025-10-11T15:59:59.999Z');
    // 2025-09-29T15:00Z is still Mon 2025-09-29 23:00: Tue 30 (1), Thu 10-09 (2), Fri 10-10 (3).
    expect(cal.addWorkingDays(new Date('2025-09-29T15:00:00Z'), 3).toISOString()).toBe('2025-10-10T15:59:59.999Z');
  });

  it('spans Spring Festival 2026 using both make-up Saturdays', () => {
    const fri = sh('2026-02-13T16:30:00');
    // Sat 02-14 (1, make-up), holiday 02-15…02-23, Tue 24 (2), Wed 25 (3), Thu 26 (4), Fri 27 (5), Sat 28 (6, make-up), Mon 03-02 (7).
    expect(cal.addWorkingDays(fri, 1).toISOString()).toBe('2026-02-14T15:59:59.999Z');
    expect(cal.addWorkingDays(fri, 3).toISOString()).toBe('2026-02-25T15:59:59.999Z');
    expect(cal.addWorkingDays(fri, 6).toISOString()).toBe('2026-02-28T15:59:59.999Z');
    expect(cal.addWorkingDays(fri, 7).toISOString()).toBe('2026-03-02T15:59:59.999Z');
    expect(cal.addWorkingDays(sh('2026-02-18T08:00:00'), 1).toISOString()).toBe('2026-02-24T15:59:59.999Z');
  });

  it('gives the end of the day of receipt for n = 0, even on a holiday', () => {
    expect(cal.addWorkingDays(sh('2025-10-01T10:00:00'), 0).toISOString()).toBe('2025-10-01T15:59:59.999Z');
  });

  it('rejects a negative or fractional number of working days', () => {
    expect(() => cal.addWorkingDays(sh('2025-10-01T10:00:00'), -1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays(sh('2025-10-01T10:00:00'), 1.5)).toThrow(RangeError);
  });

  it('always lands on the last millisecond of a working day that is exactly n working days later', () => {
    const start = Date.parse('2024-12-20T00:00:00Z');
    const end = Date.parse('2026-12-31T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: start, max: end }), fc.integer({ min: 0, max: 30 }), (t, n) => {
        const from = new Date(t);
        const due = cal.addWorkingDays(from, n);
        expect(cal.workingDaysBetween(from, due)).toBe(n);
        expect(cal.localDate(new Date(due.getTime() + 1))).not.toBe(cal.localDate(due));
        if (n > 0) expect(cal.isWorkingDay(cal.localDate(due))).toBe(true);
      }),
    );
  });
});

describe('WorkingCalendar clock hours and spans', () => {
  it('runs a 2-hour limit straight through a holiday', () => {
    expect(cal.addHours(sh('2025-10-01T10:00:00'), 2).toISOString()).toBe('2025-10-01T04:00:00.000Z');
    expect(cal.addHours(sh('2026-02-16T23:30:00'), 2).toISOString()).toBe('2026-02-16T17:30:00.000Z');
  });

  it('counts working days after the first date up to and including the second, negative when reversed', () => {
    const a = sh('2025-09-30T10:00:00');
    const b = sh('2025-10-11T09:00:00');
    expect(cal.workingDaysBetween(a, b)).toBe(3);
    expect(cal.workingDaysBetween(b, a)).toBe(-3);
    expect(cal.workingDaysBetween(a, sh('2025-09-30T23:00:00'))).toBe(0);
  });
});

describe('WorkingCalendar coverage', () => {
  it('lists the years it holds data for', () => {
    expect(cal.years()).toEqual([2025, 2026]);
  });

  it('says when a date lies outside the covered years', () => {
    expect(cal.covers('2026-12-31')).toBe(true);
    expect(cal.covers('2027-01-01')).toBe(false);
    expect(cal.coversInstant(new Date('2026-12-31T16:30:00Z'))).toBe(false); // already 2027 in Shanghai
  });

  it('tells the hook once when an arithmetic call reaches an uncovered year, and assumes Mon–Fri there', () => {
    const onOutsideCoverage = vi.fn();
    const c = new WorkingCalendar(CN_CALENDAR_2025_2026, { onOutsideCoverage });
    // Thu 2026-12-31 → Fri 2027-01-01 (1, no data: a plain Friday), Mon 01-04 (2).
    expect(c.addWorkingDays(sh('2026-12-31T10:00:00'), 2).toISOString()).toBe('2027-01-04T15:59:59.999Z');
    expect(onOutsideCoverage).toHaveBeenCalledTimes(1);
    expect(onOutsideCoverage).toHaveBeenCalledWith('2027-01-01');
    c.addWorkingDays(sh('2026-06-01T10:00:00'), 5);
    expect(onOutsideCoverage).toHaveBeenCalledTimes(1);
  });
});

describe('WorkingCalendar construction', () => {
  it('refuses an unknown zone, a bad date and a duplicate date with CALENDAR_INVALID', () => {
    const bad = [
      { zone: 'Mars/Olympus', days: [] },
      { zone: 'Asia/Shanghai', days: [{ date: '2025-13-01', type: 'off' as const }] },
      { zone: 'Asia/Shanghai', days: [{ date: '2025-10-01', type: 'off' as const }, { date: '2025-10-01', type: 'work' as const }] },
    ];
    for (const data of bad) {
      expect(() => new WorkingCalendar(data)).toThrow(expect.objectContaining({ code: 'CALENDAR_INVALID' }));
    }
  });

  it('ends the local day correctly in a zone with daylight saving time', () => {
    const berlin = new WorkingCalendar({ zone: 'Europe/Berlin', days: [{ date: '2025-10-27', type: 'off' }] });
    // Fri 2025-10-24 → Mon 27 is off → Tue 28 (1), after the switch to CET (UTC+1).
    expect(berlin.addWorkingDays(new Date('2025-10-24T10:00:00Z'), 1).toISOString()).toBe('2025-10-28T22:59:59.999Z');
    // Before the switch, CEST (UTC+2).
    expect(berlin.addWorkingDays(new Date('2025-10-21T10:00:00Z'), 1).toISOString()).toBe('2025-10-22T21:59:59.999Z');
  });
});
