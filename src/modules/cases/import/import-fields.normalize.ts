import { AppError } from '../../../platform/errors/app-error.ts';
import type { ImportRow } from './import.types.ts';
import { clipRaw } from './csv-records.reader.ts';

/** Trims a source text and unifies line breaks; scraped message boards pad text with "\n\t\t…". */
export function cleanText(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return value.replace(/\r\n?/g, '\n').trim();
}

/** Placeholders sources write for "no value". */
const PLACEHOLDERS = new Set(['', 'unspecified', 'n/a', 'na', 'null', 'none']);

/** True when a source value carries information rather than a placeholder. */
export function hasValue(value: string | null | undefined): value is string {
  return value !== null && value !== undefined && !PLACEHOLDERS.has(value.trim().toLowerCase());
}

/** A point, or the reason it was dropped (to be kept as an `import.locationDropped` note). */
export type LocationCheck =
  | { ok: true; lng: number; lat: number }
  | { ok: false; note: string | undefined };

/** Accepts a WGS84 point only when both parts are finite numbers in range; (0, 0) is a "no location" placeholder. */
export function checkLocation(lat: unknown, lng: unknown): LocationCheck {
  const blank = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
  if (blank(lat) && blank(lng)) return { ok: false, note: undefined };
  const la = typeof lat === 'number' ? lat : Number(String(lat).trim());
  const lo = typeof lng === 'number' ? lng : Number(String(lng).trim());
  if (blank(lat) || blank(lng) || !Number.isFinite(la) || !Number.isFinite(lo)) {
    return { ok: false, note: `not a number: lat=${String(lat)} lng=${String(lng)}` };
  }
  if (la === 0 && lo === 0) return { ok: false, note: 'placeholder 0,0' };
  if (la < -90 || la > 90 || lo < -180 || lo > 180) return { ok: false, note: `out of range: lat=${la} lng=${lo}` };
  return { ok: true, lat: la, lng: lo };
}

/** A rejected row. */
export function rowError(row: number, code: string, reason: string, reasonZh: string, raw: string): ImportRow {
  return { row, ok: false, code, reason, reasonZh, raw: clipRaw(raw) };
}

/** A rejected row for a date that is not a date, naming the column and the value. */
export function badDate(row: number, column: string, value: string, raw: string): ImportRow {
  return value.trim() === ''
    ? rowError(row, 'IMPORT_BAD_DATE', `${column} is empty`, `${column} 为空`, raw)
    : rowError(row, 'IMPORT_BAD_DATE', `${column} is not a date: "${value}"`, `${column} 不是有效时间：“${value}”`, raw);
}

/** A rejected row without the id that makes re-runs idempotent. */
export function missingId(row: number, column: string, raw: string): ImportRow {
  return rowError(row, 'IMPORT_MISSING_ID', `${column} is empty`, `${column}（编号）为空`, raw);
}

/** A rejected row with nothing to say. */
export function missingText(row: number, columns: string, raw: string): ImportRow {
  return rowError(row, 'IMPORT_MISSING_TEXT', `no text in ${columns}`, `${columns} 均为空，缺少诉求内容`, raw);
}

/** Refuses a file whose header lacks the columns a source always has: it is some other file. */
export function requireColumns(header: readonly string[], required: readonly string[], sourceLabel: string): void {
  const missing = required.filter((column) => !header.includes(column));
  if (missing.length === 0) return;
  throw new AppError({
    code: 'IMPORT_UNKNOWN_FORMAT', status: 400,
    zh: `文件不是 ${sourceLabel} 格式：缺少列 ${missing.join('、')}`,
    en: `not a ${sourceLabel} file: missing columns ${missing.join(', ')}`,
    field: 'header', details: { missing, header: [...header] },
  });
}
