import { describe, expect, it } from 'vitest';
import { parseCalendarCsv, parseCalendarJson } from './calendar-import.ts';
import { CN_CALENDAR_2025_2026 } from './cn-holidays.ts';
import { WorkingCalendar } from './working-calendar.ts';

describe('parseCalendarCsv', () => {
  it('reads off and work rows, accepting 休 and 班 and an empty name', () => {
    const csv = 'date,type,name\n2025-10-01,off,国庆节\n2025-10-11,班,国庆节\n2025-10-02,休,\n';
    expect(parseCalendarCsv(csv)).toEqual({
      days: [
        { date: '2025-10-01', type: 'off', name: '国庆节' },
        { date: '2025-10-11', type: 'work', name: '国庆节' },
        { date: '2025-10-02', type: 'off' },
      ],
      errors: [],
    });
  });

  it('keeps good rows and reports each bad row with its line and reason', () => {
    const csv = [
      'date,type,name',
      '2025-10-01,off,国庆节', // line 2
      '2025-02-30,off,bad', // line 3
      '2025-10-02,holiday,bad', // line 4
      ',off,bad', // line 5
      '2025-10-03,,bad', // line 6
      '2025-10-04,OFF,国庆节', // line 7
    ].join('\n');
    const { days, errors } = parseCalendarCsv(csv);
    expect(days.map((d) => d.date)).toEqual(['2025-10-01', '2025-10-04']);
    expect(errors.map((e) => e.row)).toEqual([3, 4, 5, 6]);
    expect(errors[0]?.reason).toMatch(/invalid date "2025-02-30"/);
    expect(errors[1]?.reason).toMatch(/invalid type "holiday"/);
    expect(errors[1]?.zh).toMatch(/类型无效/);
    expect(errors[2]?.reason).toBe('date is missing');
    expect(errors[3]?.reason).toBe('type is missing');
  });

  it('reports a repeated date against the row it first appeared on and keeps the first', () => {
    const { days, errors } = parseCalendarCsv('date,type,name\n2025-10-01,off,A\n2025-10-01,work,B\n');
    expect(days).toEqual([{ date: '2025-10-01', type: 'off', name: 'A' }]);
    expect(errors).toEqual([expect.objectContaining({ row: 3, reason: 'duplicate date 2025-10-01 (first on row 2)' })]);
  });

  it('accepts a spreadsheet export: BOM, Chinese header in another order, CRLF, 2025/1/1 dates, blank lines', () => {
    const csv = '\uFEFF类型,日期,名称\r\n休,2025/1/1,元旦\r\n\r\n班,2025/2/8,春节\r\n';
    expect(parseCalendarCsv(csv)).toEqual({
      days: [{ date: '2025-01-01', type: 'off', name: '元旦' }, { date: '2025-02-08', type: 'work', name: '春节' }],
      errors: [],
    });
  });

  it('refuses a file whose header lacks the date or type column, reading no rows', () => {
    const { days, errors } = parseCalendarCsv('day,kind\n2025-10-01,off\n');
    expect(days).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ row: 1 })]);
    expect(errors[0]?.reason).toMatch(/header must name the columns date and type/);
  });

  it('reports an empty file as a whole-input error', () => {
    expect(parseCalendarCsv('')).toEqual({ days: [], errors: [expect.objectContaining({ row: 0 })] });
  });

  it('reports a malformed CSV record and keeps the rows around it', () => {
    const { days, errors } = parseCalendarCsv('date,type,name\n2025-10-01,off,"a"b\n2025-10-02,off,ok\n');
    expect(days).toEqual([{ date: '2025-10-02', type: 'off', name: 'ok' }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.row).toBe(2);
    expect(errors[0]?.reason).toMatch(/^malformed CSV/);
  });

  it('does not take a JavaScript property name for a type', () => {
    expect(parseCalendarCsv('date,type\n2025-10-01,constructor\n').errors).toHaveLength(1);
  });

  it('round-trips the shipped Chinese calendar through CSV into an equal WorkingCalendar', () => {
    const csv = ['date,type,name', ...CN_CALENDAR_2025_2026.days.map((d) => `${d.date},${d.type},"${d.name ?? ''}"`)].join('\n');
    const { days, errors } = parseCalendarCsv(csv);
    expect(errors).toEqual([]);
    expect(days).toEqual(CN_CALENDAR_2025_2026.days);
    const cal = new WorkingCalendar({ zone: 'Asia/Shanghai', days });
    expect(cal.nextWorkingDay('2025-09-30')).toBe('2025-10-09');
  });
});

describe('parseCalendarJson', () => {
  it('reads an array of days and an object holding a days array alike', () => {
    const days = [{ date: '2026-01-04', type: 'work', name: '元旦' }, { date: '2026-01-01', type: '休' }];
    const want = { days: [{ date: '2026-01-04', type: 'work', name: '元旦' }, { date: '2026-01-01', type: 'off' }], errors: [] };
    expect(parseCalendarJson(days)).toEqual(want);
    expect(parseCalendarJson({ zone: 'Asia/Shanghai', days })).toEqual(want);
  });

  it('reports bad items by 1-based position and keeps the good ones', () => {
    const { days, errors } = parseCalendarJson([
      { date: '2026-01-01', type: 'off' },
      'x',
      { date: 20260102, type: 'off' },
      { date: '2026-01-03', type: 'off', name: 3 },
      { date: '2026-01-01', type: 'off' },
    ]);
    expect(days).toEqual([{ date: '2026-01-01', type: 'off' }]);
    expect(errors.map((e) => [e.row, e.reason])).toEqual([
      [2, 'each day must be an object { date, type, name? }'],
      [3, 'invalid date "20260102" (expected YYYY-MM-DD)'],
      [4, 'name must be text'],
      [5, 'duplicate date 2026-01-01 (first on row 1)'],
    ]);
  });

  it('reports a value that is neither an array nor an object with days', () => {
    expect(parseCalendarJson({ dates: [] })).toEqual({ days: [], errors: [expect.objectContaining({ row: 0 })] });
    expect(parseCalendarJson(null).errors).toHaveLength(1);
  });
});
