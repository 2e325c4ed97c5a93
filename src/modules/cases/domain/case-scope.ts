import type { ActorScope, RoleGrant } from '../cases.api.ts';

/** The facts about departments and areas a scope needs (answered by organization and places). */
export interface ScopeDirectory {
  department(id: string): { id: string; kind: string; tier: string; areaId: string | null; parentId: string | null } | null;
  /** Departments below a department (its sub-departments, recursively). */
  subDepartments(id: string): string[];
  /** The area and all areas inside it. */
  subtree(areaId: string): string[];
}

export const NO_SCOPE: ActorScope = { all: false, departmentIds: new Set(), areaIds: new Set() };

/**
 * Data scope follows the organisation (union over the caller's role grants):
 * - admin, or any role held at the city-tier dispatch centre: every case;
 * - a role at a district or street dispatch centre: cases in its jurisdiction and cases held by or
 *   assigned to it or its sub-departments;
 * - a grid worker: cases in their grids, plus their own department's;
 * - any other role: cases its department is main or assisting department of (or holds as a centre).
 */
export function scopeOf(grants: readonly RoleGrant[], gridAreaIds: readonly string[], dir: ScopeDirectory): ActorScope {
  const departmentIds = new Set<string>();
  const areaIds = new Set<string>();
  for (const g of grants) {
    const dept = dir.department(g.departmentId);
    if (g.role === 'admin') return { all: true, departmentIds, areaIds };
    if (!dept) continue;
    if (dept.kind === 'centre' && dept.tier === 'city') return { all: true, departmentIds, areaIds };
    departmentIds.add(dept.id);
    if (dept.kind === 'centre') {
      for (const d of dir.subDepartments(dept.id)) departmentIds.add(d);
      if (dept.areaId) for (const a of dir.subtree(dept.areaId)) areaIds.add(a);
    }
    if (g.role === 'grid_worker') for (const grid of gridAreaIds) for (const a of dir.subtree(grid)) areaIds.add(a);
  }
  return { all: false, departmentIds, areaIds };
}

/** Whether a case is inside a scope. */
export function inScope(
  scope: ActorScope | undefined,
  c: { mainDepartmentId: string | null; centreId: string | null; areaId: string | null },
  assignmentDepartmentIds: readonly string[],
): boolean {
  if (!scope || scope.all) return true;
  if (c.mainDepartmentId && scope.departmentIds.has(c.mainDepartmentId)) return true;
  if (c.centreId && scope.departmentIds.has(c.centreId)) return true;
  if (c.areaId && scope.areaIds.has(c.areaId)) return true;
  return assignmentDepartmentIds.some((d) => scope.departmentIds.has(d));
}
