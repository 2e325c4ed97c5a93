/**
 * A deterministic made-up city for tests, benchmarks and demos: a jittered mesh of grid cells
 * (12-gons by default) grouped into communities, streets and districts whose boundaries are the
 * exact unions of their cells, so the tree nests without gaps or overlaps.
 */
import type { AreaRecord, LinearRing, LngLat } from './area.ts';

/** Shape of the synthetic city; block sizes are counted in grid cells (columns, rows). */
export interface SyntheticCityOptions {
  cols: number;
  rows: number;
  /** Side of one cell in degrees. */
  cellDeg: number;
  /** South-west corner [lng, lat]. */
  origin: LngLat;
  seed: number;
  /** Interior corners move up to this fraction of a cell; 0 gives straight lines. */
  jitter: number;
  /** Segments per cell side: 3 gives 12-gons, 1 gives quadrilaterals. */
  edgeSegments: number;
  districtBlock: [number, number];
  streetBlock: [number, number];
  communityBlock: [number, number];
}

/** 50 × 40 = 2,000 twelve-sided grids in 4 districts, 40 streets, 80 communities near Hangzhou. */
export const DEFAULT_SYNTHETIC_CITY: SyntheticCityOptions = {
  cols: 50, rows: 40, cellDeg: 0.005, origin: [120.0, 30.2], seed: 12345, jitter: 0.2, edgeSegments: 3,
  districtBlock: [25, 20], streetBlock: [5, 10], communityBlock: [5, 5],
};

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1), so generated data is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Builds the city's area records, parents before children; grid codes look like d01s02c01g007. */
export function buildSyntheticCity(overrides: Partial<SyntheticCityOptions> = {}): AreaRecord[] {
  const o: SyntheticCityOptions = { ...DEFAULT_SYNTHETIC_CITY, ...overrides };
  const blocks = [o.districtBlock, o.streetBlock, o.communityBlock, [1, 1]] as const;
  for (let k = 0; k < blocks.length; k++) {
    const outer = k === 0 ? [o.cols, o.rows] : (blocks[k - 1] as readonly number[]);
    const inner = blocks[k] as readonly number[];
    if ((outer[0] as number) % (inner[0] as number) !== 0 || (outer[1] as number) % (inner[1] as number) !== 0) {
      throw new RangeError(`block ${inner.join('×')} does not divide ${outer.join('×')}`);
    }
  }
  const mesh = buildMesh(o);
  const out: AreaRecord[] = [];
  const add = (code: string, name: string, level: AreaRecord['level'], parent: AreaRecord | null, c0: number, r0: number, c1: number, r1: number): AreaRecord => {
    const rec: AreaRecord = {
      id: `are_${code}`, code, name, level, parentId: parent?.id ?? null,
      boundary: { type: 'Polygon', coordinates: [mesh.ring(c0, r0, c1, r1)] },
    };
    out.push(rec);
    return rec;
  };
  const city = add('city', '示例市', 'city', null, 0, 0, o.cols, o.rows);
  // Children are emitted level by level so that the result is parents-first.
  let parents: Array<{ rec: AreaRecord; c0: number; r0: number; c1: number; r1: number; prefix: string }> = [
    { rec: city, c0: 0, r0: 0, c1: o.cols, r1: o.rows, prefix: '' },
  ];
  const levels = [
    { level: 'district', letter: 'd', zh: '区', block: o.districtBlock },
    { level: 'street', letter: 's', zh: '街道', block: o.streetBlock },
    { level: 'community', letter: 'c', zh: '社区', block: o.communityBlock },
    { level: 'grid', letter: 'g', zh: '网格', block: [1, 1] },
  ] as const;
  for (const { level, letter, zh, block } of levels) {
    const next: typeof parents = [];
    for (const p of parents) {
      let n = 0;
      const width = level === 'grid' ? 3 : 2;
      for (let r = p.r0; r < p.r1; r += block[1]) {
        for (let c = p.c0; c < p.c1; c += block[0]) {
          n++;
          const code = `${p.prefix}${letter}${String(n).padStart(width, '0')}`;
          const rec = add(code, `${p.rec.name === '示例市' ? '' : p.rec.name}${zh}${n}`, level, p.rec, c, r, c + block[0], r + block[1]);
          next.push({ rec, c0: c, r0: r, c1: c + block[0], r1: r + block[1], prefix: code });
        }
      }
    }
    parents = next;
  }
  return out;
}

function buildMesh(o: SyntheticCityOptions): { ring: (c0: number, r0: number, c1: number, r1: number) => LinearRing } {
  const rand = seededRandom(o.seed);
  const jitter = (): number => (rand() * 2 - 1) * o.jitter;
  const [lng0, lat0] = o.origin;
  const s = o.edgeSegments;
  // Corner (c, r); the outer boundary stays a straight rectangle so "inside the city" is a simple test.
  const corner: LngLat[][] = [];
  for (let c = 0; c <= o.cols; c++) {
    const column: LngLat[] = [];
    for (let r = 0; r <= o.rows; r++) {
      const dx = c === 0 || c === o.cols ? 0 : jitter();
      const dy = r === 0 || r === o.rows ? 0 : jitter();
      column.push([lng0 + (c + dx) * o.cellDeg, lat0 + (r + dy) * o.cellDeg]);
    }
    corner.push(column);
  }
  const at = (c: number, r: number): LngLat => corner[c]?.[r] as LngLat;
  // Intermediate points of each cell side, shared by both neighbours; bulge is half the corner jitter.
  const sidePoints = (a: LngLat, b: LngLat, boundary: boolean): LngLat[] => {
    const pts: LngLat[] = [];
    for (let k = 1; k < s; k++) {
      const t = k / s;
      const bulge = boundary ? 0 : jitter() * 0.5 * o.cellDeg;
      const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
      pts.push([a[0] + t * (b[0] - a[0]) - (bulge * (b[1] - a[1])) / len, a[1] + t * (b[1] - a[1]) + (bulge * (b[0] - a[0])) / len]);
    }
    return pts;
  };
  const horizontal: LngLat[][][] = []; // [c][r]: points from corner (c, r) to (c + 1, r)
  const vertical: LngLat[][][] = []; // [c][r]: points from corner (c, r) to (c, r + 1)
  for (let c = 0; c <= o.cols; c++) {
    horizontal.push([]);
    vertical.push([]);
    for (let r = 0; r <= o.rows; r++) {
      horizontal[c]?.push(c < o.cols ? sidePoints(at(c, r), at(c + 1, r), r === 0 || r === o.rows) : []);
      vertical[c]?.push(r < o.rows ? sidePoints(at(c, r), at(c, r + 1), c === 0 || c === o.cols) : []);
    }
  }
  const h = (c: number, r: number): LngLat[] => horizontal[c]?.[r] ?? [];
  const v = (c: number, r: number): LngLat[] => vertical[c]?.[r] ?? [];
  const ring = (c0: number, r0: number, c1: number, r1: number): LinearRing => {
    const pts: LngLat[] = [];
    for (let c = c0; c < c1; c++) pts.push(at(c, r0), ...h(c, r0));
    for (let r = r0; r < r1; r++) pts.push(at(c1, r), ...v(c1, r));
    for (let c = c1; c > c0; c--) pts.push(at(c, r1), ...[...h(c - 1, r1)].reverse());
    for (let r = r1; r > r0; r--) pts.push(at(c0, r), ...[...v(c0, r - 1)].reverse());
    pts.push(at(c0, r0));
    return pts.map(([x, y]) => [x, y]);
  };
  return { ring };
}
