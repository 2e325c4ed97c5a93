import type { MigrationSet } from '../../../platform/db/migrator.ts';
import { createSensing } from './202612040800_create-sensing.ts';

/** Schema of the sensing module (tables `sensing_*`). */
export const sensingMigrations: MigrationSet = {
  '202612040800_create-sensing': createSensing,
};
