import type { SchemaMigration } from '../../../platform/db/migrator.ts';

/**
 * Early warning (预警): the facts of each received case the counters need, hourly and daily counters
 * per series (category × area), series metadata, and the warnings with their evidence and status.
 */
export const createInsightsWarnings: SchemaMigration = {
  async up(db, dialect) {
    await db.schema
      .createTable('insights_case_intake')
      .addColumn('case_id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'text')
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('hour', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('category_code', 'text', (c) => c.notNull())
      .addColumn('area_id', 'text')
      .addColumn('district_id', 'text')
      .addColumn('street_id', 'text')
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .execute();
    for (const [name, cols] of [
      ['insights_case_intake_day', ['day']],
      ['insights_case_intake_district', ['district_id', 'hour']],
      ['insights_case_intake_street', ['street_id', 'hour']],
    ] as const) {
      await db.schema.createIndex(name).on('insights_case_intake').columns([...cols]).execute();
    }
    await db.schema
      .createTable('insights_warning_count')
      .addColumn('series_key', 'text', (c) => c.notNull())
      .addColumn('grain', 'text', (c) => c.notNull())
      .addColumn('bucket', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('insights_warning_count_pk', ['series_key', 'grain', 'bucket'])
      .execute();
    await db.schema
      .createTable('insights_warning_series')
      .addColumn('series_key', 'text', (c) => c.primaryKey())
      .addColumn('category_code', 'text', (c) => c.notNull())
      .addColumn('area_id', 'text', (c) => c.notNull())
      .addColumn('area_level', 'text', (c) => c.notNull())
      .addColumn('first_hour', 'text', (c) => c.notNull())
      .addColumn('first_day', 'text', (c) => c.notNull())
      .addColumn('total', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('insights_warning')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('series_key', 'text', (c) => c.notNull())
      .addColumn('category_code', 'text', (c) => c.notNull())
      .addColumn('category_name', 'text')
      .addColumn('area_id', 'text', (c) => c.notNull())
      .addColumn('area_level', 'text', (c) => c.notNull())
      .addColumn('area_name', 'text')
      .addColumn('grain', 'text', (c) => c.notNull())
      .addColumn('bucket', 'text', (c) => c.notNull())
      .addColumn('window_start', 'text', (c) => c.notNull())
      .addColumn('window_end', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('expected', dialect.floatType, (c) => c.notNull())
      .addColumn('spread', dialect.floatType, (c) => c.notNull())
      .addColumn('p_value', dialect.floatType, (c) => c.notNull())
      .addColumn('z', dialect.floatType, (c) => c.notNull())
      .addColumn('evidence', 'text', (c) => c.notNull())
      .addColumn('raised_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('acknowledged_at', 'text')
      .addColumn('acknowledged_by', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('closed_by', 'text')
      .addColumn('note', 'text')
      .execute();
    await db.schema.createIndex('insights_warning_status').on('insights_warning').columns(['status', 'raised_at']).execute();
    await db.schema.createIndex('insights_warning_series_status').on('insights_warning').columns(['series_key', 'grain', 'status']).execute();
  },
};
