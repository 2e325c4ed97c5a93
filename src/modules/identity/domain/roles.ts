import { CALENDAR_ADMIN } from '../../../platform/calendar/calendar.routes.ts';
import { ROLES, type Role } from '../../organization/index.ts';
import { IDENTITY_PERMISSIONS } from '../identity.permissions.ts';

/*
 * The permission strings other modules declare on their routes. Their `*.permissions.ts` files are not
 * exported through their index.ts, and the boundary rule forbids importing them directly, so the strings
 * are repeated here; roles.test.ts keeps the lists honest.
 */
const CASES = {
  read: 'cases.read', intake: 'cases.intake', dispatch: 'cases.dispatch', handle: 'cases.handle', callback: 'cases.callback',
  supervise: 'cases.supervise', kpi: 'cases.kpi', export: 'cases.export', personal: 'cases.personal', settings: 'cases.settings',
} as const;
const PLACES = { read: 'places.read', admin: 'places.admin' } as const;
const ORGANIZATION = { read: 'organization.read', admin: 'organization.admin' } as const;

/** Every permission a role or a token can carry. */
export const ALL_PERMISSIONS: readonly string[] = [
  ...Object.values(CASES),
  ...Object.values(PLACES),
  ...Object.values(ORGANIZATION),
  CALENDAR_ADMIN,
  IDENTITY_PERMISSIONS.admin,
  IDENTITY_PERMISSIONS.auditRead,
  IDENTITY_PERMISSIONS.open311Submit,
  IDENTITY_PERMISSIONS.sensingIngest,
];

/** What an API token may be scoped to: any permission (`identity.self` belongs to signed-in people only). */
export const TOKEN_SCOPES: readonly string[] = ALL_PERMISSIONS;

const agent = [CASES.read, CASES.intake, CASES.callback, CASES.personal, PLACES.read, ORGANIZATION.read];

/** Role → permissions, as data. A role is held for a department; the data scope follows that department. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly string[]>> = {
  agent,
  dispatcher: [...agent, CASES.dispatch, CASES.handle, CASES.supervise],
  handler: [CASES.read, CASES.handle, CASES.personal, PLACES.read, ORGANIZATION.read],
  supervisor: [CASES.read, CASES.supervise, CASES.kpi, CASES.export, PLACES.read, ORGANIZATION.read],
  grid_worker: [CASES.read, CASES.intake, CASES.handle, PLACES.read],
  // Analysts see trends, never citizens: no cases.personal.
  analyst: [CASES.read, CASES.kpi, CASES.export, PLACES.read, ORGANIZATION.read],
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
