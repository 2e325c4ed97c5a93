import type { Attachment, CaseRecord, HistoryEntry, Assignment } from './domain/case-record.ts';
import type { CaseState, Channel, Kind, Rating, Urgency } from './domain/case-types.ts';
import type { Counters } from './domain/kpi.ts';
import type { TimeLimitMatrix } from './domain/time-limits.ts';

/** What a caller may see: everything, or cases touching these departments or lying in these areas. */
export interface ActorScope {
  all: boolean;
  departmentIds: ReadonlySet<string>;
  areaIds: ReadonlySet<string>;
}

/** Who is acting, as the HTTP layer establishes it from the session or token. */
export interface Actor {
  /** Account / token id, `system`, `citizen`, or null when unknown. */
  id: string | null;
  /** The actor's own department, when the actor is staff. Department-bound actions check it. */
  departmentId: string | null;
  /** Data scope; absent = unrestricted (the system itself: scheduler, importers, CLI). */
  scope?: ActorScope;
  /** May see citizens' names and phone numbers unmasked; absent = yes (the system itself). */
  personal?: boolean;
  /** Permissions held; absent = all (the system itself). */
  permissions?: ReadonlySet<string>;
  /** Client address, for the audit log. */
  ip?: string | null;
}

/** A role held for a department, as the identity module grants it. */
export interface RoleGrant {
  role: string;
  departmentId: string;
}

/** What the HTTP layer knows about the caller (from identity), before the cases module turns it into an Actor. */
export interface Caller {
  id: string;
  label: string;
  staffId: string | null;
  departmentId: string | null;
  grants: readonly RoleGrant[];
  permissions: ReadonlySet<string>;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', departmentId: null };

export interface IntakeInput {
  channel: Channel;
  kind: Kind;
  urgency?: Urgency;
  categoryCode: string;
  title?: string;
  text: string;
  requester?: { name?: string; phone?: string; anonymous?: boolean };
  confidential?: boolean;
  location?: { lng: number; lat: number; address?: string };
  address?: string;
  attachments?: Attachment[];
  /** When the request was received, if not now (ISO-8601 with a zone). */
  receivedAt?: string;
  /** Close at intake with this answer (直接答复). */
  directAnswer?: string;
  /** Close at intake as not accepted, with the reason (不予受理). */
  notAccepted?: string;
  /** Dispatch right away: 'auto' by the responsibility list, or a department id. */
  dispatch?: 'auto' | { departmentId: string; assistingDepartmentIds?: string[] };
  /** Idempotency / import key. */
  external?: { source: string; id: string };
}

export interface DispatchInput {
  /** A department id, or omit with auto=true to follow the responsibility list. */
  departmentId?: string;
  auto?: boolean;
  assistingDepartmentIds?: string[];
  note?: string;
}

/** A case as the staff API shows it. */
export interface CaseView extends Omit<CaseRecord, 'requesterPhoneKey'> {
  categoryName: string | null;
  mainDepartmentName: string | null;
  centreName: string | null;
  areaPath: Array<{ id: string; code: string; name: string; level: string }>;
  assignments: Array<Assignment & { departmentName: string | null }>;
  allowedActions: string[];
  children: string[];
}

/** What a citizen may see about their own case. */
export interface PublicCaseView {
  number: string;
  state: CaseState;
  stateName: string;
  title: string;
  categoryName: string | null;
  receivedAt: string;
  dueAt: string | null;
  reply: string | null;
  replyAt: string | null;
  rating: Rating | null;
  canRate: boolean;
  /** A merged case shows the progress of the case it follows. */
  followsNumber: string | null;
  timeline: Array<{ at: string; action: string; actionName: string; state: CaseState; department: string | null; note: string | null }>;
}

export interface KpiRow {
  key: string;
  name: string;
  counters: Counters;
  rates: Record<string, { value: number | null; numerator: number; denominator: number }>;
}

/** The case lifecycle. Every method that changes a case appends to its history and publishes an event. */
export interface CasesApi {
  /** Register a new case from any channel. */
  intake(input: IntakeInput, actor: Actor): Promise<CaseView>;
  /** Current state with names and allowed actions. */
  get(idOrNumber: string): Promise<CaseView>;
  /** Full staff timeline. */
  timeline(idOrNumber: string): Promise<HistoryEntry[]>;
  /** Dispatch to a department or a lower-tier centre. */
  dispatch(id: string, input: DispatchInput, actor: Actor): Promise<CaseView>;
  /** Summed KPI counters and rates. */
  kpis(query: { from: string; to: string; groupBy: 'department' | 'tier' | 'category' | 'day' | 'all'; categoryPrefix?: string; departmentId?: string; tier?: string }): Promise<KpiRow[]>;
  /** The time-limit matrix in force. */
  timeLimits(): TimeLimitMatrix;
  /** Open cases past their due time at `at`, by main department, most first. */
  overdueByDepartment(at: Date): Promise<Array<{ departmentId: string | null; name: string; count: number }>>;
}
