import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_TEXT_CHARS, normalizeText } from './text-normalize.ts';

describe('normalizeText', () => {
  it('strips tags, scripts and entities and says markup was removed', () => {
    const r = normalizeText('<p>路灯<b>不亮</b>&nbsp;&lt;已三天&gt;</p><script>alert(1)</script>&#x4E00;&#20108;');
    expect(r.text).toBe('路灯 不亮 <已三天> 一二');
    expect(r.notes.html).toBe(true);
  });

  it('drops emoji but keeps the words around them', () => {
    expect(normalizeText('路灯不亮😡😡👍🏽 已经三天了❤️').text).toBe('路灯不亮 已经三天了');
  });

  it('folds full-width forms and case, collapses space', () => {
    expect(normalizeText('ＡＢＣ　小区  ２号楼\n\t漏水').text).toBe('abc 小区 2号楼 漏水');
  });

  it('maps traditional characters to simplified and counts them', () => {
    const r = normalizeText('路燈壞了，噪音擾民嚴重，請儘快處理');
    expect(r.text).toBe('路灯坏了,噪音扰民严重,请儘快处理');
    expect(r.notes.traditional).toBe(6);
    expect(normalizeText('路燈壞了', undefined, { mapTraditional: false }).text).toBe('路燈壞了');
  });

  it('cuts huge text to the cap and says so, without splitting a surrogate pair', () => {
    const r = normalizeText('噪'.repeat(MAX_TEXT_CHARS * 3));
    expect(r.text.length).toBe(MAX_TEXT_CHARS);
    expect(r.notes.truncated).toBe(true);
    const tricky = normalizeText(`${'a'.repeat(9)}𠀀b`, 10);
    expect(tricky.text).toBe('a'.repeat(9));
  });

  it('marks empty, blank, emoji-only and markup-only input as empty instead of failing', () => {
    for (const input of ['', '   \n', '😀😀', '<br/><div></div>', null, undefined]) expect(normalizeText(input).notes.empty).toBe(true);
  });

  it('never throws and never returns more than the cap, whatever the input', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => {
      const r = normalizeText(s, 100);
      expect(r.text.length).toBeLessThanOrEqual(100);
    }), { numRuns: 300 });
  });
});
