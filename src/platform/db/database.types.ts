import type { Kysely, Transaction } from 'kysely';
import type { SqlDialect } from './dialect/sql-dialect.ts';

/** The shared Kysely handle. Each module narrows it to its own tables with `db.withTables<T>()`. */
export type Db = Kysely<object>;
/** A transaction on the shared handle. */
export type Tx = Transaction<object>;

export interface Database {
  /** Kysely instance for queries and transactions. */
  readonly db: Db;
  /** Which engine is behind it. */
  readonly dialect: SqlDialect;
  /** Connection string it was opened with (without credentials). */
  readonly url: string;
  /** PostgreSQL schema in use (search_path), when one was given. */
  readonly schema?: string | undefined;
  /** Close every connection. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL schema to use (created when missing); tests use one schema per file. */
  schema?: string;
}

