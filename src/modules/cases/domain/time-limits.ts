import { AppError } from '../../../platform/errors/app-error.ts';
import type { WorkingCalendar } from '../../../platform/calendar/working-calendar.ts';
import { KINDS, URGENCIES } from './case-types.ts';
import type { Kind, Urgency } from './case-types.ts';

/** A time limit (办理时限): clock hours, or working days counted from the next working day. */
export interface TimeLimit {
  value: number;
  unit: 'hours' | 'workdays';
}

/** The limits for one kind at one urgency: to sign for a dispatched case (签收) and to handle it. */
export interface StepLimits {
  signFor: TimeLimit;
  handle: TimeLimit;
}

/** Limits for every kind × urgency; shipped as configuration, editable and importable per city. */
export type TimeLimitMatrix = Record<Kind, Record<Urgency, StepLimits>>;

/** Traffic light of a running limit. */
export type Light = 'green' | 'yellow' | 'red';

const TIME_LIMIT_UNITS = ['hours', 'workdays'] as const;
// Sanity ceilings so a typo (700 instead of 7) is caught at import; a year covers every real limit and extension.
const MAX_WORKDAYS = 250;
const MAX_HOURS = 24 * 366;

const workdays = (value: number): TimeLimit => ({ value, unit: 'workdays' });
const hours = (value: number): TimeLimit => ({ value, unit: 'hours' });

/*
 * Defaults from the typical values of city hotline rules (reference/domain.md); each city edits its own.
 * - normal: sign for within 1 working day. Handling takes the upper end of each typical range, since a
 *   limit missed is a KPI lost while one met early costs nothing: consult 3 (range 1–3), help 5 (3–5),
 *   complaint / report / suggestion 7 (5–7). Praise has no published range; it needs only passing on to
 *   the department and a reply, so it sits with help at 5.
 * - urgent: the utilities rule (water, power, gas, heat: within 24 hours) is the common urgent case, so
 *   handling is 24 clock hours; sign-for uses the "some cities: 4 hours" variant so a sixth of the limit
 *   is not spent waiting.
 * - critical: life-safety feedback is due within 2 hours, so handling is 2 clock hours and sign-for 1 hour,
 *   leaving the department at least the second hour on site.
 * Hour limits run on the clock through nights and holidays: an urgent case does not wait for Monday.
 */
const normalHandle: Record<Kind, number> = { consult: 3, help: 5, complaint: 7, report: 7, suggestion: 7, praise: 5 };

function defaultsFor(kind: Kind): Record<Urgency, StepLimits> {
  return {
    normal: { signFor: workdays(1), handle: workdays(normalHandle[kind]) },
    urgent: { signFor: hours(4), handle: hours(24) },
    critical: { signFor: hours(1), handle: hours(2) },
  };
}

/** The shipped default matrix. */
export const DEFAULT_TIME_LIMITS: TimeLimitMatrix = {
  consult: defaultsFor('consult'),
  help: defaultsFor('help'),
  complaint: defaultsFor('complaint'),
  report: defaultsFor('report'),
  suggestion: defaultsFor('suggestion'),
  praise: defaultsFor('praise'),
};

interface Problem {
  path: string;
  en: string;
  zh: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(
  obj: Record<string, unknown>, expected: readonly string[], path: string, problems: Problem[],
): void {
  const at = (k: string) => (path === '' ? k : `${path}.${k}`);
  for (const k of expected) {
    if (!Object.hasOwn(obj, k)) problems.push({ path: at(k), en: 'is missing', zh: '缺失' });
  }
  // Unknown keys are refused rather than ignored: "complain" for "complaint" would otherwise vanish silently.
  for (const k of Object.keys(obj)) {
    if (!expected.includes(k)) {
      problems.push({ path: at(k), en: `is not allowed (expected one of ${expected.join(', ')})`, zh: `不允许（应为 ${expected.join('、')} 之一）` });
    }
  }
}

function checkLimit(v: unknown, path: string, problems: Problem[]): TimeLimit | undefined {
  if (!isRecord(v)) {
    problems.push({ path, en: 'must be an object { value, unit }', zh: '必须是对象 { value, unit }' });
    return undefined;
  }
  const before = problems.length;
  checkKeys(v, ['value', 'unit'], path, problems);
  const { value, unit } = v;
  if (Object.hasOwn(v, 'unit') && !TIME_LIMIT_UNITS.includes(unit as TimeLimit['unit'])) {
    problems.push({ path: `${path}.unit`, en: 'must be "hours" or "workdays"', zh: '必须是 hours 或 workdays' });
  }
  if (Object.hasOwn(v, 'value')) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      problems.push({ path: `${path}.value`, en: 'must be a number greater than 0', zh: '必须是大于 0 的数' });
    } else if (unit === 'workdays' && (!Number.isInteger(value) || value > MAX_WORKDAYS)) {
      problems.push({ path: `${path}.value`, en: `working days must be a whole number from 1 to ${MAX_WORKDAYS}`, zh: `工作日数必须是 1 到 ${MAX_WORKDAYS} 的整数` });
    } else if (unit === 'hours' && value > MAX_HOURS) {
      problems.push({ path: `${path}.value`, en: `hours must be at most ${MAX_HOURS}`, zh: `小时数不能超过 ${MAX_HOURS}` });
    }
  }
  return problems.length === before ? { value: value as number, unit: unit as TimeLimit['unit'] } : undefined;
}

/**
 * Validates an imported or edited matrix: every kind × urgency with signFor and handle, nothing else.
 * Throws AppError TIME_LIMIT_MATRIX_INVALID (400) naming the first bad path in `field` and listing all in `details.problems`.
 */
export function parseTimeLimitMatrix(value: unknown): TimeLimitMatrix {
  const problems: Problem[] = [];
  const matrix = {} as Record<string, Record<string, StepLimits>>;
  if (!isRecord(value)) {
    problems.push({ path: '', en: 'must be an object keyed by kind', zh: '必须是以诉求类型为键的对象' });
  } else {
    checkKeys(value, KINDS, '', problems);
    for (const kind of KINDS) {
      const byUrgency = value[kind];
      if (byUrgency === undefined) continue;
      if (!isRecord(byUrgency)) {
        problems.push({ path: kind, en: 'must be an object keyed by urgency', zh: '必须是以紧急程度为键的对象' });
        continue;
      }
      checkKeys(byUrgency, URGENCIES, kind, problems);
      const row: Record<string, StepLimits> = {};
      for (const urgency of URGENCIES) {
        const steps = byUrgency[urgency];
        if (steps === undefined) continue;
        const path = `${kind}.${urgency}`;
        if (!isRecord(steps)) {
          problems.push({ path, en: 'must be an object { signFor, handle }', zh: '必须是对象 { signFor, handle }' });
          continue;
        }
        checkKeys(steps, ['signFor', 'handle'], path, problems);
        const signFor = Object.hasOwn(steps, 'signFor') ? checkLimit(steps.signFor, `${path}.signFor`, problems) : undefined;
        const handle = Object.hasOwn(steps, 'handle') ? checkLimit(steps.handle, `${path}.handle`, problems) : undefined;
        if (signFor && handle) row[urgency] = { signFor, handle };
      }
      matrix[kind] = row;
    }
  }
  const first = problems[0];
  if (first !== undefined) {
    const where = first.path === '' ? '' : `${first.path} `;
    throw new AppError({
      code: 'TIME_LIMIT_MATRIX_INVALID',
      status: 400,
      zh: `办理时限表无效：${where}${first.zh}${problems.length > 1 ? `（共 ${problems.length} 处错误）` : ''}`,
      en: `time limit matrix is invalid: ${where}${first.en}${problems.length > 1 ? ` (${problems.length} problems)` : ''}`,
      field: first.path,
      details: { problems },
    });
  }
  return matrix as TimeLimitMatrix;
}

/** When a limit started at `from` runs out: clock hours, or the end of the n-th working day after `from`'s day. */
export function dueAt(calendar: WorkingCalendar, from: Date, limit: TimeLimit): Date {
  return limit.unit === 'hours' ? calendar.addHours(from, limit.value) : calendar.addWorkingDays(from, limit.value);
}

/** An approved extension (延期): the limit is added to the current due date, not to the start. */
export function extendDue(calendar: WorkingCalendar, due: Date, limit: TimeLimit): Date {
  return dueAt(calendar, due, limit);
}

/**
 * When the light turns yellow: once `yellowShare` (0–1) of the clock time between start and due has passed.
 * Clock time, not working time, so a warning can fall on a holiday; rounded to the millisecond.
 */
export function warnAt(start: Date, due: Date, yellowShare: number): Date {
  if (!(yellowShare >= 0 && yellowShare <= 1)) throw new RangeError(`yellowShare must be between 0 and 1: ${yellowShare}`);
  const s = start.getTime();
  return new Date(s + Math.round((due.getTime() - s) * yellowShare));
}

/** Green before the warning instant, yellow from it until due (inclusive: due is the last allowed instant), red after. */
export function light(now: Date, start: Date, due: Date, yellowShare: number): Light {
  const t = now.getTime();
  if (t > due.getTime()) return 'red';
  return t >= warnAt(start, due, yellowShare).getTime() ? 'yellow' : 'green';
}
