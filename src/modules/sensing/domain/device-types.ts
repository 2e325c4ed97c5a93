/** One quantity a device type reports, with its unit and the range a real sensor can produce. */
export interface MeasureSpec {
  /** Code used in readings, e.g. `acc_z`, `pm25`, `kwh`. */
  code: string;
  unit: string;
  name: string;
  /** Values outside [min, max] are refused at ingest as physically impossible (a broken sensor, a unit mix-up). */
  min?: number;
  max?: number;
}

/** A kind of device, as data: what it measures and when it counts as offline. */
export interface DeviceType {
  code: string;
  name: string;
  nameEn: string;
  measures: MeasureSpec[];
  /** Seconds without any reading after which a device of this type is offline. */
  offlineAfterS: number;
  /** Installed in a home: rules run only while the resident's consent is on record. */
  inHome: boolean;
}

const m = (code: string, unit: string, name: string, min?: number, max?: number): MeasureSpec => ({ code, unit, name, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) });

/**
 * The device types a city starts with. Timeouts follow the reporting period of each kind (a meter
 * reports every minute, a smoke detector only a heartbeat every few minutes).
 */
export const DEFAULT_DEVICE_TYPES: readonly DeviceType[] = [
  { code: 'street_light', name: '路灯控制器', nameEn: 'Street light controller', offlineAfterS: 900, inHome: false,
    measures: [m('level', '%', '亮度', 0, 100), m('power_w', 'W', '功率', 0, 5000), m('lamp_ok', 'bool', '灯具正常', 0, 1)] },
  { code: 'pedestrian_counter', name: '行人计数器', nameEn: 'Pedestrian counter', offlineAfterS: 3900, inHome: false,
    measures: [m('count', 'persons', '人次', 0, 1_000_000)] },
  { code: 'bridge_accelerometer', name: '桥梁加速度计', nameEn: 'Bridge accelerometer', offlineAfterS: 60, inHome: false,
    measures: [m('acc_z', 'g', '竖向加速度', -16, 16)] },
  { code: 'bridge_strain', name: '桥梁应变计', nameEn: 'Bridge strain gauge', offlineAfterS: 60, inHome: false,
    measures: [m('strain', 'µm/m', '应变', -10_000, 10_000), m('temp_c', '°C', '温度', -60, 90)] },
  { code: 'bridge_inclinometer', name: '桥梁倾角仪', nameEn: 'Bridge inclinometer', offlineAfterS: 60, inHome: false,
    measures: [m('incl_deg', '°', '倾角', -90, 90)] },
  { code: 'oil_fume_monitor', name: '餐饮油烟监测仪', nameEn: 'Restaurant oil-fume monitor', offlineAfterS: 600, inHome: false,
    measures: [m('fume_mg_m3', 'mg/m³', '油烟浓度', 0, 1000), m('purifier_on', 'bool', '净化器运行', 0, 1), m('fan_on', 'bool', '风机运行', 0, 1)] },
  { code: 'electricity_meter', name: '智能电表', nameEn: 'Electricity meter', offlineAfterS: 900, inHome: true,
    measures: [m('kwh', 'kWh', '区间用电量', 0, 1000), m('power_kw', 'kW', '有功功率', 0, 1000)] },
  { code: 'smoke_detector', name: '独立式烟感', nameEn: 'Smoke detector', offlineAfterS: 1800, inHome: false,
    measures: [m('smoke', 'bool', '烟雾', 0, 1), m('battery_pct', '%', '电量', 0, 100)] },
  { code: 'wearable_button', name: '紧急呼叫按钮', nameEn: 'Wearable alarm button', offlineAfterS: 7200, inHome: true,
    measures: [m('pressed', 'bool', '按下', 0, 1), m('battery_pct', '%', '电量', 0, 100)] },
  { code: 'air_quality_station', name: '空气质量监测站', nameEn: 'Air-quality station', offlineAfterS: 5400, inHome: false,
    measures: [m('pm25', 'µg/m³', 'PM2.5', 0, 2000), m('pm10', 'µg/m³', 'PM10', 0, 5000), m('temp_c', '°C', '温度', -60, 90)] },
];

/** Why a type definition cannot be used; null when it can. */
export function deviceTypeProblem(t: DeviceType): string | null {
  if (!/^[a-z][a-z0-9_]{1,39}$/.test(t.code)) return `type code ${t.code} must be lower_snake (2–40)`;
  if (t.measures.length === 0) return `type ${t.code} declares no measure`;
  const seen = new Set<string>();
  for (const ms of t.measures) {
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(ms.code)) return `measure ${ms.code} must be lower_snake`;
    if (seen.has(ms.code)) return `measure ${ms.code} declared twice`;
    seen.add(ms.code);
    if (ms.min !== undefined && ms.max !== undefined && ms.min > ms.max) return `measure ${ms.code}: min > max`;
  }
  if (!(t.offlineAfterS >= 10 && t.offlineAfterS <= 7 * 86400)) return `type ${t.code}: offlineAfterS must be 10 s – 7 days`;
  return null;
}
