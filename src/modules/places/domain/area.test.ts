import { describe, expect, it } from 'vitest';
import { AREA_LEVELS, canContain, isAreaLevel, levelDepth, validateGeometry } from './area.ts';

const square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]];

describe('area levels', () => {
  it('orders levels from city (0) down to grid (4)', () => {
    expect(AREA_LEVELS.map(levelDepth)).toEqual([0, 1, 2, 3, 4]);
  });

  it('lets a level contain only deeper levels, skipping allowed', () => {
    expect(canContain('city', 'district')).toBe(true);
    expect(canContain('street', 'grid')).toBe(true);
    expect(canContain('grid', 'grid')).toBe(false);
    expect(canContain('community', 'street')).toBe(false);
  });

  it('recognises only the five level names', () => {
    expect(isAreaLevel('community')).toBe(true);
    expect(isAreaLevel('province')).toBe(false);
    expect(isAreaLevel('toString')).toBe(false);
    expect(isAreaLevel(3)).toBe(false);
  });
});

describe('validateGeometry', () => {
  it('accepts a Polygon with a hole and returns a 2-D copy without altitudes', () => {
    const hole = [[0.2, 0.2], [0.4, 0.2], [0.4, 0.4], [0.2, 0.2]];
    const result = validateGeometry({ type: 'Polygon', coordinates: [square.map(([x, y]) => [x, y, 12]), hole] });
    expect(result).toEqual({ ok: true, geometry: { type: 'Polygon', coordinates: [square, hole] } });
  });

  it('accepts a MultiPolygon', () => {
    const far = square.map(([x, y]) => [(x as number) + 5, y]);
    const result = validateGeometry({ type: 'MultiPolygon', coordinates: [[square], [far]] });
    expect(result.ok && result.geometry.type).toBe('MultiPolygon');
  });

  it('rejects a non-geometry and other geometry types', () => {
    expect(validateGeometry(null)).toMatchObject({ ok: false, problems: [{ path: '' }] });
    expect(validateGeometry({ type: 'Point', coordinates: [1, 2] })).toMatchObject({ ok: false, problems: [{ path: 'type' }] });
    expect(validateGeometry({ type: 'Polygon', coordinates: [] })).toMatchObject({ ok: false, problems: [{ path: 'coordinates' }] });
  });

  it('reports an open ring and a ring with too few positions, with their paths', () => {
    const result = validateGeometry({
      type: 'MultiPolygon',
      coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 1]]], [[[0, 0], [1, 0], [0, 0]]]],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.path)).toEqual(['coordinates[0][0]', 'coordinates[1][0]']);
    expect(result.problems[0]?.en).toMatch(/not closed/);
    expect(result.problems[1]?.en).toMatch(/at least 4/);
    expect(result.problems[1]?.zh).toMatch(/至少需要 4 个/);
  });

  it('reports non-finite numbers and out-of-range longitude and latitude at each position', () => {
    const result = validateGeometry({
      type: 'Polygon',
      coordinates: [[[0, 0], [181, 0], [1, -91], [Number.NaN, 1], ['1', 1], [0]]],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.path, p.en])).toEqual([
      ['coordinates[0][1]', 'longitude 181 is outside [-180, 180]'],
      ['coordinates[0][2]', 'latitude -91 is outside [-90, 90]'],
      ['coordinates[0][3]', 'lng and lat must be finite numbers'],
      ['coordinates[0][4]', 'lng and lat must be finite numbers'],
      ['coordinates[0][5]', 'position must be [lng, lat]'],
    ]);
  });

  it('caps the list of problems at 20 for a huge broken ring', () => {
    const ring = Array.from({ length: 1000 }, () => [500, 0]);
    const result = validateGeometry({ type: 'Polygon', coordinates: [ring] });
    expect(result.ok === false && result.problems.length).toBe(20);
  });
});
