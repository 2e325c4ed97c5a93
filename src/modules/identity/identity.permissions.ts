/** Permissions the identity module defines (its own routes, plus scopes other systems are given). */
export const IDENTITY_PERMISSIONS = {
  /** Accounts, role grants and API tokens. */
  admin: 'identity.admin',
  /** Read the audit log. */
  auditRead: 'audit.read',
  /** One's own account (me, password): every signed-in account has it; tokens never do. */
  self: 'identity.self',
  /** Submit service requests through Open311 (a token scope for Open311 clients). */
  open311Submit: 'open311.submit',
  /** Send readings and alarms from device gateways. */
  sensingIngest: 'sensing.ingest',
} as const;
