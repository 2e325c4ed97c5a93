import { describe, expect, it } from 'vitest';
import { afterFailure, LOGIN_LIMITS, lockRemainingMs, type ThrottleState } from './login-throttle.ts';

const t0 = new Date('2026-12-01T08:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

function fail(times: number, start: ThrottleState | null, minuteStep = 1): { state: ThrottleState | null; lockedAt: number | null } {
  let state = start;
  let lockedAt: number | null = null;
  for (let i = 0; i < times; i++) {
    const next = afterFailure(state, at(i * minuteStep), LOGIN_LIMITS.user);
    state = next.state;
    if (next.locked && lockedAt === null) lockedAt = i + 1;
  }
  return { state, lockedAt };
}

describe('login throttle', () => {
  it('locks a username on the 5th failure within 15 minutes, for 15 minutes', () => {
    const { state, lockedAt } = fail(5, null);
    expect(lockedAt).toBe(5);
    expect(lockRemainingMs(state, at(4))).toBe(15 * 60_000);
    expect(lockRemainingMs(state, at(4 + 15))).toBe(0);
  });

  it('does not lock after 4 failures', () => {
    const { state, lockedAt } = fail(4, null);
    expect(lockedAt).toBeNull();
    expect(lockRemainingMs(state, at(4))).toBe(0);
    expect(state?.failures).toBe(4);
  });

  it('starts counting again when the failures are spread beyond the window', () => {
    const { lockedAt, state } = fail(10, null, 4);
    expect(lockedAt).toBeNull();
    expect(state!.failures).toBeLessThan(5);
  });

  it('needs a full new series of failures after a lock ends, not a single one', () => {
    const locked = fail(5, null).state;
    const after = afterFailure(locked, at(30), LOGIN_LIMITS.user);
    expect(after.locked).toBe(false);
    expect(after.state.failures).toBe(1);
  });

  it('allows an IP 20 failures before locking it', () => {
    let state: ThrottleState | null = null;
    const locks: number[] = [];
    for (let i = 1; i <= 20; i++) {
      const next = afterFailure(state, at(i * 0.5), LOGIN_LIMITS.ip);
      state = next.state;
      if (next.locked) locks.push(i);
    }
    expect(locks).toEqual([20]);
  });
});
