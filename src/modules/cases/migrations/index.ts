import type { MigrationSet } from '../../../platform/db/migrator.ts';
import { createCases } from './202612031830_create-cases.ts';

export const casesMigrations: MigrationSet = {
  '202612031830_create-cases': createCases,
};
