import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors/app-error.ts';
import type { ImportRow } from './import.types.ts';
import { detectOpen311Format, parseOpen311 } from './open311.parser.ts';

const JSON_SAMPLE = fileURLToPath(new URL('./samples/open311-requests.json', import.meta.url));
const XML_SAMPLE = fileURLToPath(new URL('./samples/open311-requests.xml', import.meta.url));

async function collect(rows: AsyncIterable<ImportRow>): Promise<ImportRow[]> {
  const out: ImportRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

function text(s: string): Readable {
  return Readable.from([Buffer.from(s, 'utf8')]);
}

function record(rows: ImportRow[], n: number) {
  const row = rows.find((r) => r.row === n);
  if (!row?.ok) throw new Error(`row ${n} is not a record: ${JSON.stringify(row)}`);
  return row.record;
}

function coded(code: string) {
  return (e: unknown) => e instanceof AppError && e.code === code;
}

describe('parseOpen311', () => {
  it('gives each array entry one outcome numbered from 1', async () => {
    const rows = await collect(parseOpen311(JSON_SAMPLE));
    expect(rows.map((r) => `${r.row}:${r.ok ? 'ok' : r.code}`)).toEqual([
      '1:ok', '2:ok', '3:IMPORT_MISSING_ID', '4:IMPORT_BAD_DATE', '5:IMPORT_MISSING_TEXT', '6:IMPORT_BAD_ENTRY', '7:ok',
    ]);
    expect(rows[3]).toMatchObject({ reason: 'requested_datetime is not a date: "yesterday"' });
  });

  it('maps a closed request with its notes as the reply and its last update as the closing time', async () => {
    const r = record(await collect(parseOpen311(JSON_SAMPLE)), 1);
    expect(r).toMatchObject({
      source: 'open311', externalId: 'b-1', channel: 'open311', title: 'Potholes, Other Street Repair',
      text: 'Big hole\nnear the school', categoryPath: ['Potholes, Other Street Repair'],
      department: { code: 'Street Department', name: 'Street Department' },
      receivedAt: '2012-05-23T19:55:28.000Z', dueAt: '2012-05-30T19:55:28.000Z', closedAt: '2012-05-25T13:00:00.000Z',
      status: 'closed', reply: { text: 'Filled the pothole.', at: '2012-05-25T13:00:00.000Z' },
      address: '208 S Adams St', location: { lat: 39.16442, lng: -86.55201, address: '208 S Adams St' },
    });
    expect(r.attributes).toMatchObject({ service_code: 'P01', media_url: 'https://example.org/media/b-1.jpg', zipcode: '47401' });
  });

  it('falls back on the token for the id and says so, and treats 0,0 as no location', async () => {
    const r = record(await collect(parseOpen311(JSON_SAMPLE)), 2);
    expect(r.externalId).toBe('token-tok-9');
    expect(r.attributes).toMatchObject({ 'import.externalIdFrom': 'token', 'import.locationDropped': 'placeholder 0,0' });
    expect(r.location).toBeUndefined();
  });

  it('uses the service name as text when there is no description and drops an out-of-range latitude', async () => {
    const r = record(await collect(parseOpen311(JSON_SAMPLE)), 7);
    expect(r).toMatchObject({ externalId: '6', text: 'Alley Light Out', receivedAt: '2014-07-12T15:58:43.000Z' });
    expect(r.location).toBeUndefined();
    expect(r.attributes['import.locationDropped']).toBe('out of range: lat=95.5 lng=-87.66');
  });

  it('reads the XML encoding with leading zeros and entities intact', async () => {
    const rows = await collect(parseOpen311(XML_SAMPLE));
    expect(rows.map((r) => `${r.row}:${r.ok ? 'ok' : r.code}`)).toEqual(['1:ok', '2:IMPORT_MISSING_ID']);
    expect(record(rows, 1)).toMatchObject({
      externalId: '638344', text: 'Broken curb & loose stones', status: 'closed', reply: { text: 'Duplicate request.' },
      receivedAt: '2010-04-14T14:37:38.000Z', location: { lat: 37.762221815, lng: -122.4651145 },
    });
    expect(record(rows, 1).attributes).toMatchObject({ service_code: '006', zipcode: '94122' });
    expect(record(rows, 1).department).toBeUndefined();
  });

  it('reads a single XML request and an empty list', async () => {
    const one = '<service_requests><request><service_request_id>1</service_request_id><service_name>Graffiti</service_name>'
      + '<requested_datetime>2010-04-14T06:37:38-08:00</requested_datetime></request></service_requests>';
    expect((await collect(parseOpen311(text(one)))).map((r) => r.ok)).toEqual([true]);
    expect(await collect(parseOpen311(text('<?xml version="1.0"?>\n<service_requests>\n</service_requests>')))).toEqual([]);
  });

  it('detects the format from the content and honours an explicit one', async () => {
    expect(detectOpen311Format('\n  [{"a":1}]')).toBe('json');
    expect(detectOpen311Format('<?xml version="1.0"?><service_requests/>')).toBe('xml');
    await expect(collect(parseOpen311(JSON_SAMPLE, 'xml'))).rejects.toSatisfy(coded('IMPORT_UNKNOWN_FORMAT'));
  });

  it('refuses error responses, service lists and files that are not GeoReport at all', async () => {
    const xmlError = '<?xml version="1.0"?><errors><error><code>404</code><description>not found</description></error></errors>';
    await expect(collect(parseOpen311(text(xmlError)))).rejects.toSatisfy(coded('IMPORT_REMOTE_ERROR'));
    await expect(collect(parseOpen311(text('[{"code":403,"description":"Invalid api_key"}]')))).rejects.toSatisfy(coded('IMPORT_REMOTE_ERROR'));
    await expect(collect(parseOpen311(text('[{"service_code":"001","service_name":"Graffiti"}]')))).rejects.toSatisfy(coded('IMPORT_UNKNOWN_FORMAT'));
    await expect(collect(parseOpen311(text('HTTP/1.1 403 Forbidden\n\n<error>no</error>')))).rejects.toSatisfy(coded('IMPORT_UNKNOWN_FORMAT'));
    await expect(collect(parseOpen311(text('[{"service_request_id": 1,')))).rejects.toSatisfy(coded('IMPORT_UNKNOWN_FORMAT'));
    await expect(collect(parseOpen311(text('<service_requests><request></service_requests>')))).rejects.toSatisfy(coded('IMPORT_UNKNOWN_FORMAT'));
  });
});
