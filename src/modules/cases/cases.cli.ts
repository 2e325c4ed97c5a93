import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { errors } from '../../platform/errors/app-error.ts';
import { CASE_STATE_ZH, CASE_STATES, type CaseState } from './domain/case-types.ts';
import type { CasesModule } from './cases.module.ts';

type WithApp = <T>(fn: (app: { cases: CasesModule; config: { zone: string } }) => Promise<T>) => Promise<T>;

/** An instant as the city reads it (`2026-12-04 17:16:46 +08:00`); the JSON output keeps ISO UTC. */
function local(iso: string | null | undefined, zone: string): string {
  if (!iso) return '—';
  const d = DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone);
  return d.isValid ? d.toFormat('yyyy-MM-dd HH:mm:ss ZZ') : iso;
}

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '   —  ' : `${(v * 100).toFixed(1).padStart(5)}%`);

/** The groupings `cityloop kpi --by` accepts (the same as the HTTP API's groupBy). */
export const KPI_GROUPS = ['department', 'tier', 'category', 'day', 'all'] as const;
/** One of KPI_GROUPS. */
export type KpiGroup = (typeof KPI_GROUPS)[number];

/** Most cases `cityloop case list` prints at once, as the HTTP API allows. */
export const MAX_LIST_LIMIT = 500;

/** `--state a,b`: each name must be a case state, so a typo is an error rather than a silently wider list. */
export function parseStatesOption(value: string | undefined): CaseState[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.find((s) => !(CASE_STATES as readonly string[]).includes(s));
  if (bad !== undefined || names.length === 0) {
    const shown = bad ?? value;
    throw errors.validation('state', `未知状态：${shown}（可选 ${CASE_STATES.join('、')}）`,
      `unknown state: ${shown}; use one of ${CASE_STATES.join(', ')}`, { allowed: CASE_STATES });
  }
  return names as CaseState[];
}

/** `--limit n`: a whole number from 1 to MAX_LIST_LIMIT. */
export function parseLimitOption(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!(n >= 1 && n <= MAX_LIST_LIMIT)) {
    throw errors.validation('limit', `--limit 应为 1 到 ${MAX_LIST_LIMIT} 的整数，实际为 ${value}`,
      `--limit must be a whole number from 1 to ${MAX_LIST_LIMIT}, got ${value}`, { min: 1, max: MAX_LIST_LIMIT });
  }
  return n;
}

/** `--by g`: one of KPI_GROUPS. */
export function parseKpiGroupOption(value: string): KpiGroup {
  if (!(KPI_GROUPS as readonly string[]).includes(value)) {
    throw errors.validation('by', `未知分组：${value}（可选 ${KPI_GROUPS.join('、')}）`,
      `unknown grouping: ${value}; use one of ${KPI_GROUPS.join(', ')}`, { allowed: KPI_GROUPS });
  }
  return value as KpiGroup;
}

/** `cityloop case show|list` and `cityloop kpi`. */
export function registerCaseCommands(program: Command, withApp: WithApp): void {
  const cases = program.command('case').description('Look at cases');
  cases
    .command('show')
    .description('One case with its timeline')
    .argument('<idOrNumber>')
    .option('--json', 'print JSON')
    .action(async (idOrNumber: string, opts: { json?: boolean }) => {
      await withApp(async ({ cases: m, config }) => {
        // Whoever runs the CLI on the server sees everything; showing a citizen's data is audited all the same.
        const c = await m.service.get(idOrNumber, { id: `cli:${process.env.USER ?? 'unknown'}`, departmentId: null, scope: { all: true, departmentIds: new Set(), areaIds: new Set() }, personal: true, ip: null });
        const timeline = await m.service.timeline(c.id);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ case: c, timeline }, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${c.number}  ${CASE_STATE_ZH[c.state]} (${c.state})  ${c.title}\n`);
        process.stdout.write(`分类 ${c.categoryName ?? c.categoryCode}  主办 ${c.mainDepartmentName ?? '—'}  期限 ${local(c.dueAt, config.zone)}  灯 ${c.light}\n`);
        for (const h of timeline) process.stdout.write(`  ${local(h.at, config.zone)}  ${h.action.padEnd(18)} ${String(h.fromState ?? '').padEnd(16)} → ${h.toState.padEnd(16)} ${h.note ?? ''}\n`);
      });
    });
  cases
    .command('list')
    .description('List cases (masked personal data)')
    .option('--state <states>', `comma list of ${CASE_STATES.join(',')}`)
    .option('--limit <n>', `how many (1–${MAX_LIST_LIMIT})`, '20')
    .option('--json', 'print JSON')
    .action(async (opts: { state?: string; limit: string; json?: boolean }) => {
      // Checked before the database is opened: a mistyped option must not cost a start-up.
      const states = parseStatesOption(opts.state);
      const limit = parseLimitOption(opts.limit);
      await withApp(async ({ cases: m }) => {
        const res = await m.service.list({ ...(states ? { states } : {}), limit, offset: 0 });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${res.total} cases\n`);
        for (const c of res.items) process.stdout.write(`${c.number}  ${CASE_STATE_ZH[c.state].padEnd(5, '　')} ${c.light.padEnd(6)} ${c.requesterPhone ?? '—'}  ${c.title}\n`);
      });
    });

  program
    .command('kpi')
    .description('KPIs for a period (by received day), grouped by department, tier, category or day')
    .requiredOption('--from <YYYY-MM-DD>')
    .requiredOption('--to <YYYY-MM-DD>')
    .option('--by <group>', KPI_GROUPS.join(' | '), 'tier')
    .option('--category <prefix>', 'only this category subtree')
    .option('--json', 'print JSON')
    .action(async (opts: { from: string; to: string; by: string; category?: string; json?: boolean }) => {
      const groupBy = parseKpiGroupOption(opts.by);
      await withApp(async ({ cases: m }) => {
        const t0 = performance.now();
        const rows = await m.service.kpis({ from: opts.from, to: opts.to, groupBy, ...(opts.category ? { categoryPrefix: opts.category } : {}) });
        const ms = performance.now() - t0;
        // The service ranks groups by case count; days read as a time series, so in date order (keys are YYYY-MM-DD).
        if (groupBy === 'day') rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ definitions: m.service.kpiDefinitions(), items: rows, ms }, null, 2)}\n`);
          return;
        }
        const cols = ['directAnswerRate', 'onTimeSignRate', 'onTimeCompletionRate', 'completionRate', 'callbackRate', 'satisfactionRate', 'firstTimeResolutionRate', 'returnRate', 'overdueRate', 'repeatRate'];
        process.stdout.write(`${'group'.padEnd(24)} ${'cases'.padStart(7)} ${cols.map((c) => c.replace('Rate', '').slice(0, 7).padStart(7)).join(' ')}\n`);
        for (const r of rows) process.stdout.write(`${r.name.slice(0, 22).padEnd(24)} ${String(r.counters.total ?? 0).padStart(7)} ${cols.map((c) => pct(r.rates[c]?.value)).join(' ')}\n`);
        process.stderr.write(`computed in ${ms.toFixed(1)} ms\n`);
      });
    });
}
