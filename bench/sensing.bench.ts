/**
 * sensing: readings ingested per second with durable acks — over HTTP batches
 * (POST /api/v1/sensing/readings, 200 only after the commit) and over MQTT (QoS 1 to the embedded
 * aedes broker, PUBACK only after the commit) — with p50/p99 of the batch ack.
 * Run: npm run bench:sensing             (SQLite file in the temp folder)
 *      CITYLOOP_BENCH_DATABASE_URL=postgres://root@127.0.0.1:5432/postgres npm run bench:sensing
 * Options: --runs n (3), --duration s (5), --batch n (1000 readings per request/message),
 *          --connections n (8 HTTP connections / MQTT messages in flight), --devices n (1000).
 * Reference measured in the same run: raw better-sqlite3 inserts of the same rows into a table of the
 * same shape (primary key included), 5 000 per transaction — the storage ceiling on this machine.
 * The load client runs in a child process (this file in client mode), so server and client each get a core.
 * Target (issue 6): 35 000 readings/s at peak on one node (7 000/s average).
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import mqtt from 'mqtt';
import { compose } from '../src/app/compose.ts';
import { benchConfig, benchDatabase, dropOnSignal, fmt, median, quantile, ratio } from './bench-util.ts';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
};
const strArg = (name: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : '';
};

interface ClientResult {
  readings: number;
  batches: number;
  failed: number;
  ms: number;
  latencies: number[];
}

/** Client mode: send fresh batches (unique instants, so nothing is deduplicated) for `duration` seconds. */
async function client(): Promise<void> {
  const mode = strArg('client');
  const target = strArg('target');
  const token = strArg('token');
  const duration = arg('duration', 5) * 1000;
  const batchSize = arg('batch', 500);
  const inflight = arg('connections', 4);
  const devices = arg('devices', 1000);
  const offset = arg('offset', 1);
  const base = Date.now() - 60_000;
  let seq = offset * 10_000_000;
  const batch = (): string => {
    const items = [];
    for (let i = 0; i < batchSize; i += 1) {
      const n = seq++;
      items.push({ deviceId: `acc-${n % devices}`, measure: 'acc_z', value: ((n % 97) - 48) / 100_000, at: base + Math.floor(n / devices) });
    }
    return JSON.stringify(items);
  };
  const result: ClientResult = { readings: 0, batches: 0, failed: 0, ms: 0, latencies: [] };
  const t0 = performance.now();
  const end = t0 + duration;
  if (mode === 'http') {
    const worker = async (): Promise<void> => {
      while (performance.now() < end) {
        const body = batch();
        const t = performance.now();
        const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
        await res.arrayBuffer();
        if (res.status === 200) {
          result.readings += batchSize;
          result.batches += 1;
          result.latencies.push(performance.now() - t);
        } else result.failed += 1;
      }
    };
    await Promise.all(Array.from({ length: inflight }, worker));
  } else {
    const c = await mqtt.connectAsync(target, { username: 'bench-gateway', password: token, reconnectPeriod: 0 });
    const worker = async (): Promise<void> => {
      while (performance.now() < end) {
        const body = batch();
        const t = performance.now();
        await c.publishAsync('cityloop/sensing/readings', body, { qos: 1 });
        result.readings += batchSize;
        result.batches += 1;
        result.latencies.push(performance.now() - t);
      }
    };
    await Promise.all(Array.from({ length: inflight }, worker));
    await c.endAsync();
  }
  result.ms = performance.now() - t0;
  process.stdout.write(JSON.stringify(result));
}

function runClient(args: string[]): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as ClientResult) : reject(new Error(`client exited ${code}`))));
  });
}

/** The storage ceiling: the same rows straight into better-sqlite3, 5 000 per transaction. */
function rawSqliteRate(rows: number, devices: number): number {
  const path = join(tmpdir(), `cityloop-sensing-ref-${process.pid}.sqlite`);
  const db = new SqliteDatabase(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('create table r (device_id text not null, measure text not null, at integer not null, value real not null, primary key (device_id, measure, at))');
    const insert = db.prepare('insert into r (device_id, measure, at, value) values (?, ?, ?, ?)');
    const many = db.transaction((from: number, to: number) => {
      for (let n = from; n < to; n += 1) insert.run(`dev_${n % devices}`, 'acc_z', 1_700_000_000_000 + Math.floor(n / devices), ((n % 97) - 48) / 100_000);
    });
    const t0 = performance.now();
    for (let n = 0; n < rows; n += 5000) many(n, Math.min(rows, n + 5000));
    return rows / ((performance.now() - t0) / 1000);
  } finally {
    db.close();
    for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
  }
}

async function server(): Promise<void> {
  const RUNS = arg('runs', 3);
  const DURATION = arg('duration', 5);
  const BATCH = arg('batch', 1000);
  const CONNECTIONS = arg('connections', 8);
  const DEVICES = arg('devices', 1000);
  const pgUrl = process.env.CITYLOOP_BENCH_DATABASE_URL || undefined;
  const db = await benchDatabase('sensing', pgUrl);
  dropOnSignal(db);
  const app = await compose({ ...benchConfig(db), mqttPort: '0' }, { defaultMetrics: false });
  try {
    await app.start();
    const t0 = performance.now();
    // Bridge accelerometers with the bridge pack's band rules running on every reading (values stay below the bands).
    for (let i = 0; i < DEVICES; i += 1000) {
      await app.sensing.service.upsertDevices(Array.from({ length: Math.min(1000, DEVICES - i) }, (_, k) => ({ code: `acc-${i + k}`, typeCode: 'bridge_accelerometer', name: `加速度计 ${i + k}` })));
    }
    const { secret } = await app.identity.api.createToken({ name: 'bench gateway', scopes: ['sensing.ingest'] });
    const http = await app.http();
    await http.listen({ host: '127.0.0.1', port: 0 });
    const address = http.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/v1/sensing/readings`;
    const mqttUrl = `mqtt://127.0.0.1:${app.sensing.mqtt.port()}`;
    console.log(`sensing: readings ingested with durable acks; ${DEVICES} bridge accelerometers (3 band rules each), batches of ${BATCH}, ${CONNECTIONS} in flight, ${DURATION} s per run, ${RUNS} runs; load client in a child process`);
    console.log(`database: ${db.label}; setup ${fmt((performance.now() - t0) / 1000, 1)} s`);
    console.log('');
    console.log('run  path                 readings/s   batches/s  ack p50 ms  ack p99 ms  failed  commits  readings/commit');
    const rates: Record<'http' | 'mqtt', number[]> = { http: [], mqtt: [] };
    const p99s: Record<'http' | 'mqtt', number[]> = { http: [], mqtt: [] };
    let offset = 1;
    // A short warm-up of each path (JIT, statement cache) before the measured runs.
    await runClient(['--client', 'http', '--target', url, '--token', secret, '--duration', '1', '--batch', String(BATCH), '--connections', String(CONNECTIONS), '--devices', String(DEVICES), '--offset', String(offset++)]);
    await runClient(['--client', 'mqtt', '--target', mqttUrl, '--token', secret, '--duration', '1', '--batch', String(BATCH), '--connections', String(CONNECTIONS), '--devices', String(DEVICES), '--offset', String(offset++)]);
    for (let run = 1; run <= RUNS; run += 1) {
      for (const mode of ['http', 'mqtt'] as const) {
        const commits0 = app.sensing.service.writer.stats.commits;
        const items0 = app.sensing.service.writer.stats.items;
        const r = await runClient(['--client', mode, '--target', mode === 'http' ? url : mqttUrl, '--token', secret, '--duration', String(DURATION), '--batch', String(BATCH), '--connections', String(CONNECTIONS), '--devices', String(DEVICES), '--offset', String(offset++)]);
        const commits = app.sensing.service.writer.stats.commits - commits0;
        const items = app.sensing.service.writer.stats.items - items0;
        const lat = r.latencies.sort((a, b) => a - b);
        const rate = r.readings / (r.ms / 1000);
        rates[mode].push(rate);
        p99s[mode].push(quantile(lat, 0.99));
        console.log(`${String(run).padEnd(5)}${(mode === 'http' ? 'HTTP POST batches' : 'MQTT QoS 1 (aedes)').padEnd(21)}${fmt(rate).padStart(10)}   ${fmt(r.batches / (r.ms / 1000)).padStart(9)}  ${fmt(quantile(lat, 0.5), 1).padStart(10)}  ${fmt(quantile(lat, 0.99), 1).padStart(10)}  ${String(r.failed).padStart(6)}  ${String(commits).padStart(7)}  ${fmt(items / Math.max(1, commits), 0).padStart(15)}`);
      }
    }
    const stored = await app.sensing.service.status();
    const refRows = 200_000;
    const refs = Array.from({ length: RUNS }, () => rawSqliteRate(refRows, DEVICES));
    const ref = median(refs);
    console.log('');
    console.log(`reference: raw better-sqlite3 inserts of the same rows (same key), 5 000 per transaction: median ${fmt(ref)} rows/s (${refs.map((r) => fmt(r)).join(', ')})`);
    for (const mode of ['http', 'mqtt'] as const) {
      const m = median(rates[mode]);
      console.log(`${mode === 'http' ? 'HTTP' : 'MQTT'}: median ${fmt(m)} readings/s acked after commit = ${ratio(m, ref)} of the raw insert ceiling; ${ratio(m, 35_000)} of the 35 000/s peak target; ack p99 median ${fmt(median(p99s[mode]), 1)} ms`);
    }
    console.log(`stored: ${fmt(stored.ingest.stored)} new readings in ${fmt(stored.ingest.commits)} commits (group commit), ${fmt(stored.ingest.rejected)} refused`);
    await http.close();
  } finally {
    await app.close();
    await db.drop();
  }
}

if (strArg('client')) await client();
else await server();
