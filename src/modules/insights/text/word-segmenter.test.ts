import { describe, expect, it } from 'vitest';
import { addDomainWords, keywords, segmentWords } from './word-segmenter.ts';

describe('segmentWords', () => {
  it('keeps hotline terms whole that the general dictionary splits', () => {
    const words = segmentWords('小区门口路灯不亮，还有占道经营，晚上噪音扰民');
    for (const w of ['路灯不亮', '占道经营', '噪音扰民']) expect(words).toContain(w);
    expect(words).not.toContain('，');
  });

  it('learns a deployment\'s own terms', () => {
    expect(segmentWords('魅力之城小区油烟')).not.toContain('魅力之城');
    addDomainWords(['魅力之城']);
    expect(segmentWords('魅力之城小区油烟')).toContain('魅力之城');
  });

  it('returns nothing for empty text', () => {
    expect(segmentWords('')).toEqual([]);
    expect(keywords('', 5)).toEqual([]);
  });
});

describe('keywords', () => {
  it('ranks the words that name the matter first', () => {
    const top = keywords('我家小区门口的路灯不亮已经一周了，晚上走路很不方便，希望尽快维修路灯', 3).map((k) => k.word);
    expect(top).toContain('路灯');
  });
});
