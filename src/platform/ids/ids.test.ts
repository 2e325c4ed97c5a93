import { describe, expect, it } from 'vitest';
import { isId, newId } from './ids.ts';

describe('ids', () => {
  it('makes prefixed ids that sort in creation order, also many within one instant', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    const ids = Array.from({ length: 50 }, () => newId('asg', at));
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => isId('asg', id))).toBe(true);
  });

  it('keeps the time of a historical instant in the id', () => {
    const later = newId('cas', new Date('2026-12-01T00:00:00Z'));
    const earlier = newId('cas', new Date('2011-03-01T00:00:00Z'));
    expect(earlier < later).toBe(true);
  });
});
