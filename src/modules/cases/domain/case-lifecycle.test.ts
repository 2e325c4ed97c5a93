import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors/app-error.ts';
import { allowedActions, assertAllowed } from './case-lifecycle.ts';

describe('case lifecycle', () => {
  it('refuses to resolve a case that was not signed for, naming the allowed actions', () => {
    try {
      assertAllowed({ state: 'dispatched', number: '202612030001' }, 'resolve');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      const e = err as AppError;
      expect(e.code).toBe('CASE_ILLEGAL_TRANSITION');
      expect(e.status).toBe(409);
      expect(e.details?.allowed).toEqual(['sign_for', 'return', 'merge', 'chase', 'supervise']);
    }
  });

  it('allows callback only on a resolved case, so a second callback after closing fails', () => {
    expect(() => assertAllowed({ state: 'resolved', number: 'x' }, 'callback')).not.toThrow();
    expect(() => assertAllowed({ state: 'closed', number: 'x' }, 'callback')).toThrow(/callback/);
  });

  it('leaves nothing to do on a merged or closed case', () => {
    expect(allowedActions('merged')).toEqual([]);
    expect(allowedActions('closed')).toEqual([]);
  });
});
