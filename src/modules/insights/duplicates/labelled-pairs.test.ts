import { describe, expect, it } from 'vitest';
import { buildLabelledPairs, longestCommonSubstring, subjectCore, type PairMessage } from './labelled-pairs.ts';

const DAY = 86_400_000;
const m = (id: string, user: string, title: string, at: number, label?: string): PairMessage => ({ id, user, title, text: title, at: at * DAY, ...(label ? { label } : {}) });

describe('buildLabelledPairs', () => {
  it('labels copies, repeats and organisers\' issues as duplicates, a user\'s other matters and random pairs as not', () => {
    const msgs = [
      m('a1', 'u1', 'A市星沙中茂城恶意拖欠购房资金', 0, 'x'),
      m('a2', 'u1', 'A7县星沙中茂城拖欠购房资金不退还', 3, 'x'),
      m('a3', 'u1', '请问公积金贷款额度', 5, 'x'),
      m('a4', 'u9', 'A市星沙中茂城恶意拖欠购房资金', 0, 'x'), // the same subject at the same time: a copy of a1
      m('b1', 'u2', '魅力之城小区油烟扰民', 10, 'y'),
      m('b2', 'u3', '魅力之城商铺无排烟管道', 12, 'y'),
      m('c1', 'u4', '幸福路路灯不亮', 4, 'x'),
      m('c2', 'u5', '某某学校收费问题', 6, 'x'),
    ];
    const pairs = buildLabelledPairs(msgs, { issues: [['b1', 'b2']], randomPairs: 5, seed: 3 });
    const find = (a: string, b: string) => pairs.find((p) => [msgs[p.a]!.id, msgs[p.b]!.id].sort().join() === [a, b].sort().join());
    expect(find('a1', 'a4')).toMatchObject({ duplicate: true, kind: 'copy' });
    expect(find('a1', 'a2')).toMatchObject({ duplicate: true, kind: 'repeat' });
    expect(find('a1', 'a3')).toMatchObject({ duplicate: false, kind: 'same-user-other' });
    expect(find('b1', 'b2')).toMatchObject({ duplicate: true, kind: 'organisers-issue' });
    const random = pairs.filter((p) => p.kind === 'random');
    expect(random.length).toBeGreaterThan(0);
    expect(random.every((p) => !p.duplicate && msgs[p.a]!.user !== msgs[p.b]!.user && msgs[p.a]!.label === msgs[p.b]!.label)).toBe(true);
  });

  it('ignores boilerplate when comparing subjects', () => {
    expect(subjectCore('请A市加快轨道交通建设力度')).toBe('轨道交通');
    expect(longestCommonSubstring('星沙中茂城恶意拖欠', 'a7星沙中茂城拖欠')).toBe(5);
  });
});
