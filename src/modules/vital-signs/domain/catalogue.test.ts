import { describe, expect, it } from 'vitest';
import { DEFAULT_CATEGORIES } from '../../cases/index.ts';
import { catalogueChecksum, compileCatalogue, countIndicatorsForCase, validateCatalogue, type CatalogueBody } from './catalogue.ts';
import { DEFAULT_CATALOGUE } from './default-catalogue.ts';
import { importedCategoryCode, NYC311_CATALOGUE } from './nyc311-catalogue.ts';

const clone = (): CatalogueBody => structuredClone(DEFAULT_CATALOGUE);

describe('indicator catalogue', () => {
  it('ships a valid default catalogue of more than 100 indicators in four dimensions', () => {
    const v = validateCatalogue(DEFAULT_CATALOGUE);
    expect(v.ok).toBe(true);
    expect(DEFAULT_CATALOGUE.indicators.length).toBeGreaterThanOrEqual(100);
    const per = Object.fromEntries(['safety', 'cleanliness', 'order', 'convenience'].map((d) => [d, DEFAULT_CATALOGUE.indicators.filter((i) => i.dimension === d).length]));
    for (const n of Object.values(per)) expect(n).toBeGreaterThanOrEqual(15);
  });

  it('maps every default category with a problem kind to an indicator of its own or of its family', () => {
    const cat = compileCatalogue(DEFAULT_CATALOGUE, 1);
    const codes = new Set(DEFAULT_CATEGORIES.map((c) => c.code));
    for (const i of DEFAULT_CATALOGUE.indicators) {
      if (i.source.type === 'cases' || i.source.type === 'caseRate') for (const p of i.source.categories) expect(codes.has(p), p).toBe(true);
    }
    for (const c of DEFAULT_CATEGORIES) expect(countIndicatorsForCase(cat, c.code, 'complaint').length, c.code).toBe(1);
  });

  it('reports each problem of a bad catalogue with its path', () => {
    const body = clone() as unknown as { indicators: Array<Record<string, unknown>>; colourBands: Record<string, number> };
    body.indicators[1]!.code = body.indicators[0]!.code;
    body.indicators[2]!.rule = { type: 'bands', bands: [{ from: 1, loss: 10 }, { from: 0, loss: 5 }] };
    body.indicators[3]!.source = { type: 'caseRate', rate: 'onTime', categories: ['11'] };
    body.indicators[4]!.levels = ['planet'];
    body.colourBands.yellow = 95;
    const v = validateCatalogue(body);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.problems.map((p) => p.path)).toEqual(['colourBands', 'indicators[1].code', 'indicators[2].rule.bands', 'indicators[3].rule', 'indicators[3].rule.restoreOnTime', 'indicators[4].levels']);
      expect(v.problems[0]?.zh).toMatch(/绿/);
    }
  });

  it('refuses KPI indicators below city level (the cases module knows KPIs by department, not by area)', () => {
    const body = clone();
    const kpi = body.indicators.find((i) => i.source.type === 'kpi')!;
    kpi.levels = ['city', 'district'];
    const v = validateCatalogue(body);
    expect(v.ok ? [] : v.problems.map((p) => p.en)).toEqual(['kpi indicators apply at city level only']);
  });

  it('gives the same checksum whatever the key order, a new one when a weight changes', () => {
    const a = clone();
    const reversed = (v: unknown): unknown => (Array.isArray(v) ? v.map(reversed) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : v);
    const b = reversed(a) as CatalogueBody;
    expect(Object.keys(b)[0]).toBe('indicators');
    expect(catalogueChecksum(b)).toBe(catalogueChecksum(a));
    a.indicators[0]!.weight += 1;
    expect(catalogueChecksum(a)).not.toBe(catalogueChecksum(b));
  });

  it('ships a valid NYC 311 catalogue over the codes the importer gives complaint types', () => {
    expect(validateCatalogue(NYC311_CATALOGUE).ok).toBe(true);
    expect(importedCategoryCode('nyc311', 'Noise - Residential')).toBe('nyc311.noise-residential');
    expect(importedCategoryCode('nyc311', 'Root/Sewer/Sidewalk Condition')).toMatch(/^nyc311\.root-sewer-si-[0-9a-f]{6}$/);
  });
});
