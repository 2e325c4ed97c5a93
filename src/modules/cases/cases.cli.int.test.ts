import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../app/cli.ts';
import { AppError } from '../../platform/errors/app-error.ts';

// Made-up NYC 311 rows: one case on 1 March 2011, three on the 2nd, two on the 3rd (01:00 in New York is
// 14:00 the same day in the city's zone), so ranking by count and ordering by date differ.
const CSV = [
  'Unique Key,Created Date,Agency,Complaint Type,Descriptor,Status',
  '7001,03/01/2011 01:00:00 AM,DOT,Street Light Condition,Street Light Out,Open',
  ...['7002', '7003', '7004'].map((k) => `${k},03/02/2011 01:00:00 AM,DOT,Street Light Condition,Street Light Out,Open`),
  ...['7005', '7006'].map((k) => `${k},03/03/2011 01:00:00 AM,DOT,Street Light Condition,Street Light Out,Open`),
  '',
].join('\n');

let dir: string;
let stdout: string;

/** Runs `cityloop <args>` in this process; resolves to what it printed on stdout. */
async function cityloop(...args: string[]): Promise<string> {
  stdout = '';
  await buildProgram().exitOverride().parseAsync(['node', 'cityloop', ...args]);
  return stdout;
}

async function refusal(...args: string[]): Promise<AppError> {
  const err: unknown = await cityloop(...args).then(() => undefined, (e: unknown) => e);
  if (!(err instanceof AppError)) throw new Error(`cityloop ${args.join(' ')}: expected an AppError, got ${String(err)}`);
  return err;
}

describe('cityloop case list / kpi options', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cityloop-cases-cli-'));
    vi.stubEnv('CITYLOOP_DATABASE_URL', join(dir, 'cityloop.sqlite'));
    vi.stubEnv('CITYLOOP_DEMO', 'off');
    vi.stubEnv('CITYLOOP_LOG_LEVEL', 'warn');
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += chunk.toString();
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    writeFileSync(join(dir, 'nyc.csv'), CSV);
    await cityloop('import', 'nyc311', join(dir, 'nyc.csv'), '--json');
  });

  afterAll(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an unknown --state with a coded error naming it', async () => {
    const err = await refusal('case', 'list', '--state', 'foo');
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', field: 'state' });
    expect(err.en).toContain('unknown state: foo');
  });

  it.each(['abc', '0', '-5'])('refuses --limit %s', async (limit) => {
    expect(await refusal('case', 'list', `--limit=${limit}`)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'limit' });
  });

  it('lists with a valid state filter and limit', async () => {
    type Listed = { total: number; items: Array<{ state: string }> };
    const all = JSON.parse(await cityloop('case', 'list', '--limit', '500', '--json')) as Listed;
    expect(all.total).toBe(6);
    const state = all.items[0]?.state ?? '';
    const filtered = JSON.parse(await cityloop('case', 'list', '--state', `${state},merged`, '--limit', '2', '--json')) as Listed;
    expect(filtered.total).toBe(all.items.filter((c) => c.state === state).length);
    expect(filtered.items.map((c) => c.state)).toEqual([state, state]);
    const none = JSON.parse(await cityloop('case', 'list', '--state', 'merged', '--json')) as Listed;
    expect(none.total).toBe(0);
  });

  it('refuses an unknown kpi grouping', async () => {
    const err = await refusal('kpi', '--from', '2011-03-01', '--to', '2011-03-31', '--by', 'nonsense');
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', field: 'by' });
  });

  it('prints kpi --by day in date order, in the table and in JSON', async () => {
    const json = JSON.parse(await cityloop('kpi', '--from', '2011-03-01', '--to', '2011-03-31', '--by', 'day', '--json')) as { items: Array<{ key: string; counters: { total?: number } }> };
    expect(json.items.map((r) => [r.key, r.counters.total])).toEqual([['2011-03-01', 1], ['2011-03-02', 3], ['2011-03-03', 2]]);
    const table = await cityloop('kpi', '--from', '2011-03-01', '--to', '2011-03-31', '--by', 'day');
    expect(table.split('\n').slice(1).map((line) => line.split(' ')[0]).filter(Boolean)).toEqual(['2011-03-01', '2011-03-02', '2011-03-03']);
  });
});
