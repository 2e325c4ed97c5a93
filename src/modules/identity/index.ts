export {
  identityClaims, AUDIT_OUTCOMES,
  type IdentityApi, type IdentityClaims, type Account, type RoleGrant, type TokenInfo, type AuditActor, type AuditOutcome, type AuditEntry,
  type AuditInput, type AuditFilter, type CreateAccountInput, type CreateTokenInput,
} from './identity.api.ts';
export { IDENTITY_EVENTS, type AccountChangedPayload, type TokenRevokedPayload } from './identity.events.ts';
export { IDENTITY_PERMISSIONS } from './identity.permissions.ts';
export { createIdentityModule, type IdentityModule, type IdentityModuleDeps } from './identity.module.ts';
export { SYSTEM_AUDIT_ACTOR, type IdentityConfig } from './identity.service.ts';
export { SESSION_COOKIE } from './identity.authenticator.ts';
export { identityMigrations } from './migrations/index.ts';
export { ROLE_PERMISSIONS, ALL_PERMISSIONS, TOKEN_SCOPES, permissionsOfRoles } from './domain/roles.ts';
export { LOGIN_LIMITS } from './domain/login-throttle.ts';
