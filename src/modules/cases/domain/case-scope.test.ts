import { describe, expect, it } from 'vitest';
import { inScope, scopeOf, type ScopeDirectory } from './case-scope.ts';

const depts: Record<string, { id: string; kind: string; tier: string; areaId: string | null; parentId: string | null }> = {
  city: { id: 'city', kind: 'centre', tier: 'city', areaId: 'A', parentId: null },
  east: { id: 'east', kind: 'centre', tier: 'district', areaId: 'E', parentId: 'city' },
  eastOffice: { id: 'eastOffice', kind: 'street_office', tier: 'street', areaId: 'E1', parentId: 'east' },
  env: { id: 'env', kind: 'bureau', tier: 'city', areaId: null, parentId: 'city' },
};
const areas: Record<string, string[]> = { A: ['A', 'E', 'E1', 'G1', 'W'], E: ['E', 'E1', 'G1'], E1: ['E1', 'G1'], G1: ['G1'], W: ['W'] };
const dir: ScopeDirectory = {
  department: (id) => depts[id] ?? null,
  subDepartments: (id) => Object.values(depts).filter((d) => d.parentId === id).map((d) => d.id),
  subtree: (a) => areas[a] ?? [],
};
const kase = (mainDepartmentId: string | null, areaId: string | null, centreId: string | null = null) => ({ mainDepartmentId, centreId, areaId });

describe('case data scope', () => {
  it('gives the city centre and admins every case', () => {
    expect(scopeOf([{ role: 'dispatcher', departmentId: 'city' }], [], dir).all).toBe(true);
    expect(scopeOf([{ role: 'admin', departmentId: 'env' }], [], dir).all).toBe(true);
  });

  it('gives a district centre its district and the cases of its sub-departments, not the rest', () => {
    const s = scopeOf([{ role: 'dispatcher', departmentId: 'east' }], [], dir);
    expect(inScope(s, kase('env', 'G1'), [])).toBe(true); // in the district
    expect(inScope(s, kase('eastOffice', 'W'), [])).toBe(true); // assigned to a sub-department
    expect(inScope(s, kase('env', 'W'), [])).toBe(false);
  });

  it('gives a handler the cases of its department, main or assisting', () => {
    const s = scopeOf([{ role: 'handler', departmentId: 'env' }], [], dir);
    expect(inScope(s, kase('env', 'W'), [])).toBe(true);
    expect(inScope(s, kase('eastOffice', 'G1'), ['eastOffice', 'env'])).toBe(true);
    expect(inScope(s, kase('eastOffice', 'G1'), ['eastOffice'])).toBe(false);
  });

  it('gives a grid worker the cases in their grids', () => {
    const s = scopeOf([{ role: 'grid_worker', departmentId: 'eastOffice' }], ['G1'], dir);
    expect(inScope(s, kase('env', 'G1'), [])).toBe(true);
    expect(inScope(s, kase('env', 'W'), [])).toBe(false);
  });

  it('sees nothing without grants', () => {
    expect(inScope(scopeOf([], [], dir), kase('env', 'G1'), ['env'])).toBe(false);
  });
});
