import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../database.types.ts';
import { postgresDialect } from './sql-dialect.ts';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openPostgres(url: string, schema?: string): Promise<Database> {
  const parsed = new URL(url);
  const schemaName = schema ?? parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  if (schemaName !== undefined && !SCHEMA_NAME.test(schemaName)) {
    throw new Error(`invalid PostgreSQL schema name: ${schemaName}`);
  }
  if (schemaName) {
    const admin = new pg.Client({ connectionString: parsed.toString() });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists "${schemaName}"`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: 10,
    ...(schemaName ? { options: `-c search_path=${schemaName}` } : {}),
  });
  const db = new Kysely<object>({ dialect: new PostgresDialect({ pool }) });
  parsed.password = '';
  return {
    db,
    dialect: postgresDialect,
    url: parsed.toString(),
    schema: schemaName,
    close: async () => {
      await db.destroy();
    },
  };
}
