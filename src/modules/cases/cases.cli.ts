import type { Command } from 'commander';
import { CASE_STATE_ZH, CASE_STATES, type CaseState } from './domain/case-types.ts';
import type { CasesModule } from './cases.module.ts';

type WithApp = <T>(fn: (app: { cases: CasesModule }) => Promise<T>) => Promise<T>;

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '   —  ' : `${(v * 100).toFixed(1).padStart(5)}%`);

/** `cityloop case show|list` and `cityloop kpi`. */
export function registerCaseCommands(program: Command, withApp: WithApp): void {
  const cases = program.command('case').description('Look at cases');
  cases
    .command('show')
    .description('One case with its timeline')
    .argument('<idOrNumber>')
    .option('--json', 'print JSON')
    .action(async (idOrNumber: string, opts: { json?: boolean }) => {
      await withApp(async ({ cases: m }) => {
        const c = await m.service.get(idOrNumber);
        const timeline = await m.service.timeline(c.id);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ case: c, timeline }, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${c.number}  ${CASE_STATE_ZH[c.state]} (${c.state})  ${c.title}\n`);
        process.stdout.write(`分类 ${c.categoryName ?? c.categoryCode}  主办 ${c.mainDepartmentName ?? '—'}  期限 ${c.dueAt ?? '—'}  灯 ${c.light}\n`);
        for (const h of timeline) process.stdout.write(`  ${h.at}  ${h.action.padEnd(18)} ${String(h.fromState ?? '').padEnd(16)} → ${h.toState.padEnd(16)} ${h.note ?? ''}\n`);
      });
    });
  cases
    .command('list')
    .description('List cases (masked personal data)')
    .option('--state <states>', `comma list of ${CASE_STATES.join(',')}`)
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print JSON')
    .action(async (opts: { state?: string; limit: string; json?: boolean }) => {
      await withApp(async ({ cases: m }) => {
        const states = opts.state?.split(',').filter((s): s is CaseState => (CASE_STATES as readonly string[]).includes(s));
        const res = await m.service.list({ ...(states?.length ? { states } : {}), limit: Math.min(500, Number(opts.limit) || 20), offset: 0 });
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
    .option('--by <group>', 'department | tier | category | day | all', 'tier')
    .option('--category <prefix>', 'only this category subtree')
    .option('--json', 'print JSON')
    .action(async (opts: { from: string; to: string; by: string; category?: string; json?: boolean }) => {
      await withApp(async ({ cases: m }) => {
        const t0 = performance.now();
        const rows = await m.service.kpis({ from: opts.from, to: opts.to, groupBy: opts.by as 'tier', ...(opts.category ? { categoryPrefix: opts.category } : {}) });
        const ms = performance.now() - t0;
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
