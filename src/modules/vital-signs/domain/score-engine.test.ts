import { describe, expect, it } from 'vitest';
import { AreaTree, type TreeArea } from './area-tree.ts';
import { compileCatalogue, type CatalogueBody } from './catalogue.ts';
import { periodWindow, ZoneDays } from './periods.ts';
import { ScoreEngine, type EngineRow } from './score-engine.ts';

// City C → districts D1 (grids G1, G2) and D2 (grid G3).
const AREAS: TreeArea[] = [
  { id: 'C', code: 'c', name: '市', level: 'city', parentId: null },
  { id: 'D1', code: 'd1', name: '一区', level: 'district', parentId: 'C' },
  { id: 'D2', code: 'd2', name: '二区', level: 'district', parentId: 'C' },
  { id: 'G1', code: 'g1', name: '网格1', level: 'grid', parentId: 'D1' },
  { id: 'G2', code: 'g2', name: '网格2', level: 'grid', parentId: 'D1' },
  { id: 'G3', code: 'g3', name: '网格3', level: 'grid', parentId: 'D2' },
];

const BODY: CatalogueBody = {
  name: 'test',
  dimensions: [
    { code: 'safety', name: '安全', nameEn: 'Safety', weight: 3 },
    { code: 'cleanliness', name: '整洁', nameEn: 'Cleanliness', weight: 1 },
    { code: 'order', name: '有序', nameEn: 'Order', weight: 1 },
    { code: 'convenience', name: '便民', nameEn: 'Convenience', weight: 1 },
  ],
  colourBands: { green: 90, yellow: 80, orange: 70 },
  severityWeights: { critical: 3, major: 2, minor: 1, warning: 0.5 },
  indicators: [
    { code: 'A', name: '甲', nameEn: 'A', dimension: 'safety', weight: 3, levels: ['city', 'district', 'street', 'community', 'grid'], source: { type: 'cases', categories: ['12.01.02'] }, rule: { type: 'perEvent', points: 10, cap: 25, restoreOnTime: 0.5 } },
    { code: 'B', name: '乙', nameEn: 'B', dimension: 'safety', weight: 1, levels: ['city', 'district'], source: { type: 'caseRate', rate: 'onTime', categories: ['12'] }, rule: { type: 'ratio', target: 0.8, better: 'higher', maxLoss: 50 } },
    { code: 'C', name: '丙', nameEn: 'C', dimension: 'order', weight: 1, levels: ['city', 'district', 'street', 'community', 'grid'], source: { type: 'cases', categories: ['11.05'] }, rule: { type: 'perEvent', points: 5, cap: 100 } },
  ],
};

const zone = new ZoneDays('Asia/Shanghai');
const NOW = Date.parse('2026-12-03T04:00:00Z'); // 12:00 in Beijing, 3 December
const DAY1 = Date.parse('2026-12-01T02:00:00Z');
const r = (indicator: string, areaId: string, at: number, v: Partial<EngineRow>): EngineRow => ({ indicator, areaId, at, points: 0, count: 0, num: 0, den: 0, ...v });

function engineWithRows(): ScoreEngine {
  const e = new ScoreEngine(compileCatalogue(BODY, 1), new AreaTree(AREAS), zone);
  e.pruneHours(NOW);
  e.apply(r('A', 'G1', DAY1, { points: 10, count: 1 }));
  e.apply(r('A', 'G1', DAY1 + 60_000, { points: 10, count: 1 }));
  e.apply(r('A', 'G3', DAY1, { points: 10, count: 1 }));
  e.apply(r('B', 'G2', DAY1, { num: 2, den: 5 }));
  e.apply(r('C', 'G1', DAY1, { points: 5, count: 1 }));
  return e;
}

const idx = (e: ScoreEngine, id: string) => e.tree.indexOf(id);

describe('score engine', () => {
  const day = periodWindow('day', zone, NOW, { date: '2026-12-01' });

  it('scores a grid from its own rows: 2 × 10 points of A, 5 of C', () => {
    const e = engineWithRows();
    const s = e.score(idx(e, 'G1'), day);
    expect(s.dimensions).toEqual([80, null, 95, null]);
    expect(s.overall).toBe(83.75);
  });

  it('adds rows to every level above and applies the rate only where it applies', () => {
    const e = engineWithRows();
    // D1: A loses 20, B (2 of 5 on time against 0.8) loses 25; safety = 100 − (3·20 + 1·25)/4.
    const d1 = e.score(idx(e, 'D1'), day);
    expect(d1.dimensions[0]).toBe(78.75);
    expect(d1.overall).toBe(82.8125);
    // City: A 30 points capped at 25.
    const c = e.score(idx(e, 'C'), day);
    expect(c.dimensions).toEqual([75, null, 95, null]);
    expect(c.overall).toBe(80);
    // G2 has a B row but B does not apply at grid level.
    expect(e.score(idx(e, 'G2'), day).overall).toBe(100);
  });

  it('averages a running month over its elapsed days', () => {
    const e = engineWithRows();
    const month = periodWindow('month', zone, NOW, { date: '2026-12-02' });
    expect(month.days).toBe(3);
    const c = e.score(idx(e, 'C'), month);
    expect(c.dimensions[0]).toBe(86.25); // A 30/3 = 10; B 25
    expect(c.dimensions[2]).toBeCloseTo(100 - 5 / 3, 12);
    expect(c.overall).toBeCloseTo((3 * 86.25 + (100 - 5 / 3)) / 4, 12);
  });

  it('lowers the loss when a restoration row arrives', () => {
    const e = engineWithRows();
    e.apply(r('A', 'G1', DAY1, { points: -5 }));
    expect(e.score(idx(e, 'G1'), day).dimensions[0]).toBe(85);
  });

  it('gives the same scores in one pass, area by area, and evaluating every indicator', () => {
    const e = engineWithRows();
    for (const w of [day, periodWindow('week', zone, NOW), periodWindow('month', zone, NOW)]) {
      const all = e.scoreAll(w);
      expect(all).toHaveLength(AREAS.length);
      for (const s of all) {
        expect(s).toEqual(e.score(s.areaIndex, w));
        expect(s).toEqual(e.combine(s.areaIndex, e.indicatorResults(s.areaIndex, w)));
      }
    }
  });

  it('gives the same scores when a city is too large for the dense pass', () => {
    const dense = engineWithRows();
    const hashed = new ScoreEngine(compileCatalogue(BODY, 1), new AreaTree(AREAS), zone, 48, 0);
    hashed.pruneHours(NOW);
    for (const row of [r('A', 'G1', DAY1, { points: 10, count: 1 }), r('A', 'G1', DAY1 + 60_000, { points: 10, count: 1 }), r('A', 'G3', DAY1, { points: 10, count: 1 }), r('B', 'G2', DAY1, { num: 2, den: 5 }), r('C', 'G1', DAY1, { points: 5, count: 1 })]) hashed.apply(row);
    expect(hashed.scoreAll(day)).toEqual(dense.scoreAll(day));
    expect(hashed.scoreAll(day).find((s) => s.areaIndex === 0)?.overall).toBe(80);
  });

  it('counts only the last 24 hours in the rolling window', () => {
    const e = new ScoreEngine(compileCatalogue(BODY, 1), new AreaTree(AREAS), zone);
    e.pruneHours(NOW);
    e.apply(r('C', 'G1', NOW - 30 * 3600_000, { points: 5, count: 1 }));
    e.apply(r('C', 'G1', NOW - 2 * 3600_000, { points: 5, count: 1 }));
    e.apply(r('C', 'G1', NOW - 3600_000, { points: 5, count: 1 }));
    const now = periodWindow('now', zone, NOW, { rollingHours: 24 });
    expect(e.score(idx(e, 'G1'), now).dimensions[2]).toBe(90);
  });

  it('ignores rows of indicators no longer in the catalogue or of unknown areas', () => {
    const e = engineWithRows();
    expect(e.apply(r('gone', 'G1', DAY1, { points: 10 }))).toBe(false);
    expect(e.apply(r('A', 'nowhere', DAY1, { points: 10 }))).toBe(false);
    expect(e.ignored).toBe(2);
    expect(e.score(idx(e, 'G1'), day).overall).toBe(83.75);
  });

  it('judges external values (KPI of the cases module) given by indicator code', () => {
    const body: CatalogueBody = { ...BODY, indicators: [...BODY.indicators, { code: 'K', name: '丁', nameEn: 'K', dimension: 'order', weight: 1, levels: ['city'], source: { type: 'kpi', rate: 'onTimeCompletionRate' }, rule: { type: 'bands', bands: [{ from: 0, loss: 40 }, { from: 0.9, loss: 0 }] } }] };
    const e = new ScoreEngine(compileCatalogue(body, 2), new AreaTree(AREAS), zone);
    const c = e.tree.indexOf('C');
    expect(e.score(c, day).dimensions[2]).toBe(100);
    expect(e.score(c, day, new Map([['K', 0.85]])).dimensions[2]).toBe(80);
    expect(e.scoreAll(day, new Map([['K', 0.85]])).find((s) => s.areaIndex === c)?.dimensions[2]).toBe(80);
  });
});
