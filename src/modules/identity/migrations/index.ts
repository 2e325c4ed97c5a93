import type { MigrationSet } from '../../../platform/db/migrator.ts';
import { createIdentity } from './202612031900_create-identity.ts';

export const identityMigrations: MigrationSet = {
  '202612031900_create-identity': createIdentity,
};
