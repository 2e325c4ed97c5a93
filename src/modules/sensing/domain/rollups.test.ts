import { describe, expect, it } from 'vitest';
import { foldRollups, mergeCells } from './rollups.ts';

describe('rollups', () => {
  it('folds readings into minute, hour and day cells with min, max, sum, count', () => {
    const t = Date.parse('2026-12-04T10:00:00Z');
    const cells = foldRollups([
      { deviceId: 'a', measure: 'x', at: t + 1000, value: 3 },
      { deviceId: 'a', measure: 'x', at: t + 2000, value: -1 },
      { deviceId: 'a', measure: 'x', at: t + 61_000, value: 10 },
    ]);
    const m = cells.filter((c) => c.bucket === 'm').map((c) => [new Date(c.start).toISOString(), c.min, c.max, c.sum, c.count]);
    expect(m).toEqual([['2026-12-04T10:00:00.000Z', -1, 3, 2, 2], ['2026-12-04T10:01:00.000Z', 10, 10, 10, 1]]);
    const h = cells.filter((c) => c.bucket === 'h');
    expect(h.map((c) => [c.min, c.max, c.sum, c.count])).toEqual([[-1, 10, 12, 3]]);
    expect(cells.filter((c) => c.bucket === 'd').map((c) => new Date(c.start).toISOString())).toEqual(['2026-12-04T00:00:00.000Z']);
    expect(mergeCells(h[0]!, h[0]!)).toMatchObject({ min: -1, max: 10, sum: 24, count: 6 });
  });
});
