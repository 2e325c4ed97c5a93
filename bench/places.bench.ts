/**
 * places: point → smallest area on a synthetic city of 2,000 twelve-sided grids.
 * Run: node --import tsx bench/places.bench.ts
 * Reference measured in the same run: a brute-force scan of every grid with the same point-in-polygon.
 */
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AreaGeometry, AreaRecord } from '../src/modules/places/domain/area.ts';
import { AreaIndex } from '../src/modules/places/domain/area-index.ts';
import { compileGeometry, containsPoint } from '../src/modules/places/domain/point-in-polygon.ts';
import { buildSyntheticCity, DEFAULT_SYNTHETIC_CITY, seededRandom } from '../src/modules/places/domain/synthetic-city.ts';

const CALLS = 200_000;
const RUNS = 5;
const BRUTE_CALLS = 10_000; // the scan is ~100× slower; fewer calls keep the run short
const PIP_PAIRS = 100_000;

// The command line has no --expose-gc; turning the flag on at run time gives a gc() for heap figures.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const quantile = (sorted: Float64Array, q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Median ns/op over RUNS runs of `fn` applied to every point (after one warm-up run). */
function timeRuns(xs: Float64Array, ys: Float64Array, n: number, fn: (x: number, y: number) => unknown): { nsPerOp: number; hits: number } {
  let hits = 0;
  const once = (): number => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) if (fn(xs[i] as number, ys[i] as number) !== null) hits++;
    return Number(process.hrtime.bigint() - t0) / n;
  };
  once();
  const runs = Array.from({ length: RUNS }, once);
  return { nsPerOp: median(runs), hits };
}

const t0 = process.hrtime.bigint();
const areas: AreaRecord[] = buildSyntheticCity();
const generateMs = Number(process.hrtime.bigint() - t0) / 1e6;
const grids = areas.filter((a) => a.level === 'grid');
const gridVertices = (grids[0]?.boundary?.coordinates[0]?.length ?? 1) - 1;

// Build: median of 5, then heap held by one index (JS heap + typed-array buffers), measured after gc.
const buildMs: number[] = [];
for (let k = 0; k < RUNS; k++) {
  const s = process.hrtime.bigint();
  new AreaIndex(areas);
  buildMs.push(Number(process.hrtime.bigint() - s) / 1e6);
}
gc();
const mem0 = process.memoryUsage();
const index = new AreaIndex(areas);
gc();
const mem1 = process.memoryUsage();
const heapBytes = mem1.heapUsed - mem0.heapUsed + (mem1.arrayBuffers - mem0.arrayBuffers);

// Points: uniform over the city's bounding box grown by 2% on each side, so a few miss everything.
const { cols, rows, cellDeg, origin } = DEFAULT_SYNTHETIC_CITY;
const [w, h] = [cols * cellDeg, rows * cellDeg];
const rand = seededRandom(2024);
const xs = new Float64Array(CALLS);
const ys = new Float64Array(CALLS);
for (let i = 0; i < CALLS; i++) {
  xs[i] = origin[0] - 0.02 * w + rand() * 1.04 * w;
  ys[i] = origin[1] - 0.02 * h + rand() * 1.04 * h;
}

const locate = timeRuns(xs, ys, CALLS, (x, y) => index.locate(x, y));

// Per-call latency; the timer's own cost is measured and shown, since it is a sizeable part of a call.
const lat = new Float64Array(CALLS);
const empty = new Float64Array(CALLS);
let sink = 0;
for (let i = 0; i < CALLS; i++) {
  const a = process.hrtime.bigint();
  const b = process.hrtime.bigint();
  empty[i] = Number(b - a);
}
for (let i = 0; i < CALLS; i++) {
  const a = process.hrtime.bigint();
  if (index.locate(xs[i] as number, ys[i] as number) !== null) sink++;
  lat[i] = Number(process.hrtime.bigint() - a);
}
lat.sort();
empty.sort();

// Reference: scan all grids in order, same point-in-polygon, first hit wins (grids tile the city).
const compiled = grids.map((g) => ({ area: g, geometry: compileGeometry(g.boundary as AreaGeometry) }));
const brute = (x: number, y: number): AreaRecord | null => {
  for (const c of compiled) if (containsPoint(c.geometry, x, y)) return c.area;
  return null;
};
const scan = timeRuns(xs, ys, BRUTE_CALLS, brute);
let mismatches = 0;
for (let i = 0; i < BRUTE_CALLS; i++) if (brute(xs[i] as number, ys[i] as number) !== index.locate(xs[i] as number, ys[i] as number)) mismatches++;

// Point-in-polygon alone, hand-written vs @turf/boolean-point-in-polygon, on the grid each point falls in.
const pairs = Array.from({ length: PIP_PAIRS }, (_, i) => {
  const x = xs[i] as number;
  const y = ys[i] as number;
  const g = index.locate(x, y);
  const c = compiled.find((k) => k.area === g) ?? (compiled[i % compiled.length] as (typeof compiled)[number]);
  return { x, y, c };
});
const timePairs = (fn: (p: (typeof pairs)[number]) => boolean): number => {
  const once = (): number => {
    const s = process.hrtime.bigint();
    for (const p of pairs) if (fn(p)) sink++;
    return Number(process.hrtime.bigint() - s) / pairs.length;
  };
  once();
  return median(Array.from({ length: RUNS }, once));
};
const pipOurs = timePairs((p) => containsPoint(p.c.geometry, p.x, p.y));
const pipTurf = timePairs((p) => booleanPointInPolygon([p.x, p.y], p.c.area.boundary as AreaGeometry));

const rows_: Array<[string, string, string, string]> = [
  ['AreaIndex.locate (R-tree + ray casting)', fmt(locate.nsPerOp), fmt(quantile(lat, 0.5)), fmt(quantile(lat, 0.99))],
  ['reference: scan all grids, same PIP + bbox', fmt(scan.nsPerOp), '', ''],
  ['ratio reference / locate', `${fmt(scan.nsPerOp / locate.nsPerOp, 1)}×`, '', ''],
  ['PIP alone: hand-written ray casting', fmt(pipOurs, 1), '', ''],
  ['PIP alone: @turf/boolean-point-in-polygon', fmt(pipTurf, 1), '', ''],
  ['ratio turf / hand-written', `${fmt(pipTurf / pipOurs, 1)}×`, '', ''],
  ['timer overhead (two hrtime calls)', '', fmt(quantile(empty, 0.5)), fmt(quantile(empty, 0.99))],
];
const widths = [44, 12, 10, 10];
const line = (cells: string[]): string => cells.map((c, k) => (k === 0 ? c.padEnd(widths[k] as number) : c.padStart(widths[k] as number))).join(' │ ');

console.log(`places bench — Node ${process.version}, ${areas.length} areas (${grids.length} grids of ${gridVertices} vertices), ${fmt(CALLS)} random points, median of ${RUNS} runs`);
console.log(line(['case', 'ns/op', 'p50 ns', 'p99 ns']));
console.log(widths.map((w_) => '─'.repeat(w_)).join('─┼─'));
for (const r of rows_) console.log(line(r));
console.log();
console.log(`build AreaIndex: ${fmt(median(buildMs), 1)} ms (median of ${RUNS}; generating the city took ${fmt(generateMs, 1)} ms)`);
console.log(`index memory:    ${fmt(heapBytes / 1024 / 1024, 2)} MiB (JS heap + typed arrays, after gc; records themselves excluded)`);
console.log(`located:         ${fmt((100 * locate.hits) / ((RUNS + 1) * CALLS), 1)}% of points; reference scan disagrees on ${mismatches} of ${fmt(BRUTE_CALLS)} (must be 0); reference timed on ${fmt(BRUTE_CALLS)} calls`);
if (sink < 0) console.log(sink);
