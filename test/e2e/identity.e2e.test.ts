import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS, compose, type CityLoop } from '../../src/app/compose.ts';
import { TEST_DATA_KEYS } from '../support/test-keys.ts';
import { loadConfig } from '../../src/app/config.ts';
import { ManualClock } from '../../src/platform/clock/clock.ts';
import { migrateToLatest } from '../../src/platform/db/migrator.ts';
import type { HttpApp } from '../../src/platform/http/http-server.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../../src/platform/testing/test-database.ts';
import { identityMigrations, type IdentityModule } from '../../src/modules/identity/index.ts';
import { identityServer, seedIdentityTestOrg, sessionCookieOf } from '../../src/modules/identity/fixtures/identity-world.ts';

/*
 * Identity over a real socket, as a browser and an Open311 client use it: the first admin signs in
 * with the printed password, creates a handler and a token; the handler signs in and out; the token
 * works until it is revoked; guessing a password gets the client locked out with Retry-After.
 */
describe(`identity over real HTTP on ${testEngine()}`, () => {
  let database: TestDatabase;
  let app: CityLoop;
  let clock: ManualClock;
  let identity: IdentityModule;
  let http: HttpApp;
  let base: string;

  beforeAll(async () => {
    database = await openTestDatabase(ALL_MIGRATIONS);
    clock = new ManualClock('2026-12-01T01:00:00Z');
    app = await compose(loadConfig({}, { logLevel: 'silent', ...TEST_DATA_KEYS }), { database, clock, defaultMetrics: false });
    await migrateToLatest(database, { ...ALL_MIGRATIONS, identity: identityMigrations });
    await app.start({ background: false });
    await seedIdentityTestOrg(app.organization.api);
    ({ identity, http } = await identityServer(app));
    await http.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await http?.close();
    await app?.close();
    await database?.close();
  });

  async function send(method: string, path: string, opts: { cookie?: string | null; bearer?: string; json?: unknown } = {}) {
    const headers: Record<string, string> = {};
    if (opts.cookie) headers.cookie = `cityloop_session=${opts.cookie}`;
    if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
    if (opts.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers, ...(opts.json !== undefined ? { body: JSON.stringify(opts.json) } : {}) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null, cookie: sessionCookieOf(res.headers.getSetCookie()) };
  }

  it('walks the first admin, an account, a session and a token through their whole life', async () => {
    const first = await identity.api.ensureFirstAdmin();
    expect(first?.generated).toBe(true);
    expect((await send('GET', '/api/v1/identity/accounts')).status).toBe(401);

    const adminLogin = await send('POST', '/api/v1/identity/login', { json: { username: 'admin', password: first!.password } });
    expect(adminLogin.status).toBe(200);
    expect(adminLogin.headers.getSetCookie()[0]).toMatch(/HttpOnly; SameSite=Lax$/);
    const admin = adminLogin.cookie;

    const created = await send('POST', '/api/v1/identity/accounts', { cookie: admin, json: { username: 'li.handler', staffId: 'handler-housing', roles: ['handler'] } });
    expect(created.status).toBe(201);
    const handlerLogin = await send('POST', '/api/v1/identity/login', { json: { username: 'li.handler', password: created.body.password } });
    expect(handlerLogin.status).toBe(200);
    const me = await send('GET', '/api/v1/identity/me', { cookie: handlerLogin.cookie });
    expect(me.body.account.username).toBe('li.handler');
    expect(me.body.permissions).toContain('cases.handle');
    expect((await send('GET', '/api/v1/identity/accounts', { cookie: handlerLogin.cookie })).status).toBe(403);

    const token = await send('POST', '/api/v1/identity/tokens', { cookie: admin, json: { name: 'open311 partner', scopes: ['open311.submit'] } });
    expect(token.status).toBe(201);
    const submit = await send('POST', '/probe/open311', { bearer: token.body.secret });
    expect(submit.status).toBe(200);
    expect(submit.body.claims.tokenId).toBe(token.body.token.id);
    expect((await send('POST', `/api/v1/identity/tokens/${token.body.token.id}/revoke`, { cookie: admin })).status).toBe(200);
    expect((await send('POST', '/probe/open311', { bearer: token.body.secret })).status).toBe(401);

    expect((await send('POST', '/api/v1/identity/logout', { cookie: handlerLogin.cookie })).status).toBe(204);
    expect((await send('GET', '/api/v1/identity/me', { cookie: handlerLogin.cookie })).status).toBe(401);

    const audit = await send('GET', '/api/v1/identity/audit?limit=1000', { cookie: admin });
    const actions = new Set((audit.body.items as Array<{ action: string }>).map((e) => e.action));
    for (const a of ['identity.account.created', 'identity.login', 'identity.token.created', 'identity.token.used', 'identity.token.revoked', 'identity.logout']) expect(actions, a).toContain(a);
  });

  it('locks out a password guesser with 429 and Retry-After, then lets the owner back in after 15 minutes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await send('POST', '/api/v1/identity/login', { json: { username: 'li.handler', password: `guess-${i}-xxxxxx` } })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const owner = await identity.service.resetPassword('li.handler', { id: 'test', label: 'test' }, null, 'the-owners-password');
    // A reset lifts the lock, so guess again to lock it while the owner knows the password.
    for (let i = 0; i < 5; i++) await send('POST', '/api/v1/identity/login', { json: { username: 'li.handler', password: `guess-${i}-yyyyyy` } });
    const locked = await send('POST', '/api/v1/identity/login', { json: { username: 'li.handler', password: owner } });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('LOGIN_LOCKED');
    expect(Number(locked.headers.get('retry-after'))).toBe(900);
    clock.advance(15 * 60_000 + 1000);
    expect((await send('POST', '/api/v1/identity/login', { json: { username: 'li.handler', password: owner } })).status).toBe(200);
  });
});
