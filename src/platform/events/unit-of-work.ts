import type { Database, Tx } from '../db/database.ts';
import type { EventBus } from './event-bus.ts';

/** What a use case gets inside its transaction. */
export interface TxContext {
  /** The transaction; repositories narrow it with `withTables`. */
  readonly tx: Tx;
  /** Append an event; it is delivered only if the transaction commits. */
  publish(name: string, payload: object, actor?: string | null): Promise<string>;
}

/** Runs a use case in one transaction and wakes event delivery after commit. */
export class UnitOfWork {
  constructor(
    private readonly database: Database,
    private readonly bus: EventBus,
  ) {}

  /** Run `fn` in a transaction; its events are delivered after commit. */
  async run<T>(fn: (ctx: TxContext) => Promise<T>): Promise<T> {
    const result = await this.database.db.transaction().execute((tx) =>
      fn({ tx, publish: (name, payload, actor = null) => this.bus.append(tx, name, payload, actor) }),
    );
    this.bus.wake();
    return result;
  }
}
