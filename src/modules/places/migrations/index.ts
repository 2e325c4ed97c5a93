import type { MigrationSet } from '../../../platform/db/migrator.ts';
import { createAreas } from './202612031810_create-areas.ts';

export const placesMigrations: MigrationSet = {
  '202612031810_create-areas': createAreas,
};
