import { openSqlite } from './dialect/sqlite.ts';
import { openPostgres } from './dialect/postgres.ts';
import type { DialectName } from './dialect/sql-dialect.ts';
import type { Database, OpenDatabaseOptions } from './database.types.ts';

export type { Db, Tx, Database, OpenDatabaseOptions } from './database.types.ts';

/** The engine a database URL names: `postgres://…` / `postgresql://…` or a SQLite path / `file:` URL / `:memory:`. */
export function dialectOf(url: string): DialectName {
  return /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite';
}

/** Open a database from a URL. SQLite files and their folders are created on demand. */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  return dialectOf(url) === 'postgres' ? openPostgres(url, options.schema) : openSqlite(url);
}
