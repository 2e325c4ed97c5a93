import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTOR, evaluateWindow, lnGamma, recentSlots, sameSlotEarlier, scanSeries, upperTail, windowKey, windowRange, withoutPastSpike } from './spike-detector.ts';

const ZONE = 'Asia/Shanghai';
// Monday 2026-01-05 00:00 local.
const START = DateTime.fromISO('2026-01-05T00:00', { zone: ZONE }).toJSDate();
const HOURS = 365 * 24;

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(lambda: number, rand: () => number): number {
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k += 1;
    p *= rand();
  } while (p > l);
  return k - 1;
}

/** Office-hours rhythm: busy 9–17 on weekdays, a little in the evening, quiet at night and on Sundays. */
function rate(hourIndex: number, scale: number): number {
  const local = DateTime.fromJSDate(new Date(START.getTime() + hourIndex * 3_600_000), { zone: ZONE });
  const h = local.hour;
  const base = h >= 9 && h < 18 ? 1.2 : h >= 18 && h < 22 ? 0.5 : 0.08;
  const weekday = local.weekday === 7 ? 0.3 : local.weekday === 6 ? 0.6 : 1;
  return base * weekday * scale;
}

const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toJSDate();
const hourIndexOf = (iso: string) => Math.round((at(iso).getTime() - START.getTime()) / 3_600_000);

describe('tail probabilities', () => {
  it('match closed forms', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 10);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10);
    // Poisson(1): P(X ≥ 5) = 1 − e⁻¹(1 + 1 + 1/2 + 1/6 + 1/24)
    expect(upperTail(5, 1, 1)).toBeCloseTo(1 - Math.exp(-1) * (1 + 1 + 0.5 + 1 / 6 + 1 / 24), 12);
    // Negative binomial with r = 2, p = 0.5 (mean 2, variance 4): P(X ≥ 1) = 1 − p^r = 0.75
    expect(upperTail(1, 2, 4)).toBeCloseTo(0.75, 12);
    expect(upperTail(0, 3, 3)).toBe(1);
    expect(upperTail(200, 1, 1)).toBeLessThan(1e-300);
  });
});

describe('evaluateWindow', () => {
  it('uses the same-weekday samples with a Jeffreys predictive mean and reports the evidence', () => {
    const v = evaluateWindow(12, 'hour', { weekly: [1, 1, 1, 1, 1, 1, 1, 1], recent: [1, 1, 1, 0, 0, 1, 1] })!;
    expect(v).toMatchObject({ alarm: true, count: 12, expected: 1.0625, dispersion: 1, basis: 'weekly', samples: [1, 1, 1, 1, 1, 1, 1, 1] });
    expect(v.spread).toBeCloseTo(Math.sqrt((1.0625 * 9) / 8), 4);
    // Poisson tail with mean 1.0625, widened by the ninth-part predictive variance.
    expect(v.pValue).toBeGreaterThan(upperTail(12, 1.0625, 1.0625));
    expect(v.pValue).toBeLessThan(1e-6);
  });

  it('does not alarm below the minimum count however unusual', () => {
    const v = evaluateWindow(4, 'hour', { weekly: [0, 0, 0, 0, 0, 0, 0, 0], recent: [] })!;
    expect(v.pValue).toBeLessThan(1e-4);
    expect(v.alarm).toBe(false);
  });

  it('does not alarm on a rise smaller than the minimum ratio of a big series', () => {
    const v = evaluateWindow(140, 'day', { weekly: [100, 100, 100, 100, 100, 100, 100, 100], recent: [] })!;
    expect(v.pValue).toBeLessThan(1e-3);
    expect(v.alarm).toBe(false);
  });

  it('drops one past spike from the samples', () => {
    expect(withoutPastSpike([1, 0, 1, 30, 1, 0])).toEqual([1, 0, 1, 1, 0]);
    expect(withoutPastSpike([3, 4, 5, 6, 7])).toEqual([3, 4, 5, 6, 7]);
    const v = evaluateWindow(12, 'hour', { weekly: [1, 0, 1, 30, 1, 0, 1, 1], recent: [] })!;
    expect(v.alarm).toBe(true);
  });

  it('takes the higher of the weekly and recent levels', () => {
    const v = evaluateWindow(9, 'hour', { weekly: [0, 0, 1], recent: [2, 3, 2, 1] })!;
    expect(v).toMatchObject({ basis: 'recent', expected: 2.125, alarm: false });
  });

  it('uses the recent days alone while the series is younger than three weeks, and gives no verdict before that', () => {
    const v = evaluateWindow(12, 'hour', { weekly: [0, 1], recent: [0, 1, 0] })!;
    expect(v).toMatchObject({ basis: 'recent', expected: 0.5, alarm: true });
    expect(evaluateWindow(9, 'hour', { weekly: [], recent: [1, 0] })).toBeNull();
    expect(evaluateWindow(30, 'day', { weekly: [], recent: [5, 5, 5, 5, 5, 5] })).toBeNull();
  });
});

describe('windows', () => {
  it('keys hours in UTC and days in the city zone', () => {
    const t = new Date('2026-03-04T17:30:00Z'); // 01:30 on 5 March in Shanghai
    expect(windowKey(t, 'hour', ZONE)).toBe('2026-03-04T17');
    expect(windowKey(t, 'day', ZONE)).toBe('2026-03-05');
    expect(windowRange('2026-03-05', 'day', ZONE).start.toISOString()).toBe('2026-03-04T16:00:00.000Z');
  });

  it('finds the same weekday and local hour in earlier weeks, across a clock change', () => {
    expect(sameSlotEarlier('2026-03-04T17', 'hour', 2, ZONE)).toEqual(['2026-02-25T17', '2026-02-18T17']);
    expect(sameSlotEarlier('2026-03-05', 'day', 2, ZONE)).toEqual(['2026-02-26', '2026-02-19']);
    expect(recentSlots('2026-03-04T17', 'hour', 2, ZONE)).toEqual(['2026-03-03T17', '2026-03-02T17']);
    expect(recentSlots('2026-03-05', 'day', 2, ZONE)).toEqual(['2026-03-04', '2026-03-03']);
    // New York moved its clocks on 8 March 2026: 10:00 local is 14:00 UTC after, 15:00 UTC before.
    expect(sameSlotEarlier('2026-03-10T14', 'hour', 1, 'America/New_York')).toEqual(['2026-03-03T15']);
  });
});

describe('scanSeries', () => {
  it('finds exactly the injected spike in a regular series, with its evidence', () => {
    const hourly = new Int32Array(12 * 7 * 24);
    for (let i = 0; i < hourly.length; i++) {
      const local = DateTime.fromJSDate(new Date(START.getTime() + i * 3_600_000), { zone: ZONE });
      if (local.weekday <= 5 && local.hour >= 9 && local.hour < 18) hourly[i] = 1;
    }
    const spike = hourIndexOf('2026-03-18T10:00'); // a Wednesday, 10 weeks in
    hourly[spike] = 20;
    const alarms = scanSeries(hourly, START, ZONE);
    expect(alarms.map((a) => [a.grain, a.key, a.verdict.count, a.verdict.expected])).toEqual([
      ['hour', '2026-03-18T02', 20, 1.0625],
      ['day', '2026-03-18', 28, 9.0625],
    ]);
  });

  it('raises nothing over a quiet year with daily and weekly rhythm (Poisson noise)', () => {
    const rand = rng(20261203);
    const hourly = Array.from({ length: HOURS }, (_, i) => poisson(rate(i, 1), rand));
    expect(hourly.reduce((a, b) => a + b, 0)).toBeGreaterThan(3000);
    expect(scanSeries(hourly, START, ZONE)).toEqual([]);
  });

  it('raises nothing over a quiet but over-dispersed year', () => {
    const rand = rng(7);
    // Gamma-mixed Poisson (shape 4): variance 1 + mean/4 times the mean.
    const gamma4 = () => -Math.log(rand() * rand() * rand() * rand()) / 4;
    const hourly = Array.from({ length: HOURS }, (_, i) => poisson(rate(i, 1.5) * gamma4(), rand));
    expect(scanSeries(hourly, START, ZONE)).toEqual([]);
  });

  it('raises nothing for a slow rise of half again over the year', () => {
    const rand = rng(99);
    const hourly = Array.from({ length: HOURS }, (_, i) => poisson(rate(i, 1 + (0.5 * i) / HOURS), rand));
    expect(scanSeries(hourly, START, ZONE)).toEqual([]);
  });

  it('finds every one of several spikes injected into a noisy year and nothing else', () => {
    const rand = rng(4242);
    const hourly = Array.from({ length: HOURS }, (_, i) => poisson(rate(i, 1), rand));
    const spikes = ['2026-02-10T15:00', '2026-06-02T11:00', '2026-10-21T20:00'].map(hourIndexOf);
    for (const s of spikes) hourly[s] = hourly[s]! + 15;
    const hourAlarms = scanSeries(hourly, START, ZONE).filter((a) => a.grain === 'hour');
    expect(hourAlarms.map((a) => a.key)).toEqual(spikes.map((s) => new Date(START.getTime() + s * 3_600_000).toISOString().slice(0, 13)));
    expect(DEFAULT_DETECTOR.alpha.hour).toBe(1e-5);
  });
});
