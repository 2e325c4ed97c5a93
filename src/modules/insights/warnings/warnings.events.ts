/** Events the early-warning part of insights publishes (through the unit of work, with the change). */
export const INSIGHTS_WARNING_EVENTS = {
  raised: 'insights.warning.raised',
  acknowledged: 'insights.warning.acknowledged',
  closed: 'insights.warning.closed',
} as const;

/** Payload of insights.warning.raised: the evidence a supervisor needs, no personal data. */
export interface WarningRaisedPayload {
  warningId: string;
  categoryCode: string;
  categoryName: string | null;
  areaId: string;
  areaLevel: string;
  areaName: string | null;
  grain: 'hour' | 'day';
  windowStart: string;
  windowEnd: string;
  count: number;
  expected: number;
  pValue: number;
  exampleCaseIds: string[];
}

/** Payload of insights.warning.acknowledged and insights.warning.closed. */
export interface WarningStatusPayload {
  warningId: string;
  status: 'acknowledged' | 'closed';
  by: string;
  note: string | null;
}
