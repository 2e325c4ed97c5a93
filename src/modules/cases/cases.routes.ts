import { Type } from 'typebox';
import { stringify } from 'csv-stringify/sync';
import { spreadsheetSafe } from '../../platform/text/spreadsheet.ts';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../platform/http/http-server.ts';
import { PUBLIC } from '../../platform/http/auth.ts';
import { CASES_PERMISSIONS as P } from './cases.permissions.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import type { OrganizationApi } from '../organization/index.ts';
import type { PlacesApi } from '../places/index.ts';
import type { Actor, Caller } from './cases.api.ts';
import { NO_SCOPE } from './domain/case-scope.ts';
import type { CasesService } from './cases.service.ts';
import { CASE_STATES, CHANNELS, KINDS, URGENCIES } from './domain/case-types.ts';
import { KPI_COUNTERS } from './domain/kpi.ts';

const Id = Type.String({ minLength: 1, maxLength: 40 });
const LongText = Type.String({ maxLength: 10_000 });
const Note = Type.String({ maxLength: 2_000 });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const IntakeBody = Type.Object({
  channel: Type.Enum(CHANNELS),
  kind: Type.Enum(KINDS),
  urgency: Type.Optional(Type.Enum(URGENCIES)),
  categoryCode: Type.String({ minLength: 1, maxLength: 100 }),
  title: Type.Optional(Type.String({ maxLength: 200 })),
  text: Type.String({ minLength: 1, maxLength: 10_000 }),
  requester: Type.Optional(Type.Object({ name: Type.Optional(Type.String({ maxLength: 60 })), phone: Type.Optional(Type.String({ maxLength: 30 })), anonymous: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
  confidential: Type.Optional(Type.Boolean()),
  location: Type.Optional(Type.Object({ lng: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }), address: Type.Optional(Type.String({ maxLength: 300 })) }, { additionalProperties: false })),
  address: Type.Optional(Type.String({ maxLength: 300 })),
  attachments: Type.Optional(Type.Array(Type.Object({ name: Type.String({ maxLength: 200 }), url: Type.String({ maxLength: 2_000, pattern: '^(https?://|/|data:image/)' }), contentType: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }), { maxItems: 20 })),
  receivedAt: Type.Optional(Type.String({ maxLength: 40 })),
  directAnswer: Type.Optional(LongText),
  notAccepted: Type.Optional(Note),
  dispatch: Type.Optional(Type.Union([Type.Literal('auto'), Type.Object({ departmentId: Id, assistingDepartmentIds: Type.Optional(Type.Array(Id, { maxItems: 10 })) }, { additionalProperties: false })])),
}, { additionalProperties: false });

/**
 * The acting caller. With identity, the session or token decides (`identify`); the `x-cityloop-actor`
 * header (a staff id) is honoured only when no authenticator runs (tests of a bare module server).
 */
export function actorFrom(request: FastifyRequest, org: OrganizationApi, service: CasesService, identify?: (request: FastifyRequest) => Caller | null): Actor {
  const caller = identify?.(request) ?? null;
  if (caller) return { ...service.actorFor(caller), ip: request.ip };
  if (request.principal) return { id: request.principal.id, departmentId: null, scope: NO_SCOPE, personal: false };
  const raw = request.headers['x-cityloop-actor'];
  const id = typeof raw === 'string' && raw.length <= 40 ? raw : null;
  const staff = id ? org.getStaff(id) : null;
  return { id: staff?.id ?? id, departmentId: staff?.departmentId ?? null };
}

/** Per client address: enough for a person checking a few cases, not for a crawler. */
const PUBLIC_QUERY_LIMIT = { max: 20, timeWindow: '1 minute' };
/** Reports from the citizen page: a few a minute per client address is plenty for a person. */
const PUBLIC_REPORT_LIMIT = { max: 5, timeWindow: '1 minute' };

/** HTTP adapter of the cases module under /api/v1/cases. */
export function casesRoutes(app: HttpApp, service: CasesService, org: OrganizationApi, places: PlacesApi, identify?: (request: FastifyRequest) => Caller | null): void {
  const tags = ['cases'];
  const params = Type.Object({ id: Id });
  const actor = (req: FastifyRequest) => actorFrom(req, org, service, identify);

  app.post('/api/v1/cases', { config: { permission: P.intake }, schema: { tags, summary: 'Register a case (intake from any channel); optionally answer directly or dispatch at once', body: IntakeBody } },
    async (req, reply) => reply.status(201).send(await service.intake(req.body, actor(req))));

  const ListQuery = Type.Object({
    state: Type.Optional(Type.String({ maxLength: 200 })), departmentId: Type.Optional(Id), centreId: Type.Optional(Id), categoryPrefix: Type.Optional(Type.String({ maxLength: 100 })),
    areaId: Type.Optional(Id), channel: Type.Optional(Type.Enum(CHANNELS)), light: Type.Optional(Type.Enum(['green', 'yellow', 'red'])), overdue: Type.Optional(Type.Boolean()),
    from: Type.Optional(Type.String({ maxLength: 40 })), to: Type.Optional(Type.String({ maxLength: 40 })), q: Type.Optional(Type.String({ maxLength: 100 })), phone: Type.Optional(Type.String({ maxLength: 30 })),
    sort: Type.Optional(Type.Enum(['received_desc', 'received_asc', 'due_asc'])), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
  });
  type ListQueryT = { state?: string; departmentId?: string; centreId?: string; categoryPrefix?: string; areaId?: string; channel?: (typeof CHANNELS)[number]; light?: 'green' | 'yellow' | 'red'; overdue?: boolean; from?: string; to?: string; q?: string; phone?: string; sort?: 'received_desc' | 'received_asc' | 'due_asc' };
  const listFilter = (q: ListQueryT) => {
    const states = q.state?.split(',').filter(Boolean);
    const bad = states?.find((st) => !(CASE_STATES as readonly string[]).includes(st));
    if (bad) throw new AppError({ code: 'VALIDATION_FAILED', status: 400, field: 'state', zh: `未知状态：${bad}`, en: `unknown state: ${bad}` });
    const areaIds = q.areaId ? places.subtreeIds(q.areaId) : undefined;
    return {
      ...(states ? { states: states as never } : {}), ...(q.departmentId ? { departmentId: q.departmentId } : {}), ...(q.centreId ? { centreId: q.centreId } : {}),
      ...(q.categoryPrefix ? { categoryPrefix: q.categoryPrefix } : {}), ...(areaIds ? { areaIds } : {}), ...(q.channel ? { channel: q.channel } : {}),
      ...(q.light ? { light: q.light } : {}), ...(q.overdue !== undefined ? { overdue: q.overdue } : {}), ...(q.from ? { receivedFrom: q.from } : {}), ...(q.to ? { receivedTo: q.to } : {}),
      ...(q.q ? { q: q.q } : {}), ...(q.phone ? { phone: q.phone } : {}), ...(q.sort ? { sort: q.sort } : {}),
    };
  };

  app.get('/api/v1/cases', { config: { permission: P.read }, schema: { tags, summary: 'List cases (personal data masked)', querystring: ListQuery } },
    async (req) => service.list({ ...listFilter(req.query), limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }, actor(req)));

  app.get('/api/v1/cases/export.csv', { config: { permission: P.export }, schema: { tags, summary: 'Export the filtered list as CSV (UTF-8 with BOM for Excel; personal data masked; at most 100,000 rows; audited)', querystring: ListQuery } },
    async (req, reply) => {
      const who = actor(req);
      const { items, total } = await service.list({ ...listFilter(req.query), limit: 100_000, offset: 0 }, who);
      // The filter is recorded without what could identify a citizen (a phone number, free text).
      const { phone, q, ...filter } = req.query;
      service.recordExport(who, { rows: items.length, total, filter, byPhone: phone !== undefined, bySearch: q !== undefined });
      const header = ['工单编号 number', '状态 state', '渠道 channel', '类型 kind', '紧急程度 urgency', '分类 category', '标题 title', '诉求人 requester', '电话 phone', '地址 address', '受理时间 received', '主办单位 department', '办理期限 due', '亮灯 light', '超期 overdue', '评价 rating'];
      const rows = items.map((c) => [c.number, c.state, c.channel, c.kind, c.urgency, c.categoryName ?? c.categoryCode, c.title, c.requesterName ?? '', c.requesterPhone ?? '', c.address ?? '', c.receivedAt, c.mainDepartmentName ?? '', c.dueAt ?? '', c.light, c.overdue ? '是' : '否', c.rating ?? ''].map(spreadsheetSafe));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="cases-${service.today()}.csv"`)
        .send(`\uFEFF${stringify([header, ...rows])}`);
    });

  app.get('/api/v1/cases/:id', { config: { permission: P.read }, schema: { tags, summary: 'One case (by id or number) with its assignments and allowed actions', params } }, async (req) => service.get(req.params.id, actor(req)));
  app.get('/api/v1/cases/:id/timeline', { config: { permission: P.read }, schema: { tags, summary: 'The full append-only history of a case', params } }, async (req) => ({ items: await service.timeline(req.params.id, actor(req)) }));

  app.post('/api/v1/cases/:id/dispatch', { config: { permission: P.dispatch },
    schema: { tags, summary: 'Dispatch to a department (main + assisting) or to a lower-tier centre; auto=true follows the responsibility list', params, body: Type.Object({ departmentId: Type.Optional(Id), auto: Type.Optional(Type.Boolean()), assistingDepartmentIds: Type.Optional(Type.Array(Id, { maxItems: 10 })), note: Type.Optional(Note) }, { additionalProperties: false }) },
  }, async (req) => service.dispatch(req.params.id, req.body, actor(req)));

  app.post('/api/v1/cases/:id/sign-for', { config: { permission: P.handle }, schema: { tags, summary: 'Sign for (签收) a dispatched case; assisting departments sign for their part', params, body: Type.Optional(Type.Object({ departmentId: Type.Optional(Id) }, { additionalProperties: false })) } },
    async (req) => service.signFor(req.params.id, req.body ?? {}, actor(req)));
  app.post('/api/v1/cases/:id/return', { config: { permission: P.handle }, schema: { tags, summary: 'Return (退单) to the centre that dispatched it, with a reason', params, body: Type.Object({ reason: Note, departmentId: Type.Optional(Id) }, { additionalProperties: false }) } },
    async (req) => service.returnCase(req.params.id, req.body, actor(req)));
  app.post('/api/v1/cases/:id/arbitrate', { config: { permission: P.dispatch }, schema: { tags, summary: 'Decide a return: reject it (back to the department) or uphold it (re-dispatch next)', params, body: Type.Object({ decision: Type.Enum(['reject_return', 'uphold_return']), reason: Note }, { additionalProperties: false }) } },
    async (req) => service.arbitrate(req.params.id, req.body, actor(req)));
  app.post('/api/v1/cases/:id/extension', { config: { permission: P.handle }, schema: { tags, summary: 'Ask for an extension (延期) before the deadline', params, body: Type.Object({ extraWorkdays: Type.Optional(Type.Integer({ minimum: 0, maximum: 60 })), extraHours: Type.Optional(Type.Number({ minimum: 0, maximum: 720 })), reason: Note }, { additionalProperties: false }) } },
    async (req) => service.requestExtension(req.params.id, req.body, actor(req)));
  app.post('/api/v1/cases/:id/extension/decision', { config: { permission: P.dispatch }, schema: { tags, summary: 'Approve or refuse the pending extension', params, body: Type.Object({ approve: Type.Boolean(), reason: Type.Optional(Note) }, { additionalProperties: false }) } },
    async (req) => service.decideExtension(req.params.id, req.body, actor(req)));
  app.post('/api/v1/cases/:id/reply', { config: { permission: P.handle }, schema: { tags, summary: 'Add a reply (interim, or an assisting department\'s part)', params, body: Type.Object({ text: LongText, departmentId: Type.Optional(Id), public: Type.Optional(Type.Boolean()) }, { additionalProperties: false }) } },
    async (req) => service.reply(req.params.id, req.body, actor(req)));
  app.post('/api/v1/cases/:id/resolve', { config: { permission: P.handle }, schema: { tags, summary: 'Resolve (办结) with the reply to the citizen', params, body: Type.Object({ reply: LongText, internalNote: Type.Optional(Note) }, { additionalProperties: false }) } },
    async (req) => service.resolve(req.params.id, req.body, actor(req)));
  app.post('/api/v1/cases/:id/callback', { config: { permission: P.callback }, schema: { tags, summary: 'Record a callback (回访): reached with a 1–5 rating, or not reached; dissatisfied reopens unless reopen=false', params, body: Type.Object({ reached: Type.Boolean(), rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })), comment: Type.Optional(Note), reopen: Type.Optional(Type.Boolean()) }, { additionalProperties: false }) } },
    async (req) => service.callback(req.params.id, req.body, actor(req)));
  app.post('/api/v1/cases/:id/close', { config: { permission: P.dispatch }, schema: { tags, summary: 'Close with a reason', params, body: Type.Object({ reason: Note }, { additionalProperties: false }) } },
    async (req) => service.close(req.params.id, req.body, actor(req)));
  app.post('/api/v1/cases/:id/merge', { config: { permission: P.dispatch }, schema: { tags, summary: 'Merge this duplicate into a parent case (it follows the parent)', params, body: Type.Object({ parentId: Id }, { additionalProperties: false }) } },
    async (req) => service.merge(req.params.id, req.body, actor(req)));
  app.post('/api/v1/cases/:id/chase', { config: { permission: P.supervise }, schema: { tags, summary: 'Chase (催办) the department', params, body: Type.Optional(Type.Object({ note: Type.Optional(Note) }, { additionalProperties: false })) } },
    async (req) => service.chase(req.params.id, req.body ?? {}, actor(req)));
  app.post('/api/v1/cases/:id/supervise', { config: { permission: P.supervise }, schema: { tags, summary: 'Supervise (督办), optionally escalating to the tier above', params, body: Type.Object({ note: Note, escalate: Type.Optional(Type.Boolean()) }, { additionalProperties: false }) } },
    async (req) => service.supervise(req.params.id, req.body, actor(req)));

  // ── citizen self-query (POST keeps phone digits out of URLs and access logs) ──
  app.post('/api/v1/cases/public/query', { config: { permission: PUBLIC, rateLimit: PUBLIC_QUERY_LIMIT }, schema: { tags: ['public'], summary: 'Citizen self-query by case number + last 4 phone digits', body: Type.Object({ number: Type.String({ maxLength: 20 }), phoneLast4: Type.String({ maxLength: 4 }) }, { additionalProperties: false }) } },
    async (req) => service.publicQuery(req.body.number, req.body.phoneLast4));
  app.post('/api/v1/cases/public/rate', { config: { permission: PUBLIC, rateLimit: PUBLIC_QUERY_LIMIT }, schema: { tags: ['public'], summary: 'Citizen rates a resolved case', body: Type.Object({ number: Type.String({ maxLength: 20 }), phoneLast4: Type.String({ maxLength: 4 }), rating: Type.Integer({ minimum: 1, maximum: 5 }), comment: Type.Optional(Note) }, { additionalProperties: false }) } },
    async (req) => {
      try {
        return await service.publicRate(req.body.number, req.body.phoneLast4, req.body.rating, req.body.comment);
      } catch (err) {
        // A citizen learns only that the case cannot be rated now, never its internal state or staff actions.
        if (err instanceof AppError && err.status === 409) throw new AppError({ code: 'CASE_NOT_RATEABLE', status: 409, zh: '该工单暂不能评价（办结后可评价，且只能评价一次）', en: 'This case cannot be rated now (it can be rated once, after it is resolved)' });
        throw err;
      }
    });

  // Citizens' own reports from the web page: a phone number is required (to follow the case and be called back); the case waits at the centre for dispatch.
  app.post('/api/v1/cases/public/report', { config: { permission: PUBLIC, rateLimit: PUBLIC_REPORT_LIMIT }, schema: { tags: ['public'], summary: 'Citizen reports a problem from the web page (channel web); answers the case number only',
    body: Type.Object({
      categoryCode: Type.String({ minLength: 1, maxLength: 100 }), text: Type.String({ minLength: 1, maxLength: 5_000 }), title: Type.Optional(Type.String({ maxLength: 200 })),
      kind: Type.Optional(Type.Enum(KINDS)), phone: Type.String({ minLength: 5, maxLength: 30 }), name: Type.Optional(Type.String({ maxLength: 60 })),
      address: Type.Optional(Type.String({ maxLength: 300 })), lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })), lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    }, { additionalProperties: false }) } },
  async (req, reply) => {
    const b = req.body;
    if ((b.lng === undefined) !== (b.lat === undefined)) throw new AppError({ code: 'VALIDATION_FAILED', status: 400, field: b.lng === undefined ? 'lng' : 'lat', zh: '经纬度须同时提供', en: 'lng and lat go together' });
    const c = await service.intake({
      channel: 'web', kind: b.kind ?? 'help', categoryCode: b.categoryCode, text: b.text, ...(b.title ? { title: b.title } : {}),
      requester: { phone: b.phone, ...(b.name ? { name: b.name } : {}) },
      ...(b.lng !== undefined && b.lat !== undefined ? { location: { lng: b.lng, lat: b.lat, ...(b.address ? { address: b.address } : {}) } } : b.address ? { address: b.address } : {}),
    }, { id: 'citizen', departmentId: null, ip: req.ip }).catch((err: unknown) => {
      // The form's field is `phone`: name it so, not the intake's requester.phone.
      if (err instanceof AppError && err.field === 'requester.phone') throw new AppError({ code: err.code, status: err.status, field: 'phone', zh: err.zh, en: 'phone must be 5–20 digits' });
      throw err;
    });
    return reply.status(201).send({ number: c.number, state: c.state });
  });

  // ── KPIs ──
  app.get('/api/v1/cases/kpis', { config: { permission: P.kpi },
    schema: { tags: ['kpi'], summary: 'KPIs over a period (by received day), grouped by department, tier, category or day', querystring: Type.Object({ from: Day, to: Day, groupBy: Type.Optional(Type.Enum(['department', 'tier', 'category', 'day', 'all'])), categoryPrefix: Type.Optional(Type.String({ maxLength: 100 })), departmentId: Type.Optional(Type.String({ maxLength: 40 })), tier: Type.Optional(Type.Enum(['city', 'district', 'street'])) }) },
  }, async (req) => ({ definitions: service.kpiDefinitions(), items: await service.kpis({ ...req.query, groupBy: req.query.groupBy ?? 'department' }, actor(req)) }));
  app.get('/api/v1/cases/kpis/cases', { config: { permission: P.kpi },
    schema: { tags: ['kpi'], summary: 'The cases behind a KPI counter (drill-down)', querystring: Type.Object({ from: Day, to: Day, counter: Type.Enum(KPI_COUNTERS), departmentId: Type.Optional(Type.String({ maxLength: 40 })), tier: Type.Optional(Type.Enum(['city', 'district', 'street'])), categoryPrefix: Type.Optional(Type.String({ maxLength: 100 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), offset: Type.Optional(Type.Integer({ minimum: 0 })) }) },
  }, async (req) => service.kpiCases({ ...req.query, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }, actor(req)));

  // ── reference data ──
  app.get('/api/v1/cases/categories', { config: { permission: PUBLIC }, schema: { tags: ['settings'], summary: 'The category tree' } }, async () => ({ items: service.categories.all() }));
  app.post('/api/v1/cases/categories', { config: { permission: P.settings },
    schema: { tags: ['settings'], summary: 'Create or update categories', body: Type.Object({ items: Type.Array(Type.Object({ code: Type.String({ maxLength: 100 }), name: Type.String({ maxLength: 100 }), nameEn: Type.Optional(Type.String({ maxLength: 200 })), parentCode: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])), active: Type.Optional(Type.Boolean()) }), { minItems: 1, maxItems: 5000 }) }) },
  }, async (req) => service.upsertCategories(req.body.items, actor(req)));
  app.post('/api/v1/cases/categories/import', { config: { permission: P.settings },
    schema: { tags: ['settings'], summary: 'Import categories from CSV (text/csv): code,name[,name_en,parent_code] or 一级分类,二级分类,三级分类', consumes: ['text/csv'] },
  }, async (req) => {
    if (typeof req.body !== 'string') throw new AppError({ code: 'VALIDATION_FAILED', status: 400, field: 'body', zh: '请以 text/csv 提交', en: 'Send the CSV as text/csv' });
    return service.importCategoriesCsv(req.body, actor(req));
  });
  app.get('/api/v1/cases/time-limits', { config: { permission: P.read }, schema: { tags: ['settings'], summary: 'The time-limit matrix (kind × urgency → sign-for and handling limits)' } }, async () => service.timeLimits());
  app.put('/api/v1/cases/time-limits', { config: { permission: P.settings }, schema: { tags: ['settings'], summary: 'Replace the time-limit matrix', body: Type.Object({}, { additionalProperties: true }) } }, async (req) => service.setTimeLimits(req.body, actor(req)));
}
