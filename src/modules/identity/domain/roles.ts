import { CALENDAR_ADMIN } from '../../../platform/calendar/calendar.routes.ts';
import { ROLES, ORGANIZATION_PERMISSIONS, type Role } from '../../organization/index.ts';
import { CASES_PERMISSIONS } from '../../cases/index.ts';
import { PLACES_PERMISSIONS } from '../../places/index.ts';
import { VITALS_PERMISSIONS } from '../../vital-signs/index.ts';
import { INSIGHTS_PERMISSIONS } from '../../insights/index.ts';
import { SENSING_PERMISSIONS } from '../../sensing/index.ts';
import { IDENTITY_PERMISSIONS } from '../identity.permissions.ts';

// The permission strings each module declares on its routes, from its index.ts.
const CASES = CASES_PERMISSIONS;
const PLACES = PLACES_PERMISSIONS;
const ORGANIZATION = ORGANIZATION_PERMISSIONS;
const VITALS = VITALS_PERMISSIONS;
const INSIGHTS = INSIGHTS_PERMISSIONS;
const SENSING = SENSING_PERMISSIONS;

/** Every permission a role or a token can carry. */
export const ALL_PERMISSIONS: readonly string[] = [
  ...Object.values(CASES),
  ...Object.values(PLACES),
  ...Object.values(ORGANIZATION),
  ...Object.values(VITALS),
  ...Object.values(INSIGHTS),
  // sensing.ingest is identity's own token scope (listed below), repeated by sensing for its route.
  ...Object.values(SENSING).filter((p) => p !== SENSING.ingest),
  CALENDAR_ADMIN,
  IDENTITY_PERMISSIONS.admin,
  IDENTITY_PERMISSIONS.auditRead,
  IDENTITY_PERMISSIONS.open311Submit,
  IDENTITY_PERMISSIONS.sensingIngest,
];

/** What an API token may be scoped to: any permission (`identity.self` belongs to signed-in people only). */
export const TOKEN_SCOPES: readonly string[] = ALL_PERMISSIONS;

const agent = [CASES.read, CASES.intake, CASES.callback, CASES.personal, PLACES.read, ORGANIZATION.read, INSIGHTS.read, INSIGHTS.label];

/** Role → permissions, as data. A role is held for a department; the data scope follows that department. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly string[]>> = {
  agent,
  dispatcher: [...agent, CASES.dispatch, CASES.handle, CASES.supervise, VITALS.read, INSIGHTS.reports, SENSING.read],
  // Handlers see their own department's KPIs (the data scope limits them to it).
  handler: [CASES.read, CASES.handle, CASES.personal, CASES.kpi, PLACES.read, ORGANIZATION.read, INSIGHTS.read],
  // Supervisors and grid workers see and handle alarms (acknowledge, comment, clear after a site check).
  supervisor: [
    CASES.read, CASES.supervise, CASES.kpi, CASES.export, PLACES.read, ORGANIZATION.read, VITALS.read,
    INSIGHTS.read, INSIGHTS.review, INSIGHTS.reports, INSIGHTS.mineHotIssues, INSIGHTS.ackWarnings, INSIGHTS.generateBriefings,
    SENSING.read, SENSING.handle,
  ],
  grid_worker: [CASES.read, CASES.intake, CASES.handle, PLACES.read, SENSING.read, SENSING.handle],
  // Analysts see trends, never citizens: no cases.personal.
  analyst: [
    CASES.read, CASES.kpi, CASES.export, PLACES.read, ORGANIZATION.read, VITALS.read,
    INSIGHTS.read, INSIGHTS.train, INSIGHTS.reports, INSIGHTS.mineHotIssues, INSIGHTS.generateBriefings, SENSING.read,
  ],
  admin: ALL_PERMISSIONS,
};

/** True when the string names a role. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** The union of the permissions of some roles. */
export function permissionsOfRoles(roles: Iterable<Role>): Set<string> {
  const out = new Set<string>();
  for (const role of roles) for (const p of ROLE_PERMISSIONS[role]) out.add(p);
  return out;
}

/** Scopes that no token may carry (unknown strings, or identity.self). */
export function unknownScopes(scopes: readonly string[]): string[] {
  return scopes.filter((s) => !TOKEN_SCOPES.includes(s));
}
