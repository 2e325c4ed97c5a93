export type {
  InsightsApi, SuggestInput, SuggestResult, CategorySuggestion, DepartmentSuggestion, ModelSummary, TrainingRun, ReplyReview, CategoryCorrection,
  RelatedCandidate, DuplicateRule, ReplyQuality, ReplyFlag, TimeLimitValue,
} from './insights.api.ts';
export { INSIGHTS_EVENTS, type CaseIndexedPayload, type ModelTrainedPayload, type DuplicateFoundPayload, type CategoryCorrectedPayload, type ReplyFlaggedPayload } from './insights.events.ts';
export { INSIGHTS_PERMISSIONS } from './insights.permissions.ts';
export { createInsightsModule, type InsightsModule, type InsightsModuleDeps } from './insights.module.ts';
export { DEFAULT_INSIGHTS_CONFIG, type InsightsConfig, type InsightsCasesPort, type CategoryName } from './insights.service.ts';
export { insightsMigrations } from './migrations/index.ts';
export { DEFAULT_DUPLICATE_RULES } from './duplicates/duplicate-rules.ts';
