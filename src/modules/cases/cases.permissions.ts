/** Permissions the cases routes declare (granted to roles by the identity module). */
export const CASES_PERMISSIONS = {
  /** See cases in one's data scope (masked personal data). */
  read: 'cases.read',
  /** Register cases (hotline agents, grid workers, systems). */
  intake: 'cases.intake',
  /** Dispatch, arbitrate returns, decide extensions, merge, close (dispatch centres). */
  dispatch: 'cases.dispatch',
  /** Sign for, return, ask for extensions, reply, resolve (departments). */
  handle: 'cases.handle',
  /** Call citizens back and record their rating. */
  callback: 'cases.callback',
  /** Chase and supervise. */
  supervise: 'cases.supervise',
  /** KPIs and their drill-down. */
  kpi: 'cases.kpi',
  /** Export lists. */
  export: 'cases.export',
  /** See citizens' names and phone numbers unmasked. */
  personal: 'cases.personal',
  /** Categories and the time-limit matrix. */
  settings: 'cases.settings',
} as const;
