import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { TEST_DATA_KEYS } from '../support/test-keys.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../src/app/compose.ts';
import { loadConfig } from '../../src/app/config.ts';
import type { CaseView, KpiRow } from '../../src/modules/cases/index.ts';
import type { HistoryEntry } from '../../src/modules/cases/domain/case-record.ts';
import { testEngine } from '../../src/platform/testing/test-database.ts';
import { cliEnv, freshCliDatabase, jsonOutput, runCli, type CliDatabase, type CliResult } from '../support/cli-run.ts';

/*
 * `cityloop import` run for real, as a child process, on the real public datasets: counts, per-row
 * reports, re-runs without duplicates, exact values read back, and KPIs over the imported history.
 */

const dir = process.env.CITYLOOP_REAL_DATA;
if (!dir) console.warn('skipped: CITYLOOP_REAL_DATA not set (import e2e runs the CLI on the real datasets in ../shared/data)');
const data = (...parts: string[]) => join(dir ?? '', ...parts);
const NYC_2011 = () => data('nyc311', 'nyc_311_requests_2011_sample2000.csv');

interface ImportJson {
  format: string;
  total: number;
  created: number;
  duplicates: number;
  rejected: number;
  departmentsCreated: number;
  categoriesCreated: number;
  rejectedRows: Array<{ row: number; code: string; reason: string; reasonZh?: string }>;
}

/** A small NYC 311 file with one good row on either side of each kind of bad row. */
const BROKEN_CSV = [
  'Unique Key,Created Date,Closed Date,Agency,Agency Name,Complaint Type,Descriptor,Incident Zip,Incident Address,Intersection Street 1,Intersection Street 2,Status,Due Date,Resolution Description,Resolution Action Updated Date,Borough,Open Data Channel Type,Latitude,Longitude',
  '990000001,03/01/2011 10:00:00 AM,03/02/2011 10:00:00 AM,DOT,Department of Transportation,Street Light Condition,Street Light Out,11101,1 TEST STREET,,,Closed,,Fixed the lamp.,,QUEENS,PHONE,40.75,-73.94',
  '990000002,02/30/2011 10:00:00 AM,,DOT,Department of Transportation,Street Condition,Pothole,11201,,,,Open,,,,BROOKLYN,PHONE,,',
  '990000003,03/01/2011 09:00:00 AM,DOT',
  '990000004,yesterday,,DSNY,Department of Sanitation,Dirty Conditions,Trash,10002,,,,Open,,,,MANHATTAN,PHONE,,',
  ',03/01/2011 11:00:00 AM,,NYPD,New York City Police Department,Noise - Street/Sidewalk,Loud Talking,10001,,,,Open,,,,MANHATTAN,PHONE,,',
  '990000006,03/02/2011 09:30:00 AM,,DSNY,Department of Sanitation,Missed Collection,Recycling,10002,3 MAIN STREET,,,Assigned,,,,MANHATTAN,PHONE,,',
  '',
].join('\n');

/** stdout of the first NYC import, kept for the --json check among the regressions. */
let firstNycStdout = '';

describe.skipIf(!dir)(`cityloop import as a child process on ${testEngine()}`, () => {
  let db: CliDatabase;
  let env: NodeJS.ProcessEnv;
  let scratch: string;
  const timings: string[] = [];

  const cli = async (...args: string[]): Promise<CliResult> => {
    const r = await runCli(args, env);
    timings.push(`${(r.ms / 1000).toFixed(1)} s  cityloop ${args.map((a) => a.replace(dir ?? '', '$DATA')).join(' ')}`);
    expect(r.code, `cityloop ${args.join(' ')}\n${r.stderr.slice(-2000)}`).toBe(0);
    return r;
  };
  const importFile = async (format: string, file: string, ...extra: string[]): Promise<ImportJson> => jsonOutput<ImportJson>((await cli('import', format, file, '--json', ...extra)).stdout);

  beforeAll(async () => {
    db = await freshCliDatabase('import');
    env = cliEnv(db.url);
    scratch = mkdtempSync(join(tmpdir(), 'cityloop-import-e2e-'));
  });

  afterAll(async () => {
    if (timings.length) console.log(`CLI runs (${db?.engine}):\n  ${timings.join('\n  ')}`);
    await db?.drop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('imports the NYC 311 2011 sample: 2000 rows created, none rejected', async () => {
    const r = await cli('import', 'nyc311', NYC_2011(), '--json');
    firstNycStdout = r.stdout;
    const report = jsonOutput<ImportJson>(r.stdout);
    expect(report).toMatchObject({ format: 'nyc311', total: 2000, created: 2000, duplicates: 0, rejected: 0, rejectedRows: [] });
    expect(report.departmentsCreated).toBe(13); // one per agency code in the sample
  });

  it('skips every row on a second run of the same file', async () => {
    expect(await importFile('nyc311', NYC_2011())).toMatchObject({ total: 2000, created: 0, duplicates: 2000, rejected: 0, departmentsCreated: 0, categoriesCreated: 0 });
  });

  it('imports the Teddy Cup labelled messages and the messages with their official replies', async () => {
    const file = (name: string) => data('teddycup2020_gov_messages', name);
    expect(await importFile('teddycup', file('attachment2_labeled_messages_dev.csv'))).toMatchObject({ total: 2356, created: 2356, duplicates: 0, rejected: 0 });
    expect(await importFile('teddycup', file('attachment4_messages_with_replies.csv'))).toMatchObject({ total: 2816, created: 2816, duplicates: 0, rejected: 0 });
  });

  it('imports Open311 responses: Bloomington and Chicago JSON, the Ruby gem XML list', async () => {
    expect(await importFile('open311', data('open311', 'bloomington_in_requests_real.json'))).toMatchObject({ total: 21, created: 21, rejected: 0 });
    expect(await importFile('open311', data('open311', 'chicago_requests_real_2014.json'))).toMatchObject({ total: 2, created: 2, rejected: 0 });
    expect(await importFile('open311', data('open311', 'rubygem_fixture_service_requests.xml'))).toMatchObject({ total: 2, created: 2, rejected: 0 });
  });

  it('reports each broken CSV row with its row number and reason, imports the good rows, and skips them on a re-run', async () => {
    const target = join(scratch, 'broken-nyc311.csv');
    writeFileSync(target, BROKEN_CSV);
    const first = await importFile('nyc311', target, '--report', join(scratch, 'rejected.csv'));
    expect(first).toMatchObject({ total: 6, created: 2, duplicates: 0, rejected: 4 });
    expect(first.rejectedRows.map((r) => [r.row, r.code, r.reason])).toEqual([
      [2, 'IMPORT_BAD_DATE', 'Created Date is not a date: "02/30/2011 10:00:00 AM"'],
      [3, 'IMPORT_BAD_CSV_ROW', 'line 4: expected 19 columns, found 3'],
      [4, 'IMPORT_BAD_DATE', 'Created Date is not a date: "yesterday"'],
      [5, 'IMPORT_MISSING_ID', 'Unique Key is empty'],
    ]);
    expect(first.rejectedRows.every((r) => /[\u4e00-\u9fff]/.test(r.reasonZh ?? ''))).toBe(true);
    // The --report file has the same rows for a spreadsheet.
    const written = parse(readFileSync(join(scratch, 'rejected.csv')), { columns: true }) as Array<Record<string, string>>;
    expect(written.map((r) => [r.row, r.code])).toEqual([['2', 'IMPORT_BAD_DATE'], ['3', 'IMPORT_BAD_CSV_ROW'], ['4', 'IMPORT_BAD_DATE'], ['5', 'IMPORT_MISSING_ID']]);

    // Without --json the CLI prints the rows for a person.
    const text = (await cli('import', 'nyc311', target)).stdout;
    expect(text).toContain('created: 0');
    expect(text).toContain('duplicates: 2');
    expect(text).toMatch(/row 2: IMPORT_BAD_DATE .*Created Date is not a date/);
    expect(text).toMatch(/row 5: IMPORT_MISSING_ID /);
  });

  it('refuses an unknown format with a coded error and a non-zero exit', async () => {
    const r = await runCli(['import', 'excel', NYC_2011()], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error IMPORT_UNKNOWN_FORMAT: 未知导入格式：excel.*\(unknown format excel; use one of nyc311, open311, teddycup\b.*\) \[field format\]\n$/);
  });

  it('stores exact field values, read back through `cityloop case show` and through the app itself', async () => {
    const app = await compose(loadConfig({}, { databaseUrl: db.url, logLevel: 'silent', demo: 'off', ...(db.url.startsWith('postgres') ? TEST_DATA_KEYS : {}) }), { defaultMetrics: false });
    try {
      await app.start({ background: false });
      const s = app.cases.service;
      const byExternal = async (source: string, id: string): Promise<CaseView> => {
        const caseId = await app.cases.repository.idByExternal(source, id);
        expect(caseId, `${source} ${id}`).not.toBeNull();
        return s.get(caseId!);
      };
      expect(await app.cases.repository.caseCount()).toBe(2000 + 2356 + 2816 + 21 + 2 + 2 + 2);

      const nyc = await byExternal('nyc311', '19937901');
      expect(nyc).toMatchObject({
        categoryName: 'Street Sign - Dangling', mainDepartmentName: 'Department of Transportation', state: 'closed', outcome: 'resolved',
        receivedAt: '2011-03-01T15:41:13.000Z', closedAt: '2011-03-15T20:14:19.000Z', title: 'Street Sign - Dangling',
        reply: 'The Department of Transportation has completed the request or corrected the condition.', channel: 'hotline',
        location: { lat: 40.660811976282695, lng: -73.99859430999363, address: '186 25 STREET' },
      });
      // The same case through the CLI, by its readable number.
      const shown = jsonOutput<{ case: CaseView; timeline: HistoryEntry[] }>((await cli('case', 'show', nyc.number, '--json')).stdout);
      expect(shown.case).toMatchObject({ id: nyc.id, number: nyc.number, categoryName: 'Street Sign - Dangling', mainDepartmentName: 'Department of Transportation', state: 'closed', receivedAt: '2011-03-01T15:41:13.000Z' });
      expect(shown.timeline.map((h) => [h.action, h.toState, h.at, h.data.source, h.data.externalId, h.data.sourceStatus])).toEqual([
        ['import', 'closed', '2011-03-01T15:41:13.000Z', 'nyc311', '19937901', 'Closed'],
      ]);

      expect(await byExternal('teddycup', 'a2-6')).toMatchObject({ categoryName: '劳动和社会保障', title: '为什么处理社保问题我得E市A市往返跑？', receivedAt: '2020-01-07T13:31:53.000Z', requesterName: 'A00043564' });
      const replied = await byExternal('teddycup', 'a4-2549');
      expect(replied).toMatchObject({ state: 'closed', receivedAt: '2019-04-25T01:32:09.000Z', closedAt: '2019-05-10T06:56:53.000Z', replyAt: '2019-05-10T06:56:53.000Z' });
      expect(replied.reply).toMatch(/^现将网友在平台《问政西地省》.*2019年5月9日$/s);
      expect(await byExternal('open311', '4fbd40b2b1fe2c4b02000001')).toMatchObject({ title: 'Traffic Suggestions', kind: 'suggestion', channel: 'open311', mainDepartmentName: 'Street Department', receivedAt: '2012-05-23T19:55:28.000Z', state: 'dispatched' });
      expect(await byExternal('open311', '14-01100627')).toMatchObject({ title: 'Building Violation', reply: 'Locked', mainDepartmentName: 'DOB - Conservation', receivedAt: '2014-07-12T15:48:56.000Z' });
      expect(await byExternal('open311', '638344')).toMatchObject({ state: 'closed', reply: 'Duplicate request.', dueAt: '2010-04-15T14:37:38.000Z' });
      expect(await byExternal('nyc311', '990000006')).toMatchObject({ state: 'handling', receivedAt: '2011-03-02T14:30:00.000Z', text: 'Recycling', title: 'Missed Collection' });
      expect(await app.cases.repository.idByExternal('nyc311', '990000002')).toBeNull();
    } finally {
      await app.close();
    }
  });

  it('computes KPIs per department over the imported history', async () => {
    const kpi = jsonOutput<{ items: KpiRow[]; ms: number }>((await cli('kpi', '--from', '2011-01-01', '--to', '2011-12-31', '--by', 'department', '--json')).stdout);
    // Counted from the file itself, independently of the importer.
    const rows = parse(readFileSync(NYC_2011()), { columns: true }) as Array<Record<string, string>>;
    const dotRows = rows.filter((r) => r.Agency === 'DOT');
    const dot = kpi.items.find((r) => r.name === 'Department of Transportation');
    expect(dot, kpi.items.map((r) => r.name).join(', ')).toBeDefined();
    expect(dot!.counters.total).toBe(dotRows.length + 1); // + the good DOT row of the broken file
    expect(dot!.counters.completed).toBe(dotRows.filter((r) => r.Status === 'Closed').length + 1);
    expect((dot!.counters.completedOnTime ?? 0) + (dot!.counters.overdue ?? 0)).toBe(dot!.counters.completed);
    expect(dot!.rates.completionRate?.value).toBe(1);
    expect(dot!.rates.onTimeCompletionRate?.value).toBeGreaterThan(0);
    // Every 2011 case with a department is a NYC one (the Teddy Cup messages of 2011 wait at the centre, key '').
    expect(kpi.items.filter((r) => r.key !== '').reduce((sum, r) => sum + (r.counters.total ?? 0), 0)).toBe(2000 + 2);
  });

  // Bugs found by these scenarios: they fail until src/ is fixed (see the lead's report).
  describe('regressions', () => {
    it('prints only the JSON report on stdout with --json', () => {
      // The pino logger writes to stdout, so a warning during an import (here: "working-day calendar has
      // no holiday data" for 2011) lands in front of the JSON document and `cityloop import … --json | jq` fails.
      expect(firstNycStdout.length).toBeGreaterThan(0);
      expect(() => JSON.parse(firstNycStdout)).not.toThrow();
    });

    it('keeps the agency name of each NYC row instead of the first name seen for its agency code', async () => {
      // CaseImporter.storeChunk creates one department per Agency code named after the first row's Agency
      // Name. In the 2011 sample DSNY rows name a sanitation district ("Queens West 06"), DOF rows an
      // office ("Property Exec Office") and DOE rows a school, so every later DSNY case, including a row
      // that says "Department of Sanitation", is filed under "Queens West 06" and KPIs are labelled so.
      const app = await compose(loadConfig({}, { databaseUrl: db.url, logLevel: 'silent', demo: 'off', ...(db.url.startsWith('postgres') ? TEST_DATA_KEYS : {}) }), { defaultMetrics: false });
      try {
        await app.start({ background: false });
        const id = await app.cases.repository.idByExternal('nyc311', '990000006');
        expect((await app.cases.service.get(id!)).mainDepartmentName).toBe('Department of Sanitation');
      } finally {
        await app.close();
      }
    });
  });
});
