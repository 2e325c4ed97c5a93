import { describe, expect, it } from 'vitest';
import { SeededRandom } from './seeded-random.ts';

const draw = (seed: number, n: number): number[] => {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('SeededRandom', () => {
  it('repeats the same sequence for the same seed', () => {
    expect(draw(42, 50)).toEqual(draw(42, 50));
  });

  it('gives different sequences for different seeds', () => {
    expect(draw(1, 10)).not.toEqual(draw(2, 10));
  });

  it('stays in [0, 1) and spreads roughly uniformly', () => {
    const xs = draw(7, 20_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it('draws integers within both inclusive ends and reaches each end', () => {
    const rng = new SeededRandom(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(rng.int(2, 5));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });

  it('never picks an item of zero weight and favours heavier ones', () => {
    const rng = new SeededRandom(11);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 5000; i++) counts[rng.weighted([['a', 1], ['b', 0], ['c', 3]] as const)]++;
    expect(counts.b).toBe(0);
    expect(counts.c).toBeGreaterThan(counts.a * 2);
  });

  it('shuffles into a permutation without touching the input', () => {
    const input = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = new SeededRandom(5).shuffle(input);
    expect(input).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...out].sort((a, b) => a - b)).toEqual(input);
  });

  it('refuses to pick from an empty list', () => {
    expect(() => new SeededRandom(1).pick([])).toThrow();
  });
});
