import type { Kysely } from 'kysely';
import type { Db, Tx } from '../../platform/db/database.ts';
import type { DialectName } from '../../platform/db/dialect/sql-dialect.ts';
import type { Role } from '../organization/index.ts';
import type { AuditEntry, AuditFilter, AuditOutcome, RoleGrant, TokenInfo } from './identity.api.ts';
import type { ThrottleState } from './domain/login-throttle.ts';

export type IdentityTables = {
  identity_account: {
    id: string; username: string; display_name: string; password_hash: string; staff_id: string | null; active: number; demo: number;
    password_changed_at: string; last_login_at: string | null; created_at: string; updated_at: string;
  };
  identity_grant: { id: string; account_id: string; role: string; department_id: string | null; created_by: string; created_at: string };
  identity_session: {
    id: string; secret_hash: string; account_id: string; created_at: string; expires_at: string; last_seen_at: string;
    ip: string | null; user_agent: string | null; revoked_at: string | null;
  };
  identity_token: {
    id: string; name: string; prefix: string; secret_hash: string; scopes: string; department_id: string | null; owner_account_id: string | null;
    created_by: string; created_at: string; last_used_at: string | null; expires_at: string | null; revoked_at: string | null; demo: number;
  };
  identity_login_throttle: { key: string; failures: number; window_started_at: string | null; locked_until: string | null; updated_at: string };
  identity_audit: {
    id: string; at: string; actor_id: string | null; actor_label: string; action: string; target: string | null; ip: string | null;
    outcome: string; detail: string;
  };
};

export type AccountRow = IdentityTables['identity_account'];
export type SessionRow = IdentityTables['identity_session'];
type TokenRow = IdentityTables['identity_token'];

const toToken = (r: TokenRow): TokenInfo => ({
  id: r.id, name: r.name, prefix: r.prefix, scopes: JSON.parse(r.scopes) as string[], departmentId: r.department_id, ownerAccountId: r.owner_account_id,
  createdBy: r.created_by, createdAt: r.created_at, lastUsedAt: r.last_used_at, expiresAt: r.expires_at, revokedAt: r.revoked_at, demo: r.demo === 1,
});

const toAudit = (r: IdentityTables['identity_audit']): AuditEntry => ({
  id: r.id, at: r.at, actorId: r.actor_id, actorLabel: r.actor_label, action: r.action, target: r.target, ip: r.ip,
  outcome: r.outcome as AuditOutcome, detail: JSON.parse(r.detail) as Record<string, unknown>,
});

/** The only place with SQL for identity_* tables. The audit table is only ever inserted into. */
export class IdentityRepository {
  private readonly db: Kysely<IdentityTables>;
  constructor(db: Db, private readonly dialect: DialectName) {
    this.db = db.withTables<IdentityTables>();
  }

  private t(tx?: Tx): Kysely<IdentityTables> {
    return tx ? tx.withTables<IdentityTables>() : this.db;
  }

  // accounts

  async accountCount(): Promise<number> {
    const row = await this.db.selectFrom('identity_account').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async accountById(id: string, tx?: Tx): Promise<AccountRow | undefined> {
    return this.t(tx).selectFrom('identity_account').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async accountByUsername(username: string, tx?: Tx): Promise<AccountRow | undefined> {
    return this.t(tx).selectFrom('identity_account').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async accountByStaff(staffId: string): Promise<AccountRow | undefined> {
    return this.db.selectFrom('identity_account').selectAll().where('staff_id', '=', staffId).executeTakeFirst();
  }

  /** Active accounts holding the admin role (for any department). */
  async activeAdminIds(tx: Tx): Promise<string[]> {
    const rows = await this.t(tx).selectFrom('identity_grant as g').innerJoin('identity_account as a', 'a.id', 'g.account_id')
      .select('g.account_id').distinct().where('g.role', '=', 'admin').where('a.active', '=', 1).execute();
    return rows.map((r) => r.account_id);
  }

  async accounts(filter: { active?: boolean } = {}): Promise<AccountRow[]> {
    let q = this.db.selectFrom('identity_account').selectAll().orderBy('username');
    if (filter.active !== undefined) q = q.where('active', '=', filter.active ? 1 : 0);
    return q.execute();
  }

  async insertAccount(tx: Tx, row: AccountRow): Promise<void> {
    await this.t(tx).insertInto('identity_account').values(row).execute();
  }

  async updateAccount(tx: Tx, id: string, values: Partial<Omit<AccountRow, 'id' | 'username' | 'created_at'>>): Promise<void> {
    await this.t(tx).updateTable('identity_account').set(values).where('id', '=', id).execute();
  }

  // grants

  async grantsOf(accountIds: readonly string[], tx?: Tx): Promise<Map<string, RoleGrant[]>> {
    const out = new Map<string, RoleGrant[]>();
    if (accountIds.length === 0) return out;
    const rows = await this.t(tx).selectFrom('identity_grant').selectAll().where('account_id', 'in', [...accountIds]).orderBy('created_at').orderBy('id').execute();
    for (const r of rows) {
      const list = out.get(r.account_id) ?? [];
      list.push({ id: r.id, role: r.role as Role, departmentId: r.department_id });
      out.set(r.account_id, list);
    }
    return out;
  }

  async insertGrant(tx: Tx, row: IdentityTables['identity_grant']): Promise<void> {
    await this.t(tx).insertInto('identity_grant').values(row).execute();
  }

  async deleteGrant(tx: Tx, accountId: string, grantId: string): Promise<boolean> {
    const res = await this.t(tx).deleteFrom('identity_grant').where('id', '=', grantId).where('account_id', '=', accountId).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  // sessions

  async insertSession(tx: Tx, row: SessionRow): Promise<void> {
    await this.t(tx).insertInto('identity_session').values(row).execute();
  }

  async sessionByHash(hash: string): Promise<{ session: SessionRow; account: AccountRow } | undefined> {
    const session = await this.db.selectFrom('identity_session').selectAll().where('secret_hash', '=', hash).executeTakeFirst();
    if (!session) return undefined;
    const account = await this.accountById(session.account_id);
    return account ? { session, account } : undefined;
  }

  /** Slide the expiry; only when it was last moved before `ifSeenBefore`, so busy sessions write once a minute. */
  async touchSession(id: string, now: string, expiresAt: string, ifSeenBefore: string): Promise<void> {
    await this.db.updateTable('identity_session').set({ last_seen_at: now, expires_at: expiresAt })
      .where('id', '=', id).where('last_seen_at', '<', ifSeenBefore).where('revoked_at', 'is', null).execute();
  }

  async revokeSessionByHash(tx: Tx, hash: string, now: string): Promise<SessionRow | undefined> {
    const row = await this.t(tx).selectFrom('identity_session').selectAll().where('secret_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
    if (row) await this.t(tx).updateTable('identity_session').set({ revoked_at: now }).where('id', '=', row.id).execute();
    return row;
  }

  async revokeSessionsOf(tx: Tx, accountId: string, now: string, exceptId?: string): Promise<number> {
    let q = this.t(tx).updateTable('identity_session').set({ revoked_at: now }).where('account_id', '=', accountId).where('revoked_at', 'is', null);
    if (exceptId) q = q.where('id', '!=', exceptId);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  // tokens

  async insertToken(tx: Tx, row: TokenRow): Promise<void> {
    await this.t(tx).insertInto('identity_token').values(row).execute();
  }

  async tokenByHash(hash: string): Promise<TokenInfo | undefined> {
    const row = await this.db.selectFrom('identity_token').selectAll().where('secret_hash', '=', hash).executeTakeFirst();
    return row ? toToken(row) : undefined;
  }

  async tokenById(id: string, tx?: Tx): Promise<TokenInfo | undefined> {
    const row = await this.t(tx).selectFrom('identity_token').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toToken(row) : undefined;
  }

  async tokens(filter: { includeRevoked?: boolean; ownerAccountId?: string } = {}, tx?: Tx): Promise<TokenInfo[]> {
    let q = this.t(tx).selectFrom('identity_token').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc');
    if (!filter.includeRevoked) q = q.where('revoked_at', 'is', null);
    if (filter.ownerAccountId) q = q.where('owner_account_id', '=', filter.ownerAccountId);
    return (await q.execute()).map(toToken);
  }

  async revokeToken(tx: Tx, id: string, now: string): Promise<boolean> {
    const res = await this.t(tx).updateTable('identity_token').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** Record a use; true only for the one caller that moved last_used_at (so the use is audited once a minute). */
  async markTokenUsed(tx: Tx, id: string, now: string, ifUsedBefore: string): Promise<boolean> {
    const res = await this.t(tx).updateTable('identity_token').set({ last_used_at: now })
      .where('id', '=', id).where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', ifUsedBefore)])).executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  // login throttle

  async throttles(keys: readonly string[]): Promise<Map<string, ThrottleState>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db.selectFrom('identity_login_throttle').selectAll().where('key', 'in', [...keys]).execute();
    return new Map(rows.map((r) => [r.key, { failures: Number(r.failures), windowStartedAt: r.window_started_at, lockedUntil: r.locked_until }]));
  }

  /** The key's state, locked for the rest of the transaction so concurrent failures are all counted. */
  async throttleForUpdate(tx: Tx, key: string, now: string): Promise<ThrottleState> {
    const t = this.t(tx);
    await t.insertInto('identity_login_throttle').values({ key, failures: 0, window_started_at: null, locked_until: null, updated_at: now })
      .onConflict((oc) => oc.column('key').doNothing()).execute();
    let q = t.selectFrom('identity_login_throttle').selectAll().where('key', '=', key);
    // SQLite has one writer at a time already; PostgreSQL needs the row lock.
    if (this.dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirstOrThrow();
    return { failures: Number(r.failures), windowStartedAt: r.window_started_at, lockedUntil: r.locked_until };
  }

  async saveThrottle(tx: Tx, key: string, state: ThrottleState, now: string): Promise<void> {
    await this.t(tx).updateTable('identity_login_throttle')
      .set({ failures: state.failures, window_started_at: state.windowStartedAt, locked_until: state.lockedUntil, updated_at: now })
      .where('key', '=', key).execute();
  }

  async clearThrottle(tx: Tx, key: string): Promise<void> {
    await this.t(tx).deleteFrom('identity_login_throttle').where('key', '=', key).execute();
  }

  // audit

  async insertAudit(row: IdentityTables['identity_audit'], tx?: Tx): Promise<void> {
    await this.t(tx).insertInto('identity_audit').values(row).execute();
  }

  async audit(filter: AuditFilter): Promise<AuditEntry[]> {
    let q = this.db.selectFrom('identity_audit').selectAll().orderBy('id', 'desc').limit(Math.max(1, Math.min(filter.limit ?? 100, 1000)));
    if (filter.action) q = q.where('action', '=', filter.action);
    if (filter.actorId) q = q.where('actor_id', '=', filter.actorId);
    if (filter.target) q = q.where('target', '=', filter.target);
    if (filter.outcome) q = q.where('outcome', '=', filter.outcome);
    if (filter.from) q = q.where('at', '>=', filter.from);
    if (filter.to) q = q.where('at', '<', filter.to);
    if (filter.before) q = q.where('id', '<', filter.before);
    return (await q.execute()).map(toAudit);
  }
}
