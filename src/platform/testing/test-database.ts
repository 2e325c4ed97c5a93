import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../db/database.ts';
import { migrateToLatest, type MigrationSet } from '../db/migrator.ts';

/**
 * Integration tests run on SQLite in memory by default and on PostgreSQL when
 * CITYLOOP_TEST_DATABASE_URL points at one: each call gets a fresh schema, dropped on close.
 */
export function testDatabaseUrl(): string | undefined {
  const url = process.env.CITYLOOP_TEST_DATABASE_URL;
  return url && url.length > 0 ? url : undefined;
}

/** Which engine integration tests run on in this process. */
export function testEngine(): 'sqlite' | 'postgres' {
  return testDatabaseUrl()?.startsWith('postgres') ? 'postgres' : 'sqlite';
}

export interface TestDatabase extends Database {
  /** The URL (and schema) to open the same database again, e.g. from a second app instance. */
  readonly reopenUrl: string;
  readonly schema: string | undefined;
}

/** A fresh, migrated database for one test file. */
export async function openTestDatabase(migrations: Record<string, MigrationSet>): Promise<TestDatabase> {
  const base = testDatabaseUrl();
  if (base && base.startsWith('postgres')) {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const database = await openDatabase(base, { schema });
    const dropSchema = () => dropTestSchema(base, schema);
    try {
      await migrateToLatest(database, migrations);
    } catch (err) {
      await database.close();
      await dropSchema();
      throw err;
    }
    return {
      ...database,
      schema,
      reopenUrl: withSchema(base, schema),
      close: async () => {
        await database.close();
        await dropSchema();
      },
    };
  }
  const database = await openDatabase(':memory:');
  await migrateToLatest(database, migrations);
  return { ...database, schema: undefined, reopenUrl: ':memory:' };
}

/** Drop a test schema (and everything in it) on the PostgreSQL server of `baseUrl`. */
export async function dropTestSchema(baseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl.split('?')[0] });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
}
