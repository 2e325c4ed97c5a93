import { DateTime } from 'luxon';

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
const YEAR_FIRST = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:\s*([AP])\.?M\.?)?)?$/i;
// Spreadsheet serial day numbers (days since 1899-12-30); the 5-digit bound keeps ids and years out (1927–2173).
const SERIAL = /^[1-9]\d{4}(?:\.\d+)?$/;
const SERIAL_EPOCH_MS = Date.UTC(1899, 11, 30);

interface Wall { year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number }

function toMillis(fraction: string | undefined): number {
  return fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
}

// Resolving a zone offset through Intl costs ~10 µs, several times the rest of a row, and offsets change only
// at whole-hour transitions in the zones we import from, so the offset is remembered per zone and wall-clock hour.
const offsetByHour = new Map<string, number>();
const OFFSET_CACHE_LIMIT = 200_000;

function wallToUtc(wall: Wall, zone: string): string | undefined {
  const { year, month, day, hour, minute, second, millisecond } = wall;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  if (new Date(asUtc).getUTCDate() !== day) return undefined; // Feb 30 and the like roll over
  const key = `${zone}|${year}-${month}-${day}T${hour}`;
  let offset = offsetByHour.get(key);
  if (offset === undefined) {
    const dt = DateTime.fromObject(wall, { zone });
    if (!dt.isValid) return undefined;
    // Inside a DST gap Luxon moves the time forward; keep its answer and do not generalise it to the hour.
    if (dt.hour !== hour) return dt.toUTC().toISO() ?? undefined;
    if (offsetByHour.size >= OFFSET_CACHE_LIMIT) offsetByHour.clear();
    offset = dt.offset;
    offsetByHour.set(key, offset);
  }
  return new Date(asUtc - offset * 60_000).toISOString();
}

/**
 * Parses a timestamp as sources write it into ISO-8601 UTC, or undefined when it is not a valid time.
 * Values without an offset are wall-clock times in `zone`: 'yyyy/M/d H:mm:ss' (also '-' or '.', date only,
 * minutes only), US 'MM/dd/yyyy hh:mm:ss AM' (or 24-hour), and spreadsheet serial day numbers.
 */
export function toUtcIso(value: string, zone: string): string | undefined {
  const s = value.trim();
  if (s === '') return undefined;
  if (WITH_OFFSET.test(s)) {
    const dt = DateTime.fromISO(s, { setZone: true });
    return dt.isValid ? (dt.toUTC().toISO() ?? undefined) : undefined;
  }
  let m = YEAR_FIRST.exec(s);
  if (m) {
    return wallToUtc({
      year: Number(m[1]), month: Number(m[2]), day: Number(m[3]),
      hour: Number(m[4] ?? 0), minute: Number(m[5] ?? 0), second: Number(m[6] ?? 0), millisecond: toMillis(m[7]),
    }, zone);
  }
  m = US.exec(s);
  if (m) {
    let hour = Number(m[4] ?? 0);
    const meridiem = m[8]?.toUpperCase();
    if (meridiem !== undefined) {
      if (hour < 1 || hour > 12) return undefined;
      hour = (hour % 12) + (meridiem === 'P' ? 12 : 0);
    }
    return wallToUtc({
      year: Number(m[3]), month: Number(m[1]), day: Number(m[2]),
      hour, minute: Number(m[5] ?? 0), second: Number(m[6] ?? 0), millisecond: toMillis(m[7]),
    }, zone);
  }
  if (SERIAL.test(s)) {
    // Rounded to the second: spreadsheets store 08:37:20 as 0.35925925926… of a day.
    const wall = new Date(SERIAL_EPOCH_MS + Math.round(Number(s) * 86_400) * 1000);
    return wallToUtc({
      year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(),
      hour: wall.getUTCHours(), minute: wall.getUTCMinutes(), second: wall.getUTCSeconds(), millisecond: 0,
    }, zone);
  }
  return undefined;
}
