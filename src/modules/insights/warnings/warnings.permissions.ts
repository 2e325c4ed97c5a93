import { INSIGHTS_PERMISSIONS as P } from '../insights.permissions.ts';

/** Permissions the warning routes declare. */
export const WARNINGS_PERMISSIONS = { read: P.reports, ack: P.ackWarnings } as const;
