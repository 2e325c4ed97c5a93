/**
 * Group commit: writes arriving while a transaction is in flight (or within `lingerMs` of the first)
 * are gathered into the next transaction, and every caller's promise settles when the transaction
 * holding its items has committed. One fsync then covers thousands of readings, and an ack sent
 * after `write()` resolves is an ack of durable data.
 */
export class GroupCommit<T> {
  private pending: T[] = [];
  /** Each waiter is settled once every item up to `end` (a running count of items queued) is committed. */
  private waiters: Array<{ end: number; resolve: () => void; reject: (err: unknown) => void }> = [];
  private queued = 0;
  private taken = 0;
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Transactions committed and items written (for the benchmark and /metrics). */
  readonly stats = { commits: 0, items: 0 };

  constructor(
    private readonly commit: (items: T[]) => Promise<void>,
    private readonly options: { lingerMs: number; maxItems: number } = { lingerMs: 2, maxItems: 20_000 },
  ) {}

  /** Queue items; resolves once they are committed, rejects when their transaction failed. */
  write(items: readonly T[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('group commit closed'));
    if (items.length === 0) return Promise.resolve();
    for (const item of items) this.pending.push(item);
    this.queued += items.length;
    const end = this.queued;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ end, resolve, reject }));
    this.schedule();
    return done;
  }

  private schedule(): void {
    if (this.flushing || this.timer) return;
    if (this.pending.length >= this.options.maxItems || this.options.lingerMs <= 0) {
      this.flushing = this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flushing = this.flush();
    }, this.options.lingerMs);
  }

  private async flush(): Promise<void> {
    // Loop while writes keep arriving: each round commits everything gathered during the previous one.
    while (this.pending.length > 0) {
      const items = this.pending.splice(0, this.options.maxItems);
      this.taken += items.length;
      try {
        await this.commit(items);
        this.stats.commits += 1;
        this.stats.items += items.length;
        // Waiters are settled with the round that holds the last of their items.
        let n = 0;
        while (n < this.waiters.length && this.waiters[n]!.end <= this.taken) n += 1;
        for (const w of this.waiters.splice(0, n)) w.resolve();
      } catch (err) {
        // Whoever had an item in the failed round is failed, and so is everyone queued behind it (their
        // batches may share it): none of them is acked, so clients re-send, and the readings key makes
        // re-sends of what did commit harmless.
        const all = this.waiters.splice(0);
        this.taken += this.pending.length;
        this.pending = [];
        for (const w of all) w.reject(err);
      }
    }
    this.flushing = null;
  }

  /** Wait for everything queued to be committed; later writes are refused. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.flushing = this.flush();
    }
    await this.flushing;
  }
}
