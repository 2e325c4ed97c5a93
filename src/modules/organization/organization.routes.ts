import { Type } from 'typebox';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { spreadsheetSafe } from '../../platform/text/spreadsheet.ts';
import type { HttpApp } from '../../platform/http/http-server.ts';
import { ORGANIZATION_PERMISSIONS } from './organization.permissions.ts';
import { AppError, errors } from '../../platform/errors/app-error.ts';
import { DEPARTMENT_KINDS, ROLES, TIERS, type RuleInput } from './organization.api.ts';
import type { OrganizationService } from './organization.service.ts';
import type { PlacesApi } from '../places/index.ts';

const lit = Type.Enum;
const Report = Type.Object({
  created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(),
  errors: Type.Array(Type.Object({ row: Type.Integer(), code: Type.String(), reason: Type.String() })),
});
const DepartmentInputSchema = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 40 }), name: Type.String({ minLength: 1, maxLength: 100 }), nameEn: Type.Optional(Type.String({ maxLength: 200 })),
  tier: lit(TIERS), kind: lit(DEPARTMENT_KINDS), parentCode: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])), areaCode: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
});
const RuleInputSchema = Type.Object({
  categoryPrefix: Type.String({ minLength: 1, maxLength: 100 }), areaCode: Type.String({ minLength: 1, maxLength: 40 }), departmentCode: Type.String({ minLength: 1, maxLength: 40 }),
  assistingDepartmentCodes: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 })), priority: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000 })), note: Type.Optional(Type.String({ maxLength: 500 })),
});
const RULE_CSV_COLUMNS = ['category_prefix', 'area_code', 'department_code', 'assisting_department_codes', 'priority', 'note'] as const;

/** Parse the responsibility-list CSV; rows that cannot even be read are reported, not thrown. */
export function parseRulesCsv(text: string): { rules: RuleInput[]; rows: number[]; errors: Array<{ row: number; code: string; reason: string }> } {
  let records: string[][];
  try {
    records = parseCsv(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (err) {
    throw errors.validation('body', `CSV 无法解析：${(err as Error).message}`, `CSV cannot be parsed: ${(err as Error).message}`);
  }
  const header = records.shift()?.map((h) => h.toLowerCase());
  if (!header || RULE_CSV_COLUMNS.slice(0, 3).some((c) => !header.includes(c))) {
    throw errors.validation('body', `CSV 表头须包含 ${RULE_CSV_COLUMNS.join(',')}`, `CSV header must contain ${RULE_CSV_COLUMNS.join(',')}`);
  }
  const col = (r: string[], name: string) => r[header.indexOf(name)] ?? '';
  const rules: RuleInput[] = [];
  const rows: number[] = [];
  const errs: Array<{ row: number; code: string; reason: string }> = [];
  records.forEach((r, i) => {
    const row = i + 1;
    const priorityText = col(r, 'priority');
    const priority = priorityText === '' ? 0 : Number(priorityText);
    if (!Number.isInteger(priority)) {
      errs.push({ row, code: col(r, 'category_prefix'), reason: `priority "${priorityText}" is not an integer` });
      return;
    }
    rows.push(row);
    rules.push({
      categoryPrefix: col(r, 'category_prefix'), areaCode: col(r, 'area_code'), departmentCode: col(r, 'department_code'),
      assistingDepartmentCodes: col(r, 'assisting_department_codes').split(/[;|]/).map((s) => s.trim()).filter(Boolean), priority, note: col(r, 'note'),
    });
  });
  return { rules, rows, errors: errs };
}

/** HTTP adapter of the organization module under /api/v1/organization. */
export function organizationRoutes(app: HttpApp, service: OrganizationService, places: PlacesApi): void {
  const tags = ['organization'];
  app.get('/api/v1/organization/departments', { config: { permission: ORGANIZATION_PERMISSIONS.read },
    schema: { tags, summary: 'List departments', querystring: Type.Object({ tier: Type.Optional(lit(TIERS)), kind: Type.Optional(lit(DEPARTMENT_KINDS)) }) },
  }, async (req) => ({ items: service.listDepartments({ ...(req.query.tier ? { tier: req.query.tier } : {}), ...(req.query.kind ? { kind: req.query.kind } : {}) }) }));

  app.get('/api/v1/organization/departments/:id', { config: { permission: ORGANIZATION_PERMISSIONS.read },
    schema: { tags, summary: 'One department with its staff', params: Type.Object({ id: Type.String({ maxLength: 40 }) }) },
  }, async (req) => {
    const d = service.getDepartment(req.params.id) ?? service.getDepartmentByCode(req.params.id);
    if (!d) throw errors.notFound('department', req.params.id, '部门');
    return { ...d, staff: service.listStaff({ departmentId: d.id }).map(({ phone: _p, ...s }) => s) };
  });

  app.post('/api/v1/organization/departments', { config: { permission: ORGANIZATION_PERMISSIONS.admin },
    schema: { tags, summary: 'Create or update departments by code', body: Type.Object({ items: Type.Array(DepartmentInputSchema, { minItems: 1, maxItems: 5000 }) }), response: { 200: Report } },
  }, async (req) => service.upsertDepartments(req.body.items));

  app.get('/api/v1/organization/staff', { config: { permission: ORGANIZATION_PERMISSIONS.read },
    schema: { tags, summary: 'List staff', querystring: Type.Object({ departmentId: Type.Optional(Type.String({ maxLength: 40 })), role: Type.Optional(lit(ROLES)) }) },
  }, async (req) => ({
    items: service.listStaff({ ...(req.query.departmentId ? { departmentId: req.query.departmentId } : {}), ...(req.query.role ? { role: req.query.role } : {}) }).map(({ phone: _p, ...s }) => s),
  }));

  app.post('/api/v1/organization/staff', { config: { permission: ORGANIZATION_PERMISSIONS.admin },
    schema: {
      tags, summary: 'Create or update staff by code',
      body: Type.Object({ items: Type.Array(Type.Object({ code: Type.String({ maxLength: 40 }), name: Type.String({ maxLength: 60 }), departmentCode: Type.String({ maxLength: 40 }), roles: Type.Array(lit(ROLES), { minItems: 1 }), phone: Type.Optional(Type.String({ maxLength: 20 })), gridCodes: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 100 })) }), { minItems: 1, maxItems: 5000 }) }),
      response: { 200: Report },
    },
  }, async (req) => service.upsertStaff(req.body.items));

  app.get('/api/v1/organization/rules', { config: { permission: ORGANIZATION_PERMISSIONS.read }, schema: { tags, summary: 'The responsibility list (active rules)' } }, async () => ({ items: service.listRules() }));

  app.post('/api/v1/organization/rules', { config: { permission: ORGANIZATION_PERMISSIONS.admin },
    schema: { tags, summary: 'Create or update rules (category prefix × area × department)', body: Type.Object({ items: Type.Array(RuleInputSchema, { minItems: 1, maxItems: 10000 }) }), response: { 200: Report } },
  }, async (req) => service.upsertRules(req.body.items));

  app.delete('/api/v1/organization/rules/:id', { config: { permission: ORGANIZATION_PERMISSIONS.admin },
    schema: { tags, summary: 'Retire a rule', params: Type.Object({ id: Type.String({ maxLength: 40 }) }) },
  }, async (req, reply) => {
    if (!(await service.deactivateRule(req.params.id))) throw errors.notFound('rule', req.params.id, '权责规则');
    return reply.status(204).send();
  });

  app.post('/api/v1/organization/rules/import', { config: { permission: ORGANIZATION_PERMISSIONS.admin },
    schema: { tags, summary: 'Import the responsibility list from CSV (text/csv): ' + RULE_CSV_COLUMNS.join(','), consumes: ['text/csv'] },
  }, async (req) => {
    if (typeof req.body !== 'string') throw errors.validation('body', '请以 text/csv 提交', 'Send the CSV as text/csv');
    const parsed = parseRulesCsv(req.body);
    const report = await service.upsertRules(parsed.rules);
    // Map the service's positions back to CSV row numbers.
    return { ...report, errors: [...parsed.errors, ...report.errors.map((e) => ({ ...e, row: parsed.rows[e.row - 1] ?? e.row }))].sort((a, b) => a.row - b.row) };
  });

  app.get('/api/v1/organization/rules/export', { config: { permission: ORGANIZATION_PERMISSIONS.read }, schema: { tags, summary: 'The responsibility list as CSV' } }, async (_req, reply) => {
    const rows = service.listRules().map((r) => [
      r.categoryPrefix, places.getArea(r.areaId)?.code ?? r.areaId, service.getDepartment(r.departmentId)?.code ?? r.departmentId,
      r.assistingDepartmentIds.map((id) => service.getDepartment(id)?.code ?? id).join(';'), r.priority, r.note,
    ]);
    return reply.type('text/csv; charset=utf-8').send(stringify([[...RULE_CSV_COLUMNS], ...rows.map((r) => r.map(spreadsheetSafe))]));
  });

  app.get('/api/v1/organization/responsibility', { config: { permission: ORGANIZATION_PERMISSIONS.read },
    schema: {
      tags, summary: 'Which department the responsibility list proposes for a category at a place',
      querystring: Type.Object({ categoryCode: Type.String({ minLength: 1, maxLength: 100 }), areaId: Type.Optional(Type.String({ maxLength: 40 })), lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })), lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })) }),
    },
  }, async (req) => {
    let areaId = req.query.areaId ?? null;
    if (areaId === null && req.query.lng !== undefined && req.query.lat !== undefined) {
      const area = places.locate(req.query.lng, req.query.lat);
      if (!area) throw errors.validation('lng,lat', '该位置不在本市范围内', 'The point is outside the city');
      areaId = area.id;
    }
    const match = service.resolveResponsibility(req.query.categoryCode, areaId);
    if (!match) throw new AppError({ code: 'NO_RESPONSIBLE_DEPARTMENT', status: 404, zh: '权责清单中没有匹配的部门', en: 'No department in the responsibility list matches' });
    return match;
  });
}
