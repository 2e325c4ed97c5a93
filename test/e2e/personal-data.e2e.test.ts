import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS, compose, type CityLoop } from '../../src/app/compose.ts';
import { loadConfig } from '../../src/app/config.ts';
import { DEFAULT_CATEGORIES } from '../../src/modules/cases/index.ts';
import { ManualClock } from '../../src/platform/clock/clock.ts';
import type { HttpApp } from '../../src/platform/http/http-server.ts';
import { createLogger } from '../../src/platform/logging/logger.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../../src/platform/testing/test-database.ts';
import { SMALL_WORLD } from '../support/small-world.ts';
import { TEST_DATA_KEYS } from '../support/test-keys.ts';

const PHONE = '13987654321';
const NAME = '赵六一';
const PASSWORD = 'correct horse battery';

/**
 * Citizens' personal data through the whole app with real sign-in: unmasked only on the case page
 * for roles that need it (and audited), masked in lists and exports (and the export audited),
 * and never in the logs — not even at debug level, not even in error paths.
 */
describe(`personal data through the app on ${testEngine()}`, () => {
  let database: TestDatabase;
  let app: CityLoop;
  let http: HttpApp;
  const lines: string[] = [];
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    database = await openTestDatabase(ALL_MIGRATIONS);
    const logger = createLogger({ level: 'trace', destination: new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } }) });
    app = await compose(loadConfig({}, { ...TEST_DATA_KEYS }), { database, clock: new ManualClock('2026-12-01T01:00:00Z'), defaultMetrics: false, logger });
    await app.start({ background: false });
    await app.places.api.importAreas(SMALL_WORLD.areas);
    await app.cases.service.upsertCategories(DEFAULT_CATEGORIES.map((c) => ({ ...c })), { id: 'test', departmentId: null });
    await app.organization.api.upsertDepartments(SMALL_WORLD.departments);
    await app.organization.api.upsertRules(SMALL_WORLD.rules);
    const centre = app.organization.api.getDepartmentByCode('CENTRE')!.id;
    for (const [username, role] of [['agent', 'agent'], ['supervisor', 'supervisor']] as const) {
      await app.identity.api.createAccount({ username, password: PASSWORD, roles: [role], departmentId: centre });
    }
    http = await app.http();
    for (const username of ['agent', 'supervisor']) {
      const res = await http.inject({ method: 'POST', url: '/api/v1/identity/login', payload: { username, password: PASSWORD } });
      expect(res.statusCode).toBe(200);
      cookies[username] = String(res.cookies.find((c) => c.name === 'cityloop_session')?.value);
    }
  });
  afterAll(async () => {
    await http?.close();
    await app?.close();
    await database?.close();
  });

  const as = (who: string) => ({ cookie: `cityloop_session=${cookies[who]}` });

  it('shows the full phone to the agent on the case page, masks it in lists and exports, and audits both', async () => {
    const created = await http.inject({ method: 'POST', url: '/api/v1/cases', headers: as('agent'), payload: { channel: 'hotline', kind: 'complaint', categoryCode: '02.01', text: '楼下饭店油烟很大', requester: { name: NAME, phone: PHONE } } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const page = (await http.inject({ url: `/api/v1/cases/${id}`, headers: as('agent') })).json();
    expect([page.requesterName, page.requesterPhone]).toEqual([NAME, PHONE]);
    const supervisorPage = (await http.inject({ url: `/api/v1/cases/${id}`, headers: as('supervisor') })).json();
    expect([supervisorPage.requesterName, supervisorPage.requesterPhone]).toEqual(['赵**', '139****4321']);
    const list = (await http.inject({ url: '/api/v1/cases?limit=10', headers: as('agent') })).json();
    expect(list.items[0].requesterPhone).toBe('139****4321');
    const csv = await http.inject({ url: '/api/v1/cases/export.csv', headers: as('supervisor') });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toContain('139****4321');
    expect(csv.body).not.toContain(PHONE);
    expect((await http.inject({ url: '/api/v1/cases/export.csv', headers: as('agent') })).statusCode).toBe(403);
    await new Promise((r) => setTimeout(r, 50)); // audit writes are fire-and-forget
    const audit = await app.identity.api.audit.list({});
    const actions = audit.map((a) => `${a.action}:${a.target ?? ''}`);
    expect(actions).toContain(`cases.personal-data.viewed:${id}`);
    expect(actions.some((a) => a.startsWith('cases.list.exported'))).toBe(true);
  });

  it('never writes a citizen name or phone to the logs, also on refused requests', async () => {
    await http.inject({ method: 'POST', url: '/api/v1/cases', headers: as('agent'), payload: { channel: 'hotline', kind: 'complaint', categoryCode: '99.99', text: 'x', requester: { name: NAME, phone: PHONE } } });
    await http.inject({ method: 'POST', url: '/api/v1/cases', headers: as('agent'), payload: { channel: 'hotline', kind: 5, requester: { name: NAME, phone: PHONE } } });
    await http.inject({ method: 'POST', url: '/api/v1/cases/public/query', payload: { number: '202612010001', phoneLast4: '4321' } });
    expect(lines.length).toBeGreaterThan(0);
    const all = lines.join('');
    expect(all).not.toContain(PHONE);
    expect(all).not.toContain(NAME);
  });

  it('lets an agent take a call but not dispatch it at intake, and offers only the actions the caller may take', async () => {
    const refused = await http.inject({ method: 'POST', url: '/api/v1/cases', headers: as('agent'), payload: { channel: 'hotline', kind: 'complaint', categoryCode: '02.01', text: '噪音扰民', dispatch: 'auto' } });
    expect([refused.statusCode, refused.json().error.code, refused.json().error.field]).toEqual([403, 'FORBIDDEN', 'dispatch']);
    const created = await http.inject({ method: 'POST', url: '/api/v1/cases', headers: as('agent'), payload: { channel: 'hotline', kind: 'complaint', categoryCode: '02.01', text: '噪音扰民' } });
    expect(created.json().allowedActions).not.toContain('dispatch');
    expect(created.json().allowedActions).toEqual([]);
  });

  it('exports formulas as text so a spreadsheet never runs them', async () => {
    await http.inject({ method: 'POST', url: '/api/v1/cases', headers: as('agent'), payload: { channel: 'hotline', kind: 'complaint', categoryCode: '02.01', title: '=HYPERLINK("http://evil","x")', text: '公式注入测试', address: '@SUM(1+1)' } });
    const csv = (await http.inject({ url: '/api/v1/cases/export.csv', headers: as('supervisor') })).body;
    expect(csv).toContain(`'=HYPERLINK`);
    expect(csv).toContain(`'@SUM(1+1)`);
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });

  it('refuses list date filters that are not dates instead of matching nothing', async () => {
    for (const from of ['abc', '2026-02-30', '2026-12-01T10:00:00']) {
      const res = await http.inject({ url: `/api/v1/cases?from=${encodeURIComponent(from)}`, headers: as('agent') });
      expect([res.statusCode, res.json().error.field], from).toEqual([400, 'from']);
    }
    const day = await http.inject({ url: '/api/v1/cases?from=2026-12-01&to=2026-12-01', headers: as('agent') });
    expect(day.statusCode).toBe(200);
    expect(day.json().total).toBeGreaterThan(0);
  });
});
