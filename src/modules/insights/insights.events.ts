/**
 * Events the insights module publishes. Payloads carry ids, codes and scores — never a citizen's
 * text, name or phone. Part B (hot issues, warnings, briefings) adds its names to INSIGHTS_EVENTS.
 */
export const INSIGHTS_EVENTS = {
  /** A case's text entered the insights copy (every process then indexes it for duplicates). */
  caseIndexed: 'insights.case.indexed',
  /** A new classifier version was trained and stored (every process then loads it). */
  modelTrained: 'insights.model.trained',
  /** A newly received case has likely duplicates among recent cases. */
  duplicateFound: 'insights.duplicate.found',
  /** The category an agent chose differs from the model's suggestion, or a case changed category. */
  categoryCorrected: 'insights.category.corrected',
  /** A resolved case's reply scored low and waits for review. */
  replyFlagged: 'insights.reply.flagged',
  /** The duplicate rules (radius / window per category) changed. */
  duplicateRulesChanged: 'insights.duplicate-rules.changed',
} as const;

/** Payload of insights.case.indexed. */
export interface CaseIndexedPayload {
  caseId: string;
}

/** Payload of insights.model.trained. */
export interface ModelTrainedPayload {
  version: number;
  method: string;
  samples: number;
  classes: number;
  /** Macro-F1 of the 5-fold check when one ran, else null. */
  macroF1: number | null;
  trigger: 'manual' | 'schedule' | 'cli' | 'first';
}

/** Payload of insights.duplicate.found. */
export interface DuplicateFoundPayload {
  caseId: string;
  number: string;
  candidates: Array<{ caseId: string; number: string; similarity: number; distanceM: number | null }>;
}

/** Payload of insights.category.corrected. */
export interface CategoryCorrectedPayload {
  caseId: string;
  fromCode: string | null;
  toCode: string;
  source: 'intake' | 'changed' | 'agent';
  modelVersion: number | null;
}

/** Payload of insights.reply.flagged. */
export interface ReplyFlaggedPayload {
  caseId: string;
  number: string;
  overall: number;
  flags: string[];
}
