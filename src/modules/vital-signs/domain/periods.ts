/**
 * Periods of the index in the city's time zone: a rolling window ending now, a local day, an ISO
 * week (Monday–Sunday) and a calendar month. Days are counted as integers (local days since
 * 1970-01-01) so buckets are plain numbers.
 */
import { DateTime } from 'luxon';
import { AppError } from '../../../platform/errors/app-error.ts';

/** The periods a score can be asked for. */
export const PERIOD_KINDS = ['now', 'day', 'week', 'month'] as const;
/** One period kind: `now` is the rolling window, the others are calendar periods in the city's zone. */
export type PeriodKind = (typeof PERIOD_KINDS)[number];

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** A period resolved to buckets: local days [fromDay, toDay] or UTC hours [fromHour, toHour] for `now`. */
export interface PeriodWindow {
  kind: PeriodKind;
  /** Human label: `2026-12-01`, `2026-W49`, `2026-11`, or `24h`. */
  label: string;
  /** First instant (ISO, UTC) inside the window. */
  from: string;
  /** First instant (ISO, UTC) after the window. */
  to: string;
  fromDay: number;
  toDay: number;
  /** Set for `now`: the UTC hour buckets the rolling window covers. */
  hours: { from: number; to: number } | null;
  /** Days the losses are averaged over: elapsed days of a running period, the full length of a past one. */
  days: number;
  /** False while the period is still running. */
  complete: boolean;
}

/** Local-day arithmetic in one IANA zone, with the zone offset cached per UTC hour. */
export class ZoneDays {
  private readonly offsets = new Map<number, number>();

  constructor(readonly zone: string) {
    if (!DateTime.now().setZone(zone).isValid) throw new Error(`unknown time zone ${zone}`);
  }

  private lastHour = Number.NaN;
  private lastOffset = 0;

  /** Offset of the zone from UTC in milliseconds at an instant. */
  offsetMs(epochMs: number): number {
    const hour = Math.floor(epochMs / HOUR_MS);
    // Rows arrive in time order: most calls ask for the hour asked just before.
    if (hour === this.lastHour) return this.lastOffset;
    let off = this.offsets.get(hour);
    if (off === undefined) {
      off = DateTime.fromMillis(hour * HOUR_MS, { zone: this.zone }).offset * 60_000;
      if (this.offsets.size > 100_000) this.offsets.clear();
      this.offsets.set(hour, off);
    }
    this.lastHour = hour;
    this.lastOffset = off;
    return off;
  }

  /** The local day (days since 1970-01-01 in the zone) of an instant. */
  dayOf(epochMs: number): number {
    return Math.floor((epochMs + this.offsetMs(epochMs)) / DAY_MS);
  }

  /** The instant a local day starts. */
  startOf(day: number): number {
    const guess = day * DAY_MS;
    // Offsets change by at most a few hours; two rounds settle a day that starts inside a DST jump.
    let t = guess - this.offsetMs(guess);
    t = guess - this.offsetMs(t);
    return t;
  }
}

/** The UTC hour bucket of an instant. */
export function hourOf(epochMs: number): number {
  return Math.floor(epochMs / HOUR_MS);
}

/** `YYYY-MM-DD` of a day number. */
export function dayString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Day number of a `YYYY-MM-DD` string, or a coded error. */
export function parseDay(value: string, field = 'date'): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value) {
    throw new AppError({ code: 'VITALS_BAD_DATE', status: 400, field, zh: `${field} 须为有效日期 YYYY-MM-DD`, en: `${field} must be a real date YYYY-MM-DD` });
  }
  return t / DAY_MS;
}

/** Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

function monthBounds(day: number): { first: number; last: number; label: string } {
  const d = new Date(day * DAY_MS);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const first = Date.UTC(y, m, 1) / DAY_MS;
  const last = Date.UTC(y, m + 1, 1) / DAY_MS - 1;
  return { first, last, label: `${y}-${String(m + 1).padStart(2, '0')}` };
}

function isoWeekLabel(monday: number): string {
  // The ISO year and week are those of the week's Thursday.
  const thursday = new Date((monday + 3) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1) / DAY_MS;
  const week = Math.floor((monday + 3 - jan1) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/**
 * The window of a period containing `date` (default: the running one). A running period is averaged
 * over its elapsed days (today included); a past one over its length; a future one is refused.
 */
export function periodWindow(kind: PeriodKind, zd: ZoneDays, nowMs: number, opts: { date?: string; rollingHours?: number } = {}): PeriodWindow {
  const today = zd.dayOf(nowMs);
  if (kind === 'now') {
    const hours = Math.max(1, Math.round(opts.rollingHours ?? 24));
    const toHour = hourOf(nowMs);
    const fromHour = toHour - hours + 1;
    return {
      kind, label: `${hours}h`, from: new Date(fromHour * HOUR_MS).toISOString(), to: new Date((toHour + 1) * HOUR_MS).toISOString(),
      fromDay: zd.dayOf(fromHour * HOUR_MS), toDay: today, hours: { from: fromHour, to: toHour }, days: hours / 24, complete: false,
    };
  }
  const day = opts.date !== undefined ? parseDay(opts.date) : today;
  if (day > today) throw new AppError({ code: 'VITALS_FUTURE_PERIOD', status: 400, field: 'date', zh: '不能查询未来的时段', en: 'The period is in the future' });
  let first: number;
  let last: number;
  let label: string;
  if (kind === 'day') {
    first = day;
    last = day;
    label = dayString(day);
  } else if (kind === 'week') {
    first = day - weekday(day);
    last = first + 6;
    label = isoWeekLabel(first);
  } else {
    ({ first, last, label } = monthBounds(day));
  }
  const complete = last < today;
  const days = complete ? last - first + 1 : today - first + 1;
  return {
    kind, label, from: new Date(zd.startOf(first)).toISOString(), to: new Date(zd.startOf(last + 1)).toISOString(),
    fromDay: first, toDay: last, hours: null, days, complete,
  };
}
