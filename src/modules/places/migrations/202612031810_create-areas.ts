import type { SchemaMigration } from '../../../platform/db/migrator.ts';

export const createAreas: SchemaMigration = {
  async up(db) {
    await db.schema
      .createTable('places_area')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('parent_id', 'text')
      .addColumn('boundary', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('places_area_parent').on('places_area').column('parent_id').execute();
  },
};
