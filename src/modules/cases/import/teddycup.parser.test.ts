import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors/app-error.ts';
import type { ImportRow } from './import.types.ts';
import { detectTeddycupFile, parseTeddycup } from './teddycup.parser.ts';

const REPLIES = fileURLToPath(new URL('./samples/teddycup-replies.csv', import.meta.url));

async function collect(rows: AsyncIterable<ImportRow>): Promise<ImportRow[]> {
  const out: ImportRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

function csv(text: string): Readable {
  return Readable.from([Buffer.from(text, 'utf8')]);
}

function record(rows: ImportRow[], n: number) {
  const row = rows.find((r) => r.row === n);
  if (!row?.ok) throw new Error(`row ${n} is not a record: ${JSON.stringify(row)}`);
  return row.record;
}

const HOT = '留言编号,留言用户,留言主题,留言时间,留言详情,反对数,点赞数\r\n'
  + '188006,A000102948,A3区一米阳光婚纱艺术摄影是否合法纳税了？,2019/2/28 11:25:05,"\n\t\t\t\t\t\n\t\t\t\t\t请税务局查一下\n\t\t\t\t",1,12\r\n'
  + '188007,A00074795,"投诉小区附近搅拌站噪音扰民",2019/2/14 20:00:00,噪音大,0,x\r\n';
const LABELED = '留言编号,留言用户,留言主题,留言时间,留言详情,一级分类,source\r\n'
  + '188006,U0008473,C3县二中晚自习无人看管,2016/12/30 20:33:38,"\n\t\t晚自习无人看管\n\t\t",教育文体,sample\r\n';

describe('parseTeddycup', () => {
  it('gives each message row one outcome in order, through a BOM and CRLF rows with LF inside', async () => {
    const rows = await collect(parseTeddycup(REPLIES));
    expect(rows.map((r) => `${r.row}:${r.ok ? 'ok' : r.code}`)).toEqual([
      '1:ok', '2:ok', '3:ok', '4:IMPORT_BAD_DATE', '5:IMPORT_MISSING_ID', '6:IMPORT_MISSING_TEXT', '7:IMPORT_BAD_DATE', '8:ok',
    ]);
  });

  it('strips the message board padding and closes a message that got an official reply', async () => {
    const r = record(await collect(parseTeddycup(REPLIES)), 1);
    expect(r).toMatchObject({
      source: 'teddycup', externalId: 'a4-2549', channel: 'web', title: 'A2区景蓉华苑物业管理有问题',
      text: '小区物业扬言要退出小区，\n业委会制定了收费方案。', requester: { name: 'A00045581' },
      receivedAt: '2019-04-25T01:32:09.000Z', status: 'closed', closedAt: '2019-05-10T06:56:53.000Z',
      reply: { text: '您好，已收悉，现答复如下：已责成街道处理。2019年5月9日', at: '2019-05-10T06:56:53.000Z' },
    });
    expect(r.attributes).toEqual({ '留言编号': '2549', 'import.file': 'attachment4' });
  });

  it('accepts the spreadsheet variants of times: serial numbers, dashes and a reply date without time', async () => {
    const rows = await collect(parseTeddycup(REPLIES));
    expect(record(rows, 2)).toMatchObject({ receivedAt: '2019-04-08T00:37:20.000Z', reply: { at: '2019-04-09T02:00:00.000Z' }, kind: 'consult' });
    expect(record(rows, 3)).toMatchObject({ reply: { at: '2018-04-23T16:00:00.000Z' }, kind: 'report' });
    expect(record(rows, 8).status).toBe('open');
    expect(record(rows, 8).reply).toBeUndefined();
  });

  it('names the column and value of a bad message or reply time', async () => {
    const rows = await collect(parseTeddycup(REPLIES));
    expect(rows[3]).toMatchObject({ reason: '留言时间 is not a date: "2019/13/45 10:00:00"', reasonZh: '留言时间 不是有效时间：“2019/13/45 10:00:00”' });
    expect(rows[6]).toMatchObject({ reason: '答复时间 is not a date: "2019/1/99"' });
  });

  it('reads likes and dislikes from the hot-issue attachment and keeps a count that is not a number', async () => {
    const rows = await collect(parseTeddycup(csv(HOT)));
    expect(record(rows, 1)).toMatchObject({ externalId: 'a3-188006', likes: 12, dislikes: 1, status: 'open', text: '请税务局查一下' });
    expect(record(rows, 2).likes).toBeUndefined();
    expect(record(rows, 2).attributes['点赞数']).toBe('x');
  });

  it('takes the first-level category and the source column from the labelled attachment', async () => {
    const r = record(await collect(parseTeddycup(csv(LABELED))), 1);
    expect(r).toMatchObject({ externalId: 'a2-188006', categoryPath: ['教育文体'], receivedAt: '2016-12-30T12:33:38.000Z' });
    expect(r.attributes).toMatchObject({ source: 'sample', 'import.file': 'attachment2' });
  });

  it('keeps messages that share a 留言编号 across attachments apart, with the same ids on every run', async () => {
    const ids = async () => [
      ...(await collect(parseTeddycup(csv(HOT)))), ...(await collect(parseTeddycup(csv(LABELED)))),
    ].flatMap((r) => (r.ok ? [r.record.externalId] : []));
    const first = await ids();
    expect(first).toEqual(['a3-188006', 'a3-188007', 'a2-188006']);
    expect(await ids()).toEqual(first);
  });

  it('tells the attachments apart by header', () => {
    expect(detectTeddycupFile(['留言编号', '答复意见', '答复时间'])).toBe('replied');
    expect(detectTeddycupFile(['留言编号', '反对数', '点赞数'])).toBe('hot');
    expect(detectTeddycupFile(['留言编号', '一级分类'])).toBe('labeled');
    expect(detectTeddycupFile(['留言编号', '留言主题'])).toBe('plain');
  });

  it('refuses a file without the message columns', async () => {
    await expect(collect(parseTeddycup(csv('一级分类,二级分类,三级分类\n城乡建设,安全生产,事故处理\n')))).rejects.toSatisfy(
      (e: unknown) => e instanceof AppError && e.code === 'IMPORT_UNKNOWN_FORMAT',
    );
  });
});
