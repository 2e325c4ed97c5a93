import { parse } from 'csv-parse/sync';
import type { CalendarDay } from './working-calendar.ts';
import { epochDayOf } from './working-calendar.ts';

/** One rejected row of a calendar import. */
export interface CalendarImportError {
  /** CSV: line in the file (the header is line 1). JSON: 1-based position in the array. 0: the whole input. */
  row: number;
  /** Why, in English. */
  reason: string;
  /** Why, in Chinese. */
  zh: string;
}

/** What an import yields: the good rows (in input order) and one error per bad row. */
export interface CalendarImportResult {
  days: CalendarDay[];
  errors: CalendarImportError[];
}

// People type the Chinese marks printed on wall calendars (休 / 班) as often as the codes.
// Maps, not object literals: a cell reading "constructor" must not find Object.prototype members.
const TYPE_WORDS = new Map<string, CalendarDay['type']>([['off', 'off'], ['work', 'work'], ['休', 'off'], ['班', 'work']]);
const HEADER_WORDS = new Map<string, 'date' | 'type' | 'name'>([
  ['date', 'date'], ['type', 'type'], ['name', 'name'], ['日期', 'date'], ['类型', 'type'], ['名称', 'name'],
]);
// Spreadsheets rewrite 2025-01-01 as 2025/1/1; accept both and store the canonical form.
const LOOSE_DATE_RE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/;

type RowCheck = { day: CalendarDay } | { reason: string; zh: string };

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function checkRow(date: unknown, type: unknown, name: unknown): RowCheck {
  if (isBlank(date)) return { reason: 'date is missing', zh: '缺少日期' };
  const m = typeof date === 'string' ? LOOSE_DATE_RE.exec(date.trim()) : null;
  const canonical = m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : undefined;
  if (canonical === undefined || epochDayOf(canonical) === undefined) {
    return { reason: `invalid date "${String(date)}" (expected YYYY-MM-DD)`, zh: `日期无效“${String(date)}”（应为 YYYY-MM-DD）` };
  }
  if (isBlank(type)) return { reason: 'type is missing', zh: '缺少类型' };
  const kind = typeof type === 'string' ? TYPE_WORDS.get(type.trim().toLowerCase()) : undefined;
  if (kind === undefined) {
    return { reason: `invalid type "${String(type)}" (expected off, work, 休 or 班)`, zh: `类型无效“${String(type)}”（应为 off、work、休 或 班）` };
  }
  if (name !== undefined && name !== null && typeof name !== 'string') {
    return { reason: 'name must be text', zh: '名称必须是文本' };
  }
  const trimmed = typeof name === 'string' ? name.trim() : '';
  return { day: trimmed === '' ? { date: canonical, type: kind } : { date: canonical, type: kind, name: trimmed } };
}

/** Collects checked rows, keeping the first of two rows with the same date and reporting the second. */
class Collector {
  readonly days: CalendarDay[] = [];
  readonly errors: CalendarImportError[] = [];
  private readonly firstRowOf = new Map<string, number>();

  add(row: number, check: RowCheck): void {
    if (!('day' in check)) {
      this.errors.push({ row, reason: check.reason, zh: check.zh });
      return;
    }
    const first = this.firstRowOf.get(check.day.date);
    if (first !== undefined) {
      this.errors.push({
        row,
        reason: `duplicate date ${check.day.date} (first on row ${first})`,
        zh: `日期 ${check.day.date} 重复（首次出现在第 ${first} 行）`,
      });
      return;
    }
    this.firstRowOf.set(check.day.date, row);
    this.days.push(check.day);
  }

  fail(row: number, reason: string, zh: string): void {
    this.errors.push({ row, reason, zh });
  }

  result(): CalendarImportResult {
    return { days: this.days, errors: this.errors };
  }
}

/** The cells of one CSV line, or the parser's complaint. */
function cellsOf(line: string): string[] | { error: string } {
  try {
    const [record] = parse(line, { trim: true, relax_column_count: true }) as string[][];
    return record ?? [];
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Parses a calendar CSV with the header `date,type,name` (any order; 日期,类型,名称 also accepted; name
 * optional). Bad rows are reported with their line and left out; good rows are kept.
 */
export function parseCalendarCsv(text: string): CalendarImportResult {
  const out = new Collector();
  // One record per line, parsed on its own: a stray quote then spoils only its own line, where a whole-file
  // parse would swallow every row after it. No calendar field needs an embedded line break.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let column: Partial<Record<'date' | 'type' | 'name', number>> | undefined;
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const row = i + 1;
    const cells = cellsOf(line);
    if (!Array.isArray(cells)) {
      out.fail(row, `malformed CSV: ${cells.error}`, `CSV 格式错误：${cells.error}`);
      if (column === undefined) return out.result();
      continue;
    }
    if (column === undefined) {
      column = {};
      for (const [j, cell] of cells.entries()) {
        const key = HEADER_WORDS.get(cell.toLowerCase());
        if (key !== undefined && column[key] === undefined) column[key] = j;
      }
      if (column.date === undefined || column.type === undefined) {
        out.fail(row, `header must name the columns date and type, got "${line.trim()}"`,
          `表头必须包含 date 和 type 列，实际为“${line.trim()}”`);
        return out.result();
      }
      continue;
    }
    const at = (j: number | undefined): string | undefined => (j === undefined ? undefined : cells[j]);
    out.add(row, checkRow(at(column.date), at(column.type), at(column.name)));
  }
  if (column === undefined) out.fail(0, 'the file is empty: expected the header date,type,name', '文件为空：应有表头 date,type,name');
  return out.result();
}

/**
 * Parses calendar days from JSON: an array of `{ date, type, name? }` or an object with such a `days`
 * array (a whole CalendarData; its zone is not read here). Same checks and result as the CSV import.
 */
export function parseCalendarJson(value: unknown): CalendarImportResult {
  const out = new Collector();
  const list = Array.isArray(value)
    ? value
    : typeof value === 'object' && value !== null && Array.isArray((value as { days?: unknown }).days)
      ? ((value as { days: unknown[] }).days)
      : undefined;
  if (list === undefined) {
    out.fail(0, 'expected an array of days or an object with a "days" array', '应为日期数组，或包含 days 数组的对象');
    return out.result();
  }
  list.forEach((item: unknown, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      out.fail(i + 1, 'each day must be an object { date, type, name? }', '每一项必须是对象 { date, type, name? }');
      return;
    }
    const { date, type, name } = item as Record<string, unknown>;
    out.add(i + 1, checkRow(date, type, name));
  });
  return out.result();
}
