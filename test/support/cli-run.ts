import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropTestSchema, testDatabaseUrl, testEngine } from '../../src/platform/testing/test-database.ts';
import { TEST_DATA_KEYS_ENV } from './test-keys.ts';

/** The repository root (where bin/cityloop.js lives). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The CLI entry point, run with the current node. */
export const CLI = join(REPO_ROOT, 'bin', 'cityloop.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the run. */
  ms: number;
}

/**
 * The environment for a child CityLoop process: the parent's without any CITYLOOP_* key (so a
 * developer's settings cannot leak in), plus the database, no demo city and quiet logs unless overridden.
 */
export function cliEnv(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CITYLOOP_')) env[k] = v;
  return { ...env, CITYLOOP_DATABASE_URL: databaseUrl, CITYLOOP_DEMO: 'off', CITYLOOP_LOG_LEVEL: 'warn', ...(databaseUrl.startsWith('postgres') ? TEST_DATA_KEYS_ENV : {}), ...extra };
}

/** Run `node bin/cityloop.js <args>` to completion; fails the promise only when it cannot start or times out. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<CliResult> {
  const t0 = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cityloop ${args.join(' ')} timed out after ${timeoutMs} ms\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/**
 * The pretty-printed JSON document a `--json` command prints (from the first line that is just `{`),
 * ignoring anything printed before it.
 */
export function jsonOutput<T>(stdout: string): T {
  const at = stdout.startsWith('{\n') ? 0 : stdout.indexOf('\n{\n');
  if (at < 0) throw new Error(`no JSON document in output:\n${stdout.slice(0, 2000)}`);
  return JSON.parse(stdout.slice(at)) as T;
}

/** A database a child process can open by URL, and drop afterwards. */
export interface CliDatabase {
  readonly url: string;
  readonly engine: 'sqlite' | 'postgres';
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for child processes: a SQLite file in a temp folder by default, or a new
 * PostgreSQL schema (`?schema=<name>`) when CITYLOOP_TEST_DATABASE_URL points at PostgreSQL.
 */
export async function freshCliDatabase(label: string): Promise<CliDatabase> {
  if (testEngine() === 'postgres') {
    const base = testDatabaseUrl()!;
    const schema = `e2e_${label.replace(/[^a-z0-9_]/g, '_')}_${randomBytes(4).toString('hex')}`;
    const u = new URL(base);
    u.searchParams.set('schema', schema);
    return {
      url: u.toString(),
      engine: 'postgres',
      drop: () => dropTestSchema(base, schema),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), `cityloop-${label}-`));
  return {
    url: join(dir, 'cityloop.sqlite'),
    engine: 'sqlite',
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Wait until the child prints a line matching `pattern` (stdout or stderr); rejects if it exits or times out first. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolvePromise, reject) => {
    let seen = '';
    const onData = (chunk: Buffer | string) => {
      seen += chunk.toString();
      const m = seen.match(pattern);
      if (m) {
        cleanup();
        resolvePromise(m);
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`process exited (code ${code}, signal ${signal}) before printing ${pattern}:\n${seen.slice(-3000)}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${seen.slice(-3000)}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}
