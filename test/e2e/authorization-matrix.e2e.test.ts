import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC, type RouteEntry } from '../../src/platform/http/auth.ts';
import { testEngine } from '../../src/platform/testing/test-database.ts';
import { IDENTITY_PERMISSIONS, ROLE_PERMISSIONS } from '../../src/modules/identity/index.ts';
import {
  buildCall, coverageProblem, fillerOf, MASKED_PHONE, openAuthWorld, REQUESTER, routeSchemas, sendCall, urlOf,
  type Answer, type AuthWorld, type CaseTemplate, type RouteCall, type RouteSchema, type WorldUser,
} from '../support/auth-world.ts';

/*
 * The authorization matrix, generated from the server's own route table: every route × every role
 * (and nobody) × a case inside and a case outside the caller's data scope. A route added tomorrow is
 * in the matrix tomorrow; one whose permission no role knows, or whose request the builder cannot
 * make, fails here until someone decides who may call it.
 */

/** Permissions some signed-in account can hold: every role's, plus identity.self (every account). */
const KNOWN_PERMISSIONS = new Set<string>([...Object.values(ROLE_PERMISSIONS).flat(), IDENTITY_PERMISSIONS.self]);

type Outcome = 'allow' | 'deny' | 'hidden' | 'unauth';

/** The rule the matrix holds every route to. */
function expected(route: RouteEntry, user: WorldUser, scope: 'in' | 'out'): Outcome {
  const p = route.permission;
  if (p === PUBLIC) return 'allow';
  if (p === undefined || !KNOWN_PERMISSIONS.has(p)) throw new Error(`${route.method} ${route.url} declares permission ${String(p)}, unknown to ROLE_PERMISSIONS, PUBLIC and identity.self`);
  if (user.kind === 'anonymous') return 'unauth';
  if (!user.permissions.has(p)) return 'deny';
  return scope === 'out' ? 'hidden' : 'allow';
}

/** What an answer means; null when it fits no outcome (a 5xx, an unexpected 404). */
function observed(answer: Answer, call: RouteCall): Outcome | null {
  if (answer.status >= 500) return null;
  if (answer.status === 401) return answer.code === 'AUTH_REQUIRED' ? 'unauth' : null;
  if (answer.status === 403 && answer.code === 'FORBIDDEN') return 'deny';
  if (answer.status === 404) return call.caseScoped && answer.code === 'NOT_FOUND' ? 'hidden' : call.mayBeMissing ? 'allow' : null;
  // Anything else reached the handler: 2xx, or a 4xx from validation, state or a business rule (e.g. CASE_WRONG_DEPARTMENT).
  return 'allow';
}

const LETTER: Record<Outcome, string> = { allow: 'A', deny: 'D', hidden: 'H', unauth: 'U' };

/** One matrix cell: the outcome's letter (V: reached the handler and refused with a 4xx), `!` when not as expected. */
function mark(got: Outcome | null, want: Outcome, status: number): string {
  if (got === null) return '!';
  const letter = got === 'allow' && status >= 400 ? 'V' : LETTER[got];
  return got === want ? letter : `${letter}!`;
}

describe(`authorization matrix over real HTTP with real identity (${testEngine()})`, () => {
  let world: AuthWorld;
  let schemas: Map<string, RouteSchema>;

  beforeAll(async () => {
    world = await openAuthWorld();
    schemas = routeSchemas(world.http);
  });
  afterAll(async () => {
    await world?.close();
  });

  it('knows the permission of every route: public, identity.self or one some role holds', () => {
    expect(world.routes.length).toBeGreaterThan(50);
    const unknown = world.routes.filter((r) => r.permission !== PUBLIC && (r.permission === undefined || !KNOWN_PERMISSIONS.has(r.permission)));
    expect(unknown.map((r) => `${r.method} ${r.url} → ${String(r.permission)}`)).toEqual([]);
  });

  it('can build a valid request for every route: path parameters, required query, body', () => {
    const problems = world.routes.map((r) => coverageProblem(r, schemas)).filter((p): p is string => p !== null);
    expect(problems).toEqual([]);
  });

  it('gives each signed-in account exactly its roles\' permissions plus identity.self', async () => {
    for (const user of world.users.filter((u) => u.kind === 'session')) {
      const me = await world.send('GET', '/api/v1/identity/me', { user });
      expect(me.status, user.name).toBe(200);
      expect((me.json as { permissions: string[] }).permissions, user.name).toEqual([...user.permissions].sort());
    }
  });

  it('allows, denies (403), hides (404) or asks to sign in (401) exactly as the roles and data scopes say, for every route', async () => {
    const users = world.users;
    const mismatches: string[] = [];
    const rows: string[] = [];
    const totals = new Map<string, Record<Outcome | 'ok', number>>(users.map((u) => [u.name, { allow: 0, ok: 0, deny: 0, hidden: 0, unauth: 0 }]));
    const refusals = new Map<string, number>();
    let cells = 0;
    const routes = [...world.routes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
    for (const route of routes) {
      const caseScoped = fillerOf(route)?.caseScoped === true;
      const marks: string[] = [];
      for (const user of users) {
        const scopes: Array<'in' | 'out'> = caseScoped && user.outCase !== null ? ['in', 'out'] : ['in'];
        let cell = '';
        for (const scope of scopes) {
          const want = expected(route, user, scope);
          const call = await buildCall(route, { world, user, scope, fresh: want === 'allow' }, schemas);
          const answer = await sendCall(world, user, call);
          const got = observed(answer, call);
          cells += 1;
          const t = totals.get(user.name)!;
          t[want] += 1;
          if (got === 'allow' && answer.status < 400) t.ok += 1;
          if (got === 'allow' && answer.status >= 400) refusals.set(`${answer.status} ${answer.code ?? '-'}`, (refusals.get(`${answer.status} ${answer.code ?? '-'}`) ?? 0) + 1);
          cell += mark(got, want, answer.status);
          if (got !== want) mismatches.push(`${user.name} [${scope}] ${call.method} ${urlOf(call)} → expected ${want}, got ${answer.status} ${answer.code ?? ''} ${answer.text.slice(0, 160)}`);
        }
        marks.push(cell.padEnd(3));
      }
      rows.push(`${`${route.method} ${route.url}`.padEnd(52)} ${(route.permission ?? '?').padEnd(18)} ${marks.join('')}`);
    }
    const header = users.map((_, i) => String(i + 1).padEnd(3)).join('');
    const legend = users.map((u, i) => `${i + 1}=${u.name}`).join(' ');
    const summary = users.map((u) => {
      const t = totals.get(u.name)!;
      return `${u.name.padEnd(16)} allow ${String(t.allow).padStart(3)} (2xx ${String(t.ok).padStart(3)})  deny ${String(t.deny).padStart(3)}  hidden ${String(t.hidden).padStart(3)}  sign-in ${String(t.unauth).padStart(3)}`;
    }).join('\n');
    console.log([
      `authorization matrix (${testEngine()}): ${routes.length} routes × ${users.length} callers, ${cells} requests`,
      'cell = in-scope outcome, then out-of-scope for case routes: A allowed (2xx/3xx), V allowed but refused by validation, state or a business rule (4xx),',
      '       D 403 FORBIDDEN, H 404 NOT_FOUND (existence hidden), U 401 sign in; ! = not as expected',
      legend,
      `${''.padEnd(52)} ${'permission'.padEnd(18)} ${header}`,
      ...rows,
      '',
      summary,
      `allowed requests refused by the handler: ${[...refusals].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(', ')}`,
    ].join('\n'));
    expect(mismatches).toEqual([]);
    expect(world.errorLogs).toEqual([]);
  });

  it('lists to each account exactly the shared cases in its data scope', async () => {
    const shared = new Map(Object.entries(world.cases).map(([k, c]) => [c.id, k as CaseTemplate]));
    for (const user of world.users.filter((u) => u.kind === 'session')) {
      const res = await world.send('GET', '/api/v1/cases?limit=500', { user });
      expect(res.status, user.name).toBe(200);
      const items = (res.json as { items: Array<{ id: string; number: string }> }).items;
      const seen = items.flatMap((i) => (shared.has(i.id) ? [shared.get(i.id)!] : [])).sort();
      const want = user.sees === 'all' ? [...shared.values()].sort() : [...user.sees].sort();
      expect(seen, user.name).toEqual(want);
      if (user.sees !== 'all') {
        // Whatever else the list holds (cases made during the run) must be openable by the same account.
        for (const item of items) expect((await world.send('GET', `/api/v1/cases/${item.number}`, { user })).status, `${user.name} ${item.number}`).toBe(200);
      }
    }
  });

  it('shows KPIs of the caller\'s departments only; a handler sees its own department\'s', async () => {
    const kpis = async (name: string) => world.send('GET', '/api/v1/cases/kpis?from=2026-11-01&to=2026-12-31&groupBy=department', { user: world.user(name) });
    const keys = (res: Answer) => (res.json as { items: Array<{ key: string }> }).items.map((i) => i.key);
    expect(keys(await kpis('handler'))).toEqual([world.dept('ENV')]);

    const analyst = await kpis('analyst');
    expect(analyst.status).toBe(200);
    expect(keys(analyst)).toEqual([world.dept('ENV')]);

    const east = new Set(['EAST-CENTRE', 'EAST-OFFICE', 'EAST-CITYMGMT'].map((c) => world.dept(c)));
    const supervisor = await kpis('supervisor');
    expect(keys(supervisor).length).toBeGreaterThan(0);
    for (const k of keys(supervisor)) expect(east.has(k), k).toBe(true);

    const admin = keys(await kpis('admin'));
    expect(admin).toEqual(expect.arrayContaining([world.dept('ENV'), world.dept('HOUSING')]));

    // Asking for another department's figures by id gets nothing, not the figures.
    const other = await world.send('GET', `/api/v1/cases/kpis?from=2026-11-01&to=2026-12-31&groupBy=department&departmentId=${world.dept('HOUSING')}`, { user: world.user('analyst') });
    expect(other.status, other.text.slice(0, 300)).toBe(200);
    expect(keys(other)).toEqual([]);
    const drill = await world.send('GET', '/api/v1/cases/kpis/cases?from=2026-11-01&to=2026-12-31&counter=total&limit=500', { user: world.user('analyst') });
    const numbers = (drill.json as { items: Array<{ number: string }> }).items.map((i) => i.number);
    expect(numbers).toContain(world.cases.env.number);
    expect(numbers).not.toContain(world.cases.west.number);
  });

  it('shows the citizen\'s name and phone in full on the case page only to roles with cases.personal', async () => {
    const page = async (name: string, template: CaseTemplate) => {
      const res = await world.send('GET', `/api/v1/cases/${world.cases[template].number}`, { user: world.user(name) });
      expect(res.status, `${name} ${template}`).toBe(200);
      return res;
    };
    for (const [name, template] of [['agent', 'west'], ['dispatcher.east', 'east'], ['handler', 'env'], ['handler.housing', 'west']] as const) {
      const res = await page(name, template);
      expect(res.json, name).toMatchObject({ requesterName: REQUESTER.name, requesterPhone: REQUESTER.phone });
    }
    for (const [name, template] of [['analyst', 'env'], ['supervisor', 'east']] as const) {
      const res = await page(name, template);
      expect(res.json, name).toMatchObject({ requesterName: '张**', requesterPhone: MASKED_PHONE });
      expect(res.text, name).not.toContain(REQUESTER.phone);
    }
    // Lists are masked for everyone, even for roles that may open the full record.
    const list = await world.send('GET', '/api/v1/cases?limit=500', { user: world.user('agent') });
    expect(list.text).not.toContain(REQUESTER.phone);
    expect(list.text).toContain(MASKED_PHONE);
  });

  it('exports masked rows of the caller\'s scope and audits the export without the phone number searched for', async () => {
    const analyst = world.user('analyst');
    const exports = async () => world.app.identity.api.audit.list({ action: 'cases.list.exported', actorId: analyst.accountId! });
    const before = (await exports()).length;
    // Without cases.personal, finding cases by phone number is refused: that is personal data too.
    expect((await world.send('GET', `/api/v1/cases/export.csv?phone=${REQUESTER.phone}`, { user: analyst })).status).toBe(403);
    const csv = await world.send('GET', '/api/v1/cases/export.csv', { user: analyst });
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(world.cases.env.number);
    expect(csv.text).not.toContain(world.cases.west.number);
    expect(csv.text).not.toContain(REQUESTER.phone);
    // The audit write follows the response.
    await expect.poll(async () => (await exports()).length).toBe(before + 1);
    const [newest] = await exports();
    expect(newest?.detail).toMatchObject({ rows: expect.any(Number) });
    expect(JSON.stringify(newest)).not.toContain(REQUESTER.phone);
  });

  it('shows a confidential case\'s personal data to its handling department only, not to the centre agent', async () => {
    const number = world.cases.confidential.number;
    const agent = await world.send('GET', `/api/v1/cases/${number}`, { user: world.user('agent') });
    expect(agent.status).toBe(200);
    expect(agent.json).toMatchObject({ confidential: true, requesterName: null, requesterPhone: null });
    expect(agent.text).not.toContain(REQUESTER.phone);
    expect(agent.text).not.toContain('1234');
    const handler = await world.send('GET', `/api/v1/cases/${number}`, { user: world.user('handler') });
    expect(handler.json).toMatchObject({ requesterName: REQUESTER.name, requesterPhone: REQUESTER.phone });
    const analyst = await world.send('GET', `/api/v1/cases/${number}`, { user: world.user('analyst') });
    expect(analyst.json).toMatchObject({ requesterName: null, requesterPhone: null });
  });

  it('lets a token do only what its scopes say, never identity.self, and nothing once revoked', async () => {
    const reader = { ...world.user('anonymous'), name: 'token:reader', kind: 'token' as const, bearer: world.tokens.reader.secret };
    expect((await world.send('GET', '/api/v1/cases', { user: reader })).status).toBe(200);
    const intake = await world.send('POST', '/api/v1/cases', { user: reader, json: { channel: 'web', kind: 'help', categoryCode: '02.01.01', text: '测试' } });
    expect([intake.status, intake.code]).toEqual([403, 'FORBIDDEN']);
    expect((await world.send('GET', '/api/v1/identity/me', { user: reader })).code).toBe('FORBIDDEN');

    const open311 = { ...reader, name: 'token:open311', bearer: world.tokens.open311.secret };
    expect((await world.send('GET', '/api/v1/cases', { user: open311 })).code).toBe('FORBIDDEN');
    const form = (key: string) => new URLSearchParams({ api_key: key, service_code: '02.01.01', lat: '30.15', long: '120.05', description: '河道发臭' }).toString();
    const posted = await world.send('POST', '/open311/v2/requests.json', { raw: form(world.tokens.open311.secret), contentType: 'application/x-www-form-urlencoded' });
    expect(posted.status, posted.text).toBe(200);
    // A token without the open311.submit scope is no Open311 key.
    expect((await world.send('POST', '/open311/v2/requests.json', { raw: form(world.tokens.reader.secret), contentType: 'application/x-www-form-urlencoded' })).status).toBe(403);

    const created = await world.app.identity.api.createToken({ name: 'to be revoked', scopes: ['cases.read', 'open311.submit'] });
    const doomed = { ...reader, bearer: created.secret };
    expect((await world.send('GET', '/api/v1/cases', { user: doomed })).status).toBe(200);
    expect((await world.send('POST', `/api/v1/identity/tokens/${created.token.id}/revoke`, { user: world.user('admin') })).status).toBe(200);
    const after = await world.send('GET', '/api/v1/cases', { user: doomed });
    expect([after.status, after.code]).toEqual([401, 'AUTH_REQUIRED']);
    expect((await world.send('POST', '/open311/v2/requests.json', { raw: form(created.secret), contentType: 'application/x-www-form-urlencoded' })).status).toBe(403);

    // A malformed bearer is no credential, and the cookie sent beside it does not rescue it.
    const bad = await world.send('GET', '/api/v1/cases', { cookie: world.user('admin').cookie!, headers: { authorization: 'Bearer not a token' } });
    expect(bad.status).toBe(401);
  });

  it('gives a token held for a department that department\'s cases and no others', async () => {
    const envToken = { ...world.user('anonymous'), name: 'token:env', kind: 'token' as const, bearer: world.tokens.readerEnv.secret };
    const out = await world.send('GET', `/api/v1/cases/${world.cases.west.number}`, { user: envToken });
    expect([out.status, out.code]).toEqual([404, 'NOT_FOUND']);
    const own = await world.send('GET', `/api/v1/cases/${world.cases.env.number}`, { user: envToken });
    expect(own.status, own.text.slice(0, 200)).toBe(200);
  });
});
