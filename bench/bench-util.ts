/**
 * Shared plumbing for the benchmarks: statistics, temporary databases (SQLite file or a fresh
 * PostgreSQL schema), the demo city's reference data without its cases, and a load generator
 * run in a child process so that server and client each get a core.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomFillSync } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime, IANAZone } from 'luxon';
import pg from 'pg';
import { ulid } from 'ulid';
import { DEFAULT_CATEGORIES } from '../src/modules/cases/index.ts';
import type { AreaGeometry } from '../src/modules/places/index.ts';
import type { CityLoop } from '../src/app/compose.ts';
import { loadConfig, type CityLoopConfig } from '../src/app/config.ts';
import { DEMO_DEFAULT_SEED, generateDemoCity } from '../src/app/demo/demo-city.generator.ts';
import type { DemoCity } from '../src/app/demo/demo-city.types.ts';
import { SeededRandom } from '../src/app/demo/seeded-random.ts';
import type { CasesTables } from '../src/modules/cases/cases.repository.ts';
import type { Assignment, CaseRecord } from '../src/modules/cases/domain/case-record.ts';
import type { Rating } from '../src/modules/cases/domain/case-types.ts';
import { kpiVector, type KpiVector } from '../src/modules/cases/domain/kpi.ts';
import { DEFAULT_TIME_LIMITS, warnAt, type Light, type TimeLimit } from '../src/modules/cases/domain/time-limits.ts';
import type { Department, OrganizationApi } from '../src/modules/organization/index.ts';
import type { PlacesApi } from '../src/modules/places/index.ts';
import type { WorkingCalendar } from '../src/platform/calendar/working-calendar.ts';

/** Median of a non-empty list (upper median for even lengths). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of an empty list');
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
}

/** The q-quantile (0–1) of an ascending list, nearest-rank. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

/** A number with thousands separators and a fixed number of decimals. */
export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** `a / b` as a short ratio string ("0.42×"), or "n/a" when b is 0. */
export function ratio(a: number, b: number, digits = 2): string {
  return b === 0 ? 'n/a' : `${fmt(a / b, digits)}×`;
}

/** Milliseconds since `t0` (from performance.now()). */
export const since = (t0: number): number => performance.now() - t0;

/** Resolve after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A database for one benchmark run, removed by `drop()`. */
export interface BenchDatabase {
  /** URL for `loadConfig(…, { databaseUrl })`. */
  url: string;
  /** Human-readable description for the output. */
  label: string;
  engine: 'sqlite' | 'postgres';
  /** Delete the SQLite file with its WAL, or drop the PostgreSQL schema. */
  drop(): Promise<void>;
}

/**
 * Configuration for a benchmark app: silent, no demo, and fresh keys for personal-data encryption
 * given in the configuration, so no key file is written next to the temporary database (and
 * PostgreSQL, which requires them, gets them too).
 */
export function benchConfig(db: BenchDatabase): CityLoopConfig {
  const key = (): string => randomBytes(32).toString('base64');
  return loadConfig({}, { databaseUrl: db.url, logLevel: 'silent', demo: 'off', dataKeys: `bench:${key()}`, hashKey: key() });
}

/** Delete a SQLite file and its -wal / -shm companions. */
export function removeSqliteFiles(path: string): void {
  for (const f of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(f)) rmSync(f);
}

/**
 * A fresh database: a new SQLite file in os.tmpdir() (real file, WAL), or — when `postgresUrl`
 * is given — a new schema in that PostgreSQL database, reached with `?schema=`.
 */
export async function benchDatabase(name: string, postgresUrl?: string): Promise<BenchDatabase> {
  const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  if (!postgresUrl) {
    const path = join(tmpdir(), `cityloop-${name}-${suffix}.sqlite`);
    return { url: path, label: `SQLite file ${path} (WAL)`, engine: 'sqlite', drop: async () => removeSqliteFiles(path) };
  }
  const schema = `bench_${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${suffix}`;
  const u = new URL(postgresUrl);
  u.searchParams.set('schema', schema);
  const safe = new URL(u);
  safe.password = '';
  return {
    url: u.toString(),
    label: `PostgreSQL ${safe.host}${safe.pathname}, schema ${schema}`,
    engine: 'postgres',
    drop: async () => {
      const base = new URL(postgresUrl);
      base.searchParams.delete('schema');
      const client = new pg.Client({ connectionString: base.toString() });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Remove the database (and other temp files) when the run is interrupted (Ctrl-C, kill), so nothing is left behind. */
export function dropOnSignal(db: BenchDatabase, files: string[] = []): void {
  const stop = (): void => {
    for (const f of files) if (existsSync(f)) rmSync(f);
    void db.drop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** What `loadDemoWorld` put into the database. */
export interface DemoWorld {
  city: DemoCity;
  areas: number;
  categories: number;
  departments: number;
  staff: number;
  rules: number;
  ms: number;
}

/**
 * The demo city's reference data — areas, categories, departments, staff, responsibility list —
 * loaded through the modules' Apis exactly as `ensureDemoCity` does, but without replaying its
 * cases (the benchmarks create their own). Call after `app.start()`.
 */
export async function loadDemoWorld(app: CityLoop, now: Date = new Date()): Promise<DemoWorld> {
  const t0 = performance.now();
  const city = generateDemoCity(DEMO_DEFAULT_SEED, now);
  const must = (what: string, r: { errors: unknown[] }): void => {
    if (r.errors.length) throw new Error(`demo ${what} rejected: ${JSON.stringify(r.errors.slice(0, 3))}`);
  };
  must('areas', await app.places.api.importAreas(city.areas.map((a) => ({ code: a.code, name: a.name, level: a.level, parentCode: a.parentCode, boundary: a.boundary as AreaGeometry }))));
  must('categories', await app.cases.service.upsertCategories(DEFAULT_CATEGORIES.map((c) => ({ code: c.code, name: c.name, nameEn: c.nameEn, parentCode: c.parentCode })), { id: 'bench', departmentId: null }));
  must('departments', await app.organization.api.upsertDepartments(city.departments));
  must('staff', await app.organization.api.upsertStaff(city.staff));
  must('rules', await app.organization.api.upsertRules(city.rules));
  return {
    city, areas: city.areas.length, categories: DEFAULT_CATEGORIES.length, departments: city.departments.length,
    staff: city.staff.length, rules: city.rules.length, ms: since(t0),
  };
}

/** Options for one load-generator run (see bench/load-client.ts). */
export interface LoadOptions {
  url: string;
  /** A JSON file holding an array of request bodies, sent in turn (cycled). */
  bodiesFile?: string;
  /** One fixed body when no file is given. */
  body?: string;
  connections: number;
  /** Stop after this many seconds… */
  durationS?: number;
  /** …or after exactly this many responses (then every sent request is answered and counted). */
  amount?: number;
  /** Index of the first body used, so runs do not all start on the same bodies. */
  offset?: number;
  /** Extra request headers (e.g. authorization). */
  headers?: Record<string, string>;
}

/** What the load generator reports. Latencies are measured per response with hrtime. */
export interface LoadResult {
  sent: number;
  ok2xx: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  /** From the start to the last response received. */
  elapsedMs: number;
  /** 2xx responses per second over elapsedMs. */
  rate: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

const benchDir = dirname(fileURLToPath(import.meta.url));

/** Run autocannon in a child process (its own core) and return its figures. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(benchDir, 'load-client.ts'), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`load client exited with ${code}: ${err.trim()}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as LoadResult);
      } catch {
        reject(new Error(`load client printed no result: ${out} ${err}`));
      }
    });
  });
}

// ───────────────────────── synthetic cases for the KPI benchmark ─────────────────────────

const pool = new Uint8Array(8192);
let poolPos = pool.length;
/** Random numbers in [0, 1) from a pooled crypto buffer (ulid's default asks the OS per character). */
const pooledRandom = (): number => {
  if (poolPos === pool.length) {
    randomFillSync(pool);
    poolPos = 0;
  }
  return (pool[poolPos++] as number) / 256;
};

/** A prefixed ULID at a given instant, same shape as `newId(prefix, at)`, cheap enough for millions. */
export function fastId(prefix: string, ms: number): string {
  return `${prefix}_${ulid(Math.floor(ms), pooledRandom)}`;
}

/** One generated case with what the service would store beside it. */
export interface SyntheticCase {
  record: CaseRecord;
  assignments: Assignment[];
  receivedDay: string;
  nextCheckAt: string | null;
  kpi: KpiVector;
}

/** What the generator needs from a composed app (the demo city must be loaded). */
export interface SyntheticWorld {
  city: DemoCity;
  calendar: WorkingCalendar;
  places: PlacesApi;
  org: OrganizationApi;
  /** The keyed hash the service stores for a phone (repeat-caller lookup). */
  phoneKey(phone: string): string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dayPrefix = new Map<number, string>();
const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
/** `new Date(ms).toISOString()` for whole milliseconds, ~5× faster (the date part is memoised per day). */
export function isoAt(ms: number): string {
  const whole = Math.floor(ms);
  const day = Math.floor(whole / DAY);
  let prefix = dayPrefix.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    dayPrefix.set(day, prefix);
  }
  const t = whole - day * DAY;
  const msPart = t % 1000;
  return `${prefix}${pad2(Math.floor(t / HOUR))}:${pad2(Math.floor(t / 60_000) % 60)}:${pad2(Math.floor(t / 1000) % 60)}.${msPart < 10 ? '00' : msPart < 100 ? '0' : ''}${msPart}Z`;
}
const iso = isoAt;
const RATING_MIX: ReadonlyArray<readonly [Rating, number]> = [[5, 50], [4, 25], [3, 12], [2, 8], [1, 5]];

/**
 * Realistic cases over `days` local days starting at `from`, `total` in all (more on working days),
 * in time order. Each is routed like the service routes it (responsibility list; a district centre
 * passes it to the street office), and has progressed by `now` as hotline cases do: ~8% answered
 * directly, ~1% not accepted, ~1% merged, the rest dispatched — signed (some late), ~3% returned
 * once, resolved mostly on time (~8% late), called back and rated, a few reopened after a poor
 * rating. Deterministic for a seed, apart from the random part of ids.
 */
export function* syntheticCases(world: SyntheticWorld, options: { from: string; days: number; total: number; now: Date; seed?: number }): Generator<SyntheticCase> {
  const rng = new SeededRandom(options.seed ?? 7);
  const { calendar, org, places } = world;
  const nowMs = options.now.getTime();
  const scripts = world.city.cases;
  const centre = org.cityCentre();
  const handlers = org.listDepartments().filter((d) => d.kind !== 'centre');
  const streetOffice = new Map(org.listDepartments({ kind: 'street_office' }).map((d) => [d.areaId, d]));
  const gridBoxes = world.city.areas.filter((a) => a.level === 'grid').flatMap((a) => {
    const area = places.getAreaByCode(a.code);
    if (!area) return [];
    const ring = a.boundary.coordinates[0] ?? [];
    const xs = ring.map((p) => p[0] as number);
    const ys = ring.map((p) => p[1] as number);
    return [{ id: area.id, x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) }];
  });
  if (gridBoxes.length === 0 || scripts.length === 0) throw new Error('load the demo city first');
  const route = new Map<string, { main: Department | null; assisting: Department[] }>();
  const routeOf = (category: string, gridId: string) => {
    const key = `${category}|${gridId}`;
    let r = route.get(key);
    if (!r) {
      const m = org.resolveResponsibility(category, gridId);
      let main = m?.department ?? null;
      if (main?.kind === 'centre') {
        const street = places.lineage(gridId).find((a) => a.level === 'street');
        main = street ? (streetOffice.get(street.id) ?? null) : null;
      }
      r = { main, assisting: main && m && m.department.id === main.id ? m.assisting : [] };
      route.set(key, r);
    }
    return r;
  };
  // Working-day limits depend only on the local day they start from: memoised per (day, n), with
  // the zone offset memoised per hour (Intl is the slow part of the calendar).
  const zone = IANAZone.create(calendar.zone);
  const offsets = new Map<number, number>();
  const localDay = (ms: number): number => {
    const h = Math.floor(ms / HOUR);
    let o = offsets.get(h);
    if (o === undefined) {
      o = zone.offset(ms) * 60_000;
      offsets.set(h, o);
    }
    return Math.floor((ms + o) / DAY);
  };
  const workdayEnds = new Map<string, number>();
  const addWorkdays = (ms: number, n: number): number => {
    const key = `${localDay(ms)}|${n}`;
    let v = workdayEnds.get(key);
    if (v === undefined) {
      v = calendar.addWorkingDays(new Date(ms), n).getTime();
      workdayEnds.set(key, v);
    }
    return v;
  };
  const limitEnd = (ms: number, l: TimeLimit): number => (l.unit === 'hours' ? ms + l.value * HOUR : addWorkdays(ms, l.value));
  const phones = Array.from({ length: 50_000 }, (_, i) => {
    const phone = `1${3 + (i % 7)}${String(100_000_000 + ((i * 7_919_393) % 900_000_000)).slice(-9)}`;
    return { phone, key: world.phoneKey(phone) };
  });

  // Cases per day: working days busier than days off, rounded so the sum is exactly `total`.
  const start = DateTime.fromISO(options.from, { zone: calendar.zone });
  const dayList = Array.from({ length: options.days }, (_, i) => {
    const d = start.plus({ days: i });
    const day = d.toISODate()!;
    return { day, midnight: d.toMillis(), weight: calendar.isWorkingDay(day) ? 1.2 : 0.7 };
  });
  const weightSum = dayList.reduce((s, d) => s + d.weight, 0);
  let made = 0;
  let cumulative = 0;
  let lastId: string | null = null;
  for (let di = 0; di < dayList.length; di++) {
    const { day, midnight, weight } = dayList[di]!;
    // Rounded on the running sum, so the days add up to exactly `total`.
    cumulative += weight;
    const n = Math.round((options.total * cumulative) / weightSum) - made;
    const times = Array.from({ length: n }, () => midnight + (rng.chance(0.04) ? rng.next() * 7 * HOUR : 7 * HOUR + rng.next() * 16 * HOUR)).sort((a, b) => a - b);
    const dayDigits = day.replace(/-/g, '');
    for (let k = 0; k < times.length; k++) {
      const received = Math.floor(times[k]!);
      const s = rng.pick(scripts);
      const categoryCode = rng.chance(0.15) && s.categoryCode.includes('.') ? s.categoryCode.slice(0, s.categoryCode.lastIndexOf('.')) : s.categoryCode;
      const g = rng.pick(gridBoxes);
      const lng = g.x0 + (0.2 + 0.6 * rng.next()) * (g.x1 - g.x0);
      const lat = g.y0 + (0.2 + 0.6 * rng.next()) * (g.y1 - g.y0);
      const caller = rng.chance(0.05) ? null : rng.pick(phones);
      const id = fastId('cas', received);
      const c: CaseRecord = {
        id, number: `${dayDigits}${String(k + 1).padStart(4, '0')}`, channel: s.channel, kind: s.kind, urgency: s.urgency, state: 'pending_dispatch',
        categoryCode, title: s.title, text: s.text, requesterName: null, requesterPhone: caller?.phone ?? null, requesterPhoneKey: caller?.key ?? null,
        anonymous: !caller, confidential: false, location: { lng, lat, address: null }, address: null, areaId: g.id, attachments: [],
        receivedAt: iso(received), outcome: null, centreId: centre?.id ?? null, mainDepartmentId: null, dispatchedAt: null, signDueAt: null, dueAt: null,
        warnAt: null, light: 'green', overdue: false, resolvedAt: null, closedAt: null, reply: null, replyAt: null, rating: null, ratedAt: null,
        callbackDueAt: null, callbackAttempts: 0, parentId: null, reopenCount: 0, returnCount: 0, extensionCount: 0, pendingExtension: null,
        chaseCount: 0, supervised: false, escalatedToId: null, repeatOfId: caller && lastId && rng.chance(0.06) ? lastId : null,
        externalSource: null, externalId: null, version: 1, createdAt: iso(received), updatedAt: iso(received),
      };
      const assignments: Assignment[] = [];
      const r = rng.next();
      const { main, assisting } = routeOf(categoryCode, g.id);
      if (r < 0.09) {
        const at = iso(received + 5 * 60_000);
        Object.assign(c, {
          state: 'closed', outcome: r < 0.08 ? 'direct_answer' : 'not_accepted', reply: r < 0.08 ? '已根据知识库直接答复市民。' : '不属于政务服务热线受理范围。',
          replyAt: at, resolvedAt: at, closedAt: at, centreId: null, updatedAt: at,
        });
      } else if (r < 0.1 && lastId) {
        Object.assign(c, { state: 'merged', outcome: 'merged', parentId: lastId, centreId: null, closedAt: iso(received + HOUR) });
      } else if (main) {
        progress(c, assignments, main, assisting, received);
      }
      const receivedDay = day;
      lastId = id;
      made += 1;
      yield { record: c, assignments, receivedDay, nextCheckAt: nextCheck(c, assignments), kpi: kpiVector(c, assignments) };
    }
  }

  function assignment(c: CaseRecord, dept: Department, role: Assignment['role'], round: number, at: number, signDue: number): Assignment {
    return {
      id: fastId('asg', at), caseId: c.id, departmentId: dept.id, role, round, status: 'pending', fromCentreId: centre?.id ?? null,
      dispatchedAt: iso(at), dispatchedBy: 'bench', signDueAt: iso(signDue), signedAt: null, returnedAt: null, returnReason: null,
      repliedAt: null, replyText: null, reopened: false, signOverdue: false,
    };
  }

  function progress(c: CaseRecord, assignments: Assignment[], main: Department, assisting: Department[], received: number): void {
    const limits = DEFAULT_TIME_LIMITS[c.kind][c.urgency];
    let at = received + (c.urgency === 'normal' ? 10 * 60_000 + rng.next() * 3 * HOUR : 2 * 60_000 + rng.next() * 15 * 60_000);
    let round = 1;
    if (rng.chance(0.03)) {
      // Dispatched to the wrong department first, which returns it with a reason.
      const wrong = rng.pick(handlers.filter((d) => d.id !== main.id));
      const a = assignment(c, wrong, 'main', round, at, limitEnd(at, limits.signFor));
      const back = at + (0.5 + rng.next() * 6) * HOUR;
      if (back > nowMs) {
        assignments.push(a);
        Object.assign(c, { state: 'dispatched', centreId: null, mainDepartmentId: wrong.id, dispatchedAt: iso(at), signDueAt: a.signDueAt });
        return;
      }
      Object.assign(a, { status: 'returned', returnedAt: iso(back), returnReason: '不属于本单位职责范围' });
      assignments.push(a);
      c.returnCount = 1;
      at = back + (0.5 + rng.next() * 3) * HOUR;
      round = 2;
    }
    if (at > nowMs) {
      // Not dispatched yet (or back at the centre after the return).
      Object.assign(c, { state: c.returnCount ? 'returned' : 'pending_dispatch', centreId: centre?.id ?? null });
      return;
    }
    const signDue = limitEnd(at, limits.signFor);
    const due = limitEnd(at, limits.handle);
    const warn = warnAt(new Date(at), new Date(due), 0.8).getTime();
    const a = assignment(c, main, 'main', round, at, signDue);
    assignments.push(a);
    for (const x of assisting) if (rng.chance(0.5)) assignments.push({ ...assignment(c, x, 'assist', round, at, signDue), status: 'signed', signedAt: iso(at + HOUR) });
    Object.assign(c, {
      state: 'dispatched', centreId: null, mainDepartmentId: main.id, dispatchedAt: iso(at), signDueAt: iso(signDue), dueAt: iso(due), warnAt: iso(warn),
    });
    const signed = at + (signDue - at) * (rng.chance(0.93) ? 0.05 + rng.next() * 0.9 : 1.05 + rng.next() * 0.5);
    if (signed > nowMs) {
      a.signOverdue = nowMs > signDue;
      c.light = lightAt(nowMs, due, warn);
      c.overdue = nowMs > due;
      return;
    }
    Object.assign(a, { status: 'signed', signedAt: iso(signed), signOverdue: signed > signDue });
    c.state = 'handling';
    const resolved = at + (due - at) * (rng.chance(0.92) ? 0.1 + rng.next() * 0.85 : 1.02 + rng.next() * 0.6);
    if (resolved > nowMs) {
      c.light = lightAt(nowMs, due, warn);
      c.overdue = nowMs > due;
      return;
    }
    const reply = '经现场核查，问题已处理完毕。';
    Object.assign(a, { status: 'done', repliedAt: iso(resolved), replyText: reply });
    Object.assign(c, {
      state: 'resolved', outcome: 'resolved', resolvedAt: iso(resolved), reply, replyAt: iso(resolved), overdue: resolved > due,
      light: lightAt(resolved, due, warn), callbackDueAt: iso(addWorkdays(resolved, 1)), updatedAt: iso(resolved),
    });
    const callback = resolved + (4 + rng.next() * 20) * HOUR;
    if (callback > nowMs || rng.chance(0.05)) return; // waiting for its callback
    if (rng.chance(0.1)) {
      Object.assign(c, { state: 'closed', callbackAttempts: 3, closedAt: iso(callback + 2 * DAY) });
      return;
    }
    const rating = rng.weighted(RATING_MIX);
    Object.assign(c, { rating, ratedAt: iso(callback), callbackAttempts: 1 });
    if (rating >= 3 || rng.chance(0.5)) {
      Object.assign(c, { state: 'closed', closedAt: iso(callback) });
      return;
    }
    // A poor rating reopens the case; the same department handles it again in a new round.
    a.reopened = true;
    c.reopenCount = 1;
    const again = callback + HOUR;
    const due2 = limitEnd(again, limits.handle);
    const a2 = assignment(c, main, 'main', round + 1, again, limitEnd(again, limits.signFor));
    assignments.push(a2);
    const resolved2 = again + (due2 - again) * (0.2 + rng.next() * 0.7);
    Object.assign(c, { callbackDueAt: null, rating: null, ratedAt: null, dispatchedAt: iso(again), dueAt: iso(due2), warnAt: iso(warnAt(new Date(again), new Date(due2), 0.8).getTime()), light: 'green' });
    if (resolved2 > nowMs) {
      Object.assign(a2, { status: 'signed', signedAt: iso(again + HOUR) });
      Object.assign(c, { state: 'handling', resolvedAt: null, outcome: null, light: lightAt(nowMs, due2, warnAt(new Date(again), new Date(due2), 0.8).getTime()) });
      return;
    }
    Object.assign(a2, { status: 'done', signedAt: iso(again + HOUR), repliedAt: iso(resolved2), replyText: reply });
    Object.assign(c, { state: 'closed', outcome: 'resolved', resolvedAt: iso(resolved2), replyAt: iso(resolved2), rating: 4, ratedAt: iso(resolved2 + 6 * HOUR), callbackAttempts: 2, closedAt: iso(resolved2 + 6 * HOUR) });
  }
}

function lightAt(t: number, due: number, warn: number): Light {
  return t > due ? 'red' : t >= warn ? 'yellow' : 'green';
}

/** When the deadline scheduler would look at the case next (the service's rule). */
function nextCheck(c: CaseRecord, assignments: readonly Assignment[]): string | null {
  if (c.state !== 'dispatched' && c.state !== 'handling') return null;
  const times: string[] = [];
  for (const a of assignments) if (a.status === 'pending' && !a.signOverdue && a.signDueAt) times.push(a.signDueAt);
  if (c.light === 'green' && c.warnAt) times.push(c.warnAt);
  if (c.light !== 'red' && c.dueAt) times.push(iso(new Date(c.dueAt).getTime() + 1));
  return times.length ? times.sort()[0]! : null;
}

/** An assignment as a cases_assignment row. */
export function assignmentRow(a: Assignment): CasesTables['cases_assignment'] {
  return {
    id: a.id, case_id: a.caseId, department_id: a.departmentId, role: a.role, round: a.round, status: a.status, from_centre_id: a.fromCentreId,
    dispatched_at: a.dispatchedAt, dispatched_by: a.dispatchedBy, sign_due_at: a.signDueAt, signed_at: a.signedAt, returned_at: a.returnedAt,
    return_reason: a.returnReason, replied_at: a.repliedAt, reply_text: a.replyText, reopened: a.reopened ? 1 : 0, sign_overdue: a.signOverdue ? 1 : 0,
  };
}

/** The value after `--name` on the command line, if any. */
export function argText(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** A positive number given as `--name n` (the default when absent); `integer` insists on a whole number. */
export function argNumber(name: string, def: number, integer = false): number {
  const text = argText(name);
  const v = text === undefined ? def : Number(text);
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) throw new Error(`--${name} needs a positive ${integer ? 'whole ' : ''}number`);
  return v;
}
