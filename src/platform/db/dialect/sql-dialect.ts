import type { ColumnDefinitionBuilder, CreateTableBuilder, RawBuilder } from 'kysely';
import { sql } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

/** Everything that differs between SQLite and PostgreSQL lives behind this interface. */
export interface SqlDialect {
  readonly name: DialectName;
  /** Add an auto-incrementing integer primary key column. */
  autoIncrementPk<T extends string, C extends string>(table: CreateTableBuilder<T, C>, column: string): CreateTableBuilder<T, C>;
  /** Case-insensitive LIKE operator. */
  readonly ilike: 'like' | 'ilike';
  /** Cast an aggregate (SUM/COUNT) to a JS number on read. PostgreSQL returns bigint/numeric as strings. */
  num(value: unknown): number;
  /** Expression for a column typed as 64-bit float in DDL. */
  readonly floatType: 'real' | 'double precision';
  /** Raw SQL for "greatest of two" (SQLite has max(a,b)). */
  greatest(a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<number>;
  /** The bind placeholder of the i-th parameter (1-based) in hand-written SQL for hot paths that skip the query builder. */
  placeholder(index: number): string;
}

const toNumber = (value: unknown): number => {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
};

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  autoIncrementPk: (table, column) => table.addColumn(column, 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement()),
  ilike: 'like',
  num: toNumber,
  floatType: 'real',
  greatest: (a, b) => sql<number>`max(${a}, ${b})`,
  placeholder: () => '?',
};

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  autoIncrementPk: (table, column) => table.addColumn(column, 'serial', (c: ColumnDefinitionBuilder) => c.primaryKey()),
  ilike: 'ilike',
  num: toNumber,
  floatType: 'double precision',
  greatest: (a, b) => sql<number>`greatest(${a}, ${b})`,
  placeholder: (index) => `$${index}`,
};
