import type { SchemaMigration } from '../../../platform/db/migrator.ts';

/** Part A tables: the case copy, models, corrections, training runs, reply reviews, settings. */
export const createInsights: SchemaMigration = {
  async up(db, dialect) {
    // What insights keeps of each case (fed by cases events + CasesApi.get): text for training and duplicates.
    await db.schema
      .createTable('insights_case')
      .addColumn('case_id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('category_code', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('urgency', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('area_id', 'text')
      .addColumn('department_id', 'text')
      .addColumn('address', 'text')
      .addColumn('lng', dialect.floatType)
      .addColumn('lat', dialect.floatType)
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('requester_key', 'text')
      .addColumn('imported', 'integer', (c) => c.notNull())
      .addColumn('suggested_code', 'text')
      .addColumn('model_version', 'integer')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('insights_case_received').on('insights_case').column('received_at').execute();
    await db.schema.createIndex('insights_case_state').on('insights_case').columns(['state', 'received_at']).execute();

    await db.schema
      .createTable('insights_model')
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('metrics', 'text', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('weights', 'text', (c) => c.notNull())
      .addColumn('size_bytes', 'integer', (c) => c.notNull())
      .addColumn('samples', 'integer', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('insights_correction')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('from_code', 'text')
      .addColumn('to_code', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('model_version', 'integer')
      .addColumn('actor', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('insights_correction_case').on('insights_correction').columns(['case_id', 'at']).execute();

    await db.schema
      .createTable('insights_training_run')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('done', 'integer', (c) => c.notNull())
      .addColumn('total', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('model_version', 'integer')
      .addColumn('error', 'text')
      .execute();

    await db.schema
      .createTable('insights_reply_review')
      .addColumn('case_id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('department_id', 'text')
      .addColumn('relevance', 'integer', (c) => c.notNull())
      .addColumn('completeness', 'integer', (c) => c.notNull())
      .addColumn('explainability', 'integer', (c) => c.notNull())
      .addColumn('overall', 'integer', (c) => c.notNull())
      .addColumn('flags', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('scored_at', 'text', (c) => c.notNull())
      .addColumn('reviewed_by', 'text')
      .addColumn('reviewed_at', 'text')
      .addColumn('review_note', 'text')
      .execute();
    await db.schema.createIndex('insights_reply_review_status').on('insights_reply_review').columns(['status', 'scored_at']).execute();

    await db.schema
      .createTable('insights_setting')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
