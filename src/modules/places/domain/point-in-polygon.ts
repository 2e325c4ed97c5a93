/**
 * Point-in-polygon by ray casting over flat typed arrays.
 *
 * Boundary rule (half-open): the ray goes east and an edge counts when one end is strictly north
 * of the point and the other is not. A point on a shared edge or vertex therefore lands in exactly
 * one of the areas that share it, so a tiling of grids has no gaps and no double counting: the area
 * east of the edge (north of it, for a horizontal edge). For an axis-aligned rectangle this means:
 * west and south edges inside, east and north edges outside.
 * Each edge is evaluated with its endpoints in a canonical order, so two neighbours sharing an
 * edge get bit-identical answers whichever way their rings run.
 */
import type { AreaGeometry, LinearRing } from './area.ts';

/** A geometry flattened for fast repeated point tests. */
export interface CompiledGeometry {
  /** x,y pairs of every ring, rings closed, concatenated. */
  readonly coords: Float64Array;
  /** End (exclusive, in positions) of each ring within coords. */
  readonly ringEnds: Int32Array;
  /** For polygon part p: rings [partRings[2p], partRings[2p+1]). */
  readonly partRings: Int32Array;
  /** minX, minY, maxX, maxY of each polygon part (its outer ring). */
  readonly partBoxes: Float64Array;
  /** minX, minY, maxX, maxY of the whole geometry. */
  readonly bbox: readonly [number, number, number, number];
}

/** Flattens a validated Polygon/MultiPolygon for containsPoint. */
export function compileGeometry(geometry: AreaGeometry): CompiledGeometry {
  const polygons: LinearRing[][] = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let positions = 0;
  let ringCount = 0;
  for (const poly of polygons) {
    ringCount += poly.length;
    for (const ring of poly) positions += ring.length;
  }
  const coords = new Float64Array(positions * 2);
  const ringEnds = new Int32Array(ringCount);
  const partRings = new Int32Array(polygons.length * 2);
  const partBoxes = new Float64Array(polygons.length * 4);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  let pos = 0;
  let r = 0;
  polygons.forEach((poly, p) => {
    partRings[2 * p] = r;
    let pMinX = Infinity, pMinY = Infinity, pMaxX = -Infinity, pMaxY = -Infinity;
    poly.forEach((ring, k) => {
      for (const [x, y] of ring) {
        coords[2 * pos] = x;
        coords[2 * pos + 1] = y;
        pos++;
        // Holes lie inside the outer ring, so the outer ring alone bounds the part.
        if (k === 0) {
          if (x < pMinX) pMinX = x;
          if (x > pMaxX) pMaxX = x;
          if (y < pMinY) pMinY = y;
          if (y > pMaxY) pMaxY = y;
        }
      }
      ringEnds[r++] = pos;
    });
    partRings[2 * p + 1] = r;
    partBoxes.set([pMinX, pMinY, pMaxX, pMaxY], 4 * p);
    if (pMinX < minX) minX = pMinX;
    if (pMinY < minY) minY = pMinY;
    if (pMaxX > maxX) maxX = pMaxX;
    if (pMaxY > maxY) maxY = pMaxY;
  });
  return { coords, ringEnds, partRings, partBoxes, bbox: [minX, minY, maxX, maxY] };
}

/** True when (x, y) is inside the geometry under the half-open boundary rule above; holes are outside. */
export function containsPoint(g: CompiledGeometry, x: number, y: number): boolean {
  const { coords: c, ringEnds, partRings, partBoxes: b } = g;
  const parts = partRings.length >> 1;
  for (let p = 0; p < parts; p++) {
    const o = 4 * p;
    if (x < (b[o] as number) || y < (b[o + 1] as number) || x > (b[o + 2] as number) || y > (b[o + 3] as number)) continue;
    let inside = false;
    const r1 = partRings[2 * p + 1] as number;
    for (let r = partRings[2 * p] as number; r < r1; r++) {
      const start = r === 0 ? 0 : (ringEnds[r - 1] as number);
      const last = (ringEnds[r] as number) - 1;
      for (let i = start; i < last; i++) {
        const ay = c[2 * i + 1] as number;
        const by = c[2 * i + 3] as number;
        if ((ay > y) === (by > y)) continue;
        const ax = c[2 * i] as number;
        const bx = c[2 * i + 2] as number;
        if (x < ax && x < bx) { inside = !inside; continue; }
        if (x >= ax && x >= bx) continue;
        const xi = ay < by ? ax + ((y - ay) * (bx - ax)) / (by - ay) : bx + ((y - by) * (ax - bx)) / (ay - by);
        if (x < xi) inside = !inside;
      }
    }
    // Parts of a valid MultiPolygon do not overlap, so the first part that holds the point decides.
    if (inside) return true;
  }
  return false;
}
