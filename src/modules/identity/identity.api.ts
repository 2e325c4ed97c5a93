import type { Principal } from '../../platform/http/auth.ts';
import type { Role } from '../organization/index.ts';

/** A role held for a department (null: the whole city, e.g. the first admin). */
export interface RoleGrant {
  id: string;
  role: Role;
  departmentId: string | null;
}

/** A staff account as admins and the account holder see it (never the password hash). */
export interface Account {
  id: string;
  username: string;
  displayName: string;
  /** The organization staff member this account belongs to. */
  staffId: string | null;
  /** The staff member's department, else the department of the first grant. */
  departmentId: string | null;
  active: boolean;
  /** Seeded by the demo city with a published password. */
  demo: boolean;
  grants: RoleGrant[];
  /** Set while too many failed logins keep the username locked. */
  lockedUntil: string | null;
  lastLoginAt: string | null;
  passwordChangedAt: string;
  createdAt: string;
}

/** An API token as listed (the secret is shown once at creation and never stored). */
export interface TokenInfo {
  id: string;
  name: string;
  /** The first characters of the secret, to tell tokens apart. */
  prefix: string;
  /** Permissions the token carries. */
  scopes: string[];
  /** Data scope of the token (e.g. the department an integration acts for). */
  departmentId: string | null;
  ownerAccountId: string | null;
  createdBy: string;
  createdAt: string;
  /** Updated at most once a minute. */
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  demo: boolean;
}

/** Who did something, for the audit log: a principal, or a named system actor. */
export interface AuditActor {
  id: string;
  label: string;
}

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied', 'locked'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One line of the append-only audit log. */
export interface AuditEntry {
  id: string;
  at: string;
  actorId: string | null;
  actorLabel: string;
  /** `<module>.<what>[.<verb>]`, e.g. `identity.login`, `identity.token.created`, `cases.export`. */
  action: string;
  target: string | null;
  ip: string | null;
  outcome: AuditOutcome;
  detail: Record<string, unknown>;
}

export interface AuditInput {
  actor: AuditActor | null;
  action: string;
  target?: string | null;
  ip?: string | null;
  outcome: AuditOutcome;
  /** Facts about the event; never citizens' personal data or secrets. */
  detail?: Record<string, unknown>;
}

export interface AuditFilter {
  action?: string;
  actorId?: string;
  target?: string;
  outcome?: AuditOutcome;
  /** Inclusive lower bound (ISO time). */
  from?: string;
  /** Exclusive upper bound (ISO time). */
  to?: string;
  /** Entries older than this entry id (paging, newest first). */
  before?: string;
  limit?: number;
}

export interface CreateAccountInput {
  username: string;
  displayName?: string;
  /** Generated (and returned once) when omitted. */
  password?: string;
  /** Staff member id or code. */
  staffId?: string | null;
  /** Roles to grant, each held for `departmentId` (default: the staff member's department). */
  roles?: Role[];
  /** Department id or code the roles are held for. */
  departmentId?: string | null;
  demo?: boolean;
}

export interface CreateTokenInput {
  name: string;
  scopes: string[];
  /** Department id or code. */
  departmentId?: string | null;
  ownerAccountId?: string | null;
  expiresAt?: string | null;
  /** A known secret instead of a generated one: only for demo data (e.g. the published demo Open311 key). */
  secret?: string;
  demo?: boolean;
}

/** What identity claims about a principal it authenticated; read it with `identityClaims`. */
export type IdentityClaims = {
  issuer: 'identity';
  accountId: string | null;
  staffId: string | null;
  departmentId: string | null;
  grants: ReadonlyArray<{ role: Role; departmentId: string | null }>;
  /** Set for bearer tokens. */
  tokenId?: string;
  /** Set for browser sessions. */
  sessionId?: string;
  demo: boolean;
};

/** The typed claims of a principal authenticated by identity; null for any other principal or none. */
export function identityClaims(principal: Principal | null | undefined): IdentityClaims | null {
  const claims = principal?.claims;
  if (!claims || claims.issuer !== 'identity') return null;
  return claims as unknown as IdentityClaims;
}

/** Accounts, tokens and the audit log, for other modules and the composition root. */
export interface IdentityApi {
  /** The token a raw secret names if it is valid now (not revoked or expired); records its use. */
  verifyToken(raw: string, ip?: string | null): Promise<TokenInfo | null>;
  /** Create an API token; the secret is returned once and only its hash is kept. */
  createToken(input: CreateTokenInput, actor?: AuditActor): Promise<{ token: TokenInfo; secret: string }>;
  /** Create a staff account; returns the generated password when none was given. */
  createAccount(input: CreateAccountInput, actor?: AuditActor): Promise<{ account: Account; generatedPassword: string | null }>;
  /** Every account, optionally only active ones. */
  listAccounts(filter?: { active?: boolean }): Promise<Account[]>;
  /** On an empty accounts table create `admin` (configured or generated password) and return it; null otherwise. */
  ensureFirstAdmin(): Promise<{ username: string; password: string; generated: boolean } | null>;
  /** The append-only audit log, written by every module for sensitive actions. */
  readonly audit: {
    /** Append one entry. */
    record(input: AuditInput): Promise<void>;
    /** Entries newest first. */
    list(filter?: AuditFilter): Promise<AuditEntry[]>;
  };
}
