/**
 * kpi: KPI figures over a year of 1,000,000 cases, from the rollup table the service keeps as cases
 * change (cases_kpi_rollup: day × department × category → counters), target under 1 s.
 * Run: npm run bench:kpi                       (SQLite file in the temp folder)
 *      npm run bench:kpi -- --pg               (PostgreSQL: CITYLOOP_BENCH_DATABASE_URL or postgres://root@127.0.0.1:5432/postgres, fresh schema)
 * Options: --cases n (1,000,000).
 * Reference measured in the same run: a plain scan of cases_case summing every case's stored KPI
 * vector (the same totals, all counters), and the cheapest possible scan (SQL count(*) per
 * department, totals only). The rollup figures must equal the scan's: printed as "consistent".
 * Cases are written straight into the tables (not through HTTP) in big transactions, with the
 * repository's row mapping and the app's cipher; their rollup deltas are built exactly as the
 * service builds them (kpiVector → diffVectors({}, v)), summed in memory and written at the end
 * with the service's own upsert (repository.applyKpiDelta; on PostgreSQL the same additive upsert
 * 1,000 rows per statement, since one round trip per row takes minutes there).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { DateTime } from 'luxon';
import { compose } from '../src/app/compose.ts';
import { caseToRow, CasesRepository, type CasesTables } from '../src/modules/cases/cases.repository.ts';
import { sqliteDialect } from '../src/platform/db/dialect/sql-dialect.ts';
import { diffVectors, KPI_COUNTERS, type Counters, type KpiVector } from '../src/modules/cases/domain/kpi.ts';
import { assignmentRow, benchConfig, benchDatabase, dropOnSignal, fmt, loadDemoWorld, median, since, syntheticCases } from './bench-util.ts';

const argN = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive whole number`);
  return v;
};
const TOTAL = argN('cases', 1_000_000);
const DAYS = 365;
const BATCH = 10_000;
const RUNS = 5;
// The scan reads and parses a million vectors (15–30 s here): one run keeps the whole benchmark near
// three minutes, and the ratio it gives is far outside the noise of this machine.
const SCAN_RUNS = 1;
const TARGET_MS = 1_000;
const GROUPS = ['department', 'tier', 'category', 'all'] as const;
type Group = (typeof GROUPS)[number];

const pgUrl = process.argv.includes('--pg') ? process.env.CITYLOOP_BENCH_DATABASE_URL || 'postgres://root@127.0.0.1:5432/postgres' : undefined;
const db = await benchDatabase('kpi', pgUrl);
dropOnSignal(db);
const app = await compose(benchConfig(db), { defaultMetrics: false });
const t0 = performance.now();

try {
  // No scheduler or event delivery: nothing but the KPI query should run while it is timed.
  await app.start({ background: false });
  const now = app.clock.now();
  const world = await loadDemoWorld(app, now);
  const to = app.calendar.localDate(new Date(now.getTime() - 86_400_000));
  const from = DateTime.fromISO(to).minus({ days: DAYS - 1 }).toISODate()!;
  const departments = app.organization.api.listDepartments();
  const tiers = departments.reduce<Record<string, number>>((m, d) => ({ ...m, [d.tier]: (m[d.tier] ?? 0) + 1 }), {});

  console.log(`kpi: figures over ${fmt(TOTAL)} cases received ${from} … ${to} (${DAYS} days), from the rollup table; reference: plain scans of cases_case in the same run`);
  console.log(`database: ${db.label}`);
  console.log(`world: demo city ${world.city.name}: ${departments.length} departments over 3 tiers ${JSON.stringify(tiers)}, ${world.categories} categories, ${world.areas} areas`);

  // ── generate ──
  const writer = db.engine === 'sqlite' ? sqliteWriter(db.url) : kyselyWriter();
  const rollup = new Map<string, Counters>();
  const lastNumber = new Map<string, number>();
  const states: Record<string, number> = {};
  const categories = new Set<string>();
  let assignmentsWritten = 0;
  let writeMs = 0;
  const write = async (cases: Array<CasesTables['cases_case']>, assignments: Array<CasesTables['cases_assignment']>): Promise<void> => {
    const t = performance.now();
    await writer.write(cases, assignments);
    writeMs += since(t);
  };
  // The service's keyed hash for repeat-caller lookup, and its cipher for the requester's name and phone.
  const phoneKey = (phone: string): string => app.dataKeys.cipher.keyedHash(phone);
  const tg = performance.now();
  let caseRows: Array<CasesTables['cases_case']> = [];
  let asgRows: Array<CasesTables['cases_assignment']> = [];
  for (const s of syntheticCases({ city: world.city, calendar: app.calendar, places: app.places.api, org: app.organization.api, phoneKey }, { from, days: DAYS, total: TOTAL, now })) {
    caseRows.push(caseToRow(s.record, s.receivedDay, s.nextCheckAt, s.kpi, app.dataKeys.cipher));
    for (const a of s.assignments) asgRows.push(assignmentRow(a));
    // Exactly the service's rollup step for a new case, summed instead of upserted one by one.
    for (const { departmentId, delta } of diffVectors({}, s.kpi)) {
      const key = `${s.receivedDay}\u0000${departmentId}\u0000${s.record.categoryCode}`;
      const acc = rollup.get(key) ?? {};
      for (const [k, v] of Object.entries(delta) as Array<[keyof Counters, number]>) acc[k] = (acc[k] ?? 0) + v;
      rollup.set(key, acc);
    }
    states[s.record.state] = (states[s.record.state] ?? 0) + 1;
    categories.add(s.record.categoryCode);
    lastNumber.set(s.receivedDay, Math.max(lastNumber.get(s.receivedDay) ?? 0, Number(s.record.number.slice(8))));
    if (caseRows.length >= BATCH) {
      assignmentsWritten += asgRows.length;
      await write(caseRows, asgRows);
      caseRows = [];
      asgRows = [];
    }
  }
  assignmentsWritten += asgRows.length;
  await write(caseRows, asgRows);
  const genMs = since(tg);
  const tr = performance.now();
  await writer.applyRollups(rollup);
  const rollupMs = since(tr);
  await writer.close();
  const numbers = [...lastNumber].map(([day, last]) => ({ day, last }));
  await app.database.db.withTables<CasesTables>().insertInto('cases_number_seq').values(numbers).execute();
  // Fresh statistics after a bulk load, as a DBA would (autovacuum may not have run yet).
  if (db.engine === 'postgres') await sql`analyze`.execute(app.database.db);
  console.log(`generated ${fmt(TOTAL)} cases + ${fmt(assignmentsWritten)} assignments in ${fmt(genMs / 1000, 1)} s → ${fmt((TOTAL / genMs) * 1000)} cases/s (rows built in JS and written straight to the tables in transactions of ${fmt(BATCH)} while the next batch is built${db.engine === 'sqlite' ? ', by a writer thread' : ''}; ${fmt(writeMs / 1000, 1)} s of it waiting for writes; no history rows)`);
  console.log(`rollups: ${fmt(rollup.size)} rows (day × department × category) written ${db.engine === 'sqlite' ? 'with repository.applyKpiDelta' : 'with the same additive upsert, 1,000 rows per statement'} in ${fmt(rollupMs / 1000, 1)} s — ${fmt(TOTAL / rollup.size, 1)} cases per row`);
  console.log(`cases by state ${JSON.stringify(states)}; ${categories.size} categories used`);
  console.log('');

  // ── time ──
  const timeIt = async <T>(runs: number, fn: () => Promise<T>, warmUp = true): Promise<{ ms: number; all: number[]; value: T }> => {
    let value = warmUp ? await fn() : (undefined as T); // warm-up, not counted
    const all: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      value = await fn();
      all.push(since(t));
    }
    return { ms: median(all), all, value };
  };
  const rollupTimes = new Map<Group, { ms: number; all: number[]; rows: Map<string, Counters> }>();
  for (const groupBy of GROUPS) {
    const r = await timeIt(RUNS, () => app.cases.service.kpis({ from, to, groupBy }));
    rollupTimes.set(groupBy, { ms: r.ms, all: r.all, rows: new Map(r.value.map((row) => [row.key, row.counters])) });
  }
  const tierOf = (dept: string): string => (dept === '' ? 'centre' : (app.organization.api.getDepartment(dept)?.tier ?? 'unknown'));
  const scan = await timeIt(SCAN_RUNS, () => scanVectors(from, to, tierOf), false);
  const countScan = await timeIt(RUNS, async () => {
    const rows = await app.database.db
      .withTables<CasesTables>()
      .selectFrom('cases_case')
      .select(['main_department_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('received_day', '>=', from)
      .where('received_day', '<=', to)
      .where('state', '<>', 'merged')
      .groupBy('main_department_id')
      .execute();
    return new Map(rows.map((r) => [r.main_department_id ?? '', Number(r.n)]));
  });

  console.log(`groupBy      rows   rollup ms (median of ${RUNS})   runs                              scan ms (${SCAN_RUNS === 1 ? '1 run' : `median of ${SCAN_RUNS}`})   scan / rollup   consistent`);
  let allConsistent = true;
  for (const groupBy of GROUPS) {
    const r = rollupTimes.get(groupBy)!;
    const same = sameCounters(r.rows, scan.value[groupBy]);
    allConsistent &&= same;
    console.log(
      `${groupBy.padEnd(12)} ${String(r.rows.size).padStart(4)}   ${fmt(r.ms, 1).padStart(10)}                 ${r.all.map((x) => fmt(x, 0)).join(' / ').padEnd(33)} ${fmt(scan.ms).padStart(8)}                 ${fmt(scan.ms / r.ms, 0).padStart(5)}×        ${same ? 'yes' : 'NO'}`,
    );
  }
  const byDept = rollupTimes.get('department')!;
  const totalsSame = [...new Set([...countScan.value.keys(), ...byDept.rows.keys()])].every((k) => (countScan.value.get(k) ?? 0) === (byDept.rows.get(k)?.total ?? 0));
  const worst = Math.max(...[...rollupTimes.values()].map((r) => r.ms));
  console.log('');
  console.log(`scan = one pass over cases_case in pages of 50,000 summing every stored KPI vector (all ${KPI_COUNTERS.length} counters, all four group-bys at once)`);
  console.log(`cheapest scan, SQL count(*) per main department (totals only): ${fmt(countScan.ms, 1)} ms (median of ${RUNS}) vs rollup by department ${fmt(byDept.ms, 1)} ms → ${fmt(countScan.ms / byDept.ms, 1)}×; totals consistent: ${totalsSame ? 'yes' : 'NO'}`);
  console.log(`consistent (rollup = scan for every counter of every group): ${allConsistent && totalsSame ? 'yes' : 'no'}`);
  console.log(`target < ${fmt(TARGET_MS)} ms for every group-by: ${worst < TARGET_MS ? 'met' : 'MISSED'} (slowest ${fmt(worst, 1)} ms); whole run ${fmt(since(t0) / 1000, 0)} s`);
} finally {
  await app.close();
  await db.drop();
}

interface CaseWriter {
  write(cases: Array<CasesTables['cases_case']>, assignments: Array<CasesTables['cases_assignment']>): Promise<void>;
  /** Upsert summed deltas (key: day, department, category joined by NUL) with repository.applyKpiDelta, in one transaction. */
  applyRollups(rollup: Map<string, Counters>): Promise<void>;
  close(): Promise<void>;
}

async function applyWith(kysely: Kysely<object>, repository: CasesRepository, rollup: Map<string, Counters>): Promise<void> {
  await kysely.transaction().execute(async (tx) => {
    for (const [key, delta] of rollup) {
      const [day, departmentId, categoryCode] = key.split('\u0000') as [string, string, string];
      await repository.applyKpiDelta(tx, day, departmentId, categoryCode, delta);
    }
  });
}

// The SQLite inserts run in a worker thread with its own connection, so building the next batch
// (main thread) and writing this one (worker) overlap on the two cores. Plain JS: no TypeScript loader.
function sqliteWriterSource(): string {
  return `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -262144');
const statements = new Map();
const insert = (table, cols) => {
  const key = table + '(' + cols.join(',') + ')';
  let s = statements.get(key);
  if (!s) statements.set(key, (s = db.prepare('insert into ' + table + ' (' + cols.join(', ') + ') values (' + cols.map(() => '?').join(', ') + ')')));
  return s;
};
const write = db.transaction((tables) => {
  for (const t of tables) {
    if (t.rows.length === 0) continue;
    const s = insert(t.table, t.cols);
    for (const r of t.rows) s.run(r);
  }
});
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.postMessage({ closed: true });
    return;
  }
  try {
    write(m);
    parentPort.postMessage({ ok: true });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.stack || err) });
  }
});
`;
}

/** SQLite: a worker thread with a second connection to the same file, one transaction per batch, two batches in flight at most. */
function sqliteWriter(path: string): CaseWriter {
  const worker = new Worker(sqliteWriterSource(), { eval: true, workerData: { path, module: createRequire(import.meta.url).resolve('better-sqlite3') } });
  const waiting: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  const inFlight: Array<Promise<void>> = [];
  worker.on('message', (m: { ok?: boolean; closed?: boolean; error?: string }) => {
    const w = waiting.shift();
    if (m.error) w?.reject(new Error(m.error));
    else w?.resolve();
  });
  worker.on('error', (err) => waiting.splice(0).forEach((w) => w.reject(err)));
  const send = (message: unknown): Promise<void> =>
    new Promise((resolve, reject) => {
      waiting.push({ resolve, reject });
      worker.postMessage(message);
    });
  const table = <R extends object>(name: string, rows: R[]) => {
    const cols = rows.length ? Object.keys(rows[0]!) : [];
    return { table: name, cols, rows: rows.map((r) => cols.map((k) => r[k as keyof R])) };
  };
  return {
    async write(cases, assignments) {
      if (cases.length === 0) return;
      inFlight.push(send([table('cases_case', cases), table('cases_assignment', assignments)]));
      if (inFlight.length >= 2) await inFlight.shift();
    },
    async applyRollups(rollup) {
      await Promise.all(inFlight.splice(0));
      // The service's own repository over a third connection whose statements are kept by SQL
      // text: Kysely prepares each query anew, which would make 200k+ upserts the slowest step.
      const raw = new SqliteDatabase(path);
      raw.pragma('busy_timeout = 5000');
      const statements = new Map<string, SqliteDatabase.Statement>();
      const cached = {
        close: () => raw.close(),
        prepare: (text: string): SqliteDatabase.Statement => {
          let stmt = statements.get(text);
          if (!stmt) statements.set(text, (stmt = raw.prepare(text)));
          return stmt;
        },
      };
      const kysely = new Kysely<object>({ dialect: new SqliteDialect({ database: cached }) });
      try {
        await applyWith(kysely, new CasesRepository(kysely, sqliteDialect), rollup);
      } finally {
        await kysely.destroy();
      }
    },
    async close() {
      await Promise.all(inFlight.splice(0));
      await send('close');
      await worker.terminate();
    },
  };
}

/** PostgreSQL: each batch as one JSON parameter expanded by the server (json_populate_recordset), one transaction per batch. */
function kyselyWriter(): CaseWriter {
  const chunk = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
  // Rows typed by the table itself: PostgreSQL parses the JSON in C, far cheaper than binding 50
  // parameters per row (and no COPY client is installed).
  const insertJson = async (tx: Kysely<object>, table: 'cases_case' | 'cases_assignment', rows: object[]): Promise<void> => {
    if (rows.length) await sql`insert into ${sql.table(table)} select * from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::json)`.execute(tx);
  };
  // One batch is written while the next is built (the server works on its own core).
  let inFlight: Promise<void> = Promise.resolve();
  return {
    async write(cases, assignments) {
      if (cases.length === 0) return;
      await inFlight;
      inFlight = app.database.db.transaction().execute(async (tx) => {
        await insertJson(tx, 'cases_case', cases);
        await insertJson(tx, 'cases_assignment', assignments);
      });
    },
    // One round trip per row would take minutes over TCP here (~0.4 ms each): the same additive
    // upsert as repository.applyKpiDelta, 1,000 rows per statement.
    async applyRollups(rollup) {
      await inFlight;
      const rows = [...rollup].map(([key, delta]) => {
        const [day, department_id, category_code] = key.split('\u0000') as [string, string, string];
        const row: Record<string, unknown> = { day, department_id, category_code };
        for (const k of KPI_COUNTERS) row[`c_${k}`] = delta[k] ?? 0;
        return row as CasesTables['cases_kpi_rollup'];
      });
      const add = Object.fromEntries(KPI_COUNTERS.map((k) => [`c_${k}`, sql`${sql.ref(`cases_kpi_rollup.c_${k}`)} + ${sql.ref(`excluded.c_${k}`)}`]));
      await app.database.db.transaction().execute(async (tx) => {
        for (const part of chunk(rows, 1_000)) {
          await tx.withTables<CasesTables>().insertInto('cases_kpi_rollup').values(part).onConflict((oc) => oc.columns(['day', 'department_id', 'category_code']).doUpdateSet(add)).execute();
        }
      });
    },
    async close() {
      await inFlight;
    },
  };
}

/** The reference: read every case of the period and sum its stored KPI vector per group. */
async function scanVectors(from: string, to: string, tierOf: (dept: string) => string): Promise<Record<Group, Map<string, Counters>>> {
  const out: Record<Group, Map<string, Counters>> = { department: new Map(), tier: new Map(), category: new Map(), all: new Map() };
  const add = (m: Map<string, Counters>, key: string, c: Counters): void => {
    const acc = m.get(key) ?? {};
    for (const k in c) acc[k as keyof Counters] = (acc[k as keyof Counters] ?? 0) + c[k as keyof Counters]!;
    m.set(key, acc);
  };
  const t = app.database.db.withTables<CasesTables>();
  let after = '';
  for (;;) {
    const rows = await t
      .selectFrom('cases_case')
      .select(['id', 'category_code', 'kpi'])
      .where('received_day', '>=', from)
      .where('received_day', '<=', to)
      .where('id', '>', after)
      .orderBy('id')
      .limit(50_000)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      const v = JSON.parse(r.kpi) as KpiVector;
      for (const dept in v) {
        const c = v[dept]!;
        add(out.department, dept, c);
        add(out.tier, tierOf(dept), c);
        add(out.category, r.category_code, c);
        add(out.all, 'all', c);
      }
    }
    after = rows[rows.length - 1]!.id;
  }
  return out;
}

function sameCounters(a: Map<string, Counters>, b: Map<string, Counters>): boolean {
  const keys = new Set([...a.keys(), ...b.keys()]);
  for (const key of keys) for (const k of KPI_COUNTERS) if ((a.get(key)?.[k] ?? 0) !== (b.get(key)?.[k] ?? 0)) return false;
  return true;
}
