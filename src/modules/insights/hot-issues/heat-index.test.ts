import { describe, expect, it } from 'vitest';
import { heatOf, peakCount } from './heat-index.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2019-01-01T00:00:00Z');
const period = { periodStart: T0, periodEnd: T0 + 120 * DAY };
const days = (...d: number[]) => d.map((x) => T0 + x * DAY);

describe('heatOf', () => {
  it('computes the documented formula for a known issue', () => {
    // V = 4 + 0.25·1 = 4.25; S = 10 − 0.5·2 = 9; B = ln 5.25 + 0.3·ln 10; b = 1 (all within 30 days), C = 1;
    // the recent window is the last 30 days, no message there: G = 1 + 0.15·ln(0.05 / 0.3) → 0.85 (floor).
    const h = heatOf({ times: days(1, 2, 3, 10, 11), requesters: 4, likes: 10, dislikes: 2, ...period });
    const expected = 10 * (Math.log(5.25) + 0.3 * Math.log(10)) * 1 * 0.85;
    expect(h.heat).toBeCloseTo(Math.round(expected * 10) / 10, 5);
    expect(h).toMatchObject({ voices: 4.25, support: 9, burst: 1, growth: 0.85 });
  });

  it('ranks more distinct requesters above one person posting many times', () => {
    const many = heatOf({ times: days(1, 2, 3, 4, 5, 6), requesters: 6, likes: 0, dislikes: 0, ...period });
    const one = heatOf({ times: days(1, 2, 3, 4, 5, 6), requesters: 1, likes: 0, dislikes: 0, ...period });
    expect(many.heat).toBeGreaterThan(one.heat);
    expect(one.voices).toBe(2.25);
  });

  it('rewards support with diminishing returns and lets dislikes take it back', () => {
    const base = { times: days(1, 2, 3), requesters: 3, ...period };
    const a = heatOf({ ...base, likes: 0, dislikes: 0 }).heat;
    const b = heatOf({ ...base, likes: 100, dislikes: 0 }).heat;
    const c = heatOf({ ...base, likes: 1000, dislikes: 0 }).heat;
    const d = heatOf({ ...base, likes: 100, dislikes: 200 }).heat;
    expect(b).toBeGreaterThan(a);
    expect(c - b).toBeLessThan(b - a);
    expect(d).toBe(a);
  });

  it('makes a burst hotter than the same messages spread over months and a rising issue hotter than a fading one', () => {
    const burst = heatOf({ times: days(100, 101, 102, 103), requesters: 4, likes: 0, dislikes: 0, ...period });
    const spread = heatOf({ times: days(0, 40, 80, 103), requesters: 4, likes: 0, dislikes: 0, ...period });
    const fading = heatOf({ times: days(10, 11, 12, 13), requesters: 4, likes: 0, dislikes: 0, ...period });
    expect(burst.heat).toBeGreaterThan(spread.heat);
    expect(burst.growth).toBeGreaterThan(1.15);
    expect(fading.growth).toBe(0.85);
    expect(burst.heat).toBeGreaterThan(fading.heat);
  });

  it('is zero for no messages', () => {
    expect(heatOf({ times: [], requesters: 0, likes: 5, dislikes: 0, ...period }).heat).toBe(0);
  });
});

describe('peakCount', () => {
  it('counts the most times inside any window', () => {
    expect(peakCount(days(0, 1, 2, 40, 41), 30 * DAY)).toBe(3);
    expect(peakCount([], 30 * DAY)).toBe(0);
  });
});
