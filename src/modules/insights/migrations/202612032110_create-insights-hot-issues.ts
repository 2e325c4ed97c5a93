import type { SchemaMigration } from '../../../platform/db/migrator.ts';

/** Stored hot-issue runs (热点问题): one row per mining of a period, one per ranked issue. */
export const createInsightsHotIssues: SchemaMigration = {
  async up(db, dialect) {
    await db.schema
      .createTable('insights_hot_issue_run')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('period_from', 'text', (c) => c.notNull())
      .addColumn('period_to', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('issue_count', 'integer', (c) => c.notNull())
      .addColumn('message_count', 'integer', (c) => c.notNull())
      .addColumn('stats', 'text', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('insights_hot_issue_run_created').on('insights_hot_issue_run').columns(['created_at']).execute();
    await db.schema
      .createTable('insights_hot_issue')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('rank', 'integer', (c) => c.notNull())
      .addColumn('heat', dialect.floatType, (c) => c.notNull())
      .addColumn('place', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('first_at', 'text', (c) => c.notNull())
      .addColumn('last_at', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('insights_hot_issue_pk', ['run_id', 'rank'])
      .execute();
  },
};
