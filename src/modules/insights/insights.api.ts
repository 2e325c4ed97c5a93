import type { CasesApi, Kind, Urgency } from '../cases/index.ts';
import type { RelatedCandidate } from './duplicates/duplicate-index.ts';
import type { DuplicateRule } from './duplicates/duplicate-rules.ts';
import type { ClassLabel, ClassifierMethod } from './classification/text-classifier.ts';
import type { ReplyQuality } from './reply-quality/reply-quality.scorer.ts';
import type { NormalizeNotes } from './text/text-normalize.ts';

export type { RelatedCandidate } from './duplicates/duplicate-index.ts';
export type { DuplicateRule } from './duplicates/duplicate-rules.ts';
export type { ReplyQuality, ReplyFlag } from './reply-quality/reply-quality.scorer.ts';

/** A limit of the cases time-limit matrix (hours, or working days). */
export type TimeLimitValue = ReturnType<CasesApi['timeLimits']>[Kind][Urgency]['handle'];

/** What the agent has typed so far. */
export interface SuggestInput {
  title?: string;
  text: string;
  lng?: number;
  lat?: number;
  kind?: Kind;
  urgency?: Urgency;
}

/** A department suggested by the responsibility list. */
export interface DepartmentSuggestion {
  id: string;
  code: string;
  name: string;
  assisting: Array<{ id: string; name: string }>;
}

/** One suggested category with its calibrated probability and where it would go. */
export interface CategorySuggestion {
  code: string;
  name: string;
  confidence: number;
  department: DepartmentSuggestion | null;
}

/** Suggestions at intake. */
export interface SuggestResult {
  /** Top 3, best first; empty when there is no model yet or the text says nothing readable. */
  categories: CategorySuggestion[];
  /** For the best category, in the area of the given place (responsibility list). */
  department: DepartmentSuggestion | null;
  /** From the cases time-limit matrix, for the kind and urgency (given or assumed). */
  timeLimit: { kind: Kind; urgency: Urgency; assumed: boolean; signFor: TimeLimitValue; handle: TimeLimitValue } | null;
  /** Possible duplicates among recent cases (same matter, near, within the category's window). */
  duplicates: RelatedCandidate[];
  /** The area of the given place, when it lies in the city. */
  areaId: string | null;
  model: { version: number | null; method: ClassifierMethod } | null;
  /** What happened to the text (cut, markup removed, traditional characters mapped, nothing readable). */
  notes: NormalizeNotes;
}

/** A stored classifier version, without its weights. */
export interface ModelSummary {
  version: number;
  createdAt: string;
  method: string;
  labels: ClassLabel[];
  metrics: Record<string, unknown>;
  /** Size of the serialized weights (base64), bytes. */
  sizeBytes: number;
  samples: number;
  source: string;
  trigger: string;
  active: boolean;
}

/** A training run and its progress. */
export interface TrainingRun {
  id: string;
  /** `first` is the start-up training of a deployment that has no model yet. */
  trigger: 'manual' | 'schedule' | 'cli' | 'first';
  status: 'running' | 'done' | 'failed';
  stage: string;
  done: number;
  total: number;
  startedAt: string;
  finishedAt: string | null;
  modelVersion: number | null;
  error: string | null;
}

/** A scored reply waiting for (or past) review. */
export interface ReplyReview {
  caseId: string;
  number: string;
  departmentId: string | null;
  scores: { relevance: number; completeness: number; explainability: number; overall: number };
  flags: string[];
  status: 'flagged' | 'passed' | 'reviewed';
  scoredAt: string;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
}

/** A label an agent gave that differs from the model's suggestion, or a later change of category. */
export interface CategoryCorrection {
  id: string;
  caseId: string;
  fromCode: string | null;
  toCode: string;
  source: 'intake' | 'changed' | 'agent';
  modelVersion: number | null;
  actor: string | null;
  at: string;
}

/** Classification, duplicates and reply quality (part A of the insights module). */
export interface InsightsApi {
  /** Category top-3, department, time limit and duplicate candidates for a message being typed. */
  suggest(input: SuggestInput): Promise<SuggestResult>;
  /** Cases that may be the same matter as an existing case. */
  related(caseIdOrNumber: string, limit?: number): Promise<{ caseId: string; number: string; candidates: RelatedCandidate[] }>;
  /** Score a reply before the case is resolved. */
  scoreReply(requestText: string, replyText: string): ReplyQuality;
  /** Stored classifier versions, newest first. */
  models(): Promise<ModelSummary[]>;
  /** Start training a new version from the deployment's cases (runs in the background). */
  train(trigger: TrainingRun['trigger'], actor?: string | null): Promise<TrainingRun>;
  /** Recent training runs with their progress. */
  trainingRuns(limit?: number): Promise<TrainingRun[]>;
  /** Record that a case's right category is `categoryCode` (a new label for the next training). */
  correctCategory(caseIdOrNumber: string, categoryCode: string, actor: string | null): Promise<CategoryCorrection>;
  /** Radius and window per category used for duplicates. */
  duplicateRules(): readonly DuplicateRule[];
}
