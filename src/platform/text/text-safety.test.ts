import { describe, expect, it } from 'vitest';
import { cleanText, findBadText, hasBadText } from './text-safety.ts';

describe('text safety', () => {
  it('finds NUL and unpaired surrogates but accepts paired ones (emoji) and Chinese', () => {
    expect(hasBadText('a\u0000b')).toBe(true);
    expect(hasBadText('x\ud800y')).toBe(true);
    expect(hasBadText('x\udfffy')).toBe(true);
    expect(hasBadText('路灯不亮 😀')).toBe(false);
  });

  it('names the path of the first bad string in a JSON value', () => {
    expect(findBadText({ a: 'ok', b: [{ c: 'bad\u0000' }] })).toBe('b.0.c');
    expect(findBadText({ ['k\ud800']: 1 })).toBe('k\ud800');
    expect(findBadText({ a: ['fine'] })).toBeNull();
  });

  it('cleans file text: drops NUL and marks broken characters', () => {
    expect(cleanText('a\u0000b\ud800c')).toBe('ab\ufffdc');
  });
});
