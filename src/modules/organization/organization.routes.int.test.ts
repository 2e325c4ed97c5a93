import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSmallWorld } from '../../../test/support/small-world.ts';
import type { ErrorBody, HttpApp } from '../../platform/http/http-server.ts';
import { testEngine } from '../../platform/testing/test-database.ts';
import type { ResponsibilityMatch, UpsertReport } from './organization.api.ts';

type World = Awaited<ReturnType<typeof openSmallWorld>>;

const RULES_CSV = [
  'category_prefix,area_code,department_code,assisting_department_codes,priority,note',
  '04,990101,EAST-OFFICE,,0,社区事务',
  '05,990100,HOUSING,,high,优先级写错',
  '05,990199,HOUSING,,0,区域不存在',
  '05,990100,NO-SUCH-DEPT,,0,部门不存在',
  '06.01,990102,ENV,EAST-OFFICE;HOUSING,3,"含逗号, 和引号""的备注"',
].join('\n');

describe(`organization HTTP routes on ${testEngine()}`, () => {
  let w: World;
  let http: HttpApp;
  beforeAll(async () => {
    w = await openSmallWorld();
    http = await w.app.http();
    await http.ready();
  });
  afterAll(async () => {
    await http?.close();
    await w?.close();
  });

  const importCsv = async (csv: string) => {
    const res = await http.inject({ method: 'POST', url: '/api/v1/organization/rules/import', headers: { 'content-type': 'text/csv; charset=utf-8' }, payload: csv });
    return { status: res.statusCode, body: res.json<UpsertReport & ErrorBody>() };
  };
  const responsible = async (categoryCode: string, lng: number, lat: number) => {
    const res = await http.inject({ method: 'GET', url: `/api/v1/organization/responsibility?categoryCode=${categoryCode}&lng=${lng}&lat=${lat}` });
    return { status: res.statusCode, body: res.json<ResponsibilityMatch & ErrorBody>() };
  };
  const rulesOf = (prefix: string) => w.app.organization.api.listRules().filter((r) => r.categoryPrefix === prefix);

  it('imports the responsibility list from text/csv, reporting bad rows by CSV row number and storing the good ones', async () => {
    const res = await importCsv(RULES_CSV);
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(2);
    expect(res.body.errors.map((e) => [e.row, e.code])).toEqual([[2, '05'], [3, '05'], [4, '05']]);
    expect(res.body.errors.map((e) => e.reason)).toEqual([
      expect.stringMatching(/priority "high" is not an integer/), expect.stringMatching(/area 990199 not found/), expect.stringMatching(/department NO-SUCH-DEPT not found/),
    ]);
    expect(rulesOf('05')).toEqual([]);
    const [rule] = rulesOf('06.01');
    expect(rule?.assistingDepartmentIds).toEqual([w.dept('EAST-OFFICE'), w.dept('HOUSING')]);
    expect(rule?.priority).toBe(3);
    expect(rule?.note).toBe('含逗号, 和引号"的备注');
  });

  it('re-running the same CSV creates nothing and keeps one rule per row', async () => {
    const before = w.app.organization.api.listRules().length;
    const res = await importCsv(RULES_CSV);
    expect(res.status).toBe(200);
    expect({ created: res.body.created, updated: res.body.updated, unchanged: res.body.unchanged }).toEqual({ created: 0, updated: 0, unchanged: 2 });
    expect(res.body.errors.map((e) => e.row)).toEqual([2, 3, 4]);
    expect(w.app.organization.api.listRules()).toHaveLength(before);
    expect(rulesOf('04')).toHaveLength(1);
  });

  it('refuses a CSV without the required columns with a coded error', async () => {
    const res = await importCsv('prefix,area\n04,990101\n');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('exports the list as CSV that imports back without a change', async () => {
    const res = await http.inject({ method: 'GET', url: '/api/v1/organization/rules/export' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parseCsv(res.body) as string[][];
    const active = w.app.organization.api.listRules().length;
    expect(rows[0]).toEqual(['category_prefix', 'area_code', 'department_code', 'assisting_department_codes', 'priority', 'note']);
    expect(rows).toHaveLength(active + 1);
    expect(rows).toContainEqual(['02', '990101', 'EAST-CITYMGMT', 'EAST-OFFICE', '0', '']);
    const back = await importCsv(res.body);
    expect(back.body).toEqual({ created: 0, updated: 0, unchanged: active, errors: [] });
  });

  it('proposes the department of the deeper area for a point, and a priority rule over it', async () => {
    const east = await responsible('02.01', 120.15, 30.05);
    expect(east.status).toBe(200);
    expect(east.body.department.code).toBe('EAST-CITYMGMT');
    expect(east.body.assisting.map((d) => d.code)).toEqual(['EAST-OFFICE']);
    expect((await responsible('02.01', 120.05, 30.1)).body.department.code).toBe('ENV');
    const override = await http.inject({
      method: 'POST', url: '/api/v1/organization/rules',
      payload: { items: [{ categoryPrefix: '02.01', areaCode: '990100', departmentCode: 'TRANSPORT', priority: 10, note: '专项整治期间' }] },
    });
    expect(override.json<UpsertReport>()).toEqual({ created: 1, updated: 0, unchanged: 0, errors: [] });
    expect((await responsible('02.01.01', 120.15, 30.05)).body.department.code).toBe('TRANSPORT');
    expect((await responsible('02.02', 120.15, 30.05)).body.department.code).toBe('EAST-CITYMGMT');
  });

  it('answers 404 NO_RESPONSIBLE_DEPARTMENT when no rule matches', async () => {
    const res = await responsible('99.01', 120.15, 30.05);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NO_RESPONSIBLE_DEPARTMENT');
  });

  it('retires a rule with DELETE so it no longer matches, and answers 404 for it afterwards', async () => {
    const override = rulesOf('02.01').find((r) => r.departmentId === w.dept('TRANSPORT'));
    expect(override).toBeDefined();
    const del = await http.inject({ method: 'DELETE', url: `/api/v1/organization/rules/${override!.id}` });
    expect(del.statusCode).toBe(204);
    expect((await responsible('02.01', 120.15, 30.05)).body.department.code).toBe('EAST-CITYMGMT');
    const listed = await http.inject({ method: 'GET', url: '/api/v1/organization/rules' });
    expect(listed.json<{ items: Array<{ id: string }> }>().items.some((r) => r.id === override!.id)).toBe(false);
    const again = await http.inject({ method: 'DELETE', url: `/api/v1/organization/rules/${override!.id}` });
    expect(again.statusCode).toBe(404);
    expect(again.json<ErrorBody>().error.code).toBe('NOT_FOUND');
  });

  it('never shows staff phone numbers in the staff list or on a department', async () => {
    const up = await http.inject({
      method: 'POST', url: '/api/v1/organization/staff',
      payload: { items: [{ code: 'handler-phone', name: '刘承办', departmentCode: 'ENV', roles: ['handler'], phone: '13912345678' }] },
    });
    expect(up.json<UpsertReport>().created).toBe(1);
    expect(w.app.organization.api.listStaff().find((s) => s.code === 'handler-phone')?.phone).toBe('13912345678');
    const list = await http.inject({ method: 'GET', url: '/api/v1/organization/staff' });
    const items = list.json<{ items: Array<Record<string, unknown>> }>().items;
    expect(items.map((s) => s.code)).toContain('handler-phone');
    expect(items.every((s) => !('phone' in s))).toBe(true);
    expect(list.body).not.toContain('13912345678');
    const byRole = await http.inject({ method: 'GET', url: `/api/v1/organization/staff?role=handler&departmentId=${w.dept('ENV')}` });
    expect(byRole.json<{ items: Array<{ code: string }> }>().items.map((s) => s.code).sort()).toEqual(['handler-env', 'handler-phone']);
    expect(byRole.body).not.toContain('13912345678');
    const dept = await http.inject({ method: 'GET', url: '/api/v1/organization/departments/ENV' });
    expect(dept.json<{ staff: Array<{ code: string }> }>().staff.map((s) => s.code)).toContain('handler-phone');
    expect(dept.body).not.toContain('13912345678');
  });

  it('upserts departments over HTTP with the parent after the child, and reports an unknown area on its row', async () => {
    const res = await http.inject({
      method: 'POST', url: '/api/v1/organization/departments',
      payload: {
        items: [
          { code: 'WEST-OFFICE', name: '西一街道办事处', tier: 'street', kind: 'street_office', parentCode: 'WEST-CENTRE', areaCode: '990102001' },
          { code: 'WEST-CENTRE', name: '西区热线分中心', tier: 'district', kind: 'centre', parentCode: 'CENTRE', areaCode: '990102' },
          { code: 'LOST', name: '辖区不存在', tier: 'street', kind: 'street_office', parentCode: 'WEST-CENTRE', areaCode: '990199001' },
        ],
      },
    });
    const report = res.json<UpsertReport>();
    expect(report.created).toBe(2);
    expect(report.errors.map((e) => [e.row, e.code])).toEqual([[3, 'LOST']]);
    const office = await http.inject({ method: 'GET', url: '/api/v1/organization/departments/WEST-OFFICE' });
    expect(office.json<{ parentId: string }>().parentId).toBe(w.dept('WEST-CENTRE'));
  });
});
