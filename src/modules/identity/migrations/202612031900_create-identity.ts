import { sql } from 'kysely';
import type { SchemaMigration } from '../../../platform/db/migrator.ts';

export const createIdentity: SchemaMigration = {
  async up(db, dialect) {
    await db.schema
      .createTable('identity_account')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('staff_id', 'text')
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('demo', 'integer', (c) => c.notNull())
      .addColumn('password_changed_at', 'text', (c) => c.notNull())
      .addColumn('last_login_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('identity_grant')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('department_id', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('identity_grant_account').on('identity_grant').column('account_id').execute();
    await db.schema
      .createTable('identity_session')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('identity_session_account').on('identity_session').column('account_id').execute();
    await db.schema
      .createTable('identity_token')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('department_id', 'text')
      .addColumn('owner_account_id', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('expires_at', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('demo', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('identity_login_throttle')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('window_started_at', 'text')
      .addColumn('locked_until', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('identity_audit')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_label', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text')
      .addColumn('ip', 'text')
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('identity_audit_action').on('identity_audit').columns(['action', 'id']).execute();
    await db.schema.createIndex('identity_audit_actor').on('identity_audit').columns(['actor_id', 'id']).execute();
    // Append-only in the database itself, not only by convention in the repository.
    if (dialect.name === 'postgres') {
      await sql`create function identity_audit_append_only() returns trigger language plpgsql as $$ begin raise exception 'identity_audit is append-only'; end $$`.execute(db);
      await sql`create trigger identity_audit_no_change before update or delete on identity_audit for each row execute function identity_audit_append_only()`.execute(db);
    } else {
      await sql`create trigger identity_audit_no_update before update on identity_audit begin select raise(abort, 'identity_audit is append-only'); end`.execute(db);
      await sql`create trigger identity_audit_no_delete before delete on identity_audit begin select raise(abort, 'identity_audit is append-only'); end`.execute(db);
    }
  },
};
