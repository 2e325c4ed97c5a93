import type { Generated, Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.ts';
import type { Database, Db, Tx } from '../db/database.ts';
import type { MigrationSet } from '../db/migrator.ts';
import { newId } from '../ids/ids.ts';
import { EVENT_NAME, type DomainEvent, type EventHandler } from './domain-event.ts';

type OutboxTables = {
  platform_outbox: { seq: Generated<number>; id: string; name: string; actor: string | null; occurred_at: string; payload: string };
  platform_outbox_cursor: { subscriber: string; last_seq: number; updated_at: string };
  platform_outbox_dead: { subscriber: string; seq: number; event_id: string; attempts: number; error: string; at: string };
};

export const outboxMigrations: MigrationSet = {
  '202612031800_create-outbox': {
    async up(db, dialect) {
      await dialect
        .autoIncrementPk(db.schema.createTable('platform_outbox'), 'seq')
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('actor', 'text')
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('platform_outbox_cursor')
        .addColumn('subscriber', 'text', (c) => c.primaryKey())
        .addColumn('last_seq', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('platform_outbox_dead')
        .addColumn('subscriber', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('error', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('platform_outbox_dead_pk', ['subscriber', 'seq'])
        .execute();
    },
  },
};

interface Subscription {
  subscriber: string;
  /** durable: cursor stored in the database (exactly one process handles each event);
   *  broadcast: cursor kept in memory (every process handles every event, e.g. cache reloads). */
  mode: 'durable' | 'broadcast';
  memoryCursor: number | null;
  names: ReadonlySet<string> | '*';
  handler: EventHandler;
  failures: number;
  retryAt: number;
  gap: { seq: number; since: number } | null;
}

export interface EventBusOptions {
  /** How often subscribers poll even without a wake-up (another process may have written). */
  pollMs?: number;
  batchSize?: number;
  /** After this many failed attempts an event is parked in platform_outbox_dead and skipped. */
  maxAttempts?: number;
  /** How long a hole in the sequence is waited for (a transaction that has not committed yet). */
  gapWaitMs?: number;
}

/**
 * Transactional outbox with at-least-once, in-order delivery per subscriber.
 * Events are appended inside the caller's transaction and delivered after commit.
 */
export class EventBus {
  private readonly subs = new Map<string, Subscription>();
  private readonly db: Kysely<OutboxTables>;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly gapWaitMs: number;

  constructor(
    database: Database,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: EventBusOptions = {},
  ) {
    this.db = database.db.withTables<OutboxTables>();
    this.pollMs = options.pollMs ?? 1000;
    this.batchSize = options.batchSize ?? 500;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.gapWaitMs = options.gapWaitMs ?? 5000;
  }

  /** Append an event to the outbox inside the caller's transaction. */
  async append(tx: Tx | Db, name: string, payload: object, actor: string | null = null): Promise<string> {
    return (await this.appendMany(tx, [{ name, payload, actor }]))[0]!;
  }

  /** Append several events in one statement (a use case's events, in order). */
  async appendMany(tx: Tx | Db, events: ReadonlyArray<{ name: string; payload: object; actor: string | null }>): Promise<string[]> {
    if (events.length === 0) return [];
    const now = this.clock.now();
    const rows = events.map((e) => {
      if (!EVENT_NAME.test(e.name)) throw new Error(`bad event name ${e.name}`);
      return { id: newId('evt', now), name: e.name, actor: e.actor, occurred_at: now.toISOString(), payload: JSON.stringify(e.payload) };
    });
    await tx.withTables<OutboxTables>().insertInto('platform_outbox').values(rows).execute();
    return rows.map((r) => r.id);
  }

  /** Register a handler; `names` lists the events it wants ('*' for all). Register before start(). */
  subscribe(subscriber: string, names: readonly string[] | '*', handler: EventHandler): void {
    this.add(subscriber, names, handler, 'durable');
  }

  /**
   * Register a handler that runs in EVERY process for events from the moment of `prime()` on (an
   * in-memory cursor): for caches each process keeps, so an import by the CLI reaches a running server.
   */
  subscribeBroadcast(subscriber: string, names: readonly string[] | '*', handler: EventHandler): void {
    this.add(subscriber, names, handler, 'broadcast');
  }

  /** Start broadcast subscribers at the newest event. Call before loading the caches they refresh. */
  async prime(): Promise<void> {
    const row = await this.db.selectFrom('platform_outbox').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst();
    const top = row?.m === null || row?.m === undefined ? 0 : Number(row.m);
    for (const sub of this.subs.values()) if (sub.mode === 'broadcast') sub.memoryCursor = top;
  }

  private add(subscriber: string, names: readonly string[] | '*', handler: EventHandler, mode: Subscription['mode']): void {
    if (this.subs.has(subscriber)) throw new Error(`subscriber ${subscriber} already registered`);
    this.subs.set(subscriber, {
      subscriber,
      mode,
      memoryCursor: null,
      names: names === '*' ? '*' : new Set(names),
      handler,
      failures: 0,
      retryAt: 0,
      gap: null,
    });
  }

  /** Start background delivery. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stop background delivery and wait for the current round. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Ask for a delivery round soon (called after a commit). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Deliver everything pending now, for tests and CLI commands that need the effects before exiting. */
  async drain(): Promise<void> {
    // Rounds never overlap (an overlapping round would hand the same events to a subscriber twice).
    while (this.running) await this.running;
    const rounds = (async () => {
      for (let i = 0; i < 1000; i++) {
        const delivered = await this.round(true);
        if (delivered === 0) return;
      }
    })();
    this.running = rounds;
    try {
      await rounds;
    } finally {
      if (this.running === rounds) this.running = null;
      if (this.again) {
        this.again = false;
        this.schedule(0);
      }
    }
  }

  /** Events pending for a subscriber (for /metrics and health). */
  async lag(subscriber: string): Promise<number> {
    const sub = this.subs.get(subscriber);
    const cursor = sub?.mode === 'broadcast' ? (sub.memoryCursor ?? 0) : await this.cursor(subscriber);
    const row = await this.db
      .selectFrom('platform_outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('seq', '>', cursor)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) {
        // A drain() is delivering: run again after it.
        this.again = true;
        return;
      }
      this.running = this.round(false)
        .catch((err: unknown) => this.logger.error({ err }, 'event delivery round failed'))
        .then(() => undefined)
        .finally(() => {
          this.running = null;
          const soon = this.again;
          this.again = false;
          this.schedule(soon ? 0 : this.pollMs);
        });
    }, ms);
    this.timer.unref();
  }

  private async cursor(subscriber: string): Promise<number> {
    const row = await this.db
      .selectFrom('platform_outbox_cursor')
      .select('last_seq')
      .where('subscriber', '=', subscriber)
      .executeTakeFirst();
    return row ? Number(row.last_seq) : 0;
  }

  private async saveCursor(subscriber: string, seq: number): Promise<void> {
    await this.db
      .insertInto('platform_outbox_cursor')
      .values({ subscriber, last_seq: seq, updated_at: this.clock.now().toISOString() })
      .onConflict((oc) => oc.column('subscriber').doUpdateSet({ last_seq: seq, updated_at: this.clock.now().toISOString() }))
      .execute();
  }

  /** One pass over every subscriber; returns how many events were handled or skipped. */
  private async round(force: boolean): Promise<number> {
    // Subscribers are independent (each keeps its own order): delivering them side by side lets
    // their transactions share commits on SQLite (UnitOfWork group commit).
    const due = [...this.subs.values()].filter((sub) => force || sub.retryAt <= Date.now());
    const counts = await Promise.all(due.map((sub) => this.deliver(sub, force)));
    return counts.reduce((a, b) => a + b, 0);
  }

  private async deliver(sub: Subscription, force: boolean): Promise<number> {
    if (sub.mode === 'broadcast' && sub.memoryCursor === null) await this.prime();
    let cursor = sub.mode === 'broadcast' ? sub.memoryCursor! : await this.cursor(sub.subscriber);
    const rows = await this.db
      .selectFrom('platform_outbox')
      .selectAll()
      .where('seq', '>', cursor)
      .orderBy('seq')
      .limit(this.batchSize)
      .execute();
    let handled = 0;
    for (const row of rows) {
      // Stopping: leave the rest of the batch for the next start (the cursor keeps what was handled).
      if (this.stopped && !force) break;
      const seq = Number(row.seq);
      if (seq !== cursor + 1) {
        // A hole: an earlier transaction may still commit (PostgreSQL sequences), or it rolled back.
        const now = Date.now();
        if (!sub.gap || sub.gap.seq !== cursor + 1) sub.gap = { seq: cursor + 1, since: now };
        if (!force && now - sub.gap.since < this.gapWaitMs) break;
        sub.gap = null;
      }
      if (sub.names === '*' || sub.names.has(row.name)) {
        const event: DomainEvent = {
          seq,
          id: row.id,
          name: row.name,
          occurredAt: row.occurred_at,
          actor: row.actor,
          payload: JSON.parse(row.payload) as Record<string, unknown>,
        };
        try {
          await sub.handler(event);
          sub.failures = 0;
        } catch (err) {
          sub.failures += 1;
          this.logger.warn({ err, subscriber: sub.subscriber, event: row.name, seq, attempt: sub.failures }, 'event handler failed');
          if (sub.failures < this.maxAttempts) {
            sub.retryAt = Date.now() + Math.min(60_000, 250 * 2 ** sub.failures);
            break;
          }
          await this.db
            .insertInto('platform_outbox_dead')
            .values({
              subscriber: sub.subscriber,
              seq,
              event_id: row.id,
              attempts: sub.failures,
              error: err instanceof Error ? err.message : String(err),
              at: this.clock.now().toISOString(),
            })
            .onConflict((oc) => oc.doNothing())
            .execute();
          this.logger.error({ subscriber: sub.subscriber, event: row.name, seq }, 'event parked after repeated failures');
          sub.failures = 0;
        }
      }
      cursor = seq;
      handled += 1;
    }
    if (handled > 0) {
      if (sub.mode === 'broadcast') sub.memoryCursor = cursor;
      else await this.saveCursor(sub.subscriber, cursor);
    }
    return handled;
  }
}
