import type { SchemaMigration } from '../../../platform/db/migrator.ts';

export const createVitals: SchemaMigration = {
  async up(db, dialect) {
    const real = dialect.floatType;
    await db.schema
      .createTable('vitals_catalogue_version')
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('checksum', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    // Append-only: every point lost or given back is a row; scores are sums of rows.
    await dialect
      .autoIncrementPk(db.schema.createTable('vitals_ledger'), 'seq')
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('indicator_code', 'text', (c) => c.notNull())
      .addColumn('catalogue_version', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('area_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('points', real, (c) => c.notNull())
      .addColumn('events', real, (c) => c.notNull())
      .addColumn('num', real, (c) => c.notNull())
      .addColumn('den', real, (c) => c.notNull())
      .addColumn('source_type', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('source_ref', 'text')
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      // One row per event, indicator and kind: a redelivered event writes nothing twice.
      .addUniqueConstraint('vitals_ledger_event_key', ['event_id', 'indicator_code', 'kind'])
      .execute();
    await db.schema.createIndex('vitals_ledger_at').on('vitals_ledger').column('at').execute();
    await db.schema.createIndex('vitals_ledger_source').on('vitals_ledger').column('source_id').execute();
    await db.schema.createIndex('vitals_ledger_indicator_at').on('vitals_ledger').columns(['indicator_code', 'at']).execute();
    await db.schema
      .createTable('vitals_snapshot')
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('area_id', 'text', (c) => c.notNull())
      .addColumn('catalogue_version', 'integer', (c) => c.notNull())
      .addColumn('overall', real)
      .addColumn('dim_safety', real)
      .addColumn('dim_cleanliness', real)
      .addColumn('dim_order', real)
      .addColumn('dim_convenience', real)
      .addColumn('losses', 'text', (c) => c.notNull())
      .addColumn('computed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('vitals_snapshot_pk', ['day', 'area_id'])
      .execute();
    await db.schema
      .createTable('vitals_attribute_area')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('parent_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('vitals_attribute_area_key', ['source', 'value'])
      .execute();
    await db.schema
      .createTable('vitals_area_alias')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text', (c) => c.notNull())
      .addColumn('area_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('vitals_area_alias_pk', ['source', 'external_id'])
      .execute();
    await db.schema
      .createTable('vitals_unplaced')
      .addColumn('case_id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('event_name', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('external_source', 'text')
      .addColumn('external_id', 'text')
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .execute();
  },
};
