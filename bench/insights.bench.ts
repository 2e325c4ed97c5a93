/**
 * insights benchmarks, one section per feature; run all, or some with --section a,b.
 *
 *   suggest     Suggestions at intake: POST /api/v1/insights/suggest of the composed app with
 *               1,000,000 historical cases in the duplicate index and the classifier trained on the
 *               Teddy Cup dev set. Reference (ceiling): the classifier alone on the same inputs.
 *   hot-issues  Hot-issue mining over 1,000,000 cases synthesised from the real messages (places
 *               renamed to 20,000 synthetic compounds, 300 planted campaigns), streamed, never held
 *               in a list. Reference: a plain group-by count of the same stream (normalised subject).
 *   warnings    The early-warning pass over a year of hourly history (600 series category × street,
 *               daily and weekly rhythm, planted spikes). Reference: a plain group-by count of the
 *               same events into hourly counters. Then the incremental path on SQLite (one
 *               cases.case.received a transaction) against a plain insert of the same rows.
 *
 * Run: npm run bench:insights [-- --section suggest,hot-issues,warnings --cases 1000000 --queries 5000
 *        --duration 10 --connections 8 --series 600 --incremental 20000]
 * --cases is the size of the suggest index and of the mined stream. Run with less than a 6 GB heap
 * limit, the script starts itself again with --max-old-space-size=6144 --expose-gc. Real texts come from
 * CITYLOOP_REAL_DATA (default ../shared/data). The load generator (autocannon) runs in a child
 * process, so server and client get a core each. Every figure is printed next to its reference,
 * measured in the same run, as a ratio.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { compose } from '../src/app/compose.ts';
import { SeededRandom } from '../src/app/demo/seeded-random.ts';
import { DEFAULT_CATEGORIES, KINDS } from '../src/modules/cases/index.ts';
import { parseTeddycup } from '../src/modules/cases/import/teddycup.parser.ts';
import type { SuggestInput } from '../src/modules/insights/index.ts';
import { trainTextClassifier, type LabelledText } from '../src/modules/insights/classification/text-classifier.ts';
import type { IndexedCase } from '../src/modules/insights/duplicates/duplicate-index.ts';
import { normalizeIssueText } from '../src/modules/insights/hot-issues/issue-text.normalize.ts';
import { mineHotIssues, type HotIssueMessage } from '../src/modules/insights/hot-issues/hot-issue.mine.ts';
import { extractPlaces } from '../src/modules/insights/hot-issues/place-entities.extract.ts';
import { createInsightsWarnings } from '../src/modules/insights/migrations/202612032120_create-insights-warnings.ts';
import { scanSeries } from '../src/modules/insights/warnings/spike-detector.ts';
import { WarningsRepository } from '../src/modules/insights/warnings/warnings.repository.ts';
import { WarningsService } from '../src/modules/insights/warnings/warnings.service.ts';
import { ManualClock } from '../src/platform/clock/clock.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrator.ts';
import { EventBus, outboxMigrations } from '../src/platform/events/event-bus.ts';
import { UnitOfWork } from '../src/platform/events/unit-of-work.ts';
import type { HttpApp } from '../src/platform/http/http-server.ts';
import { argNumber, argText, benchConfig, benchDatabase, dropOnSignal, fmt, loadDemoWorld, quantile, ratio, runLoad, since, sleep, type LoadResult } from './bench-util.ts';

// Mining a million cases holds about 2 GB of heap: below a 6 GB limit the benchmark runs itself again
// with one (and with gc exposed for the memory figures), so `npm run bench:insights` needs no flags.
if (getHeapStatistics().heap_size_limit < 5 * 2 ** 30 && !process.env.CITYLOOP_BENCH_REEXEC) {
  const child = spawnSync(process.execPath, ['--max-old-space-size=6144', '--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, CITYLOOP_BENCH_REEXEC: '1' } });
  process.exit(child.status ?? 1);
}

const CASES = argNumber('cases', 1_000_000, true);
const SERIES = argNumber('series', 600, true);
const INCREMENTAL = argNumber('incremental', 20_000, true);
const MiB = 2 ** 20;
const here = dirname(fileURLToPath(import.meta.url));
const DATA = process.env.CITYLOOP_REAL_DATA || resolve(here, '../../shared/data');
const ZONE = 'Asia/Shanghai';
const mb = (bytes: number) => `${fmt(bytes / MiB)} MiB`;

const stats = (ms: number[]): { p50: number; p99: number; mean: number } => {
  const sorted = Float64Array.from(ms).sort();
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), mean: ms.reduce((x, y) => x + y, 0) / ms.length };
};

/** A seeded uniform source in [0, 1) (the demo city's generator). */
function rng(seed: number): () => number {
  const r = new SeededRandom(seed);
  return () => r.next();
}

function requireData(): void {
  if (!existsSync(join(DATA, 'teddycup2020_gov_messages'))) throw new Error(`real texts not found in ${DATA}: set CITYLOOP_REAL_DATA`);
}

// ═════════════════════════════ section: suggest ═════════════════════════════
interface Message {
  title: string;
  text: string;
  /** Category code of the default tree (01–07 are the Teddy Cup classes). */
  code: string | null;
}

async function readMessages(file: string, codeOf: Map<string, string>): Promise<Message[]> {
  const out: Message[] = [];
  for await (const r of parseTeddycup(join(DATA, 'teddycup2020_gov_messages', file))) {
    if (r.ok) out.push({ title: r.record.title, text: r.record.text, code: codeOf.get(r.record.categoryPath[0] ?? '') ?? null });
  }
  return out;
}

async function suggestAtIntake(): Promise<void> {
  const QUERIES = argNumber('queries', 5_000, true);
  const DURATION_S = argNumber('duration', 10);
  const CONNECTIONS = argNumber('connections', 8, true);
  const WINDOW_DAYS = 60;
  const TARGET_P99_MS = 20;
  requireData();

  // The Teddy Cup first-level classes are the first levels 01–07 of the default tree.
  const codeOf = new Map(DEFAULT_CATEGORIES.filter((c) => c.parentCode === null).map((c) => [c.name, c.code]));
  const labelled = await readMessages('attachment2_labeled_messages_dev.csv', codeOf);
  const others = [...(await readMessages('attachment3_hot_issue_messages.csv', codeOf)), ...(await readMessages('attachment4_messages_with_replies.csv', codeOf))];
  const t0 = performance.now();
  const samples: LabelledText[] = labelled.filter((m) => m.code).map((m) => ({ title: m.title, text: m.text, label: m.code as string }));
  const classifier = trainTextClassifier(samples, {}, new Map(DEFAULT_CATEGORIES.map((c) => [c.code, c.name])));
  const trainMs = since(t0);
  for (const m of others) m.code = classifier.predict(m.title, m.text, 1).top[0]?.code ?? '01';
  const texts = [...labelled, ...others];

  const db = await benchDatabase('insights');
  const bodiesFile = join(tmpdir(), `cityloop-insights-bodies-${process.pid}.json`);
  dropOnSignal(db, [bodiesFile]);
  // The composed app with its own insights module: no daily retrain and no start-up training (the
  // benchmark hands it the classifier trained above).
  const app = await compose(benchConfig(db), { defaultMetrics: false, insights: { trainHour: null, trainFirstModel: false } });
  let http: HttpApp | null = null;
  try {
    await app.start();
    const world = await loadDemoWorld(app);
    const insights = app.insights;
    insights.service.useClassifier(classifier, null);

    // 1,000,000 historical cases: real texts, placed in the demo city's grids (a few grids get far more
    // reports, as hot spots do), received over the last WINDOW_DAYS days, 80% with a place.
    const rng = new SeededRandom(4242);
    const grids = world.city.areas.filter((a) => a.level === 'grid').map((a) => {
      const ring = (a.boundary as { coordinates: number[][][] }).coordinates[0] ?? [];
      const xs = ring.map((p) => p[0] as number);
      const ys = ring.map((p) => p[1] as number);
      return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
    });
    // Zipf-like weights: grid k gets weight 1/(k+1)^0.5 (the busiest grid gets ~1.7% of all cases).
    const weights = grids.map((_, k) => 1 / (k + 1) ** 0.5);
    const cumulative = weights.map(((s) => (w: number) => (s += w))(0));
    const totalW = cumulative[cumulative.length - 1] as number;
    const pickGrid = () => {
      const x = rng.next() * totalW;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cumulative[mid] as number) < x) lo = mid + 1;
        else hi = mid;
      }
      return grids[lo] as (typeof grids)[number];
    };
    const place = () => {
      const g = pickGrid();
      return { lng: g.x0 + rng.next() * (g.x1 - g.x0), lat: g.y0 + rng.next() * (g.y1 - g.y0) };
    };
    const states = ['closed', 'closed', 'closed', 'resolved', 'handling', 'dispatched', 'pending_dispatch', 'merged'];
    const now = Date.now();
    const heap0 = process.memoryUsage();
    const tb = performance.now();
    // Times ascend like a live feed (the load at start reads the window ordered by time).
    for (let i = 0; i < CASES; i++) {
      const m = texts[Math.floor(rng.next() * texts.length)] as Message;
      const located = rng.next() < 0.8;
      const p = located ? place() : null;
      const at = now - WINDOW_DAYS * 86_400_000 + (i / CASES) * WINDOW_DAYS * 86_400_000;
      const c: IndexedCase = {
        caseId: `cas_${String(i).padStart(26, '0')}`, number: String(202600000000 + i), title: m.title, text: m.text, categoryCode: m.code ?? '01',
        state: states[Math.floor(rng.next() * states.length)] as string, lng: p?.lng ?? null, lat: p?.lat ?? null, receivedAt: new Date(at).toISOString(),
      };
      insights.service.index.add(c);
      if (i > 0 && i % 200_000 === 0) process.stderr.write(`\rindexed ${fmt(i)} / ${fmt(CASES)}`);
    }
    process.stderr.write('\n');
    const buildMs = since(tb);
    global.gc?.();
    const heap1 = process.memoryUsage();

    // Inputs as agents type them: real messages (other draws), 80% with a place, a kind half the time.
    const inputs: SuggestInput[] = Array.from({ length: QUERIES }, () => {
      const m = texts[Math.floor(rng.next() * texts.length)] as Message;
      const p = rng.next() < 0.8 ? place() : null;
      const kind = rng.next() < 0.5 ? KINDS[Math.floor(rng.next() * KINDS.length)] : undefined;
      return { ...(rng.next() < 0.7 ? { title: m.title } : {}), text: m.text, ...(p ?? {}), ...(kind ? { kind } : {}) };
    });

    // Reference (ceiling): the classifier alone on the same inputs.
    for (const q of inputs.slice(0, 200)) classifier.predict(q.title, q.text, 3);
    const alone: number[] = [];
    for (const q of inputs) {
      const s = performance.now();
      classifier.predict(q.title, q.text, 3);
      alone.push(since(s));
    }
    for (const q of inputs.slice(0, 200)) await insights.service.suggest(q);
    const full: number[] = [];
    const located: number[] = [];
    const placeless: number[] = [];
    let candidates = 0;
    let withDuplicates = 0;
    for (const q of inputs) {
      const s = performance.now();
      const r = await insights.service.suggest(q);
      const ms = since(s);
      full.push(ms);
      (q.lng === undefined ? placeless : located).push(ms);
      candidates += r.duplicates.length;
      if (r.duplicates.some((d) => d.likelyDuplicate)) withDuplicates++;
    }

    // Over HTTP: the insights routes with the platform's server (authentication, validation, error mapping).
    writeFileSync(bodiesFile, JSON.stringify(inputs));
    const { secret } = await app.identity.api.createToken({ name: 'bench suggest', scopes: ['insights.read'] });
    const headers = { authorization: `Bearer ${secret}` };
    const auth = 'Bearer API token (scope insights.read)';
    http = await app.http();
    await http.listen({ host: '127.0.0.1', port: 0 });
    const address = http.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/v1/insights/suggest`;
    await runLoad({ url, bodiesFile, connections: CONNECTIONS, durationS: 2, headers });
    await sleep(300);
    const loaded: LoadResult = await runLoad({ url, bodiesFile, connections: CONNECTIONS, durationS: DURATION_S, offset: 1_234, headers });
    await sleep(300);
    const single: LoadResult = await runLoad({ url, bodiesFile, connections: 1, durationS: Math.max(3, DURATION_S / 2), offset: 4_321, headers });

    const a = stats(alone);
    const f = stats(full);
    const fl = stats(located);
    const fp = stats(placeless);
    console.log(`suggest at intake — ${fmt(CASES)} historical cases in the duplicate index, classifier trained on the Teddy Cup dev set`);
    console.log(`world: demo city ${world.city.name} (${grids.length} grids); texts: ${fmt(texts.length)} real messages (attachments 2–4), reused across the cases; ${WINDOW_DAYS} days of history, 80% with a place, hot spots (Zipf over grids)`);
    console.log(`classifier: ${classifier.method}, ${classifier.labels.length} classes, trained on ${fmt(samples.length)} messages in ${fmt(trainMs / 1000, 1)} s, weights ${fmt(classifier.sizeBytes / 1024)} KiB serialized`);
    console.log(`index: built at ${fmt(CASES / (buildMs / 1000))} cases/s (${fmt(buildMs / 1000, 1)} s); ${fmt(insights.service.index.size)} cases; typed arrays and lists ≈ ${fmt(insights.service.index.memoryBytes() / MiB)} MiB (${fmt(insights.service.index.memoryBytes() / CASES)} bytes/case); process heap +${fmt((heap1.heapUsed - heap0.heapUsed) / MiB)} MiB, array buffers +${fmt((heap1.arrayBuffers - heap0.arrayBuffers) / MiB)} MiB`);
    console.log('');
    console.log(`in-process, ${fmt(QUERIES)} inputs one after another          p50 ms   p99 ms   mean ms`);
    console.log(`  classifier alone (reference, ceiling)          ${fmt(a.p50, 3).padStart(7)}  ${fmt(a.p99, 3).padStart(7)}  ${fmt(a.mean, 3).padStart(7)}`);
    console.log(`  suggest (classifier + department + duplicates) ${fmt(f.p50, 3).padStart(7)}  ${fmt(f.p99, 3).padStart(7)}  ${fmt(f.mean, 3).padStart(7)}   ratio to the classifier alone: p50 ${ratio(f.p50, a.p50)}, p99 ${ratio(f.p99, a.p99)}`);
    console.log(`    with a place (${fmt(located.length)})                         ${fmt(fl.p50, 3).padStart(7)}  ${fmt(fl.p99, 3).padStart(7)}`);
    console.log(`    without a place (${fmt(placeless.length)}, text within the category family) ${fmt(fp.p50, 3).padStart(7)}  ${fmt(fp.p99, 3).padStart(7)}`);
    console.log(`  duplicate candidates returned: ${fmt(candidates / QUERIES, 2)} per input; ${fmt((100 * withDuplicates) / QUERIES, 1)}% of inputs with a likely duplicate`);
    console.log('');
    console.log(`over HTTP (${auth}), autocannon in a child process:`);
    console.log(`  ${CONNECTIONS} connections, ${DURATION_S} s: ${fmt(loaded.rate)} req/s, p50 ${fmt(loaded.p50, 2)} ms, p99 ${fmt(loaded.p99, 2)} ms, non-2xx ${loaded.non2xx}, errors ${loaded.errors + loaded.timeouts}`);
    console.log(`  1 connection (an agent typing): ${fmt(single.rate)} req/s, p50 ${fmt(single.p50, 2)} ms, p99 ${fmt(single.p99, 2)} ms → ratio to the classifier alone: p50 ${ratio(single.p50, a.p50, 1)}`);
    console.log(`target p99 < ${TARGET_P99_MS} ms with ${fmt(CASES)} cases: in-process ${f.p99 < TARGET_P99_MS ? 'met' : 'MISSED'}, HTTP 1 connection ${single.p99 < TARGET_P99_MS ? 'met' : 'MISSED'}, HTTP ${CONNECTIONS} connections ${loaded.p99 < TARGET_P99_MS ? 'met' : 'MISSED'}`);
    const mem = process.memoryUsage();
    console.log(`server process: rss ${fmt(mem.rss / MiB)} MiB, heap used ${fmt(mem.heapUsed / MiB)} MiB`);
  } finally {
    await http?.close();
    await app.close();
    await db.drop();
    rmSync(bodiesFile, { force: true });
  }
}

// ═════════════════════════════ section: hot-issues ═════════════════════════════


interface Base {
  title: string;
  text: string;
  places: string[];
}

async function loadBase(): Promise<Base[]> {
  const out: Base[] = [];
  for (const file of ['attachment2_labeled_messages_dev.csv', 'attachment3_hot_issue_messages.csv', 'attachment4_messages_with_replies.csv']) {
    for await (const r of parseTeddycup(join(DATA, 'teddycup2020_gov_messages', file))) {
      if (!r.ok) continue;
      const title = r.record.title;
      const places = extractPlaces(normalizeIssueText(title)).places.filter((p) => p.level !== 'street').map((p) => p.name);
      out.push({ title, text: r.record.text.slice(0, 600), places });
    }
  }
  return out;
}

const NAME_CHARS = '安宝碧博昌晨成丰福富港光广桂国海和恒红华怀佳嘉建锦景静君凯兰蓝丽利莲林龙隆绿茂美明南宁鹏平祺启千青清庆瑞润森山尚盛世书顺泰天万望伟文溪祥新信星秀雅阳怡逸银永友裕月悦云泽长振正芝中洲竹紫';
const UNITS = ['小区', '花园', '家园', '新城', '苑', '公寓', '嘉园', '新村', '广场', '山庄'];

function placePool(size: number, rand: () => number): string[] {
  const seen = new Set<string>();
  const chars = [...NAME_CHARS];
  while (seen.size < size) {
    const n = 2 + Math.floor(rand() * 2);
    let name = '';
    for (let k = 0; k < n; k++) name += chars[Math.floor(rand() * chars.length)];
    seen.add(`${name}${UNITS[Math.floor(rand() * UNITS.length)]}`);
  }
  return [...seen];
}

interface Campaign {
  base: Base;
  place: string;
  district: string;
  start: number;
  spanDays: number;
  size: number;
}

function rename(b: Base, place: string, district: string): { title: string; text: string } {
  let { title, text } = b;
  if (b.places.length === 0) title = `${district}${place}${title}`;
  for (const p of b.places) {
    title = title.split(p).join(place);
    text = text.split(p).join(place);
  }
  return { title: title.replace(/A\d区/, district), text };
}

/** The synthetic year: background cases over 20,000 compounds, and planted campaigns. */
function* synthesise(base: Base[], total: number, seed: number, campaigns: Campaign[], truth: Map<string, number>): Generator<HotIssueMessage> {
  const rand = rng(seed);
  const pool = placePool(20_000, rand);
  const year0 = Date.parse('2026-01-01T00:00:00+08:00');
  const placed = base.filter((b) => b.places.length > 0);
  for (let c = 0; c < 300; c++) {
    // Heavy-tailed sizes: most campaigns are a dozen messages, a few are hundreds.
    const size = Math.min(400, Math.round(8 / Math.pow(rand(), 0.9)));
    campaigns.push({ base: placed[Math.floor(rand() * placed.length)]!, place: pool[Math.floor(rand() * pool.length)]!, district: `A${1 + Math.floor(rand() * 9)}区`, start: year0 + rand() * 330 * 86_400_000, spanDays: 3 + rand() * 40, size });
  }
  const campaignTotal = campaigns.reduce((s, c) => s + c.size, 0);
  const planted: Array<{ c: number; at: number }> = [];
  campaigns.forEach((c, k) => {
    for (let j = 0; j < c.size; j++) planted.push({ c: k, at: c.start + rand() * c.spanDays * 86_400_000 });
  });
  // Interleave planted messages among the background in a random order.
  const plantEvery = Math.max(1, Math.floor(total / Math.max(1, campaignTotal)));
  let p = 0;
  for (let i = 0; i < total; i++) {
    const id = `s${i}`;
    if (p < planted.length && i % plantEvery === 0) {
      const { c, at } = planted[p++]!;
      const camp = campaigns[c]!;
      const { title, text } = rename(camp.base, camp.place, camp.district);
      truth.set(id, c);
      // Citizens retell the same matter: the text starts at a different sentence now and then.
      const cut = rand() < 0.5 ? text : text.slice(text.indexOf('，') + 1);
      yield { id, number: id, title, text: cut, receivedAt: new Date(at).toISOString(), requesterKey: `u${Math.floor(rand() * 300_000)}`, likes: rand() < 0.05 ? Math.floor(rand() * 20) : 0 };
      continue;
    }
    const b = base[Math.floor(rand() * base.length)]!;
    const { title, text } = rename(b, pool[Math.floor(rand() * pool.length)]!, `A${1 + Math.floor(rand() * 9)}区`);
    yield { id, number: id, title, text, receivedAt: new Date(year0 + rand() * 365 * 86_400_000).toISOString(), requesterKey: `u${Math.floor(rand() * 300_000)}`, likes: 0 };
  }
}

async function hotIssueSection(): Promise<void> {
  requireData();
  const base = await loadBase();
  console.log(`\n── hot issues: ${fmt(CASES)} cases synthesised from ${fmt(base.length)} real Teddy Cup messages (${DATA}) ──`);

  // Reference: the same stream grouped by normalised subject.
  let t0 = performance.now();
  const groups = new Map<string, number>();
  let refCount = 0;
  for (const m of synthesise(base, CASES, 7, [], new Map())) {
    const key = normalizeIssueText(m.title);
    groups.set(key, (groups.get(key) ?? 0) + 1);
    refCount += 1;
  }
  const refMs = since(t0);
  console.log(`reference  group-by normalised subject: ${fmt(refCount)} cases in ${fmt(refMs / 1000, 1)} s = ${fmt(refCount / (refMs / 1000))} cases/s (${fmt(groups.size)} groups)`);

  const campaigns: Campaign[] = [];
  const truth = new Map<string, number>();
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
  t0 = performance.now();
  const result = await mineHotIssues(synthesise(base, CASES, 7, campaigns, truth), { top: 100 });
  const ms = since(t0);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  console.log(`mining     ${fmt(result.stats.inPeriod)} cases in ${fmt(ms / 1000, 1)} s = ${fmt(result.stats.inPeriod / (ms / 1000))} cases/s; ${fmt(result.stats.clusters)} clusters, ${fmt(result.stats.ranked)} ranked; heap +${mb(process.memoryUsage().heapUsed - heap0)}, peak RSS ${mb(peakRss)}`);
  console.log(`ratio      mining time / reference time = ${ratio(ms, refMs)}`);

  // Planted campaigns found: each of the 20 biggest should be one issue near the top.
  const sizes = campaigns.map((c, k) => ({ k, size: c.size })).sort((a, b) => b.size - a.size).slice(0, 20);
  const issueOf = new Map<string, number>();
  result.issues.forEach((issue, idx) => issue.messages.forEach((m) => issueOf.set(m.id, idx)));
  let recallSum = 0;
  const ranks: number[] = [];
  for (const { k, size } of sizes) {
    const members = [...truth].filter(([, c]) => c === k).map(([id]) => id);
    const byIssue = new Map<number, number>();
    for (const id of members) {
      const i = issueOf.get(id);
      if (i !== undefined) byIssue.set(i, (byIssue.get(i) ?? 0) + 1);
    }
    const best = [...byIssue].sort((a, b) => b[1] - a[1])[0];
    recallSum += best ? best[1] / size : 0;
    ranks.push(best ? best[0] + 1 : Number.POSITIVE_INFINITY);
  }
  const top10Pure = result.issues.slice(0, 10).map((issue) => {
    const counts = new Map<number, number>();
    for (const m of issue.messages) {
      const c = truth.get(m.id);
      if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    return Math.max(0, ...counts.values()) / issue.messageCount;
  });
  console.log(`quality    20 biggest planted campaigns: mean share found in one issue ${fmt((recallSum / sizes.length) * 100, 1)}%, ranks ${ranks.map((r) => (Number.isFinite(r) ? r : '>100')).join(',')}`);
  console.log(`           top-10 issues: share of their messages from one planted campaign ${top10Pure.map((x) => `${fmt(x * 100)}%`).join(' ')}`);
  for (const i of result.issues.slice(0, 5)) console.log(`           #${i.rank} ${i.heat} ${i.place} | ${i.description} (${i.messageCount} 条)`);
}

// ═════════════════════════════ section: warnings ═════════════════════════════

async function warningSection(): Promise<void> {
  const rand = rng(11);
  const start = DateTime.fromISO('2026-01-05T00:00', { zone: ZONE }).toJSDate();
  const hours = 365 * 24;
  const rhythm = Array.from({ length: hours }, (_, i) => {
    const l = DateTime.fromMillis(start.getTime() + i * 3_600_000, { zone: ZONE });
    const base = l.hour >= 9 && l.hour < 18 ? 1.2 : l.hour >= 18 && l.hour < 22 ? 0.5 : 0.08;
    return base * (l.weekday === 7 ? 0.3 : l.weekday === 6 ? 0.6 : 1);
  });
  // Case events of a year for every series (series index, hour index), as the intake would see them.
  const events: Array<[number, number]> = [];
  let planted = 0;
  for (let s = 0; s < SERIES; s++) {
    const scale = 0.2 + rand() * 2;
    for (let h = 0; h < hours; h++) {
      const lambda = rhythm[h]! * scale;
      let k = 0;
      for (let p = Math.exp(-lambda), q = rand(); q > p; q *= rand()) k += 1;
      if (rand() < 1 / 4000) {
        k += 12;
        planted += 1;
      }
      for (let j = 0; j < k; j++) events.push([s, h]);
    }
  }
  console.log(`\n── early warning: ${fmt(SERIES)} series × ${fmt(hours)} hours, ${fmt(events.length)} case events, ${planted} planted spikes ──`);

  let t0 = performance.now();
  const counters = Array.from({ length: SERIES }, () => new Int32Array(hours));
  for (const [s, h] of events) counters[s]![h]! += 1;
  const countMs = since(t0);
  console.log(`reference  group-by count into hourly counters: ${fmt(events.length / (countMs / 1000))} events/s (${fmt(countMs)} ms)`);

  t0 = performance.now();
  let alarms = 0;
  let hourAlarms = 0;
  for (const series of counters) {
    const a = scanSeries(series, start, ZONE);
    alarms += a.length;
    hourAlarms += a.filter((x) => x.grain === 'hour').length;
  }
  const scanMs = since(t0);
  const windows = SERIES * (hours + 365);
  console.log(`pass       a year judged: ${fmt(windows)} windows in ${fmt(scanMs / 1000, 2)} s = ${fmt(windows / (scanMs / 1000))} windows/s, ${fmt(events.length / (scanMs / 1000))} events/s; ${alarms} warnings (${hourAlarms} hourly; ${planted} spikes planted)`);
  console.log(`ratio      year pass / plain count = ${ratio(scanMs, countMs)}`);

  // The incremental path on SQLite, one transaction per case.
  const file = join(tmpdir(), `cityloop-insights-b-${process.pid}.sqlite`);
  const database = await openDatabase(file);
  try {
    await migrateToLatest(database, { platform: outboxMigrations, insights: { '202612032120_create-insights-warnings': createInsightsWarnings } });
    const clock = new ManualClock('2026-06-01T02:00:00Z');
    const bus = new EventBus(database, clock, pino({ level: 'silent' }));
    const lineage = (id: string) => [{ id, name: id, level: 'street' }, { id: `d${id.slice(1, 2)}`, name: 'district', level: 'district' }];
    const service = new WarningsService(new WarningsRepository(database.db, database.dialect), new UnitOfWork(database, bus), clock, { lineage }, () => null, { zone: ZONE });
    const n = INCREMENTAL;
    const plain = database.db.withTables<{ bench_plain: { id: string; at: string; category_code: string; area_id: string } }>();
    await plain.schema.createTable('bench_plain').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('at', 'text').addColumn('category_code', 'text').addColumn('area_id', 'text').execute();
    const at = (i: number) => new Date(Date.parse('2026-06-01T00:00:00Z') + (i / n) * 2 * 3_600_000).toISOString();
    t0 = performance.now();
    for (let i = 0; i < n; i++) await plain.transaction().execute((tx) => tx.insertInto('bench_plain').values({ id: `p${i}`, at: at(i), category_code: '01.02', area_id: `s${i % 50}` }).execute());
    const plainMs = since(t0);
    t0 = performance.now();
    let raised = 0;
    for (let i = 0; i < n; i++) {
      clock.set(at(i));
      const r = await service.onCaseReceived({ caseId: `c${i}`, categoryCode: `0${1 + (i % 5)}.0${1 + (i % 3)}`, areaId: `s${i % 50}`, channel: 'hotline', kind: 'complaint', receivedAt: at(i) });
      raised += r.raised.length;
    }
    const incMs = since(t0);
    console.log(`reference  plain insert of the intake row, one transaction each (SQLite file): ${fmt(n / (plainMs / 1000))} cases/s`);
    console.log(`incremental cases.case.received handled (4 series × 2 windows counted and judged): ${fmt(n / (incMs / 1000))} cases/s, p50 ≈ ${fmt(incMs / n, 2)} ms/case; ${raised} warnings raised`);
    console.log(`ratio      incremental / plain insert time = ${ratio(incMs, plainMs)}`);
  } finally {
    await database.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }
}


const SECTIONS: Record<string, () => Promise<void>> = {
  suggest: suggestAtIntake,
  'hot-issues': hotIssueSection,
  warnings: warningSection,
};

const wanted = (argText('section') ?? Object.keys(SECTIONS).join(',')).split(',').map((s) => s.trim()).filter(Boolean);
for (const name of wanted) if (!SECTIONS[name]) throw new Error(`unknown section ${name}; one of ${Object.keys(SECTIONS).join(', ')}`);
console.log(`insights benchmark · node ${process.version} · ${new Date().toISOString()} · sections ${wanted.join(', ')}`);
for (const name of wanted) {
  console.log(`\n══ ${name} ══`);
  await (SECTIONS[name] as () => Promise<void>)();
}
