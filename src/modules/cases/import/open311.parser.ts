import { createReadStream } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AppError } from '../../../platform/errors/app-error.ts';
import { guessKind, guessUrgency } from './case-traits.guess.ts';
import { badDate, checkLocation, cleanText, missingId, missingText, rowError } from './import-fields.normalize.ts';
import type { ImportedCase, ImportInput, ImportRow } from './import.types.ts';
import { toUtcIso } from './source-time.parser.ts';

/** Encodings of a GeoReport v2 response. */
export type Open311Format = 'json' | 'xml';

// GeoReport answers are pages of at most a few thousand requests and neither encoding can be mapped before
// its closing bracket, so a response is read whole; anything larger is not a GeoReport page.
const MAX_BYTES = 64 * 1024 * 1024;

// GeoReport requires an offset on every datetime; a server that leaves it out is read as UTC.
const FALLBACK_ZONE = 'UTC';

const MAPPED = new Set([
  'service_request_id', 'requested_datetime', 'expected_datetime', 'service_name', 'description',
  'agency_responsible', 'lat', 'long', 'address', 'status_notes',
]);

const STATUSES: Record<string, ImportedCase['status']> = {
  open: 'open', closed: 'closed', acknowledged: 'in_progress', in_progress: 'in_progress', 'in progress': 'in_progress',
};

function unknownFormat(zh: string, en: string): AppError {
  return new AppError({ code: 'IMPORT_UNKNOWN_FORMAT', status: 400, zh, en });
}

async function readAll(input: ImportInput): Promise<string> {
  const stream = typeof input === 'string' ? createReadStream(input) : input;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += buf.length;
      if (size > MAX_BYTES) {
        throw unknownFormat(`Open311 文件超过 ${MAX_BYTES} 字节`, `Open311 file is larger than ${MAX_BYTES} bytes`);
      }
      chunks.push(buf);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError({
      code: 'IMPORT_READ_FAILED', status: 400,
      zh: `无法读取导入文件：${(err as Error).message}`, en: `cannot read the import file: ${(err as Error).message}`,
    });
  } finally {
    if (typeof input === 'string') stream.destroy();
  }
  return Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
}

/** Tells JSON from XML by the first character. */
export function detectOpen311Format(text: string): Open311Format {
  const first = text.trimStart()[0];
  if (first === '[' || first === '{') return 'json';
  if (first === '<') return 'xml';
  throw unknownFormat('文件既不是 JSON 也不是 XML 的 Open311 响应', 'the file is neither a JSON nor an XML Open311 response');
}

function remoteError(messages: string[]): AppError {
  const text = messages.join('; ');
  return new AppError({
    code: 'IMPORT_REMOTE_ERROR', status: 400,
    zh: `文件是 Open311 服务器返回的错误：${text}`, en: `the file is an Open311 error response: ${text}`,
    details: { messages },
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonEntries(text: string): unknown[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw unknownFormat(`Open311 JSON 无法解析：${(err as Error).message}`, `Open311 JSON does not parse: ${(err as Error).message}`);
  }
  const entries = Array.isArray(doc) ? doc
    : isObject(doc) && Array.isArray(doc['service_requests']) ? doc['service_requests']
    : isObject(doc) && ('service_request_id' in doc || 'token' in doc) ? [doc]
    : undefined;
  if (entries === undefined) throw unknownFormat('JSON 中没有 service_request 数组', 'no array of service requests in the JSON');
  // GeoReport errors come as [{ code, description }] with the same content type as a success.
  const errors = entries.filter((e) => isObject(e) && 'code' in e && 'description' in e && !('service_request_id' in e) && !('token' in e));
  if (entries.length > 0 && errors.length === entries.length) {
    throw remoteError(errors.map((e) => `${String((e as Record<string, unknown>)['code'])} ${String((e as Record<string, unknown>)['description'])}`));
  }
  // A services list (GET services.json) is the most likely wrong file: it has no request fields at all.
  const looksLikeRequest = (e: unknown) => isObject(e) && ['service_request_id', 'token', 'requested_datetime'].some((k) => k in e);
  if (entries.length > 0 && !entries.some(looksLikeRequest)) {
    throw unknownFormat('JSON 不是服务请求列表（可能是服务目录）', 'the JSON holds no service requests (a service list?)');
  }
  return entries;
}

function xmlEntries(text: string): unknown[] {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw unknownFormat(`Open311 XML 格式错误：${valid.err.msg}`, `Open311 XML is malformed: ${valid.err.msg}`);
  const doc: unknown = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false, // ids like 006 and zip codes stay strings
  }).parse(text);
  if (!isObject(doc)) throw unknownFormat('XML 为空', 'the XML is empty');
  const errors = isObject(doc['errors']) ? doc['errors']['error'] : doc['error'];
  if (errors !== undefined) {
    const list = asList(errors);
    throw remoteError(list.map((e) => (isObject(e) ? `${String(e['code'] ?? '')} ${String(e['description'] ?? '')}`.trim() : String(e))));
  }
  if (!('service_requests' in doc)) throw unknownFormat('XML 根元素不是 service_requests', 'the XML root is not service_requests');
  const root = doc['service_requests'];
  return isObject(root) ? asList(root['request']) : [];
}

// The XML parser turns a lone child into a value and repeated children into an array.
function asList(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function str(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** Maps one GeoReport v2 service_request (from JSON or XML) to a case or a row error. */
export function mapOpen311Entry(row: number, entry: unknown): ImportRow {
  const raw = JSON.stringify(entry) ?? String(entry);
  if (!isObject(entry)) return rowError(row, 'IMPORT_BAD_ENTRY', 'entry is not an object', '条目不是对象', raw);

  const attributes: Record<string, string> = {};
  let externalId = str(entry['service_request_id']);
  if (externalId === '') {
    const token = str(entry['token']);
    if (token === '') return missingId(row, 'service_request_id', raw);
    // Servers hand out a token until the request gets its id; a later import of the same request with its id
    // will not match this one, which is why the fallback is marked.
    externalId = `token-${token}`;
    attributes['import.externalIdFrom'] = 'token';
  }

  const times: Partial<Record<'requested_datetime' | 'updated_datetime' | 'expected_datetime', string>> = {};
  for (const column of ['requested_datetime', 'updated_datetime', 'expected_datetime'] as const) {
    const value = str(entry[column]);
    if (value === '' && column !== 'requested_datetime') continue;
    const iso = toUtcIso(value, FALLBACK_ZONE);
    if (iso === undefined) return badDate(row, column, value, raw);
    times[column] = iso;
  }

  const serviceName = cleanText(str(entry['service_name']));
  const description = cleanText(str(entry['description']));
  if (serviceName === '' && description === '') return missingText(row, 'description, service_name', raw);

  for (const [key, value] of Object.entries(entry)) {
    const s = str(value);
    if (!MAPPED.has(key) && s !== '') attributes[key] = s;
  }
  const point = checkLocation(entry['lat'], entry['long']);
  if (!point.ok && point.note !== undefined) attributes['import.locationDropped'] = point.note;
  const address = cleanText(str(entry['address']));
  const agency = cleanText(str(entry['agency_responsible']));
  const notes = cleanText(str(entry['status_notes']));
  const rawStatus = str(entry['status']).toLowerCase();
  const status = STATUSES[rawStatus] ?? 'open';
  const title = serviceName || description.slice(0, 60);

  const record: ImportedCase = {
    source: 'open311',
    externalId,
    channel: 'open311',
    kind: guessKind(title),
    urgency: guessUrgency(title),
    title,
    // description is optional in GeoReport; the service itself then says what the request is about.
    text: description || serviceName,
    categoryPath: serviceName ? [serviceName] : [],
    receivedAt: times['requested_datetime'] as string,
    status,
    attributes,
  };
  if (agency) record.department = { code: agency, name: agency };
  if (address) record.address = address;
  if (point.ok) record.location = { lng: point.lng, lat: point.lat, ...(address ? { address } : {}) };
  if (times['expected_datetime']) record.dueAt = times['expected_datetime'];
  if (notes) record.reply = { text: notes, ...(times['updated_datetime'] ? { at: times['updated_datetime'] } : {}) };
  if (status === 'closed' && times['updated_datetime']) {
    // GeoReport has no closing time; the last update of a closed request is the closest there is.
    record.closedAt = times['updated_datetime'];
    attributes['import.closedAtFrom'] = 'updated_datetime';
  }
  return { row, ok: true, record };
}

/** Reads a GeoReport v2 "GET service requests" response (JSON or XML, detected when not given) as cases or per-entry errors. */
export async function* parseOpen311(input: ImportInput, format?: Open311Format): AsyncGenerator<ImportRow, void, undefined> {
  const text = await readAll(input);
  const entries = (format ?? detectOpen311Format(text)) === 'json' ? jsonEntries(text) : xmlEntries(text);
  for (let i = 0; i < entries.length; i++) yield mapOpen311Entry(i + 1, entries[i]);
}
