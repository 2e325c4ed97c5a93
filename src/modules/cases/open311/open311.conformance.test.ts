import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJson, renderXml } from './open311.format.ts';
import type {
  Open311Attribute,
  Open311Datatype,
  Open311ErrorItem,
  Open311PostResponse,
  Open311Service,
  Open311ServiceDefinition,
  Open311ServiceRequest,
  Open311ServiceType,
  Open311Status,
  Open311TokenResponse,
} from './open311.types.ts';

/*
 * Round-trip conformance against documents real servers and the Open311 Ruby gem produced:
 * real file → our DTOs → render → parse → the same fields, in the same element order.
 */

const dir = process.env.CITYLOOP_REAL_DATA;
if (!dir) console.warn('skipped: CITYLOOP_REAL_DATA not set (Open311 real-data conformance tests)');
const read = (file: string): string => readFileSync(join(dir ?? '', 'open311', file), 'utf8');

type Obj = Record<string, unknown>;
const LIST_ITEMS = new Set(['service', 'request', 'error', 'attribute', 'value', 'endpoint', 'format']);
const isArray = (name: string): boolean => LIST_ITEMS.has(name);
// Fixtures are hand-indented (service_notice even wraps its text), so their values are trimmed; our
// own output is parsed untrimmed, so any stray whitespace we wrote would show up as a difference.
const fixtureParser = new XMLParser({ parseTagValue: false, htmlEntities: true, isArray });
const exactParser = new XMLParser({ parseTagValue: false, htmlEntities: true, trimValues: false, isArray });
const orderParser = new XMLParser({ parseTagValue: false, preserveOrder: true, isArray });

/** Drops an HTTP status line the gem's fixtures keep before the XML declaration. */
const xmlBody = (text: string): string => text.slice(text.indexOf('<?xml'));

const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
// '' stays '' (Bloomington sends "media_url":""); XML cannot tell '' from null, see blanksToNull.
const nullable = (v: unknown): string | null => (v === undefined || v === null ? null : String(v));
const coordinate = (v: unknown): number | null => (v === undefined || v === null || v === '' ? null : Number(v));
const items = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
/** The repeated `item` elements under the root; an empty root parses as '' and yields []. */
const listUnder = (doc: unknown, root: string, item: string): Obj[] => {
  const r = (doc as Obj)[root];
  return typeof r === 'object' && r !== null ? items((r as Obj)[item]) : [];
};

/** A DTO list with '' as null: what survives a trip through XML, where both are an empty element. */
const blanksToNull = <T extends object>(list: readonly T[]): T[] =>
  list.map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === '' ? null : v])) as T);

/** Child element names of every element called `name`, in document order, at any depth. */
function childNamesOf(xml: string, name: string): string[][] {
  const found: string[][] = [];
  const walk = (nodes: unknown): void => {
    if (!Array.isArray(nodes)) return;
    for (const node of nodes as Obj[]) {
      for (const [key, children] of Object.entries(node)) {
        if (key === '#text' || key === ':@') continue;
        if (key === name) {
          found.push((children as Obj[]).flatMap((c) => Object.keys(c).filter((k) => k !== '#text' && k !== ':@')));
        }
        walk(children);
      }
    }
  };
  walk(orderParser.parse(xml));
  return found;
}

function serviceFrom(o: Obj): Open311Service {
  return {
    service_code: text(o.service_code),
    service_name: text(o.service_name),
    description: nullable(o.description),
    metadata: o.metadata === true || o.metadata === 'true',
    type: text(o.type) as Open311ServiceType,
    keywords: nullable(o.keywords),
    group: nullable(o.group),
  };
}

const OPTIONAL_REQUEST_FIELDS = ['status_notes', 'agency_responsible', 'service_notice', 'expected_datetime'] as const;

function requestFrom(o: Obj): Open311ServiceRequest {
  const r: Open311ServiceRequest = {
    service_request_id: text(o.service_request_id),
    status: text(o.status) as Open311Status,
    service_name: nullable(o.service_name),
    service_code: text(o.service_code),
    description: nullable(o.description),
    requested_datetime: text(o.requested_datetime),
    updated_datetime: nullable(o.updated_datetime),
    address: nullable(o.address),
    address_id: nullable(o.address_id),
    zipcode: nullable(o.zipcode),
    lat: coordinate(o.lat),
    long: coordinate(o.long),
    media_url: nullable(o.media_url),
  };
  for (const f of OPTIONAL_REQUEST_FIELDS) if (f in o) r[f] = nullable(o[f]);
  return r;
}

function attributeFrom(o: Obj): Open311Attribute {
  const a: Open311Attribute = {
    variable: text(o.variable) === 'true',
    code: text(o.code),
    datatype: text(o.datatype) as Open311Datatype,
    required: text(o.required) === 'true',
    datatype_description: nullable(o.datatype_description),
    order: Number(o.order),
    description: text(o.description),
  };
  if (o.values !== undefined) {
    a.values = items((o.values as Obj).value).map((v) => ({ key: text(v.key), name: text(v.name) }));
  }
  return a;
}

function definitionFrom(o: Obj): Open311ServiceDefinition {
  // The gem's fixture puts <attribute> straight under <service_definition>; the spec wraps them in <attributes>.
  const wrapped = o.attributes as Obj | undefined;
  return {
    service_code: text(o.service_code),
    attributes: items(wrapped !== undefined ? wrapped.attribute : o.attribute).map(attributeFrom),
  };
}

function postFrom(o: Obj): Open311PostResponse {
  const extras = {
    ...('service_notice' in o ? { service_notice: nullable(o.service_notice) } : {}),
    ...('account_id' in o ? { account_id: nullable(o.account_id) } : {}),
  };
  if ('token' in o) return { token: text(o.token), ...extras };
  return { service_request_id: text(o.service_request_id), ...extras };
}

const tokenFrom = (o: Obj): Open311TokenResponse => ({ service_request_id: text(o.service_request_id), token: text(o.token) });
const errorFrom = (o: Obj): Open311ErrorItem => ({ code: Number(o.code), description: text(o.description) });

/** Renders XML, checks it is well-formed, parses it back untrimmed. */
function reparse(xml: string): Obj {
  expect(XMLValidator.validate(xml)).toBe(true);
  return exactParser.parse(xml) as Obj;
}

describe.skipIf(!dir)('Open311 conformance with real responses', () => {
  describe('Bloomington, IN services (JSON, 46 services)', () => {
    const original = (): Obj[] => JSON.parse(read('bloomington_in_services_real.json')) as Obj[];

    it('re-renders as JSON with every field value unchanged', () => {
      const src = original();
      const ours = JSON.parse(renderJson('services', src.map(serviceFrom))) as Obj[];
      expect(ours).toHaveLength(src.length);
      ours.forEach((o, i) => expect(o).toEqual(src[i]));
    });

    it('survives JSON → DTO → XML → DTO with the spec element order', () => {
      const dtos = original().map(serviceFrom);
      const xml = renderXml('services', dtos);
      const back = listUnder(reparse(xml), 'services', 'service').map(serviceFrom);
      expect(blanksToNull(back)).toEqual(blanksToNull(dtos));
      const order = childNamesOf(xml, 'service');
      expect(new Set(order.map((names) => names.join(',')))).toEqual(
        new Set(['service_code,service_name,description,metadata,type,keywords,group']),
      );
    });
  });

  describe.each([
    ['Bloomington, IN', 'bloomington_in_requests_real.json', 21, true],
    ['Chicago, IL', 'chicago_requests_real_2014.json', 2, false],
  ])('%s service requests (JSON)', (_city, file, count, hasCrlf) => {
    const original = (): Obj[] => JSON.parse(read(file)) as Obj[];

    it('re-renders as JSON with every field the server sent unchanged, and nothing else but nulls', () => {
      const src = original();
      expect(src).toHaveLength(count);
      const ours = JSON.parse(renderJson('service_requests', src.map(requestFrom))) as Obj[];
      ours.forEach((o, i) => {
        const s = src[i] ?? {};
        for (const [k, v] of Object.entries(s)) expect([k, o[k]]).toEqual([k, v]);
        for (const k of Object.keys(o).filter((key) => !(key in s))) expect([k, o[k]]).toEqual([k, null]);
      });
    });

    it('survives JSON → DTO → XML → DTO, CRLF in citizen text included', () => {
      const dtos = original().map(requestFrom);
      const xml = renderXml('service_requests', dtos);
      const back = listUnder(reparse(xml), 'service_requests', 'request').map(requestFrom);
      expect(blanksToNull(back)).toEqual(blanksToNull(dtos));
      expect(back.some((r) => r.description?.includes('\r\n') === true)).toBe(hasCrlf);
    });
  });

  describe('Open311 Ruby gem XML fixtures', () => {
    it('GET services: same services and element names; order follows the spec table', () => {
      const fixture = xmlBody(read('rubygem_fixture_services.xml'));
      const dtos = listUnder(fixtureParser.parse(fixture), 'services', 'service').map(serviceFrom);
      expect(dtos).toHaveLength(36);
      const xml = renderXml('services', dtos);
      expect(listUnder(reparse(xml), 'services', 'service').map(serviceFrom)).toEqual(dtos);
      // The gem writes the spec's second-example order (metadata… before service_name); XML here is schemaless.
      const theirs = childNamesOf(fixture, 'service');
      const ours = childNamesOf(xml, 'service');
      ours.forEach((names, i) => expect([...names].sort()).toEqual([...(theirs[i] ?? [])].sort()));
      expect(ours[0]).toEqual(['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group']);
    });

    it('GET service definition: same attribute, element order and values, inside the spec <attributes> wrapper', () => {
      const fixture = xmlBody(read('rubygem_fixture_service_definition.xml'));
      const dto = definitionFrom(fixtureParser.parse(fixture).service_definition as Obj);
      expect(dto.attributes[0]?.values).toEqual([
        { key: '123', name: 'Ford' },
        { key: '124', name: 'Chrysler' },
      ]);
      const xml = renderXml('service_definition', dto);
      expect(definitionFrom(reparse(xml).service_definition as Obj)).toEqual(dto);
      expect(childNamesOf(xml, 'attribute')).toEqual(childNamesOf(fixture, 'attribute'));
      expect(childNamesOf(xml, 'value')).toEqual(childNamesOf(fixture, 'value'));
      expect(childNamesOf(xml, 'service_definition')).toEqual([['service_code', 'attributes']]);
    });

    it.each([
      ['rubygem_fixture_service_requests.xml', 2],
      ['rubygem_fixture_get_service_request.xml', 1],
      ['rubygem_fixture_service_requests_empty.xml', 0],
    ])('GET requests %s: same fields in the same element order', (file, count) => {
      const fixture = xmlBody(read(file));
      const dtos = listUnder(fixtureParser.parse(fixture), 'service_requests', 'request').map(requestFrom);
      expect(dtos).toHaveLength(count);
      const xml = renderXml('service_requests', dtos);
      expect(listUnder(reparse(xml), 'service_requests', 'request').map(requestFrom)).toEqual(dtos);
      expect(childNamesOf(xml, 'request')).toEqual(childNamesOf(fixture, 'request'));
    });

    it('POST requests: id, notice and empty account_id in the same order', () => {
      const fixture = xmlBody(read('rubygem_fixture_post_service_request.xml'));
      const dtos = listUnder(fixtureParser.parse(fixture), 'service_requests', 'request').map(postFrom);
      expect(dtos[0]).toMatchObject({ service_request_id: '293944', account_id: '' });
      expect(dtos[0]?.service_notice).toMatch(/^The City will inspect .* Public Works Code$/);
      const xml = renderXml('post_response', dtos);
      expect(listUnder(reparse(xml), 'service_requests', 'request').map(postFrom)).toEqual(dtos);
      expect(childNamesOf(xml, 'request')).toEqual(childNamesOf(fixture, 'request'));
    });

    it('GET tokens: id and token in the same order', () => {
      const fixture = xmlBody(read('rubygem_fixture_request_id_from_token.xml'));
      const dtos = listUnder(fixtureParser.parse(fixture), 'service_requests', 'request').map(tokenFrom);
      expect(dtos).toEqual([{ service_request_id: '638344', token: '12345' }]);
      const xml = renderXml('token', dtos);
      expect(listUnder(reparse(xml), 'service_requests', 'request').map(tokenFrom)).toEqual(dtos);
      expect(childNamesOf(xml, 'request')).toEqual(childNamesOf(fixture, 'request'));
    });

    it('404 errors document: same code and description elements', () => {
      const fixture = xmlBody(read('rubygem_fixture_get_service_request_not_found.xml'));
      const dtos = listUnder(fixtureParser.parse(fixture), 'errors', 'error').map(errorFrom);
      expect(dtos).toEqual([{ code: 404, description: 'Service request not found with id or token not-an-id' }]);
      const xml = renderXml('errors', dtos);
      expect(listUnder(reparse(xml), 'errors', 'error').map(errorFrom)).toEqual(dtos);
      expect(childNamesOf(xml, 'error')).toEqual(childNamesOf(fixture, 'error'));
    });

    it('legacy bare <error> 403 becomes the spec <errors><error><code><description> document', () => {
      const raw = read('rubygem_fixture_403.xml');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
      const legacy = fixtureParser.parse(xmlBody(raw)) as { error: string[] };
      const dtos: Open311ErrorItem[] = legacy.error.map((description) => ({ code: status, description }));
      expect(dtos).toEqual([{ code: 403, description: "Invalid api_key received -- can't proceed with create_request." }]);
      const xml = renderXml('errors', dtos);
      expect(listUnder(reparse(xml), 'errors', 'error').map(errorFrom)).toEqual(dtos);
      expect(childNamesOf(xml, 'error')).toEqual([['code', 'description']]);
    });
  });
});
