/** A fact that happened, as stored in the outbox and delivered to subscribers. */
export interface DomainEvent<P = Record<string, unknown>> {
  /** Outbox sequence number: the delivery order. */
  seq: number;
  /** Unique id (`evt_…`), stable across redeliveries: handlers dedupe on it when needed. */
  id: string;
  /** `<module>.<entity>.<past-tense>`, e.g. `cases.case.dispatched`. */
  name: string;
  occurredAt: string;
  actor: string | null;
  payload: P;
}

/** A handler must be idempotent: delivery is at least once. */
export type EventHandler = (event: DomainEvent) => Promise<void>;

export const EVENT_NAME = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;
