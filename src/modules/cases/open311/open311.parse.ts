import { DateTime } from 'luxon';
import { Open311Error, open311Problems } from './open311.errors.ts';
import type { Open311Problem } from './open311.errors.ts';
import { OPEN311_FORMATS, OPEN311_STATUSES } from './open311.types.ts';
import type {
  Open311Format,
  Open311PostInput,
  Open311RequestsQuery,
  Open311ServiceDefinition,
  Open311Status,
} from './open311.types.ts';

/** GET requests searches at most this many days of requested_datetime (spec "Response Volume"). */
export const OPEN311_DEFAULT_WINDOW_DAYS = 90;
/** GET requests returns at most this many requests (spec "Response Volume"); applied by the caller. */
export const OPEN311_MAX_RESULTS = 1000;

/**
 * Length ceilings of POST parameters, in characters (code points, so 汉字 and emoji count one).
 * description's 4000 is the spec's; the others are ours, generous for real input and small enough to
 * stop a client from parking megabytes in a name field.
 */
export const OPEN311_POST_LIMITS = {
  api_key: 200,
  jurisdiction_id: 200,
  service_code: 100,
  lat: 40,
  long: 40,
  address_string: 500,
  address_id: 100,
  email: 254,
  device_id: 200,
  account_id: 200,
  first_name: 100,
  last_name: 100,
  phone: 40,
  description: 4000,
  media_url: 2048,
  attribute_code: 100,
  attribute_value: 4000,
} as const;

type ScalarField = Exclude<keyof Open311PostInput, 'attributes' | 'lat' | 'long'>;

const charCount = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseNumber(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function fail(problems: Open311Problem[]): never {
  const [first, ...rest] = problems;
  if (first === undefined) throw new TypeError('fail() needs at least one problem');
  throw new Open311Error([first, ...rest]);
}

/**
 * Splits a URL segment into its stem and format: `services.json` → services/json,
 * `/open311/v2/requests/123.xml?x=1` → /open311/v2/requests/123 + xml, `json` or `.json` → '' + json.
 */
export function splitFormatSuffix(pathOrExt: string): { stem: string; format: Open311Format } {
  const path = pathOrExt.split(/[?#]/, 1)[0] ?? '';
  const dot = path.lastIndexOf('.');
  let stem = path;
  let ext = '';
  if (dot > path.lastIndexOf('/')) {
    stem = path.slice(0, dot);
    ext = path.slice(dot + 1).toLowerCase();
  } else if (!path.includes('/')) {
    stem = '';
    ext = path.toLowerCase();
  }
  const format = OPEN311_FORMATS.find((f) => f === ext);
  if (format === undefined) {
    fail([
      {
        status: 400,
        code: 'OPEN311_UNSUPPORTED_FORMAT',
        field: 'format',
        zh: `不支持的格式“${ext}”（${pathOrExt}）：请在资源名后加 .xml 或 .json`,
        en: `Unsupported format "${ext}" in ${pathOrExt}: append .xml or .json to the resource`,
      },
    ]);
  }
  return { stem, format };
}

/** The output format named by a URL suffix or bare extension; 400 OPEN311_UNSUPPORTED_FORMAT otherwise. */
export function parseFormat(pathOrExt: string): Open311Format {
  return splitFormatSuffix(pathOrExt).format;
}

const W3C_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+\- ]\d{2}:\d{2})$/;

/**
 * A W3C datetime with its mandatory offset (e.g. 2010-01-01T00:00:00Z) as an instant; undefined when
 * malformed or not a real calendar time. A space before the offset is read as '+', because an
 * unencoded '+' in a query string arrives decoded as a space.
 */
export function parseW3cDatetime(text: string): Date | undefined {
  const m = W3C_DATETIME.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '', tz = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  let offsetMinutes = 0;
  if (tz !== 'Z') {
    const oh = Number(tz.slice(1, 3));
    const om = Number(tz.slice(4, 6));
    if (oh > 14 || om > 59) return undefined;
    offsetMinutes = (tz.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const ms = frac === '' ? 0 : Math.floor(Number(`0${frac}`) * 1000);
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  return new Date(utc);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Digits with the usual separators, optionally an extension (x12, ext. 12, 转12 as written in China).
const PHONE = /^\+?[0-9()\-.\s/]+(?:\s*(?:x|ext\.?|转)\s*[0-9]+)?$/i;

const ATTRIBUTE_KEY = /^attribute\[([^[\]]+)\](\[\])?$/;

/**
 * Validates a form-encoded POST requests body (keys as the spec spells them, attribute[CODE] and
 * attribute[CODE][] included). Empty values count as absent, per the spec's "Optional Arguments".
 * Every problem found is reported at once in one 400 Open311Error.
 */
export function parsePostRequest(body: Readonly<Record<string, string | readonly string[] | undefined>>): Open311PostInput {
  const problems: Open311Problem[] = [];

  const scalar = (field: keyof typeof OPEN311_POST_LIMITS): string | undefined => {
    const raw: unknown = body[field];
    if (raw === undefined || raw === null) return undefined;
    let text: string | undefined;
    if (Array.isArray(raw)) {
      const given = raw.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter((v) => v !== '');
      if (given.length > 1) {
        problems.push(open311Problems.invalid(field, '只能提供一次', 'it was sent more than once', 'OPEN311_REPEATED_PARAMETER'));
        return undefined;
      }
      text = given[0];
    } else if (typeof raw === 'string') {
      text = raw.trim();
    } else {
      problems.push(open311Problems.invalid(field, '必须是文本', 'it must be a text value'));
      return undefined;
    }
    if (text === undefined || text === '') return undefined;
    const limit = OPEN311_POST_LIMITS[field];
    if (charCount(text) > limit) {
      problems.push(
        open311Problems.invalid(field, `超过 ${limit} 个字符`, `longer than ${limit} characters`, 'OPEN311_TOO_LONG'),
      );
      return undefined;
    }
    return text;
  };

  const out: Partial<Record<ScalarField, string>> = {};
  const take = (field: ScalarField): void => {
    const v = scalar(field);
    if (v !== undefined) out[field] = v;
  };
  (['jurisdiction_id', 'api_key', 'service_code', 'address_string', 'address_id'] as const).forEach(take);
  (['email', 'device_id', 'account_id', 'first_name', 'last_name', 'phone', 'description', 'media_url'] as const).forEach(take);

  const latText = scalar('lat');
  const longText = scalar('long');
  const coordinate = (field: 'lat' | 'long', text: string | undefined, max: number): number | undefined => {
    if (text === undefined) return undefined;
    const n = parseNumber(text);
    if (n === undefined) {
      problems.push(open311Problems.invalid(field, '不是数字', 'not a number'));
      return undefined;
    }
    if (n < -max || n > max) {
      problems.push(
        open311Problems.invalid(field, `超出范围 [-${max}, ${max}]`, `outside [-${max}, ${max}]`, 'OPEN311_OUT_OF_RANGE'),
      );
      return undefined;
    }
    return n;
  };
  const lat = coordinate('lat', latText, 90);
  const long = coordinate('long', longText, 180);

  if (out.service_code === undefined && !problems.some((p) => p.field === 'service_code')) {
    problems.push(open311Problems.missing('service_code'));
  }
  if ((latText === undefined) !== (longText === undefined)) {
    const missing = latText === undefined ? 'lat' : 'long';
    problems.push({
      status: 400,
      code: 'OPEN311_INCOMPLETE_COORDINATES',
      field: missing,
      zh: 'lat 与 long 必须同时提供',
      en: `lat and long must both be sent; ${missing} is missing`,
    });
  }
  // A location sent but malformed has its own problem already; "required" would only add noise.
  const anyLocationSent =
    latText !== undefined ||
    longText !== undefined ||
    out.address_string !== undefined ||
    out.address_id !== undefined ||
    problems.some((p) => p.field === 'address_string' || p.field === 'address_id' || p.field === 'lat' || p.field === 'long');
  if (!anyLocationSent) {
    problems.push({
      status: 400,
      code: 'OPEN311_LOCATION_REQUIRED',
      field: 'location',
      zh: '必须提供位置：lat 与 long，或 address_string，或 address_id',
      en: 'A location is required: lat & long, or address_string, or address_id',
    });
  }

  if (out.email !== undefined && !EMAIL.test(out.email)) {
    problems.push(open311Problems.invalid('email', '不是有效的电子邮件地址', 'not an email address'));
  }
  if (out.phone !== undefined && (!PHONE.test(out.phone) || (out.phone.match(/[0-9]/g) ?? []).length < 3)) {
    problems.push(open311Problems.invalid('phone', '不是有效的电话号码', 'not a phone number'));
  }
  if (out.media_url !== undefined && !isHttpUrl(out.media_url)) {
    problems.push(open311Problems.invalid('media_url', '必须是 http(s) 网址', 'must be an absolute http(s) URL'));
  }

  const attributes = parseAttributeKeys(body, problems);
  if (problems.length > 0) fail(problems);

  const { service_code: serviceCode, ...rest } = out;
  if (serviceCode === undefined) throw new TypeError('unreachable: service_code was checked above');
  const input: Open311PostInput = { ...rest, service_code: serviceCode, attributes };
  if (lat !== undefined && long !== undefined) {
    input.lat = lat;
    input.long = long;
  }
  return input;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function parseAttributeKeys(
  body: Readonly<Record<string, unknown>>,
  problems: Open311Problem[],
): Record<string, string | readonly string[]> {
  const attributes: Record<string, string | readonly string[]> = {};
  const forms = new Map<string, 'single' | 'multi'>();
  for (const [key, raw] of Object.entries(body)) {
    if (!key.startsWith('attribute')) continue;
    const m = ATTRIBUTE_KEY.exec(key);
    if (m === null) {
      problems.push(
        open311Problems.invalid(key, '应写作 attribute[代码] 或 attribute[代码][]', 'expected attribute[CODE] or attribute[CODE][]'),
      );
      continue;
    }
    const code = m[1] ?? '';
    const form = m[2] === undefined ? 'single' : 'multi';
    if (charCount(code) > OPEN311_POST_LIMITS.attribute_code) {
      problems.push(open311Problems.invalid(key, '属性代码过长', 'attribute code too long', 'OPEN311_TOO_LONG'));
      continue;
    }
    if (forms.has(code)) {
      problems.push(
        open311Problems.invalid(
          key,
          `不能同时以 attribute[${code}] 和 attribute[${code}][] 提交`,
          `sent both as attribute[${code}] and attribute[${code}][]`,
          'OPEN311_REPEATED_PARAMETER',
        ),
      );
      continue;
    }
    forms.set(code, form);
    const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
    if (list.some((v) => typeof v !== 'string')) {
      problems.push(open311Problems.invalid(key, '必须是文本', 'it must be a text value'));
      continue;
    }
    const values = (list as string[]).map((v) => v.trim()).filter((v) => v !== '');
    if (values.some((v) => charCount(v) > OPEN311_POST_LIMITS.attribute_value)) {
      const limit = OPEN311_POST_LIMITS.attribute_value;
      problems.push(open311Problems.invalid(key, `超过 ${limit} 个字符`, `longer than ${limit} characters`, 'OPEN311_TOO_LONG'));
      continue;
    }
    if (values.length === 0) continue;
    // A repeated attribute[CODE] is read as several values; validateAttributes decides if the datatype allows it.
    attributes[code] = form === 'single' && values.length === 1 ? (values[0] ?? '') : values;
  }
  return attributes;
}

function listParam(
  query: Readonly<Record<string, string | readonly string[] | undefined>>,
  name: string,
): string[] | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  const parts = (typeof raw === 'string' ? [raw] : raw).flatMap((v) => v.split(',')).map((v) => v.trim());
  const unique = [...new Set(parts.filter((v) => v !== ''))];
  return unique.length > 0 ? unique : undefined;
}

/**
 * Validates a GET requests query: comma lists (also repeated) for service_request_id, service_code and
 * status, W3C datetimes for start_date/end_date. service_request_id overrides every other filter.
 */
export function parseGetRequestsQuery(
  query: Readonly<Record<string, string | readonly string[] | undefined>>,
): Open311RequestsQuery {
  const problems: Open311Problem[] = [];
  const result: Open311RequestsQuery = {};
  const jurisdiction = listParam(query, 'jurisdiction_id');
  if (jurisdiction !== undefined) {
    if (jurisdiction.length > 1) {
      problems.push(open311Problems.invalid('jurisdiction_id', '只能提供一个', 'only one may be given', 'OPEN311_REPEATED_PARAMETER'));
    }
    result.jurisdiction_id = jurisdiction[0];
  }

  const ids = listParam(query, 'service_request_id');
  if (ids !== undefined) {
    if (problems.length > 0) fail(problems);
    return { ...result, service_request_ids: ids };
  }

  const codes = listParam(query, 'service_code');
  if (codes !== undefined) result.service_codes = codes;

  const statuses = listParam(query, 'status');
  if (statuses !== undefined) {
    const bad = statuses.filter((s) => !(OPEN311_STATUSES as readonly string[]).includes(s));
    if (bad.length > 0) {
      problems.push(
        open311Problems.invalid('status', `未知状态 ${bad.join(',')}，只能是 open、closed`, `unknown ${bad.join(',')}; use open, closed`),
      );
    } else {
      result.statuses = statuses as Open311Status[];
    }
  }

  for (const field of ['start_date', 'end_date'] as const) {
    const given = listParam(query, field);
    if (given === undefined) continue;
    const text = given.length === 1 ? given[0] : undefined;
    const at = text === undefined ? undefined : parseW3cDatetime(text);
    if (at === undefined) {
      problems.push(
        open311Problems.invalid(
          field,
          '须为带时区的 W3C 时间，例如 2010-01-01T00:00:00Z',
          'must be a W3C datetime with a time zone, e.g. 2010-01-01T00:00:00Z',
          'OPEN311_INVALID_DATETIME',
        ),
      );
    } else {
      result[field] = at;
    }
  }
  if (result.start_date !== undefined && result.end_date !== undefined && result.start_date > result.end_date) {
    problems.push(
      open311Problems.invalid('end_date', '不能早于 start_date', 'is before start_date', 'OPEN311_INVALID_DATE_RANGE'),
    );
  }
  if (problems.length > 0) fail(problems);
  return result;
}

const DAY_MS = 86_400_000;

/**
 * The requested_datetime window a GET requests search covers: the given dates, else the spec's most
 * recent 90 days; a single bound extends 90 days from it. A wider range is the spec's 400.
 */
export function resolveRequestsWindow(
  query: Pick<Open311RequestsQuery, 'start_date' | 'end_date'>,
  now: Date,
  maxDays: number = OPEN311_DEFAULT_WINDOW_DAYS,
): { from: Date; to: Date } {
  const span = maxDays * DAY_MS;
  const { start_date: start, end_date: end } = query;
  if (start !== undefined && end !== undefined) {
    if (end.getTime() - start.getTime() > span) {
      fail([
        open311Problems.invalid(
          'end_date',
          `start_date 与 end_date 间隔不能超过 ${maxDays} 天`,
          `the range from start_date may not span more than ${maxDays} days`,
          'OPEN311_INVALID_DATE_RANGE',
        ),
      ]);
    }
    return { from: start, to: end };
  }
  if (start !== undefined) return { from: start, to: new Date(start.getTime() + span) };
  if (end !== undefined) return { from: new Date(end.getTime() - span), to: end };
  return { from: new Date(now.getTime() - span), to: now };
}

/**
 * Checks POSTed attribute values against a service definition: required variable attributes present,
 * one value unless multivaluelist, numbers numeric, datetimes ISO 8601, strings on one line, list keys
 * among the defined ones, no codes the definition lacks. Returns the problems (empty = valid).
 */
export function validateAttributes(
  definition: Open311ServiceDefinition,
  values: Readonly<Record<string, string | readonly string[]>>,
): Open311Problem[] {
  const problems: Open311Problem[] = [];
  const byCode = new Map(definition.attributes.map((a) => [a.code, a]));
  for (const code of Object.keys(values)) {
    const attr = byCode.get(code);
    if (attr === undefined) {
      problems.push(
        open311Problems.attribute(code, 'OPEN311_ATTRIBUTE_UNKNOWN', `服务 ${definition.service_code} 没有此属性`, `not defined for service ${definition.service_code}`),
      );
    } else if (!attr.variable) {
      problems.push(
        open311Problems.attribute(code, 'OPEN311_ATTRIBUTE_NOT_VARIABLE', '仅供展示，不接受填写', 'is information only and takes no value'),
      );
    }
  }
  const ordered = [...definition.attributes].filter((a) => a.variable).sort((a, b) => a.order - b.order);
  for (const attr of ordered) {
    const raw = values[attr.code];
    const given = raw === undefined ? [] : typeof raw === 'string' ? [raw] : [...raw];
    if (given.length === 0) {
      if (attr.required) {
        problems.push(open311Problems.attribute(attr.code, 'OPEN311_ATTRIBUTE_REQUIRED', '必填', 'is required'));
      }
      continue;
    }
    if (attr.datatype !== 'multivaluelist' && given.length > 1) {
      problems.push(open311Problems.attribute(attr.code, 'OPEN311_ATTRIBUTE_MULTIPLE_VALUES', '只能有一个值', 'takes a single value'));
      continue;
    }
    const bad = (zh: string, en: string, code = 'OPEN311_ATTRIBUTE_INVALID'): void => {
      problems.push(open311Problems.attribute(attr.code, code, zh, en));
    };
    const [first = ''] = given;
    switch (attr.datatype) {
      case 'string':
        if (/[\r\n]/.test(first)) bad('不能换行', 'must not contain line breaks');
        break;
      case 'number':
        if (parseNumber(first) === undefined) bad(`“${first}”不是数字`, `"${first}" is not a number`);
        break;
      case 'datetime':
        if (!DateTime.fromISO(first, { setZone: true }).isValid) {
          bad(`“${first}”不是 ISO 8601 时间`, `"${first}" is not an ISO 8601 datetime`);
        }
        break;
      case 'text':
        break;
      case 'singlevaluelist':
      case 'multivaluelist': {
        const keys = new Set((attr.values ?? []).map((v) => v.key));
        const unknown = given.filter((v) => !keys.has(v));
        if (unknown.length > 0) {
          const allowed = [...keys].join(', ');
          bad(`“${unknown.join('、')}”不在可选项中（${allowed}）`, `"${unknown.join('", "')}" not among the keys (${allowed})`, 'OPEN311_ATTRIBUTE_INVALID_KEY');
        }
        break;
      }
    }
  }
  return problems;
}
