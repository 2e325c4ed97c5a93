import { INSIGHTS_PERMISSIONS as P } from '../insights.permissions.ts';

/** Permissions the hot-issue routes declare. */
export const HOT_ISSUES_PERMISSIONS = { read: P.reports, mine: P.mineHotIssues } as const;
