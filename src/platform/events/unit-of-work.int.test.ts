import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/clock.ts';
import { createLogger } from '../logging/logger.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../testing/test-database.ts';
import { EventBus, outboxMigrations } from './event-bus.ts';
import { UnitOfWork } from './unit-of-work.ts';

const silent = createLogger({ level: 'silent' });

describe(`unit of work on ${testEngine()}`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase({
      platform: outboxMigrations,
      uowtest: {
        '202612040000_create-uow-test': {
          up: async (d) => {
            await d.schema.createTable('uowtest_item').addColumn('n', 'integer', (c) => c.primaryKey()).execute();
          },
        },
      },
    });
  });
  afterAll(async () => db?.close());

  const items = async () =>
    (await db.db.withTables<{ uowtest_item: { n: number } }>().selectFrom('uowtest_item').select('n').orderBy('n').execute()).map((r) => Number(r.n));
  const outboxNs = async () =>
    (await db.db.withTables<{ platform_outbox: { name: string; payload: string } }>().selectFrom('platform_outbox').select('payload').where('name', '=', 'uowtest.item.added').execute())
      .map((r) => Number((JSON.parse(r.payload) as { n: number }).n))
      .sort((a, b) => a - b);

  it('commits concurrent units together while a failing one rolls back alone, with its events', async () => {
    const bus = new EventBus(db, new ManualClock('2026-12-01T00:00:00Z'), silent);
    const uow = new UnitOfWork(db, bus);
    const add = (n: number) =>
      uow.run(async ({ tx, publish }) => {
        await sql`insert into uowtest_item (n) values (${n})`.execute(tx);
        await publish('uowtest.item.added', { n });
        // Unit 7 fails after writing and publishing: neither may survive.
        if (n === 7) throw new Error('unit 7 fails');
        // Unit 12 breaks the primary key of unit 11: the database refuses it.
        if (n === 12) await sql`insert into uowtest_item (n) values (${11})`.execute(tx);
        return n * 10;
      });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => add(i)));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    expect(failed).toEqual([7, 12]);
    expect(results[3]).toEqual({ status: 'fulfilled', value: 30 });
    const kept = Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 7 && i !== 12);
    expect(await items()).toEqual(kept);
    expect(await outboxNs()).toEqual(kept);
    // SQLite shares commits among units that wait together; PostgreSQL gives each its own.
    expect(uow.counts.units).toBe(20);
    if (testEngine() === 'sqlite') expect(uow.counts.commits).toBeLessThan(5);
    else expect(uow.counts.commits).toBe(18);
  });

  it('answers a unit only once its writes are visible to every later reader', async () => {
    const bus = new EventBus(db, new ManualClock('2026-12-01T00:00:00Z'), silent);
    const uow = new UnitOfWork(db, bus);
    const seenAfter = await Promise.all(
      [100, 101, 102].map(async (n) => {
        await uow.run(async ({ tx }) => {
          await sql`insert into uowtest_item (n) values (${n})`.execute(tx);
        });
        return (await items()).includes(n);
      }),
    );
    expect(seenAfter).toEqual([true, true, true]);
  });
});
