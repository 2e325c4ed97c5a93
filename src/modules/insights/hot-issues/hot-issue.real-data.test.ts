import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// Tests may read the real files through the cases parser; production code gets rows from the app.
import { parseTeddycup } from '../../cases/import/teddycup.parser.ts';
import { hotIssueMessagesFromRows } from './hot-issue.import-rows.ts';
import { mineHotIssues, type HotIssueMessage, type MineResult } from './hot-issue.mine.ts';

const dir = process.env.CITYLOOP_REAL_DATA;
if (!dir) console.warn('skipped: CITYLOOP_REAL_DATA not set (hot issues of Teddy Cup attachment 3)');

describe.skipIf(!dir)('hot issues of Teddy Cup 2020 attachment 3 (4,326 messages)', () => {
  let messages: HotIssueMessage[];
  let result: MineResult;
  beforeAll(async () => {
    messages = [];
    for await (const m of hotIssueMessagesFromRows(parseTeddycup(join(dir!, 'teddycup2020_gov_messages', 'attachment3_hot_issue_messages.csv')))) messages.push(m);
    result = await mineHotIssues(messages, { top: 10 });
  }, 120_000);

  it('reads every message and ranks ten issues', () => {
    expect(messages).toHaveLength(4326);
    expect(result.stats.empty).toBe(0);
    expect(result.issues).toHaveLength(10);
  });

  it('puts the concentrated campaigns the problem statement describes at the top', () => {
    const top5 = result.issues.slice(0, 5).map((i) => i.place);
    // 丽发新城 (mixing plant), 伊景园滨河苑 (bundled parking), 58车贷 (fraud victims): every published solution has them.
    expect(top5[0]).toContain('丽发新城');
    expect(top5).toEqual(expect.arrayContaining([expect.stringContaining('伊景园滨河苑'), expect.stringContaining('58车贷')]));
    const mixing = result.issues[0]!;
    expect(mixing.description).toMatch(/搅拌/);
    expect(mixing.messageCount).toBeGreaterThanOrEqual(45);
    // The problem statement's own example (魅力之城 shops' fumes and noise) is in the top ten.
    const meili = result.issues.find((i) => i.place.includes('魅力之城'));
    expect(meili?.rank).toBeLessThanOrEqual(10);
    expect(meili!.messages.filter((m) => /油烟|噪音|夜宵|凌晨|烧烤|门面/.test(m.title)).length / meili!.messageCount).toBeGreaterThan(0.8);
    for (const issue of result.issues) console.log(`#${issue.rank} ${issue.heat} ${issue.firstAt.slice(0, 10)}~${issue.lastAt.slice(0, 10)} ${issue.place} | ${issue.description} (${issue.messageCount} 条, ${issue.requesterCount} 人, 点赞 ${issue.likes})`);
  });

  it('keeps different matters at one compound apart', () => {
    const mixing = result.issues[0]!;
    const titles = mixing.messages.map((m) => m.title);
    expect(titles.some((t) => t.includes('断业主家水'))).toBe(false);
    expect(titles.filter((t) => t.includes('搅拌')).length / titles.length).toBeGreaterThan(0.8);
  });
});
