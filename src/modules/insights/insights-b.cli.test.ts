import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
// Tests may read the real files through the cases parser; the app passes it to the CLI the same way.
import { parseTeddycup } from '../cases/import/teddycup.parser.ts';
import type { Briefing } from './briefing/briefing.build.ts';
import type { ImportedRowLike } from './hot-issues/hot-issue.import-rows.ts';
import type { HotIssueRun } from './hot-issues/hot-issues.repository.ts';
import { registerInsightsReportCommands, type InsightsReportsHost } from './insights-b.cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'insights-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (id: string, title: string, text: string, at: string, user: string, likes = 0): ImportedRowLike => ({
  ok: true, record: { externalId: `a3-${id}`, title, text, receivedAt: at, requester: { name: user }, likes, dislikes: 0, attributes: { 留言编号: id } },
});
const ROWS: ImportedRowLike[] = [
  row('1', 'A市A2区丽发新城小区附近搅拌站噪音扰民', '搅拌站凌晨施工，噪音粉尘严重。', '2019-11-13T02:00:00.000Z', 'u1', 3),
  row('2', '丽发新城小区旁建搅拌站严重扰民', '搅拌站噪音太大。', '2019-11-15T02:00:00.000Z', 'u2'),
  row('3', 'A2区丽发新城附近修建搅拌厂噪音灰尘污染', '灰尘和噪音。', '2019-11-16T02:00:00.000Z', 'u3'),
  { ok: false },
];

function run(args: string[], host?: InsightsReportsHost, readRows?: (f: string) => AsyncIterable<ImportedRowLike>) {
  const lines: string[] = [];
  const program = new Command('cityloop').exitOverride();
  program.command('insights').description('part A registered it first');
  const withApp = async <T>(fn: (app: InsightsReportsHost) => Promise<T>) => {
    if (!host) throw new Error('no app in this test');
    return fn(host);
  };
  registerInsightsReportCommands(program, withApp, { ...(readRows ? { readRows } : {}), out: { write: (t: string) => lines.push(t) } });
  return { program, lines, done: args.length ? program.parseAsync(['node', 'cityloop', ...args]) : Promise.resolve(program) };
}

describe('cityloop insights hot-issues / briefing', () => {
  it('adds its commands to an insights command registered before it', () => {
    const { program } = run([]);
    const insights = program.commands.filter((c) => c.name() === 'insights');
    expect(insights).toHaveLength(1);
    expect(insights[0]!.commands.map((c) => c.name())).toEqual(['hot-issues', 'briefing']);
  });

  it('mines a message CSV without the app and prints the ranking, JSON and the two tables', async () => {
    const xlsx = join(dir, 'hot.xlsx');
    const text = run(['insights', 'hot-issues', '--csv', 'messages.csv', '--out', xlsx], undefined, async function* () { yield* ROWS; });
    await text.done;
    expect(text.lines.join('')).toMatch(/ {2}1 +\d+\.\d {2}2019\/11\/13 至 2019\/11\/16 +A市A2区丽发新城小区/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(xlsx) as unknown as ArrayBuffer);
    expect(wb.getWorksheet('热点问题表')!.getRow(2).getCell(5).value).toBe('A市A2区丽发新城小区');
    expect(wb.getWorksheet('热点问题留言明细表')!.getRow(2).values).toEqual([undefined, 1, '1', 'A市A2区丽发新城小区附近搅拌站噪音扰民', '2019/11/13 10:00:00', 3, 0]);
    const json = run(['insights', 'hot-issues', '--csv', 'messages.csv', '--json', '--top', '1'], undefined, async function* () { yield* ROWS; });
    await json.done;
    expect(JSON.parse(json.lines.join('')).issues[0]).toMatchObject({ rank: 1, messageCount: 3, requesterCount: 3 });
  });

  it('refuses --csv with --from and a bad --top with coded errors', async () => {
    await expect(run(['insights', 'hot-issues', '--csv', 'x.csv', '--from', '2019-01-01'], undefined, async function* () {}).done).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'csv' });
    await expect(run(['insights', 'hot-issues', '--csv', 'x.csv', '--top', '0'], undefined, async function* () {}).done).rejects.toMatchObject({ field: 'top' });
    await expect(run(['insights', 'hot-issues', '--csv', 'x.csv']).done).rejects.toMatchObject({ code: 'INSIGHTS_NO_CSV_READER' });
  });

  it('mines a period of cases and writes the briefing files through the app', async () => {
    const asked: unknown[] = [];
    const briefing = { day: '2026-12-02', total: 4, previousTotal: 1, rates: [], hotIssues: [], warnings: [], overdueTotal: 0, byChannel: [], byCategory: [], byArea: [], overdue: [], previousDay: '2026-12-01', zone: 'Asia/Shanghai', generatedAt: '2026-12-03T00:00:00Z', hotIssueFrom: '2026-11-26', hotIssueTo: '2026-12-02' } satisfies Briefing;
    const host: InsightsReportsHost = {
      config: { zone: 'Asia/Shanghai' },
      insights: {
        hotIssues: { mine: async (q) => (asked.push(q), { id: 'hir_1', from: '', to: '', source: 'cases', createdAt: '', createdBy: 'cli', messageCount: 0, params: {}, issues: [], stats: { input: 0, inPeriod: 0, empty: 0, withPlace: 0, clusters: 0, ranked: 0, periodStart: '2026-11-30T16:00:00.000Z', periodEnd: '2026-12-02T16:00:00.000Z' } } satisfies HotIssueRun) },
        briefing: { generate: async (day) => ({ ...briefing, day: day ?? briefing.day }) },
      },
    };
    const h = run(['insights', 'hot-issues', '--from', '2026-12-01', '--to', '2026-12-02', '--top', '5'], host);
    await h.done;
    expect(asked).toEqual([{ from: '2026-12-01', to: '2026-12-02', top: 5, minRequesters: 3 }]);
    expect(h.lines[0]).toBe('热点问题 2026/12/01 至 2026/12/02：0 条留言，0 个问题，0 个达到排名条件\n');
    const xlsx = join(dir, 'b.xlsx');
    const html = join(dir, 'b.html');
    const b = run(['insights', 'briefing', '--date', '2026-12-02', '--out', xlsx, '--html', html], host);
    await b.done;
    expect(b.lines[0]).toBe('日报 2026-12-02：受理 4 件（前一日 1，+3）\n');
    expect(readFileSync(html, 'utf8')).toContain('2026年12月2日（星期三）');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(xlsx) as unknown as ArrayBuffer);
    expect(wb.getWorksheet('概览')!.getCell('B6').value).toBe(4);
  });

  const real = process.env.CITYLOOP_REAL_DATA;
  if (!real) console.warn('skipped: CITYLOOP_REAL_DATA not set (CLI on Teddy Cup attachment 3)');
  it.skipIf(!real)('prints the top ten hot issues of Teddy Cup attachment 3', async () => {
    const r = run(['insights', 'hot-issues', '--csv', join(real ?? '', 'teddycup2020_gov_messages', 'attachment3_hot_issue_messages.csv')], undefined, (f) => parseTeddycup(f));
    await r.done;
    const text = r.lines.join('');
    console.log(text);
    expect(text).toContain('4326 条留言');
    expect(r.lines.filter((l) => /^ +\d+ /.test(l))).toHaveLength(10);
    expect(r.lines[2]).toContain('丽发新城');
  }, 120_000);
});
