import type { AddressInfo } from 'node:net';
import { TEST_DATA_KEYS } from '../support/test-keys.ts';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS, compose, type CityLoop } from '../../src/app/compose.ts';
import { loadConfig } from '../../src/app/config.ts';
import type { HttpApp } from '../../src/platform/http/http-server.ts';
import { openTestDatabase, type TestDatabase } from '../../src/platform/testing/test-database.ts';
import { SYSTEM_ACTOR } from '../../src/modules/cases/index.ts';

/*
 * A third-party Open311 client against the whole app over real HTTP: it reads the services, posts a
 * request exactly as the Ruby gem (Faraday) encodes it, then reads the request back and finds it in the list.
 */

const API_KEY = 'e2e-open311-client-key';
const xml = new XMLParser({ parseTagValue: false, isArray: (name) => ['service', 'request', 'error'].includes(name) });
type Item = Record<string, string>;

/** Faraday's NestedParamsEncoder: keys sorted, brackets percent-encoded, spaces as '+', nil as a bare key. */
function faradayForm(params: Record<string, string | null | Record<string, string>>): string {
  const esc = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');
  return Object.keys(params)
    .sort()
    .flatMap((key) => {
      const value = params[key];
      if (value === null || value === undefined) return [esc(key)];
      if (typeof value === 'string') return [`${esc(key)}=${esc(value)}`];
      return Object.keys(value).sort().map((sub) => `${esc(`${key}[${sub}]`)}=${esc(value[sub]!)}`);
    })
    .join('&');
}

let app: CityLoop;
let database: TestDatabase;
let http: HttpApp;
let base: string;

beforeAll(async () => {
  database = await openTestDatabase(ALL_MIGRATIONS);
  app = await compose(loadConfig({}, { logLevel: 'silent', ...TEST_DATA_KEYS }), { database, defaultMetrics: false });
  await app.start();
  const ring: Array<[number, number]> = [[120, 30], [120.2, 30], [120.2, 30.2], [120, 30.2], [120, 30]];
  await app.places.api.importAreas([{ code: '330100', name: '测试市', level: 'city', parentCode: null, boundary: { type: 'Polygon', coordinates: [ring] } }]);
  await app.organization.api.upsertDepartments([{ code: 'C12345', name: '市12345热线受理中心', tier: 'city', kind: 'centre', areaCode: '330100' }]);
  await app.cases.service.upsertCategories([{ code: '11', name: '市政设施' }, { code: '11.01', name: '路灯' }], SYSTEM_ACTOR);
  // Keys live in the database, so any Open311Service over the same repository can issue one.
  // Open311 clients hold identity tokens with the open311.submit scope; the api_key is the token's secret.
  await app.identity.api.createToken({ name: 'ruby gem client', scopes: ['open311.submit'], secret: API_KEY, demo: true });
  http = await app.http();
  await http.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}/open311/v2`;
});

afterAll(async () => {
  await http?.close();
  await app?.close();
  await database?.close();
});

describe('an Open311 client over HTTP', () => {
  it('posts a request the way the Ruby gem encodes it, reads it back and finds it in the list', async () => {
    const services = xml.parse(await (await fetch(`${base}/services.xml`)).text()) as { services: { service: Item[] } };
    const code = services.services.service[0]!.service_code!;
    expect(code).toBe('11.01');

    const body = faradayForm({
      service_code: code, lat: '30.1', long: '120.1', address_string: '人民路 1 号', description: '路灯不亮 & 杆子歪了',
      first_name: 'John', last_name: 'Smith', attribute: { kind: 'report' }, jurisdiction_id: null, api_key: API_KEY,
    });
    expect(body).toContain('attribute%5Bkind%5D=report');
    const posted = await fetch(`${base}/requests.xml`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(posted.status).toBe(200);
    expect(posted.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    const id = (xml.parse(await posted.text()) as { service_requests: { request: Item[] } }).service_requests.request[0]!.service_request_id!;
    expect(id).toMatch(/^\d{12}$/);

    const one = xml.parse(await (await fetch(`${base}/requests/${id}.xml`)).text()) as { service_requests: { request: Item[] } };
    expect(one.service_requests.request[0]).toMatchObject({ service_request_id: id, status: 'open', service_code: code, description: '路灯不亮 & 杆子歪了', lat: '30.1', long: '120.1', address: '人民路 1 号' });
    expect((await app.cases.service.get(id)).kind).toBe('report');

    const list = (await (await fetch(`${base}/requests.json?status=open&service_code=${code}`)).json()) as Item[];
    expect(list.map((r) => r.service_request_id)).toEqual([id]);
    expect(JSON.stringify(list)).not.toContain('Smith');
  });
});
