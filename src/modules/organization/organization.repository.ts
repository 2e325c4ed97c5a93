import type { Kysely } from 'kysely';
import type { Db, Tx } from '../../platform/db/database.ts';
import type { Department, DepartmentKind, ResponsibilityRule, Role, Staff, Tier } from './organization.api.ts';

export type OrganizationTables = {
  organization_department: {
    id: string; code: string; name: string; name_en: string; tier: string; kind: string;
    parent_id: string | null; area_id: string | null; active: number; created_at: string; updated_at: string;
  };
  organization_staff: {
    id: string; code: string; name: string; department_id: string; roles: string; phone: string | null;
    grid_area_ids: string; active: number; created_at: string; updated_at: string;
  };
  organization_rule: {
    id: string; category_prefix: string; area_id: string; department_id: string; assisting_ids: string;
    priority: number; note: string; active: number; created_at: string; updated_at: string;
  };
};

/** The only place with SQL for organization_* tables. */
export class OrganizationRepository {
  private readonly db: Kysely<OrganizationTables>;
  constructor(db: Db) {
    this.db = db.withTables<OrganizationTables>();
  }

  async departments(): Promise<Department[]> {
    const rows = await this.db.selectFrom('organization_department').selectAll().orderBy('code').execute();
    return rows.map((r) => ({
      id: r.id, code: r.code, name: r.name, nameEn: r.name_en, tier: r.tier as Tier, kind: r.kind as DepartmentKind,
      parentId: r.parent_id, areaId: r.area_id, active: r.active === 1,
    }));
  }

  async staff(): Promise<Staff[]> {
    const rows = await this.db.selectFrom('organization_staff').selectAll().orderBy('code').execute();
    return rows.map((r) => ({
      id: r.id, code: r.code, name: r.name, departmentId: r.department_id, roles: JSON.parse(r.roles) as Role[],
      phone: r.phone, gridAreaIds: JSON.parse(r.grid_area_ids) as string[], active: r.active === 1,
    }));
  }

  async rules(): Promise<ResponsibilityRule[]> {
    const rows = await this.db.selectFrom('organization_rule').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id, categoryPrefix: r.category_prefix, areaId: r.area_id, departmentId: r.department_id,
      assistingDepartmentIds: JSON.parse(r.assisting_ids) as string[], priority: Number(r.priority), note: r.note, active: r.active === 1,
    }));
  }

  async saveDepartment(tx: Tx, d: Department, now: string, exists: boolean): Promise<void> {
    const t = tx.withTables<OrganizationTables>();
    const values = { name: d.name, name_en: d.nameEn, tier: d.tier, kind: d.kind, parent_id: d.parentId, area_id: d.areaId, active: d.active ? 1 : 0, updated_at: now };
    if (exists) await t.updateTable('organization_department').set(values).where('id', '=', d.id).execute();
    else await t.insertInto('organization_department').values({ ...values, id: d.id, code: d.code, created_at: now }).execute();
  }

  async saveStaff(tx: Tx, s: Staff, now: string, exists: boolean): Promise<void> {
    const t = tx.withTables<OrganizationTables>();
    const values = { name: s.name, department_id: s.departmentId, roles: JSON.stringify(s.roles), phone: s.phone, grid_area_ids: JSON.stringify(s.gridAreaIds), active: s.active ? 1 : 0, updated_at: now };
    if (exists) await t.updateTable('organization_staff').set(values).where('id', '=', s.id).execute();
    else await t.insertInto('organization_staff').values({ ...values, id: s.id, code: s.code, created_at: now }).execute();
  }

  async saveRule(tx: Tx, r: ResponsibilityRule, now: string, exists: boolean): Promise<void> {
    const t = tx.withTables<OrganizationTables>();
    const values = { category_prefix: r.categoryPrefix, area_id: r.areaId, department_id: r.departmentId, assisting_ids: JSON.stringify(r.assistingDepartmentIds), priority: r.priority, note: r.note, active: r.active ? 1 : 0, updated_at: now };
    if (exists) await t.updateTable('organization_rule').set(values).where('id', '=', r.id).execute();
    else await t.insertInto('organization_rule').values({ ...values, id: r.id, created_at: now }).execute();
  }
}
