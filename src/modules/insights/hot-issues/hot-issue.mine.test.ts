import { describe, expect, it } from 'vitest';
import { mineHotIssues, type HotIssueMessage } from './hot-issue.mine.ts';

let seq = 0;
const msg = (title: string, text: string, day: string, user: string, likes = 0): HotIssueMessage => ({
  id: `m${String(++seq).padStart(3, '0')}`,
  number: String(1000 + seq),
  title,
  text,
  receivedAt: `${day}T02:00:00Z`,
  requesterKey: user,
  likes,
  dislikes: 0,
});

// A small period with two places and two matters at one of them, written the way citizens write.
const MESSAGES: HotIssueMessage[] = [
  msg('投诉A2区丽发新城附近建搅拌站噪音扰民', '丽发新城小区旁边新建了搅拌站，每天凌晨还在施工，噪音和粉尘让人无法休息。', '2019-11-13', 'u1', 2),
  msg('A市丽发新城小区侧面建设混泥土搅拌站，粉尘和噪音污染严重', '搅拌站离小区不到一百米，灰尘大，噪音大。', '2019-11-19', 'u2', 1),
  msg('丽发新城小区附近的搅拌站噪音严重扰民', '搅拌站彻夜施工，居民无法入睡。', '2019-11-20', 'u3'),
  msg('A市丽发小区建搅拌站，噪音污染严重', '丽发小区附近的搅拌站噪音污染严重，请环保部门处理。', '2019-11-25', 'u4'),
  msg('A2区丽发新城附近修建搅拌厂，严重污染环境', '搅拌厂粉尘大，孩子咳嗽。', '2019-12-02', 'u5', 5),
  msg('A市富绿物业丽发新城强行断业主家水', '物业以欠费为由给业主家断水，请相关部门处理。', '2019-11-21', 'u6', 3),
  msg('A5区魅力之城小区临街门面油烟扰民', '魅力之城小区底层商铺经营餐馆，油烟直排，夜宵摊营业到凌晨。', '2019-11-15', 'u7'),
  msg('A市魅力之城小区底层商铺营业到凌晨，噪音好痛苦', '魅力之城小区楼下商铺烧烤喝酒到凌晨，噪音和油烟扰民。', '2019-11-16', 'u8'),
  msg('魅力之城小区底层门店深夜经营，油烟噪音扰民', '商铺夜宵摊每天营业到凌晨，油烟往楼上窜。', '2019-11-18', 'u9'),
  msg('社保补缴后人才新政补贴会补发吗', '我今年补缴了社保，想问补贴能否补发。', '2019-11-20', 'u10'),
];

describe('mineHotIssues', () => {
  it('groups messages by place and matter and ranks the biggest issue first', async () => {
    const { issues, stats } = await mineHotIssues(MESSAGES, { top: 5 });
    expect(issues.map((i) => [i.rank, i.place, i.messageCount, i.requesterCount])).toEqual([
      [1, 'A市A2区丽发新城小区', 5, 5],
      [2, 'A市A5区魅力之城小区', 3, 3],
    ]);
    expect(issues[0]!.messages.map((m) => m.id)).toEqual(['m001', 'm002', 'm003', 'm004', 'm005']);
    expect(issues[0]!.likes).toBe(8);
    expect(issues[0]!.firstAt).toBe('2019-11-13T02:00:00.000Z');
    expect(issues[0]!.lastAt).toBe('2019-12-02T02:00:00.000Z');
    expect(issues[0]!.description).toMatch(/搅拌/);
    expect(issues[0]!.heat).toBeGreaterThan(issues[1]!.heat);
    expect(stats).toMatchObject({ input: 10, inPeriod: 10, empty: 0, ranked: 2 });
  });

  it('keeps a different matter at the same place apart and does not rank a single voice', async () => {
    const { issues } = await mineHotIssues(MESSAGES, { top: 5, minRequesters: 1 });
    const water = issues.find((i) => i.messages.some((m) => m.id === 'm006'));
    expect(water?.messageCount).toBe(1);
    expect(issues.find((i) => i.rank === 1)?.messages.some((m) => m.id === 'm006')).toBe(false);
  });

  it('counts a person posting twice as one requester and a quarter of a voice more', async () => {
    const twice = [...MESSAGES.slice(6, 9), { ...MESSAGES[8]!, id: 'again', receivedAt: '2019-11-19T02:00:00Z' }];
    const { issues } = await mineHotIssues(twice);
    expect(issues[0]).toMatchObject({ messageCount: 4, requesterCount: 3 });
    expect(issues[0]!.factors.voices).toBe(3.25);
  });

  it('only mines the period asked for', async () => {
    const { issues, stats } = await mineHotIssues(MESSAGES, { from: '2019-11-14T00:00:00Z', to: '2019-11-24T00:00:00Z' });
    expect(stats.inPeriod).toBe(7);
    expect(issues.map((i) => [i.place, i.messageCount])).toEqual([['A市A5区魅力之城小区', 3]]);
  });

  it('gives the same issues for the same messages in any order', async () => {
    const a = await mineHotIssues(MESSAGES);
    const b = await mineHotIssues([...MESSAGES].reverse());
    expect(b.issues).toEqual(a.issues);
  });

  it('reads an async source', async () => {
    async function* source() {
      yield* MESSAGES;
    }
    const { issues } = await mineHotIssues(source());
    expect(issues).toHaveLength(2);
  });

  it('survives empty, huge, emoji, markup, traditional and broken messages without throwing', async () => {
    const bad: HotIssueMessage[] = [
      msg('', '', '2019-11-20', 'b1'),
      msg('😀😀😀', '🙂'.repeat(5000), '2019-11-20', 'b2'),
      msg('<script>alert(1)</script><b>麗發新城小區</b>攪拌站噪音擾民', '<p>攪拌站&nbsp;粉塵</p>', '2019-11-26', 'b3'),
      msg('噪音'.repeat(200_000), '扰民'.repeat(500_000), '2019-11-20', 'b4'),
      { ...msg('没有时间', '时间坏了', '2019-11-20', 'b5'), receivedAt: 'not a date' },
      { ...msg('奇怪的点赞', '点赞不是数字', '2019-11-20', 'b6'), likes: Number.NaN, dislikes: -5 },
      { id: 'b7', title: undefined as unknown as string, text: null as unknown as string, receivedAt: '2019-11-20T00:00:00Z' },
    ];
    const { issues, stats } = await mineHotIssues([...MESSAGES, ...bad]);
    expect(stats.empty).toBe(4);
    expect(issues[0]!.place).toBe('A市A2区丽发新城小区');
    // The traditional-script message about the same compound and matter joins the issue.
    expect(issues[0]!.messages.map((m) => m.id)).toContain('m013');
  });

  it('returns no issues for no messages', async () => {
    const { issues, stats } = await mineHotIssues([]);
    expect(issues).toEqual([]);
    expect(stats.input).toBe(0);
  });
});
