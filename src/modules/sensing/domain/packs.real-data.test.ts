import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACK_RULES } from './packs.ts';
import { newRuleState, onReading, type RuleDef } from './rules.ts';

const dir = process.env.CITYLOOP_REAL_DATA;
const BRIDGE = dir ? join(dir, 'bridge_shm', 'munich_test_bridge_2022-04-11_ref_support_load_01_all_sensors_100Hz.csv') : '';
const TEMPERATURE = dir ? join(dir, 'bridge_shm', 'munich_test_bridge_2022-04-11_ref_load_01_temperature.csv') : '';
if (!dir) console.warn('skipped: CITYLOOP_REAL_DATA not set (bridge pack on the Munich test bridge load test at 100 Hz)');

/** Replay a series through one rule; returns its transitions as "raise@s" / "clear@s" (seconds from the start). */
function replay(rule: RuleDef, series: ReadonlyArray<{ measure: string; value: number; at: number }>): string[] {
  const t0 = series[0]!.at;
  const state = newRuleState(rule, t0);
  const out: string[] = [];
  for (const r of series) {
    const t = onReading(rule, state, { deviceId: 'bridge', ...r });
    if (t) out.push(`${t.kind}@${Math.round((t.at - t0) / 1000)}`);
  }
  return out;
}

describe.skipIf(!dir || !existsSync(BRIDGE))('bridge pack on the Munich test bridge reference load test (72 000 rows at 100 Hz)', () => {
  const rows = dir && existsSync(BRIDGE)
    ? readFileSync(BRIDGE, 'utf8').split('\n').slice(1).filter(Boolean).map((line) => {
      const [time, acc, strain, , incl] = line.split(',');
      // Times carry no zone; only differences matter here.
      return { at: Date.parse(`${time!.replace(' ', 'T')}Z`), acc: Number(acc), strain: Number(strain), incl: Number(incl) };
    })
    : [];
  // Air temperature of the same test (1 Hz file, "dd.mm.yyyy hh:mm:ss.mmm"): its mean compensates the strain.
  const temps = dir && existsSync(TEMPERATURE) ? readFileSync(TEMPERATURE, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => Number(l.split(',')[1])).filter(Number.isFinite) : [];
  const airC = temps.reduce((a, b) => a + b, 0) / Math.max(1, temps.length);
  const rule = (id: string) => PACK_RULES.bridge.find((r) => r.id === id)!;

  it('reads the whole 12-minute test', () => {
    expect(rows).toHaveLength(72_000);
    expect(airC).toBeGreaterThan(-10);
    expect(airC).toBeLessThan(20);
  });

  it('raises one yellow and one orange acceleration episode when the load passes (~105 s), no red, each cleared once quiet for 10 s', () => {
    const acc = rows.map((r) => ({ measure: 'acc_z', value: r.acc, at: r.at }));
    const yellow = replay(rule('bridge.acc_z.yellow'), acc);
    const orange = replay(rule('bridge.acc_z.orange'), acc);
    expect(yellow).toEqual(['raise@105', 'clear@115']);
    expect(orange).toEqual(['raise@105', 'clear@115']);
    expect(replay(rule('bridge.acc_z.red'), acc)).toEqual([]);
  });

  it('sees no tilt: the inclinometer vibrates ±0.3° but its 1 s mean stays near 0 (raw samples would flap over 100 times)', () => {
    const incl = rows.map((r) => ({ measure: 'incl_deg', value: r.incl, at: r.at }));
    for (const level of ['yellow', 'orange', 'red']) expect(replay(rule(`bridge.incl_deg.${level}`), incl)).toEqual([]);
    const raw: RuleDef = { ...rule('bridge.incl_deg.yellow'), condition: { kind: 'threshold', measure: 'incl_deg', op: '>', value: 0.15, abs: true }, clearForS: 0 };
    expect(replay(raw, incl).length).toBeGreaterThan(100);
  });

  it('keeps temperature-compensated strain within its bands under the reference load', () => {
    const strain = rows.flatMap((r, i) => (i % 100 === 0 ? [{ measure: 'temp_c', value: airC, at: r.at }] : [])
      .concat([{ measure: 'strain', value: r.strain, at: r.at }]));
    for (const level of ['yellow', 'orange', 'red']) expect(replay(rule(`bridge.strain.${level}`), strain)).toEqual([]);
    // The compensation is applied: against a reference temperature 20-odd °C below the air, the thermal part pushes |strain| past 600.
    const cold: RuleDef = { ...rule('bridge.strain.yellow'), condition: { kind: 'threshold', measure: 'strain', op: '>', value: 600, abs: true, tempComp: { measure: 'temp_c', perDegree: 10.8, refC: airC - 22 } } };
    expect(replay(cold, strain)[0]).toBe('raise@0');
  });
});
