import type { SchemaMigration } from '../../../platform/db/migrator.ts';

/** Generated daily briefings (日报), one per local day, with the figures they were built from. */
export const createInsightsBriefings: SchemaMigration = {
  async up(db) {
    await db.schema
      .createTable('insights_briefing')
      .addColumn('day', 'text', (c) => c.primaryKey())
      .addColumn('generated_at', 'text', (c) => c.notNull())
      .addColumn('generated_by', 'text')
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();
  },
};
