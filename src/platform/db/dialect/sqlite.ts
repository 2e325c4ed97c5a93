import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../database.types.ts';
import { sqliteDialect } from './sql-dialect.ts';

/** Resolve `file:` URLs and plain paths to a file path (or `:memory:`). */
export function sqlitePath(url: string): string {
  if (url === ':memory:' || url === 'file::memory:') return ':memory:';
  if (url.startsWith('file://')) return fileURLToPath(url);
  if (url.startsWith('file:')) return resolve(url.slice('file:'.length).split('?')[0] ?? '');
  if (url.startsWith('sqlite:')) return resolve(url.slice('sqlite:'.length).replace(/^\/\//, ''));
  return resolve(url);
}

export async function openSqlite(url: string): Promise<Database> {
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new SqliteDatabase(path);
  // WAL keeps readers and the writer apart; NORMAL sync is durable against a killed process
  // (not against power loss), which is the trade-off an embedded default should make.
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('foreign_keys = ON');
  raw.pragma('cache_size = -65536');
  const db = new Kysely<object>({ dialect: new SqliteDialect({ database: raw }) });
  return {
    db,
    dialect: sqliteDialect,
    url: path,
    close: async () => {
      await db.destroy();
    },
  };
}
