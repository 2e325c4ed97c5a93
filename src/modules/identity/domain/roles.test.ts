import { describe, expect, it } from 'vitest';
import { CASES_PERMISSIONS } from '../../cases/cases.permissions.ts';
import { ORGANIZATION_PERMISSIONS } from '../../organization/organization.permissions.ts';
import { PLACES_PERMISSIONS } from '../../places/places.permissions.ts';
import { CALENDAR_ADMIN } from '../../../platform/calendar/calendar.routes.ts';
import { ROLES } from '../../organization/index.ts';
import { IDENTITY_PERMISSIONS } from '../identity.permissions.ts';
import { ALL_PERMISSIONS, ROLE_PERMISSIONS, TOKEN_SCOPES, permissionsOfRoles, unknownScopes } from './roles.ts';

describe('roles as permission sets', () => {
  it('knows every permission the other modules declare (the duplicated strings match their source)', () => {
    const declared = [...Object.values(CASES_PERMISSIONS), ...Object.values(PLACES_PERMISSIONS), ...Object.values(ORGANIZATION_PERMISSIONS), CALENDAR_ADMIN];
    expect(declared.filter((p) => !ALL_PERMISSIONS.includes(p))).toEqual([]);
    expect(ALL_PERMISSIONS).toEqual(expect.arrayContaining(['identity.admin', 'audit.read', 'open311.submit', 'sensing.ingest']));
    expect(new Set(ALL_PERMISSIONS).size).toBe(ALL_PERMISSIONS.length);
  });

  it('maps every role and only to known permissions', () => {
    expect(Object.keys(ROLE_PERMISSIONS).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) expect(ROLE_PERMISSIONS[role].filter((p) => !ALL_PERMISSIONS.includes(p)), role).toEqual([]);
  });

  it('gives the admin everything and the analyst no unmasked personal data', () => {
    expect([...permissionsOfRoles(['admin'])].sort()).toEqual([...ALL_PERMISSIONS].sort());
    expect(permissionsOfRoles(['analyst']).has('cases.personal')).toBe(false);
    expect(permissionsOfRoles(['analyst']).has('cases.kpi')).toBe(true);
  });

  it('makes a dispatcher an agent who also dispatches, handles and supervises', () => {
    const dispatcher = permissionsOfRoles(['dispatcher']);
    for (const p of ROLE_PERMISSIONS.agent) expect(dispatcher.has(p), p).toBe(true);
    expect(['cases.dispatch', 'cases.handle', 'cases.supervise'].every((p) => dispatcher.has(p))).toBe(true);
    expect(permissionsOfRoles(['agent']).has('cases.dispatch')).toBe(false);
  });

  it('keeps handlers and grid workers away from settings and exports; handlers see their own KPIs', () => {
    for (const role of ['handler', 'grid_worker'] as const) {
      const set = permissionsOfRoles([role]);
      expect(['cases.settings', 'cases.export', 'identity.admin'].filter((p) => set.has(p)), role).toEqual([]);
    }
    expect(permissionsOfRoles(['handler']).has('cases.kpi')).toBe(true);
    expect(permissionsOfRoles(['grid_worker']).has('cases.kpi')).toBe(false);
  });

  it('unions the permissions of several roles', () => {
    const both = permissionsOfRoles(['handler', 'supervisor']);
    expect(both.has('cases.handle') && both.has('cases.kpi')).toBe(true);
  });

  it('refuses unknown token scopes and identity.self (which belongs to signed-in people only)', () => {
    expect(unknownScopes(['cases.intake', 'open311.submit'])).toEqual([]);
    expect(unknownScopes(['cases.everything', IDENTITY_PERMISSIONS.self])).toEqual(['cases.everything', 'identity.self']);
    expect(TOKEN_SCOPES).not.toContain(IDENTITY_PERMISSIONS.self);
  });
});
