import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../src/platform/testing/test-database.ts';
import { CLI, REPO_ROOT, cliEnv, waitForOutput } from '../support/cli-run.ts';

/*
 * `npm start` as a person runs it: the embedded SQLite default, the demo city loaded on first start,
 * the URL printed; a clean stop on SIGTERM; a quick restart on the same file without a second demo.
 */

const onPostgres = testEngine() === 'postgres';
if (onPostgres) console.warn('skipped: start.e2e is about the embedded SQLite default (`npm start`); it does not run on PostgreSQL');

interface Started {
  child: ChildProcess;
  base: string;
  output: () => string;
  readyMs: number;
}

const children: ChildProcess[] = [];

/** Spawn `cityloop start` and wait for its URL. */
async function start(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, 'start'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const m = await waitForOutput(child, /CityLoop is running at (http:\/\/localhost:(\d+))/, timeoutMs);
  const readyMs = performance.now() - t0;
  expect(Number(m[2]), 'the printed port is the one it listens on, not 0').toBeGreaterThan(0);
  return { child, base: m[1]!, output: () => out, readyMs };
}

/** SIGTERM and wait for the exit; resolves with the exit code (null if it had to be killed). */
function stop(child: ChildProcess, timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, signal: child.signalCode });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
    child.kill('SIGTERM');
  });
}

let cookie = '';

async function json<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers: cookie ? { cookie } : {} });
  return { status: res.status, body: (await res.json()) as T };
}

/** Sign in as a demo account; later requests carry its session cookie. */
async function signIn(base: string, username: string): Promise<void> {
  const res = await fetch(`${base}/api/v1/identity/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'cityloop-demo' }) });
  expect(res.status).toBe(200);
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  expect(cookie).toMatch(/^cityloop_session=/);
}

describe.skipIf(onPostgres)('cityloop start (npm start) on the embedded SQLite default', () => {
  let folder: string;
  let env: NodeJS.ProcessEnv;
  let first: Started;
  let casesAfterFirstStart = 0;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'cityloop-start-e2e-'));
    // Port 0: the OS picks a free port and the printed URL names it.
    env = cliEnv(join(folder, 'cityloop.sqlite'), { CITYLOOP_DEMO: 'auto', CITYLOOP_PORT: '0', CITYLOOP_HOST: '127.0.0.1', CITYLOOP_LOG_LEVEL: 'info' });
  });

  afterAll(async () => {
    for (const child of children) await stop(child, 5_000);
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('loads the demo city on first start and prints the URL', async () => {
    first = await start(env, 120_000);
    console.log(`first start (demo city load) ready in ${(first.readyMs / 1000).toFixed(1)} s at ${first.base}`);
    expect(first.output()).toMatch(/demo city: \d+ cases replayed/);
    expect(first.output()).toMatch(/demo city loaded/);
    expect(first.output()).toContain(`API docs: ${first.base}/api/docs`);
    // The first admin's generated password is printed once, on the first start only.
    expect(first.output()).toMatch(/username: admin\n\s+password: \S{12,}/);
  });

  it('answers /health, lists cases with masked phones, serves the OpenAPI document and Prometheus metrics', async () => {
    const health = await json<{ status: string }>(`${first.base}/health`);
    expect(health).toEqual({ status: 200, body: { status: 'ok' } });
    expect((await json(`${first.base}/api/v1/cases?limit=5`)).status).toBe(401);
    await signIn(first.base, 'demo-dispatcher');

    const list = await json<{ items: Array<{ number: string; requesterPhone: string | null }>; total: number }>(`${first.base}/api/v1/cases?limit=5`);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(5);
    expect(list.body.total).toBeGreaterThan(1000);
    casesAfterFirstStart = list.body.total;
    // Lists never show a whole phone number.
    const many = await json<{ items: Array<{ requesterPhone: string | null }> }>(`${first.base}/api/v1/cases?limit=200`);
    const phones = many.body.items.map((i) => i.requesterPhone).filter((p): p is string => p !== null);
    expect(phones.length).toBeGreaterThan(0);
    for (const phone of phones) expect(phone).toMatch(/^\d{3}\*+\d{4}$/);

    const openapi = await json<{ openapi: string; paths: Record<string, unknown> }>(`${first.base}/api/openapi.json`);
    expect(openapi.status).toBe(200);
    expect(openapi.body.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/api/v1/cases', '/api/v1/cases/{id}', '/api/v1/cases/public/query']));

    const metrics = await fetch(`${first.base}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/^# TYPE cityloop_cases gauge$/m);
    const byState = [...text.matchAll(/^cityloop_cases\{state="(\w+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])] as const);
    expect(byState.length).toBeGreaterThan(1);
    expect(byState.reduce((sum, [, n]) => sum + n, 0)).toBe(casesAfterFirstStart);
  });

  it('stops cleanly on SIGTERM', async () => {
    const t0 = performance.now();
    const exit = await stop(first.child);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(performance.now() - t0).toBeLessThan(10_000);
    await expect(fetch(`${first.base}/health`)).rejects.toThrow();
  });

  it('restarts on the same file within 10 s without loading the demo city again', async () => {
    const again = await start(env, 30_000);
    console.log(`restart ready in ${(again.readyMs / 1000).toFixed(1)} s`);
    expect(again.readyMs).toBeLessThan(10_000);
    expect(again.output()).not.toMatch(/demo city/);
    expect(again.output()).not.toMatch(/password: \S{12,}/);
    await signIn(again.base, 'demo-dispatcher');
    const list = await json<{ total: number }>(`${again.base}/api/v1/cases?limit=1`);
    expect(list.body.total).toBe(casesAfterFirstStart);
    expect((await stop(again.child)).code).toBe(0);
  });
});
