import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURES, TextFeaturizer, idfFromCounts, tfidfInPlace } from './text-features.ts';

const chars = { ...DEFAULT_FEATURES, words: false, titleWeight: 0, bits: 16 };

describe('TextFeaturizer', () => {
  it('counts character 1–3-grams deterministically', () => {
    const f = new TextFeaturizer(chars);
    const a = f.extract('', '路灯不亮');
    const b = f.extract('', '路灯不亮');
    // 4 unigrams + 3 bigrams + 2 trigrams
    expect(a.value.reduce((s, v) => s + v, 0)).toBe(9);
    expect([...a.index]).toEqual([...b.index]);
  });

  it('does not make n-grams across punctuation or spaces', () => {
    const f = new TextFeaturizer(chars);
    expect(f.extract('', '路灯。不亮').value.reduce((s, v) => s + v, 0)).toBe(6);
    expect(f.extract('', '路灯 不亮').value.reduce((s, v) => s + v, 0)).toBe(6);
  });

  it('folds digits so house numbers do not become features', () => {
    const f = new TextFeaturizer(chars);
    expect([...f.extract('', '3号楼').index].sort()).toEqual([...f.extract('', '8号楼').index].sort());
  });

  it('gives the title its own features on top of the shared ones', () => {
    const f = new TextFeaturizer({ ...chars, titleWeight: 2 });
    const withTitle = f.extract('漏水', '');
    const asText = f.extract('', '漏水');
    expect(withTitle.index.length).toBe(asText.index.length * 2);
  });

  it('keeps domain words whole when words are on', () => {
    const f = new TextFeaturizer({ ...chars, words: true });
    const withWords = f.extract('', '路灯不亮');
    expect(withWords.value.reduce((s, v) => s + v, 0)).toBe(10); // 9 character n-grams + the word 路灯不亮
  });
});

describe('tf-idf', () => {
  it('weights rare features higher and normalises to unit length', () => {
    const f = new TextFeaturizer(chars);
    const docs = [f.extract('', '路灯不亮'), f.extract('', '路灯不亮'), f.extract('', '噪音扰民')];
    const idf = idfFromCounts(docs, f.dim);
    const v = tfidfInPlace(f.extract('', '路灯噪音'), idf);
    expect(Math.hypot(...v.value)).toBeCloseTo(1, 5);
    const unseen = tfidfInPlace(f.extract('', '彩虹'), idf);
    expect(unseen.value.every((x) => x === 0)).toBe(true);
  });
});
