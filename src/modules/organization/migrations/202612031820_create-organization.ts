import type { SchemaMigration } from '../../../platform/db/migrator.ts';

export const createOrganization: SchemaMigration = {
  async up(db) {
    await db.schema
      .createTable('organization_department')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('tier', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('parent_id', 'text')
      .addColumn('area_id', 'text')
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('organization_staff')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('department_id', 'text', (c) => c.notNull())
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('phone', 'text')
      .addColumn('grid_area_ids', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('organization_staff_department').on('organization_staff').column('department_id').execute();
    await db.schema
      .createTable('organization_rule')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('category_prefix', 'text', (c) => c.notNull())
      .addColumn('area_id', 'text', (c) => c.notNull())
      .addColumn('department_id', 'text', (c) => c.notNull())
      .addColumn('assisting_ids', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('organization_rule_key', ['category_prefix', 'area_id', 'department_id'])
      .execute();
  },
};
