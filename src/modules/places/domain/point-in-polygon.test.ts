import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AreaGeometry, LinearRing, LngLat } from './area.ts';
import { compileGeometry, containsPoint } from './point-in-polygon.ts';
import { buildSyntheticCity } from './synthetic-city.ts';

const rect = (x0: number, y0: number, x1: number, y1: number): LinearRing =>
  [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];

/** Distance from (x, y) to the nearest edge of any ring of the geometry. */
function distanceToBoundary(geometry: AreaGeometry, x: number, y: number): number {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let best = Infinity;
  for (const ring of polygons.flat()) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [ax, ay] = ring[i] as LngLat;
      const [bx, by] = ring[i + 1] as LngLat;
      const len2 = (bx - ax) ** 2 + (by - ay) ** 2;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / len2));
      best = Math.min(best, Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))));
    }
  }
  return best;
}

describe('containsPoint', () => {
  const unit = compileGeometry({ type: 'Polygon', coordinates: [rect(0, 0, 2, 2)] });

  it('treats west and south edges as inside and east and north edges as outside', () => {
    expect(containsPoint(unit, 0, 1)).toBe(true);
    expect(containsPoint(unit, 1, 0)).toBe(true);
    expect(containsPoint(unit, 0, 0)).toBe(true);
    expect(containsPoint(unit, 2, 1)).toBe(false);
    expect(containsPoint(unit, 1, 2)).toBe(false);
    expect(containsPoint(unit, 2, 2)).toBe(false);
    expect(containsPoint(unit, 1, 1)).toBe(true);
  });

  it('excludes the inside of a hole and its west edge (owned by the area filling it) but keeps its east edge', () => {
    const holed = compileGeometry({ type: 'Polygon', coordinates: [rect(0, 0, 4, 4), rect(1, 1, 3, 3)] });
    expect(containsPoint(holed, 2, 2)).toBe(false);
    expect(containsPoint(holed, 0.5, 2)).toBe(true);
    expect(containsPoint(holed, 1, 2)).toBe(false);
    expect(containsPoint(holed, 3, 2)).toBe(true);
  });

  it('finds a point in either part of a MultiPolygon and not between them', () => {
    const multi = compileGeometry({ type: 'MultiPolygon', coordinates: [[rect(0, 0, 1, 1)], [rect(5, 5, 6, 6)]] });
    expect(containsPoint(multi, 0.5, 0.5)).toBe(true);
    expect(containsPoint(multi, 5.5, 5.5)).toBe(true);
    expect(containsPoint(multi, 3, 3)).toBe(false);
    expect(multi.bbox).toEqual([0, 0, 6, 6]);
  });

  it('gives a point on a shared slanted edge to exactly one neighbour, the one east of it', () => {
    const east = compileGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] });
    const west = compileGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 1], [0, 0]]] });
    for (let k = 1; k < 8; k++) {
      expect([containsPoint(east, k / 8, k / 8), containsPoint(west, k / 8, k / 8)]).toEqual([true, false]);
    }
  });

  it('gives the same answer for either winding of a ring', () => {
    const tri: LinearRing = [[0, 0], [3, 0.7], [1.1, 2.9], [0, 0]];
    const cw = compileGeometry({ type: 'Polygon', coordinates: [[...tri].reverse()] });
    const ccw = compileGeometry({ type: 'Polygon', coordinates: [tri] });
    for (const [x, y] of [[1, 1], [2, 2], [1.5, 0.35], [0.55, 1.45], [3, 0.7]] as LngLat[]) {
      expect(containsPoint(cw, x, y)).toBe(containsPoint(ccw, x, y));
    }
    expect(containsPoint(ccw, 1, 1)).toBe(true);
  });

  it('agrees with turf off the boundary for star-shaped polygons with a hole, alone or in a MultiPolygon', () => {
    const star = (cx: number, cy: number, radii: number[], scale: number): LinearRing => {
      const ring: LinearRing = radii.map((r, k) => {
        const a = (2 * Math.PI * k) / radii.length;
        return [cx + Math.cos(a) * r * scale, cy + Math.sin(a) * r * scale];
      });
      ring.push([...(ring[0] as LngLat)]);
      return ring;
    };
    const radii = fc.array(fc.double({ min: 0.5, max: 1, noNaN: true }), { minLength: 3, maxLength: 30 });
    const point = fc.tuple(fc.double({ min: -2, max: 6, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }));
    let checked = 0;
    let generated = 0;
    fc.assert(
      fc.property(radii, radii, fc.boolean(), fc.array(point, { minLength: 20, maxLength: 20 }), (outer, inner, multi, points) => {
        // The hole must lie inside the outer ring, as RFC 7946 requires (containsPoint bounds a part by its outer
        // ring). The outer ring's vertices are at least 0.5 × 1.5 = 0.75 from the centre and at most 120° apart,
        // so its edges stay beyond 0.75 × cos 60° = 0.375; the hole's vertices are at most 1 × 0.35 from it.
        const polygon = [star(0, 0, outer, 1.5), star(0, 0, inner, 0.35).reverse()];
        const geometry: AreaGeometry = multi
          ? { type: 'MultiPolygon', coordinates: [polygon, [star(4, 0, outer, 1)]] }
          : { type: 'Polygon', coordinates: polygon };
        const compiled = compileGeometry(geometry);
        for (const [x, y] of points) {
          generated++;
          // On the boundary turf says inside while the half-open rule gives the point to one side; within
          // rounding of an edge neither answer is exact. fast-check favours 0 and the range ends, which hit
          // vertices (the one at angle 0 has y = 0 exactly), so such points are common enough to matter.
          if (distanceToBoundary(geometry, x, y) < 1e-9) continue;
          checked++;
          expect(containsPoint(compiled, x, y), `(${x}, ${y})`).toBe(booleanPointInPolygon([x, y], geometry));
        }
      }),
      { numRuns: 300, seed: 20240611 },
    );
    // The boundary filter must leave the property with something to check.
    expect(checked).toBeGreaterThan(generated * 0.9);
  });

  it('places every point of a jittered 12-gon tiling, vertices included, in exactly one cell', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.array(fc.boolean(), { minLength: 36, maxLength: 36 }), fc.array(fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })), { minLength: 30, maxLength: 30 }), (seed, flips, fractions) => {
        const cellDeg = 0.01;
        const city = buildSyntheticCity({
          cols: 6, rows: 6, cellDeg, origin: [116.3, 39.9], seed, jitter: 0.25,
          districtBlock: [6, 6], streetBlock: [6, 6], communityBlock: [6, 6],
        });
        const cells = city.filter((a) => a.level === 'grid').map((a, k) => {
          const ring = (a.boundary?.coordinates[0] ?? []) as LinearRing;
          return compileGeometry({ type: 'Polygon', coordinates: [flips[k] ? [...ring].reverse() : ring] });
        });
        const [x0, y0, x1, y1] = [116.3, 39.9, 116.3 + 6 * cellDeg, 39.9 + 6 * cellDeg];
        // Rounding can push x0 + f·(x1 − x0) onto the east/north edge, which is outside by rule.
        const points: LngLat[] = fractions
          .map(([fx, fy]): LngLat => [x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)])
          .filter(([x, y]) => x < x1 && y < y1);
        for (const a of city) {
          for (const p of (a.boundary?.coordinates[0] ?? []) as LinearRing) if (p[0] < x1 && p[1] < y1) points.push(p);
        }
        for (const [x, y] of points) {
          expect(cells.filter((c) => containsPoint(c, x, y)).length).toBe(1);
        }
      }),
      { numRuns: 50 },
    );
  });
});
