import type { CaseState, Channel, Kind, Rating, Urgency } from './case-types.ts';
import type { Light } from './time-limits.ts';

export type Outcome = 'direct_answer' | 'not_accepted' | 'resolved' | 'merged' | 'closed_by_centre';

export interface Attachment {
  name: string;
  url: string;
  contentType?: string;
}

export interface GeoPoint {
  lng: number;
  lat: number;
  address: string | null;
}

export interface PendingExtension {
  requestedAt: string;
  requestedBy: string | null;
  departmentId: string;
  extraWorkdays: number;
  extraHours: number;
  reason: string;
}

/** The current state of a case as the service keeps it (history lives beside it, append-only). */
export interface CaseRecord {
  id: string;
  number: string;
  channel: Channel;
  kind: Kind;
  urgency: Urgency;
  state: CaseState;
  categoryCode: string;
  title: string;
  text: string;
  requesterName: string | null;
  requesterPhone: string | null;
  /** Keyed hash of the phone number, to find repeat callers without reading the number. */
  requesterPhoneKey: string | null;
  anonymous: boolean;
  confidential: boolean;
  location: GeoPoint | null;
  /** Address as given (also when there is no point). */
  address: string | null;
  areaId: string | null;
  attachments: Attachment[];
  receivedAt: string;
  outcome: Outcome | null;
  /** The dispatch centre that holds the case now (pending dispatch / returned). */
  centreId: string | null;
  mainDepartmentId: string | null;
  dispatchedAt: string | null;
  signDueAt: string | null;
  dueAt: string | null;
  /** When the case turns yellow (a share of the allowed time has passed). */
  warnAt: string | null;
  light: Light;
  /** Ever past its handling deadline. */
  overdue: boolean;
  resolvedAt: string | null;
  closedAt: string | null;
  reply: string | null;
  replyAt: string | null;
  rating: Rating | null;
  ratedAt: string | null;
  callbackDueAt: string | null;
  callbackAttempts: number;
  parentId: string | null;
  reopenCount: number;
  returnCount: number;
  extensionCount: number;
  pendingExtension: PendingExtension | null;
  chaseCount: number;
  supervised: boolean;
  escalatedToId: string | null;
  repeatOfId: string | null;
  externalSource: string | null;
  externalId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** main = 主办, assist = 协办, centre = a lower-tier dispatch centre holding the case. */
export type AssignmentRole = 'main' | 'assist' | 'centre';
export type AssignmentStatus = 'pending' | 'signed' | 'returned' | 'replied' | 'done' | 'withdrawn';

/** One department's part in a case for one dispatch round. */
export interface Assignment {
  id: string;
  caseId: string;
  departmentId: string;
  role: AssignmentRole;
  round: number;
  status: AssignmentStatus;
  fromCentreId: string | null;
  dispatchedAt: string;
  dispatchedBy: string | null;
  signDueAt: string | null;
  signedAt: string | null;
  returnedAt: string | null;
  returnReason: string | null;
  repliedAt: string | null;
  replyText: string | null;
  /** The citizen rejected the result of this (main) assignment: the case was reopened. */
  reopened: boolean;
  /** The sign-for deadline passed before signing. */
  signOverdue: boolean;
}

/** One entry of a case's append-only history. */
export interface HistoryEntry {
  id: string;
  caseId: string;
  seq: number;
  at: string;
  actor: string | null;
  action: string;
  fromState: CaseState | null;
  toState: CaseState;
  departmentId: string | null;
  /** Shown to the citizen (text and fact) or internal only. */
  public: boolean;
  note: string | null;
  data: Record<string, unknown>;
}
