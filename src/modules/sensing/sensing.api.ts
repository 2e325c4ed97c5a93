import type { AlarmHistoryEntry, AlarmView } from './alarms/alarm.service.ts';
import type { DeviceType } from './domain/device-types.ts';
import type { DeviceInput, DeviceView, IngestResult } from './sensing.service.ts';

export type { AlarmView, AlarmHistoryEntry, DeviceInput, DeviceView, IngestResult, DeviceType };

/** What other modules (and the app) may ask of sensing. Readings stay inside; alarms and devices are shared. */
export interface SensingApi {
  /** Device types with their measures. */
  deviceTypes(): DeviceType[];
  /** Register devices or update them by code. */
  upsertDevices(inputs: readonly DeviceInput[]): Promise<{ created: number; updated: number; devices: DeviceView[] }>;
  /** One device by id or code. */
  getDevice(idOrCode: string): DeviceView;
  /** Validate and durably store a batch of readings, then run the rules on them. */
  ingest(items: readonly unknown[]): Promise<IngestResult>;
  /** Alarms by status, type, device. */
  listAlarms(filter: { active?: boolean; acknowledged?: boolean; type?: string; deviceId?: string }): Promise<{ items: AlarmView[] }>;
}
