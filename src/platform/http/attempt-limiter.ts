import type { Clock } from '../clock/clock.ts';

/**
 * Counts failed attempts per key (a case number, a username) in a sliding window and locks the key
 * once too many have failed, for everyone: guessing 4 phone digits takes up to 10,000 tries, so a
 * handful per number per window makes it hopeless, whatever the number of client addresses.
 */
export class AttemptLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly lockedUntil = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly lockMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Milliseconds until the key may be tried again, or 0 when it may be tried now. */
  retryAfter(key: string): number {
    const until = this.lockedUntil.get(key);
    if (until === undefined) return 0;
    const left = until - this.clock.now().getTime();
    if (left <= 0) {
      this.lockedUntil.delete(key);
      this.failures.delete(key);
      return 0;
    }
    return left;
  }

  /** Record a failed attempt; returns true when the key is now locked. */
  fail(key: string): boolean {
    const now = this.clock.now().getTime();
    const recent = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    recent.push(now);
    this.failures.set(key, recent);
    if (this.failures.size > this.maxKeys) {
      // Forget the oldest keys rather than grow without bound under a flood of random keys.
      for (const k of [...this.failures.keys()].slice(0, this.failures.size - this.maxKeys)) this.failures.delete(k);
    }
    if (recent.length >= this.maxFailures) {
      this.lockedUntil.set(key, now + this.lockMs);
      return true;
    }
    return false;
  }

  /** Forget the key's failures (after a success). */
  succeed(key: string): void {
    this.failures.delete(key);
  }
}
