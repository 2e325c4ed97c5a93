import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors/app-error.ts';
import { parseAreasFeatureCollection } from './geojson-import.ts';

const square = (x: number, y: number) => ({
  type: 'Polygon',
  coordinates: [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]],
});
const feature = (properties: Record<string, unknown>, geometry: unknown = square(120, 30)) =>
  ({ type: 'Feature', properties, geometry });
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('parseAreasFeatureCollection', () => {
  it('reads an Aliyun DataV file: numeric adcode, parent.adcode, level names; the missing parent is left to the caller', () => {
    const datav = collection(
      feature({ adcode: 330102, name: '上城区', center: [120.17, 30.25], level: 'district', parent: { adcode: 330100 }, childrenNum: 14 }),
      feature({ adcode: 330106, name: '西湖区', level: 'district', parent: { adcode: 330100 } }, square(120, 31)),
    );
    const result = parseAreasFeatureCollection(datav);
    expect(result.errors).toEqual([]);
    expect(result.areas.map((a) => [a.code, a.name, a.level, a.parentCode])).toEqual([
      ['330102', '上城区', 'district', '330100'],
      ['330106', '西湖区', 'district', '330100'],
    ]);
    expect(result.areas[0]?.boundary?.type).toBe('Polygon');
    expect(result.unresolvedParents).toEqual(['330100']);
  });

  it('orders parents before children and resolves parents found in the same file', () => {
    const result = parseAreasFeatureCollection(collection(
      feature({ code: 'g1', name: '网格1', level: 'grid', parentCode: 'm1' }),
      feature({ code: 'm1', name: '社区1', level: 'community', parent_code: 's1' }),
      feature({ code: 's1', name: '街道1', level: 'street', parentCode: null }),
    ));
    expect(result.errors).toEqual([]);
    expect(result.areas.map((a) => [a.index, a.code, a.parentCode])).toEqual([[2, 's1', null], [1, 'm1', 's1'], [0, 'g1', 'm1']]);
    expect(result.unresolvedParents).toEqual([]);
  });

  it('maps GB/T 2260 and Chinese level names case-insensitively, with caller overrides and a default', () => {
    const levels = ['Province', 'county', 'town', 'village', '网格', '街道', '片区', undefined];
    const result = parseAreasFeatureCollection(
      collection(...levels.map((level, i) => feature({ code: `a${i}`, name: `区域${i}`, level }))),
      { levelNames: { 片区: 'community' }, defaultLevel: 'grid' },
    );
    expect(result.errors).toEqual([]);
    expect(Object.fromEntries(result.areas.map((a) => [a.code, a.level]))).toEqual({
      a0: 'city', a1: 'district', a2: 'street', a3: 'community', a4: 'grid', a5: 'street', a6: 'community', a7: 'grid',
    });
  });

  it('keeps an area without geometry unless boundaries are required', () => {
    const fc = collection(feature({ code: 'x', name: 'X', level: 'grid' }, null));
    expect(parseAreasFeatureCollection(fc).areas[0]?.boundary).toBeNull();
    const strict = parseAreasFeatureCollection(fc, { requireBoundary: true });
    expect(strict.areas).toEqual([]);
    expect(strict.errors.map((e) => e.reason)).toEqual(['MISSING_BOUNDARY']);
  });

  it('reports each bad feature with its index, code and reason, and keeps the good ones', () => {
    const result = parseAreasFeatureCollection(collection(
      feature({ code: 'ok', name: '好的', level: 'city' }),
      { type: 'Point', coordinates: [0, 0] },
      feature({ name: '无编码', level: 'city' }),
      feature({ code: 'ok', name: '重复', level: 'city' }),
      feature({ code: 'noname', name: '  ', level: 'city' }),
      feature({ code: 'nolevel', name: '无层级' }),
      feature({ code: 'country', name: '国家', level: 'country' }),
      feature({ code: 'open', name: '未闭合', level: 'grid' }, { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }),
      feature({ code: 'self', name: '自指', level: 'grid', parentCode: 'self' }),
    ));
    expect(result.areas.map((a) => a.code)).toEqual(['ok']);
    expect(result.errors.map((e) => [e.index, e.code, e.reason])).toEqual([
      [1, '', 'NOT_A_FEATURE'],
      [2, '', 'MISSING_CODE'],
      [3, 'ok', 'DUPLICATE_CODE'],
      [4, 'noname', 'MISSING_NAME'],
      [5, 'nolevel', 'MISSING_LEVEL'],
      [6, 'country', 'UNKNOWN_LEVEL'],
      [7, 'open', 'INVALID_BOUNDARY'],
      [8, 'self', 'SELF_PARENT'],
    ]);
    expect(result.errors[6]?.en).toBe('invalid boundary: coordinates[0] ring is not closed: first and last positions must be equal');
    expect(result.errors[6]?.zh).toMatch(/^边界无效/);
  });

  it('lists every problem of one feature', () => {
    const result = parseAreasFeatureCollection(collection(feature({ code: 'bad', level: 'planet' }, { type: 'LineString' })));
    expect(result.errors.map((e) => e.reason)).toEqual(['MISSING_NAME', 'UNKNOWN_LEVEL', 'INVALID_BOUNDARY']);
  });

  it('rejects a child not deeper than its parent, and the children of rejected features down the tree', () => {
    const result = parseAreasFeatureCollection(collection(
      feature({ code: 'g', name: '网格', level: 'grid' }),
      feature({ code: 'd', name: '区', level: 'district', parentCode: 'g' }),
      feature({ code: 's', name: '街道', level: 'street', parentCode: 'd' }),
      feature({ code: 'bad', name: '坏社区', level: 'community', parentCode: 's' }, { type: 'Polygon', coordinates: [] }),
      feature({ code: 'kid', name: '网格2', level: 'grid', parentCode: 'bad' }),
    ));
    expect(result.areas.map((a) => a.code)).toEqual(['g']);
    expect(result.errors.map((e) => [e.code, e.reason])).toEqual([
      ['d', 'PARENT_LEVEL'],
      ['s', 'PARENT_REJECTED'],
      ['bad', 'INVALID_BOUNDARY'],
      ['kid', 'PARENT_REJECTED'],
    ]);
    expect(result.unresolvedParents).toEqual([]);
  });

  it('resolves children of a duplicated code to the first feature, which is kept', () => {
    const result = parseAreasFeatureCollection(collection(
      feature({ code: 'c', name: '市', level: 'city' }),
      feature({ code: 'c', name: '市（重复）', level: 'city' }),
      feature({ code: 'd', name: '区', level: 'district', parentCode: 'c' }),
    ));
    expect(result.areas.map((a) => a.code)).toEqual(['c', 'd']);
    expect(result.errors.map((e) => [e.index, e.reason])).toEqual([[1, 'DUPLICATE_CODE']]);
  });

  it('throws a coded error when the value is not a FeatureCollection', () => {
    expect(() => parseAreasFeatureCollection({ type: 'Feature' })).toThrow(AppError);
    expect(() => parseAreasFeatureCollection([])).toThrow(/FeatureCollection/);
  });
});
