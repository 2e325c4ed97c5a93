import type { SchemaMigration } from '../../../platform/db/migrator.ts';
import { KPI_COUNTERS } from '../domain/kpi.ts';

export const createCases: SchemaMigration = {
  async up(db) {
    let t = db.schema
      .createTable('cases_case')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('urgency', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('category_code', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('requester_name', 'text')
      .addColumn('requester_phone', 'text')
      .addColumn('requester_phone_key', 'text')
      .addColumn('anonymous', 'integer', (c) => c.notNull())
      .addColumn('confidential', 'integer', (c) => c.notNull())
      .addColumn('lng', 'double precision')
      .addColumn('lat', 'double precision')
      .addColumn('address', 'text')
      .addColumn('area_id', 'text')
      .addColumn('attachments', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('received_day', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text')
      .addColumn('centre_id', 'text')
      .addColumn('main_department_id', 'text')
      .addColumn('dispatched_at', 'text')
      .addColumn('sign_due_at', 'text')
      .addColumn('due_at', 'text')
      .addColumn('warn_at', 'text')
      .addColumn('light', 'text', (c) => c.notNull())
      .addColumn('overdue', 'integer', (c) => c.notNull())
      .addColumn('next_check_at', 'text')
      .addColumn('resolved_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('reply', 'text')
      .addColumn('reply_at', 'text')
      .addColumn('rating', 'integer')
      .addColumn('rated_at', 'text')
      .addColumn('callback_due_at', 'text')
      .addColumn('callback_attempts', 'integer', (c) => c.notNull())
      .addColumn('parent_id', 'text')
      .addColumn('reopen_count', 'integer', (c) => c.notNull())
      .addColumn('return_count', 'integer', (c) => c.notNull())
      .addColumn('extension_count', 'integer', (c) => c.notNull())
      .addColumn('pending_extension', 'text')
      .addColumn('chase_count', 'integer', (c) => c.notNull())
      .addColumn('supervised', 'integer', (c) => c.notNull())
      .addColumn('escalated_to_id', 'text')
      .addColumn('repeat_of_id', 'text')
      .addColumn('external_source', 'text')
      .addColumn('external_id', 'text')
      .addColumn('kpi', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull());
    t = t.addUniqueConstraint('cases_case_external', ['external_source', 'external_id']);
    await t.execute();
    for (const [name, cols] of [
      ['cases_case_state', ['state', 'received_at']],
      ['cases_case_main_dept', ['main_department_id', 'state']],
      ['cases_case_centre', ['centre_id', 'state']],
      ['cases_case_received', ['received_day']],
      ['cases_case_next_check', ['next_check_at']],
      ['cases_case_phone', ['requester_phone_key', 'received_at']],
      ['cases_case_parent', ['parent_id']],
      ['cases_case_category', ['category_code']],
    ] as const) {
      await db.schema.createIndex(name).on('cases_case').columns([...cols]).execute();
    }

    await db.schema
      .createTable('cases_assignment')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('department_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('round', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('from_centre_id', 'text')
      .addColumn('dispatched_at', 'text', (c) => c.notNull())
      .addColumn('dispatched_by', 'text')
      .addColumn('sign_due_at', 'text')
      .addColumn('signed_at', 'text')
      .addColumn('returned_at', 'text')
      .addColumn('return_reason', 'text')
      .addColumn('replied_at', 'text')
      .addColumn('reply_text', 'text')
      .addColumn('reopened', 'integer', (c) => c.notNull())
      .addColumn('sign_overdue', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('cases_assignment_case').on('cases_assignment').column('case_id').execute();
    await db.schema.createIndex('cases_assignment_dept').on('cases_assignment').columns(['department_id', 'status']).execute();

    await db.schema
      .createTable('cases_history')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('from_state', 'text')
      .addColumn('to_state', 'text', (c) => c.notNull())
      .addColumn('department_id', 'text')
      .addColumn('public', 'integer', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('data', 'text', (c) => c.notNull())
      .addUniqueConstraint('cases_history_case_seq', ['case_id', 'seq'])
      .execute();

    await db.schema
      .createTable('cases_category')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('parent_code', 'text')
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('cases_number_seq')
      .addColumn('day', 'text', (c) => c.primaryKey())
      .addColumn('last', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('cases_setting')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    let r = db.schema
      .createTable('cases_kpi_rollup')
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('department_id', 'text', (c) => c.notNull())
      .addColumn('category_code', 'text', (c) => c.notNull());
    for (const k of KPI_COUNTERS) r = r.addColumn(`c_${k}`, 'integer', (c) => c.notNull().defaultTo(0));
    await r.addPrimaryKeyConstraint('cases_kpi_rollup_pk', ['day', 'department_id', 'category_code']).execute();
    await db.schema.createIndex('cases_kpi_rollup_dept').on('cases_kpi_rollup').columns(['department_id', 'day']).execute();

    await db.schema
      .createTable('cases_open311_key')
      .addColumn('key_hash', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('demo', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
};
