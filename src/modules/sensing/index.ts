export type { SensingApi, AlarmView, AlarmHistoryEntry, DeviceInput, DeviceView, IngestResult, DeviceType } from './sensing.api.ts';
export { createSensingModule, type SensingModule, type SensingModuleDeps } from './sensing.module.ts';
export { SENSING_EVENTS, type AlarmEventPayload } from './sensing.events.ts';
export { SENSING_PERMISSIONS } from './sensing.permissions.ts';
export { sensingMigrations } from './migrations/index.ts';
export { DEFAULT_DEVICE_TYPES } from './domain/device-types.ts';
export { PACKS, PACK_RULES, type PackName } from './domain/packs.ts';
export { READINGS_TOPIC, COMMANDS_TOPIC, type MqttConfig } from './sensing.mqtt.ts';
export type { SensingConfig } from './sensing.service.ts';
