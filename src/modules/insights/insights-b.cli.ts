import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { AppError } from '../../platform/errors/app-error.ts';
import { percent, signed, type Briefing } from './briefing/briefing.build.ts';
import { renderBriefingHtml } from './briefing/briefing.html.ts';
import type { BriefingService } from './briefing/briefing.service.ts';
import { renderBriefingXlsx } from './briefing/briefing.xlsx.ts';
import { hotIssueMessagesFromRows, type ImportedRowLike } from './hot-issues/hot-issue.import-rows.ts';
import { mineHotIssues, type MineResult } from './hot-issues/hot-issue.mine.ts';
import { parsePeriod, type HotIssuesService } from './hot-issues/hot-issues.service.ts';
import { hotIssuesWorkbook } from './hot-issues/hot-issues.xlsx.ts';

/** What the report commands need of the composed app. */
export interface InsightsReportsHost {
  config: { zone: string };
  insights: { hotIssues: Pick<HotIssuesService, 'mine'>; briefing: Pick<BriefingService, 'generate'> };
}

type WithApp = <T>(fn: (app: InsightsReportsHost) => Promise<T>) => Promise<T>;

export interface InsightsReportOptions {
  /** Rows of a message CSV (the app passes the cases importers' parser: `(file) => parseImport('teddycup', file)`). */
  readRows?: (file: string) => AsyncIterable<ImportedRowLike>;
  /** Zone for --csv mode, which runs without opening the app. */
  zone?: string;
  /** Where output goes (tests capture it). */
  out?: { write(text: string): unknown };
}

/** Pad to a display width, counting CJK characters as two columns. */
function pad(text: string, width: number): string {
  let w = 0;
  for (const ch of text) w += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1;
  return text + ' '.repeat(Math.max(1, width - w));
}

function printIssues(out: { write(t: string): unknown }, result: MineResult, zone: string): void {
  const day = (iso: string) => DateTime.fromISO(iso).setZone(zone).toFormat('yyyy/MM/dd');
  out.write(`热点问题 ${day(result.stats.periodStart)} 至 ${day(DateTime.fromISO(result.stats.periodEnd).minus({ milliseconds: 1 }).toISO()!)}：${result.stats.inPeriod} 条留言，${result.stats.clusters} 个问题，${result.stats.ranked} 个达到排名条件\n`);
  out.write(`排名  热度   ${pad('时间范围', 25)}${pad('地点/人群', 26)}问题描述（留言数/诉求人数/点赞数）\n`);
  for (const i of result.issues) {
    out.write(`${String(i.rank).padStart(3)}  ${i.heat.toFixed(1).padStart(5)}  ${pad(`${day(i.firstAt)} 至 ${day(i.lastAt)}`, 25)}${pad(i.place || '—', 26)}${i.description}（${i.messageCount}/${i.requesterCount}/${i.likes}）\n`);
  }
}

function printBriefing(out: { write(t: string): unknown }, b: Briefing): void {
  out.write(`日报 ${b.day}：受理 ${b.total} 件（前一日 ${b.previousTotal}，${signed(b.total - b.previousTotal)}）\n`);
  for (const r of b.rates) out.write(`  ${r.name} ${percent(r.value)}（前一日 ${percent(r.previous)}，${signed(r.change, ' 个百分点')}）\n`);
  out.write(`  热点问题 ${b.hotIssues.length} 个，未关闭预警 ${b.warnings.length} 条，超期工单 ${b.overdueTotal} 件\n`);
}

function topOf(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new AppError({ code: 'VALIDATION_FAILED', status: 400, field: 'top', zh: `--top 应为 1–100 的整数：${value}`, en: `--top must be a whole number 1–100: ${value}` });
  return n;
}

/**
 * `cityloop insights hot-issues` and `cityloop insights briefing` (added to an existing `insights`
 * command when the classification commands registered it first).
 */
export function registerInsightsReportCommands(program: Command, withApp: WithApp, options: InsightsReportOptions = {}): void {
  const out = options.out ?? process.stdout;
  const insights = program.commands.find((c) => c.name() === 'insights') ?? program.command('insights').description('Insights: classification, duplicates, hot issues, warnings, briefings');

  insights
    .command('hot-issues')
    .description('Hot issues (热点问题) of a period of cases (--from/--to, local dates) or of a message CSV (--csv), ranked by heat')
    .option('--from <YYYY-MM-DD>', 'first day (default: 7 days before yesterday)')
    .option('--to <YYYY-MM-DD>', 'last day, included (default: yesterday)')
    .option('--csv <file>', 'mine a Teddy Cup style message CSV instead of the cases (nothing is stored)')
    .option('--top <n>', 'how many issues', '10')
    .option('--min-requesters <n>', 'fewest distinct requesters for an issue to rank', '3')
    .option('--out <file.xlsx>', 'also write 热点问题表 and 热点问题留言明细表 to a workbook')
    .option('--json', 'print JSON (issues with their messages)')
    .action(async (opts: { from?: string; to?: string; csv?: string; top: string; minRequesters: string; out?: string; json?: boolean }) => {
      const top = topOf(opts.top);
      const minRequesters = Number(opts.minRequesters) || 3;
      const emit = async (result: MineResult, zone: string) => {
        if (opts.out) writeFileSync(opts.out, await hotIssuesWorkbook(result.issues, zone));
        if (opts.json) out.write(`${JSON.stringify(result, null, 2)}\n`);
        else printIssues(out, result, zone);
      };
      if (opts.csv) {
        if (opts.from || opts.to) throw new AppError({ code: 'VALIDATION_FAILED', status: 400, field: 'csv', zh: '--csv 不能与 --from/--to 同时使用', en: '--csv cannot be combined with --from/--to' });
        if (!options.readRows) throw new AppError({ code: 'INSIGHTS_NO_CSV_READER', status: 400, field: 'csv', zh: '此版本未接入 CSV 读取', en: 'No CSV reader is wired in this build' });
        const zone = options.zone ?? 'Asia/Shanghai';
        await emit(await mineHotIssues(hotIssueMessagesFromRows(options.readRows(opts.csv)), { top, minRequesters }), zone);
        return;
      }
      await withApp(async (app) => {
        const zone = app.config.zone;
        const yesterday = DateTime.now().setZone(zone).minus({ days: 1 });
        const from = opts.from ?? yesterday.minus({ days: 6 }).toISODate()!;
        const to = opts.to ?? yesterday.toISODate()!;
        parsePeriod(from, to, zone);
        const run = await app.insights.hotIssues.mine({ from, to, top, minRequesters }, 'cli');
        await emit({ issues: run.issues, stats: run.stats }, zone);
      });
    });

  insights
    .command('briefing')
    .description('Generate the daily briefing (日报) of a day (default yesterday) and store it; optionally write xlsx and HTML files')
    .option('--date <YYYY-MM-DD>', 'the day (default: yesterday)')
    .option('--out <file.xlsx>', 'write the workbook')
    .option('--html <file.html>', 'write the web page')
    .option('--json', 'print JSON')
    .action(async (opts: { date?: string; out?: string; html?: string; json?: boolean }) => {
      await withApp(async (app) => {
        const b = await app.insights.briefing.generate(opts.date, 'cli');
        if (opts.out) writeFileSync(opts.out, await renderBriefingXlsx(b));
        if (opts.html) writeFileSync(opts.html, renderBriefingHtml(b));
        if (opts.json) out.write(`${JSON.stringify(b, null, 2)}\n`);
        else printBriefing(out, b);
      });
    });
}
