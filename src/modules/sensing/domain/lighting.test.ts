import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIGHTING, lightingLevel, replayLighting, type LightingPolicy } from './lighting.ts';

const at = (local: string) => Date.parse(`${local}+08:00`);

describe('street lighting from footfall', () => {
  it('is off by day, at the minimum on an empty street at night, full with a crowd', () => {
    expect(lightingLevel(DEFAULT_LIGHTING, 500, 0, at('2026-12-04T12:00:00'))).toBe(0);
    expect(lightingLevel(DEFAULT_LIGHTING, 0, 0, at('2026-12-04T23:00:00'))).toBe(20);
    expect(lightingLevel(DEFAULT_LIGHTING, 300, 20, at('2026-12-04T23:00:00'))).toBe(100);
    expect(lightingLevel(DEFAULT_LIGHTING, 150, 20, at('2026-12-04T23:00:00'))).toBe(60);
  });

  it('goes up at once but down by at most one ramp step per decision', () => {
    expect(lightingLevel(DEFAULT_LIGHTING, 0, 100, at('2026-12-04T23:00:00'))).toBe(80);
    expect(lightingLevel(DEFAULT_LIGHTING, 0, 30, at('2026-12-04T23:00:00'))).toBe(20);
  });

  it('keeps an energy ledger against full brightness', () => {
    const hours = Array.from({ length: 24 }, (_, h) => ({ at: at(`2026-12-04T${String(h).padStart(2, '0')}:00:00`), count: 0 }));
    const { ledger, levels } = replayLighting(DEFAULT_LIGHTING, hours, 100);
    // 00–06 (6.5 h window: hours starting 00..06) and 18–23: 13 night hours at 20 %.
    expect(ledger.nightHours).toBe(13);
    expect(ledger.fullKwh).toBeCloseTo(1.3, 9);
    expect(ledger.usedKwh).toBeCloseTo(0.26, 9);
    expect(ledger.saving).toBeCloseTo(0.8, 9);
    expect(levels[12]).toBe(0);
  });
});

const dir = process.env.CITYLOOP_REAL_DATA;
const FILE = dir ? join(dir, 'pedestrian', 'melbourne_pedestrian_hourly_2015-2016_4sensors.csv') : '';
if (!dir) console.warn('skipped: CITYLOOP_REAL_DATA not set (street lighting on Melbourne hourly pedestrian counts)');

describe.skipIf(!dir || !existsSync(FILE))('street lighting on City of Melbourne hourly pedestrian counts (4 sensors, 2015–2016)', () => {
  // Local Melbourne times; the night window is read in that local time (offset 0 on local-as-UTC instants).
  const MELBOURNE: LightingPolicy = { ...DEFAULT_LIGHTING, night: { utcOffsetMin: 0, windows: [{ from: '18:00', to: '06:30' }] } };
  const bySensor = new Map<string, Array<{ at: number; count: number }>>();
  if (dir && existsSync(FILE)) {
    for (const line of readFileSync(FILE, 'utf8').split('\n').slice(1)) {
      const [sensor, local, , , count] = line.split(',');
      if (!sensor || !local || count === undefined) continue;
      const list = bySensor.get(sensor) ?? [];
      list.push({ at: Date.parse(`${local.replace(' ', 'T')}:00Z`), count: Number(count) });
      bySensor.set(sensor, list);
    }
  }

  it('saves energy on every sensor without ever leaving a night street below the minimum', () => {
    expect(bySensor.size).toBe(4);
    for (const [sensor, hours] of bySensor) {
      hours.sort((a, b) => a.at - b.at);
      const { levels, ledger } = replayLighting(MELBOURNE, hours, 150);
      console.log(`lighting ${sensor}: ${ledger.nightHours} night hours, ${ledger.usedKwh.toFixed(1)} of ${ledger.fullKwh.toFixed(1)} kWh at full brightness (150 W): saving ${(100 * ledger.saving).toFixed(1)} %`);
      expect(ledger.nightHours, sensor).toBeGreaterThan(5000);
      // Busy city streets still dim in the small hours; a quiet one saves most.
      expect(ledger.saving, sensor).toBeGreaterThan(0.2);
      expect(ledger.saving, sensor).toBeLessThan(0.8);
      hours.forEach((h, i) => {
        const local = new Date(h.at).getUTCHours() * 60 + new Date(h.at).getUTCMinutes();
        const night = local >= 18 * 60 || local < 6 * 60 + 30;
        if (night) expect(levels[i]!, `${sensor} ${new Date(h.at).toISOString()}`).toBeGreaterThanOrEqual(20);
        else expect(levels[i], sensor).toBe(0);
      });
    }
  });
});
