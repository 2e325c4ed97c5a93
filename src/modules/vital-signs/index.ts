export type {
  VitalSignsApi, AreaRef, PeriodRef, ScoreQuery, IndicatorScoreView, DimensionScoreView, AreaScoreLine, AreaScoresView, DimensionView, IndicatorView,
  DeductionCause, DeductionView, DeductionQuery, ComparisonView, TopDeductionsView, TrendView, CatalogueView, CatalogueChange, VitalsStatus, VitalsActor,
} from './vital-signs.api.ts';
export { createVitalSignsModule, type VitalSignsModule, type VitalSignsModuleDeps } from './vital-signs.module.ts';
export type { VitalsConfig } from './vital-signs.service.ts';
export { VITALS_EVENTS, CONSUMED_EVENTS, type AlarmRaisedPayload } from './vital-signs.events.ts';
export { VITALS_PERMISSIONS } from './vital-signs.permissions.ts';
export { vitalSignsMigrations } from './migrations/index.ts';
export { DIMENSIONS, DIMENSION_ZH, type Dimension, type CatalogueBody, type IndicatorDefinition } from './domain/catalogue.ts';
export { DEFAULT_CATALOGUE, DEFAULT_ALARM_TYPES } from './domain/default-catalogue.ts';
export { NYC311_CATALOGUE } from './domain/nyc311-catalogue.ts';
export { PERIOD_KINDS, type PeriodKind } from './domain/periods.ts';
