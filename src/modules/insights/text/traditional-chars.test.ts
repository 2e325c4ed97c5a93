import { describe, expect, it } from 'vitest';
import { TRADITIONAL_TO_SIMPLIFIED } from './traditional-chars.ts';

describe('the traditional → simplified table', () => {
  it('covers the common characters of hotline messages', () => {
    expect(TRADITIONAL_TO_SIMPLIFIED.size).toBeGreaterThan(900);
    for (const [t, s] of [['燈', '灯'], ['擾', '扰'], ['區', '区'], ['佔', '占'], ['醫', '医'], ['資', '资']]) expect(TRADITIONAL_TO_SIMPLIFIED.get(t!.codePointAt(0)!)).toBe(s);
  });

  it('is idempotent: no simplified character is itself mapped again', () => {
    const offenders = [...TRADITIONAL_TO_SIMPLIFIED.values()].filter((s) => TRADITIONAL_TO_SIMPLIFIED.has(s.codePointAt(0)!));
    expect(offenders).toEqual([]);
  });

  it('maps single characters to single characters', () => {
    expect([...TRADITIONAL_TO_SIMPLIFIED.values()].every((s) => [...s].length === 1)).toBe(true);
  });
});
