/**
 * insights-b: hot-issue mining over 1,000,000 cases and the early-warning pass over a year of hourly
 * history (the hot-issue / warning / briefing half of the insights benchmark).
 * Run: npm run bench:insights-b            (node --max-old-space-size=6144 --import tsx bench/insights-b.bench.ts)
 * Options: --cases n (1,000,000), --series n (600), --incremental n (20,000), --skip-mining.
 *
 * 1. Hot issues. Cases are synthesised from the real Teddy Cup messages (attachments 2–4, read with the
 *    cases module's parser from CITYLOOP_REAL_DATA, default ../shared/data): each takes a real subject
 *    and text with its places renamed to one of 20,000 synthetic compounds, a random requester and a
 *    time in one year; 3% belong to 300 planted campaigns (one message template, one compound, many
 *    requesters, days to weeks). Cases are generated as they are mined (a stream, as from the
 *    database), never held in a list. Printed: cases/s, memory, and how well the planted campaigns
 *    were found. Reference in the same run: a plain group-by count of the same stream (normalised
 *    subject → count), the least any grouping must do with each case.
 * 2. Early warning. 600 series (category × street) of a year of hourly counts with daily and weekly
 *    rhythm and planted spikes: the whole year judged window by window (scanSeries, the decisions the
 *    incremental path makes). Reference: a plain group-by count of the same case events into the
 *    hourly counters. Then the incremental path on SQLite: cases.case.received handled one by one
 *    (intake row, counters, judgement, warning and its outbox event in one transaction), against a
 *    plain insert of the same intake rows one transaction each.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { parseTeddycup } from '../src/modules/cases/import/teddycup.parser.ts';
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
import { fmt, ratio, since } from './bench-util.ts';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive whole number`);
  return v;
};
const CASES = arg('cases', 1_000_000);
const SERIES = arg('series', 600);
const INCREMENTAL = arg('incremental', 20_000);
const ZONE = 'Asia/Shanghai';
const DATA = process.env.CITYLOOP_REAL_DATA ?? join(import.meta.dirname, '..', '..', 'shared', 'data');
const mb = (bytes: number) => `${fmt(bytes / 1048576)} MB`;

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ───────────────────────────── 1. hot issues ─────────────────────────────

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

// ───────────────────────────── 2. early warning ─────────────────────────────

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

console.log(`insights-b benchmark · node ${process.version} · ${new Date().toISOString()}`);
if (!process.argv.includes('--skip-mining')) await hotIssueSection();
await warningSection();
