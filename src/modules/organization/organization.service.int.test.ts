import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSmallWorld } from '../../../test/support/small-world.ts';
import { testEngine } from '../../platform/testing/test-database.ts';
import type { DepartmentInput } from './organization.api.ts';

type World = Awaited<ReturnType<typeof openSmallWorld>>;

describe(`organization directory and responsibility list on ${testEngine()}`, () => {
  let w: World;
  beforeAll(async () => {
    w = await openSmallWorld();
  });
  afterAll(async () => w?.close());

  const area = (code: string) => w.app.places.api.getAreaByCode(code)?.id ?? `missing ${code}`;
  const proposed = (categoryCode: string, areaCode: string | null) => {
    const m = w.app.organization.api.resolveResponsibility(categoryCode, areaCode === null ? null : area(areaCode));
    return m ? { department: m.department.code, assisting: m.assisting.map((d) => d.code) } : null;
  };

  it('upserts departments listed before their parents, stores them and finds nothing to change on a re-run', async () => {
    const api = w.app.organization.api;
    const batch: DepartmentInput[] = [
      { code: 'WEST-OFFICE', name: '西一街道办事处', tier: 'street', kind: 'street_office', parentCode: 'WEST-CENTRE', areaCode: '990102001' },
      { code: 'WEST-CITYMGMT', name: '西区城管局', tier: 'district', kind: 'bureau', parentCode: 'WEST-CENTRE', areaCode: '990102' },
      { code: 'WEST-CENTRE', name: '西区热线分中心', nameEn: 'West district centre', tier: 'district', kind: 'centre', parentCode: 'CENTRE', areaCode: '990102' },
    ];
    expect(await api.upsertDepartments(batch)).toEqual({ created: 3, updated: 0, unchanged: 0, errors: [] });
    await w.app.organization.service.load(); // from the tables, not the in-memory copy
    const centre = api.getDepartmentByCode('WEST-CENTRE');
    expect(centre?.parentId).toBe(w.dept('CENTRE'));
    expect(api.getDepartmentByCode('WEST-OFFICE')?.parentId).toBe(centre?.id);
    expect(api.getDepartmentByCode('WEST-OFFICE')?.areaId).toBe(area('990102001'));
    expect(api.centreFor('district', area('990102001001001'))?.code).toBe('WEST-CENTRE');
    expect(await api.upsertDepartments(batch)).toEqual({ created: 0, updated: 0, unchanged: 3, errors: [] });
  });

  it('reports an unknown parent and an unknown area on their rows and stores the other rows', async () => {
    const api = w.app.organization.api;
    const report = await api.upsertDepartments([
      { code: 'WEST-MARKET', name: '西区市场监管局', tier: 'district', kind: 'bureau', parentCode: 'WEST-CENTRE', areaCode: '990102' },
      { code: 'ORPHAN', name: '无上级部门', tier: 'district', kind: 'bureau', parentCode: 'NO-SUCH-DEPT' },
      { code: 'NOWHERE', name: '无辖区部门', tier: 'street', kind: 'street_office', parentCode: 'WEST-CENTRE', areaCode: '990199001' },
      { code: 'WEST-WATER', name: '西区水务局', tier: 'district', kind: 'utility', parentCode: 'WEST-CENTRE' },
    ]);
    expect(report.created).toBe(2);
    expect(report.errors.map((e) => [e.row, e.code]).sort()).toEqual([[2, 'ORPHAN'], [3, 'NOWHERE']]);
    expect(report.errors.find((e) => e.row === 2)?.reason).toMatch(/parent department NO-SUCH-DEPT not found/);
    expect(report.errors.find((e) => e.row === 3)?.reason).toMatch(/area 990199001 not found/);
    expect(api.getDepartmentByCode('ORPHAN')).toBeNull();
    expect(api.getDepartmentByCode('NOWHERE')).toBeNull();
    expect(api.getDepartmentByCode('WEST-WATER')?.kind).toBe('utility');
  });

  it('stores every row of a deep chain listed leaf first', async () => {
    const chain = Array.from({ length: 8 }, (_, i) => ({
      code: `DIV-${i}`, name: `第${i}处`, tier: 'city' as const, kind: 'other' as const, parentCode: i === 0 ? 'HOUSING' : `DIV-${i - 1}`,
    })).reverse();
    const report = await w.app.organization.api.upsertDepartments(chain);
    expect(report).toMatchObject({ created: 8, errors: [] });
  });

  it('refuses a parent that would make a cycle and leaves the tree as it was', async () => {
    const api = w.app.organization.api;
    const report = await api.upsertDepartments([
      { code: 'DIV-0', name: '第0处', tier: 'city', kind: 'other', parentCode: 'DIV-7' },
      { code: 'HOUSING', name: '市住建局', tier: 'city', kind: 'bureau', parentCode: 'HOUSING' },
    ]);
    expect(report.errors.map((e) => [e.row, e.code])).toEqual([[1, 'DIV-0'], [2, 'HOUSING']]);
    expect(api.getDepartment(api.getDepartmentByCode('DIV-0')!.parentId!)?.code).toBe('HOUSING');
  });

  it('proposes the department of the deepest matching area, with its assisting departments', () => {
    expect(proposed('02.01', '990101001001001')).toEqual({ department: 'EAST-CITYMGMT', assisting: ['EAST-OFFICE'] });
    expect(proposed('02.01.01', '990101')).toEqual({ department: 'EAST-CITYMGMT', assisting: ['EAST-OFFICE'] });
    expect(proposed('02.01', '990102001001001')).toEqual({ department: 'ENV', assisting: [] });
    expect(proposed('02', null)).toEqual({ department: 'ENV', assisting: [] });
    expect(proposed('01.01', '990101001001002')).toEqual({ department: 'HOUSING', assisting: [] });
    expect(proposed('99.01', '990101001001001')).toBeNull();
    expect(proposed('020', '990101001001001')).toBeNull(); // '02' is a dotted prefix, not a string prefix
  });

  it('lets a higher priority override a deeper area, and a more specific category beat a broader one', async () => {
    const api = w.app.organization.api;
    const report = await api.upsertRules([
      { categoryPrefix: '02.03', areaCode: '990100', departmentCode: 'TRANSPORT', priority: 5, note: '市级统筹' },
      { categoryPrefix: '02.03', areaCode: '990101', departmentCode: 'EAST-OFFICE' },
      { categoryPrefix: '01.01', areaCode: '990100', departmentCode: 'WEST-CITYMGMT' },
    ]);
    expect(report).toEqual({ created: 3, updated: 0, unchanged: 0, errors: [] });
    expect(proposed('02.03.01', '990101001001001')?.department).toBe('TRANSPORT');
    expect(proposed('02.04', '990101001001001')?.department).toBe('EAST-CITYMGMT');
    expect(proposed('01.01', '990101001001001')?.department).toBe('WEST-CITYMGMT');
    expect(proposed('01.02', '990101001001001')?.department).toBe('HOUSING');
  });

  it('reports a rule with an unknown area, department or assisting department on its row and keeps one rule per key', async () => {
    const api = w.app.organization.api;
    const before = api.listRules().length;
    const report = await api.upsertRules([
      { categoryPrefix: '04', areaCode: '990199', departmentCode: 'HOUSING' },
      { categoryPrefix: '04', areaCode: '990100', departmentCode: 'NO-SUCH-DEPT' },
      { categoryPrefix: '04', areaCode: '990100', departmentCode: 'HOUSING', assistingDepartmentCodes: ['NO-SUCH-DEPT'] },
      { categoryPrefix: '04.', areaCode: '990100', departmentCode: 'HOUSING' },
      { categoryPrefix: '04', areaCode: '990100', departmentCode: 'HOUSING', priority: 2000 },
      { categoryPrefix: '02.03', areaCode: '990100', departmentCode: 'TRANSPORT', priority: 6, note: '市级统筹' },
    ]);
    expect(report.errors.map((e) => e.row)).toEqual([1, 2, 3, 4, 5]);
    expect(report.errors.map((e) => e.reason)).toEqual([
      expect.stringMatching(/area 990199 not found/), expect.stringMatching(/department NO-SUCH-DEPT not found/),
      expect.stringMatching(/assisting department/), expect.stringMatching(/categoryPrefix/), expect.stringMatching(/priority/),
    ]);
    expect(report.updated).toBe(1);
    expect(api.listRules()).toHaveLength(before);
    expect(api.listRules().filter((r) => r.categoryPrefix === '02.03' && r.departmentId === w.dept('TRANSPORT')).map((r) => r.priority)).toEqual([6]);
  });

  it('stops matching a retired rule, keeps it out of the list, and revives the same rule when it is upserted again', async () => {
    const api = w.app.organization.api;
    const service = w.app.organization.service;
    const east = api.listRules().find((r) => r.categoryPrefix === '02' && r.departmentId === w.dept('EAST-CITYMGMT'));
    expect(east).toBeDefined();
    expect(await service.deactivateRule(east!.id)).toBe(true);
    expect(await service.deactivateRule(east!.id)).toBe(false);
    expect(proposed('02.01', '990101001001001')).toEqual({ department: 'ENV', assisting: [] });
    await service.load();
    expect(api.listRules().some((r) => r.id === east!.id)).toBe(false);
    expect(proposed('02.01', '990101001001001')?.department).toBe('ENV');
    const revived = await api.upsertRules([{ categoryPrefix: '02', areaCode: '990101', departmentCode: 'EAST-CITYMGMT', assistingDepartmentCodes: ['EAST-OFFICE'] }]);
    expect(revived).toEqual({ created: 0, updated: 1, unchanged: 0, errors: [] });
    expect(api.listRules().find((r) => r.categoryPrefix === '02' && r.departmentId === w.dept('EAST-CITYMGMT'))?.id).toBe(east!.id);
    expect(proposed('02.01', '990101001001001')?.department).toBe('EAST-CITYMGMT');
  });

  it('keeps staff with their roles and grids, and reports an unknown department, role or grid per row', async () => {
    const api = w.app.organization.api;
    const report = await api.upsertStaff([
      { code: 'grid-west', name: '陈网格', departmentCode: 'WEST-OFFICE', roles: ['grid_worker'], phone: '13800138000', gridCodes: ['990102001001001'] },
      { code: 'ghost', name: '无部门', departmentCode: 'NO-SUCH-DEPT', roles: ['handler'] },
      { code: 'bad-grid', name: '错网格', departmentCode: 'WEST-OFFICE', roles: ['grid_worker'], gridCodes: ['990199001001001'] },
    ]);
    expect(report.created).toBe(1);
    expect(report.errors.map((e) => [e.row, e.code])).toEqual([[2, 'ghost'], [3, 'bad-grid']]);
    await w.app.organization.service.load();
    const worker = api.listStaff({ role: 'grid_worker' }).find((s) => s.code === 'grid-west');
    expect(worker?.gridAreaIds).toEqual([area('990102001001001')]);
    expect(worker?.departmentId).toBe(api.getDepartmentByCode('WEST-OFFICE')?.id);
  });
});
