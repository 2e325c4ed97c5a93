import { describe, expect, it } from 'vitest';
import { RuleIndex, categoryMatches, categoryPrefixes } from './responsibility.ts';

// A tiny tree: city ⊃ d1 ⊃ s1, city ⊃ d2
const parent: Record<string, string | null> = { city: null, d1: 'city', s1: 'd1', d2: 'city' };
const depth = (id: string): number => (parent[id] ? depth(parent[id]!) + 1 : 0);
const within = (area: string) => (ancestor: string): boolean => {
  for (let a: string | null = area; a; a = parent[a] ?? null) if (a === ancestor) return true;
  return false;
};
const rule = (id: string, categoryPrefix: string, areaId: string, priority = 0) => ({ id, categoryPrefix, areaId, priority, active: true });

describe('responsibility list', () => {
  it('matches dotted prefixes only at segment boundaries', () => {
    expect(categoryMatches('01.02', '01.02.07')).toBe(true);
    expect(categoryMatches('01.02', '01.02')).toBe(true);
    expect(categoryMatches('01.02', '01.020')).toBe(false);
    expect(categoryPrefixes('01.02.03')).toEqual(['01.02.03', '01.02', '01']);
  });

  it('prefers the deeper area when priority and category tie', () => {
    const idx = new RuleIndex([rule('r1', '01', 'city'), rule('r2', '01', 'd1')]);
    expect(idx.resolve('01.05', within('s1'), depth)?.id).toBe('r2');
    expect(idx.resolve('01.05', within('d2'), depth)?.id).toBe('r1');
  });

  it('prefers the more specific category over the deeper area', () => {
    const idx = new RuleIndex([rule('r1', '01.05', 'city'), rule('r2', '01', 's1')]);
    expect(idx.resolve('01.05.01', within('s1'), depth)?.id).toBe('r1');
  });

  it('lets an explicit priority override specificity', () => {
    const idx = new RuleIndex([rule('r1', '01.05', 's1'), rule('r2', '01', 'city', 10)]);
    expect(idx.resolve('01.05', within('s1'), depth)?.id).toBe('r2');
  });

  it('returns null when no rule covers the category or the area', () => {
    const idx = new RuleIndex([rule('r1', '02', 'city'), rule('r2', '01', 'd2')]);
    expect(idx.resolve('01.01', within('s1'), depth)).toBeNull();
  });

  it('ignores inactive rules', () => {
    const idx = new RuleIndex([{ ...rule('r1', '01', 'city'), active: false }]);
    expect(idx.resolve('01', within('city'), depth)).toBeNull();
  });
});
