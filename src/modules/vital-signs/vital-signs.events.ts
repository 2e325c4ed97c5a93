/** Events the vital-signs module publishes. Payloads carry ids and numbers only. */
export const VITALS_EVENTS = {
  /** Rows were added to the ledger; every process adds them to its in-memory sums. */
  ledgerAppended: 'vitals.ledger.appended',
  /** A new catalogue version is in force; every process recompiles and rebuilds its sums. */
  catalogueChanged: 'vitals.catalogue.changed',
  /** Attribute areas or aliases changed (e.g. NYC boroughs); every process rebuilds its area tree. */
  areasMapped: 'vitals.areas.mapped',
  /** A day's scores were frozen for the trend. */
  snapshotTaken: 'vitals.snapshot.taken',
} as const;

/** Events of other modules the index listens to. */
export const CONSUMED_EVENTS = {
  /** Published by the sensing module (issue 6) when an alarm is raised. */
  alarmRaised: 'sensing.alarm.raised',
} as const;

/** Payload of `sensing.alarm.raised`, as the sensing module is to publish it. */
export interface AlarmRaisedPayload {
  alarmId: string;
  /** Alarm type code, e.g. `street_light_fault`, `bridge_strain_level`, `oil_fume_over_limit`, `smoke_detected`, `elderly_no_electricity`. */
  type: string;
  severity: 'critical' | 'major' | 'minor' | 'warning';
  /** The grid (or smallest area) of the device; null = unknown, the alarm is not scored. */
  areaId: string | null;
  deviceId: string;
}

/** One ledger row as broadcast: [seq, indicator code, area id, at (epoch ms), points, events, num, den]. */
export type LedgerRowTuple = [number, string, string, number, number, number, number, number];

/** Payload of `vitals.ledger.appended`. */
export interface LedgerAppendedPayload {
  rows: LedgerRowTuple[];
}
