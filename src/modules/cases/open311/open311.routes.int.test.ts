import { readFileSync } from 'node:fs';
import { TEST_DATA_KEYS } from '../../../../test/support/test-keys.ts';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS, compose, type CityLoop } from '../../../app/compose.ts';
import { loadConfig } from '../../../app/config.ts';
import { ManualClock } from '../../../platform/clock/clock.ts';
import { createHttpServer, type HttpApp } from '../../../platform/http/http-server.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../../../platform/testing/test-database.ts';
import { SYSTEM_ACTOR } from '../cases.api.ts';
import { open311Routes } from './open311.routes.ts';
import { Open311Service } from './open311.service.ts';

/*
 * The Open311 adapter over a real database (SQLite, or PostgreSQL with CITYLOOP_TEST_DATABASE_URL):
 * an HTTP server with only the Open311 routes, backed by the real CasesService, so the adapter is
 * tested whether or not the composition root wires it yet (the e2e test covers the wiring).
 */

const API_KEY = 'test-open311-key';
const NOW = '2026-12-03T02:00:00Z'; // Thursday 10:00 in Shanghai
const CITY_RING: Array<[number, number]> = [[120, 30], [120.2, 30], [120.2, 30.2], [120, 30.2], [120, 30]];
const GRID_RING: Array<[number, number]> = [[120.05, 30.05], [120.1, 30.05], [120.1, 30.1], [120.05, 30.1], [120.05, 30.05]];

const LIST_ITEMS = new Set(['service', 'request', 'error', 'attribute', 'value', 'endpoint', 'format']);
const xml = new XMLParser({ parseTagValue: false, isArray: (name) => LIST_ITEMS.has(name) });
const orderParser = new XMLParser({ parseTagValue: false, preserveOrder: true });

type Obj = Record<string, unknown>;
type Item = Record<string, unknown>;

/** Child element names of the first element called `name`, in document order. */
function childNames(doc: string, name: string): string[] {
  let found: string[] | null = null;
  const walk = (nodes: unknown): void => {
    if (!Array.isArray(nodes) || found) return;
    for (const node of nodes as Obj[]) {
      for (const [key, children] of Object.entries(node)) {
        if (key === '#text' || key === ':@' || found) continue;
        if (key === name) {
          found = (children as Obj[]).flatMap((c) => Object.keys(c).filter((k) => k !== '#text' && k !== ':@'));
          return;
        }
        walk(children);
      }
    }
  };
  walk(orderParser.parse(doc.slice(doc.indexOf('<'))));
  return found ?? [];
}

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

const clock = new ManualClock(NOW);
let app: CityLoop;
let database: TestDatabase;
let http: HttpApp;
let open311: Open311Service;
let numbers: { old: string; answered: string; confidential: string; call: string };

const count = async (): Promise<number> => app.cases.repository.caseCount();

async function post(body: string, opts: { format?: 'json' | 'xml'; type?: string } = {}) {
  return http.inject({
    method: 'POST',
    url: `/open311/v2/requests.${opts.format ?? 'json'}`,
    headers: { 'content-type': opts.type ?? 'application/x-www-form-urlencoded; charset=utf-8' },
    payload: body,
  });
}

const get = async (url: string) => http.inject({ method: 'GET', url });
const json = <T = Item[]>(res: { body: string }): T => JSON.parse(res.body) as T;
const ids = (res: { body: string }): string[] => json(res).map((r) => String(r.service_request_id));

const validPost = (over: Record<string, string> = {}): Record<string, string> => ({
  api_key: API_KEY,
  service_code: '01.01.01',
  lat: '30.07',
  long: '120.07',
  address_string: '解放路 100 号',
  first_name: '三',
  last_name: '张',
  phone: '138-0013-8000',
  email: 'zhang@example.com',
  description: '解放路 100 号门口路灯不亮已经三天',
  media_url: 'https://img.example.com/photos/lamp.jpg',
  ...over,
});

beforeAll(async () => {
  database = await openTestDatabase(ALL_MIGRATIONS);
  app = await compose(loadConfig({}, { logLevel: 'silent', zone: 'Asia/Shanghai', ...TEST_DATA_KEYS }), { database, clock, defaultMetrics: false });
  await app.start({ background: false });
  await app.places.api.importAreas([
    { code: '330100', name: '测试市', level: 'city', parentCode: null, boundary: { type: 'Polygon', coordinates: [CITY_RING] } },
    { code: '330100001001001', name: '一号网格', level: 'grid', parentCode: '330100', boundary: { type: 'Polygon', coordinates: [GRID_RING] } },
  ]);
  await app.organization.api.upsertDepartments([
    { code: 'C12345', name: '市12345热线受理中心', tier: 'city', kind: 'centre', areaCode: '330100' },
    { code: 'CGJ', name: '市城市管理局', tier: 'city', kind: 'bureau' },
  ]);
  await app.organization.api.upsertRules([{ categoryPrefix: '01', areaCode: '330100', departmentCode: 'CGJ' }]);
  const report = await app.cases.service.upsertCategories([
    { code: '01', name: '城乡建设' },
    { code: '01.01', name: '市容环境' },
    { code: '01.01.01', name: '路灯不亮', nameEn: 'Street light out' },
    { code: '01.01.02', name: '占道经营' },
    { code: '01.01.03', name: '停用分类', active: false },
    { code: '02', name: '环境保护' },
    { code: '03', name: '交通运输' },
    { code: '03.01', name: '已停用子类', active: false },
  ], SYSTEM_ACTOR);
  expect(report.errors).toEqual([]);

  open311 = new Open311Service(app.cases.service, app.cases.repository, app.organization.api, clock, 'Asia/Shanghai');
  await open311.registerKey(API_KEY, 'test client', false);

  const cases = app.cases.service;
  clock.set('2026-10-10T02:00:00Z');
  const old = await cases.intake({ channel: 'open311', kind: 'complaint', categoryCode: '02', text: '河道有异味', requester: { name: '李四', phone: '13900000000' }, location: { lng: 120.06, lat: 30.06, address: '河滨路' } }, SYSTEM_ACTOR);
  clock.set('2026-11-20T02:00:00Z');
  const answered = await cases.intake({ channel: 'open311', kind: 'consult', categoryCode: '01.01.02', text: '夜市摊位占道怎么办', directAnswer: '已转告城管部门加强夜间巡查' }, SYSTEM_ACTOR);
  const confidential = await cases.intake({ channel: 'open311', kind: 'report', categoryCode: '01.01.01', text: '举报某店铺私接路灯电线', confidential: true, requester: { name: '王五', phone: '13700000000' } }, SYSTEM_ACTOR);
  // A hotline call, told in the caller's own words: never an Open311 public request.
  const call = await cases.intake({ channel: 'hotline', kind: 'complaint', categoryCode: '01.01.02', text: '我是王六，电话13800001111，楼下夜市占道', requester: { name: '王六', phone: '13800001111' } }, SYSTEM_ACTOR);
  clock.set(NOW);
  numbers = { old: old.number, answered: answered.number, confidential: confidential.number, call: call.number };

  const logger = app.logger;
  http = await createHttpServer({ logger, metrics: app.metrics, bodyLimit: 64 * 1024, title: 'open311 test', version: '0', ready: () => true, authenticator: 'open' });
  open311Routes(http, open311);
  // A plain JSON route beside the adapter: the form parser must not reach it.
  http.post('/api/v1/echo', { config: { permission: 'public' } }, async (req) => ({ body: req.body }));
  await http.ready();
});

afterAll(async () => {
  await http?.close();
  await app?.close();
  await database?.close();
});

describe(`Open311 GeoReport v2 adapter (${testEngine()})`, () => {
  it('serves discovery with this endpoint and both formats', async () => {
    const res = await get('/open311/v2/discovery.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const doc = json<{ endpoints: Array<{ url: string; formats: string[]; specification: string }> }>(res);
    expect(doc.endpoints[0]?.url).toMatch(/^http:\/\/localhost(:\d+)?\/open311\/v2$/);
    expect(doc.endpoints[0]?.formats).toEqual(['text/xml', 'application/json']);
    expect(doc.endpoints[0]?.specification).toBe('http://wiki.open311.org/GeoReport_v2');
  });

  it('lists only active leaf categories as services, grouped by the first level', async () => {
    const res = await get('/open311/v2/services.json');
    const services = json(res);
    expect(services.map((s) => s.service_code)).toEqual(['01.01.01', '01.01.02', '02', '03']);
    expect(services[0]).toEqual({
      service_code: '01.01.01', service_name: '路灯不亮', description: '城乡建设 / 市容环境 / 路灯不亮', metadata: true,
      type: 'realtime', keywords: '城乡建设,市容环境,路灯不亮,Street light out', group: '城乡建设',
    });
    expect(services[2]?.group).toBe('环境保护');
  });

  it('lists the same services in XML with the XML content type', async () => {
    const res = await get('/open311/v2/services.xml');
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(res.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    const doc = xml.parse(res.body) as { services: { service: Item[] } };
    expect(doc.services.service.map((s) => s.service_code)).toEqual(['01.01.01', '01.01.02', '02', '03']);
    expect(doc.services.service[1]).toMatchObject({ service_name: '占道经营', metadata: 'true', type: 'realtime' });
  });

  it('defines kind and urgency attributes for a service whose code contains dots', async () => {
    const res = await get('/open311/v2/services/01.01.01.json');
    expect(res.statusCode).toBe(200);
    const def = json<{ service_code: string; attributes: Array<{ code: string; required: boolean; datatype: string; values: Array<{ key: string; name: string }> }> }>(res);
    expect(def.service_code).toBe('01.01.01');
    expect(def.attributes.map((a) => [a.code, a.datatype, a.required])).toEqual([['kind', 'singlevaluelist', false], ['urgency', 'singlevaluelist', false]]);
    expect(def.attributes[0]?.values.map((v) => `${v.key}=${v.name}`)).toEqual(['consult=咨询', 'help=求助', 'complaint=投诉', 'report=举报', 'suggestion=建议', 'praise=表扬']);
    expect(def.attributes[1]?.values.map((v) => v.key)).toEqual(['normal', 'urgent', 'critical']);
  });

  it('answers 404 with an error document for an unknown or non-leaf service code', async () => {
    for (const code of ['99.99', '01', '01.01.03']) {
      const res = await get(`/open311/v2/services/${code}.xml`);
      expect(res.statusCode).toBe(404);
      const doc = xml.parse(res.body) as { errors: { error: Item[] } };
      expect(doc.errors.error[0]).toEqual({ code: '404', description: `service_code 未找到：${code}` });
    }
  });

  it('creates a case from a form-encoded POST and answers with the case number and a time-limit notice', async () => {
    const before = await count();
    const res = await post(`${form(validPost())}&attribute%5Bkind%5D=help&attribute[urgency]=urgent`);
    expect(res.statusCode, res.body).toBe(200);
    const [answer] = json(res);
    expect(answer?.service_request_id).toMatch(/^20261203\d{4}$/);
    expect(answer?.account_id).toBeNull();
    expect(answer?.service_notice).toContain(String(answer?.service_request_id));
    expect(answer?.service_notice).toContain('24 小时内办结');
    expect(await count()).toBe(before + 1);

    const c = await app.cases.service.get(String(answer?.service_request_id));
    expect(c).toMatchObject({
      channel: 'open311', kind: 'help', urgency: 'urgent', state: 'pending_dispatch', categoryCode: '01.01.01',
      text: '解放路 100 号门口路灯不亮已经三天', requesterName: '张三', requesterPhone: '13800138000',
      location: { lng: 120.07, lat: 30.07, address: '解放路 100 号' },
      attachments: [{ name: 'lamp.jpg', url: 'https://img.example.com/photos/lamp.jpg' }],
    });
    const history = await app.cases.service.timeline(c.id);
    expect(history[0]?.actor).toBe('open311:test client');
  });

  it('reads the created request back by id in JSON and XML with the same values and no personal data', async () => {
    const created = json(await post(form(validPost({ description: '路灯闪烁' })), { format: 'json' }))[0]?.service_request_id as string;
    const res = await get(`/open311/v2/requests/${created}.json`);
    expect(res.statusCode).toBe(200);
    const [r] = json(res);
    expect(r).toEqual({
      service_request_id: created, status: 'open', status_notes: '待派单', service_name: '路灯不亮', service_code: '01.01.01',
      description: '路灯闪烁', agency_responsible: '市12345热线受理中心', requested_datetime: '2026-12-03T10:00:00+08:00',
      updated_datetime: '2026-12-03T10:00:00+08:00', expected_datetime: null, address: '解放路 100 号', address_id: null, zipcode: null,
      lat: 30.07, long: 120.07, media_url: 'https://img.example.com/photos/lamp.jpg',
    });
    const x = await get(`/open311/v2/requests/${created}.xml`);
    expect(x.headers['content-type']).toBe('text/xml; charset=utf-8');
    const doc = xml.parse(x.body) as { service_requests: { request: Item[] } };
    expect(doc.service_requests.request[0]).toMatchObject({ service_request_id: created, status: 'open', lat: '30.07', long: '120.07', requested_datetime: '2026-12-03T10:00:00+08:00' });
    for (const body of [res.body, x.body]) {
      expect(body).not.toContain('张三');
      expect(body).not.toContain('13800138000');
      expect(body).not.toContain('zhang@example.com');
    }
  });

  it('follows the case through dispatch and resolution: agency, expected time, closed with the reply', async () => {
    const created = json(await post(form(validPost({ description: '路灯不亮第二处' }))))[0]?.service_request_id as string;
    const cases = app.cases.service;
    const dispatched = await cases.dispatch(created, { auto: true }, SYSTEM_ACTOR);
    let [r] = json(await get(`/open311/v2/requests/${created}.json`));
    expect(r).toMatchObject({ status: 'open', agency_responsible: '市城市管理局', expected_datetime: expect.stringMatching(/\+08:00$/) });
    clock.advance(3_600_000);
    await cases.signFor(created, { departmentId: dispatched.mainDepartmentId! }, { id: 'staff-1', departmentId: null });
    await cases.resolve(created, { reply: '路灯已修复，恢复照明' }, { id: 'staff-1', departmentId: null });
    [r] = json(await get(`/open311/v2/requests/${created}.json`));
    expect(r).toMatchObject({ status: 'closed', status_notes: '路灯已修复，恢复照明', updated_datetime: '2026-12-03T11:00:00+08:00' });
    clock.set(NOW);
  });

  it('accepts a JSON body with numbers and a nested attribute object', async () => {
    const res = await post(JSON.stringify({ api_key: API_KEY, service_code: '02', lat: 30.08, long: 120.08, description: '工地夜间施工噪音', attribute: { kind: 'report' } }), { type: 'application/json' });
    expect(res.statusCode, res.body).toBe(200);
    const c = await app.cases.service.get(String(json(res)[0]?.service_request_id));
    expect(c).toMatchObject({ kind: 'report', urgency: 'normal', categoryCode: '02', location: { lng: 120.08, lat: 30.08 } });
  });

  it('keeps an address sent without coordinates in the case text', async () => {
    const res = await post(form({ api_key: API_KEY, service_code: '02', address_string: '滨江路 8 号', description: '垃圾堆放' }));
    expect(res.statusCode, res.body).toBe(200);
    const c = await app.cases.service.get(String(json(res)[0]?.service_request_id));
    expect(c.location).toBeNull();
    expect(c.text).toBe('垃圾堆放\n地址：滨江路 8 号');
  });

  it('refuses a missing or wrong api_key with the spec 403 document and stores nothing', async () => {
    const before = await count();
    for (const key of ['wrong-key', '']) {
      const res = await post(form(validPost({ api_key: key })), { format: 'xml' });
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
      expect(childNames(res.body, 'errors')).toEqual(['error']);
      const doc = xml.parse(res.body) as { errors: { error: Item[] } };
      expect(doc.errors.error[0]?.code).toBe('403');
    }
    const en = await http.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' }, payload: form(validPost({ api_key: 'nope' })) });
    expect(json(en)).toEqual([{ code: 403, description: "Invalid api_key received -- can't proceed with create_request." }]);
    expect(await count()).toBe(before);
  });

  it.each([
    ['a missing service_code', { service_code: '' }, 400, '缺少必填参数 service_code'],
    ['an unknown service_code', { service_code: '77.01' }, 404, 'service_code 未找到：77.01'],
    ['a category that is not a service', { service_code: '01.01' }, 404, 'service_code 未找到：01.01'],
    ['coordinates outside the city', { lat: '39.9', long: '116.4' }, 400, '位置不在本市范围内'],
    ['a latitude that is not a number', { lat: 'north' }, 400, '参数 lat 无效：不是数字'],
    ['no location at all', { lat: '', long: '', address_string: '' }, 400, '必须提供位置'],
    ['a description over 4000 characters', { description: '灯'.repeat(4001) }, 400, '超过 4000 个字符'],
    ['an attribute key not in the list', { 'attribute[kind]': 'anger' }, 400, '属性 kind'],
    ['an attribute the service does not define', { 'attribute[colour]': 'red' }, 400, '属性 colour'],
  ])('refuses %s with a spec error document and stores nothing', async (_what, over, status, description) => {
    const before = await count();
    const res = await post(form(validPost(over)));
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const errors = json<Array<{ code: number; description: string }>>(res);
    expect(errors[0]?.code).toBe(status);
    expect(errors.map((e) => e.description).join('；')).toContain(description);
    expect(await count()).toBe(before);
  });

  it('reports every problem of a bad request at once', async () => {
    const res = await post(form(validPost({ service_code: '', lat: 'x', email: 'not-mail' })));
    expect(res.statusCode).toBe(400);
    expect(json(res).length).toBe(3);
  });

  it('answers malformed JSON, an unsupported content type and an oversized body with a 400 error document', async () => {
    const before = await count();
    const bad = await post('{"api_key": "x", ', { type: 'application/json' });
    expect(bad.statusCode).toBe(400);
    expect(json(bad)).toEqual([{ code: 400, description: '请求体不是合法的 JSON' }]);
    const plain = await post('<api_key>x</api_key>', { format: 'xml', type: 'application/xml' });
    expect(plain.statusCode).toBe(400);
    expect(childNames(plain.body, 'error')).toEqual(['code', 'description']);
    const huge = await post(form(validPost({ description: 'x'.repeat(70_000) })));
    expect(huge.statusCode).toBe(400);
    expect(json(huge)).toEqual([{ code: 400, description: '请求体过大' }]);
    expect(await count()).toBe(before);
  });

  it('keeps the form-encoded parser inside the Open311 routes', async () => {
    const res = await http.inject({ method: 'POST', url: '/api/v1/echo', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' });
    expect(res.statusCode).toBe(415);
  });

  it('lists requests newest first without confidential cases', async () => {
    const res = await get('/open311/v2/requests.json');
    const list = ids(res);
    expect(list).toContain(numbers.old);
    expect(list).toContain(numbers.answered);
    expect(list).not.toContain(numbers.confidential);
    expect(list).not.toContain(numbers.call);
    expect(res.body).not.toContain('13800001111');
    expect((await get(`/open311/v2/requests/${numbers.call}.json`)).statusCode).toBe(404);
    expect(res.body).not.toContain('李四');
    expect(res.body).not.toContain('13900000000');
    const times = json(res).map((r) => String(r.requested_datetime));
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('filters by status: a direct answer is closed with the answer as its note', async () => {
    const closed = json(await get('/open311/v2/requests.json?status=closed'));
    expect(closed.every((r) => r.status === 'closed')).toBe(true);
    expect(closed.find((r) => r.service_request_id === numbers.answered)).toMatchObject({ status_notes: '已转告城管部门加强夜间巡查' });
    const open = json(await get('/open311/v2/requests.json?status=open'));
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((r) => r.status === 'open')).toBe(true);
    expect(open.map((r) => r.service_request_id)).toContain(numbers.old);
    const both = ids(await get('/open311/v2/requests.json?status=open,closed'));
    expect(both.length).toBe(open.length + closed.length);
  });

  it('filters by one or several service codes', async () => {
    const one = json(await get('/open311/v2/requests.json?service_code=01.01.02'));
    expect(one.map((r) => r.service_request_id)).toEqual([numbers.answered]);
    expect(json(await get('/open311/v2/requests.json?service_code=nope'))).toEqual([]);
    const two = json(await get('/open311/v2/requests.json?service_code=02,01.01.02'));
    expect(two.every((r) => r.service_code === '02' || r.service_code === '01.01.02')).toBe(true);
    expect(two.map((r) => r.service_request_id)).toEqual(expect.arrayContaining([numbers.old, numbers.answered]));
  });

  it('filters by the requested_datetime window and defaults to the last 90 days', async () => {
    expect(ids(await get('/open311/v2/requests.json?start_date=2026-11-01T00:00:00%2B08:00'))).not.toContain(numbers.old);
    const before = ids(await get('/open311/v2/requests.json?end_date=2026-10-31T00:00:00Z'));
    expect(before).toEqual([numbers.old]);
    const exact = ids(await get('/open311/v2/requests.json?start_date=2026-10-10T10:00:00%2B08:00&end_date=2026-10-10T10:00:00%2B08:00'));
    expect(exact).toEqual([numbers.old]);
    clock.set('2027-01-30T02:00:00Z');
    try {
      expect(ids(await get('/open311/v2/requests.json'))).not.toContain(numbers.old);
    } finally {
      clock.set(NOW);
    }
    const tooWide = await get('/open311/v2/requests.xml?start_date=2026-01-01T00:00:00Z&end_date=2026-12-01T00:00:00Z');
    expect(tooWide.statusCode).toBe(400);
    expect(childNames(tooWide.body, 'error')).toEqual(['code', 'description']);
  });

  it('looks requests up by a service_request_id list, which overrides the other filters', async () => {
    const list = ids(await get(`/open311/v2/requests.json?service_request_id=${numbers.old},${numbers.confidential},209901010001&status=closed`));
    expect(list).toEqual([numbers.old]);
  });

  it('answers 404 for an unknown or confidential request id', async () => {
    for (const id of ['209901010001', numbers.confidential, 'cas_nothing']) {
      const res = await get(`/open311/v2/requests/${id}.json`);
      expect(res.statusCode).toBe(404);
      expect(json(res)).toEqual([{ code: 404, description: `service_request_id 未找到：${id}` }]);
    }
  });

  it('answers 404 for every token, since requests are created synchronously', async () => {
    const res = await get('/open311/v2/tokens/12345.xml');
    expect(res.statusCode).toBe(404);
    const doc = xml.parse(res.body) as { errors: { error: Item[] } };
    expect(doc.errors.error[0]).toEqual({ code: '404', description: 'token 未找到：12345' });
  });

  it('answers an unsupported format with 400 and an unknown resource with 404, both as error documents', async () => {
    const csv = await get('/open311/v2/services.csv');
    expect(csv.statusCode).toBe(400);
    expect(csv.headers['content-type']).toBe('text/xml; charset=utf-8');
    const unknown = await get('/open311/v2/agencies.json');
    expect(unknown.statusCode).toBe(404);
    expect(json(unknown)[0]).toMatchObject({ code: 404 });
  });
});

const dir = process.env.CITYLOOP_REAL_DATA;
if (!dir) console.warn('skipped: CITYLOOP_REAL_DATA not set (Open311 adapter conformance with real responses)');
const real = (file: string): string => readFileSync(join(dir ?? '', 'open311', file), 'utf8');

describe.skipIf(!dir)('Open311 adapter output matches real servers and the Ruby gem fixtures', () => {
  it('GET requests/[id] XML has the gem fixture elements in the same order, less the optional service_notice', async () => {
    const list = ids(await get('/open311/v2/requests.json?status=open'));
    const ours = childNames((await get(`/open311/v2/requests/${list[0]}.xml`)).body, 'request');
    const theirs = childNames(real('rubygem_fixture_get_service_request.xml'), 'request');
    expect(theirs).toHaveLength(17);
    expect(ours).toEqual(theirs.filter((n) => n !== 'service_notice'));
  });

  it('GET requests JSON carries every field Bloomington sends, with the same value types', async () => {
    const bloomington = JSON.parse(real('bloomington_in_requests_real.json')) as Item[];
    const theirKeys = new Set(bloomington.flatMap((r) => Object.keys(r)));
    const [ours] = json(await get(`/open311/v2/requests.json?service_request_id=${numbers.old}`));
    expect(ours).toBeDefined();
    for (const key of theirKeys) expect(Object.keys(ours!)).toContain(key);
    const located = bloomington.find((r) => typeof r.lat === 'number')!;
    for (const key of ['lat', 'long', 'service_request_id', 'status', 'requested_datetime'] as const) expect(typeof ours![key]).toBe(typeof located[key]);
    const w3c = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
    expect(String(located.requested_datetime)).toMatch(w3c);
    expect(String(ours!.requested_datetime)).toMatch(w3c);
  });

  it('GET services has the element set of the gem fixture and the key set of Bloomington', async () => {
    const ours = childNames((await get('/open311/v2/services.xml')).body, 'service');
    expect(ours).toHaveLength(7);
    expect([...ours].sort()).toEqual([...childNames(real('rubygem_fixture_services.xml'), 'service')].sort());
    const bloomington = JSON.parse(real('bloomington_in_services_real.json')) as Item[];
    const [first] = json(await get('/open311/v2/services.json'));
    expect(Object.keys(first!).sort()).toEqual(Object.keys(bloomington[0]!).sort());
  });

  it('GET service definition attributes have the gem fixture elements in the same order', async () => {
    const ours = childNames((await get('/open311/v2/services/01.01.01.xml')).body, 'attribute');
    expect(ours).toContain('values');
    expect(ours).toEqual(childNames(real('rubygem_fixture_service_definition.xml'), 'attribute'));
    const value = childNames((await get('/open311/v2/services/01.01.01.xml')).body, 'value');
    expect(value).toEqual(childNames(real('rubygem_fixture_service_definition.xml'), 'value'));
  });

  it('POST answer has the gem fixture elements in the same order', async () => {
    const res = await post(form(validPost()), { format: 'xml' });
    expect(res.statusCode).toBe(200);
    expect(childNames(res.body, 'request')).toEqual(['service_request_id', 'service_notice', 'account_id']);
    expect(childNames(res.body, 'request')).toEqual(childNames(real('rubygem_fixture_post_service_request.xml'), 'request'));
  });

  it('404 and empty-list documents have the gem fixture shape', async () => {
    const notFound = await get('/open311/v2/requests/not-an-id.xml');
    expect(childNames(notFound.body, 'error')).toEqual(['code', 'description']);
    expect(childNames(notFound.body, 'errors')).toEqual(childNames(real('rubygem_fixture_get_service_request_not_found.xml'), 'errors'));
    expect(childNames(notFound.body, 'error')).toEqual(childNames(real('rubygem_fixture_get_service_request_not_found.xml'), 'error'));
    const empty = await get('/open311/v2/requests.xml?service_code=03');
    expect(xml.parse(empty.body)).toEqual(xml.parse(real('rubygem_fixture_service_requests_empty.xml')));
  });
});
