import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/clock.ts';
import { createLogger } from '../logging/logger.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../testing/test-database.ts';
import type { DomainEvent } from './domain-event.ts';
import { EventBus, outboxMigrations } from './event-bus.ts';
import { UnitOfWork } from './unit-of-work.ts';

const silent = createLogger({ level: 'silent' });

describe(`transactional outbox on ${testEngine()}`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase({ platform: outboxMigrations });
  });
  afterAll(async () => db?.close());

  it('delivers events of committed transactions in order and drops those of rolled-back ones', async () => {
    const bus = new EventBus(db, new ManualClock('2026-12-01T00:00:00Z'), silent);
    const uow = new UnitOfWork(db, bus);
    const seen: string[] = [];
    bus.subscribe('test.order', ['test.thing.happened'], async (e) => {
      seen.push(String(e.payload.n));
    });
    await uow.run(async ({ publish }) => {
      await publish('test.thing.happened', { n: 1 });
      await publish('test.thing.happened', { n: 2 });
    });
    await expect(
      uow.run(async ({ publish }) => {
        await publish('test.thing.happened', { n: 'rolled back' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await uow.run(async ({ publish }) => {
      await publish('test.other.happened', { n: 'not subscribed' });
      await publish('test.thing.happened', { n: 3 });
    });
    await bus.drain();
    expect(seen).toEqual(['1', '2', '3']);
    expect(await bus.lag('test.order')).toBe(0);
  });

  it('retries a failing handler and delivers at least once, keeping order for that subscriber', async () => {
    const bus = new EventBus(db, new ManualClock('2026-12-01T00:00:00Z'), silent, { maxAttempts: 5 });
    const uow = new UnitOfWork(db, bus);
    const seen: number[] = [];
    let failuresLeft = 2;
    bus.subscribe('test.retry', ['test.retry.requested'], async (e: DomainEvent) => {
      const n = Number(e.payload.n);
      if (n === 2 && failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('transient');
      }
      seen.push(n);
    });
    await uow.run(async ({ publish }) => {
      for (const n of [1, 2, 3]) await publish('test.retry.requested', { n });
    });
    await bus.drain(); // 1, then 2 fails
    await bus.drain(); // 2 fails again
    await bus.drain(); // 2, 3
    expect(seen).toEqual([1, 2, 3]);
  });

  it('parks an event that keeps failing and moves on', async () => {
    const bus = new EventBus(db, new ManualClock('2026-12-01T00:00:00Z'), silent, { maxAttempts: 2 });
    const uow = new UnitOfWork(db, bus);
    const seen: number[] = [];
    bus.subscribe('test.poison', ['test.poison.sent'], async (e) => {
      if (e.payload.n === 'bad') throw new Error('always fails');
      seen.push(Number(e.payload.n));
    });
    await uow.run(async ({ publish }) => {
      await publish('test.poison.sent', { n: 'bad' });
      await publish('test.poison.sent', { n: 7 });
    });
    await bus.drain();
    await bus.drain();
    expect(seen).toEqual([7]);
    const dead = await db.db.withTables<{ platform_outbox_dead: { subscriber: string; attempts: number } }>().selectFrom('platform_outbox_dead').selectAll().where('subscriber', '=', 'test.poison').execute();
    expect(dead.map((d) => Number(d.attempts))).toEqual([2]);
  });

  it('lets a second bus on the same database (another process) pick up events from where its cursor is', async () => {
    const clock = new ManualClock('2026-12-01T00:00:00Z');
    const writer = new EventBus(db, clock, silent);
    await new UnitOfWork(db, writer).run(async ({ publish }) => publish('test.cross.process', { n: 1 }));
    const reader = new EventBus(db, clock, silent);
    const seen: unknown[] = [];
    reader.subscribe('test.cross', ['test.cross.process'], async (e) => {
      seen.push(e.payload.n);
    });
    await reader.drain();
    expect(seen).toEqual([1]);
  });

  it('delivers broadcast events to every process, each from where it primed, without moving durable cursors', async () => {
    const clock = new ManualClock('2026-12-01T00:00:00Z');
    const a = new EventBus(db, clock, silent);
    const b = new EventBus(db, clock, silent);
    const seen: string[] = [];
    a.subscribeBroadcast('test.cache', ['test.cache.changed'], async (e) => {
      seen.push(`a${String(e.payload.n)}`);
    });
    b.subscribeBroadcast('test.cache', ['test.cache.changed'], async (e) => {
      seen.push(`b${String(e.payload.n)}`);
    });
    await new UnitOfWork(db, a).run(({ publish }) => publish('test.cache.changed', { n: 0 }));
    await a.prime();
    await b.prime();
    await new UnitOfWork(db, a).run(({ publish }) => publish('test.cache.changed', { n: 1 }));
    await a.drain();
    await b.drain();
    expect(seen.sort()).toEqual(['a1', 'b1']);
  });

  it('refuses event names that do not follow module.entity.past-tense', async () => {
    const bus = new EventBus(db, new ManualClock('2026-12-01T00:00:00Z'), silent);
    await expect(new UnitOfWork(db, bus).run(({ publish }) => publish('BadName', {}))).rejects.toThrow(/bad event name/);
  });
});
