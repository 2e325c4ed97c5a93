import { sql } from 'kysely';
import type { Database, Tx } from '../db/database.ts';
import type { EventBus } from './event-bus.ts';

/** What a use case gets inside its transaction. */
export interface TxContext {
  /** The transaction; repositories narrow it with `withTables`. */
  readonly tx: Tx;
  /** Append an event (written with the others at the end of the transaction); delivered only if it commits. */
  publish(name: string, payload: object, actor?: string | null): Promise<void>;
}

type Unit = (ctx: TxContext) => Promise<unknown>;

interface Waiting {
  fn: Unit;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** Most units committed together: bounds how long the first one waits for its commit. */
const MAX_GROUP = 64;

/**
 * Runs a use case in one transaction and wakes event delivery after commit.
 *
 * On SQLite (one writer, one connection) units that arrive while another is running share the next
 * transaction, each inside its own savepoint (group commit): a failing unit rolls back to its
 * savepoint and fails alone, the others commit together, and no unit hears success before the
 * commit that makes it durable. BEGIN/COMMIT and the WAL write are then paid once per group instead
 * of once per unit. PostgreSQL runs units in transactions of their own, concurrently.
 */
export class UnitOfWork {
  private readonly queue: Waiting[] = [];
  private flushing = false;
  private readonly grouped: boolean;
  /** Units run and transactions committed for them since start (their ratio is the mean group size). */
  readonly counts = { units: 0, commits: 0 };

  constructor(
    private readonly database: Database,
    private readonly bus: EventBus,
  ) {
    this.grouped = database.dialect.name === 'sqlite';
  }

  /** Run `fn` in a transaction; its events are delivered after commit. */
  run<T>(fn: (ctx: TxContext) => Promise<T>): Promise<T> {
    if (!this.grouped) return this.runAlone(fn);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async runAlone<T>(fn: (ctx: TxContext) => Promise<T>): Promise<T> {
    this.counts.units += 1;
    let published = 0;
    const result = await this.database.db.transaction().execute(async (tx) => {
      const { value, events } = await this.collect(fn, tx);
      await this.bus.appendMany(tx, events);
      published = events.length;
      return value;
    });
    this.counts.commits += 1;
    if (published > 0) this.bus.wake();
    return result;
  }

  /** Run a unit, collecting its events (written with the others at the end, still inside the transaction). */
  private async collect<T>(fn: (ctx: TxContext) => Promise<T>, tx: Tx): Promise<{ value: T; events: Array<{ name: string; payload: object; actor: string | null }> }> {
    const events: Array<{ name: string; payload: object; actor: string | null }> = [];
    const value = await fn({
      tx,
      publish: async (name, payload, actor = null) => {
        events.push({ name, payload, actor });
      },
    });
    return { value, events };
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, MAX_GROUP);
        if (group.length === 1) {
          const only = group[0]!;
          await this.runAlone(only.fn).then(only.resolve, only.reject);
          continue;
        }
        await this.runGroup(group);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async runGroup(group: Waiting[]): Promise<void> {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
    let published = 0;
    this.counts.units += group.length;
    try {
      await this.database.db.transaction().execute(async (tx) => {
        for (let i = 0; i < group.length; i++) {
          await sql.raw(`savepoint unit_${i}`).execute(tx);
          try {
            const { value, events } = await this.collect(group[i]!.fn, tx);
            await this.bus.appendMany(tx, events);
            await sql.raw(`release savepoint unit_${i}`).execute(tx);
            published += events.length;
            outcomes.push({ ok: true, value });
          } catch (err) {
            await sql.raw(`rollback to savepoint unit_${i}`).execute(tx);
            await sql.raw(`release savepoint unit_${i}`).execute(tx);
            outcomes.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      // The commit itself failed: nothing of the group is durable.
      for (const w of group) w.reject(err);
      return;
    }
    this.counts.commits += 1;
    if (published > 0) this.bus.wake();
    group.forEach((w, i) => {
      const o = outcomes[i]!;
      if (o.ok) w.resolve(o.value);
      else w.reject(o.err);
    });
  }
}
