import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { stringify } from 'csv-stringify/sync';
import { AppError } from '../platform/errors/app-error.ts';
import { parseImport } from '../modules/cases/import/import.parsers.ts';
import type { ImportSource } from '../modules/cases/import/import.types.ts';
import { parseAreasFeatureCollection } from '../modules/places/domain/geojson-import.ts';
import { parseRulesCsv } from '../modules/organization/organization.routes.ts';
import { parseCalendarCsv, parseCalendarJson } from '../platform/calendar/calendar-import.ts';
import type { CityLoop } from './compose.ts';

type WithApp = <T>(fn: (app: CityLoop) => Promise<T>) => Promise<T>;
const CASE_FORMATS: readonly ImportSource[] = ['nyc311', 'open311', 'teddycup'];
const FORMATS = [...CASE_FORMATS, 'areas', 'rules', 'categories', 'calendar'];

/** A progress bar on a terminal, a line per 1,000 rows otherwise (CI logs). */
function progressReporter(label: string): { update(n: number): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({ format: `${label} {bar} {value} rows | {rate} rows/s`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
    const t0 = Date.now();
    bar.start(0, 0, { rate: 0 });
    return {
      update: (n) => {
        bar.setTotal(Math.max(n, 1));
        bar.update(n, { rate: Math.round(n / Math.max(0.001, (Date.now() - t0) / 1000)) });
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update: (n) => {
      if (n - last >= 1000) {
        last = n;
        process.stderr.write(`${label}: ${n} rows\n`);
      }
    },
    stop: () => {},
  };
}

/** `cityloop import <format> <file>`: cases from real datasets, areas from GeoJSON, the responsibility list from CSV. */
/** A JSON file, or a coded error naming the file and where it breaks (never its content). */
function readJsonFile(file: string, text = readFileSync(file, 'utf8')): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const where = /position \d+|line \d+ column \d+/.exec((err as Error).message)?.[0] ?? '';
    throw new AppError({ code: 'IMPORT_BAD_JSON', status: 400, field: 'file', zh: `文件不是有效的 JSON：${file}${where ? `（${where}）` : ''}`, en: `${file} is not valid JSON${where ? ` (${where})` : ''}` });
  }
}

export function registerImportCommand(program: Command, withApp: WithApp): void {
  program
    .command('import')
    .description(`Import a file: ${FORMATS.join(' | ')} (re-running skips what is already there)`)
    .argument('<format>', FORMATS.join('|'))
    .argument('<file>', 'path to the file')
    .option('--report <csv>', 'write every rejected row (row, code, reason) to this CSV file')
    .option('--json', 'print the report as JSON')
    .action(async (format: string, file: string, opts: { report?: string; json?: boolean }) => {
      if (!FORMATS.includes(format)) {
        throw new AppError({ code: 'IMPORT_UNKNOWN_FORMAT', status: 400, field: 'format', zh: `未知导入格式：${format}（可选 ${FORMATS.join('、')}）`, en: `unknown format ${format}; use one of ${FORMATS.join(', ')}` });
      }
      await withApp(async (app) => {
        let rejected: Array<{ row: number; code: string; reason: string; reasonZh?: string }> = [];
        let summary: Record<string, unknown>;
        if ((CASE_FORMATS as readonly string[]).includes(format)) {
          const progress = progressReporter(`import ${format}`);
          const report = await app.cases.importer.run(format as ImportSource, parseImport(format as ImportSource, file), (n) => progress.update(n));
          progress.stop();
          rejected = report.rejected;
          summary = { format, file, total: report.total, created: report.created, duplicates: report.duplicates, rejected: report.rejected.length, categoriesCreated: report.categoriesCreated, departmentsCreated: report.departmentsCreated, seconds: report.durationMs / 1000 };
        } else if (format === 'areas') {
          const parsed = parseAreasFeatureCollection(readJsonFile(file));
          const report = await app.places.api.importAreas(parsed.areas);
          rejected = [...parsed.errors.map((e) => ({ row: e.index + 1, code: e.reason, reason: e.en, reasonZh: e.zh })), ...report.errors.map((e) => ({ row: (parsed.areas[e.index]?.index ?? e.index) + 1, code: 'PLACES_AREA_REJECTED', reason: e.reason }))];
          summary = { format, file, created: report.created, updated: report.updated, unchanged: report.unchanged, rejected: rejected.length };
        } else if (format === 'categories') {
          const report = await app.cases.service.importCategoriesCsv(readFileSync(file, 'utf8'), { id: 'cli', departmentId: null });
          rejected = report.errors;
          summary = { format, file, created: report.created, updated: report.updated, unchanged: report.unchanged, rejected: rejected.length };
        } else if (format === 'calendar') {
          const text = readFileSync(file, 'utf8');
          const parsed = /^\s*[[{]/.test(text) ? parseCalendarJson(readJsonFile(file, text)) : parseCalendarCsv(text);
          rejected = parsed.errors.map((e) => ({ row: e.row, code: 'CALENDAR_ROW_REJECTED', reason: e.reason, reasonZh: e.zh }));
          const stored = parsed.errors.length ? 0 : (await app.calendarStore.importDays(parsed.days)).stored;
          summary = { format, file, stored, rejected: rejected.length, ...(parsed.errors.length ? { note: 'nothing stored: fix the rejected rows first' } : {}) };
        } else {
          const parsed = parseRulesCsv(readFileSync(file, 'utf8'));
          const report = await app.organization.api.upsertRules(parsed.rules);
          rejected = [...parsed.errors.map((e) => ({ ...e, reason: e.reason })), ...report.errors.map((e) => ({ row: parsed.rows[e.row - 1] ?? e.row, code: 'RULE_REJECTED', reason: e.reason }))];
          summary = { format, file, created: report.created, updated: report.updated, unchanged: report.unchanged, rejected: rejected.length };
        }
        rejected.sort((a, b) => a.row - b.row);
        // Nothing taken and something refused: the import failed, whatever the format (scripts check the exit code).
        const taken = ['created', 'updated', 'unchanged', 'duplicates', 'stored'].reduce((n, k) => n + (typeof summary[k] === 'number' ? (summary[k] as number) : 0), 0);
        if (rejected.length > 0 && taken === 0) process.exitCode = 1;
        if (opts.report) writeFileSync(opts.report, stringify([['row', 'code', 'reason', 'reason_zh'], ...rejected.map((r) => [r.row, r.code, r.reason, r.reasonZh ?? ''])]));
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ ...summary, rejectedRows: rejected }, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${Object.entries(summary).map(([k, v]) => `${k}: ${String(v)}`).join('\n')}\n`);
        for (const r of rejected.slice(0, 50)) process.stdout.write(`  row ${r.row}: ${r.code} ${r.reasonZh ?? ''} ${r.reason}\n`);
        if (rejected.length > 50) process.stdout.write(`  … ${rejected.length - 50} more${opts.report ? ` in ${opts.report}` : ' (use --report <csv> for all)'}\n`);
      });
    });
}
