import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bigramHashes, derivedTitle, minhash, minhashJaccard, signatureSimilarity, sortedJaccard, textSignature } from './text-signature.ts';

describe('text signatures', () => {
  it('scores the same message 1 and unrelated messages near 0', () => {
    const a = textSignature('幸福路路灯不亮', '幸福路与人民路交叉口的路灯晚上不亮，行人很危险');
    expect(signatureSimilarity(a, a)).toBe(1);
    const b = textSignature('拖欠工资', '公司三个月没有发工资，多次讨要无果');
    expect(signatureSimilarity(a, b)).toBeLessThan(0.1);
  });

  it('scores a re-worded report of the same matter above an unrelated one', () => {
    const a = textSignature('魅力之城小区油烟扰民', '魅力之城小区底层餐馆油烟直排，每天到凌晨');
    const b = textSignature('魅力之城商铺无排烟管道', '魅力之城小区临街商铺没有排烟管道，油烟味到处都是');
    const c = textSignature('幸福路电梯故障', '幸福路三栋电梯经常停运，物业不管');
    expect(signatureSimilarity(a, b)).toBeGreaterThan(signatureSimilarity(a, c) + 0.1);
  });

  it('derives a missing title from the text the way the cases module does', () => {
    expect(derivedTitle('', '路灯\n\n不亮')).toBe('路灯 不亮');
    expect(derivedTitle('标题', '正文')).toBe('标题');
    expect(derivedTitle(null, 'x'.repeat(40))).toBe('x'.repeat(30));
  });

  it('handles empty and emoji-only text without matching everything', () => {
    const empty = textSignature('', '');
    const emoji = textSignature('', '😀😀');
    expect(empty.hasText).toBe(false);
    expect(signatureSimilarity(empty, emoji)).toBe(0);
  });

  it('estimates Jaccard from MinHash within ±0.25 of the exact value', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 5000 }), { minLength: 20, maxLength: 200 }), fc.integer({ min: 0, max: 100 }), (base, keepPct) => {
      const a = Uint32Array.from(base.map((x) => x * 2654435761));
      const kept = base.slice(0, Math.ceil((base.length * keepPct) / 100));
      const b = Uint32Array.from([...kept, ...base.map((x) => x + 100_000).slice(0, base.length - kept.length)].map((x) => x * 2654435761));
      const exact = kept.length / (2 * base.length - kept.length);
      expect(Math.abs(minhashJaccard(minhash(a), 0, minhash(b), 0) - exact)).toBeLessThan(0.25);
    }), { numRuns: 60 });
  });

  it('computes exact Jaccard of sorted sets', () => {
    const a = Uint16Array.from([1, 2, 3, 4]);
    const b = Uint16Array.from([3, 4, 5]);
    expect(sortedJaccard(a, 0, 4, b, 0, 3)).toBeCloseTo(2 / 5);
    expect(bigramHashes('路灯。不亮').length).toBe(2);
  });
});
