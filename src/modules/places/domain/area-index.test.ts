import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors/app-error.ts';
import type { AreaGeometry, AreaLevel, AreaRecord, LinearRing } from './area.ts';
import { AreaIndex } from './area-index.ts';
import { compileGeometry, containsPoint } from './point-in-polygon.ts';
import { buildSyntheticCity, seededRandom } from './synthetic-city.ts';

const rect = (x0: number, y0: number, x1: number, y1: number): LinearRing =>
  [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
const poly = (...rings: LinearRing[]): AreaGeometry => ({ type: 'Polygon', coordinates: rings });
const area = (code: string, level: AreaLevel, parent: string | null, boundary: AreaGeometry | null): AreaRecord =>
  ({ id: `are_${code}`, code, name: code.toUpperCase(), level, parentId: parent === null ? null : `are_${parent}`, boundary });

// An 8 × 8 city: district d1 (west half) holds street s2 with a hole filled by the enclave street s3;
// district d2 (east half) is a MultiPolygon with an island outside the city and two overlapping grids.
const AREAS: AreaRecord[] = [
  area('c', 'city', null, poly(rect(0, 0, 8, 8))),
  area('c-d1', 'district', 'c', poly(rect(0, 0, 4, 8))),
  area('c-d2', 'district', 'c', { type: 'MultiPolygon', coordinates: [[rect(4, 0, 8, 8)], [rect(10, 0, 11, 1)]] }),
  area('c-d1-s1', 'street', 'c-d1', poly(rect(0, 0, 4, 4))),
  area('c-d1-s2', 'street', 'c-d1', poly(rect(0, 4, 4, 8), rect(1, 5, 3, 7))),
  area('c-d1-s3', 'street', 'c-d1', poly(rect(1, 5, 3, 7))),
  area('c-d1-s1-m1', 'community', 'c-d1-s1', poly(rect(0, 0, 2, 2))),
  area('c-d1-s1-m1-g1', 'grid', 'c-d1-s1-m1', poly(rect(0, 0, 1, 1))),
  area('c-d1-s1-m1-g2', 'grid', 'c-d1-s1-m1', poly(rect(1, 0, 2, 1))),
  area('c-d2-g1', 'grid', 'c-d2', poly(rect(5, 5, 7, 7))),
  area('c-d2-g2', 'grid', 'c-d2', poly(rect(5.5, 5.5, 6.5, 6.5))),
  area('c-d2-n', 'street', 'c-d2', null),
];
const index = new AreaIndex(AREAS);
const codeAt = (x: number, y: number): string | null => index.locate(x, y)?.code ?? null;
const codes = (list: AreaRecord[]): string[] => list.map((a) => a.code);

describe('AreaIndex.locate', () => {
  it('returns the grid containing the point and the chain up to the city', () => {
    expect(codeAt(0.5, 0.5)).toBe('c-d1-s1-m1-g1');
    expect(codes(index.locateAll(0.5, 0.5))).toEqual(['c-d1-s1-m1-g1', 'c-d1-s1-m1', 'c-d1-s1', 'c-d1', 'c']);
  });

  it('falls back to the deepest area when no grid covers the point', () => {
    expect(codeAt(1.5, 1.5)).toBe('c-d1-s1-m1');
    expect(codeAt(3, 3)).toBe('c-d1-s1');
    expect(codeAt(7.5, 1)).toBe('c-d2');
  });

  it('gives a point on a shared edge or corner to exactly one side: west and south edges belong to an area', () => {
    expect(codeAt(1, 0.5)).toBe('c-d1-s1-m1-g2');
    expect(codeAt(0, 0)).toBe('c-d1-s1-m1-g1');
    expect(codeAt(2, 0.5)).toBe('c-d1-s1');
    expect(codeAt(4, 4)).toBe('c-d2');
    expect(codeAt(3.999, 3.999)).toBe('c-d1-s1');
  });

  it('treats the east and north edges of the whole city as outside', () => {
    expect(codeAt(8, 4)).toBeNull();
    expect(codeAt(4, 8)).toBeNull();
  });

  it('puts a point in a hole into the area that fills the hole, not the holed one', () => {
    expect(codeAt(2, 6)).toBe('c-d1-s3');
    expect(codeAt(1, 6)).toBe('c-d1-s3');
    expect(codeAt(0.5, 6)).toBe('c-d1-s2');
    expect(codeAt(3, 6)).toBe('c-d1-s2');
  });

  it('finds a point on the island of a MultiPolygon district, with the city as parent in the chain', () => {
    expect(codeAt(10.5, 0.5)).toBe('c-d2');
    expect(codes(index.locateAll(10.5, 0.5))).toEqual(['c-d2', 'c']);
    expect(codeAt(9, 0.5)).toBeNull();
  });

  it('breaks a tie between same-level areas by the smaller bounding box', () => {
    expect(codeAt(6, 6)).toBe('c-d2-g2');
    expect(codeAt(5.2, 5.2)).toBe('c-d2-g1');
  });

  it('returns null outside everything and for non-finite coordinates', () => {
    expect(codeAt(-1, -1)).toBeNull();
    expect(codeAt(9, 9)).toBeNull();
    expect(codeAt(Number.NaN, 1)).toBeNull();
    expect(index.locateAll(-1, -1)).toEqual([]);
  });

  it('locates a grid cell of a generated tiling exactly by its half-open rectangle', () => {
    // Columns are districts; each column has its own row cuts, so neighbours meet at T-junctions.
    // Cut values like 100 + k / 777 are not exactly representable, as real coordinates are not.
    const cuts = (base: number) => fc.uniqueArray(fc.integer({ min: 1, max: 999 }), { minLength: 0, maxLength: 6 })
      .map((vs) => [0, ...vs.sort((a, b) => a - b), 1000].map((v) => base + v / 777));
    const tiling = cuts(100).chain((xs) => fc.tuple(fc.constant(xs), fc.tuple(...xs.slice(1).map(() => cuts(30)))));
    fc.assert(
      fc.property(tiling, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 40 }), ([xs, columns], picks) => {
        const [west, east, south, north] = [xs[0] as number, xs[xs.length - 1] as number, 30, 30 + 1000 / 777];
        const records: AreaRecord[] = [area('city', 'city', null, poly(rect(west, south, east, north)))];
        columns.forEach((ys, c) => {
          const [x0, x1] = [xs[c] as number, xs[c + 1] as number];
          records.push(area(`d${c}`, 'district', 'city', poly(rect(x0, south, x1, north))));
          for (let r = 0; r + 1 < ys.length; r++) {
            records.push(area(`d${c}g${r}`, 'grid', `d${c}`, poly(rect(x0, ys[r] as number, x1, ys[r + 1] as number))));
          }
        });
        const tiles = new AreaIndex(records);
        for (const [ci, ri, fx, fy, onX, onY] of picks) {
          const c = ci % columns.length;
          const ys = columns[c] as number[];
          const r = ri % (ys.length - 1);
          // Half the time the point sits exactly on the cell's west or south edge.
          const [x0, x1] = [xs[c] as number, xs[c + 1] as number];
          const [y0, y1] = [ys[r] as number, ys[r + 1] as number];
          const x = onX ? x0 : Math.min(x0 + fx * (x1 - x0), x1);
          const y = onY ? y0 : Math.min(y0 + fy * (y1 - y0), y1);
          const col = xs.findIndex((v, k) => k + 1 < xs.length && v <= x && x < (xs[k + 1] as number));
          const colYs = columns[col] ?? [];
          const row = colYs.findIndex((v, k) => k + 1 < colYs.length && v <= y && y < (colYs[k + 1] as number));
          if (col === -1 || row === -1) {
            // Rounding put the point on the city's east or north edge, which is outside by rule.
            expect(tiles.locateAll(x, y)).toEqual([]);
            continue;
          }
          expect(codes(tiles.locateAll(x, y))).toEqual([`d${col}g${row}`, `d${col}`, 'city']);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with a brute-force scan over all grids of the 2,000-grid synthetic city', () => {
    const city = buildSyntheticCity();
    const grids = city.filter((a) => a.level === 'grid').map((a) => ({ a, g: compileGeometry(a.boundary as AreaGeometry) }));
    const big = new AreaIndex(city);
    const rand = seededRandom(99);
    for (let k = 0; k < 2000; k++) {
      const [x, y] = [120 + rand() * 0.25, 30.2 + rand() * 0.2];
      const brute = grids.find(({ g }) => containsPoint(g, x, y))?.a ?? null;
      expect(big.locate(x, y)).toBe(brute);
    }
  });
});

describe('AreaIndex tree navigation', () => {
  it('lists ancestors from the parent up to the city', () => {
    expect(codes(index.ancestors('are_c-d1-s1-m1-g1'))).toEqual(['c-d1-s1-m1', 'c-d1-s1', 'c-d1', 'c']);
    expect(index.ancestors('are_c')).toEqual([]);
    expect(index.ancestors('are_missing')).toEqual([]);
  });

  it('lists descendants nearest generation first and siblings by code', () => {
    expect(codes(index.descendants('are_c-d1'))).toEqual([
      'c-d1-s1', 'c-d1-s2', 'c-d1-s3', 'c-d1-s1-m1', 'c-d1-s1-m1-g1', 'c-d1-s1-m1-g2',
    ]);
    expect(index.descendants('are_c-d1-s1-m1-g1')).toEqual([]);
    expect(index.descendants('are_c')).toHaveLength(AREAS.length - 1);
  });

  it('lists direct children by code, including areas without a boundary', () => {
    expect(codes(index.children('are_c'))).toEqual(['c-d1', 'c-d2']);
    expect(codes(index.children('are_c-d2'))).toEqual(['c-d2-g1', 'c-d2-g2', 'c-d2-n']);
    expect(index.children('are_missing')).toEqual([]);
  });

  it('says an area is within itself and its ancestors, not within a sibling or an unknown area', () => {
    expect(index.isWithin('are_c-d1-s1-m1-g1', 'are_c-d1')).toBe(true);
    expect(index.isWithin('are_c-d1-s1-m1-g1', 'are_c')).toBe(true);
    expect(index.isWithin('are_c-d1', 'are_c-d1')).toBe(true);
    expect(index.isWithin('are_c-d1-s1-m1-g1', 'are_c-d2')).toBe(false);
    expect(index.isWithin('are_c', 'are_c-d1')).toBe(false);
    expect(index.isWithin('are_missing', 'are_c')).toBe(false);
  });

  it('finds areas by id and by code', () => {
    expect(index.get('are_c-d2')?.code).toBe('c-d2');
    expect(index.byCode('c-d1-s3')?.id).toBe('are_c-d1-s3');
    expect(index.get('c-d2')).toBeNull();
    expect(index.byCode('nope')).toBeNull();
    expect(index.size).toBe(AREAS.length);
  });

  it('works without any boundary: navigation answers, locate finds nothing', () => {
    const bare = new AreaIndex([area('c', 'city', null, null), area('d', 'district', 'c', null)]);
    expect(bare.locate(0, 0)).toBeNull();
    expect(codes(bare.children('are_c'))).toEqual(['d']);
  });
});

describe('AreaIndex construction', () => {
  it('rejects an inconsistent tree listing every problem in one AppError', () => {
    const bad: AreaRecord[] = [
      area('c', 'city', null, null),
      area('c', 'district', 'c', null),
      { ...area('x', 'street', 'ghost', null) },
      area('g', 'grid', 'c', null),
      area('d', 'district', 'g', null),
      area('s', 'street', 'c', { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }),
    ];
    let thrown: unknown;
    try {
      new AreaIndex(bad);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(AppError);
    const err = thrown as AppError;
    expect(err.code).toBe('PLACES_INVALID_AREA_TREE');
    const problems = (err.details?.problems ?? []) as Array<{ code: string; en: string }>;
    expect(problems.map((p) => [p.code, p.en.split(' ').slice(0, 3).join(' ')])).toEqual([
      ['c', 'duplicate area id'],
      ['c', 'duplicate area code'],
      ['x', 'parent area are_ghost'],
      ['d', 'level district cannot'],
      ['s', 'invalid boundary: coordinates[0]'],
    ]);
  });

  it('rejects an area that is its own parent', () => {
    expect(() => new AreaIndex([area('c', 'city', 'c', null)])).toThrow(/cannot sit under city/);
  });
});
