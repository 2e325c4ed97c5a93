import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasBadText } from '../../../platform/text/text-safety.ts';
import { MAX_ANALYSED_CHARS, normalizeIssueText } from './issue-text.normalize.ts';
import { TRADITIONAL_TABLE_SIZE, toSimplified } from '../text/traditional-chars.ts';

describe('normalizeIssueText', () => {
  it('strips markup, scripts and entities but keeps the words', () => {
    expect(normalizeIssueText('<p>丽发新城<b>小区</b>&nbsp;噪音</p><script>alert(1)</script>&lt;扰民&gt;')).toBe('丽发新城 小区 噪音 <扰民>');
  });

  it('folds full-width letters and digits and simplifies traditional characters', () => {
    expect(normalizeIssueText('Ａ市Ａ２區麗發新城小區３號樓')).toBe('A市A2区丽发新城小区3号楼');
  });

  it('drops emoji, joiners and control characters', () => {
    expect(normalizeIssueText('路灯不亮😡👨‍👩‍👧\u0007太黑了\u200b')).toBe('路灯不亮 太黑了');
  });

  it('treats empty, blank and non-string input as empty text', () => {
    expect(normalizeIssueText('')).toBe('');
    expect(normalizeIssueText('   \n\t ')).toBe('');
    expect(normalizeIssueText(undefined)).toBe('');
    expect(normalizeIssueText(42)).toBe('');
  });

  it('caps huge text at the analysed length', () => {
    expect(normalizeIssueText('噪'.repeat(1_000_000))).toHaveLength(MAX_ANALYSED_CHARS);
  });

  it('never returns NUL, lone surrogates or a longer string, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const out = normalizeIssueText(s);
        expect(hasBadText(out)).toBe(false);
        expect(out.length).toBeLessThanOrEqual(Math.max(s.length, 1) * 4);
      }),
      { numRuns: 300 },
    );
  });
});

describe('toSimplified', () => {
  it('maps a few hundred common traditional characters and leaves others alone', () => {
    expect(TRADITIONAL_TABLE_SIZE).toBeGreaterThan(700);
    expect(toSimplified('噪音擾民，開發商違規')).toBe('噪音扰民，开发商违规');
    expect(toSimplified('abc 丽发')).toBe('abc 丽发');
  });
});
