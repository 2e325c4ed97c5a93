import { describe, expect, it } from 'vitest';
import { validateGeometry, type LinearRing } from './area.ts';
import { AreaIndex } from './area-index.ts';
import { buildSyntheticCity, seededRandom, type SyntheticCityOptions } from './synthetic-city.ts';

describe('buildSyntheticCity', () => {
  const city = buildSyntheticCity();

  it('builds 1 city, 4 districts, 40 streets, 80 communities and 2,000 grids, parents first', () => {
    const count = (level: string) => city.filter((a) => a.level === level).length;
    expect([count('city'), count('district'), count('street'), count('community'), count('grid')]).toEqual([1, 4, 40, 80, 2000]);
    const seen = new Set<string>();
    for (const a of city) {
      if (a.parentId !== null) expect(seen.has(a.parentId)).toBe(true);
      seen.add(a.id);
    }
  });

  it('gives every grid a valid closed 12-gon boundary', () => {
    const grid = city.find((a) => a.level === 'grid');
    expect(validateGeometry(grid?.boundary).ok).toBe(true);
    expect(new Set((grid?.boundary?.coordinates[0] as LinearRing).map((p) => p.join())).size).toBe(12);
  });

  it('nests exactly: a point inside each grid locates to the grid, with its parents as the chain', () => {
    const index = new AreaIndex(city);
    for (const grid of city.filter((a) => a.level === 'grid')) {
      const ring = (grid.boundary?.coordinates[0] as LinearRing).slice(0, -1);
      const x = ring.reduce((s, p) => s + p[0], 0) / ring.length;
      const y = ring.reduce((s, p) => s + p[1], 0) / ring.length;
      expect(index.locateAll(x, y).map((a) => a.id)).toEqual([grid.id, ...index.ancestors(grid.id).map((a) => a.id)]);
    }
  });

  it('is reproducible for a seed and differs across seeds', () => {
    const small: Partial<SyntheticCityOptions> = { cols: 4, rows: 4, districtBlock: [2, 2], streetBlock: [2, 2], communityBlock: [1, 1] };
    const a = buildSyntheticCity({ ...small, seed: 1 });
    const b = buildSyntheticCity({ ...small, seed: 1 });
    const c = buildSyntheticCity({ ...small, seed: 2 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('refuses block sizes that do not divide their parent block', () => {
    expect(() => buildSyntheticCity({ streetBlock: [7, 10] })).toThrow(RangeError);
  });

  it('draws seeded random numbers in [0, 1)', () => {
    const rand = seededRandom(42);
    const values = Array.from({ length: 1000 }, rand);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(seededRandom(42)()).toBe(values[0]);
  });
});
