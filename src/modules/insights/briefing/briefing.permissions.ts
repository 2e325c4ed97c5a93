import { INSIGHTS_PERMISSIONS as P } from '../insights.permissions.ts';

/** Permissions the briefing routes declare. */
export const BRIEFING_PERMISSIONS = { read: P.reports, generate: P.generateBriefings } as const;
