export const TIERS = ['city', 'district', 'street'] as const;
export type Tier = (typeof TIERS)[number];
export const TIER_ZH: Record<Tier, string> = { city: '市级', district: '区级', street: '街道级' };

export const DEPARTMENT_KINDS = ['centre', 'bureau', 'street_office', 'utility', 'other'] as const;
/** centre = a dispatch centre (12345 city centre, district centre); the others handle cases. */
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

export const ROLES = ['agent', 'dispatcher', 'handler', 'supervisor', 'grid_worker', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_ZH: Record<Role, string> = {
  agent: '话务员', dispatcher: '派单员', handler: '承办人', supervisor: '督办员', grid_worker: '网格员', analyst: '分析员', admin: '管理员',
};

export interface Department {
  id: string;
  code: string;
  name: string;
  nameEn: string;
  tier: Tier;
  kind: DepartmentKind;
  parentId: string | null;
  /** Jurisdiction (area id) for centres and street offices; null for city-wide bureaus. */
  areaId: string | null;
  active: boolean;
}

export interface DepartmentInput {
  code: string;
  name: string;
  nameEn?: string;
  tier: Tier;
  kind: DepartmentKind;
  parentCode?: string | null;
  areaCode?: string | null;
}

export interface Staff {
  id: string;
  code: string;
  name: string;
  departmentId: string;
  roles: Role[];
  phone: string | null;
  gridAreaIds: string[];
  active: boolean;
}

export interface StaffInput {
  code: string;
  name: string;
  departmentCode: string;
  roles: Role[];
  phone?: string | null;
  gridCodes?: string[];
}

/** A row of the responsibility list (权责清单). */
export interface ResponsibilityRule {
  id: string;
  categoryPrefix: string;
  areaId: string;
  departmentId: string;
  assistingDepartmentIds: string[];
  priority: number;
  note: string;
  active: boolean;
}

export interface RuleInput {
  categoryPrefix: string;
  areaCode: string;
  departmentCode: string;
  assistingDepartmentCodes?: string[];
  priority?: number;
  note?: string;
}

export interface ResponsibilityMatch {
  rule: ResponsibilityRule;
  department: Department;
  assisting: Department[];
}

export interface UpsertReport {
  created: number;
  updated: number;
  unchanged: number;
  errors: Array<{ row: number; code: string; reason: string }>;
}

/** Departments, staff and the responsibility list. */
export interface OrganizationApi {
  /** One department by id. */
  getDepartment(id: string): Department | null;
  /** One department by its code. */
  getDepartmentByCode(code: string): Department | null;
  /** Departments, optionally filtered. */
  listDepartments(filter?: { tier?: Tier; kind?: DepartmentKind; parentId?: string }): Department[];
  /** The 12345 city centre (the root dispatch centre). */
  cityCentre(): Department | null;
  /** The dispatch centre of a tier whose jurisdiction contains the area (e.g. the district centre). */
  centreFor(tier: Tier, areaId: string | null): Department | null;
  /** Create or update departments by code (parents resolved within the batch or from storage). */
  upsertDepartments(inputs: readonly DepartmentInput[]): Promise<UpsertReport>;
  /** One staff member by id. */
  getStaff(id: string): Staff | null;
  /** Staff of a department or with a role. */
  listStaff(filter?: { departmentId?: string; role?: Role }): Staff[];
  /** Create or update staff by code. */
  upsertStaff(inputs: readonly StaffInput[]): Promise<UpsertReport>;
  /** The department responsible for a category in an area, by the responsibility list. */
  resolveResponsibility(categoryCode: string, areaId: string | null): ResponsibilityMatch | null;
  /** Every active rule. */
  listRules(): ResponsibilityRule[];
  /** Create or update rules; a rule is identified by category prefix × area × department. */
  upsertRules(inputs: readonly RuleInput[]): Promise<UpsertReport>;
}
