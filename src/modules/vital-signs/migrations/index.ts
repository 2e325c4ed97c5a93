import type { MigrationSet } from '../../../platform/db/migrator.ts';
import { createVitals } from './202612031930_create-vitals.ts';

/** Schema of the vital-signs module (tables `vitals_*`). */
export const vitalSignsMigrations: MigrationSet = {
  '202612031930_create-vitals': createVitals,
};
