import { DateTime } from 'luxon';
import type {
  Open311Attribute,
  Open311Discovery,
  Open311DiscoveryEndpoint,
  Open311DocumentKind,
  Open311Documents,
  Open311ErrorItem,
  Open311Format,
  Open311PostResponse,
  Open311Service,
  Open311ServiceDefinition,
  Open311ServiceRequest,
  Open311TokenResponse,
} from './open311.types.ts';

/** HTTP Content-Type of each format, as the spec writes them. */
export const OPEN311_CONTENT_TYPES: Readonly<Record<Open311Format, string>> = {
  xml: 'text/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** Rendering options. */
export interface Open311RenderOptions {
  /** Indent like the spec's examples (4 spaces in XML, 2 in JSON). Default true. */
  pretty?: boolean;
}

/*
 * Every document is first built as one ordered tree, then written as XML or as JSON by the Spark
 * convention the spec prescribes (a wrapper of repeated elements becomes an array, the root element
 * disappears). Building once keeps the two formats from drifting apart.
 */
type Leaf = string | number | boolean | null;
type Node =
  | { name: string; kind: 'leaf'; value: Leaf }
  | { name: string; kind: 'object'; children: Node[] }
  | { name: string; kind: 'list'; children: Node[] };

type Spec<T> = ReadonlyArray<readonly [keyof T & string, 'required' | 'optional']>;

const leaf = (name: string, value: Leaf): Node => ({ name, kind: 'leaf', value });
const object = (name: string, children: Node[]): Node => ({ name, kind: 'object', children });
const list = (name: string, children: Node[]): Node => ({ name, kind: 'list', children });

// Field order = the spec's response tables. "optional" fields are the spec's "may not be returned":
// undefined omits them; everything else must be present (null renders as an empty element / null).
const SERVICE_FIELDS: Spec<Open311Service> = [
  ['service_code', 'required'],
  ['service_name', 'required'],
  ['description', 'required'],
  ['metadata', 'required'],
  ['type', 'required'],
  ['keywords', 'required'],
  ['group', 'required'],
];
const ATTRIBUTE_FIELDS: Spec<Open311Attribute> = [
  ['variable', 'required'],
  ['code', 'required'],
  ['datatype', 'required'],
  ['required', 'required'],
  ['datatype_description', 'required'],
  ['order', 'required'],
  ['description', 'required'],
];
const REQUEST_FIELDS: Spec<Open311ServiceRequest> = [
  ['service_request_id', 'required'],
  ['status', 'required'],
  ['status_notes', 'optional'],
  ['service_name', 'required'],
  ['service_code', 'required'],
  ['description', 'required'],
  ['agency_responsible', 'optional'],
  ['service_notice', 'optional'],
  ['requested_datetime', 'required'],
  ['updated_datetime', 'required'],
  ['expected_datetime', 'optional'],
  ['address', 'required'],
  ['address_id', 'required'],
  ['zipcode', 'required'],
  ['lat', 'required'],
  ['long', 'required'],
  ['media_url', 'required'],
];
type PostShape = { service_request_id?: string; token?: string; service_notice?: string | null; account_id?: string | null };
const POST_FIELDS: Spec<PostShape> = [
  ['service_request_id', 'optional'],
  ['token', 'optional'],
  ['service_notice', 'optional'],
  ['account_id', 'optional'],
];
const TOKEN_FIELDS: Spec<Open311TokenResponse> = [
  ['service_request_id', 'required'],
  ['token', 'required'],
];
const ERROR_FIELDS: Spec<Open311ErrorItem> = [
  ['code', 'required'],
  ['description', 'required'],
];
const DISCOVERY_FIELDS: Spec<Open311Discovery> = [
  ['changeset', 'required'],
  ['contact', 'required'],
  ['key_service', 'required'],
];
const ENDPOINT_FIELDS: Spec<Open311DiscoveryEndpoint> = [
  ['specification', 'required'],
  ['url', 'required'],
  ['changeset', 'required'],
  ['type', 'required'],
];

function fields<T extends object>(value: T, spec: Spec<T>, where: string): Node[] {
  const out: Node[] = [];
  for (const [key, presence] of spec) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) {
      // A caller bug, not user input: a silently missing required field would break clients.
      if (presence === 'required') throw new TypeError(`Open311 ${where}: required field ${key} is undefined`);
      continue;
    }
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new TypeError(`Open311 ${where}: field ${key} must be a string, number, boolean or null`);
    }
    if (typeof v === 'number' && !Number.isFinite(v)) {
      throw new TypeError(`Open311 ${where}: field ${key} is not a finite number`);
    }
    out.push(leaf(key, v));
  }
  return out;
}

function attributeNode(a: Open311Attribute): Node {
  const children = fields(a, ATTRIBUTE_FIELDS, 'attribute');
  if (a.values !== undefined) {
    children.push(
      list(
        'values',
        a.values.map((v) => object('value', [leaf('key', v.key), leaf('name', v.name)])),
      ),
    );
  }
  return object('attribute', children);
}

function endpointNode(e: Open311DiscoveryEndpoint): Node {
  return object('endpoint', [
    ...fields(e, ENDPOINT_FIELDS, 'endpoint'),
    list(
      'formats',
      e.formats.map((f) => leaf('format', f)),
    ),
  ]);
}

function postNode(p: Open311PostResponse): Node {
  if (p.service_request_id !== undefined && p.token !== undefined) {
    throw new TypeError('Open311 post_response: service_request_id and token must not both be returned');
  }
  return object('request', fields<PostShape>(p, POST_FIELDS, 'post_response'));
}

function toTree<K extends Open311DocumentKind>(kind: K, doc: Open311Documents[K]): Node {
  switch (kind) {
    case 'services':
      return list(
        'services',
        (doc as Open311Documents['services']).map((s) => object('service', fields(s, SERVICE_FIELDS, 'service'))),
      );
    case 'service_definition': {
      const d = doc as Open311ServiceDefinition;
      return object('service_definition', [
        leaf('service_code', d.service_code),
        list('attributes', d.attributes.map(attributeNode)),
      ]);
    }
    case 'service_requests':
      return list(
        'service_requests',
        (doc as Open311Documents['service_requests']).map((r) =>
          object('request', fields(r, REQUEST_FIELDS, 'request')),
        ),
      );
    case 'post_response':
      return list('service_requests', (doc as Open311Documents['post_response']).map(postNode));
    case 'token':
      return list(
        'service_requests',
        (doc as Open311Documents['token']).map((t) => object('request', fields(t, TOKEN_FIELDS, 'token'))),
      );
    case 'errors':
      return list(
        'errors',
        (doc as Open311Documents['errors']).map((e) => object('error', fields(e, ERROR_FIELDS, 'error'))),
      );
    case 'discovery': {
      const d = doc as Open311Discovery;
      return object('discovery', [
        ...fields(d, DISCOVERY_FIELDS, 'discovery'),
        list('endpoints', d.endpoints.map(endpointNode)),
      ]);
    }
    default:
      throw new TypeError(`Open311: unknown document kind ${String(kind)}`);
  }
}

// XML 1.0 cannot carry these at all (not even as character references), so they become U+FFFD.
const XML_FORBIDDEN =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A literal CR is turned into LF by every XML parser; the reference keeps the citizen's text intact.
  '\r': '&#13;',
};

/** Text as safe XML character data: the five markup characters escaped, CR kept, illegal characters replaced. */
export function escapeXml(text: string): string {
  return text.replace(XML_FORBIDDEN, '\uFFFD').replace(/[&<>"'\r]/g, (c) => XML_ESCAPES[c] ?? c);
}

function leafText(v: Leaf): string {
  return v === null ? '' : escapeXml(String(v));
}

function writeXml(node: Node, depth: number, indent: string, out: string[]): void {
  const pad = indent.repeat(depth);
  const nl = indent === '' ? '' : '\n';
  if (node.kind === 'leaf') {
    out.push(`${pad}<${node.name}>${leafText(node.value)}</${node.name}>${nl}`);
    return;
  }
  if (node.children.length === 0) {
    out.push(`${pad}<${node.name}></${node.name}>${nl}`);
    return;
  }
  out.push(`${pad}<${node.name}>${nl}`);
  for (const child of node.children) writeXml(child, depth + 1, indent, out);
  out.push(`${pad}</${node.name}>${nl}`);
}

type Json = Leaf | Json[] | { [key: string]: Json };

function toJson(node: Node): Json {
  if (node.kind === 'leaf') return node.value;
  if (node.kind === 'list') return node.children.map(toJson);
  const obj: { [key: string]: Json } = {};
  for (const child of node.children) obj[child.name] = toJson(child);
  return obj;
}

/** The XML document of a kind, with the spec's declaration and element names. */
export function renderXml<K extends Open311DocumentKind>(
  kind: K,
  doc: Open311Documents[K],
  options: Open311RenderOptions = {},
): string {
  const indent = options.pretty === false ? '' : '    ';
  const out = ['<?xml version="1.0" encoding="utf-8"?>\n'];
  writeXml(toTree(kind, doc), 0, indent, out);
  return out.join('');
}

/** The JSON document of a kind, mapped from the XML by the Spark convention (lists become arrays). */
export function renderJson<K extends Open311DocumentKind>(
  kind: K,
  doc: Open311Documents[K],
  options: Open311RenderOptions = {},
): string {
  return JSON.stringify(toJson(toTree(kind, doc)), null, options.pretty === false ? undefined : 2);
}

/** The document of a kind in the requested format. */
export function render<K extends Open311DocumentKind>(
  format: Open311Format,
  kind: K,
  doc: Open311Documents[K],
  options: Open311RenderOptions = {},
): string {
  return format === 'xml' ? renderXml(kind, doc, options) : renderJson(kind, doc, options);
}

/**
 * An instant as the spec's W3C datetime, to the second, with the zone's offset
 * (e.g. 2026-12-03T09:00:00+08:00), since the spec requires an explicit offset.
 */
export function formatW3cDatetime(instant: Date, zone = 'Asia/Shanghai'): string {
  const dt = DateTime.fromJSDate(instant, { zone }).set({ millisecond: 0 });
  const iso = dt.isValid ? dt.toISO({ suppressMilliseconds: true }) : null;
  if (iso === null) throw new RangeError(`Open311: cannot format ${String(instant)} in zone ${zone}`);
  return iso;
}
