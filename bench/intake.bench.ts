/**
 * intake: cases created per second through HTTP (POST /api/v1/cases with dispatch:'auto', i.e.
 * routed by the responsibility list), with p50/p99 latency.
 * Run: npm run bench:intake            (SQLite file in the temp folder)
 *      CITYLOOP_BENCH_DATABASE_URL=postgres://root@127.0.0.1:5432/postgres npm run bench:intake
 * Options: --runs n (3), --duration s (10), --warmup s (2), --connections n (10).
 * Reference measured in the same run: a bare Fastify 5 app with one POST route that parses the
 * same JSON bodies and answers 201 — the ceiling of HTTP on this machine.
 * The load generator (autocannon) runs in a child process, so server and client get a core each.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { compose } from '../src/app/compose.ts';
import { SeededRandom } from '../src/app/demo/seeded-random.ts';
import { benchConfig, benchDatabase, dropOnSignal, fmt, loadDemoWorld, median, ratio, runLoad, since, sleep, type LoadResult } from './bench-util.ts';
import type { IntakeInput } from '../src/modules/cases/index.ts';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
};
const RUNS = arg('runs', 3);
const DURATION_S = arg('duration', 10);
const WARMUP_S = arg('warmup', 2);
const CONNECTIONS = arg('connections', 10);
const BODIES = 30_000;
const TARGET_RATE = 1_000;
const TARGET_P99_MS = 20;

const pgUrl = process.env.CITYLOOP_BENCH_DATABASE_URL || undefined;
const db = await benchDatabase('intake', pgUrl);
const bodiesFile = join(tmpdir(), `cityloop-intake-bodies-${process.pid}.json`);
dropOnSignal(db, [bodiesFile]);
const app = await compose(benchConfig(db), { defaultMetrics: false });
const bare = Fastify({ logger: false });

try {
  await app.start();
  const world = await loadDemoWorld(app);

  // Bodies: the demo city's scripted citizen requests (Chinese text, real categories, points in
  // its grids), kept when the responsibility list sends them to a handling department (not to a
  // district centre, where they would wait for a second dispatch) so every case ends 'dispatched'.
  const rng = new SeededRandom(2026);
  const pool = world.city.cases.flatMap((s) => {
    if (!s.location) return [];
    const area = app.places.api.locate(s.location.lng, s.location.lat);
    const match = area ? app.organization.api.resolveResponsibility(s.categoryCode, area.id) : null;
    return match && match.department.kind !== 'centre' ? [{ s, area: area!, department: match.department.id }] : [];
  });
  if (pool.length === 0) throw new Error('no demo case dispatches to a handling department');
  // One caller in ten is a regular from a small pool, so the repeat-request lookup finds matches too.
  const regulars = Array.from({ length: 300 }, (_, i) => `139${String(10_000_000 + i * 7_919).slice(-8)}`);
  const bodies = Array.from({ length: BODIES }, (_, i) => {
    const { s } = pool[i % pool.length]!;
    const phone = rng.next() < 0.1 ? regulars[Math.floor(rng.next() * regulars.length)]! : `13${String(100_000_000 + i * 37).slice(-9)}`;
    return {
      channel: 'hotline', kind: s.kind, categoryCode: s.categoryCode, text: s.text,
      requester: { phone }, location: { lng: s.location!.lng, lat: s.location!.lat }, dispatch: 'auto',
    };
  });
  writeFileSync(bodiesFile, JSON.stringify(bodies));
  const reached = new Set(pool.map((p) => p.department));
  const grids = new Set(pool.map((p) => p.area.id));
  const cats = new Set(pool.map((p) => p.s.categoryCode));

  // Requests are authenticated like a telephony integration's: an API token allowed to register
  // and dispatch cases, checked by the identity module on every request.
  const { token, secret } = await app.identity.api.createToken({ name: 'bench hotline integration', scopes: ['cases.intake', 'cases.dispatch'] });
  const headers = { authorization: `Bearer ${secret}` };

  const http = await app.http();
  await http.listen({ host: '127.0.0.1', port: 0 });
  const address = http.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/v1/cases`;

  // The ceiling: Fastify 5 defaults, same JSON content-type parser, one route, 201 with a small JSON.
  let bareSeen = 0;
  bare.post('/api/v1/cases', async (req, reply) => {
    bareSeen += 1;
    return reply.status(201).send({ received: true, categoryCode: (req.body as { categoryCode?: string }).categoryCode ?? null, n: bareSeen });
  });
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const bareAddress = bare.server.address();
  const bareUrl = `http://127.0.0.1:${typeof bareAddress === 'object' && bareAddress ? bareAddress.port : 0}/api/v1/cases`;

  console.log(`intake: POST /api/v1/cases with dispatch:'auto' (responsibility list), ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ~${DURATION_S} s measured, ${RUNS} runs; load client (autocannon) in a child process`);
  console.log(`database: ${db.label}`);
  console.log(`world: demo city ${world.city.name} reference data WITHOUT replaying its cases (${world.areas} areas, ${world.categories} categories, ${world.departments} departments, ${world.staff} staff, ${world.rules} rules), loaded in ${fmt(world.ms / 1000, 1)} s`);
  console.log(`bodies: ${fmt(BODIES)} (cycled), from ${fmt(pool.length)} demo requests: ${cats.size} categories, ${grids.size} grids, ${reached.size} departments reached; 10% from 300 repeat callers; Bearer API token (scopes cases.intake, cases.dispatch)`);
  console.log('');
  console.log('run  target         2xx/s     p50 ms   p90 ms   p99 ms   max ms   2xx       non-2xx  errors  s      server CPU µs/req');

  const row = (run: number, name: string, r: LoadResult, cpuUs: number): void => {
    console.log(
      `${String(run).padEnd(5)}${name.padEnd(15)}${fmt(r.rate).padStart(7)}   ${fmt(r.p50, 2).padStart(6)}   ${fmt(r.p90, 2).padStart(6)}   ${fmt(r.p99, 2).padStart(6)}   ${fmt(r.max, 1).padStart(6)}   ${fmt(r.ok2xx).padEnd(9)} ${String(r.non2xx).padEnd(8)} ${String(r.errors + r.timeouts).padEnd(7)} ${fmt(r.elapsedMs / 1000, 1).padEnd(6)} ${fmt(cpuUs)}`,
    );
  };
  const problems: string[] = [];
  // Warm up for WARMUP_S, then measure exactly rate×DURATION responses: with a fixed amount every
  // request sent is answered, so the 2xx count can be compared with the rows the run added.
  // The amount comes from the last measured rate of the same target (the warm-up's on the first run).
  const lastRate = new Map<string, number>();
  const measure = async (target: string, offset: number, countRows?: () => Promise<number>): Promise<{ r: LoadResult; added: number; cpuUs: number }> => {
    const warm = await runLoad({ url: target, bodiesFile, connections: CONNECTIONS, durationS: WARMUP_S, offset, headers });
    if (warm.non2xx || warm.errors) problems.push(`warm-up on ${target}: ${warm.non2xx} non-2xx ${JSON.stringify(warm.statusCodes)}, ${warm.errors} errors`);
    await sleep(300); // requests in flight when the warm-up client stopped finish on the server
    const before = countRows ? await countRows() : 0;
    const amount = Math.max(CONNECTIONS * 10, Math.round((lastRate.get(target) ?? warm.rate) * DURATION_S));
    const cpu0 = process.cpuUsage();
    const r = await runLoad({ url: target, bodiesFile, connections: CONNECTIONS, amount, offset: offset + 7_777, headers });
    const cpu = process.cpuUsage(cpu0);
    const after = countRows ? await countRows() : 0;
    lastRate.set(target, r.rate);
    // Server CPU per answered request (this process only: the load client is a child process).
    return { r, added: after - before, cpuUs: (cpu.user + cpu.system) / Math.max(1, r.ok2xx + r.non2xx) };
  };

  const ours: LoadResult[] = [];
  const ceiling: LoadResult[] = [];
  const oursCpu: number[] = [];
  let measured2xx = 0;
  let measuredAdded = 0;
  const caseCount = (): Promise<number> => app.cases.repository.caseCount();
  for (let run = 1; run <= RUNS; run++) {
    const { r: c, cpuUs: cc } = await measure(bareUrl, run * 1000);
    ceiling.push(c);
    row(run, 'bare Fastify', c, cc);
    const { r, added, cpuUs } = await measure(url, run * 9_001, caseCount);
    ours.push(r);
    oursCpu.push(cpuUs);
    row(run, 'CityLoop', r, cpuUs);
    measured2xx += r.ok2xx;
    measuredAdded += added;
    if (r.non2xx || r.errors || r.timeouts) problems.push(`run ${run}: ${r.non2xx} non-2xx ${JSON.stringify(r.statusCodes)}, ${r.errors} errors, ${r.timeouts} timeouts`);
  }

  const m = {
    rate: median(ours.map((r) => r.rate)), p50: median(ours.map((r) => r.p50)), p99: median(ours.map((r) => r.p99)),
    non2xx: ours.reduce((s, r) => s + r.non2xx, 0), errors: ours.reduce((s, r) => s + r.errors + r.timeouts, 0),
  };
  const c = { rate: median(ceiling.map((r) => r.rate)), p50: median(ceiling.map((r) => r.p50)), p99: median(ceiling.map((r) => r.p99)) };
  console.log('');
  console.log(`CityLoop intake (median of ${RUNS}): ${fmt(m.rate)} cases/s, p50 ${fmt(m.p50, 2)} ms, p99 ${fmt(m.p99, 2)} ms, non-2xx ${m.non2xx}, errors ${m.errors}`);
  console.log(`ceiling, bare Fastify (median of ${RUNS}): ${fmt(c.rate)} req/s, p50 ${fmt(c.p50, 2)} ms, p99 ${fmt(c.p99, 2)} ms`);
  console.log(`ratio CityLoop / ceiling: ${ratio(m.rate, c.rate)} throughput, ${ratio(m.p50, c.p50, 1)} p50 latency`);
  console.log(`target ≥ ${fmt(TARGET_RATE)} cases/s: ${m.rate >= TARGET_RATE ? 'met' : 'MISSED'}; p99 < ${TARGET_P99_MS} ms: ${m.p99 < TARGET_P99_MS ? 'met' : 'MISSED'}`);

  await sleep(300);
  const counts = await app.cases.service.stateCounts();
  const total = Object.values(counts).reduce((s, n) => s + n, 0);
  console.log('');
  console.log(`check: measured runs answered ${fmt(measured2xx)} × 2xx; the database gained ${fmt(measuredAdded)} cases during them → equal: ${measured2xx === measuredAdded ? 'yes' : 'NO'}`);
  console.log(`check: cases in database ${fmt(total)}, by state ${JSON.stringify(counts)} → all dispatched: ${counts.dispatched === total && total > 0 ? 'yes' : 'NO'}`);

  // Where the time goes, coarsely: the same bodies through service.intake() in this process, no
  // HTTP, 10 callers at a time — what the case service and the database cost on their own.
  const direct = bodies.slice(0, 3_000) as unknown as IntakeInput[];
  let next = 0;
  const td = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (next < direct.length) await app.cases.service.intake(direct[next++]!, { id: token.id, departmentId: null });
  }));
  const cpu = process.cpuUsage(cpu0);
  const directRate = (direct.length / since(td)) * 1000;
  const directCpu = (cpu.user + cpu.system) / direct.length;
  const httpCpu = median(oursCpu);
  console.log(`service.intake() in-process without HTTP (${fmt(direct.length)} cases, ${CONNECTIONS} at a time): ${fmt(directRate)} cases/s, ${fmt(directCpu)} µs CPU per case; over HTTP ${fmt(httpCpu)} µs (median of the measured runs) → HTTP and the load on the machine add ≈ ${fmt(Math.max(0, httpCpu - directCpu))} µs per case`);
  const mem = process.memoryUsage();
  console.log(`server process: rss ${fmt(mem.rss / 2 ** 20)} MiB, heap used ${fmt(mem.heapUsed / 2 ** 20)} MiB`);
  if (problems.length) console.log(`problems:\n  ${problems.join('\n  ')}`);
  await http.close();
} finally {
  await bare.close();
  await app.close();
  await db.drop();
  rmSync(bodiesFile, { force: true });
}
