export type { CasesApi, Actor, ActorScope, Caller, RoleGrant, IntakeInput, DispatchInput, CaseView, PublicCaseView, KpiRow } from './cases.api.ts';
export { SYSTEM_ACTOR } from './cases.api.ts';
export { CASES_EVENTS, type CaseEventPayload } from './cases.events.ts';
export { createCasesModule, type CasesModule } from './cases.module.ts';
export { casesMigrations } from './migrations/index.ts';
export { CHANNELS, KINDS, URGENCIES, CASE_STATES, RATINGS, type Channel, type Kind, type Urgency, type CaseState } from './domain/case-types.ts';
export { DEFAULT_CATEGORIES } from './domain/default-categories.ts';
export { DEFAULT_TIME_LIMITS } from './domain/time-limits.ts';
export { CASES_PERMISSIONS } from './cases.permissions.ts';
