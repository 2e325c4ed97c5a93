import type { MigrationSet } from '../../../platform/db/migrator.ts';
import { createOrganization } from './202612031820_create-organization.ts';

export const organizationMigrations: MigrationSet = {
  '202612031820_create-organization': createOrganization,
};
