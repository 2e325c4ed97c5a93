import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors/app-error.ts';
import type { ImportedCase, ImportRow } from './import.types.ts';
import { parseNyc311 } from './nyc311.parser.ts';
import { parseOpen311 } from './open311.parser.ts';
import { parseTeddycup } from './teddycup.parser.ts';

const dir = process.env.CITYLOOP_REAL_DATA;
if (!dir) console.warn('skipped: CITYLOOP_REAL_DATA not set (real-data import tests)');

interface Outcome { ok: number; failed: number; codes: Record<string, number>; byId: Map<string, ImportedCase>; rowsPerSecond: number }

// Parses a whole file and prints its throughput; figures are printed, never asserted.
async function run(label: string, rows: AsyncIterable<ImportRow>): Promise<Outcome> {
  const started = performance.now();
  const out: Outcome = { ok: 0, failed: 0, codes: {}, byId: new Map(), rowsPerSecond: 0 };
  for await (const row of rows) {
    if (row.ok) {
      out.ok++;
      out.byId.set(row.record.externalId, row.record);
    } else {
      out.failed++;
      out.codes[row.code] = (out.codes[row.code] ?? 0) + 1;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  out.rowsPerSecond = Math.round((out.ok + out.failed) / seconds);
  // A rate over a handful of rows measures start-up, not parsing.
  const rate = out.ok + out.failed >= 1000 ? `, ${out.rowsPerSecond} rows/s` : '';
  console.log(`${label}: ${out.ok} ok, ${out.failed} rejected${rate}`);
  return out;
}

function get(out: Outcome, id: string): ImportedCase {
  const record = out.byId.get(id);
  if (!record) throw new Error(`no record ${id}`);
  return record;
}

function count(out: Outcome, pick: (r: ImportedCase) => string): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const r of out.byId.values()) tally[pick(r)] = (tally[pick(r)] ?? 0) + 1;
  return tally;
}

describe.skipIf(!dir)('real data imports', () => {
  const data = (...parts: string[]) => join(dir as string, ...parts);

  describe('NYC 311', () => {
    it('maps every row of the 2011 sample, with exact values for Unique Key 19937901', async () => {
      const out = await run('nyc311 2011', parseNyc311(data('nyc311', 'nyc_311_requests_2011_sample2000.csv')));
      expect([out.ok, out.failed, out.byId.size]).toEqual([2000, 0, 2000]);
      expect(get(out, '19937901')).toMatchObject({
        department: { code: 'DOT', name: 'Department of Transportation' }, title: 'Street Sign - Dangling',
        categoryPath: ['Street Sign - Dangling'], text: 'Street Cleaning - ASP', channel: 'hotline',
        receivedAt: '2011-03-01T15:41:13.000Z', closedAt: '2011-03-15T20:14:19.000Z', status: 'closed',
        address: '186 25 STREET', location: { lat: 40.660811976282695, lng: -73.99859430999363 },
        reply: { text: 'The Department of Transportation has completed the request or corrected the condition.' },
      });
      expect(count(out, (r) => r.status)).toEqual({ closed: 1956, in_progress: 44 });
      expect(count(out, (r) => r.channel)).toEqual({ hotline: 1940, web: 60 });
      expect(count(out, (r) => (r.location ? 'point' : 'none'))).toEqual({ point: 1402, none: 598 });
    });

    it('maps every row of the 2013 sample, whose columns differ, by header name', async () => {
      const out = await run('nyc311 2013', parseNyc311(data('nyc311', 'nyc_311_requests_2013_sample199.csv')));
      expect([out.ok, out.failed]).toEqual([199, 0]);
      expect(get(out, '26589651')).toMatchObject({
        department: { code: 'NYPD' }, title: 'Noise - Street/Sidewalk', status: 'in_progress', channel: 'hotline',
        receivedAt: '2013-10-31T06:08:41.000Z', dueAt: '2013-10-31T14:08:41.000Z',
        attributes: { Status: 'Assigned', Descriptor: 'Loud Talking', 'School Not Found': 'N' },
      });
      expect(get(out, '26589651').attributes).not.toHaveProperty('School Name'); // 'Unspecified' is no information
      expect(count(out, (r) => r.status)).toEqual({ open: 91, closed: 83, in_progress: 25 });
    });
  });

  describe('Teddy Cup 2020', () => {
    const file = (name: string) => data('teddycup2020_gov_messages', name);

    it('maps every labelled message with its first-level category', async () => {
      const out = await run('teddycup attachment2', parseTeddycup(file('attachment2_labeled_messages_dev.csv')));
      expect([out.ok, out.failed]).toEqual([2356, 0]);
      expect(get(out, 'a2-6')).toMatchObject({
        categoryPath: ['劳动和社会保障'], title: '为什么处理社保问题我得E市A市往返跑？', receivedAt: '2020-01-07T13:31:53.000Z',
        requester: { name: 'A00043564' }, attributes: { source: 'sample', '留言编号': '6' },
      });
      expect(count(out, (r) => r.categoryPath.join('/'))).toMatchObject({ '城乡建设': 518, '劳动和社会保障': 515, '交通运输': 170 });
    });

    it('maps every hot-issue message with its likes and no board padding left in the text', async () => {
      const out = await run('teddycup attachment3', parseTeddycup(file('attachment3_hot_issue_messages.csv')));
      expect([out.ok, out.failed]).toEqual([4326, 0]);
      expect(get(out, 'a3-188006')).toMatchObject({
        title: 'A3区一米阳光婚纱艺术摄影是否合法纳税了？', receivedAt: '2019-02-28T03:25:05.000Z', likes: 0, dislikes: 0,
        channel: 'web', status: 'open', text: expect.stringMatching(/^座落在A市A3区联丰路.*如果没有，应该会怎么操作！$/s),
      });
      const records = [...out.byId.values()];
      expect(records.reduce((sum, r) => sum + (r.likes ?? 0), 0)).toBe(12512);
      expect(records.filter((r) => r.text !== r.text.trim() || r.text.includes('\t\t')).length).toBe(0);
    });

    it('maps every replied message as closed at its reply time, including the date-only one', async () => {
      const out = await run('teddycup attachment4', parseTeddycup(file('attachment4_messages_with_replies.csv')));
      expect([out.ok, out.failed]).toEqual([2816, 0]);
      expect(get(out, 'a4-2549')).toMatchObject({
        status: 'closed', receivedAt: '2019-04-25T01:32:09.000Z', closedAt: '2019-05-10T06:56:53.000Z',
        reply: { at: '2019-05-10T06:56:53.000Z', text: expect.stringMatching(/^现将网友在平台《问政西地省》.*2019年5月9日$/s) },
      });
      expect(get(out, 'a4-27610').reply?.at).toBe('2018-04-23T16:00:00.000Z'); // 答复时间 '2018/4/24'
      expect(count(out, (r) => r.status)).toEqual({ closed: 2816 });
    });

    it('keeps the messages of all three attachments apart although their numbers collide', async () => {
      const outs: Outcome[] = [];
      for (const name of ['attachment2_labeled_messages_dev.csv', 'attachment3_hot_issue_messages.csv', 'attachment4_messages_with_replies.csv']) {
        outs.push(await run(`teddycup ${name} (warm)`, parseTeddycup(file(name))));
      }
      const numbers = outs.map((o) => new Set([...o.byId.values()].map((r) => r.attributes['留言编号'])));
      const shared = (a: Set<string | undefined>, b: Set<string | undefined>) => [...a].filter((n) => b.has(n)).length;
      expect([shared(numbers[0]!, numbers[1]!), shared(numbers[0]!, numbers[2]!), shared(numbers[1]!, numbers[2]!)]).toEqual([12, 26, 0]);
      expect(new Set(outs.flatMap((o) => [...o.byId.keys()])).size).toBe(2356 + 4326 + 2816);
    });
  });

  describe('Open311 GeoReport v2', () => {
    const file = (name: string) => data('open311', name);

    it('maps the Bloomington JSON response, dropping 0,0 placeholder points', async () => {
      const out = await run('open311 bloomington', parseOpen311(file('bloomington_in_requests_real.json')));
      expect([out.ok, out.failed]).toEqual([21, 0]);
      expect(get(out, '4fbd40b2b1fe2c4b02000001')).toMatchObject({
        title: 'Traffic Suggestions', kind: 'suggestion', categoryPath: ['Traffic Suggestions'], channel: 'open311',
        department: { name: 'Street Department' }, receivedAt: '2012-05-23T19:55:28.000Z', status: 'open',
        attributes: { service_code: '4e7b3e4c992b945109000000' },
      });
      expect(count(out, (r) => r.status)).toEqual({ open: 18, closed: 3 });
      expect(count(out, (r) => (r.location ? 'point' : r.attributes['import.locationDropped'] ?? 'none')))
        .toEqual({ point: 13, 'placeholder 0,0': 6, none: 2 });
    });

    it('maps the Chicago JSON response with status notes as the reply', async () => {
      const out = await run('open311 chicago', parseOpen311(file('chicago_requests_real_2014.json')));
      expect([out.ok, out.failed]).toEqual([2, 0]);
      expect(get(out, '14-01100627')).toMatchObject({
        title: 'Building Violation', text: 'Building Violation', reply: { text: 'Locked', at: '2014-07-12T16:08:20.000Z' },
        department: { name: 'DOB - Conservation' }, receivedAt: '2014-07-12T15:48:56.000Z',
      });
    });

    it('maps the XML fixtures and rejects the entries without a request time', async () => {
      const list = await run('open311 xml list', parseOpen311(file('rubygem_fixture_service_requests.xml')));
      expect([list.ok, list.failed]).toEqual([2, 0]);
      expect(get(list, '638344')).toMatchObject({
        status: 'closed', reply: { text: 'Duplicate request.' }, dueAt: '2010-04-15T14:37:38.000Z',
        attributes: { service_code: '006', media_url: 'http://open311.city.gov.s3.amazonaws.com/requests/media/638344.rss' },
      });
      const single = await run('open311 xml single', parseOpen311(file('rubygem_fixture_get_service_request.xml')));
      expect([single.ok, single.failed]).toEqual([1, 0]);
      const empty = await run('open311 xml empty', parseOpen311(file('rubygem_fixture_service_requests_empty.xml')));
      expect([empty.ok, empty.failed]).toEqual([0, 0]);
      for (const name of ['rubygem_fixture_post_service_request.xml', 'rubygem_fixture_request_id_from_token.xml']) {
        const out = await run(`open311 ${name}`, parseOpen311(file(name)));
        expect([out.ok, out.failed, out.codes]).toEqual([0, 1, { IMPORT_BAD_DATE: 1 }]);
      }
    });

    it('refuses the fixtures that are not request lists with a coded error', async () => {
      const consume = async (name: string) => { for await (const _ of parseOpen311(file(name))) void _; };
      const code = (c: string) => (e: unknown) => e instanceof AppError && e.code === c;
      await expect(consume('rubygem_fixture_403.xml')).rejects.toSatisfy(code('IMPORT_UNKNOWN_FORMAT'));
      await expect(consume('rubygem_fixture_get_service_request_not_found.xml')).rejects.toSatisfy(code('IMPORT_REMOTE_ERROR'));
      await expect(consume('bloomington_in_services_real.json')).rejects.toSatisfy(code('IMPORT_UNKNOWN_FORMAT'));
      await expect(consume('rubygem_fixture_services.xml')).rejects.toSatisfy(code('IMPORT_UNKNOWN_FORMAT'));
    });
  });
});
