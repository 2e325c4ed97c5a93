import { Command } from 'commander';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS, compose, type CityLoop } from '../../app/compose.ts';
import { TEST_DATA_KEYS } from '../../../test/support/test-keys.ts';
import { loadConfig } from '../../app/config.ts';
import { ManualClock } from '../../platform/clock/clock.ts';
import { migrateToLatest } from '../../platform/db/migrator.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../../platform/testing/test-database.ts';
import { registerIdentityCommands } from './identity.cli.ts';
import { createIdentityModule, type IdentityModule } from './identity.module.ts';
import type { IdentityTables } from './identity.repository.ts';
import type { IdentityConfig } from './identity.service.ts';
import { identityMigrations } from './migrations/index.ts';
import { seedIdentityTestOrg, TEST_IDENTITY_CONFIG } from './fixtures/identity-world.ts';

interface World {
  app: CityLoop;
  database: TestDatabase;
  identity: IdentityModule;
  raw: Kysely<IdentityTables>;
  close(): Promise<void>;
}

async function openWorld(config: Partial<IdentityConfig> = {}): Promise<World> {
  const database = await openTestDatabase(ALL_MIGRATIONS);
  let app: CityLoop | undefined;
  try {
    app = await compose(loadConfig({}, { logLevel: 'silent', ...TEST_DATA_KEYS }), { database, clock: new ManualClock('2026-12-01T01:00:00Z'), defaultMetrics: false });
    // compose() does not know identity yet; its tables are added over the same database.
    await migrateToLatest(database, { ...ALL_MIGRATIONS, identity: identityMigrations });
    await app.start({ background: false });
    await seedIdentityTestOrg(app.organization.api);
  } catch (err) {
    await app?.close();
    await database.close();
    throw err;
  }
  const identity = createIdentityModule({ database, uow: app.uow, bus: app.bus, clock: app.clock, logger: app.logger, organization: app.organization.api, config: { ...TEST_IDENTITY_CONFIG, ...config } });
  await identity.start();
  return {
    app, database, identity, raw: database.db.withTables<IdentityTables>(),
    async close() {
      await app!.close();
      await database.close();
    },
  };
}

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'no error';
  } catch (err) {
    return err instanceof AppError ? `${err.code}${err.field ? `:${err.field}` : ''}` : String(err);
  }
};

// Worlds are opened one at a time: on PostgreSQL the migrator cannot yet build a second schema while another is open.
describe(`the first admin on ${testEngine()}`, () => {
  it('creates the first admin once on an empty accounts table, with a generated password that works', async () => {
    const w = await openWorld();
    try {
      const first = await w.identity.api.ensureFirstAdmin();
      expect(first).toMatchObject({ username: 'admin', generated: true });
      expect(first!.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(await w.identity.api.ensureFirstAdmin()).toBeNull();
      const [admin] = await w.identity.api.listAccounts();
      expect(admin).toMatchObject({ username: 'admin', active: true, grants: [{ role: 'admin', departmentId: null }] });
      const session = await w.identity.service.login({ username: 'admin', password: first!.password, ip: '10.1.0.1' });
      expect(session.permissions).toContain('identity.admin');
      const created = await w.identity.api.audit.list({ action: 'identity.account.created', target: admin!.id });
      expect(created[0]).toMatchObject({ actorId: 'system', outcome: 'success' });
      expect(JSON.stringify(created)).not.toContain(first!.password);
    } finally {
      await w.close();
    }
  });

  it('uses the configured admin password and refuses a weak one', async () => {
    const configured = await openWorld({ adminPassword: 'configured-admin-pw' });
    try {
      expect(await configured.identity.api.ensureFirstAdmin()).toEqual({ username: 'admin', password: 'configured-admin-pw', generated: false });
    } finally {
      await configured.close();
    }
    const weak = await openWorld({ adminPassword: 'admin' });
    try {
      expect(await codeOf(weak.identity.api.ensureFirstAdmin())).toBe('VALIDATION_FAILED:CITYLOOP_ADMIN_PASSWORD');
      expect(await weak.identity.api.listAccounts()).toEqual([]);
    } finally {
      await weak.close();
    }
  });
});

describe(`identity service on ${testEngine()}`, () => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld();
  });
  afterAll(async () => w?.close());

  it('keeps the audit log append-only in the database itself', async () => {
    await w.identity.api.audit.record({ actor: { id: 'acc_x', label: 'wang' }, action: 'cases.export', target: 'cases', ip: '10.1.0.2', outcome: 'success', detail: { rows: 120, masked: true } });
    const [entry] = await w.identity.api.audit.list({ action: 'cases.export' });
    expect(entry).toMatchObject({ actorId: 'acc_x', actorLabel: 'wang', target: 'cases', ip: '10.1.0.2', outcome: 'success', detail: { rows: 120, masked: true } });
    await expect(w.raw.updateTable('identity_audit').set({ outcome: 'failure' }).where('id', '=', entry!.id).execute()).rejects.toThrow(/append-only/);
    await expect(w.raw.deleteFrom('identity_audit').where('id', '=', entry!.id).execute()).rejects.toThrow(/append-only/);
    expect((await w.identity.api.audit.list({ action: 'cases.export' }))[0]?.outcome).toBe('success');
    await expect(w.identity.api.audit.record({ actor: null, action: 'no dots here', outcome: 'success' })).rejects.toThrow(/module\.what/);
  });

  it('verifies a known demo secret (the published demo Open311 key) and refuses to create it twice', async () => {
    const { token } = await w.identity.api.createToken({ name: 'demo Open311 key', scopes: ['open311.submit'], secret: 'demo-open311-key', demo: true });
    const verified = await w.identity.api.verifyToken('demo-open311-key', '10.1.0.3');
    expect(verified).toMatchObject({ id: token.id, demo: true, scopes: ['open311.submit'] });
    expect(verified?.lastUsedAt).not.toBeNull();
    expect(await w.identity.api.verifyToken('demo-open311-keY')).toBeNull();
    expect(await codeOf(w.identity.api.createToken({ name: 'again', scopes: ['open311.submit'], secret: 'demo-open311-key' }))).toBe('TOKEN_EXISTS');
    const principal = await w.identity.service.principalForToken('demo-open311-key', null);
    expect(principal?.claims).toMatchObject({ issuer: 'identity', tokenId: token.id, demo: true });
  });

  it('refuses bad account input with the field at fault and creates nothing', async () => {
    const before = (await w.identity.api.listAccounts()).length;
    expect(await codeOf(w.identity.api.createAccount({ username: "x' or '1'='1" }))).toBe('VALIDATION_FAILED:username');
    expect(await codeOf(w.identity.api.createAccount({ username: 'new.one', password: 'short' }))).toBe('VALIDATION_FAILED:password');
    expect(await codeOf(w.identity.api.createAccount({ username: 'new.one', staffId: 'no-such-staff' }))).toBe('VALIDATION_FAILED:staffId');
    expect(await codeOf(w.identity.api.createAccount({ username: 'new.one', roles: ['handler'], departmentId: 'NOWHERE' }))).toBe('VALIDATION_FAILED:departmentId');
    expect(await codeOf(w.identity.api.createAccount({ username: 'new.one', roles: ['overlord' as 'admin'] }))).toBe('VALIDATION_FAILED:roles');
    expect((await w.identity.api.listAccounts()).length).toBe(before);
  });

  it('never leaves the city without an active admin, and gives a staff member one account only', async () => {
    const other = { id: 'test', label: 'test' };
    const { account: solo } = await w.identity.api.createAccount({ username: 'solo.admin', roles: ['admin'] });
    expect(await codeOf(w.identity.service.removeGrant(solo.id, solo.grants[0]!.id, other))).toBe('LAST_ADMIN');
    expect(await codeOf(w.identity.service.setActive(solo.id, false, other))).toBe('LAST_ADMIN');
    await w.identity.api.createAccount({ username: 'second.admin', roles: ['admin'] });
    expect((await w.identity.service.removeGrant(solo.id, solo.grants[0]!.id, other)).grants).toEqual([]);

    await w.identity.api.createAccount({ username: 'agent.one', staffId: 'agent1', roles: ['agent'] });
    expect(await codeOf(w.identity.api.createAccount({ username: 'agent.again', staffId: 'agent1' }))).toBe('STAFF_HAS_ACCOUNT');
  });

  it('publishes account and grant changes through the outbox without personal data', async () => {
    const { account } = await w.identity.api.createAccount({ username: 'evented', roles: ['supervisor'], departmentId: 'HOUSING' });
    await w.identity.service.addGrant(account.id, { role: 'analyst' }, { id: 'test', label: 'test' });
    const rows = await w.database.db.withTables<{ platform_outbox: { name: string; payload: string } }>().selectFrom('platform_outbox').select(['name', 'payload']).where('name', 'like', 'identity.%').execute();
    const mine = rows.filter((r) => r.payload.includes(account.id));
    expect(mine.map((r) => r.name)).toEqual(['identity.account.created', 'identity.grants.changed']);
    expect(JSON.parse(mine[1]!.payload)).toEqual({ accountId: account.id, grants: [{ role: 'supervisor', departmentId: w.app.organization.api.getDepartmentByCode('HOUSING')!.id }, { role: 'analyst', departmentId: null }] });
  });

  it('runs the identity CLI: accounts and tokens with secrets printed once, revocation and password reset', async () => {
    const printed: string[] = [];
    const program = new Command('cityloop').exitOverride();
    registerIdentityCommands(program, (fn) => fn({ identity: w.identity }), (text) => printed.push(text));
    const run = async (...args: string[]) => {
      printed.length = 0;
      await program.parseAsync(args, { from: 'user' });
      return printed.join('');
    };

    const created = await run('identity', 'create-account', 'cli.handler', '--name', '命令行承办人', '--roles', 'handler,supervisor', '--department', 'HOUSING', '--staff', 'handler-housing');
    const password = /password: (\S+)/.exec(created)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const account = (await w.identity.api.listAccounts()).find((a) => a.username === 'cli.handler')!;
    expect(account.displayName).toBe('命令行承办人');
    expect(account.grants.map((g) => g.role)).toEqual(['handler', 'supervisor']);
    expect((await w.identity.service.login({ username: 'cli.handler', password: password!, ip: '10.1.0.4' })).account.id).toBe(account.id);
    expect((await w.identity.api.audit.list({ action: 'identity.account.created', target: account.id }))[0]?.actorId).toBe('cli');

    const tokenOut = await run('identity', 'create-token', 'gateway', '--scopes', 'sensing.ingest,cases.intake', '--expires-days', '30');
    const secret = /secret: (clt_\S+)/.exec(tokenOut)?.[1];
    const id = /token (tok_\S+)/.exec(tokenOut)?.[1];
    expect((await w.identity.api.verifyToken(secret!))?.scopes).toEqual(['sensing.ingest', 'cases.intake']);
    expect(await run('identity', 'list-tokens')).not.toContain(secret!);
    await run('identity', 'revoke-token', id!);
    expect(await w.identity.api.verifyToken(secret!)).toBeNull();

    const reset = await run('identity', 'reset-password', 'cli.handler');
    const fresh = /: (\S+)\n/.exec(reset)?.[1];
    expect(fresh).not.toBe(password);
    expect(await codeOf(w.identity.service.login({ username: 'cli.handler', password: password!, ip: '10.1.0.5' }))).toBe('LOGIN_FAILED');
    expect((await w.identity.service.login({ username: 'cli.handler', password: fresh!, ip: '10.1.0.5' })).account.username).toBe('cli.handler');

    await expect(run('identity', 'create-account', 'x.y', '--roles', 'king')).rejects.toThrow(/Unknown roles: king/);
  });
});
