import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { sql } from 'kysely';
import { ManualClock } from '../../src/platform/clock/clock.ts';
import { openTestDatabase, type TestDatabase } from '../../src/platform/testing/test-database.ts';
import { routeTable, type HttpApp } from '../../src/platform/http/http-server.ts';
import type { RouteEntry } from '../../src/platform/http/auth.ts';
import { compose, ALL_MIGRATIONS, type CityLoop } from '../../src/app/compose.ts';
import { loadConfig, type CityLoopConfig } from '../../src/app/config.ts';
import { DEFAULT_CATEGORIES, SYSTEM_ACTOR, type IntakeInput } from '../../src/modules/cases/index.ts';
import { IDENTITY_PERMISSIONS, ROLE_PERMISSIONS } from '../../src/modules/identity/index.ts';
import type { Role } from '../../src/modules/organization/index.ts';
import { SMALL_WORLD } from './small-world.ts';
import { TEST_DATA_KEYS } from './test-keys.ts';

/*
 * The small world with REAL identity: every request is authenticated by the identity module, every
 * role has an account held for a department, and each account has a case in its data scope and one
 * outside it. Shared by the authorization matrix and the fuzz test, which also share the way a valid
 * request is built for any route (path parameters, query, body), so the fuzz test can spoil it.
 */

/** The shared cases, by what makes them in or out of someone's scope. */
export const CASE_TEMPLATES = {
  /** Pending at the city centre, west district: only city-wide accounts see it. */
  pending: { lng: 120.05, lat: 30.05, categoryCode: '01.01.01', to: null },
  /** West district, dispatched to the housing bureau. */
  west: { lng: 120.05, lat: 30.1, categoryCode: '01.01.01', to: 'HOUSING' },
  /** West district, dispatched to the environment bureau. */
  env: { lng: 120.05, lat: 30.15, categoryCode: '02.01.01', to: 'ENV' },
  /** East district (grid 东一), handed down to the east district centre. */
  east: { lng: 120.15, lat: 30.05, categoryCode: '02.01.02', to: 'EAST-CENTRE' },
  /** East district (grid 东一), handed down to the east district centre and on to the street office. */
  street: { lng: 120.15, lat: 30.05, categoryCode: '01.02.04', to: 'EAST-OFFICE' },
  /** East district (grid 东二), dispatched to the housing bureau: a grid worker of 东二 sees it by place. */
  grid: { lng: 120.15, lat: 30.15, categoryCode: '01.01.02', to: 'HOUSING' },
  /** A confidential (保密) report dispatched to the environment bureau. */
  confidential: { lng: 120.05, lat: 30.15, categoryCode: '02.01.03', to: 'ENV' },
} as const;

export type CaseTemplate = keyof typeof CASE_TEMPLATES;

/** Every shared case is filed with this caller: full on the case page for roles with cases.personal. */
export const REQUESTER = { name: '张三丰', phone: '13812341234' } as const;
export const MASKED_PHONE = '138****1234';

const GRID_WORKER_DEPARTMENT = 'EAST-OFFICE';
/** The grid (东二网格) the grid-worker variant is responsible for. */
export const EAST_GRID_2 = '990101001001002';

/** An account the world signs in (or a token it uses), with what it should be allowed to see. */
export interface UserSpec {
  /** Matrix column name; also the username of accounts. */
  name: string;
  kind: 'anonymous' | 'session' | 'token';
  /** Roles held for `department` (accounts). */
  roles: Role[];
  /** Department code the roles are held for; null = the whole city. */
  department: string | null;
  /** Token scopes (tokens). */
  scopes?: string[];
  /** Organization staff code with grids (grid worker variant). */
  staff?: { code: string; gridCodes: string[] };
  /** A shared case this user must see (and may act on). */
  inCase: CaseTemplate | null;
  /** A shared case this user must not even learn exists; null when the user sees the whole city. */
  outCase: CaseTemplate | null;
  /** Which shared cases lists must show: the data scope written out by hand. */
  sees: readonly CaseTemplate[] | 'all';
}

const ALL_CASES: readonly CaseTemplate[] = Object.keys(CASE_TEMPLATES) as CaseTemplate[];

/** One account per role (held for a department the in-scope case belongs to), variants, and tokens. */
export const USERS: readonly UserSpec[] = [
  { name: 'anonymous', kind: 'anonymous', roles: [], department: null, inCase: null, outCase: null, sees: [] },
  { name: 'agent', kind: 'session', roles: ['agent'], department: 'CENTRE', inCase: 'pending', outCase: null, sees: 'all' },
  { name: 'dispatcher', kind: 'session', roles: ['dispatcher'], department: 'CENTRE', inCase: 'pending', outCase: null, sees: 'all' },
  { name: 'handler', kind: 'session', roles: ['handler'], department: 'ENV', inCase: 'env', outCase: 'west', sees: ['env', 'confidential'] },
  { name: 'supervisor', kind: 'session', roles: ['supervisor'], department: 'EAST-CENTRE', inCase: 'east', outCase: 'west', sees: ['east', 'street', 'grid'] },
  { name: 'grid_worker', kind: 'session', roles: ['grid_worker'], department: GRID_WORKER_DEPARTMENT, inCase: 'street', outCase: 'west', sees: ['street'] },
  { name: 'analyst', kind: 'session', roles: ['analyst'], department: 'ENV', inCase: 'env', outCase: 'west', sees: ['env', 'confidential'] },
  { name: 'admin', kind: 'session', roles: ['admin'], department: null, inCase: 'pending', outCase: null, sees: 'all' },
  { name: 'handler.housing', kind: 'session', roles: ['handler'], department: 'HOUSING', inCase: 'west', outCase: 'env', sees: ['west', 'grid'] },
  { name: 'dispatcher.east', kind: 'session', roles: ['dispatcher'], department: 'EAST-CENTRE', inCase: 'east', outCase: 'west', sees: ['east', 'street', 'grid'] },
  { name: 'grid.east2', kind: 'session', roles: ['grid_worker'], department: GRID_WORKER_DEPARTMENT, staff: { code: 'grid-east2', gridCodes: [EAST_GRID_2] }, inCase: 'grid', outCase: 'west', sees: ['street', 'grid'] },
];

/** API tokens the world creates besides the accounts. */
export const TOKENS = {
  open311: { name: 'open311 client', scopes: [IDENTITY_PERMISSIONS.open311Submit], department: null },
  reader: { name: 'read-only integration', scopes: ['cases.read'], department: null },
  readerEnv: { name: 'environment bureau integration', scopes: ['cases.read'], department: 'ENV' },
} as const;

/** What a user may do according to ROLE_PERMISSIONS (accounts also hold identity.self; tokens their scopes). */
export function permissionsOf(user: Pick<UserSpec, 'kind' | 'roles' | 'scopes'>): Set<string> {
  if (user.kind === 'anonymous') return new Set();
  if (user.kind === 'token') return new Set(user.scopes ?? []);
  const out = new Set<string>([IDENTITY_PERMISSIONS.self]);
  for (const role of user.roles) for (const p of ROLE_PERMISSIONS[role]) out.add(p);
  return out;
}

/** A shared case as tests refer to it. */
export interface WorldCase {
  id: string;
  number: string;
}

/** One HTTP answer: status, text, JSON (when it is JSON) and the coded error. */
export interface Answer {
  status: number;
  text: string;
  json: unknown;
  code: string | undefined;
  headers: Headers;
}

/** How to send a request: who, and what body (JSON, raw bytes or text with a content type). */
export interface SendOptions {
  user?: WorldUser | null;
  /** Session cookie to use instead of the user's (a throwaway session). */
  cookie?: string;
  json?: unknown;
  raw?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A signed-in account (cookie) or a token (bearer) or nobody, ready to send requests as. */
export interface WorldUser extends UserSpec {
  password: string | null;
  cookie: string | null;
  bearer: string | null;
  accountId: string | null;
  /** Expected permissions from ROLE_PERMISSIONS (or token scopes). */
  permissions: ReadonlySet<string>;
}

export interface AuthWorld {
  readonly app: CityLoop;
  readonly http: HttpApp;
  readonly clock: ManualClock;
  readonly database: TestDatabase;
  readonly base: string;
  /** Every route of the server, from `routeTable` (HEAD excluded). */
  readonly routes: RouteEntry[];
  readonly users: readonly WorldUser[];
  user(name: string): WorldUser;
  /** Token secrets and ids by TOKENS key. */
  readonly tokens: Record<keyof typeof TOKENS, { id: string; secret: string }>;
  /** The shared cases (never changed by allowed requests: those act on fresh cases). */
  readonly cases: Record<CaseTemplate, WorldCase>;
  dept(code: string): string;
  areaId(code: string): string;
  /** File a new case shaped like a template (dispatched as the template says). */
  newCase(template: CaseTemplate, extra?: Partial<IntakeInput>): Promise<WorldCase>;
  /** Sign in over HTTP and return the session cookie value. */
  login(username: string, password: string): Promise<string>;
  send(method: string, path: string, options?: SendOptions): Promise<Answer>;
  /**
   * Row counts of every table (platform migration bookkeeping excluded), plus the sum of case versions.
   * Audit entries written after a response (AUDITED_AFTER_RESPONSE) are left out: they land at no fixed time.
   */
  counts(): Promise<Record<string, number>>;
  /** Error-level log lines written since the world started (a 5xx anywhere, even one a route turns into 400). */
  readonly errorLogs: string[];
  close(): Promise<void>;
}

export interface AuthWorldOptions {
  start?: string;
  /** Configuration on top of the test defaults (e.g. trustProxy for per-client rate limits). */
  config?: Partial<CityLoopConfig>;
}

/** Audit actions written after the response that caused them (a viewed phone number, an export), so they cannot fail the read. */
export const AUDITED_AFTER_RESPONSE = ['cases.personal-data.viewed', 'cases.list.exported'] as const;

const PASSWORD = (name: string) => `pw-${name}-correct-horse`;

/** The small world over the real app with real identity, accounts, tokens and shared cases, served on 127.0.0.1. */
export async function openAuthWorld(options: AuthWorldOptions = {}): Promise<AuthWorld> {
  const database = await openTestDatabase(ALL_MIGRATIONS);
  const clock = new ManualClock(options.start ?? '2026-12-01T01:00:00Z');
  const errorLogs: string[] = [];
  // Error lines are kept to catch failures a route answers politely (Open311 renders them as 400).
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { errorLogs.push(chunk.toString('utf8')); done(); } });
  const logger = pino({ level: 'error' }, sink);
  let app: CityLoop | null = null;
  let http: HttpApp | null = null;
  try {
    app = await compose(loadConfig({}, { logLevel: 'silent', schedulerIntervalMs: 60_000, ...TEST_DATA_KEYS, ...options.config }), { database, clock, logger, defaultMetrics: false });
    await app.start({ background: false });
    const a = app;
    const must = (r: { errors: unknown[] }, what: string) => {
      if (r.errors.length) throw new Error(`${what}: ${JSON.stringify(r.errors)}`);
    };
    must(await a.places.api.importAreas(SMALL_WORLD.areas), 'areas');
    must(await a.cases.service.upsertCategories(DEFAULT_CATEGORIES.map((c) => ({ ...c })), SYSTEM_ACTOR), 'categories');
    must(await a.organization.api.upsertDepartments(SMALL_WORLD.departments), 'departments');
    must(await a.organization.api.upsertRules(SMALL_WORLD.rules), 'rules');
    const gridStaff = USERS.flatMap((u) => (u.staff ? [{ code: u.staff.code, name: `网格员${u.name}`, departmentCode: u.department!, roles: u.roles, gridCodes: u.staff.gridCodes }] : []));
    must(await a.organization.api.upsertStaff(gridStaff), 'staff');
    const dept = (code: string) => {
      const d = a.organization.api.getDepartmentByCode(code);
      if (!d) throw new Error(`no department ${code}`);
      return d.id;
    };
    const areaId = (code: string) => {
      const area = a.places.api.getAreaByCode(code);
      if (!area) throw new Error(`no area ${code}`);
      return area.id;
    };

    http = await a.http();
    await http.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`;

    const send = async (method: string, path: string, opts: SendOptions = {}): Promise<Answer> => {
      const headers: Record<string, string> = { ...opts.headers };
      const cookie = opts.cookie ?? opts.user?.cookie;
      if (cookie) headers.cookie = `cityloop_session=${cookie}`;
      if (opts.user?.bearer) headers.authorization = `Bearer ${opts.user.bearer}`;
      let body: string | Uint8Array | undefined;
      if (opts.raw !== undefined) body = opts.raw;
      else if (opts.json !== undefined) body = JSON.stringify(opts.json);
      if (body !== undefined) headers['content-type'] ??= opts.contentType ?? 'application/json';
      const res = await fetch(`${base}${path}`, { method, headers, redirect: 'manual', ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      let json: unknown = null;
      if ((res.headers.get('content-type') ?? '').includes('json') && text) {
        try {
          json = JSON.parse(text);
        } catch {
          json = null;
        }
      }
      const err = json && typeof json === 'object' && 'error' in json ? (json as { error?: { code?: unknown } }).error : undefined;
      const code = typeof err?.code === 'string' ? err.code : undefined;
      return { status: res.status, text, json, code, headers: res.headers };
    };

    const login = async (username: string, password: string): Promise<string> => {
      const res = await fetch(`${base}/api/v1/identity/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      const line = res.headers.getSetCookie().find((l) => l.startsWith('cityloop_session='));
      const value = line?.slice('cityloop_session='.length).split(';')[0] ?? '';
      if (res.status !== 200 || !value) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
      return value;
    };

    const users: WorldUser[] = [];
    for (const spec of USERS) {
      if (spec.kind !== 'session') {
        users.push({ ...spec, password: null, cookie: null, bearer: null, accountId: null, permissions: permissionsOf(spec) });
        continue;
      }
      const password = PASSWORD(spec.name);
      const { account } = await a.identity.api.createAccount({ username: spec.name, displayName: spec.name, password, roles: spec.roles, departmentId: spec.department, ...(spec.staff ? { staffId: spec.staff.code } : {}) });
      users.push({ ...spec, password, cookie: await login(spec.name, password), bearer: null, accountId: account.id, permissions: permissionsOf(spec) });
    }
    const tokens = {} as Record<keyof typeof TOKENS, { id: string; secret: string }>;
    for (const [key, t] of Object.entries(TOKENS) as Array<[keyof typeof TOKENS, (typeof TOKENS)[keyof typeof TOKENS]]>) {
      const created = await a.identity.api.createToken({ name: t.name, scopes: [...t.scopes], departmentId: t.department });
      tokens[key] = { id: created.token.id, secret: created.secret };
    }

    let seq = 0;
    const newCase = async (template: CaseTemplate, extra: Partial<IntakeInput> = {}): Promise<WorldCase> => {
      const t = CASE_TEMPLATES[template];
      seq += 1;
      const c = await a.cases.service.intake({
        channel: 'hotline', kind: 'complaint', categoryCode: t.categoryCode, text: `测试工单 ${template} #${seq}`,
        requester: { ...REQUESTER }, location: { lng: t.lng, lat: t.lat }, ...(template === 'confidential' ? { confidential: true } : {}), ...extra,
      }, SYSTEM_ACTOR);
      // Down the tiers one step at a time, as a dispatcher would.
      const path = t.to === null ? [] : t.to === 'EAST-OFFICE' ? ['EAST-CENTRE', 'EAST-OFFICE'] : [t.to];
      for (const code of path) await a.cases.service.dispatch(c.id, { departmentId: dept(code) }, SYSTEM_ACTOR);
      return { id: c.id, number: c.number };
    };
    const cases = {} as Record<CaseTemplate, WorldCase>;
    for (const template of ALL_CASES) cases[template] = await newCase(template);

    const tables = await listTables(database);
    const late = AUDITED_AFTER_RESPONSE.map((a) => `'${a}'`).join(', ');
    const counts = async (): Promise<Record<string, number>> => {
      const parts = tables.map((t) => `select '${t}' as t, count(*) as n from ${t}${t === 'identity_audit' ? ` where action not in (${late})` : ''}`);
      parts.push(`select 'cases_case.version' as t, coalesce(sum(version), 0) as n from cases_case`);
      const { rows } = await sql.raw<{ t: string; n: number | string }>(parts.join(' union all ')).execute(database.db);
      return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
    };

    const httpApp = http;
    return {
      app: a, http: httpApp, clock, database, base, routes: routeTable(httpApp), users, tokens, cases, dept, areaId, newCase, login, send, counts, errorLogs,
      user(name) {
        const found = users.find((u) => u.name === name);
        if (!found) throw new Error(`no user ${name}`);
        return found;
      },
      async close() {
        await httpApp.close();
        await a.close();
        await database.close();
      },
    };
  } catch (err) {
    await http?.close();
    await app?.close();
    await database.close();
    throw err;
  }
}

async function listTables(database: TestDatabase): Promise<string[]> {
  const all = await database.db.introspection.getTables();
  // Migration bookkeeping is not data a request could add to.
  return all.map((t) => t.name).filter((n) => !n.startsWith('platform_migration')).sort();
}

// ───────────────────────── building a valid request for any route ─────────────────────────

/** The subset of JSON Schema the route schemas use. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  additionalProperties?: boolean | JsonSchema;
}

/** What OpenAPI says about one route: its body schema and its query and path parameters. */
export interface RouteSchema {
  body: JsonSchema | null;
  bodyTypes: string[];
  query: Array<{ name: string; required: boolean; schema: JsonSchema }>;
  path: string[];
}

interface OpenApiDoc {
  paths: Record<string, Record<string, {
    requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
    parameters?: Array<{ in: string; name: string; required?: boolean; schema: JsonSchema }>;
  }>>;
}

/** The schemas of every documented route, keyed `METHOD url` in Fastify's form (`/cases/:id`). */
export function routeSchemas(http: HttpApp): Map<string, RouteSchema> {
  const doc = http.swagger() as unknown as OpenApiDoc;
  const out = new Map<string, RouteSchema>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    const url = path.replace(/\{([^}]+)\}/g, ':$1');
    for (const [method, op] of Object.entries(ops)) {
      const content = op.requestBody?.content ?? {};
      const params = op.parameters ?? [];
      out.set(`${method.toUpperCase()} ${url}`, {
        body: content['application/json']?.schema ?? null,
        bodyTypes: Object.keys(content),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: p.required === true, schema: p.schema })),
        path: params.filter((p) => p.in === 'path').map((p) => p.name),
      });
    }
  }
  return out;
}

/** Samples for string patterns the schemas use; a new pattern must be added here (the generator refuses to guess). */
export const PATTERN_SAMPLES: Record<string, string> = {
  '^\\d{4}-\\d{2}-\\d{2}$': '2026-12-01',
  '^(https?://|/|data:image/)': 'https://img.example.com/a.jpg',
};

/** The smallest valid value of a schema: required properties only, first enum value, lengths and bounds kept. */
export function sampleOf(schema: JsonSchema, where = 'body'): unknown {
  if ('const' in schema) return schema.const;
  if (schema.enum) return schema.enum[0];
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    const first = variants.find((v) => v.type !== 'null') ?? variants[0];
    if (!first) throw new Error(`${where}: empty anyOf`);
    return sampleOf(first, where);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) {
        const prop = schema.properties?.[key];
        if (!prop) throw new Error(`${where}.${key}: required but not described`);
        out[key] = sampleOf(prop, `${where}.${key}`);
      }
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, (_, i) => sampleOf(schema.items ?? {}, `${where}[${i}]`));
    case 'string': {
      if (schema.pattern !== undefined) {
        const s = PATTERN_SAMPLES[schema.pattern];
        if (s === undefined) throw new Error(`${where}: no sample for pattern ${schema.pattern}; add one to PATTERN_SAMPLES`);
        return s;
      }
      let s = '样例文本';
      if ((schema.minLength ?? 0) > s.length) s = s.padEnd(schema.minLength!, 'x');
      if (schema.maxLength !== undefined && schema.maxLength < s.length) s = s.slice(0, schema.maxLength);
      return s;
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.maximum !== undefined ? Math.min(1, schema.maximum) : 1);
    case 'boolean':
      return false;
    case 'null':
      return null;
    case undefined:
      return {};
    default:
      throw new Error(`${where}: cannot sample type ${String(type)}`);
  }
}

/** A request ready to send: path with parameters filled, query string, body. */
export interface RouteCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: { json: unknown } | { raw: string; contentType: string } | null;
  /** The request ends or replaces the caller's session: send it with a throwaway session. */
  consumesSession: boolean;
  /** A 404 is a correct answer for a valid request (Open311 tokens: none are issued). */
  mayBeMissing: boolean;
  /** The path names a case, so the caller's data scope applies. */
  caseScoped: boolean;
}

/** For whom and on which data a call is built. */
export interface CallContext {
  world: AuthWorld;
  user: WorldUser;
  /** In-scope or out-of-scope case for case routes. */
  scope: 'in' | 'out';
  /** The request is expected to reach its handler: act on freshly made things, not the shared ones. */
  fresh: boolean;
}

let uniq = 0;
const next = () => (uniq += 1);

/** The shared case of a scope column (or a fresh one shaped like the user's in-scope case). */
async function caseFor(ctx: CallContext): Promise<WorldCase> {
  const template = ctx.scope === 'out' ? ctx.user.outCase : ctx.user.inCase;
  const key = template ?? 'pending';
  if (ctx.scope === 'in' && ctx.fresh) return ctx.world.newCase(key);
  return ctx.world.cases[key];
}

const open311Requests = new WeakMap<AuthWorld, Promise<string>>();

/** The number of one request filed through Open311 (made once per world). */
function open311Request(world: AuthWorld): Promise<string> {
  let number = open311Requests.get(world);
  if (!number) {
    number = world.app.cases.service
      .intake({ channel: 'open311', kind: 'complaint', categoryCode: '02.01.01', text: '河道发臭（Open311 客户端提交）', location: { lng: 120.05, lat: 30.15 } }, { id: 'test', departmentId: null })
      .then((c) => c.number);
    open311Requests.set(world, number);
  }
  return number;
}

async function freshAccount(world: AuthWorld): Promise<{ id: string; grantId: string }> {
  const { account } = await world.app.identity.api.createAccount({ username: `target-${next()}`, password: 'target-password-123', roles: ['analyst'], departmentId: 'ENV' });
  return { id: account.id, grantId: account.grants[0]!.id };
}

/** A sensing device of the world: a fresh one (actions) or the shared one (reads, refusals). */
async function sensingDevice(world: AuthWorld, fresh: boolean): Promise<string> {
  const code = fresh ? `matrix-btn-${next()}` : 'matrix-btn';
  const existing = world.app.sensing.service.listDevices().find((d) => d.code === code);
  if (existing) return existing.id;
  const { devices } = await world.app.sensing.service.upsertDevices([{ code, typeCode: 'wearable_button', name: `矩阵测试按钮 ${code}`, location: { lng: 120.05, lat: 30.1 } }]);
  return devices[0]!.id;
}

/** An active alarm (low battery of a fresh smoke detector: no case is opened for it). */
async function sensingAlarm(world: AuthWorld, fresh: boolean): Promise<string> {
  const code = fresh ? `matrix-sd-${next()}` : 'matrix-sd';
  const svc = world.app.sensing.service;
  const found = (await svc.listAlarms({ type: 'smoke_battery_low' })).items.find((a) => a.deviceId === svc.listDevices().find((d) => d.code === code)?.id);
  if (found) return found.id;
  await svc.upsertDevices([{ code, typeCode: 'smoke_detector', name: `矩阵测试烟感 ${code}` }]);
  await svc.ingest([{ deviceId: code, measure: 'battery_pct', value: 5, at: world.clock.now().toISOString() }]);
  await world.app.sensing.alarms.idle();
  const alarm = (await svc.listAlarms({ type: 'smoke_battery_low', deviceId: code })).items[0];
  if (!alarm) throw new Error('matrix alarm not raised');
  return alarm.id;
}

/** Supplies valid values for the path parameters of the routes whose URL it matches. */
export interface ParamFiller {
  url: RegExp;
  caseScoped?: boolean;
  mayBeMissing?: boolean;
  fill(ctx: CallContext, method: string): Promise<Record<string, string>>;
}

/** How every path parameter gets a valid, existing value. A route whose parameters no filler supplies fails the matrix. */
export const PARAM_FILLERS: readonly ParamFiller[] = [
  {
    url: /^\/api\/v1\/cases\/:id(\/|$)/, caseScoped: true,
    // Reads go by readable number, actions by id: both ways in must hide a case out of scope.
    fill: async (ctx, method) => {
      const c = await caseFor(ctx);
      return { id: method === 'GET' ? c.number : c.id };
    },
  },
  {
    url: /^\/api\/v1\/insights\/cases\/:id(\/|$)/, caseScoped: true,
    fill: async (ctx, method) => {
      const c = await caseFor(ctx);
      return { id: method === 'GET' ? c.number : c.id };
    },
  },
  // Insights objects the world has not made (models, reviews, runs, warnings, briefings): a 404 there is an answer.
  { url: /^\/api\/v1\/insights\/models\/:version\/activate$/, mayBeMissing: true, fill: async () => ({ version: '999' }) },
  { url: /^\/api\/v1\/insights\/reply-reviews\/:id\/close$/, mayBeMissing: true, fill: async () => ({ id: 'cas_none' }) },
  { url: /^\/api\/v1\/insights\/hot-issues\/runs\/:id$/, mayBeMissing: true, fill: async () => ({ id: 'ihr_none' }) },
  { url: /^\/api\/v1\/insights\/warnings\/:id(\/|$)/, mayBeMissing: true, fill: async () => ({ id: 'iwn_none' }) },
  { url: /^\/api\/v1\/insights\/briefings\/:date/, mayBeMissing: true, fill: async () => ({ date: '2026-11-20' }) },
  { url: /^\/api\/v1\/places\/areas\/:id$/, fill: async (ctx) => ({ id: ctx.world.areaId('990101') }) },
  { url: /^\/api\/v1\/organization\/departments\/:id$/, fill: async (ctx) => ({ id: ctx.world.dept('ENV') }) },
  {
    url: /^\/api\/v1\/organization\/rules\/:id$/,
    fill: async (ctx) => {
      if (!ctx.fresh) return { id: ctx.world.app.organization.api.listRules()[0]!.id };
      const areaCode = ['990102', '990102001', '990101', '990101001', '990100'][next() % 5]!;
      const prefix = `0${4 + (uniq % 4)}`;
      await ctx.world.app.organization.api.upsertRules([{ categoryPrefix: prefix, areaCode, departmentCode: 'TRANSPORT', note: 'matrix' }]);
      const rule = ctx.world.app.organization.api.listRules().find((r) => r.categoryPrefix === prefix && r.areaId === ctx.world.areaId(areaCode) && r.active);
      if (!rule) throw new Error('fresh rule not found');
      return { id: rule.id };
    },
  },
  { url: /^\/api\/v1\/vitals\/.*:dimension$/, fill: async () => ({ dimension: 'order' }) },
  { url: /^\/api\/v1\/vitals\/.*:code$/, fill: async (ctx) => ({ code: ctx.world.app.vitals.service.catalogue().body.indicators[0]!.code }) },
  { url: /^\/api\/v1\/vitals\/catalogue\/versions\/:version$/, fill: async () => ({ version: '1' }) },
  {
    url: /^\/api\/v1\/identity\/accounts\/:id\/grants\/:grantId$/,
    fill: async (ctx) => {
      const target = ctx.fresh ? await freshAccount(ctx.world) : { id: ctx.world.user('analyst').accountId!, grantId: 'gra_none' };
      return { id: target.id, grantId: target.grantId };
    },
  },
  {
    url: /^\/api\/v1\/identity\/accounts\/:id(\/|$)/,
    // Actions on an account land on a fresh one, never on a signed-in user of the world.
    fill: async (ctx) => ({ id: ctx.fresh ? (await freshAccount(ctx.world)).id : ctx.world.user('analyst').accountId! }),
  },
  {
    url: /^\/api\/v1\/identity\/tokens\/:id\/revoke$/,
    fill: async (ctx) => ({ id: ctx.fresh ? (await ctx.world.app.identity.api.createToken({ name: `matrix-${next()}`, scopes: ['cases.read'] })).token.id : ctx.world.tokens.reader.id }),
  },
  { url: /^\/api\/v1\/sensing\/device-types\/:code$/, fill: async () => ({ code: 'matrix_type' }) },
  { url: /^\/api\/v1\/sensing\/devices\/:id(\/|$)/, fill: async (ctx) => ({ id: await sensingDevice(ctx.world, ctx.fresh) }) },
  { url: /^\/api\/v1\/sensing\/alarms\/:id(\/|$)/, fill: async (ctx) => ({ id: await sensingAlarm(ctx.world, ctx.fresh) }) },
  { url: /^\/api\/v1\/sensing\/rules\/:id$/, fill: async () => ({ id: 'matrix.rule' }) },
  { url: /^\/api\/v1\/sensing\/packs\/:pack$/, fill: async () => ({ pack: 'smoke' }) },
  { url: /^\/open311\/v2\/.*:format$/, fill: async () => ({ format: 'json' }) },
  { url: /^\/open311\/v2\/services\/:file$/, fill: async () => ({ file: '02.01.01.json' }) },
  // Only requests filed through Open311 are public there.
  { url: /^\/open311\/v2\/requests\/:file$/, fill: async (ctx) => ({ file: `${await open311Request(ctx.world)}.json` }) },
  { url: /^\/open311\/v2\/tokens\/:file$/, mayBeMissing: true, fill: async () => ({ file: 'no-such-token.json' }) },
  { url: /^\/api\/docs\/static\/\*$/, fill: async () => ({ '*': 'index.html' }) },
];

/** Builds a valid body for a route (given who sends it and on which data). */
export type BodySample = (ctx: CallContext) => Promise<RouteCall['body']>;
const json = (value: unknown): RouteCall['body'] => ({ json: value });
const category = (code: string) => {
  const c = DEFAULT_CATEGORIES.find((x) => x.code === code)!;
  return { code: c.code, name: c.name, nameEn: c.nameEn, ...(c.parentCode ? { parentCode: c.parentCode } : {}) };
};

/** Bodies where the smallest schema-valid one would be meaningless or harmful (a second city centre, an emptied time-limit matrix). */
export const BODY_SAMPLES: Record<string, BodySample> = {
  'POST /api/v1/cases': async () => json({ channel: 'hotline', kind: 'complaint', categoryCode: '02.01.01', text: '夜间施工噪音扰民', requester: { ...REQUESTER }, location: { lng: 120.05, lat: 30.15 } }),
  'POST /api/v1/cases/:id/dispatch': async () => json({ auto: true }),
  'POST /api/v1/cases/:id/merge': async (ctx) => json({ parentId: ctx.world.cases[ctx.user.inCase ?? 'pending'].id }),
  'POST /api/v1/cases/:id/arbitrate': async () => json({ decision: 'reject_return', reason: '职责清楚，请继续办理' }),
  'POST /api/v1/cases/public/query': async (ctx) => json({ number: ctx.world.cases[ctx.user.inCase ?? 'pending'].number, phoneLast4: '1234' }),
  'POST /api/v1/cases/public/rate': async (ctx) => json({ number: ctx.world.cases[ctx.user.inCase ?? 'pending'].number, phoneLast4: '1234', rating: 5 }),
  'POST /api/v1/cases/categories': async () => json({ items: [category('02.01.01')] }),
  'POST /api/v1/cases/categories/import': async () => ({ raw: 'code,name,name_en,parent_code\n02.01.01,噪音污染,Noise,02.01\n', contentType: 'text/csv' }),
  'PUT /api/v1/cases/time-limits': async (ctx) => json(ctx.world.app.cases.service.timeLimits()),
  'POST /api/v1/calendar/days': async () => json([{ date: '2026-10-01', type: 'off', name: '国庆节' }]),
  'POST /api/v1/places/areas/import': async () => json({ type: 'FeatureCollection', features: [] }),
  'POST /api/v1/organization/departments': async () => json({ items: [SMALL_WORLD.departments.find((d) => d.code === 'ENV')] }),
  'POST /api/v1/organization/staff': async (ctx) => {
    const u = ctx.world.user('grid.east2');
    return json({ items: [{ code: u.staff!.code, name: `网格员${u.name}`, departmentCode: u.department, roles: u.roles, gridCodes: u.staff!.gridCodes }] });
  },
  'POST /api/v1/organization/rules': async () => json({ items: [{ categoryPrefix: '03', areaCode: '990100', departmentCode: 'TRANSPORT' }] }),
  'POST /api/v1/organization/rules/import': async () => ({ raw: 'category_prefix,area_code,department_code\n03,990100,TRANSPORT\n', contentType: 'text/csv' }),
  'POST /api/v1/identity/login': async (ctx) => json({ username: 'agent', password: ctx.world.user('agent').password }),
  // A new password too short is refused before the old one is checked: no failure counted against the account.
  'POST /api/v1/identity/me/password': async () => json({ oldPassword: 'not-checked', newPassword: 'short' }),
  'POST /api/v1/identity/accounts': async () => json({ username: `matrix-${next()}`, roles: ['analyst'], departmentId: 'ENV' }),
  'POST /api/v1/identity/accounts/:id/grants': async () => json({ role: 'supervisor', departmentId: 'ENV' }),
  'POST /api/v1/identity/tokens': async () => json({ name: `matrix-${next()}`, scopes: ['cases.read'] }),
  'POST /api/v1/sensing/readings': async (ctx) => json([{ deviceId: await sensingDevice(ctx.world, false), measure: 'battery_pct', value: 90, at: ctx.world.clock.now().toISOString() }]),
  'PUT /api/v1/sensing/device-types/:code': async () => json({ name: '矩阵测试类型', nameEn: 'Matrix test type', offlineAfterS: 600, inHome: false, measures: [{ code: 'level', unit: '%', name: '水位' }] }),
  'POST /api/v1/sensing/devices': async () => json({ items: [{ code: `matrix-new-${next()}`, typeCode: 'street_light', name: '矩阵测试路灯', location: { lng: 120.15, lat: 30.05 } }] }),
  'POST /api/v1/sensing/devices/:id/active': async () => json({ active: true }),
  'POST /api/v1/sensing/devices/:id/consent': async () => json({ given: true, recordedBy: '矩阵测试' }),
  'PUT /api/v1/sensing/rules/:id': async () => json({ name: '矩阵测试规则', alarmType: 'matrix_test', severity: 'warning', condition: { kind: 'threshold', measure: 'pressed', op: '==', value: 1 }, scope: 'type', scopeId: 'wearable_button', active: false }),
  'POST /api/v1/sensing/alarms/:id/comments': async () => json({ text: '矩阵测试备注' }),
  'POST /api/v1/sensing/alarms/:id/assign': async () => json({ assignee: '网格员 王五' }),
  'POST /open311/v2/requests.:format': async (ctx) => ({
    raw: new URLSearchParams({ api_key: ctx.world.tokens.open311.secret, service_code: '02.01.01', lat: '30.15', long: '120.05', description: '河道发臭', phone: REQUESTER.phone }).toString(),
    contentType: 'application/x-www-form-urlencoded',
  }),
};

/** Routes that take no body at all (every other POST/PUT/PATCH needs a schema or a BODY_SAMPLES entry). */
export const NO_BODY = new Set([
  'POST /api/v1/identity/logout',
  'POST /api/v1/insights/models/train',
  'POST /api/v1/insights/models/:version/activate',
  'POST /api/v1/insights/reply-reviews/:id/close',
  'POST /api/v1/insights/warnings/:id/acknowledge',
  'POST /api/v1/insights/warnings/:id/close',
  'POST /api/v1/insights/briefings',
  'POST /api/v1/identity/accounts/:id/deactivate',
  'POST /api/v1/identity/accounts/:id/activate',
  'POST /api/v1/identity/accounts/:id/reset-password',
  'POST /api/v1/identity/tokens/:id/revoke',
  'POST /api/v1/sensing/packs/:pack',
]);

/** Query values where the smallest valid one would answer "nothing here" for every caller. */
export const QUERY_SAMPLES: Record<string, (ctx: CallContext) => Record<string, string>> = {
  'GET /api/v1/places/locate': () => ({ lng: '120.15', lat: '30.05' }),
  'GET /api/v1/organization/responsibility': () => ({ categoryCode: '02.01.01' }),
  'GET /api/v1/cases/kpis': () => ({ from: '2026-11-01', to: '2026-12-31' }),
  'GET /api/v1/cases/kpis/cases': () => ({ from: '2026-11-01', to: '2026-12-31', counter: 'total' }),
  'GET /api/v1/vitals/compare': () => ({ areas: '990101,990102' }),
  'GET /api/v1/insights/hot-issues/runs': () => ({ limit: '5' }),
  'GET /api/v1/sensing/devices/:id/rollups': () => ({ measure: 'battery_pct', bucket: 'h' }),
};

/** Routes whose request replaces or ends the session presented with it. */
const SESSION_CONSUMERS = new Set(['POST /api/v1/identity/login', 'POST /api/v1/identity/logout']);

const key = (r: Pick<RouteEntry, 'method' | 'url'>) => `${r.method} ${r.url}`;

/** Which filler supplies a route's path parameters (null when it has none). */
export function fillerOf(route: RouteEntry): ParamFiller | null | undefined {
  const names = pathParams(route.url);
  if (names.length === 0) return null;
  return PARAM_FILLERS.find((f) => f.url.test(route.url));
}

/** Names of a Fastify URL's path parameters (`:id`, `*`). */
export function pathParams(url: string): string[] {
  return [...url.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!).concat(url.endsWith('*') ? ['*'] : []);
}

/** Whether a route is covered by the request builder; the reason when it is not. */
export function coverageProblem(route: RouteEntry, schemas: Map<string, RouteSchema>): string | null {
  const filler = fillerOf(route);
  if (filler === undefined) return `${key(route)}: no PARAM_FILLERS entry for its path parameters`;
  if (['POST', 'PUT', 'PATCH'].includes(route.method) && !BODY_SAMPLES[key(route)] && !schemas.get(key(route))?.body && !NO_BODY.has(key(route))) {
    return `${key(route)}: no body sample (add BODY_SAMPLES or NO_BODY)`;
  }
  try {
    const s = schemas.get(key(route));
    if (s?.body && !BODY_SAMPLES[key(route)]) sampleOf(s.body);
    for (const q of s?.query ?? []) if (q.required) sampleOf(q.schema, `query.${q.name}`);
  } catch (err) {
    return `${key(route)}: ${(err as Error).message}`;
  }
  return null;
}

/** A valid request for a route as a user on in- or out-of-scope data. */
export async function buildCall(route: RouteEntry, ctx: CallContext, schemas: Map<string, RouteSchema>): Promise<RouteCall> {
  const k = key(route);
  const filler = fillerOf(route);
  if (filler === undefined) throw new Error(`${k}: no PARAM_FILLERS entry`);
  const params = filler ? await filler.fill(ctx, route.method) : {};
  let path = route.url;
  for (const name of pathParams(route.url)) {
    const value = params[name];
    if (value === undefined) throw new Error(`${k}: filler gave no value for ${name}`);
    path = name === '*' ? path.replace(/\*$/, value) : path.replace(`:${name}`, encodeURIComponent(value));
  }
  const schema = schemas.get(k);
  const query: Record<string, string> = {};
  for (const q of schema?.query ?? []) if (q.required) query[q.name] = String(sampleOf(q.schema, `query.${q.name}`));
  Object.assign(query, QUERY_SAMPLES[k]?.(ctx) ?? {});
  let body: RouteCall['body'] = null;
  if (BODY_SAMPLES[k]) body = await BODY_SAMPLES[k](ctx);
  else if (schema?.body) body = json(sampleOf(schema.body));
  return { method: route.method, path, query, body, consumesSession: SESSION_CONSUMERS.has(k), mayBeMissing: filler?.mayBeMissing ?? false, caseScoped: filler?.caseScoped ?? false };
}

/** The URL of a call with its query string. */
export function urlOf(call: Pick<RouteCall, 'path' | 'query'>): string {
  const qs = new URLSearchParams(call.query).toString();
  return qs ? `${call.path}?${qs}` : call.path;
}

/** Send a built call as a user (a throwaway session for calls that end the session presented). */
export async function sendCall(world: AuthWorld, user: WorldUser, call: RouteCall, extra: Omit<SendOptions, 'user'> = {}): Promise<Answer> {
  const cookie = call.consumesSession && user.kind === 'session' ? await world.login(user.name, user.password!) : undefined;
  const body = call.body === null ? {} : 'json' in call.body ? { json: call.body.json } : { raw: call.body.raw, contentType: call.body.contentType };
  return world.send(call.method, urlOf(call), { user, ...(cookie ? { cookie } : {}), ...body, ...extra });
}
