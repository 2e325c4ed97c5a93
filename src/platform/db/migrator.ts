import { Migrator, type Kysely, type Migration, type MigrationResult } from 'kysely';
import type { Database } from './database.ts';
import type { SqlDialect } from './dialect/sql-dialect.ts';

/** One schema change of one module. Never edited after it lands; add a new one instead. */
export interface SchemaMigration {
  up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
}

/** A module's migrations keyed by `YYYYMMDDHHmm_<verb>-<object>`. */
export type MigrationSet = Record<string, SchemaMigration>;

const NAME = /^\d{12}_[a-z0-9]+(-[a-z0-9]+)*$/;

/** Merge every module's migrations into one ordered list; names are made unique by the owner. */
export function collectMigrations(sets: Record<string, MigrationSet>, dialect: SqlDialect): Record<string, Migration> {
  const all: Record<string, Migration> = {};
  for (const [owner, set] of Object.entries(sets)) {
    for (const [name, migration] of Object.entries(set)) {
      if (!NAME.test(name)) throw new Error(`migration name ${owner}/${name} must look like YYYYMMDDHHmm_verb-object`);
      all[`${name}@${owner}`] = { up: (db) => migration.up(db, dialect) };
    }
  }
  return all;
}

/** Bring the schema up to date. Throws with the failing migration's name. */
export async function migrateToLatest(database: Database, sets: Record<string, MigrationSet>): Promise<MigrationResult[]> {
  const migrations = collectMigrations(sets, database.dialect);
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'platform_migration',
    migrationLockTableName: 'platform_migration_lock',
    // Without the schema, Kysely looks for its tables in every schema and skips creating them in a
    // fresh one when another schema of the same database already has them.
    ...(database.schema ? { migrationTableSchema: database.schema } : {}),
    // Modules land at different times; a module's older-dated migration may arrive after a newer one ran.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return results ?? [];
}
