import type { Clock } from '../../platform/clock/clock.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import { newId } from '../../platform/ids/ids.ts';
import type { PlacesApi } from '../places/index.ts';
import { RuleIndex } from './domain/responsibility.ts';
import {
  DEPARTMENT_KINDS, ROLES, TIERS,
  type Department, type DepartmentInput, type DepartmentKind, type OrganizationApi, type ResponsibilityMatch,
  type ResponsibilityRule, type Role, type RuleInput, type Staff, type StaffInput, type Tier, type UpsertReport,
} from './organization.api.ts';
import { ORGANIZATION_EVENTS } from './organization.events.ts';
import type { OrganizationRepository } from './organization.repository.ts';

const CODE = /^[A-Za-z0-9_.-]{1,40}$/;
const CATEGORY = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;
const emptyReport = (): UpsertReport => ({ created: 0, updated: 0, unchanged: 0, errors: [] });
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Departments, staff and rules are few (hundreds to thousands): kept in memory, stored in the database. */
export class OrganizationService implements OrganizationApi {
  private departments = new Map<string, Department>();
  private departmentsByCode = new Map<string, Department>();
  private staff = new Map<string, Staff>();
  private staffByCode = new Map<string, Staff>();
  private rules: ResponsibilityRule[] = [];
  private ruleIndex = new RuleIndex<ResponsibilityRule>([]);

  constructor(
    private readonly repo: OrganizationRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly places: PlacesApi,
  ) {}

  /** Load everything into memory. */
  async load(): Promise<void> {
    this.setDepartments(await this.repo.departments());
    this.setStaff(await this.repo.staff());
    this.setRules(await this.repo.rules());
  }

  private setDepartments(list: Department[]): void {
    this.departments = new Map(list.map((d) => [d.id, d]));
    this.departmentsByCode = new Map(list.map((d) => [d.code, d]));
  }
  private setStaff(list: Staff[]): void {
    this.staff = new Map(list.map((s) => [s.id, s]));
    this.staffByCode = new Map(list.map((s) => [s.code, s]));
  }
  private setRules(list: ResponsibilityRule[]): void {
    this.rules = list;
    this.ruleIndex = new RuleIndex(list);
  }

  getDepartment(id: string): Department | null {
    return this.departments.get(id) ?? null;
  }
  getDepartmentByCode(code: string): Department | null {
    return this.departmentsByCode.get(code) ?? null;
  }
  listDepartments(filter: { tier?: Tier; kind?: DepartmentKind; parentId?: string } = {}): Department[] {
    return [...this.departments.values()].filter(
      (d) => (!filter.tier || d.tier === filter.tier) && (!filter.kind || d.kind === filter.kind) && (filter.parentId === undefined || d.parentId === filter.parentId),
    );
  }

  cityCentre(): Department | null {
    return this.listDepartments({ tier: 'city', kind: 'centre' }).find((d) => d.active && d.parentId === null) ?? this.listDepartments({ tier: 'city', kind: 'centre' })[0] ?? null;
  }

  centreFor(tier: Tier, areaId: string | null): Department | null {
    if (tier === 'city') return this.cityCentre();
    if (!areaId) return null;
    return this.listDepartments({ tier, kind: 'centre' }).find((d) => d.active && d.areaId !== null && this.places.isWithin(areaId, d.areaId)) ?? null;
  }

  getStaff(id: string): Staff | null {
    return this.staff.get(id) ?? null;
  }
  listStaff(filter: { departmentId?: string; role?: Role } = {}): Staff[] {
    return [...this.staff.values()].filter((s) => (!filter.departmentId || s.departmentId === filter.departmentId) && (!filter.role || s.roles.includes(filter.role)));
  }

  resolveResponsibility(categoryCode: string, areaId: string | null): ResponsibilityMatch | null {
    const root = this.places.root()?.id ?? null;
    const contains = areaId ? (ruleArea: string) => this.places.isWithin(areaId, ruleArea) : (ruleArea: string) => ruleArea === root;
    const depth = (id: string) => this.places.lineage(id).length;
    const rule = this.ruleIndex.resolve(categoryCode, contains, depth);
    if (!rule) return null;
    const department = this.departments.get(rule.departmentId);
    // A rule pointing at a retired department must not route cases into a void.
    if (!department?.active) return null;
    const assisting = rule.assistingDepartmentIds.map((id) => this.departments.get(id)).filter((d): d is Department => !!d && d.active);
    return { rule, department, assisting };
  }

  listRules(): ResponsibilityRule[] {
    return this.rules.filter((r) => r.active);
  }

  async upsertDepartments(inputs: readonly DepartmentInput[]): Promise<UpsertReport> {
    const report = emptyReport();
    const next = new Map(this.departmentsByCode);
    const changes: Array<{ d: Department; exists: boolean }> = [];
    let pending = inputs.map((input, i) => ({ input, row: i + 1 }));
    // Parents may come after their children: resolve in passes until a pass makes no progress.
    while (pending.length) {
      const later: typeof pending = [];
      for (const item of pending) {
        const { input, row } = item;
        const problem = checkDepartment(input);
        if (problem) {
          report.errors.push({ row, code: String(input.code ?? ''), reason: problem });
          continue;
        }
        let parentId: string | null = null;
        if (input.parentCode) {
          const p = next.get(input.parentCode);
          if (!p) {
            later.push(item);
            continue;
          }
          if (this.wouldCycle(next, input.code, p)) {
            report.errors.push({ row, code: input.code, reason: `parent ${input.parentCode} is ${input.code} itself or one of its sub-departments (a cycle)` });
            continue;
          }
          parentId = p.id;
        }
        let areaId: string | null = null;
        if (input.areaCode) {
          const area = this.places.getAreaByCode(input.areaCode);
          if (!area) {
            report.errors.push({ row, code: input.code, reason: `area ${input.areaCode} not found` });
            continue;
          }
          areaId = area.id;
        }
        const old = next.get(input.code);
        const d: Department = {
          id: old?.id ?? newId('dep'), code: input.code, name: input.name.trim(), nameEn: (input.nameEn ?? '').trim(),
          tier: input.tier, kind: input.kind, parentId, areaId, active: true,
        };
        if (old && same(old, d)) {
          report.unchanged += 1;
          continue;
        }
        const exists = this.departmentsByCode.has(input.code);
        if (exists) report.updated += 1;
        else report.created += 1;
        next.set(d.code, d);
        changes.push({ d, exists });
      }
      if (later.length === pending.length) {
        for (const { input, row } of later) report.errors.push({ row, code: input.code, reason: `parent department ${input.parentCode} not found` });
        break;
      }
      pending = later;
    }
    if (changes.length) {
      const now = this.clock.now().toISOString();
      await this.uow.run(async ({ tx, publish }) => {
        for (const { d, exists } of changes) await this.repo.saveDepartment(tx, d, now, exists);
        await publish(ORGANIZATION_EVENTS.changed, { what: 'departments', created: report.created, updated: report.updated });
      });
      this.setDepartments([...next.values()]);
    }
    return report;
  }

  /** True when making `parent` the parent of `code` would close a loop in the department tree. */
  private wouldCycle(byCode: Map<string, Department>, code: string, parent: Department): boolean {
    const byId = new Map([...byCode.values()].map((d) => [d.id, d]));
    for (let d: Department | undefined = parent, steps = 0; d && steps <= byCode.size; d = d.parentId ? byId.get(d.parentId) : undefined, steps++) {
      if (d.code === code) return true;
    }
    return false;
  }

  async upsertStaff(inputs: readonly StaffInput[]): Promise<UpsertReport> {
    const report = emptyReport();
    const changes: Array<{ s: Staff; exists: boolean }> = [];
    const next = new Map(this.staffByCode);
    inputs.forEach((input, i) => {
      const row = i + 1;
      const dep = typeof input.departmentCode === 'string' ? this.departmentsByCode.get(input.departmentCode) : undefined;
      const badRole = Array.isArray(input.roles) ? input.roles.find((r) => !(ROLES as readonly string[]).includes(r)) : 'roles';
      const grids = (input.gridCodes ?? []).map((c) => this.places.getAreaByCode(c));
      let reason: string | null = null;
      if (typeof input.code !== 'string' || !CODE.test(input.code)) reason = 'code must be 1–40 letters, digits, . _ -';
      else if (typeof input.name !== 'string' || !input.name.trim() || input.name.length > 60) reason = 'name is required (≤ 60 characters)';
      else if (!dep) reason = `department ${String(input.departmentCode)} not found`;
      else if (badRole !== undefined || input.roles.length === 0) reason = `unknown role ${String(badRole ?? '(none)')}; roles: ${ROLES.join(', ')}`;
      else if (grids.some((g) => !g)) reason = 'a grid code was not found';
      if (reason || !dep) {
        report.errors.push({ row, code: String(input.code ?? ''), reason: reason ?? 'invalid' });
        return;
      }
      const old = next.get(input.code);
      const s: Staff = {
        id: old?.id ?? newId('stf'), code: input.code, name: input.name.trim(), departmentId: dep.id, roles: [...new Set(input.roles)],
        phone: input.phone ?? null, gridAreaIds: grids.map((g) => g!.id), active: true,
      };
      if (old && same(old, s)) {
        report.unchanged += 1;
        return;
      }
      const exists = this.staffByCode.has(input.code);
      if (exists) report.updated += 1;
      else report.created += 1;
      next.set(s.code, s);
      changes.push({ s, exists });
    });
    if (changes.length) {
      const now = this.clock.now().toISOString();
      await this.uow.run(async ({ tx, publish }) => {
        for (const { s, exists } of changes) await this.repo.saveStaff(tx, s, now, exists);
        await publish(ORGANIZATION_EVENTS.changed, { what: 'staff', created: report.created, updated: report.updated });
      });
      this.setStaff([...next.values()]);
    }
    return report;
  }

  async upsertRules(inputs: readonly RuleInput[]): Promise<UpsertReport> {
    const report = emptyReport();
    const key = (r: { categoryPrefix: string; areaId: string; departmentId: string }) => `${r.categoryPrefix}|${r.areaId}|${r.departmentId}`;
    const next = new Map(this.rules.map((r) => [key(r), r]));
    const stored = new Set(next.keys());
    const changes: Array<{ r: ResponsibilityRule; exists: boolean }> = [];
    inputs.forEach((input, i) => {
      const row = i + 1;
      const area = typeof input.areaCode === 'string' ? this.places.getAreaByCode(input.areaCode) : null;
      const dep = typeof input.departmentCode === 'string' ? this.departmentsByCode.get(input.departmentCode) : undefined;
      const assisting = (input.assistingDepartmentCodes ?? []).map((c) => this.departmentsByCode.get(c));
      const priority = input.priority ?? 0;
      let reason: string | null = null;
      if (typeof input.categoryPrefix !== 'string' || !CATEGORY.test(input.categoryPrefix)) reason = 'categoryPrefix must be a dotted category code such as 01.02';
      else if (!area) reason = `area ${String(input.areaCode)} not found`;
      else if (!dep) reason = `department ${String(input.departmentCode)} not found`;
      else if (assisting.some((a) => !a)) reason = 'an assisting department code was not found';
      else if (!Number.isInteger(priority) || priority < -1000 || priority > 1000) reason = 'priority must be an integer in [-1000, 1000]';
      if (reason || !area || !dep) {
        report.errors.push({ row, code: String(input.categoryPrefix ?? ''), reason: reason ?? 'invalid' });
        return;
      }
      const k = key({ categoryPrefix: input.categoryPrefix, areaId: area.id, departmentId: dep.id });
      const old = next.get(k);
      const r: ResponsibilityRule = {
        id: old?.id ?? newId('rul'), categoryPrefix: input.categoryPrefix, areaId: area.id, departmentId: dep.id,
        assistingDepartmentIds: assisting.map((a) => a!.id).filter((id) => id !== dep.id), priority, note: (input.note ?? '').slice(0, 500), active: true,
      };
      if (old && same(old, r)) {
        report.unchanged += 1;
        return;
      }
      const exists = stored.has(k);
      if (exists) report.updated += 1;
      else report.created += 1;
      next.set(k, r);
      changes.push({ r, exists });
    });
    if (changes.length) {
      const now = this.clock.now().toISOString();
      await this.uow.run(async ({ tx, publish }) => {
        for (const { r, exists } of changes) await this.repo.saveRule(tx, r, now, exists);
        await publish(ORGANIZATION_EVENTS.changed, { what: 'rules', created: report.created, updated: report.updated });
      });
      this.setRules([...next.values()]);
    }
    return report;
  }

  /** Retire a rule (kept for history, no longer used for dispatch). */
  async deactivateRule(id: string): Promise<boolean> {
    const rule = this.rules.find((r) => r.id === id);
    if (!rule || !rule.active) return false;
    const r = { ...rule, active: false };
    await this.uow.run(async ({ tx, publish }) => {
      await this.repo.saveRule(tx, r, this.clock.now().toISOString(), true);
      await publish(ORGANIZATION_EVENTS.changed, { what: 'rules', created: 0, updated: 1 });
    });
    this.setRules(this.rules.map((x) => (x.id === id ? r : x)));
    return true;
  }
}

function checkDepartment(input: DepartmentInput): string | null {
  if (typeof input.code !== 'string' || !CODE.test(input.code)) return 'code must be 1–40 letters, digits, . _ -';
  if (typeof input.name !== 'string' || !input.name.trim() || input.name.length > 100) return 'name is required (≤ 100 characters)';
  if (!(TIERS as readonly string[]).includes(input.tier)) return `tier must be one of ${TIERS.join(', ')}`;
  if (!(DEPARTMENT_KINDS as readonly string[]).includes(input.kind)) return `kind must be one of ${DEPARTMENT_KINDS.join(', ')}`;
  return null;
}
