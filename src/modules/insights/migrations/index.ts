import type { MigrationSet } from '../../../platform/db/migrator.ts';
import { createInsightsHotIssues } from './202612032110_create-insights-hot-issues.ts';
import { createInsightsWarnings } from './202612032120_create-insights-warnings.ts';
import { createInsightsBriefings } from './202612032130_create-insights-briefings.ts';
import { createInsights } from './202612041000_create-insights.ts';

/**
 * Every insights migration, oldest first; a landed file is never edited.
 */
export const insightsMigrations: MigrationSet = {
  '202612032110_create-insights-hot-issues': createInsightsHotIssues,
  '202612032120_create-insights-warnings': createInsightsWarnings,
  '202612032130_create-insights-briefings': createInsightsBriefings,
  '202612041000_create-insights': createInsights,
};
