import type { Condition, RuleDef, Schedule, Severity } from './rules.ts';

/** A rule of a domain pack: attached to a device type, optionally opening a case. */
export interface PackRule extends RuleDef {
  typeCode: string;
  openCase?: { categoryCode: string };
}

export const PACKS = ['bridge', 'oil_fume', 'elderly', 'smoke', 'street_lighting', 'air_quality'] as const;
export type PackName = (typeof PACKS)[number];

/** The city's zone offset (Asia/Shanghai keeps no daylight saving). */
const CN = 480;
const schedule = (windows: Schedule['windows']): Schedule => ({ utcOffsetMin: CN, windows });

/** Yellow / orange / red bands of one measure (JT/T 1037 grades alarms by level; the numbers are per bridge). */
function bands(pack: string, typeCode: string, alarmType: string, measure: string, name: string, limits: [number, number, number], extra: Partial<Extract<Condition, { kind: 'threshold' }>> = {}, clearForS = 10): PackRule[] {
  const levels: Array<[string, Severity, number]> = [['yellow', 'warning', limits[0]], ['orange', 'major', limits[1]], ['red', 'critical', limits[2]]];
  return levels.map(([level, severity, limit]) => ({
    id: `${pack}.${measure}.${level}`, name: `${name}（${level === 'yellow' ? '黄' : level === 'orange' ? '橙' : '红'}色）`, typeCode, alarmType, severity,
    // Cleared only once back below 80 % of the band: a value hovering at the limit does not flap.
    condition: { kind: 'threshold', measure, op: '>', value: limit, abs: true, clear: { op: '<', value: limit * 0.8 }, ...extra },
    // A vibrating deck crosses a band many times a second: one alarm per episode, cleared after 10 s below.
    clearForS,
    ...(level === 'red' ? { openCase: { categoryCode: '12.06.01' } } : {}),
  }));
}

/**
 * Default rules per domain, as data. Installed on an empty database; an admin can change or switch
 * off any of them (rules are rows, not code). See docs/sensing-*.md for each pack's reasoning.
 */
export const PACK_RULES: Readonly<Record<PackName, readonly PackRule[]>> = {
  bridge: [
    // Bands sized for the monitored test bridge (peaks of a reference load test: 0.006 g, 0.3°).
    ...bands('bridge', 'bridge_accelerometer', 'bridge_accel_level', 'acc_z', '桥梁振动加速度超限', [0.003, 0.005, 0.01]),
    // Inclination is quasi-static: its 1 s mean is compared, so vibration picked up by the sensor is not tilt.
    ...bands('bridge', 'bridge_inclinometer', 'bridge_incline_level', 'incl_deg', '桥梁倾角超限', [0.15, 0.25, 0.5], { meanOverS: 1 }),
    // Strain is compared after temperature compensation (thermal strain of the deck is not load).
    ...bands('bridge', 'bridge_strain', 'bridge_strain_level', 'strain', '桥梁应变超限', [600, 800, 1000], { tempComp: { measure: 'temp_c', perDegree: 10.8, refC: 20 } }),
  ],
  oil_fume: [
    {
      id: 'oil_fume.over_limit', name: '油烟浓度超标（GB 18483 2.0 mg/m³，10 分钟均值）', typeCode: 'oil_fume_monitor', alarmType: 'oil_fume_over_limit', severity: 'minor',
      condition: { kind: 'threshold', measure: 'fume_mg_m3', op: '>', value: 2.0, meanOverS: 600, clear: { op: '<=', value: 1.6 } },
      forS: 300, schedule: schedule([{ from: '10:00', to: '14:00' }, { from: '16:30', to: '22:00' }]), openCase: { categoryCode: '11.01.03' },
    },
    {
      id: 'oil_fume.purifier_off', name: '营业时段风机开启但净化器关闭', typeCode: 'oil_fume_monitor', alarmType: 'oil_fume_purifier_off', severity: 'major',
      condition: { kind: 'all', of: [{ kind: 'threshold', measure: 'fan_on', op: '==', value: 1 }, { kind: 'threshold', measure: 'purifier_on', op: '==', value: 0 }] },
      forS: 300, schedule: schedule([{ from: '10:00', to: '14:00' }, { from: '16:30', to: '22:00' }]), openCase: { categoryCode: '11.01.03' },
    },
  ],
  elderly: [
    {
      // Runs only with the resident's consent (electricity meters are in-home devices); ends in a human check.
      id: 'elderly.no_electricity', name: '独居老人用电低于自身基线（12 小时）', typeCode: 'electricity_meter', alarmType: 'elderly_no_electricity', severity: 'major',
      condition: { kind: 'baseline', measure: 'kwh', windowH: 12, below: 0.2, minDays: 3, maxDays: 14 }, openCase: { categoryCode: '09.03.01' },
    },
    {
      id: 'elderly.sos', name: '老人紧急呼叫按钮', typeCode: 'wearable_button', alarmType: 'elderly_sos_button', severity: 'critical',
      condition: { kind: 'threshold', measure: 'pressed', op: '==', value: 1 }, openCase: { categoryCode: '09.03.01' },
    },
  ],
  smoke: [
    {
      id: 'smoke.detected', name: '烟感报警', typeCode: 'smoke_detector', alarmType: 'smoke_detected', severity: 'critical',
      condition: { kind: 'threshold', measure: 'smoke', op: '==', value: 1 }, openCase: { categoryCode: '08.01.02' },
    },
    {
      id: 'smoke.battery', name: '烟感电量低', typeCode: 'smoke_detector', alarmType: 'smoke_battery_low', severity: 'warning',
      condition: { kind: 'threshold', measure: 'battery_pct', op: '<', value: 15, clear: { op: '>=', value: 30 } },
    },
  ],
  street_lighting: [
    {
      id: 'street_lighting.fault', name: '夜间路灯故障', typeCode: 'street_light', alarmType: 'street_light_fault', severity: 'minor',
      condition: { kind: 'threshold', measure: 'lamp_ok', op: '==', value: 0, clear: { op: '==', value: 1 } },
      forS: 600, schedule: schedule([{ from: '18:00', to: '06:30' }]), openCase: { categoryCode: '12.01.01' },
    },
  ],
  air_quality: [
    {
      id: 'air_quality.pm25', name: 'PM2.5 小时均值重度污染（>150 µg/m³）', typeCode: 'air_quality_station', alarmType: 'air_pm25_high', severity: 'major',
      condition: { kind: 'threshold', measure: 'pm25', op: '>', value: 150, meanOverS: 3600, clear: { op: '<=', value: 115 } },
    },
  ],
};
