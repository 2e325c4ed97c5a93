import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors/app-error.ts';
import { MAX_RAW_CHARS, readCsv, type CsvEvent } from './csv-records.reader.ts';
import { parseNyc311 } from './nyc311.parser.ts';

// The header line of the NYC 311 Socrata export (41 columns); the rows under it are made up.
const NYC_HEADER = 'Unique Key,Created Date,Closed Date,Agency,Agency Name,Complaint Type,Descriptor,Location Type,'
  + 'Incident Zip,Incident Address,Street Name,Cross Street 1,Cross Street 2,Intersection Street 1,Intersection Street 2,'
  + 'Address Type,City,Landmark,Facility Type,Status,Due Date,Resolution Description,Resolution Action Updated Date,'
  + 'Community Board,BBL,Borough,X Coordinate (State Plane),Y Coordinate (State Plane),Open Data Channel Type,'
  + 'Park Facility Name,Park Borough,Vehicle Type,Taxi Company Borough,Taxi Pick Up Location,Bridge Highway Name,'
  + 'Bridge Highway Direction,Road Ramp,Bridge Highway Segment,Latitude,Longitude,Location';

function nycRow(key: string): string {
  const fields: Record<string, string> = {
    'Unique Key': key, 'Created Date': '03/01/2011 10:41:13 AM', Agency: 'DOT',
    'Agency Name': 'Department of Transportation', 'Complaint Type': 'Street Light Condition',
    Descriptor: 'Street Light Out', Status: 'Open', Latitude: '40.66', Longitude: '-73.99', Location: '"(40.66, -73.99)"',
  };
  return NYC_HEADER.split(',').map((column) => fields[column] ?? '').join(',');
}

/** Feeds text one byte per chunk, so every line ending and every UTF-8 character is split between chunks. */
async function readByteByByte(text: string): Promise<CsvEvent[]> {
  const bytes = [...Buffer.from(text, 'utf8')].map((b) => Buffer.from([b]));
  const events: CsvEvent[] = [];
  for await (const event of readCsv(Readable.from(bytes))) events.push(event);
  return events;
}

async function read(text: string): Promise<CsvEvent[]> {
  const events: CsvEvent[] = [];
  for await (const event of readCsv(Readable.from([Buffer.from(text, 'utf8')]))) events.push(event);
  return events;
}

function summary(events: CsvEvent[]): string[] {
  return events.map((e) => (e.type === 'header' ? `header:${e.columns.join('|')}`
    : e.type === 'record' ? `${e.row}:${Object.values(e.fields).join('|')}` : `${e.row}:broken@${e.line}`));
}

describe('readCsv', () => {
  it('drops a UTF-8 BOM so the first column keeps its name', async () => {
    const events = await read('\uFEFF留言编号,留言主题\n1,路灯不亮\n');
    expect(events[0]).toEqual({ type: 'header', columns: ['留言编号', '留言主题'] });
    expect(events[1]).toMatchObject({ type: 'record', row: 1, fields: { '留言编号': '1', '留言主题': '路灯不亮' } });
  });

  it('keeps line breaks, tabs and doubled quotes inside quoted fields and numbers rows by record, not line', async () => {
    const events = await read('id,text\r\n1,"\n\t\tfirst\nsecond ""quoted"""\r\n2,plain\r\n');
    expect(events[1]).toMatchObject({ row: 1, line: 2, fields: { id: '1', text: '\n\t\tfirst\nsecond "quoted"' } });
    expect(events[2]).toMatchObject({ row: 2, line: 5, fields: { id: '2', text: 'plain' } });
  });

  it('skips blank lines without counting them as rows', async () => {
    expect(summary(await read('a,b\n\n1,2\n\n\n3,4\n'))).toEqual(['header:a|b', '1:1|2', '2:3|4']);
  });

  it('reports a row with the wrong number of columns in place and goes on', async () => {
    const events = await read('a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n');
    expect(summary(events)).toEqual(['header:a|b|c', '1:1|2|3', '2:broken@3', '3:broken@4', '4:10|11|12']);
    expect(events[2]).toMatchObject({ reason: 'line 3: expected 3 columns, found 2', raw: '4,5' });
  });

  it('reports a short row whose line ending differs from the rest of the file on its own line, not glued to the next', async () => {
    for (const [file, short] of [['\r\n', '\n'], ['\n', '\r\n'], ['\n', '\r']] as const) {
      const text = ['a,b,c', '1,2,3', `4,5${short}6,7,8`, '9,10,11', ''].join(file);
      const events = await read(text);
      expect(summary(events), JSON.stringify({ file, short })).toEqual(['header:a|b|c', '1:1|2|3', '2:broken@3', '3:6|7|8', '4:9|10|11']);
      expect(events[2]).toMatchObject({ reason: 'line 3: expected 3 columns, found 2', raw: '4,5' });
    }
  });

  it('keeps a short row in a hand-edited NYC 311 export from swallowing the valid row after it', async () => {
    // The Python csv module writes '\r\n'; the short row was typed in with '\n'.
    const text = `${NYC_HEADER}\r\n${nycRow('900000040')}\r\n900000041,too,few,columns\n${nycRow('900000042')}\r\n${nycRow('900000043')}\r\n`;
    const rows = [];
    for await (const row of parseNyc311(Readable.from([Buffer.from(text, 'utf8')]))) rows.push(row);
    expect(rows.map((r) => (r.ok ? `${r.row}:${r.record.externalId}` : `${r.row}:${r.code}`))).toEqual([
      '1:900000040', '2:IMPORT_BAD_CSV_ROW', '3:900000042', '4:900000043',
    ]);
    expect(rows[1]).toMatchObject({ reason: 'line 3: expected 41 columns, found 4', raw: '900000041,too,few,columns' });
  });

  it('numbers lines by the file even when quoted fields hold CRLF line breaks', async () => {
    const events = await read('id,text\r\n1,"a\r\nb\r\nc"\r\n2,x,y\r\n3,z\r\n');
    expect(events[1]).toMatchObject({ line: 2, fields: { text: 'a\nb\nc' } });
    expect(events[2]).toMatchObject({ type: 'broken', line: 5, reason: 'line 5: expected 2 columns, found 3' });
    expect(events[3]).toMatchObject({ line: 6, fields: { id: '3', text: 'z' } });
  });

  it('reads the same events when every line ending and multi-byte character is split between chunks', async () => {
    const text = '\uFEFF编号,内容\r\n1,"路灯\r\n不亮"\r\n2,短\r3,噪音\r\n';
    expect(await readByteByByte(text)).toEqual(await read(text));
    expect(summary(await read(text))).toEqual(['header:编号|内容', '1:1|路灯\n不亮', '2:2|短', '3:3|噪音']);
  });

  it('reports a stray quote once per row, in file order, with the lines it ran over in raw', async () => {
    const events = await read('a,b,c\n1,"x"y,3\n4,5,6\n7,"z",9\n10,11,12\n13,x"y,15\n16,17,18\n');
    expect(summary(events)).toEqual(['header:a|b|c', '1:broken@2', '2:10|11|12', '3:broken@6', '4:16|17|18']);
    const first = events[1];
    expect(first?.type === 'broken' && first.raw).toContain('4,5,6');
    expect(first?.type === 'broken' && first.reason).toMatch(/^line 2: Invalid Closing Quote.*runs over 3 lines/);
  });

  it('reads the lines swallowed by a quote that is never closed again after reporting the broken row', async () => {
    const events = await read('a,b,c\n1,2,3\n4,"5,6\n7,8,9\n10,11,12\n');
    expect(summary(events)).toEqual(['header:a|b|c', '1:1|2|3', '2:broken@3', '3:7|8|9', '4:10|11|12']);
    expect(events[2]).toMatchObject({ raw: '4,"5,6', reason: 'line 3: a quoted field is never closed' });
    expect(events[3]).toMatchObject({ line: 4 });
  });

  it('keeps error rows printable when a broken row swallows a huge tail', async () => {
    const events = await read(`a,b\n1,"${'x'.repeat(MAX_RAW_CHARS * 3)}`);
    const broken = events[1];
    expect(broken?.type).toBe('broken');
    expect(broken?.type === 'broken' && broken.raw.length).toBeLessThanOrEqual(MAX_RAW_CHARS + 1);
  });

  it('refuses a file whose header row is broken', async () => {
    await expect(read('a,"b,c\n1,2,3\n')).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === 'IMPORT_UNKNOWN_FORMAT');
  });

  it('yields nothing for an empty file', async () => {
    expect(await read('')).toEqual([]);
  });

  it('turns an unreadable file into a coded error', async () => {
    const consume = async () => { for await (const _ of readCsv('/nonexistent/cityloop.csv')) void _; };
    await expect(consume()).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === 'IMPORT_READ_FAILED');
  });
});
