import { describe, expect, it } from 'vitest';
import { Open311Error } from './open311.errors.ts';
import {
  OPEN311_POST_LIMITS,
  parseFormat,
  parseGetRequestsQuery,
  parsePostRequest,
  parseW3cDatetime,
  resolveRequestsWindow,
  splitFormatSuffix,
  validateAttributes,
} from './open311.parse.ts';
import type { Open311ServiceDefinition } from './open311.types.ts';

/** The problems an Open311Error carries, as [code, field] pairs; fails the test if nothing was thrown. */
function problemsOf(fn: () => unknown): Array<[string, string | undefined]> {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(Open311Error);
    return (err as Open311Error).problems.map((p) => [p.code, p.field]);
  }
  throw new Error('expected an Open311Error');
}

// The spec's example POST body, as a form parser hands it over.
const SPEC_BODY = {
  api_key: 'xyz',
  jurisdiction_id: 'city.gov',
  service_code: '001',
  lat: '37.76524078',
  long: '-122.4212043',
  address_string: '1234 5th street',
  email: 'smit333@sfgov.edu',
  device_id: 'tt222111',
  account_id: '123456',
  first_name: 'john',
  last_name: 'smith',
  phone: '111111111',
  description: 'A large sinkhole is destroying the street',
  media_url: 'http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg',
  'attribute[WHISPAWN]': '123456',
  'attribute[WHISDORN]': 'COISL001',
};

describe('parseFormat', () => {
  it('reads the format from a resource suffix', () => {
    expect(parseFormat('services.json')).toBe('json');
    expect(parseFormat('services.xml')).toBe('xml');
    expect(parseFormat('requests/123.json')).toBe('json');
    expect(parseFormat('/open311/v2/services/033.xml?jurisdiction_id=city.gov')).toBe('xml');
  });

  it('accepts a bare extension, with or without the dot, in any case', () => {
    expect(parseFormat('json')).toBe('json');
    expect(parseFormat('.xml')).toBe('xml');
    expect(parseFormat('Services.JSON')).toBe('json');
  });

  it('returns the stem so the caller gets the id without the suffix', () => {
    expect(splitFormatSuffix('requests/4fbd40b2.json')).toEqual({ stem: 'requests/4fbd40b2', format: 'json' });
    expect(splitFormatSuffix('14-01100669.xml')).toEqual({ stem: '14-01100669', format: 'xml' });
  });

  it('rejects other or missing formats with 400 OPEN311_UNSUPPORTED_FORMAT', () => {
    for (const bad of ['services.html', 'requests/123', 'services.', 'v2.1/services', 'yaml']) {
      expect(problemsOf(() => parseFormat(bad))).toEqual([['OPEN311_UNSUPPORTED_FORMAT', 'format']]);
    }
    try {
      parseFormat('services.html');
    } catch (err) {
      expect((err as Open311Error).status).toBe(400);
      expect((err as Open311Error).en).toContain('.xml or .json');
    }
  });
});

describe('parsePostRequest', () => {
  it('parses the spec example body into a typed input', () => {
    expect(parsePostRequest(SPEC_BODY)).toEqual({
      api_key: 'xyz',
      jurisdiction_id: 'city.gov',
      service_code: '001',
      lat: 37.76524078,
      long: -122.4212043,
      address_string: '1234 5th street',
      email: 'smit333@sfgov.edu',
      device_id: 'tt222111',
      account_id: '123456',
      first_name: 'john',
      last_name: 'smith',
      phone: '111111111',
      description: 'A large sinkhole is destroying the street',
      media_url: 'http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg',
      attributes: { WHISPAWN: '123456', WHISDORN: 'COISL001' },
    });
  });

  it('accepts each location form on its own', () => {
    expect(parsePostRequest({ service_code: '1', lat: '31.23', long: '121.47' })).toMatchObject({ lat: 31.23, long: 121.47 });
    expect(parsePostRequest({ service_code: '1', address_string: '幸福路 12 号' }).address_string).toBe('幸福路 12 号');
    expect(parsePostRequest({ service_code: '1', address_id: 'A-77' }).address_id).toBe('A-77');
  });

  it('treats empty parameters as not sent and trims the rest', () => {
    const input = parsePostRequest({ service_code: ' 001 ', address_id: '9', email: '', phone: '   ', lat: '', long: '' });
    expect(input).toEqual({ service_code: '001', address_id: '9', attributes: {} });
  });

  it('reads attribute[CODE] as one value and attribute[CODE][] as a list', () => {
    const input = parsePostRequest({
      service_code: '1',
      address_id: '9',
      'attribute[COLOR]': 'red',
      'attribute[TAGS][]': ['a', 'b', 'c'],
      'attribute[ONE][]': 'only',
      'attribute[EMPTY]': '',
    });
    expect(input.attributes).toEqual({ COLOR: 'red', TAGS: ['a', 'b', 'c'], ONE: ['only'] });
  });

  it('reads a repeated attribute[CODE] as several values for validateAttributes to judge', () => {
    expect(parsePostRequest({ service_code: '1', address_id: '9', 'attribute[X]': ['a', 'b'] }).attributes).toEqual({ X: ['a', 'b'] });
  });

  it('accepts the boundary values of the coordinate ranges', () => {
    expect(parsePostRequest({ service_code: '1', lat: '-90', long: '180' })).toMatchObject({ lat: -90, long: 180 });
  });

  it('counts the 4000-character description limit in characters, so Chinese text may use all of it', () => {
    expect(parsePostRequest({ service_code: '1', address_id: '9', description: '灯'.repeat(4000) }).description).toHaveLength(4000);
  });

  it('reports a missing service_code', () => {
    expect(problemsOf(() => parsePostRequest({ address_id: '9' }))).toEqual([['OPEN311_MISSING_PARAMETER', 'service_code']]);
  });

  it('reports a missing location', () => {
    expect(problemsOf(() => parsePostRequest({ service_code: '1', description: 'x' }))).toEqual([
      ['OPEN311_LOCATION_REQUIRED', 'location'],
    ]);
  });

  it('reports lat without long and long without lat', () => {
    expect(problemsOf(() => parsePostRequest({ service_code: '1', lat: '31.2' }))).toEqual([
      ['OPEN311_INCOMPLETE_COORDINATES', 'long'],
    ]);
    expect(problemsOf(() => parsePostRequest({ service_code: '1', long: '121.4', address_string: 'x' }))).toEqual([
      ['OPEN311_INCOMPLETE_COORDINATES', 'lat'],
    ]);
  });

  it('reports coordinates that are not numbers', () => {
    for (const bad of ['abc', 'NaN', 'Infinity', '0x1F', '31,2', '1e400']) {
      expect(problemsOf(() => parsePostRequest({ service_code: '1', lat: bad, long: '121' }))).toEqual([
        ['OPEN311_INVALID_PARAMETER', 'lat'],
      ]);
    }
  });

  it('reports coordinates out of range', () => {
    expect(problemsOf(() => parsePostRequest({ service_code: '1', lat: '90.0001', long: '-180.5' }))).toEqual([
      ['OPEN311_OUT_OF_RANGE', 'lat'],
      ['OPEN311_OUT_OF_RANGE', 'long'],
    ]);
  });

  it('reports a description over 4000 characters', () => {
    expect(problemsOf(() => parsePostRequest({ service_code: '1', address_id: '9', description: 'x'.repeat(4001) }))).toEqual([
      ['OPEN311_TOO_LONG', 'description'],
    ]);
  });

  it('reports every over-long field against its limit', () => {
    for (const field of ['first_name', 'last_name', 'device_id', 'account_id', 'address_string', 'email'] as const) {
      const body = { service_code: '1', address_id: '9', [field]: 'a'.repeat(OPEN311_POST_LIMITS[field] + 1) };
      expect(problemsOf(() => parsePostRequest(body))).toEqual([['OPEN311_TOO_LONG', field]]);
    }
  });

  it('reports a malformed email, phone and media_url', () => {
    expect(
      problemsOf(() =>
        parsePostRequest({ service_code: '1', address_id: '9', email: 'no-at-sign', phone: 'call me', media_url: 'javascript:alert(1)' }),
      ),
    ).toEqual([
      ['OPEN311_INVALID_PARAMETER', 'email'],
      ['OPEN311_INVALID_PARAMETER', 'phone'],
      ['OPEN311_INVALID_PARAMETER', 'media_url'],
    ]);
  });

  it('accepts the phone formats people write, extensions included', () => {
    for (const phone of ['13800138000', '+86 138 0013 8000', '010-12345678转123', '(555) 555-5555 ext. 12']) {
      expect(parsePostRequest({ service_code: '1', address_id: '9', phone }).phone).toBe(phone);
    }
  });

  it('reports a scalar parameter sent twice', () => {
    expect(problemsOf(() => parsePostRequest({ service_code: ['1', '2'], address_id: '9' }))).toEqual([
      ['OPEN311_REPEATED_PARAMETER', 'service_code'],
    ]);
  });

  it('reports a malformed attribute key', () => {
    for (const key of ['attribute', 'attribute[]', 'attribute[A][B]', 'attribute[A]x']) {
      expect(problemsOf(() => parsePostRequest({ service_code: '1', address_id: '9', [key]: 'v' }))).toEqual([
        ['OPEN311_INVALID_PARAMETER', key],
      ]);
    }
  });

  it('reports an attribute sent both as single and as list', () => {
    expect(
      problemsOf(() => parsePostRequest({ service_code: '1', address_id: '9', 'attribute[A]': 'x', 'attribute[A][]': ['y'] })),
    ).toEqual([['OPEN311_REPEATED_PARAMETER', 'attribute[A][]']]);
  });

  it('reports an over-long attribute value', () => {
    expect(
      problemsOf(() => parsePostRequest({ service_code: '1', address_id: '9', 'attribute[A]': 'x'.repeat(4001) })),
    ).toEqual([['OPEN311_TOO_LONG', 'attribute[A]']]);
  });

  it('reports a value that is not text (e.g. a JSON body handed over by mistake)', () => {
    const body = { service_code: 1, address_id: '9' } as unknown as Record<string, string>;
    expect(problemsOf(() => parsePostRequest(body))).toEqual([['OPEN311_INVALID_PARAMETER', 'service_code']]);
  });

  it('reports all problems at once in one 400 error with Chinese and English text', () => {
    try {
      parsePostRequest({ lat: 'x' });
      expect.unreachable();
    } catch (err) {
      const e = err as Open311Error;
      expect(e.status).toBe(400);
      expect(e.problems.map((p) => p.code)).toEqual([
        'OPEN311_INVALID_PARAMETER',
        'OPEN311_MISSING_PARAMETER',
        'OPEN311_INCOMPLETE_COORDINATES',
      ]);
      expect(e.zh).toContain('缺少必填参数 service_code');
      expect(e.toErrorItems('en')).toContainEqual({ code: 400, description: 'service_code was not provided' });
    }
  });
});

describe('parseGetRequestsQuery', () => {
  it('parses comma lists, statuses and W3C dates', () => {
    expect(
      parseGetRequestsQuery({
        jurisdiction_id: 'city.gov',
        service_code: '001, 002,,001',
        status: 'open,closed',
        start_date: '2010-05-24T00:00:00Z',
        end_date: '2010-06-24T00:00:00-08:00',
      }),
    ).toEqual({
      jurisdiction_id: 'city.gov',
      service_codes: ['001', '002'],
      statuses: ['open', 'closed'],
      start_date: new Date('2010-05-24T00:00:00Z'),
      end_date: new Date('2010-06-24T08:00:00Z'),
    });
  });

  it('merges a parameter declared several times', () => {
    expect(parseGetRequestsQuery({ service_code: ['001', '002,003'] }).service_codes).toEqual(['001', '002', '003']);
  });

  it('lets service_request_id override every other filter', () => {
    expect(parseGetRequestsQuery({ service_request_id: '638344,638349', status: 'bogus', start_date: 'junk' })).toEqual({
      service_request_ids: ['638344', '638349'],
    });
  });

  it('returns an empty query when nothing is given', () => {
    expect(parseGetRequestsQuery({})).toEqual({});
  });

  it('reports an unknown status', () => {
    expect(problemsOf(() => parseGetRequestsQuery({ status: 'open,pending' }))).toEqual([['OPEN311_INVALID_PARAMETER', 'status']]);
  });

  it('reports dates that are not W3C datetimes with a zone', () => {
    for (const bad of ['2010-01-01', '2010-01-01T00:00:00', '2010-02-30T00:00:00Z', '2010-01-01T25:00:00Z', 'yesterday']) {
      expect(problemsOf(() => parseGetRequestsQuery({ start_date: bad }))).toEqual([['OPEN311_INVALID_DATETIME', 'start_date']]);
    }
  });

  it('reports end_date before start_date', () => {
    expect(
      problemsOf(() => parseGetRequestsQuery({ start_date: '2010-06-24T00:00:00Z', end_date: '2010-05-24T00:00:00Z' })),
    ).toEqual([['OPEN311_INVALID_DATE_RANGE', 'end_date']]);
  });

  it('reports two jurisdictions', () => {
    expect(problemsOf(() => parseGetRequestsQuery({ jurisdiction_id: 'a.gov,b.gov' }))).toEqual([
      ['OPEN311_REPEATED_PARAMETER', 'jurisdiction_id'],
    ]);
  });
});

describe('parseW3cDatetime', () => {
  it('reads UTC, offsets, minutes-only and fractions', () => {
    expect(parseW3cDatetime('1994-11-05T08:15:30-05:00')?.toISOString()).toBe('1994-11-05T13:15:30.000Z');
    expect(parseW3cDatetime('1994-11-05T13:15:30Z')?.toISOString()).toBe('1994-11-05T13:15:30.000Z');
    expect(parseW3cDatetime('2026-12-03T09:00+08:00')?.toISOString()).toBe('2026-12-03T01:00:00.000Z');
    expect(parseW3cDatetime('2026-12-03T09:00:00.25+08:00')?.toISOString()).toBe('2026-12-03T01:00:00.250Z');
  });

  it('reads a "+" offset that a query string decoded into a space', () => {
    expect(parseW3cDatetime('2026-12-03T09:00:00 08:00')?.toISOString()).toBe('2026-12-03T01:00:00.000Z');
  });

  it('accepts 29 February only in leap years', () => {
    expect(parseW3cDatetime('2024-02-29T00:00:00Z')).toBeInstanceOf(Date);
    expect(parseW3cDatetime('2026-02-29T00:00:00Z')).toBeUndefined();
  });
});

describe('resolveRequestsWindow', () => {
  const now = new Date('2026-12-03T00:00:00Z');
  const day = 86_400_000;

  it('defaults to the most recent 90 days', () => {
    expect(resolveRequestsWindow({}, now)).toEqual({ from: new Date(now.getTime() - 90 * day), to: now });
  });

  it('extends a single bound by 90 days', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    expect(resolveRequestsWindow({ start_date: start }, now).to).toEqual(new Date(start.getTime() + 90 * day));
    expect(resolveRequestsWindow({ end_date: start }, now).from).toEqual(new Date(start.getTime() - 90 * day));
  });

  it('keeps a range of exactly 90 days and rejects a longer one', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    expect(resolveRequestsWindow({ start_date: start, end_date: new Date(start.getTime() + 90 * day) }, now).from).toEqual(start);
    expect(
      problemsOf(() => resolveRequestsWindow({ start_date: start, end_date: new Date(start.getTime() + 90 * day + 1000) }, now)),
    ).toEqual([['OPEN311_INVALID_DATE_RANGE', 'end_date']]);
  });
});

describe('validateAttributes', () => {
  const definition: Open311ServiceDefinition = {
    service_code: 'LIGHT',
    attributes: [
      { variable: true, code: 'POLE', datatype: 'string', required: true, datatype_description: null, order: 1, description: '灯杆编号' },
      { variable: true, code: 'COUNT', datatype: 'number', required: false, datatype_description: null, order: 2, description: '不亮的盏数' },
      { variable: true, code: 'SINCE', datatype: 'datetime', required: false, datatype_description: null, order: 3, description: '何时开始' },
      { variable: true, code: 'NOTE', datatype: 'text', required: false, datatype_description: null, order: 4, description: '补充' },
      {
        variable: true,
        code: 'KIND',
        datatype: 'singlevaluelist',
        required: true,
        datatype_description: null,
        order: 5,
        description: '灯型',
        values: [
          { key: 'led', name: 'LED' },
          { key: 'sodium', name: '钠灯' },
        ],
      },
      {
        variable: true,
        code: 'ISSUES',
        datatype: 'multivaluelist',
        required: false,
        datatype_description: null,
        order: 6,
        description: '问题',
        values: [
          { key: 'dark', name: '不亮' },
          { key: 'flicker', name: '闪烁' },
          { key: 'day', name: '白天亮' },
        ],
      },
      { variable: false, code: 'INFO', datatype: 'text', required: true, datatype_description: null, order: 7, description: '请注意安全' },
    ],
  };
  const codes = (problems: ReturnType<typeof validateAttributes>) => problems.map((p) => [p.code, p.field]);

  it('accepts valid values of every datatype', () => {
    expect(
      validateAttributes(definition, {
        POLE: 'P-0012',
        COUNT: '3',
        SINCE: '2026-12-01T20:00:00+08:00',
        NOTE: '第一行\n第二行',
        KIND: 'led',
        ISSUES: ['dark', 'flicker'],
      }),
    ).toEqual([]);
  });

  it('accepts a single-item list for a single-value attribute and a lone value for a multivaluelist', () => {
    expect(validateAttributes(definition, { POLE: ['P-1'], KIND: ['sodium'], ISSUES: 'day' })).toEqual([]);
  });

  it('reports missing required variable attributes, ignoring information-only ones', () => {
    expect(codes(validateAttributes(definition, {}))).toEqual([
      ['OPEN311_ATTRIBUTE_REQUIRED', 'attribute[POLE]'],
      ['OPEN311_ATTRIBUTE_REQUIRED', 'attribute[KIND]'],
    ]);
  });

  it('reports values of the wrong type', () => {
    expect(
      codes(validateAttributes(definition, { POLE: 'P-1\nP-2', COUNT: 'three', SINCE: '昨天晚上', KIND: 'led' })),
    ).toEqual([
      ['OPEN311_ATTRIBUTE_INVALID', 'attribute[POLE]'],
      ['OPEN311_ATTRIBUTE_INVALID', 'attribute[COUNT]'],
      ['OPEN311_ATTRIBUTE_INVALID', 'attribute[SINCE]'],
    ]);
  });

  it('reports keys not among the defined values', () => {
    const problems = validateAttributes(definition, { POLE: 'P-1', KIND: 'neon', ISSUES: ['dark', 'smoke'] });
    expect(codes(problems)).toEqual([
      ['OPEN311_ATTRIBUTE_INVALID_KEY', 'attribute[KIND]'],
      ['OPEN311_ATTRIBUTE_INVALID_KEY', 'attribute[ISSUES]'],
    ]);
    expect(problems[0]?.en).toContain('led, sodium');
  });

  it('reports several values for a single-value attribute', () => {
    expect(codes(validateAttributes(definition, { POLE: 'P-1', KIND: ['led', 'sodium'] }))).toEqual([
      ['OPEN311_ATTRIBUTE_MULTIPLE_VALUES', 'attribute[KIND]'],
    ]);
  });

  it('reports codes the definition lacks and values for information-only attributes', () => {
    expect(codes(validateAttributes(definition, { POLE: 'P-1', KIND: 'led', WHO: 'x', INFO: 'y' }))).toEqual([
      ['OPEN311_ATTRIBUTE_UNKNOWN', 'attribute[WHO]'],
      ['OPEN311_ATTRIBUTE_NOT_VARIABLE', 'attribute[INFO]'],
    ]);
  });

  it('works end to end with parsePostRequest and the spec example definition', () => {
    const input = parsePostRequest({ service_code: 'DMV66', address_id: '9', 'attribute[WHISHETN]': '124' });
    const dmv: Open311ServiceDefinition = {
      service_code: 'DMV66',
      attributes: [
        {
          variable: true,
          code: 'WHISHETN',
          datatype: 'singlevaluelist',
          required: true,
          datatype_description: null,
          order: 1,
          description: 'What is the ticket/tag/DL number?',
          values: [
            { key: '123', name: 'Ford' },
            { key: '124', name: 'Chrysler' },
          ],
        },
      ],
    };
    expect(validateAttributes(dmv, input.attributes)).toEqual([]);
    expect(validateAttributes(dmv, { WHISHETN: '125' })).toHaveLength(1);
  });
});
