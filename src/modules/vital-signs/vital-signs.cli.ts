import { createReadStream, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'csv-parse';
import { AREA_LEVELS, type AreaLevel } from '../places/index.ts';
import { DIMENSIONS, DIMENSION_ZH, type Dimension } from './domain/catalogue.ts';
import { DEFAULT_CATALOGUE } from './domain/default-catalogue.ts';
import { NYC311_CATALOGUE } from './domain/nyc311-catalogue.ts';
import { PERIOD_KINDS, type PeriodKind } from './domain/periods.ts';
import { COLOUR_ZH, type Colour } from './domain/scoring.ts';
import type { AreaScoresView } from './vital-signs.api.ts';
import type { VitalSignsModule } from './vital-signs.module.ts';

type WithApp = <T>(fn: (app: { vitals: VitalSignsModule }) => Promise<T>) => Promise<T>;

const out = (s: string): void => {
  process.stdout.write(`${s}\n`);
};
const num = (v: number | null, w = 6): string => (v === null ? '—'.padStart(w) : v.toFixed(2).padStart(w));
const colour = (c: Colour | null): string => (c ? `${COLOUR_ZH[c]} ${c}` : '');
// East Asian characters take two columns in a terminal.
const width = (s: string): number => [...s].reduce((n, ch) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
const pad = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - width(s)));

function period(value: string | undefined, date: string | undefined): PeriodKind {
  const p = (value ?? (date ? 'day' : 'now')) as PeriodKind;
  if (!PERIOD_KINDS.includes(p)) throw new Error(`--period must be one of ${PERIOD_KINDS.join(', ')}`);
  return p;
}

function printScores(v: AreaScoresView): void {
  out(`${v.lineage.map((a) => a.name).join(' › ')}  [${v.area.level} ${v.area.code}]`);
  out(`${v.period.kind} ${v.period.label}  ${v.period.from} → ${v.period.to}  (${v.period.days} day${v.period.days === 1 ? '' : 's'} averaged${v.period.complete ? '' : ', running'})  catalogue v${v.catalogueVersion}`);
  out(`总指数 overall ${num(v.overall)}  ${colour(v.colour)}${v.snapshot ? `   (snapshot then: ${num(v.snapshot.overall, 0)} with catalogue v${v.snapshot.catalogueVersion})` : ''}`);
  for (const d of v.dimensions) {
    const top = d.top.map((t) => `${t.name} −${t.dimensionLoss.toFixed(2)}`).join('，');
    out(`  ${pad(`${d.name} ${d.code}`, 18)} ${num(d.score)}  ${pad(colour(d.colour), 10)} ${top ? `主要失分 ${top}` : ''}`);
  }
  if (v.children.length) {
    out('');
    out(`${pad('下级区域 area', 34)} ${'总指数'.padStart(4)}  ${DIMENSIONS.map((d) => pad(DIMENSION_ZH[d], 6)).join(' ')}`);
    for (const c of v.children) out(`${pad(`${c.area.name} ${c.area.code}`, 34)} ${num(c.overall)}  ${DIMENSIONS.map((d) => num(c.dimensions[d])).join(' ')}  ${colour(c.colour)}`);
  }
}

async function readAttributeCsv(file: string, key: string, attribute: string): Promise<Array<{ externalId: string; value: string }>> {
  const entries: Array<{ externalId: string; value: string }> = [];
  const parser = createReadStream(file).pipe(parse({ columns: true, bom: true, relax_column_count: true, skip_empty_lines: true }));
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    if (!(key in record) || !(attribute in record)) throw new Error(`the file has no column "${!(key in record) ? key : attribute}"`);
    entries.push({ externalId: record[key] ?? '', value: record[attribute] ?? '' });
  }
  return entries;
}

/** `cityloop vitals show|drill|top|trend|catalogue|snapshot|map-areas|status`. */
export function registerVitalsCommands(program: Command, withApp: WithApp): void {
  const vitals = program.command('vitals').description('The city\'s vital-signs index (城市体征): scores, drill-down to deductions and cases, catalogue');

  vitals
    .command('show')
    .description('The index of an area (default: the city) for a period, with its dimensions and the areas below it')
    .option('--area <idOrCode>', 'area id or code')
    .option('--period <kind>', `one of ${PERIOD_KINDS.join(', ')} (now = rolling 24 h; default now, or day with --date)`)
    .option('--date <YYYY-MM-DD>', 'a day inside the period (default: the running one)')
    .option('--json', 'print JSON')
    .action(async (opts: { area?: string; period?: string; date?: string; json?: boolean }) => {
      await withApp(async ({ vitals: m }) => {
        await m.service.sync();
        const p = period(opts.period, opts.date);
        const t0 = performance.now();
        const v = await m.service.scores({ ...(opts.area ? { area: opts.area } : {}), period: p, ...(opts.date ? { date: opts.date } : {}) });
        const ms = performance.now() - t0;
        if (opts.json) return out(JSON.stringify(v, null, 2));
        printScores(v);
        process.stderr.write(`computed in ${ms.toFixed(1)} ms\n`);
      });
    });

  vitals
    .command('drill')
    .description('One indicator in an area: the areas below that lost points, and the deductions with their cases')
    .requiredOption('--indicator <code>', 'indicator code, e.g. case.11.05.03')
    .option('--area <idOrCode>', 'area id or code')
    .option('--period <kind>', `one of ${PERIOD_KINDS.join(', ')} (default now, or day with --date)`)
    .option('--date <YYYY-MM-DD>', 'a day inside the period')
    .option('--limit <n>', 'deductions to list', '10')
    .option('--json', 'print JSON')
    .action(async (opts: { indicator: string; area?: string; period?: string; date?: string; limit: string; json?: boolean }) => {
      await withApp(async ({ vitals: m }) => {
        await m.service.sync();
        const q = { ...(opts.area ? { area: opts.area } : {}), period: period(opts.period, opts.date), ...(opts.date ? { date: opts.date } : {}) };
        const ind = await m.service.indicator({ ...q, code: opts.indicator });
        const rows = await m.service.deductions({ ...q, indicator: opts.indicator, limit: Math.min(500, Number(opts.limit) || 10) });
        if (opts.json) return out(JSON.stringify({ indicator: ind, deductions: rows }, null, 2));
        const i = ind.indicator;
        out(`${i.name} (${i.code}, ${DIMENSION_ZH[i.dimension]} ${i.dimension}, weight ${i.weight}) in ${ind.area.name} [${ind.area.code}], ${ind.period.kind} ${ind.period.label}, catalogue v${ind.catalogueVersion}`);
        out(`  rule ${JSON.stringify(i.rule)}`);
        out(`  loss ${i.loss.toFixed(2)} → indicator score ${i.score.toFixed(2)}, takes ${i.dimensionLoss.toFixed(2)} off ${i.dimension}; ledger: ${i.sums.points} points, ${i.sums.events} events${i.sums.den ? `, ${i.sums.num}/${i.sums.den}` : ''}${i.value !== null ? `, value ${i.value}` : ''}`);
        if (ind.children.length) {
          out('  areas below:');
          for (const c of ind.children) out(`    ${pad(`${c.area.name} ${c.area.code}`, 30)} loss ${c.loss.toFixed(2).padStart(6)}  points ${String(c.points).padStart(6)}  events ${c.events}`);
        }
        out(`  deductions (${rows.total}, newest first):`);
        for (const r of rows.items) {
          out(`    ${r.at}  ${r.kind.padEnd(9)} ${(r.points >= 0 ? '+' : '') + r.points.toFixed(2)}  ${pad(r.area?.name ?? r.area?.id ?? '?', 14)} ${r.cause.type} ${r.cause.ref ?? r.cause.id} → ${r.cause.link ?? '—'}  (v${r.catalogueVersion})`);
        }
      });
    });

  vitals
    .command('top')
    .description('The day\'s largest deductions by indicator and area, with the cases behind them')
    .option('--date <YYYY-MM-DD>', 'the day (default today)')
    .option('--area <idOrCode>', 'only inside this area')
    .option('--level <level>', `roll up to ${AREA_LEVELS.join(', ')}`, 'grid')
    .option('--limit <n>', 'how many', '10')
    .option('--json', 'print JSON')
    .action(async (opts: { date?: string; area?: string; level: string; limit: string; json?: boolean }) => {
      await withApp(async ({ vitals: m }) => {
        await m.service.sync();
        if (!(AREA_LEVELS as readonly string[]).includes(opts.level)) throw new Error(`--level must be one of ${AREA_LEVELS.join(', ')}`);
        const v = await m.service.topDeductions({ ...(opts.date ? { date: opts.date } : {}), ...(opts.area ? { area: opts.area } : {}), level: opts.level as AreaLevel, limit: Number(opts.limit) || 10 });
        if (opts.json) return out(JSON.stringify(v, null, 2));
        out(`top deductions of ${v.date} by ${v.level}`);
        for (const t of v.items) out(`  ${`−${t.points.toFixed(2)}`.padStart(8)}  ${pad(t.indicator.name, 18)} ${pad(t.area.name, 16)} ${t.events} events  ${t.causes.map((c) => c.ref ?? c.id).join(' ')}`);
      });
    });

  vitals
    .command('trend')
    .description('Daily scores of an area from the snapshots')
    .requiredOption('--from <YYYY-MM-DD>')
    .requiredOption('--to <YYYY-MM-DD>')
    .option('--area <idOrCode>', 'area id or code')
    .option('--json', 'print JSON')
    .action(async (opts: { from: string; to: string; area?: string; json?: boolean }) => {
      await withApp(async ({ vitals: m }) => {
        await m.service.sync();
        const v = await m.service.trend({ from: opts.from, to: opts.to, ...(opts.area ? { area: opts.area } : {}) });
        if (opts.json) return out(JSON.stringify(v, null, 2));
        out(`${v.area.name} [${v.area.code}]`);
        out(`  ${'day'.padEnd(10)}  ${'overall'.padStart(7)}  ${DIMENSIONS.map((d) => pad(DIMENSION_ZH[d], 6)).join(' ')}  catalogue`);
        for (const i of v.items) out(`  ${i.day}  ${num(i.overall, 7)}  ${DIMENSIONS.map((d) => num(i.dimensions[d])).join(' ')}  v${i.catalogueVersion} ${i.source}`);
      });
    });

  vitals
    .command('catalogue')
    .description('Show the catalogue in force, or store a new version (a shipped one, a JSON file, or one weight changed)')
    .option('--use <name>', 'store a shipped catalogue as a new version: default | nyc311')
    .option('--import <file>', 'store a catalogue from a JSON file as a new version')
    .option('--set-weight <code=weight>', 'change one indicator\'s (or dimension\'s) weight')
    .option('--note <text>', 'why (kept with the version)')
    .option('--versions', 'list the versions')
    .option('--json', 'print the catalogue as JSON')
    .action(async (opts: { use?: string; import?: string; setWeight?: string; note?: string; versions?: boolean; json?: boolean }) => {
      await withApp(async ({ vitals: m }) => {
        await m.service.sync();
        const actor = { id: 'cli' };
        if (opts.use || opts.import) {
          const body = opts.import ? (JSON.parse(readFileSync(opts.import, 'utf8')) as unknown) : opts.use === 'nyc311' ? NYC311_CATALOGUE : opts.use === 'default' ? DEFAULT_CATALOGUE : null;
          if (body === null) throw new Error('--use must be default or nyc311');
          const r = await m.service.replaceCatalogue(body, actor, opts.note ?? (opts.use ? `shipped catalogue ${opts.use}` : `imported from ${opts.import}`));
          return out(r.changed ? `catalogue version ${r.version} stored` : `unchanged: version ${r.version} already has this body`);
        }
        if (opts.setWeight) {
          const [code, w] = opts.setWeight.split('=');
          const weight = Number(w);
          if (!code || !Number.isFinite(weight)) throw new Error('--set-weight wants code=weight');
          const r = (DIMENSIONS as readonly string[]).includes(code) ? await m.service.setDimensionWeight(code as Dimension, weight, actor) : await m.service.setIndicatorWeight(code, weight, actor);
          return out(r.changed ? `catalogue version ${r.version} stored` : `unchanged: version ${r.version}`);
        }
        if (opts.versions) {
          for (const v of await m.service.catalogueVersions()) out(`v${v.version}  ${v.createdAt}  ${v.checksum}  ${v.createdBy ?? ''}  ${v.note}`);
          return;
        }
        const c = m.service.catalogue();
        if (opts.json) return out(JSON.stringify(c, null, 2));
        out(`${c.body.name}  v${c.version} (${c.createdAt}), ${c.body.indicators.length} indicators`);
        for (const d of c.body.dimensions) out(`  ${d.name} ${d.code} weight ${d.weight}: ${c.body.indicators.filter((i) => i.dimension === d.code).length} indicators`);
      });
    });

  vitals
    .command('snapshot')
    .description('Freeze a completed day\'s scores for the trend (default: every completed day not yet frozen)')
    .option('--date <YYYY-MM-DD>', 'one day')
    .option('--force', 'replace an existing snapshot of that day')
    .action(async (opts: { date?: string; force?: boolean }) => {
      await withApp(async ({ vitals: m }) => {
        await m.service.sync();
        if (opts.date) {
          const r = await m.service.snapshot(opts.date, { force: opts.force ?? false });
          return out(r.skipped ? `${r.day}: already frozen (use --force)` : `${r.day}: ${r.areas} areas frozen with catalogue v${r.catalogueVersion}`);
        }
        const days = await m.service.snapshotPending();
        out(days.length ? `frozen: ${days[0]} … ${days.at(-1)} (${days.length} days)` : 'nothing to freeze');
      });
    });

  vitals
    .command('map-areas')
    .description('Score imported history by an attribute of its source rows (e.g. NYC 311 by Borough) when its points are not in the city')
    .argument('<file>', 'the CSV the history was imported from')
    .requiredOption('--source <name>', 'the import source, e.g. nyc311')
    .option('--key <column>', 'column with the external id', 'Unique Key')
    .option('--attribute <column>', 'column naming the area', 'Borough')
    .option('--name <text>', 'name of the root area', 'New York City 纽约市')
    .action(async (file: string, opts: { source: string; key: string; attribute: string; name: string }) => {
      await withApp(async ({ vitals: m }) => {
        await m.service.sync();
        const entries = await readAttributeCsv(file, opts.key, opts.attribute);
        const r = await m.service.mapAreas({ source: opts.source, name: opts.name, entries });
        out(`${r.areas} areas, ${r.aliases} rows mapped, ${r.skipped} without a usable ${opts.attribute}, ${r.placed} waiting cases scored`);
      });
    });

  vitals
    .command('status')
    .description('What the index holds')
    .action(async () => {
      await withApp(async ({ vitals: m }) => {
        await m.service.sync();
        out(JSON.stringify(await m.service.status(), null, 2));
      });
    });
}
