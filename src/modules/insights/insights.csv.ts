import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { AppError } from '../../platform/errors/app-error.ts';

/** One data row of a CSV file by column name, with its 1-based row number (header excluded). */
export interface CsvRow {
  row: number;
  fields: Record<string, string>;
}

/**
 * Streams any UTF-8 CSV with a header (BOM, quoted fields with line breaks, as the Teddy Cup files have).
 * Rows with the wrong number of columns are reported to `onBroken` and skipped; reading goes on.
 */
export async function* readCsvRows(path: string, onBroken?: (row: number, reason: string) => void): AsyncGenerator<CsvRow & { header: string[] }> {
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, relax_quotes: true });
  const source = createReadStream(path);
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);
  let header: string[] | null = null;
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = record.map((h) => h.trim());
        continue;
      }
      row++;
      if (record.length !== header.length) {
        onBroken?.(row, `expected ${header.length} columns, found ${record.length}`);
        continue;
      }
      const fields: Record<string, string> = {};
      header.forEach((h, i) => {
        fields[h] = record[i] ?? '';
      });
      yield { row, fields, header };
    }
  } catch (err) {
    throw new AppError({ code: 'INSIGHTS_CSV_UNREADABLE', status: 400, zh: `无法读取 CSV 文件 ${path}：${(err as Error).message}`, en: `cannot read the CSV file ${path}: ${(err as Error).message}` });
  } finally {
    source.destroy();
  }
}

/** Check that the named columns exist; throws a coded error listing the missing ones and the header. */
export function requireColumns(header: readonly string[], wanted: readonly string[]): void {
  const missing = wanted.filter((c) => !header.includes(c));
  if (missing.length) {
    throw new AppError({
      code: 'INSIGHTS_CSV_MISSING_COLUMN', status: 400, field: missing.join(','),
      zh: `CSV 缺少列：${missing.join('、')}（表头：${header.join(',')}）`, en: `the CSV has no column ${missing.join(', ')} (header: ${header.join(',')})`,
    });
  }
}

/** The text columns of a row as (title, text): with several columns the first is the title, the rest the text. */
export function titleAndText(fields: Record<string, string>, columns: readonly string[]): { title: string; text: string } {
  const values = columns.map((c) => fields[c] ?? '');
  if (values.length === 1) return { title: '', text: values[0] ?? '' };
  return { title: values[0] ?? '', text: values.slice(1).join('\n') };
}

/** A streaming CSV writer (UTF-8 with BOM, so spreadsheet programs read the Chinese right). */
export async function openCsvWriter(path: string, header: readonly string[]): Promise<{ write(values: readonly string[]): Promise<void>; close(): Promise<void> }> {
  const out = createWriteStream(path);
  out.write('\uFEFF');
  const csv = stringify({ header: true, columns: [...header] });
  csv.pipe(out);
  return {
    async write(values) {
      if (!csv.write(values)) await once(csv, 'drain');
    },
    async close() {
      csv.end();
      await once(out, 'finish');
    },
  };
}
