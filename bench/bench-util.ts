/**
 * Shared plumbing for the benchmarks: statistics, temporary databases (SQLite file or a fresh
 * PostgreSQL schema), the demo city's reference data without its cases, and a load generator
 * run in a child process so that server and client each get a core.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DEFAULT_CATEGORIES } from '../src/modules/cases/index.ts';
import type { AreaGeometry } from '../src/modules/places/index.ts';
import type { CityLoop } from '../src/app/compose.ts';
import { DEMO_DEFAULT_SEED, generateDemoCity } from '../src/app/demo/demo-city.generator.ts';
import type { DemoCity } from '../src/app/demo/demo-city.types.ts';

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
