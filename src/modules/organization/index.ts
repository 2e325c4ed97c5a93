export {
  TIERS, TIER_ZH, ROLES, ROLE_ZH, DEPARTMENT_KINDS,
  type OrganizationApi, type Department, type DepartmentInput, type DepartmentKind, type Role, type Staff, type StaffInput,
  type ResponsibilityRule, type ResponsibilityMatch, type RuleInput, type Tier, type UpsertReport,
} from './organization.api.ts';
export { ORGANIZATION_EVENTS } from './organization.events.ts';
export { createOrganizationModule, type OrganizationModule } from './organization.module.ts';
export { organizationMigrations } from './migrations/index.ts';
export { categoryMatches } from './domain/responsibility.ts';
export { ORGANIZATION_PERMISSIONS } from './organization.permissions.ts';
