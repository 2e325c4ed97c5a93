import { createReadStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { parse, type CsvError, type InfoRecord } from 'csv-parse';
import { AppError } from '../../../platform/errors/app-error.ts';
import type { ImportInput } from './import.types.ts';

/** What a CSV file yields: its header once, then each data row as fields by column name or as a broken row. */
export type CsvEvent =
  | { type: 'header'; columns: string[] }
  | { type: 'record'; row: number; line: number; fields: Record<string, string>; raw: string }
  | { type: 'broken'; row: number; line: number; reason: string; reasonZh: string; raw: string };

/** The shape csv-parse emits with `raw` and `info` on. */
interface ParsedRecord { record: string[]; raw: string; info: InfoRecord }

/** One broken record; csv-parse may call on_skip several times while it is still inside it. */
interface Broken { firstRaw: string; raw: string; line: number; code: string; message: string; unclosed: boolean }

/** Longest raw text kept in an error row: an unclosed quote can swallow the rest of the file. */
export const MAX_RAW_CHARS = 2000;

/** Cuts raw input down to a printable size. */
export function clipRaw(raw: string): string {
  return raw.length > MAX_RAW_CHARS ? `${raw.slice(0, MAX_RAW_CHARS)}…` : raw;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function stripLineBreaks(raw: string): string {
  return raw.replace(/^[\r\n]+|[\r\n]+$/g, '');
}

/** csv-parse reports the line a record ends on; people look for the line it starts on. */
function startLine(endLine: number, raw: string): number {
  return endLine - countNewlines(stripLineBreaks(raw));
}

/**
 * Turns every line ending ('\r\n', a lone '\r', '\n') into '\n', inside quoted fields too.
 * csv-parse recognises one line ending, guessed from the first line: in a file edited by hand that mixes them,
 * a row ending the other way was glued onto the next row, which vanished into its error. It also counts a
 * '\r\n' inside a quoted field as two lines, so every later line number drifted.
 */
function lineFeedsOnly(): Transform {
  let heldCr = false;
  return new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      // latin1 maps each byte to one char and back, so a UTF-8 character split between chunks survives;
      // '\r' and '\n' never occur inside a multi-byte UTF-8 character.
      let text = (heldCr ? '\r' : '') + (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk).toString('latin1');
      // A '\r' at the end of a chunk may be the first half of a '\r\n' split between chunks.
      heldCr = text.endsWith('\r');
      if (heldCr) text = text.slice(0, -1);
      done(null, Buffer.from(text.replace(/\r\n?/g, '\n'), 'latin1'));
    },
    flush(done) {
      done(null, heldCr ? Buffer.from('\n') : null);
    },
  });
}

/**
 * Streams a UTF-8 CSV file with a header row (BOM, quoted fields with line breaks allowed, any mix of line
 * endings, all given back as '\n'). A row with the wrong number of columns or broken quoting becomes a 'broken'
 * event and reading goes on; when a quote is never closed, the lines it swallowed are read again from the line
 * after the broken row.
 */
export async function* readCsv(input: ImportInput): AsyncGenerator<CsvEvent, void, undefined> {
  const source = typeof input === 'string' ? createReadStream(input) : input;
  const text = lineFeedsOnly();
  source.on('error', (err: Error) => text.destroy(err));
  source.pipe(text);
  try {
    yield* readRecords(text, { header: undefined, row: 0 }, 0);
  } finally {
    text.destroy();
    // A consumer that stops early must not leave the file we opened behind.
    if (typeof input === 'string') source.destroy();
  }
}

async function* readRecords(
  source: Readable,
  state: { header: string[] | undefined; row: number },
  lineBase: number,
): AsyncGenerator<CsvEvent, void, undefined> {
  const pending: Broken[] = [];
  let inside: Broken | undefined;
  // csv-parse calls on_skip while parsing but its records reach us later through the stream buffer;
  // hanging each skipped record on the next good one keeps rows in file order.
  const brokenBefore = new WeakMap<object, Broken[]>();
  const parser = parse({
    bom: true,
    record_delimiter: '\n', // the only line ending left after lineFeedsOnly
    relax_column_count: true, // checked below, so a short or long row is reported in order with its row number
    skip_empty_lines: true,
    skip_records_with_error: true,
    raw: true,
    info: true,
    on_skip: (err: CsvError | undefined, raw: string | undefined) => {
      const text = raw ?? '';
      const code = err?.code ?? 'CSV_UNKNOWN_ERROR';
      // The raw text only grows while csv-parse is inside one record, so a longer text with the same start
      // is the same broken record reported again.
      if (inside && text.length > inside.firstRaw.length && text.startsWith(inside.firstRaw)) {
        inside.raw = text;
        inside.unclosed ||= code === 'CSV_QUOTE_NOT_CLOSED';
        return undefined;
      }
      const lines = typeof err?.lines === 'number' ? err.lines : 0;
      inside = {
        firstRaw: text, raw: text, line: lineBase + startLine(lines, text), code,
        message: err?.message ?? 'unreadable CSV record', unclosed: code === 'CSV_QUOTE_NOT_CLOSED',
      };
      pending.push(inside);
      return undefined;
    },
    // With raw and info on, `record` is the { record, raw, info } wrapper; it is only used as a key here.
    on_record: (record) => {
      inside = undefined;
      if (pending.length > 0) brokenBefore.set(record, pending.splice(0));
      return record;
    },
  });
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);

  try {
    for await (const item of parser as AsyncIterable<ParsedRecord>) {
      for (const broken of brokenBefore.get(item) ?? []) yield* reportBroken(broken, state);
      const line = lineBase + startLine(item.info.lines, item.raw);
      if (state.header === undefined) {
        state.header = item.record.map((name) => name.trim());
        yield { type: 'header', columns: state.header };
        continue;
      }
      state.row++;
      const header = state.header;
      const raw = stripLineBreaks(item.raw);
      if (item.record.length !== header.length) {
        yield {
          type: 'broken', row: state.row, line, raw: clipRaw(raw),
          reason: `line ${line}: expected ${header.length} columns, found ${item.record.length}`,
          reasonZh: `第 ${line} 行：应有 ${header.length} 列，实际 ${item.record.length} 列`,
        };
        continue;
      }
      const fields: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) fields[header[i] as string] = item.record[i] ?? '';
      yield { type: 'record', row: state.row, line, fields, raw };
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError({
      code: 'IMPORT_READ_FAILED', status: 400,
      zh: `无法读取导入文件：${(err as Error).message}`, en: `cannot read the import file: ${(err as Error).message}`,
      details: { cause: (err as { code?: string }).code ?? 'unknown' },
    });
  }
  for (const broken of pending) yield* reportBroken(broken, state);
}

async function* reportBroken(
  broken: Broken,
  state: { header: string[] | undefined; row: number },
): AsyncGenerator<CsvEvent, void, undefined> {
  if (state.header === undefined) {
    // Without a header no row can be mapped by column name: the file is not one we can read.
    throw new AppError({
      code: 'IMPORT_UNKNOWN_FORMAT', status: 400, field: 'header',
      zh: `表头行格式错误：${broken.message}`, en: `the header row is broken: ${broken.message}`,
    });
  }
  state.row++;
  const body = stripLineBreaks(broken.raw);
  const cut = body.indexOf('\n');
  if (broken.unclosed) {
    yield {
      type: 'broken', row: state.row, line: broken.line, raw: clipRaw(cut === -1 ? body : body.slice(0, cut)),
      reason: `line ${broken.line}: a quoted field is never closed`,
      reasonZh: `第 ${broken.line} 行：引号未闭合`,
    };
    // Everything after the broken row's first line was swallowed into the open quote: read it again.
    if (cut !== -1) {
      yield* readRecords(Readable.from([body.slice(cut + 1)]), state, broken.line);
    }
    return;
  }
  // A stray quote keeps csv-parse inside the field up to the next quote; the lines it ran over are in raw.
  const spans = cut === -1 ? 0 : countNewlines(body) + 1;
  yield {
    type: 'broken', row: state.row, line: broken.line, raw: clipRaw(body),
    reason: `line ${broken.line}: ${broken.message}${spans ? `; the row runs over ${spans} lines, see raw` : ''}`,
    reasonZh: `第 ${broken.line} 行：CSV 格式错误（${broken.code}）${spans ? `；该行连带 ${spans} 行，原文见 raw` : ''}`,
  };
}
