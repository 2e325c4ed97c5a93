import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, REPO_ROOT } from '../../../test/support/cli-run.ts';
import { openDatabase } from '../../platform/db/database.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../../platform/testing/test-database.ts';
import { ALL_MIGRATIONS, compose } from '../../app/compose.ts';
import { loadConfig } from '../../app/config.ts';

/*
 * Nothing acknowledged is lost: a server takes readings over HTTP and MQTT while it is killed with
 * SIGKILL mid-stream; every reading whose batch was acked (HTTP 200 / MQTT PUBACK) must be in the
 * database when it is opened again.
 */
describe(`durable acks on ${testEngine()}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cityloop-kill-'));
  let pgdb: TestDatabase | null = null;
  afterAll(async () => {
    await pgdb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acked reading after kill -9 during ingest', async () => {
    let url = join(dir, 'kill.sqlite');
    if (testEngine() === 'postgres') {
      pgdb = await openTestDatabase(ALL_MIGRATIONS);
      url = pgdb.reopenUrl;
    }
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/support/sensing-child.ts')], {
      cwd: REPO_ROOT, env: cliEnv(url, { CITYLOOP_LOG_LEVEL: 'error', CITYLOOP_MQTT_PORT: '0' }), stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const ports = await new Promise<[number, number, string]>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        out += s;
        const m = /ready (\d+) (\d+) (\S+)/.exec(out);
        if (m) resolve([Number(m[1]), Number(m[2]), m[3]!]);
      });
      child.on('exit', (code) => reject(new Error(`child exited ${code}: ${stderr.slice(-1500)}`)));
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const base = Date.now() - 60_000;
    const acked: number[] = [];
    let seq = 0;
    const batch = (n: number) => Array.from({ length: n }, () => ({ deviceId: 'kill-1', measure: 'acc_z', value: 0.001, ts: base + seq++ }));
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${ports[1]}`, { username: 'gateway', password: ports[2], reconnectPeriod: 0 });
    client.on('error', () => undefined);
    let stop = false;
    let viaMqtt = 0;
    const publisher = async () => {
      while (!stop) {
        const items = batch(200);
        try {
          // Resolves on the PUBACK: the ack of durable storage.
          await client.publishAsync('cityloop/devices/kill-1/readings', JSON.stringify(items), { qos: 1 });
          for (const i of items) acked.push(i.ts);
          viaMqtt += items.length;
        } catch {
          return;
        }
      }
    };
    const sender = async () => {
      while (!stop) {
        const items = batch(200);
        try {
          const res = await fetch(`http://127.0.0.1:${ports[0]}/api/v1/sensing/readings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(items) });
          if (res.status === 200) for (const i of items) acked.push(i.ts);
        } catch {
          return; // the server is gone
        }
      }
    };
    const senders = [sender(), sender(), publisher(), publisher()];
    // Kill once a good number of batches were acked, while the senders keep requests in flight.
    const deadline = Date.now() + 30_000;
    while (acked.length < 6000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await exited;
    stop = true;
    await Promise.race([Promise.all(senders), new Promise((r) => setTimeout(r, 2000))]);
    client.end(true);

    const db = await openDatabase(url);
    try {
      const rows = await sql<{ at: number | string }>`select at from sensing_reading`.execute(db.db);
      const stored = new Set(rows.rows.map((r) => Number(r.at)));
      const lost = acked.filter((at) => !stored.has(at));
      expect(acked.length).toBeGreaterThanOrEqual(6000);
      expect(viaMqtt).toBeGreaterThan(0);
      expect(acked.length - viaMqtt).toBeGreaterThan(0);
      expect(lost).toEqual([]);
    } finally {
      await db.close();
    }
    // The rollups still in memory died with the process: the next start rebuilds them from the raw readings.
    const app = await compose(loadConfig(cliEnv(url), { logLevel: 'silent' }), { defaultMetrics: false });
    try {
      await app.start({ background: false });
      const { items } = await app.sensing.service.rollups('kill-1', { measure: 'acc_z', bucket: 'd', from: new Date(base - 86_400_000).toISOString() });
      const total = Number((await sql<{ n: number | string }>`select count(*) as n from sensing_reading`.execute(app.database.db)).rows[0]!.n);
      expect(items.reduce((n, c) => n + c.count, 0)).toBe(total);
    } finally {
      await app.close();
    }
  });
});
