/**
 * Events the cases module publishes. Payloads carry ids, state and routing facts — never a
 * citizen's name, phone or address.
 */
export const CASES_EVENTS = {
  received: 'cases.case.received',
  dispatched: 'cases.case.dispatched',
  signed: 'cases.case.signed',
  returned: 'cases.case.returned',
  extensionRequested: 'cases.case.extension-requested',
  extensionDecided: 'cases.case.extension-decided',
  replied: 'cases.case.replied',
  resolved: 'cases.case.resolved',
  rated: 'cases.case.rated',
  reopened: 'cases.case.reopened',
  closed: 'cases.case.closed',
  merged: 'cases.case.merged',
  chased: 'cases.case.chased',
  supervised: 'cases.case.supervised',
  lightChanged: 'cases.case.light-changed',
  overdue: 'cases.case.overdue-detected',
  imported: 'cases.import.completed',
  categoriesChanged: 'cases.categories.changed',
  settingsChanged: 'cases.settings.changed',
} as const;

/** Common payload of every cases.case.* event. */
export interface CaseEventPayload {
  caseId: string;
  number: string;
  state: string;
  categoryCode: string;
  areaId: string | null;
  departmentId: string | null;
  centreId: string | null;
  channel: string;
  kind: string;
  urgency: string;
}
