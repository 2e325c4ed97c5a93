import type { Database, Tx } from '../db/database.ts';
import type { EventBus } from './event-bus.ts';

/** What a use case gets inside its transaction. */
export interface TxContext {
  /** The transaction; repositories narrow it with `withTables`. */
  readonly tx: Tx;
  /** Append an event (written with the others at the end of the transaction); delivered only if it commits. */
  publish(name: string, payload: object, actor?: string | null): Promise<void>;
}

/** Runs a use case in one transaction and wakes event delivery after commit. */
export class UnitOfWork {
  constructor(
    private readonly database: Database,
    private readonly bus: EventBus,
  ) {}

  /** Run `fn` in a transaction; its events are delivered after commit. */
  async run<T>(fn: (ctx: TxContext) => Promise<T>): Promise<T> {
    let published = 0;
    const result = await this.database.db.transaction().execute(async (tx) => {
      // Events are collected and written in one statement at the end, still inside the transaction.
      const events: Array<{ name: string; payload: object; actor: string | null }> = [];
      const value = await fn({
        tx,
        publish: async (name, payload, actor = null) => {
          events.push({ name, payload, actor });
        },
      });
      await this.bus.appendMany(tx, events);
      published = events.length;
      return value;
    });
    if (published > 0) this.bus.wake();
    return result;
  }
}
