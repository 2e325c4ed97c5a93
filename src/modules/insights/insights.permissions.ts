/** Permissions the insights routes declare (the identity module grants them to roles). */
export const INSIGHTS_PERMISSIONS = {
  /** Suggestions while typing, related cases, reply scores, model list (agents, dispatchers, handlers, supervisors, analysts). */
  read: 'insights.read',
  /** Record a case's right category as a training label (agents, dispatchers). */
  label: 'insights.label',
  /** Train and activate classifier models, edit the duplicate rules (admins, analysts who own the model). */
  train: 'insights.train',
  /** See and close the reply-quality review queue (supervisors). */
  review: 'insights.review',
  // City-wide figures and case subjects beyond a handler's data scope: not the insights.read that
  // agents and handlers hold for suggestions.
  /** Hot issues, warnings and briefings (analysts, supervisors, dispatch centres). */
  reports: 'insights.reports.read',
  /** Mine a period's hot issues now (CPU work: analysts and supervisors). */
  mineHotIssues: 'insights.hot-issues.mine',
  /** Acknowledge and close warnings (supervisors). */
  ackWarnings: 'insights.warnings.ack',
  /** Generate or regenerate a briefing now. */
  generateBriefings: 'insights.briefings.generate',
} as const;
