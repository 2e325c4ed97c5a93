import type { SchemaMigration } from '../../../platform/db/migrator.ts';

export const createSensing: SchemaMigration = {
  async up(db, dialect) {
    const real = dialect.floatType;
    // Epoch milliseconds for the high-rate tables (readings, rollups): an 8-byte integer key instead of
    // a 24-byte ISO string on every row, and range scans without parsing (see ADR 0006).
    const ms = dialect.name === 'postgres' ? 'bigint' : 'integer';
    await db.schema
      .createTable('sensing_device_type')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('sensing_device')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('type_code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('lng', real)
      .addColumn('lat', real)
      .addColumn('area_id', 'text')
      .addColumn('department_id', 'text')
      .addColumn('consent_at', 'text')
      .addColumn('consent_by', 'text')
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('online', 'integer', (c) => c.notNull())
      .addColumn('last_seen_at', 'text')
      .addColumn('status_changed_at', 'text')
      .addColumn('attributes', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // Unique key: a gateway that re-sends a batch whose ack it lost stores nothing twice.
    await db.schema
      .createTable('sensing_reading')
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('measure', 'text', (c) => c.notNull())
      .addColumn('at', ms, (c) => c.notNull())
      .addColumn('value', real, (c) => c.notNull())
      .addPrimaryKeyConstraint('sensing_reading_pk', ['device_id', 'measure', 'at'])
      .execute();
    await db.schema.createIndex('sensing_reading_at').on('sensing_reading').column('at').execute();
    await db.schema
      .createTable('sensing_rollup')
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('measure', 'text', (c) => c.notNull())
      .addColumn('bucket', 'text', (c) => c.notNull())
      .addColumn('start', ms, (c) => c.notNull())
      .addColumn('min', real, (c) => c.notNull())
      .addColumn('max', real, (c) => c.notNull())
      .addColumn('sum', real, (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('sensing_rollup_pk', ['device_id', 'measure', 'bucket', 'start'])
      .execute();
    await db.schema
      .createTable('sensing_rule')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('scope_id', 'text', (c) => c.notNull())
      .addColumn('pack', 'text')
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('sensing_alarm')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      // device|type while active, null once cleared: the unique index allows one active alarm per pair.
      .addColumn('open_key', 'text', (c) => c.unique())
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('acknowledged', 'integer', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('first_at', 'text', (c) => c.notNull())
      .addColumn('last_at', 'text', (c) => c.notNull())
      .addColumn('cleared_at', 'text')
      .addColumn('acknowledged_at', 'text')
      .addColumn('acknowledged_by', 'text')
      .addColumn('assignee', 'text')
      .addColumn('rules', 'text', (c) => c.notNull())
      .addColumn('value', real)
      .addColumn('area_id', 'text')
      .addColumn('department_id', 'text')
      .addColumn('incident_id', 'text')
      .addColumn('case_id', 'text')
      .addColumn('case_number', 'text')
      .addColumn('case_closed_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sensing_alarm_device').on('sensing_alarm').columns(['device_id', 'type']).execute();
    await db.schema.createIndex('sensing_alarm_case').on('sensing_alarm').column('case_id').execute();
    await db.schema.createIndex('sensing_alarm_last').on('sensing_alarm').column('last_at').execute();
    await dialect
      .autoIncrementPk(db.schema.createTable('sensing_alarm_log'), 'seq')
      .addColumn('alarm_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sensing_alarm_log_alarm').on('sensing_alarm_log').column('alarm_id').execute();
    await db.schema
      .createTable('sensing_incident')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('alarm_type', 'text', (c) => c.notNull())
      .addColumn('first_at', 'text', (c) => c.notNull())
      .addColumn('last_at', 'text', (c) => c.notNull())
      .addColumn('alarm_count', 'integer', (c) => c.notNull())
      .execute();
    // Small facts about the module's own state (e.g. whether the rollups were flushed at the last stop).
    await db.schema
      .createTable('sensing_meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
};
