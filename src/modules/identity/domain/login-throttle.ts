/** Limits against password guessing: failures within a window lock the key (a username or a client IP). */
export interface ThrottleLimit {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

const MINUTES = 60_000;

/** 5 failures for one username within 15 minutes, or 20 from one IP, lock it for 15 minutes. */
export const LOGIN_LIMITS = {
  user: { maxFailures: 5, windowMs: 15 * MINUTES, lockMs: 15 * MINUTES },
  ip: { maxFailures: 20, windowMs: 15 * MINUTES, lockMs: 15 * MINUTES },
} as const satisfies Record<string, ThrottleLimit>;

/** Stored per key. Times are ISO-8601 UTC. */
export interface ThrottleState {
  failures: number;
  windowStartedAt: string | null;
  lockedUntil: string | null;
}

export const FRESH_THROTTLE: ThrottleState = { failures: 0, windowStartedAt: null, lockedUntil: null };

/** Milliseconds until the lock ends, or 0 when the key is not locked. */
export function lockRemainingMs(state: ThrottleState | null, now: Date): number {
  if (!state?.lockedUntil) return 0;
  return Math.max(0, new Date(state.lockedUntil).getTime() - now.getTime());
}

/**
 * The state after one more failure. A failure outside the window starts a new one; reaching the limit
 * locks the key and clears the count, so the first failure after the lock does not lock it again.
 */
export function afterFailure(state: ThrottleState | null, now: Date, limit: ThrottleLimit): { state: ThrottleState; locked: boolean } {
  const t = now.getTime();
  const start = state?.windowStartedAt ? new Date(state.windowStartedAt).getTime() : null;
  const inWindow = start !== null && t - start < limit.windowMs;
  const failures = (inWindow ? (state?.failures ?? 0) : 0) + 1;
  if (failures >= limit.maxFailures) {
    return { state: { failures: 0, windowStartedAt: null, lockedUntil: new Date(t + limit.lockMs).toISOString() }, locked: true };
  }
  return { state: { failures, windowStartedAt: inWindow ? state!.windowStartedAt : now.toISOString(), lockedUntil: state?.lockedUntil ?? null }, locked: false };
}
