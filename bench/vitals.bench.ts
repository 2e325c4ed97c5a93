/**
 * vitals: the vital-signs index at the size of a large city — 387 indicators × 1,000 grids
 * (1,261 areas over five levels), a month of 200,000 ledger rows.
 * Run: npm run bench:vitals   (node --import tsx bench/vitals.bench.ts)
 *
 * Measured, each as the median of several runs:
 *  1. full recompute: sums rebuilt from every row (all five levels, day and hour buckets) and the
 *     scores of every area for the month;
 *  2. incremental update per incoming event: one row applied to the sums (and, separately, applied
 *     plus the event's grid and district rescored for the day);
 *  3. the durable path per event on SQLite: the ledger rows written in a transaction with their
 *     outbox event, then applied; and a reload of the whole ledger from SQLite.
 * Reference in the same run: a plain in-memory aggregation of the same rows (a Map from
 * indicator × grid to summed points), the least any index must do with each row.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino } from 'pino';
import { ManualClock } from '../src/platform/clock/clock.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrator.ts';
import { EventBus, outboxMigrations } from '../src/platform/events/event-bus.ts';
import { UnitOfWork } from '../src/platform/events/unit-of-work.ts';
import type { AreaSummary, PlacesApi } from '../src/modules/places/index.ts';
import { AreaTree, type TreeArea } from '../src/modules/vital-signs/domain/area-tree.ts';
import { compileCatalogue, DIMENSIONS, validateCatalogue, type CatalogueBody, type IndicatorDefinition } from '../src/modules/vital-signs/domain/catalogue.ts';
import { DEFAULT_CATALOGUE } from '../src/modules/vital-signs/domain/default-catalogue.ts';
import { periodWindow, ZoneDays } from '../src/modules/vital-signs/domain/periods.ts';
import { ScoreEngine, type EngineRow } from '../src/modules/vital-signs/domain/score-engine.ts';
import { createVitalSignsModule } from '../src/modules/vital-signs/index.ts';
import { vitalSignsMigrations } from '../src/modules/vital-signs/migrations/index.ts';
import { VitalsRepository } from '../src/modules/vital-signs/vital-signs.repository.ts';
import { newId } from '../src/platform/ids/ids.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const INDICATORS = 387;
const GRIDS = 1000;
const ROWS = 200_000;
const RUNS = 5;
const INCREMENTAL = 50_000;
const DURABLE_EVENTS = 2_000;
const ZONE = 'Asia/Shanghai';
const NOW = Date.parse('2026-12-31T04:00:00Z');
const MONTH_START = Date.parse('2026-11-30T16:00:00Z'); // 1 December, Beijing

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const q = (sorted: Float64Array, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** A seeded generator, so every run scores the same month. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** City → 10 districts → 50 streets → 200 communities → 1,000 grids. */
function buildAreas(): TreeArea[] {
  const out: TreeArea[] = [{ id: 'c', code: 'c', name: '城', level: 'city', parentId: null }];
  for (let d = 0; d < 10; d++) {
    out.push({ id: `d${d}`, code: `d${d}`, name: `区${d}`, level: 'district', parentId: 'c' });
    for (let s = 0; s < 5; s++) {
      const sid = `s${d}.${s}`;
      out.push({ id: sid, code: sid, name: `街道${sid}`, level: 'street', parentId: `d${d}` });
      for (let m = 0; m < 4; m++) {
        const mid = `${sid}.${m}`;
        out.push({ id: `m${mid}`, code: `m${mid}`, name: `社区${mid}`, level: 'community', parentId: sid });
        for (let g = 0; g < 5; g++) out.push({ id: `g${mid}.${g}`, code: `g${mid}.${g}`, name: `网格${mid}.${g}`, level: 'grid', parentId: `m${mid}` });
      }
    }
  }
  return out;
}

/** 387 indicators: the default catalogue's rules repeated over synthetic categories, with every source and rule type. */
function buildCatalogue(): CatalogueBody {
  const base = DEFAULT_CATALOGUE.indicators;
  const indicators: IndicatorDefinition[] = [];
  for (let i = 0; i < INDICATORS; i++) {
    const b = base[i % base.length]!;
    const s = b.source;
    const source = s.type === 'cases' ? { ...s, categories: [`x${i}`] } : s.type === 'caseRate' ? { ...s, categories: [`x${i}`] } : s.type === 'alarms' ? { type: 'alarms' as const, alarmTypes: [`alarm_${i}`] } : s;
    indicators.push({ ...b, code: `i${i}`, dimension: DIMENSIONS[i % 4]!, source });
  }
  return { ...DEFAULT_CATALOGUE, name: 'bench 387', indicators };
}

const areas = buildAreas();
const grids = areas.filter((a) => a.level === 'grid').map((a) => a.id);
const body = buildCatalogue();
const valid = validateCatalogue(body);
if (!valid.ok) throw new Error(`bench catalogue invalid: ${JSON.stringify(valid.problems.slice(0, 3))}`);
const cat = compileCatalogue(body, 1);
const tree = new AreaTree(areas);
const zone = new ZoneDays(ZONE);
const perEvent = cat.indicators.filter((i) => i.def.rule.type === 'perEvent').map((i) => i.def.code);
const rates = cat.indicators.filter((i) => i.def.source.type === 'caseRate').map((i) => i.def.code);

function makeRows(n: number, seed: number, from: number, span: number): EngineRow[] {
  const r = rng(seed);
  const rows: EngineRow[] = [];
  for (let k = 0; k < n; k++) {
    const at = from + Math.floor(r() * span);
    const areaId = grids[Math.floor(r() * r() * grids.length)]!; // a few busy grids, a long tail
    const x = r();
    if (x < 0.05) rows.push({ indicator: rates[Math.floor(r() * rates.length)]!, areaId, at, points: 0, count: 0, num: r() < 0.85 ? 1 : 0, den: 1 });
    else {
      const indicator = perEvent[Math.floor(r() * r() * perEvent.length)]!;
      rows.push({ indicator, areaId, at, points: x < 0.15 ? -15 : 30, count: x < 0.15 ? 0 : 1, num: 0, den: 0 });
    }
  }
  return rows;
}

// In ledger order (by seq, which follows time), as a reload reads them.
const month = makeRows(ROWS, 1, MONTH_START, 30 * 86_400_000).sort((a, b) => a.at - b.at);
const monthWindow = periodWindow('month', zone, NOW, { date: '2026-12-15' });

// ── the reference: a plain aggregation of the same rows ──
const indexOfCode = new Map(cat.indicators.map((i) => [i.def.code, i.index]));
const gridIndex = new Map(grids.map((g, i) => [g, i]));
function plainAggregate(rows: readonly EngineRow[], into = new Map<number, number>()): Map<number, number> {
  for (const r of rows) {
    const key = gridIndex.get(r.areaId)! * INDICATORS + indexOfCode.get(r.indicator)!;
    into.set(key, (into.get(key) ?? 0) + r.points);
  }
  return into;
}

// ── 1. full recompute ──
const rebuildMs: number[] = [];
const scoreMs: number[] = [];
const plainMs: number[] = [];
const cpuMs: number[] = [];
let engine!: ScoreEngine;
let scored = 0;
for (let k = 0; k < RUNS + 1; k++) {
  let t = performance.now();
  plainAggregate(month);
  const p = performance.now() - t;
  t = performance.now();
  const cpu0 = process.cpuUsage();
  engine = new ScoreEngine(cat, tree, zone, 48);
  engine.pruneHours(NOW);
  for (const r of month) engine.apply(r);
  const b = performance.now() - t;
  t = performance.now();
  scored = engine.scoreAll(monthWindow).length;
  const s = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  if (k > 0) {
    cpuMs.push((cpu.user + cpu.system) / 1000);
    plainMs.push(p);
    rebuildMs.push(b);
    scoreMs.push(s);
  }
}
const fullMs = rebuildMs.map((b, i) => b + scoreMs[i]!);
gc();
const cells = engine.cellCount();
const heapMb = process.memoryUsage().heapUsed / 1e6;

// The one-pass scores must equal a full evaluation of every indicator (spot check on 50 areas).
const all = engine.scoreAll(monthWindow);
for (let i = 0; i < all.length; i += Math.floor(all.length / 50)) {
  const a = all[i]!;
  const b = engine.combine(a.areaIndex, engine.indicatorResults(a.areaIndex, monthWindow));
  if (Math.abs((a.overall ?? 0) - (b.overall ?? 0)) > 1e-9) throw new Error(`scoreAll disagrees with the full evaluation for area ${a.areaIndex}`);
}

// ── 2. incremental update per incoming event ──
const fresh = makeRows(INCREMENTAL, 2, NOW - 3_600_000, 3_600_000);
const today = periodWindow('day', zone, NOW);
function perEventTimes(fn: (r: EngineRow) => void, rows: readonly EngineRow[]): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const t = process.hrtime.bigint();
    fn(rows[k]!);
    out[k] = Number(process.hrtime.bigint() - t) / 1e3; // µs
  }
  return out.sort();
}
const applyTimes = perEventTimes((r) => engine.apply(r), fresh);
const rescoreTimes = perEventTimes((r) => {
  engine.apply(r);
  const lineage = tree.lineage(tree.indexOf(r.areaId));
  engine.score(lineage[0]!, today);
  engine.score(lineage[3]!, today);
}, fresh.slice(0, 10_000));
const plainMap = plainAggregate(month);
const plainTimes = perEventTimes((r) => plainAggregate([r], plainMap), fresh);

// ── 3. the durable path on SQLite ──
const file = join(tmpdir(), `cityloop-vitals-bench-${process.pid}.sqlite`);
const database = await openDatabase(file);
await migrateToLatest(database, { platform: outboxMigrations, vitals: vitalSignsMigrations });
const clock = new ManualClock(new Date(NOW));
const logger = pino({ level: 'silent' });
const bus = new EventBus(database, clock, logger);
const uow = new UnitOfWork(database, bus);
const summaries: AreaSummary[] = areas.map((a) => ({ id: a.id, code: a.code, name: a.name, level: a.level, parentId: a.parentId }));
const places: PlacesApi = {
  locate: () => null, getArea: (id) => summaries.find((a) => a.id === id) ?? null, getAreaByCode: () => null, lineage: () => [], isWithin: () => false,
  subtreeIds: () => [], listAreas: () => summaries, boundaryOf: () => null, importAreas: async () => ({ created: 0, updated: 0, unchanged: 0, errors: [] }),
  root: () => summaries[0]!, count: () => summaries.length,
};
const vitals = createVitalSignsModule({ database, uow, bus, clock, logger, places, config: { zone: ZONE } });
await vitals.service.load();
await vitals.service.replaceCatalogue(body, { id: 'bench' });
const durable = new Float64Array(DURABLE_EVENTS);
const r3 = rng(3);
for (let k = 0; k < DURABLE_EVENTS; k++) {
  const i = Math.floor(r3() * 300);
  const event = {
    seq: k + 1, id: newId('evt'), name: 'cases.case.received', occurredAt: new Date(NOW - 60_000).toISOString(), actor: null,
    payload: { caseId: `cas_${k}`, number: `20261231${String(k).padStart(4, '0')}`, state: 'pending_dispatch', categoryCode: `x${i}`, areaId: grids[Math.floor(r3() * grids.length)]!, departmentId: null, centreId: null, channel: 'hotline', kind: 'complaint', urgency: 'normal' },
  };
  const t = process.hrtime.bigint();
  await vitals.service.handle(event);
  durable[k] = Number(process.hrtime.bigint() - t) / 1e3;
}
durable.sort();
// Reload of the whole ledger from SQLite: the month's rows written straight into the table first.
const repo = new VitalsRepository(database.db, database.dialect);
await uow.run(async ({ tx }) => {
  const recordedAt = new Date(NOW).toISOString();
  for (let k = 0; k < month.length; k += 500) {
    await repo.insertLedger(tx, month.slice(k, k + 500).map((r, j) => ({
      id: newId('vld'), eventId: `bench_${k + j}`, indicator: r.indicator, catalogueVersion: 2, kind: 'deduct', areaId: r.areaId, at: new Date(r.at).toISOString(),
      points: r.points, events: r.count, num: r.num, den: r.den, sourceType: 'case', sourceId: `cas_b${k + j}`, sourceRef: null, recordedAt,
    })));
  }
});
const reloadMs: number[] = [];
for (let k = 0; k < 3; k++) {
  const t = performance.now();
  await vitals.service.load();
  reloadMs.push(performance.now() - t);
}
const t0 = performance.now();
await vitals.service.scores({ area: 'c', period: 'month', date: '2026-12-15' });
const cityScoreMs = performance.now() - t0;
await database.close();
for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });

const ratio = (a: number, b: number): string => (b > 0 ? `${fmt(a / b, 1)}×` : 'n/a');
const fullMedian = median(fullMs);
const out = [
  `vitals bench: ${INDICATORS} indicators × ${fmt(GRIDS)} grids (${fmt(areas.length)} areas, 5 levels), ${fmt(ROWS)} ledger rows over a month; Node ${process.version}`,
  '',
  `1. full recompute (median of ${RUNS}): ${fmt(fullMedian, 1)} ms wall, ${fmt(median(cpuMs), 1)} ms CPU  [target < 1,000 ms]`,
  `     rebuild sums from ${fmt(ROWS)} rows      ${fmt(median(rebuildMs), 1)} ms   (${fmt(ROWS / median(rebuildMs) * 1000)} rows/s)`,
  `     score all ${fmt(scored)} areas × ${INDICATORS}     ${fmt(median(scoreMs), 1)} ms`,
  `     reference: plain Map aggregation  ${fmt(median(plainMs), 1)} ms   → full recompute is ${ratio(fullMedian, median(plainMs))} the plain aggregation`,
  `     cells held: ${fmt(cells.days)} day cells, ${fmt(cells.hours)} hour cells; heap ${fmt(heapMb)} MB`,
  '',
  `2. incremental update per event (${fmt(INCREMENTAL)} events):  [target < 1 ms]`,
  `     apply to sums (5 levels, day + hour)     median ${fmt(q(applyTimes, 0.5), 2)} µs   p99 ${fmt(q(applyTimes, 0.99), 2)} µs`,
  `     apply + rescore grid and district (day)  median ${fmt(q(rescoreTimes, 0.5), 2)} µs   p99 ${fmt(q(rescoreTimes, 0.99), 2)} µs`,
  `     reference: plain Map add                 median ${fmt(q(plainTimes, 0.5), 2)} µs   → apply is ${ratio(q(applyTimes, 0.5), q(plainTimes, 0.5))} the plain add`,
  '',
  `3. durable path on SQLite (${fmt(DURABLE_EVENTS)} case events through the event handler: ledger rows + outbox in one transaction, then applied)`,
  `     per event  median ${fmt(q(durable, 0.5), 1)} µs   p99 ${fmt(q(durable, 0.99), 1)} µs   → ${ratio(q(durable, 0.5), q(plainTimes, 0.5))} the plain add`,
  `     reload of ${fmt(ROWS + DURABLE_EVENTS)} ledger rows from SQLite (median of 3): ${fmt(median(reloadMs), 1)} ms;  city month score then: ${fmt(cityScoreMs, 1)} ms`,
];
const load = (await import('node:os')).loadavg()[0]!;
out.push('', `machine: ${(await import('node:os')).cpus().length} cores, load average ${fmt(load, 2)} during the run (wall times grow with other work on the machine; CPU time does not)`);
process.stdout.write(`${out.join('\n')}\n`);
