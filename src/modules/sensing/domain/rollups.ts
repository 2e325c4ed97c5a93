import type { Reading } from './reading-validation.ts';

/** Rollup granularities: 1 minute, 1 hour, 1 day (UTC days: rollups are for charts and baselines, not business days). */
export const BUCKETS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export type Bucket = keyof typeof BUCKETS;

/** One aggregate cell: min/max/sum/count of a series over a bucket. */
export interface RollupCell {
  deviceId: string;
  measure: string;
  bucket: Bucket;
  start: number;
  min: number;
  max: number;
  sum: number;
  count: number;
}

/** The start of the bucket that holds `at`. */
export function bucketStart(at: number, bucket: Bucket): number {
  const size = BUCKETS[bucket];
  return Math.floor(at / size) * size;
}

/**
 * Fold a batch of readings into rollup cells, one per series × bucket: the database then does one
 * upsert per cell instead of one per reading (a 100 Hz sensor writes 1 cell a minute, not 6,000).
 */
export function foldRollups(readings: readonly Reading[]): RollupCell[] {
  const cells = new Map<string, RollupCell>();
  foldInto(cells, readings);
  return [...cells.values()];
}

/** Fold readings into an accumulator of cells keyed by series × bucket (kept between flushes). */
export function foldInto(cells: Map<string, RollupCell>, readings: readonly Reading[]): void {
  for (const r of readings) {
    for (const bucket of ['m', 'h', 'd'] as const) {
      const start = bucketStart(r.at, bucket);
      const key = `${r.deviceId}\u0000${r.measure}\u0000${bucket}\u0000${start}`;
      const c = cells.get(key);
      if (c) {
        if (r.value < c.min) c.min = r.value;
        if (r.value > c.max) c.max = r.value;
        c.sum += r.value;
        c.count += 1;
      } else {
        cells.set(key, { deviceId: r.deviceId, measure: r.measure, bucket, start, min: r.value, max: r.value, sum: r.value, count: 1 });
      }
    }
  }
}

/** Merge two cells of the same key (what the database upsert does). */
export function mergeCells(a: RollupCell, b: RollupCell): RollupCell {
  return { ...a, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max), sum: a.sum + b.sum, count: a.count + b.count };
}
