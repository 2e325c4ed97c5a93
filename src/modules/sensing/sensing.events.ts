import type { Severity } from './domain/rules.ts';

/** Events the sensing module publishes. Alarms cross module boundaries; single readings never do. */
export const SENSING_EVENTS = {
  alarmRaised: 'sensing.alarm.raised',
  alarmCleared: 'sensing.alarm.cleared',
  alarmAcknowledged: 'sensing.alarm.acknowledged',
  incidentOpened: 'sensing.incident.opened',
  devicesChanged: 'sensing.devices.changed',
} as const;

/**
 * Payload of `sensing.alarm.raised` (the vital-signs module scores it: keep the fields it reads,
 * alarmId, type, severity, areaId, deviceId).
 */
export interface AlarmEventPayload {
  alarmId: string;
  type: string;
  severity: Severity;
  areaId: string | null;
  deviceId: string;
  deviceType: string;
  departmentId: string | null;
  incidentId: string | null;
  caseId: string | null;
}
