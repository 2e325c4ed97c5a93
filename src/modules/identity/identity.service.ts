import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';
import type { Clock } from '../../platform/clock/clock.ts';
import { AppError, errors } from '../../platform/errors/app-error.ts';
import type { Tx } from '../../platform/db/database.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Principal } from '../../platform/http/auth.ts';
import { newId } from '../../platform/ids/ids.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import type { Department, OrganizationApi, Role, Staff } from '../organization/index.ts';
import type {
  Account, AuditActor, AuditInput, CreateAccountInput, CreateTokenInput, IdentityApi, IdentityClaims, RoleGrant, TokenInfo,
} from './identity.api.ts';
import { IDENTITY_EVENTS } from './identity.events.ts';
import { IDENTITY_PERMISSIONS } from './identity.permissions.ts';
import type { AccountRow, IdentityRepository } from './identity.repository.ts';
import { afterFailure, LOGIN_LIMITS, lockRemainingMs, type ThrottleLimit } from './domain/login-throttle.ts';
import { isRole, permissionsOfRoles, unknownScopes } from './domain/roles.ts';
import {
  displayPrefix, newPassword, newSessionSecret, newTokenSecret, normalizeUsername, passwordProblem, secretHash, USERNAME_PATTERN,
} from './domain/secrets.ts';

/** What the identity module needs from configuration. */
export interface IdentityConfig {
  /** A session ends after this many hours without a request. */
  sessionHours: number;
  /** Secure flag of the session cookie: 'auto' follows the request's protocol. */
  cookieSecure: 'auto' | 'on' | 'off';
  /** Password of the first admin; generated when empty. */
  adminPassword: string;
}

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
const ARGON2: Options = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
/** Sessions and tokens record activity at most this often, so busy clients do not write on every request. */
const TOUCH_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The actor of work nobody asked for over HTTP (first start, demo loader). */
export const SYSTEM_AUDIT_ACTOR: AuditActor = { id: 'system', label: 'system' };

const userKey = (username: string) => `user:${username}`;
const ipKey = (ip: string) => `ip:${ip}`;

const loginFailed = () => new AppError({ code: 'LOGIN_FAILED', status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' });
const loginLocked = (ms: number) => {
  const seconds = Math.ceil(ms / 1000);
  const minutes = Math.ceil(seconds / 60);
  return new AppError({
    code: 'LOGIN_LOCKED', status: 429, zh: `登录失败次数过多，请 ${minutes} 分钟后再试`, en: `Too many failed logins; try again in ${minutes} minutes`,
    details: { retryAfterSeconds: seconds },
  });
};

export interface LoginInput {
  username: string;
  password: string;
  ip: string;
  userAgent?: string | null;
  /** The session cookie the browser sent along, revoked by the new login (rotation). */
  presentedSecret?: string | null;
}

export interface LoginResult {
  /** The new session's secret: the cookie value. */
  secret: string;
  sessionId: string;
  expiresAt: string;
  account: Account;
  permissions: string[];
}

/** Accounts, role grants, sessions, tokens, login throttling and the audit log. */
export class IdentityService implements IdentityApi {
  readonly audit: IdentityApi['audit'];
  private dummyHash: Promise<string> | null = null;
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly repo: IdentityRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly organization: OrganizationApi,
    private readonly config: IdentityConfig,
    private readonly logger: Logger,
  ) {
    this.audit = { record: (input) => this.recordAudit(input), list: (filter) => this.repo.audit(filter ?? {}) };
  }

  /** Prepare the hash compared against for unknown usernames, so the first such login is not faster. */
  async start(): Promise<void> {
    await this.dummy();
  }

  // ── sessions ────────────────────────────────────────────────────────────────────────────────

  /** Check a username and password; on success open a new session (revoking the one presented). */
  async login(input: LoginInput): Promise<LoginResult> {
    const username = normalizeUsername(input.username).slice(0, 100);
    const keys = [userKey(username), ipKey(input.ip)];
    // Attempts for one username or from one IP run one after another, so a parallel burst cannot outrun the count.
    return this.serialized(keys, async () => {
      const now = this.clock.now();
      const states = await this.repo.throttles(keys);
      const waitMs = Math.max(...keys.map((k) => lockRemainingMs(states.get(k) ?? null, now)));
      if (waitMs > 0) {
        await this.recordAudit({ actor: null, action: 'identity.login', target: username, ip: input.ip, outcome: 'locked', detail: { retryAfterSeconds: Math.ceil(waitMs / 1000) } });
        throw loginLocked(waitMs);
      }
      const row = USERNAME_PATTERN.test(username) ? await this.repo.accountByUsername(username) : undefined;
      const passwordOk = await this.checkPassword(row?.password_hash ?? null, input.password);
      if (!row || !passwordOk || row.active !== 1) {
        await this.recordLoginFailure(username, input.ip, !row ? 'unknown_user' : !passwordOk ? 'bad_password' : 'inactive');
        throw loginFailed();
      }
      const secret = newSessionSecret();
      const at = now.toISOString();
      const expiresAt = new Date(now.getTime() + this.config.sessionHours * HOUR_MS).toISOString();
      const sessionId = newId('ses', now);
      await this.uow.run(async ({ tx }) => {
        await this.repo.clearThrottle(tx, userKey(username));
        const old = input.presentedSecret ? await this.repo.revokeSessionByHash(tx, secretHash(input.presentedSecret), at) : undefined;
        await this.repo.insertSession(tx, {
          id: sessionId, secret_hash: secretHash(secret), account_id: row.id, created_at: at, expires_at: expiresAt, last_seen_at: at,
          ip: input.ip, user_agent: input.userAgent?.slice(0, 300) ?? null, revoked_at: null,
        });
        await this.repo.updateAccount(tx, row.id, { last_login_at: at, updated_at: at });
        await this.writeAudit(tx, {
          actor: { id: row.id, label: row.username }, action: 'identity.login', target: username, ip: input.ip, outcome: 'success',
          detail: { sessionId, ...(old ? { replacedSessionId: old.id } : {}) },
        });
      });
      const account = await this.getAccount(row.id);
      return { secret, sessionId, expiresAt, account, permissions: [...this.permissionsOf(account.grants)].sort() };
    });
  }

  /** End the session a cookie names; false when it was not an open session. */
  async logout(secret: string, ip: string | null): Promise<boolean> {
    const at = this.clock.now().toISOString();
    return this.uow.run(async ({ tx }) => {
      const session = await this.repo.revokeSessionByHash(tx, secretHash(secret), at);
      if (!session) return false;
      const account = await this.repo.accountById(session.account_id, tx);
      await this.writeAudit(tx, { actor: { id: session.account_id, label: account?.username ?? session.account_id }, action: 'identity.logout', target: session.id, ip, outcome: 'success' });
      return true;
    });
  }

  /** The principal of a session cookie: null when unknown, revoked, expired or the account is inactive. Slides the expiry. */
  async principalForSession(secret: string): Promise<Principal | null> {
    if (secret.length < 20 || secret.length > 200) return null;
    const found = await this.repo.sessionByHash(secretHash(secret));
    if (!found) return null;
    const { session, account } = found;
    const now = this.clock.now();
    if (session.revoked_at !== null || session.expires_at <= now.toISOString() || account.active !== 1) return null;
    if (now.getTime() - new Date(session.last_seen_at).getTime() >= TOUCH_MS) {
      const expiresAt = new Date(now.getTime() + this.config.sessionHours * HOUR_MS).toISOString();
      await this.repo.touchSession(session.id, now.toISOString(), expiresAt, new Date(now.getTime() - TOUCH_MS).toISOString());
    }
    const grants = (await this.repo.grantsOf([account.id])).get(account.id) ?? [];
    const claims: IdentityClaims = {
      issuer: 'identity', accountId: account.id, staffId: account.staff_id, departmentId: this.departmentOf(account.staff_id, grants),
      grants: grants.map((g) => ({ role: g.role, departmentId: g.departmentId })), demo: account.demo === 1, sessionId: session.id,
    };
    const permissions = this.permissionsOf(grants);
    permissions.add(IDENTITY_PERMISSIONS.self);
    return { id: account.id, kind: 'session', label: account.username, permissions, claims };
  }

  /** The principal of a bearer token: its scopes are its permissions. */
  async principalForToken(raw: string, ip: string | null): Promise<Principal | null> {
    const token = await this.verifyToken(raw, ip);
    if (!token) return null;
    const owner = token.ownerAccountId ? await this.repo.accountById(token.ownerAccountId) : undefined;
    const claims: IdentityClaims = {
      issuer: 'identity', accountId: token.ownerAccountId, staffId: owner?.staff_id ?? null, departmentId: token.departmentId,
      grants: [], tokenId: token.id, demo: token.demo,
    };
    return { id: token.id, kind: 'token', label: `token:${token.name}`, permissions: new Set(token.scopes), claims };
  }

  // ── passwords ───────────────────────────────────────────────────────────────────────────────

  /** Change one's own password (the old one is checked and throttled like a login); other sessions end. */
  async changePassword(accountId: string, oldPassword: string, newPasswordValue: string, ctx: { ip: string; sessionId?: string | undefined }): Promise<void> {
    const row = await this.repo.accountById(accountId);
    if (!row || row.active !== 1) throw errors.notFound('account', accountId, '账号');
    const problem = passwordProblem(row.username, newPasswordValue);
    if (problem) throw errors.validation('newPassword', problem.zh, problem.en);
    const keys = [userKey(row.username), ipKey(ctx.ip)];
    await this.serialized(keys, async () => {
      const now = this.clock.now();
      const states = await this.repo.throttles(keys);
      const waitMs = Math.max(...keys.map((k) => lockRemainingMs(states.get(k) ?? null, now)));
      if (waitMs > 0) throw loginLocked(waitMs);
      if (!(await this.checkPassword(row.password_hash, oldPassword))) {
        await this.recordLoginFailure(row.username, ctx.ip, 'bad_password', 'identity.password.change');
        throw new AppError({ code: 'PASSWORD_WRONG', status: 403, field: 'oldPassword', zh: '原密码错误', en: 'The current password is wrong' });
      }
      const passwordHash = await hash(newPasswordValue, ARGON2);
      const at = this.clock.now().toISOString();
      await this.uow.run(async ({ tx }) => {
        await this.repo.updateAccount(tx, row.id, { password_hash: passwordHash, password_changed_at: at, updated_at: at });
        const ended = await this.repo.revokeSessionsOf(tx, row.id, at, ctx.sessionId);
        await this.repo.clearThrottle(tx, userKey(row.username));
        await this.writeAudit(tx, { actor: { id: row.id, label: row.username }, action: 'identity.password.changed', target: row.id, ip: ctx.ip, outcome: 'success', detail: { otherSessionsEnded: ended } });
      });
    });
  }

  /** Set a new password for an account (generated unless given), end its sessions and lift a lock. */
  async resetPassword(accountIdOrUsername: string, actor: AuditActor, ip: string | null = null, password?: string): Promise<string> {
    const row = (await this.repo.accountById(accountIdOrUsername)) ?? (await this.repo.accountByUsername(normalizeUsername(accountIdOrUsername)));
    if (!row) throw errors.notFound('account', accountIdOrUsername, '账号');
    const value = password ?? newPassword();
    const problem = passwordProblem(row.username, value);
    if (problem) throw errors.validation('password', problem.zh, problem.en);
    const passwordHash = await hash(value, ARGON2);
    const at = this.clock.now().toISOString();
    await this.uow.run(async ({ tx }) => {
      await this.repo.updateAccount(tx, row.id, { password_hash: passwordHash, password_changed_at: at, updated_at: at });
      const ended = await this.repo.revokeSessionsOf(tx, row.id, at);
      await this.repo.clearThrottle(tx, userKey(row.username));
      await this.writeAudit(tx, { actor, action: 'identity.password.reset', target: row.id, ip, outcome: 'success', detail: { username: row.username, sessionsEnded: ended } });
    });
    return value;
  }

  // ── accounts and grants ─────────────────────────────────────────────────────────────────────

  async createAccount(input: CreateAccountInput, actor: AuditActor = SYSTEM_AUDIT_ACTOR, ip: string | null = null): Promise<{ account: Account; generatedPassword: string | null }> {
    const username = normalizeUsername(input.username);
    if (!USERNAME_PATTERN.test(username)) {
      throw errors.validation('username', '用户名须为 2–40 个小写字母、数字或 . _ -，以字母或数字开头', 'A username has 2–40 lowercase letters, digits or . _ -, starting with a letter or digit');
    }
    const password = input.password ?? newPassword();
    const problem = passwordProblem(username, password);
    if (problem) throw errors.validation('password', problem.zh, problem.en);
    const staff = input.staffId ? this.resolveStaff(input.staffId) : null;
    const departmentId = input.departmentId ? this.resolveDepartment(input.departmentId).id : (staff?.departmentId ?? null);
    const roles = [...new Set(input.roles ?? [])];
    const badRole = roles.find((r) => !isRole(r));
    if (badRole !== undefined) throw errors.validation('roles', `未知角色：${badRole}`, `Unknown role: ${badRole}`);
    if (await this.repo.accountByUsername(username)) throw usernameTaken(username);
    if (staff && (await this.repo.accountByStaff(staff.id))) {
      throw errors.conflict('STAFF_HAS_ACCOUNT', `人员 ${staff.code} 已有账号`, `Staff member ${staff.code} already has an account`, { staffId: staff.id });
    }
    const passwordHash = await hash(password, ARGON2);
    const now = this.clock.now();
    const at = now.toISOString();
    const id = newId('acc', now);
    try {
      await this.uow.run(async ({ tx, publish }) => {
        await this.repo.insertAccount(tx, {
          id, username, display_name: (input.displayName?.trim() || staff?.name || username).slice(0, 100), password_hash: passwordHash,
          staff_id: staff?.id ?? null, active: 1, demo: input.demo ? 1 : 0, password_changed_at: at, last_login_at: null, created_at: at, updated_at: at,
        });
        for (const role of roles) await this.repo.insertGrant(tx, { id: newId('grt', now), account_id: id, role, department_id: departmentId, created_by: actor.id, created_at: at });
        const grants = roles.map((role) => ({ role, departmentId }));
        await this.writeAudit(tx, { actor, action: 'identity.account.created', target: id, ip, outcome: 'success', detail: { username, staffId: staff?.id ?? null, grants, demo: !!input.demo } });
        await publish(IDENTITY_EVENTS.accountCreated, { accountId: id, grants }, actor.id);
      });
    } catch (err) {
      // Two creators racing for one username: the unique index decides, the loser gets the same answer as above.
      if (await this.repo.accountByUsername(username)) throw usernameTaken(username);
    if (staff && (await this.repo.accountByStaff(staff.id))) {
      throw errors.conflict('STAFF_HAS_ACCOUNT', `人员 ${staff.code} 已有账号`, `Staff member ${staff.code} already has an account`, { staffId: staff.id });
    }
      throw err;
    }
    return { account: await this.getAccount(id), generatedPassword: input.password === undefined ? password : null };
  }

  async ensureFirstAdmin(): Promise<{ username: string; password: string; generated: boolean } | null> {
    if ((await this.repo.accountCount()) > 0) return null;
    const configured = this.config.adminPassword;
    const problem = configured ? passwordProblem('admin', configured) : null;
    if (problem) throw errors.validation('CITYLOOP_ADMIN_PASSWORD', problem.zh, problem.en);
    try {
      const { generatedPassword } = await this.createAccount({ username: 'admin', displayName: '管理员', roles: ['admin'], departmentId: null, ...(configured ? { password: configured } : {}) });
      return { username: 'admin', password: generatedPassword ?? configured, generated: generatedPassword !== null };
    } catch (err) {
      // Another process starting at the same moment created it.
      if (err instanceof AppError && err.code === 'USERNAME_TAKEN') return null;
      throw err;
    }
  }

  async listAccounts(filter: { active?: boolean } = {}): Promise<Account[]> {
    return this.toAccounts(await this.repo.accounts(filter));
  }

  /** One account by id; 404 when there is none. */
  async getAccount(id: string): Promise<Account> {
    const row = await this.repo.accountById(id);
    if (!row) throw errors.notFound('account', id, '账号');
    return (await this.toAccounts([row]))[0]!;
  }

  /** Deactivate (ending its sessions and revoking its tokens) or reactivate an account. */
  async setActive(accountId: string, active: boolean, actor: AuditActor, ip: string | null = null): Promise<Account> {
    if (!active && accountId === actor.id) throw errors.conflict('CANNOT_DEACTIVATE_SELF', '不能停用自己的账号', 'You cannot deactivate your own account');
    const row = await this.repo.accountById(accountId);
    if (!row) throw errors.notFound('account', accountId, '账号');
    if ((row.active === 1) !== active) {
      const at = this.clock.now().toISOString();
      await this.uow.run(async ({ tx, publish }) => {
        if (!active) await this.keepAnAdmin(tx, row.id);
        await this.repo.updateAccount(tx, row.id, { active: active ? 1 : 0, updated_at: at });
        let sessionsEnded = 0;
        const tokensRevoked: string[] = [];
        if (!active) {
          sessionsEnded = await this.repo.revokeSessionsOf(tx, row.id, at);
          for (const t of await this.repo.tokens({ ownerAccountId: row.id }, tx)) if (await this.repo.revokeToken(tx, t.id, at)) tokensRevoked.push(t.id);
        }
        await this.writeAudit(tx, {
          actor, action: active ? 'identity.account.activated' : 'identity.account.deactivated', target: row.id, ip, outcome: 'success',
          detail: { username: row.username, ...(active ? {} : { sessionsEnded, tokensRevoked }) },
        });
        if (!active) await publish(IDENTITY_EVENTS.accountDeactivated, { accountId: row.id, grants: [] }, actor.id);
      });
    }
    return this.getAccount(accountId);
  }

  /** Grant a role for a department (default: the account's staff department). */
  async addGrant(accountId: string, input: { role: Role; departmentId?: string | null }, actor: AuditActor, ip: string | null = null): Promise<Account> {
    const row = await this.repo.accountById(accountId);
    if (!row) throw errors.notFound('account', accountId, '账号');
    if (!isRole(input.role)) throw errors.validation('role', `未知角色：${String(input.role)}`, `Unknown role: ${String(input.role)}`);
    const departmentId = input.departmentId ? this.resolveDepartment(input.departmentId).id : (row.staff_id ? (this.organization.getStaff(row.staff_id)?.departmentId ?? null) : null);
    const now = this.clock.now();
    await this.uow.run(async ({ tx, publish }) => {
      const grants = (await this.repo.grantsOf([row.id], tx)).get(row.id) ?? [];
      if (grants.some((g) => g.role === input.role && g.departmentId === departmentId)) {
        throw errors.conflict('GRANT_EXISTS', '该账号已在此部门拥有该角色', 'The account already holds this role for this department', { role: input.role, departmentId });
      }
      const grantId = newId('grt', now);
      await this.repo.insertGrant(tx, { id: grantId, account_id: row.id, role: input.role, department_id: departmentId, created_by: actor.id, created_at: now.toISOString() });
      await this.writeAudit(tx, { actor, action: 'identity.grant.added', target: row.id, ip, outcome: 'success', detail: { username: row.username, grantId, role: input.role, departmentId } });
      await publish(IDENTITY_EVENTS.grantsChanged, { accountId: row.id, grants: [...grants, { role: input.role, departmentId }].map((g) => ({ role: g.role, departmentId: g.departmentId })) }, actor.id);
    });
    return this.getAccount(row.id);
  }

  /** Take a role grant away. */
  async removeGrant(accountId: string, grantId: string, actor: AuditActor, ip: string | null = null): Promise<Account> {
    const row = await this.repo.accountById(accountId);
    if (!row) throw errors.notFound('account', accountId, '账号');
    await this.uow.run(async ({ tx, publish }) => {
      const grants = (await this.repo.grantsOf([row.id], tx)).get(row.id) ?? [];
      const grant = grants.find((g) => g.id === grantId);
      if (!grant) throw errors.notFound('grant', grantId, '角色授权');
      if (grant.role === 'admin' && grants.filter((g) => g.role === 'admin').length === 1) await this.keepAnAdmin(tx, row.id);
      await this.repo.deleteGrant(tx, row.id, grantId);
      await this.writeAudit(tx, { actor, action: 'identity.grant.removed', target: row.id, ip, outcome: 'success', detail: { username: row.username, grantId, role: grant.role, departmentId: grant.departmentId } });
      await publish(IDENTITY_EVENTS.grantsChanged, { accountId: row.id, grants: grants.filter((g) => g.id !== grantId).map((g) => ({ role: g.role, departmentId: g.departmentId })) }, actor.id);
    });
    return this.getAccount(row.id);
  }

  /** Permissions an account holds through its grants (without identity.self). */
  permissionsOf(grants: readonly RoleGrant[]): Set<string> {
    return permissionsOfRoles(grants.map((g) => g.role));
  }

  // ── tokens ──────────────────────────────────────────────────────────────────────────────────

  async createToken(input: CreateTokenInput, actor: AuditActor = SYSTEM_AUDIT_ACTOR, ip: string | null = null): Promise<{ token: TokenInfo; secret: string }> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) throw errors.validation('name', '令牌名称须为 1–100 个字符', 'A token name has 1–100 characters');
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0) throw errors.validation('scopes', '至少需要一个权限范围', 'At least one scope is required');
    const unknown = unknownScopes(scopes);
    if (unknown.length) throw errors.validation('scopes', `未知权限范围：${unknown.join(', ')}`, `Unknown scopes: ${unknown.join(', ')}`, { unknown });
    const departmentId = input.departmentId ? this.resolveDepartment(input.departmentId).id : null;
    if (input.ownerAccountId && !(await this.repo.accountById(input.ownerAccountId))) throw errors.notFound('account', input.ownerAccountId, '账号');
    const now = this.clock.now();
    let expiresAt: string | null = null;
    if (input.expiresAt) {
      const t = Date.parse(input.expiresAt);
      if (Number.isNaN(t) || t <= now.getTime()) throw errors.validation('expiresAt', '过期时间须为将来的时间', 'The expiry must be a time in the future');
      expiresAt = new Date(t).toISOString();
    }
    if (input.secret !== undefined && (input.secret.length < 16 || input.secret.length > 200)) {
      throw errors.validation('secret', '自定义令牌须为 16–200 个字符', 'A custom secret has 16–200 characters');
    }
    const secret = input.secret ?? newTokenSecret();
    const id = newId('tok', now);
    const prefix = displayPrefix(secret);
    try {
      await this.uow.run(async ({ tx }) => {
        await this.repo.insertToken(tx, {
          id, name, prefix, secret_hash: secretHash(secret), scopes: JSON.stringify(scopes), department_id: departmentId, owner_account_id: input.ownerAccountId ?? null,
          created_by: actor.id, created_at: now.toISOString(), last_used_at: null, expires_at: expiresAt, revoked_at: null, demo: input.demo ? 1 : 0,
        });
        await this.writeAudit(tx, { actor, action: 'identity.token.created', target: id, ip, outcome: 'success', detail: { name, prefix, scopes, departmentId, expiresAt } });
      });
    } catch (err) {
      if (input.secret !== undefined && (await this.repo.tokenByHash(secretHash(secret)))) throw errors.conflict('TOKEN_EXISTS', '该令牌已存在', 'This token already exists');
      throw err;
    }
    return { token: (await this.repo.tokenById(id))!, secret };
  }

  async verifyToken(raw: string, ip: string | null = null): Promise<TokenInfo | null> {
    if (typeof raw !== 'string' || raw.length < 16 || raw.length > 200) return null;
    const token = await this.repo.tokenByHash(secretHash(raw));
    if (!token) return null;
    const now = this.clock.now();
    const at = now.toISOString();
    if (token.revokedAt !== null || (token.expiresAt !== null && token.expiresAt <= at)) return null;
    if (token.lastUsedAt === null || now.getTime() - new Date(token.lastUsedAt).getTime() >= TOUCH_MS) {
      await this.uow.run(async ({ tx }) => {
        // Only the request that moves last_used_at writes the audit line: one per token per minute.
        if (!(await this.repo.markTokenUsed(tx, token.id, at, new Date(now.getTime() - TOUCH_MS).toISOString()))) return;
        await this.writeAudit(tx, { actor: { id: token.id, label: `token:${token.name}` }, action: 'identity.token.used', target: token.id, ip, outcome: 'success', detail: { prefix: token.prefix } });
      });
      return { ...token, lastUsedAt: at };
    }
    return token;
  }

  async listTokens(filter: { includeRevoked?: boolean } = {}): Promise<TokenInfo[]> {
    return this.repo.tokens(filter);
  }

  /** Revoke a token (idempotent); it stops working at once. */
  async revokeToken(id: string, actor: AuditActor, ip: string | null = null): Promise<TokenInfo> {
    const token = await this.repo.tokenById(id);
    if (!token) throw errors.notFound('token', id, '访问令牌');
    if (token.revokedAt === null) {
      await this.uow.run(async ({ tx, publish }) => {
        if (!(await this.repo.revokeToken(tx, id, this.clock.now().toISOString()))) return;
        await this.writeAudit(tx, { actor, action: 'identity.token.revoked', target: id, ip, outcome: 'success', detail: { name: token.name, prefix: token.prefix } });
        await publish(IDENTITY_EVENTS.tokenRevoked, { tokenId: id }, actor.id);
      });
    }
    return (await this.repo.tokenById(id))!;
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────

  private async recordAudit(input: AuditInput): Promise<void> {
    await this.uow.run(async ({ tx }) => this.writeAudit(tx, input));
  }

  private async writeAudit(tx: Tx, input: AuditInput): Promise<void> {
    if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(input.action) || input.action.length > 100) throw new Error(`audit action must look like module.what: ${input.action}`);
    const detail = JSON.stringify(input.detail ?? {});
    if (detail.length > 10_000) throw new Error(`audit detail of ${input.action} is too large (${detail.length} characters)`);
    const now = this.clock.now();
    await this.repo.insertAudit({
      id: newId('aud', now), at: now.toISOString(), actor_id: input.actor?.id ?? null, actor_label: (input.actor?.label ?? 'anonymous').slice(0, 200),
      action: input.action, target: input.target?.slice(0, 200) ?? null, ip: input.ip?.slice(0, 100) ?? null, outcome: input.outcome, detail,
    }, tx);
  }

  /** Count a failed login against the username and the client IP; lock either when it reaches its limit. */
  private async recordLoginFailure(username: string, ip: string, reason: string, action = 'identity.login'): Promise<void> {
    const now = this.clock.now();
    const at = now.toISOString();
    const limits: Array<[string, ThrottleLimit, string]> = [[userKey(username), LOGIN_LIMITS.user, username], [ipKey(ip), LOGIN_LIMITS.ip, ip]];
    await this.uow.run(async ({ tx }) => {
      await this.writeAudit(tx, { actor: null, action, target: username, ip, outcome: 'failure', detail: { reason } });
      for (const [key, limit, subject] of limits) {
        const next = afterFailure(await this.repo.throttleForUpdate(tx, key, at), now, limit);
        await this.repo.saveThrottle(tx, key, next.state, at);
        if (next.locked) {
          const kind = key.startsWith('user:') ? 'username' : 'ip';
          await this.writeAudit(tx, { actor: null, action: 'identity.login.locked', target: subject, ip, outcome: 'locked', detail: { kind, until: next.state.lockedUntil, failures: limit.maxFailures } });
          this.logger.warn({ kind, until: next.state.lockedUntil }, 'login locked after repeated failures');
        }
      }
    });
  }

  /** Refuse a change that would leave no active account able to administer accounts. */
  private async keepAnAdmin(tx: Tx, losingAccountId: string): Promise<void> {
    const admins = await this.repo.activeAdminIds(tx);
    if (admins.includes(losingAccountId) && admins.length === 1) {
      throw errors.conflict('LAST_ADMIN', '这是最后一个管理员账号，不能停用或撤销其管理员角色', 'This is the last admin account; it cannot be deactivated or lose the admin role');
    }
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hash(newPassword(), ARGON2);
    return this.dummyHash;
  }

  /** Verify a password; unknown accounts are verified against a dummy hash so both take the same time. */
  private async checkPassword(passwordHash: string | null, password: string): Promise<boolean> {
    try {
      const ok = await verify(passwordHash ?? (await this.dummy()), password);
      return passwordHash !== null && ok;
    } catch {
      return false;
    }
  }

  private async serialized<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const before = keys.map((k) => this.queues.get(k) ?? Promise.resolve());
    const run = Promise.allSettled(before).then(fn);
    const tail = run.catch(() => undefined);
    for (const k of keys) this.queues.set(k, tail);
    try {
      return await run;
    } finally {
      for (const k of keys) if (this.queues.get(k) === tail) this.queues.delete(k);
    }
  }

  private async toAccounts(rows: readonly AccountRow[]): Promise<Account[]> {
    const grants = await this.repo.grantsOf(rows.map((r) => r.id));
    const throttles = await this.repo.throttles(rows.map((r) => userKey(r.username)));
    const now = this.clock.now();
    return rows.map((r) => {
      const g = grants.get(r.id) ?? [];
      const lock = throttles.get(userKey(r.username)) ?? null;
      return {
        id: r.id, username: r.username, displayName: r.display_name, staffId: r.staff_id, departmentId: this.departmentOf(r.staff_id, g),
        active: r.active === 1, demo: r.demo === 1, grants: g, lockedUntil: lockRemainingMs(lock, now) > 0 ? lock!.lockedUntil : null,
        lastLoginAt: r.last_login_at, passwordChangedAt: r.password_changed_at, createdAt: r.created_at,
      };
    });
  }

  private departmentOf(staffId: string | null, grants: readonly RoleGrant[]): string | null {
    const staff = staffId ? this.organization.getStaff(staffId) : null;
    return staff?.departmentId ?? grants.find((g) => g.departmentId !== null)?.departmentId ?? null;
  }

  private resolveDepartment(idOrCode: string): Department {
    const d = this.organization.getDepartment(idOrCode) ?? this.organization.getDepartmentByCode(idOrCode);
    if (!d) throw errors.validation('departmentId', `部门不存在：${idOrCode}`, `No department ${idOrCode}`);
    return d;
  }

  private resolveStaff(idOrCode: string): Staff {
    const s = this.organization.getStaff(idOrCode) ?? this.organization.listStaff().find((x) => x.code === idOrCode);
    if (!s) throw errors.validation('staffId', `人员不存在：${idOrCode}`, `No staff member ${idOrCode}`);
    return s;
  }
}

const usernameTaken = (username: string) => errors.conflict('USERNAME_TAKEN', `用户名已被使用：${username}`, `The username is taken: ${username}`, { username });
