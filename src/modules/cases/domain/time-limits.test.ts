import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors/app-error.ts';
import { CN_CALENDAR_2025_2026 } from '../../../platform/calendar/cn-holidays.ts';
import { WorkingCalendar } from '../../../platform/calendar/working-calendar.ts';
import { KINDS } from './case-types.ts';
import { DEFAULT_TIME_LIMITS, dueAt, extendDue, light, parseTimeLimitMatrix, warnAt } from './time-limits.ts';
import type { TimeLimitMatrix } from './time-limits.ts';

const cal = new WorkingCalendar(CN_CALENDAR_2025_2026);
const sh = (local: string): Date => new Date(`${local}+08:00`);
const iso = (d: Date): string => d.toISOString();

/** The AppError a call throws, so its fields can be asserted. */
function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError, nothing was thrown');
}

const copyOfDefaults = (): Record<string, Record<string, Record<string, Record<string, unknown>>>> =>
  JSON.parse(JSON.stringify(DEFAULT_TIME_LIMITS)) as Record<string, Record<string, Record<string, Record<string, unknown>>>>;

describe('DEFAULT_TIME_LIMITS', () => {
  it('gives normal cases 1 working day to sign for and 3 / 5 / 7 / 7 / 7 / 5 working days to handle', () => {
    const handle = Object.fromEntries(KINDS.map((k) => [k, DEFAULT_TIME_LIMITS[k].normal.handle]));
    expect(handle).toEqual({
      consult: { value: 3, unit: 'workdays' },
      help: { value: 5, unit: 'workdays' },
      complaint: { value: 7, unit: 'workdays' },
      report: { value: 7, unit: 'workdays' },
      suggestion: { value: 7, unit: 'workdays' },
      praise: { value: 5, unit: 'workdays' },
    });
    for (const k of KINDS) expect(DEFAULT_TIME_LIMITS[k].normal.signFor).toEqual({ value: 1, unit: 'workdays' });
  });

  it('gives urgent cases 4 h / 24 h and critical cases 1 h / 2 h on the clock, for every kind', () => {
    for (const k of KINDS) {
      expect(DEFAULT_TIME_LIMITS[k].urgent).toEqual({ signFor: { value: 4, unit: 'hours' }, handle: { value: 24, unit: 'hours' } });
      expect(DEFAULT_TIME_LIMITS[k].critical).toEqual({ signFor: { value: 1, unit: 'hours' }, handle: { value: 2, unit: 'hours' } });
    }
  });

  it('passes its own validation', () => {
    expect(parseTimeLimitMatrix(copyOfDefaults())).toEqual(DEFAULT_TIME_LIMITS);
  });
});

describe('dueAt', () => {
  it('puts a normal consultation received on Tue 2025-09-30 10:00 due at the end of make-up Saturday 2025-10-11', () => {
    expect(iso(dueAt(cal, sh('2025-09-30T10:00:00'), DEFAULT_TIME_LIMITS.consult.normal.handle))).toBe('2025-10-11T15:59:59.999Z');
  });

  it('puts a normal complaint received the same moment due 7 working days on, on Thu 2025-10-16', () => {
    expect(iso(dueAt(cal, sh('2025-09-30T10:00:00'), DEFAULT_TIME_LIMITS.complaint.normal.handle))).toBe('2025-10-16T15:59:59.999Z');
  });

  it('runs urgent and critical hour limits through the National Day holiday', () => {
    expect(iso(dueAt(cal, sh('2025-09-30T10:00:00'), DEFAULT_TIME_LIMITS.help.urgent.handle))).toBe('2025-10-01T02:00:00.000Z');
    expect(iso(dueAt(cal, sh('2025-10-01T10:00:00'), DEFAULT_TIME_LIMITS.help.critical.handle))).toBe('2025-10-01T04:00:00.000Z');
    expect(iso(dueAt(cal, sh('2025-10-01T10:00:00'), DEFAULT_TIME_LIMITS.help.critical.signFor))).toBe('2025-10-01T03:00:00.000Z');
  });

  it('makes a case dispatched on the Friday before Spring Festival 2026 due for sign-for on the make-up Saturday', () => {
    expect(iso(dueAt(cal, sh('2026-02-13T16:30:00'), DEFAULT_TIME_LIMITS.report.normal.signFor))).toBe('2026-02-14T15:59:59.999Z');
  });
});

describe('extendDue', () => {
  it('adds working days after the current due date, not after the start', () => {
    const due = new Date('2025-10-11T15:59:59.999Z');
    // Sat 10-11 → Mon 13 (1), Tue 14 (2), Wed 15 (3).
    expect(iso(extendDue(cal, due, { value: 3, unit: 'workdays' }))).toBe('2025-10-15T15:59:59.999Z');
  });

  it('skips Spring Festival 2026 when an extension spans it', () => {
    // Fri 02-13 → Sat 02-14 (1, make-up), Tue 02-24 (2).
    expect(iso(extendDue(cal, new Date('2026-02-13T15:59:59.999Z'), { value: 2, unit: 'workdays' }))).toBe('2026-02-24T15:59:59.999Z');
  });

  it('adds clock hours to an hour-based due date', () => {
    expect(iso(extendDue(cal, new Date('2025-10-01T04:00:00Z'), { value: 24, unit: 'hours' }))).toBe('2025-10-02T04:00:00.000Z');
  });
});

describe('warnAt and light', () => {
  const start = new Date('2025-10-01T02:00:00Z');
  const due = new Date('2025-10-01T04:00:00Z');

  it('turns yellow when the share of the clock time has passed', () => {
    expect(iso(warnAt(start, due, 0.75))).toBe('2025-10-01T03:30:00.000Z');
  });

  it('measures the share in clock time across a holiday, to the millisecond', () => {
    // 2025-09-30T02:00Z → 2025-10-11T15:59:59.999Z is 1,000,799,999 ms; 80 % rounds to 800,639,999 ms.
    expect(iso(warnAt(new Date('2025-09-30T02:00:00Z'), new Date('2025-10-11T15:59:59.999Z'), 0.8))).toBe('2025-10-09T08:23:59.999Z');
  });

  it('is green before the warning, yellow from it through the due instant, red after it', () => {
    const at = (s: string) => light(new Date(s), start, due, 0.75);
    expect(at('2025-10-01T02:00:00.000Z')).toBe('green');
    expect(at('2025-10-01T03:29:59.999Z')).toBe('green');
    expect(at('2025-10-01T03:30:00.000Z')).toBe('yellow');
    expect(at('2025-10-01T04:00:00.000Z')).toBe('yellow');
    expect(at('2025-10-01T04:00:00.001Z')).toBe('red');
  });

  it('keeps a working-day case green on the holiday and red one millisecond after the make-up Saturday ends', () => {
    const s = sh('2025-09-30T10:00:00');
    const d = dueAt(cal, s, DEFAULT_TIME_LIMITS.consult.normal.handle);
    expect(light(sh('2025-10-05T10:00:00'), s, d, 0.8)).toBe('green');
    expect(light(new Date('2025-10-11T15:59:59.999Z'), s, d, 0.8)).toBe('yellow');
    expect(light(new Date('2025-10-11T16:00:00.000Z'), s, d, 0.8)).toBe('red');
  });

  it('refuses a share outside 0–1', () => {
    expect(() => warnAt(start, due, 1.5)).toThrow(RangeError);
    expect(() => warnAt(start, due, Number.NaN)).toThrow(RangeError);
  });
});

describe('parseTimeLimitMatrix', () => {
  it('returns a fresh matrix that later edits to the input do not reach', () => {
    const input = copyOfDefaults();
    const parsed: TimeLimitMatrix = parseTimeLimitMatrix(input);
    input.consult!.normal!.handle!.value = 99;
    expect(parsed.consult.normal.handle.value).toBe(3);
  });

  it('accepts fractional hours', () => {
    const input = copyOfDefaults();
    input.help!.critical!.signFor = { value: 0.5, unit: 'hours' };
    expect(parseTimeLimitMatrix(input).help.critical.signFor).toEqual({ value: 0.5, unit: 'hours' });
  });

  it('throws TIME_LIMIT_MATRIX_INVALID (400) naming a bad unit by its path', () => {
    const input = copyOfDefaults();
    input.consult!.normal!.handle!.unit = 'days';
    const err = thrown(() => parseTimeLimitMatrix(input));
    expect([err.code, err.status, err.field]).toEqual(['TIME_LIMIT_MATRIX_INVALID', 400, 'consult.normal.handle.unit']);
    expect(err.zh).toContain('consult.normal.handle.unit');
  });

  it.each([
    ['zero', 0, 'hours'],
    ['negative', -1, 'hours'],
    ['text', '3', 'workdays'],
    ['fractional working days', 1.5, 'workdays'],
    ['absurd working days', 700, 'workdays'],
    ['absurd hours', 100_000, 'hours'],
  ])('names the value path of a %s limit', (_label, value, unit) => {
    const input = copyOfDefaults();
    input.help!.urgent!.signFor = { value, unit };
    expect(thrown(() => parseTimeLimitMatrix(input)).field).toBe('help.urgent.signFor.value');
  });

  it('names a missing kind, urgency or step', () => {
    const a = copyOfDefaults();
    delete a.praise;
    expect(thrown(() => parseTimeLimitMatrix(a)).field).toBe('praise');
    const b = copyOfDefaults();
    delete b.report!.critical;
    expect(thrown(() => parseTimeLimitMatrix(b)).field).toBe('report.critical');
    const c = copyOfDefaults();
    delete c.help!.normal!.signFor;
    expect(thrown(() => parseTimeLimitMatrix(c)).field).toBe('help.normal.signFor');
  });

  it('refuses an unknown key such as a misspelt kind instead of ignoring it', () => {
    const input = copyOfDefaults();
    input.complain = input.complaint!;
    const err = thrown(() => parseTimeLimitMatrix(input));
    expect(err.field).toBe('complain');
  });

  it('lists every problem in details, the first one in field', () => {
    const input = copyOfDefaults();
    input.consult!.normal!.handle = 3 as unknown as Record<string, unknown>;
    input.praise!.urgent!.handle = { value: 24, unit: 'minutes', extra: true };
    const err = thrown(() => parseTimeLimitMatrix(input));
    const paths = (err.details?.problems as Array<{ path: string }>).map((p) => p.path);
    expect(paths).toEqual(['consult.normal.handle', 'praise.urgent.handle.extra', 'praise.urgent.handle.unit']);
    expect(err.en).toMatch(/\(3 problems\)$/);
  });

  it('refuses a value that is not an object with an empty path', () => {
    const err = thrown(() => parseTimeLimitMatrix([]));
    expect([err.code, err.field]).toEqual(['TIME_LIMIT_MATRIX_INVALID', '']);
  });
});
