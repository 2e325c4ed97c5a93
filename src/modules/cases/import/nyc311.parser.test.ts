import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors/app-error.ts';
import type { ImportRow } from './import.types.ts';
import { parseNyc311 } from './nyc311.parser.ts';

const SAMPLE = fileURLToPath(new URL('./samples/nyc311-mixed.csv', import.meta.url));

async function collect(rows: AsyncIterable<ImportRow>): Promise<ImportRow[]> {
  const out: ImportRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

function record(rows: ImportRow[], n: number) {
  const row = rows.find((r) => r.row === n);
  if (!row?.ok) throw new Error(`row ${n} is not a record: ${JSON.stringify(row)}`);
  return row.record;
}

describe('parseNyc311', () => {
  it('gives every data row one outcome, in order, and keeps going past broken rows', async () => {
    const rows = await collect(parseNyc311(SAMPLE));
    expect(rows.map((r) => `${r.row}:${r.ok ? 'ok' : r.code}`)).toEqual([
      '1:ok', '2:IMPORT_MISSING_ID', '3:IMPORT_BAD_DATE', '4:IMPORT_BAD_CSV_ROW', '5:ok', '6:IMPORT_MISSING_TEXT',
      '7:IMPORT_BAD_CSV_ROW', '8:ok', '9:IMPORT_BAD_CSV_ROW', '10:ok', '11:ok',
    ]);
  });

  it('maps a closed request with its agency, local times in UTC, a multi-line resolution and its point', async () => {
    const r = record(await collect(parseNyc311(SAMPLE)), 1);
    expect(r).toMatchObject({
      source: 'nyc311', externalId: '1001', channel: 'web', title: 'Street Sign - Dangling',
      text: 'Street Cleaning - ASP', categoryPath: ['Street Sign - Dangling'],
      department: { code: 'DOT', name: 'Department of Transportation' },
      receivedAt: '2011-03-01T15:41:13.000Z', closedAt: '2011-03-15T20:14:19.000Z', dueAt: '2011-03-15T21:32:23.000Z',
      status: 'closed', address: '186 25 STREET',
      location: { lat: 40.660811976282695, lng: -73.99859430999363, address: '186 25 STREET' },
      reply: { text: 'The Department of Transportation\n\tfixed the sign, "as requested".', at: '2011-03-15T20:14:19.000Z' },
    });
    expect(r.attributes).toMatchObject({ Descriptor: 'Street Cleaning - ASP', Borough: 'BROOKLYN', 'Incident Zip': '11232' });
    expect(r.attributes).not.toHaveProperty('Unique Key');
  });

  it('drops an out-of-range point with a note, builds the address from an intersection and reads summer time', async () => {
    const r = record(await collect(parseNyc311(SAMPLE)), 5);
    expect(r.location).toBeUndefined();
    expect(r.attributes['import.locationDropped']).toBe('out of range: lat=140.5 lng=-73.9');
    expect(r).toMatchObject({
      address: 'BROADWAY & WEST 242 STREET', channel: 'app', status: 'in_progress', receivedAt: '2013-07-05T01:15:00.000Z',
    });
  });

  it('maps channel types and statuses the way the hotline sees them', async () => {
    const rows = await collect(parseNyc311(SAMPLE));
    expect(record(rows, 8)).toMatchObject({ channel: 'hotline', status: 'closed', receivedAt: '2011-03-02T04:30:00.000Z' });
    expect(record(rows, 8).closedAt).toBeUndefined();
    expect(record(rows, 10)).toMatchObject({ channel: 'hotline', status: 'open' });
    expect(record(rows, 11)).toMatchObject({ status: 'in_progress', externalId: '1011' });
  });

  it('names the column and the value of a bad date, and the line of a broken row', async () => {
    const rows = await collect(parseNyc311(SAMPLE));
    expect(rows[2]).toMatchObject({ reason: 'Created Date is not a date: "02/30/2011 10:00:00 AM"', raw: expect.stringMatching(/^1003,/) });
    expect(rows[3]).toMatchObject({ reason: 'line 6: expected 19 columns, found 3', raw: '1004,03/01/2011 09:00:00 AM,DOT' });
    expect(rows[8]).toMatchObject({ reason: 'line 11: a quoted field is never closed' });
  });

  it('reads an already opened stream the same way as a path', async () => {
    const fromStream = await collect(parseNyc311(createReadStream(SAMPLE)));
    expect(fromStream).toEqual(await collect(parseNyc311(SAMPLE)));
  });

  it('refuses a file that is not NYC 311 before yielding any row', async () => {
    const other = Readable.from([Buffer.from('id,text\n1,hello\n')]);
    await expect(collect(parseNyc311(other))).rejects.toSatisfy(
      (e: unknown) => e instanceof AppError && e.code === 'IMPORT_UNKNOWN_FORMAT' && e.en.includes('Unique Key'),
    );
  });
});
