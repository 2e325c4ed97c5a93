import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors/app-error.ts';
import { DEFAULT_DUPLICATE_RULES, haversineMetres, longestWindowDays, parseDuplicateRules, ruleFor } from './duplicate-rules.ts';

describe('duplicate rules', () => {
  it('picks the longest matching category prefix, else the default', () => {
    expect(ruleFor(DEFAULT_DUPLICATE_RULES, '12.01.01')).toMatchObject({ radiusM: 200, windowDays: 7 });
    expect(ruleFor(DEFAULT_DUPLICATE_RULES, '02.01.01')).toMatchObject({ radiusM: 500, windowDays: 3 });
    expect(ruleFor(DEFAULT_DUPLICATE_RULES, '11.04.02')).toMatchObject({ radiusM: 300, windowDays: 2 });
    expect(ruleFor(DEFAULT_DUPLICATE_RULES, '04.01')).toMatchObject({ categoryPrefix: '', radiusM: 300, windowDays: 14 });
    expect(ruleFor(DEFAULT_DUPLICATE_RULES, null)).toMatchObject({ radiusM: 300, windowDays: 14 });
    // '12.01.010' is not below '12.01.01'
    expect(ruleFor([{ categoryPrefix: '', radiusM: 1, windowDays: 1 }, { categoryPrefix: '12.01.01', radiusM: 9, windowDays: 9 }], '12.01.010').radiusM).toBe(1);
  });

  it('uses the envelope of the rules below a coarse (predicted) class', () => {
    expect(ruleFor(DEFAULT_DUPLICATE_RULES, '12.01')).toMatchObject({ radiusM: 200, windowDays: 7 });
    expect(ruleFor(DEFAULT_DUPLICATE_RULES, '11')).toMatchObject({ radiusM: 500, windowDays: 60 });
  });

  it('knows how long the index must remember', () => {
    expect(longestWindowDays(DEFAULT_DUPLICATE_RULES)).toBe(60);
  });

  it('accepts edited rules and adds the default when missing', () => {
    const rules = parseDuplicateRules([{ categoryPrefix: '12.01.01', radiusM: 150, windowDays: 5 }]);
    expect(rules.map((r) => r.categoryPrefix)).toEqual(['', '12.01.01']);
  });

  it('refuses bad rules with a coded error naming the row', () => {
    const err = (v: unknown) => {
      try {
        parseDuplicateRules(v);
        return null;
      } catch (e) {
        return e instanceof AppError ? `${e.code} ${e.field}` : String(e);
      }
    };
    expect(err([])).toBe('INSIGHTS_BAD_DUPLICATE_RULES rules');
    expect(err([{ categoryPrefix: '', radiusM: 5, windowDays: 3 }])).toBe('INSIGHTS_BAD_DUPLICATE_RULES rules.0');
    expect(err([{ categoryPrefix: '', radiusM: 100, windowDays: 3 }, { categoryPrefix: 'x', radiusM: 100, windowDays: 3 }])).toBe('INSIGHTS_BAD_DUPLICATE_RULES rules.1');
    expect(err([{ categoryPrefix: '01', radiusM: 100, windowDays: 3 }, { categoryPrefix: '01', radiusM: 100, windowDays: 4 }])).toBe('INSIGHTS_BAD_DUPLICATE_RULES rules.1');
    expect(err([{ categoryPrefix: '01', radiusM: 100, windowDays: 1.5 }])).toBe('INSIGHTS_BAD_DUPLICATE_RULES rules.0');
  });

  it('measures great-circle distances', () => {
    // 0.001° of latitude ≈ 111 m
    expect(haversineMetres(120, 30, 120, 30.001)).toBeCloseTo(111.2, 0);
    expect(haversineMetres(120, 30, 120.001, 30)).toBeCloseTo(96.3, 0);
  });
});
