/**
 * The catalogue a new deployment starts with (version 1): a Chinese city's vital signs over the
 * default category tree (cases module) and the alarm types the sensing module raises. Data, not
 * code: cities change it through the catalogue API, which stores a new version.
 *
 * Calibration: a perEvent indicator loses `points` per case per day in an area (capped), and half
 * of it comes back when the case is resolved on time. Points grow with how serious one occurrence
 * is (a missing manhole cover 75, an illegal flyer 15); weights with how much the problem weighs on the
 * dimension. Consultations, suggestions and praise never cost points.
 */
import { DEFAULT_CATEGORIES } from '../../cases/index.ts';
import type { AreaLevel } from '../../places/index.ts';
import type { CatalogueBody, Dimension, IndicatorDefinition, ScoringRule } from './catalogue.ts';

const ALL: AreaLevel[] = ['city', 'district', 'street', 'community', 'grid'];
const UPPER: AreaLevel[] = ['city', 'district', 'street'];
const CITY: AreaLevel[] = ['city'];

const CATEGORY = new Map(DEFAULT_CATEGORIES.map((c) => [c.code, c]));

/** [category prefix, dimension, weight, points per case, cap]; catch-alls of a family are marked by a short prefix. */
type CaseRow = readonly [prefix: string, dimension: Dimension, weight: number, points: number, cap: number];

const CASE_ROWS: readonly CaseRow[] = [
  // 安全 safety
  ['08.01.01', 'safety', 5, 60, 80], ['08.01.02', 'safety', 6, 75, 100], ['08.02.02', 'safety', 4, 45, 60],
  ['04.01.01', 'safety', 4, 60, 80], ['07.04.01', 'safety', 5, 60, 80], ['07.03.01', 'safety', 3, 45, 60],
  ['10.02.01', 'safety', 5, 60, 80], ['11.04.01', 'safety', 6, 90, 100], ['11.04.02', 'safety', 4, 60, 80],
  ['11.04.03', 'safety', 4, 45, 60], ['12.01.01', 'safety', 4, 24, 60], ['12.01.02', 'safety', 6, 75, 100],
  ['12.01.03', 'safety', 4, 45, 60], ['12.02.01', 'safety', 5, 60, 80], ['12.02.02', 'safety', 3, 30, 60],
  ['12.04.01', 'safety', 3, 45, 60], ['12.05.01', 'safety', 5, 75, 100], ['01.02.02', 'safety', 5, 60, 80],
  ['07', 'safety', 1, 24, 40], ['08', 'safety', 2, 30, 60], ['11.04', 'safety', 2, 45, 60], ['12.01', 'safety', 1, 24, 40],
  // 整洁 cleanliness
  ['02.01.01', 'cleanliness', 5, 24, 60], ['02.01.02', 'cleanliness', 5, 45, 80], ['02.01.03', 'cleanliness', 5, 45, 80],
  ['11.01.01', 'cleanliness', 6, 30, 80], ['11.01.02', 'cleanliness', 4, 24, 60], ['11.01.03', 'cleanliness', 4, 30, 60],
  ['11.02.02', 'cleanliness', 3, 15, 40], ['11.03.02', 'cleanliness', 4, 30, 60], ['12.03.01', 'cleanliness', 2, 15, 40],
  ['12.03.02', 'cleanliness', 3, 24, 60],
  ['02', 'cleanliness', 2, 30, 60], ['11.01', 'cleanliness', 2, 24, 40], ['12.03', 'cleanliness', 1, 15, 40],
  // 有序 order
  ['11.05.01', 'order', 6, 30, 80], ['11.05.02', 'order', 4, 24, 60], ['11.05.03', 'order', 5, 24, 60],
  ['11.06.01', 'order', 4, 45, 60], ['11.02.01', 'order', 3, 24, 40], ['11.03.01', 'order', 4, 30, 60],
  ['08.02.01', 'order', 5, 24, 60], ['01.03.01', 'order', 5, 45, 80], ['03.01.01', 'order', 2, 15, 40],
  ['06.01.01', 'order', 2, 15, 40], ['06.01.02', 'order', 2, 15, 40], ['06.02.01', 'order', 2, 15, 40],
  ['10.01.01', 'order', 3, 15, 40], ['10.01.02', 'order', 3, 24, 60], ['04.01.02', 'order', 2, 15, 40],
  ['04.03.01', 'order', 2, 24, 40], ['05.01.01', 'order', 2, 15, 40], ['05.02.01', 'order', 5, 30, 60],
  ['01.04.01', 'order', 3, 30, 60], ['07.01.01', 'order', 2, 15, 40],
  ['05', 'order', 1, 15, 40], ['06', 'order', 1, 15, 40], ['10', 'order', 1, 15, 40], ['11', 'order', 2, 24, 40], ['11.05', 'order', 1, 24, 40],
  // 便民 convenience
  ['01.01.01', 'convenience', 5, 24, 60], ['01.01.02', 'convenience', 2, 15, 40], ['01.02.01', 'convenience', 5, 30, 80],
  ['01.02.03', 'convenience', 5, 30, 80], ['01.02.04', 'convenience', 3, 15, 40], ['03.02.01', 'convenience', 3, 15, 40],
  ['03.02.02', 'convenience', 3, 15, 40], ['03.03.01', 'convenience', 3, 24, 60], ['12.02.03', 'convenience', 4, 30, 60],
  ['12.06.01', 'convenience', 2, 15, 40], ['05.02.02', 'convenience', 2, 9, 30], ['05.03.01', 'convenience', 2, 9, 30],
  ['05.03.02', 'convenience', 2, 9, 30], ['09.01.01', 'convenience', 2, 15, 40], ['09.02.01', 'convenience', 1, 9, 30],
  ['09.03.01', 'convenience', 3, 30, 60], ['08.03.01', 'convenience', 2, 9, 30], ['04.02.01', 'convenience', 2, 9, 30],
  ['01', 'convenience', 1, 15, 40], ['03', 'convenience', 1, 15, 40], ['04', 'convenience', 1, 15, 40], ['09', 'convenience', 1, 15, 40], ['12', 'convenience', 1, 15, 40],
];

/** [alarm type, dimension, weight, points (× severity weight), cap, 中文名, English name]. */
type AlarmRow = readonly [type: string, dimension: Dimension, weight: number, points: number, cap: number, name: string, nameEn: string];

/** Alarm types the sensing module raises (`sensing.alarm.raised` { type }); see docs/vital-signs.md. */
export const DEFAULT_ALARM_TYPES: readonly AlarmRow[] = [
  ['street_light_fault', 'safety', 3, 3, 40, '路灯故障告警', 'Street light fault'],
  ['bridge_strain_level', 'safety', 6, 20, 100, '桥梁应变超限', 'Bridge strain over level'],
  ['bridge_accel_level', 'safety', 6, 20, 100, '桥梁振动加速度超限', 'Bridge acceleration over level'],
  ['bridge_incline_level', 'safety', 5, 20, 100, '桥梁倾角超限', 'Bridge inclination over level'],
  ['smoke_detected', 'safety', 6, 30, 100, '烟感告警', 'Smoke detected'],
  ['elderly_no_electricity', 'safety', 5, 20, 100, '独居老人用电异常', 'Elderly living alone: no electricity use'],
  ['elderly_sos_button', 'safety', 5, 25, 100, '老人紧急呼叫', 'Elderly alarm button'],
  ['gas_leak', 'safety', 6, 30, 100, '燃气泄漏', 'Gas leak'],
  ['manhole_cover_open', 'safety', 4, 15, 60, '井盖位移', 'Manhole cover moved'],
  ['water_level_high', 'safety', 4, 15, 60, '易涝点水位超限', 'Flood-prone spot water level high'],
  ['elevator_trapped', 'safety', 5, 20, 80, '电梯困人', 'People trapped in a lift'],
  ['fire_hydrant_pressure_low', 'safety', 3, 10, 60, '消防栓水压不足', 'Fire hydrant pressure low'],
  ['oil_fume_over_limit', 'cleanliness', 4, 10, 60, '餐饮油烟超标', 'Restaurant oil fume over limit'],
  ['air_pm25_over_limit', 'cleanliness', 4, 10, 60, 'PM2.5 超标', 'PM2.5 over limit'],
  ['construction_dust_over_limit', 'cleanliness', 3, 10, 60, '工地扬尘超标', 'Construction dust over limit'],
  ['noise_over_limit', 'cleanliness', 3, 8, 60, '环境噪声超标', 'Noise over limit'],
  ['litter_bin_full', 'cleanliness', 2, 3, 30, '垃圾桶满溢', 'Litter bin full'],
  ['water_quality_abnormal', 'cleanliness', 3, 10, 60, '河道水质异常', 'River water quality abnormal'],
  ['illegal_parking_detected', 'order', 2, 3, 30, '视频识别违停', 'Illegal parking (video)'],
  ['street_vending_detected', 'order', 2, 3, 30, '视频识别占道经营', 'Street vending (video)'],
  ['crowd_density_high', 'order', 3, 10, 60, '人群密度过高', 'Crowd density high'],
  ['water_pressure_low', 'convenience', 2, 8, 60, '供水压力不足', 'Water supply pressure low'],
  ['power_outage', 'convenience', 3, 10, 60, '片区停电', 'Power outage'],
];

/** Category prefixes whose on-time and satisfaction rates count for each dimension. */
const RATE_CATEGORIES: Record<Dimension, string[]> = {
  safety: ['07', '08.01', '08.02.02', '04.01.01', '10.02', '11.04', '12.01', '12.02.01', '12.02.02', '12.04', '12.05', '01.02.02'],
  cleanliness: ['02', '11.01', '11.02.02', '11.03.02', '12.03'],
  order: ['11.05', '11.06', '11.02.01', '11.03.01', '08.02.01', '01.03', '01.04', '03.01', '04.01.02', '04.03', '05.01', '05.02.01', '06', '10.01'],
  convenience: ['01.01', '01.02.01', '01.02.03', '01.02.04', '03.02', '03.03', '12.02.03', '12.06', '05.02.02', '05.03', '09', '08.03', '04.02'],
};

const DIM_NAMES: Record<Dimension, [string, string]> = { safety: ['安全', 'Safety'], cleanliness: ['整洁', 'Cleanliness'], order: ['有序', 'Order'], convenience: ['便民', 'Convenience'] };

const SATISFACTION_BANDS = [{ from: 0, loss: 60 }, { from: 0.6, loss: 40 }, { from: 0.75, loss: 20 }, { from: 0.85, loss: 10 }, { from: 0.95, loss: 0 }];

/** [rate key of the cases module, dimension, weight, rule, 中文名, English name]. */
const KPI_ROWS: ReadonlyArray<readonly [string, Dimension, number, ScoringRule, string, string]> = [
  ['onTimeCompletionRate', 'convenience', 5, { type: 'bands', bands: [{ from: 0, loss: 40 }, { from: 0.8, loss: 20 }, { from: 0.9, loss: 10 }, { from: 0.95, loss: 0 }] }, '全市按时办结率', 'City on-time completion rate'],
  ['satisfactionRate', 'convenience', 5, { type: 'ratio', target: 0.9, better: 'higher', maxLoss: 60 }, '全市满意率', 'City satisfaction rate'],
  ['onTimeSignRate', 'order', 3, { type: 'ratio', target: 0.98, better: 'higher', maxLoss: 50 }, '全市按时签收率', 'City on-time sign-for rate'],
  ['callbackRate', 'convenience', 2, { type: 'ratio', target: 0.9, better: 'higher', maxLoss: 40 }, '全市回访率', 'City callback rate'],
  ['firstTimeResolutionRate', 'convenience', 3, { type: 'ratio', target: 0.85, better: 'higher', maxLoss: 40 }, '全市一次性解决率', 'City first-time resolution rate'],
  ['overdueRate', 'order', 3, { type: 'ratio', target: 0.05, better: 'lower', maxLoss: 50 }, '全市超期率', 'City overdue rate'],
  ['repeatRate', 'order', 2, { type: 'ratio', target: 0.1, better: 'lower', maxLoss: 30 }, '全市重复诉求率', 'City repeat-request rate'],
  ['returnRate', 'order', 2, { type: 'ratio', target: 0.05, better: 'lower', maxLoss: 30 }, '全市退单率', 'City return rate'],
  ['reopenRate', 'convenience', 2, { type: 'ratio', target: 0.05, better: 'lower', maxLoss: 30 }, '全市不满意重启率', 'City reopen rate'],
];

/** Sensor aggregates, declared now and scored once the sensing module publishes them (until then: no data, no loss). */
const SENSOR_ROWS: ReadonlyArray<readonly [string, 'mean' | 'max' | 'min' | 'p95', Dimension, number, ScoringRule, string, string]> = [
  ['pm25', 'mean', 'cleanliness', 4, { type: 'bands', bands: [{ from: 0, loss: 0 }, { from: 35, loss: 10 }, { from: 75, loss: 30 }, { from: 115, loss: 60 }, { from: 150, loss: 80 }] }, 'PM2.5 日均浓度', 'PM2.5 daily mean (µg/m³)'],
  ['noise_leq', 'mean', 'cleanliness', 3, { type: 'bands', bands: [{ from: 0, loss: 0 }, { from: 55, loss: 10 }, { from: 65, loss: 30 }, { from: 75, loss: 60 }] }, '区域环境噪声等效声级', 'Ambient noise Leq (dB)'],
  ['oil_fume', 'mean', 'cleanliness', 3, { type: 'ratio', target: 2.0, better: 'lower', maxLoss: 50 }, '餐饮油烟平均浓度（GB 18483 限值 2.0）', 'Restaurant fume mean (GB 18483 limit 2.0 mg/m³)'],
  ['street_light_online', 'mean', 'safety', 3, { type: 'ratio', target: 0.98, better: 'higher', maxLoss: 50 }, '路灯在线亮灯率', 'Street lights online and lit'],
  ['bridge_health', 'min', 'safety', 4, { type: 'bands', bands: [{ from: 0, loss: 60 }, { from: 60, loss: 30 }, { from: 80, loss: 10 }, { from: 90, loss: 0 }] }, '桥梁健康度（最低）', 'Bridge health (lowest)'],
];

function caseIndicator([prefix, dimension, weight, points, cap]: CaseRow): IndicatorDefinition {
  const c = CATEGORY.get(prefix);
  if (!c) throw new Error(`default catalogue: unknown category ${prefix}`);
  const leaf = prefix.split('.').length === 3;
  return {
    code: `case.${prefix}`,
    name: leaf ? c.name : `其他${c.name}问题`,
    nameEn: leaf ? c.nameEn : `Other ${c.nameEn.toLowerCase()} problems`,
    dimension, weight, levels: ALL,
    source: { type: 'cases', categories: [prefix] },
    rule: { type: 'perEvent', points, cap, restoreOnTime: 0.5 },
  };
}

/** The default catalogue body (stored as version 1 on first start). */
export const DEFAULT_CATALOGUE: CatalogueBody = {
  name: '城市运行体征指标体系（默认）',
  dimensions: [
    { code: 'safety', name: '安全', nameEn: 'Safety', weight: 30 },
    { code: 'cleanliness', name: '整洁', nameEn: 'Cleanliness', weight: 25 },
    { code: 'order', name: '有序', nameEn: 'Order', weight: 25 },
    { code: 'convenience', name: '便民', nameEn: 'Convenience', weight: 20 },
  ],
  colourBands: { green: 90, yellow: 80, orange: 70 },
  severityWeights: { critical: 3, major: 2, minor: 1, warning: 0.5 },
  indicators: [
    ...CASE_ROWS.map(caseIndicator),
    ...DEFAULT_ALARM_TYPES.map(([type, dimension, weight, points, cap, name, nameEn]): IndicatorDefinition => ({
      code: `alarm.${type}`, name, nameEn, dimension, weight, levels: ALL, source: { type: 'alarms', alarmTypes: [type] }, rule: { type: 'perEvent', points, cap },
    })),
    ...(Object.keys(RATE_CATEGORIES) as Dimension[]).flatMap((d): IndicatorDefinition[] => [
      {
        code: `rate.${d}.onTime`, name: `${DIM_NAMES[d][0]}类诉求按时办结率`, nameEn: `${DIM_NAMES[d][1]} cases resolved on time`, dimension: d, weight: 4, levels: UPPER,
        source: { type: 'caseRate', rate: 'onTime', categories: RATE_CATEGORIES[d] }, rule: { type: 'ratio', target: 0.95, better: 'higher', maxLoss: 60 },
      },
      {
        code: `rate.${d}.satisfied`, name: `${DIM_NAMES[d][0]}类诉求满意率`, nameEn: `${DIM_NAMES[d][1]} cases rated satisfied`, dimension: d, weight: 4, levels: UPPER,
        source: { type: 'caseRate', rate: 'satisfied', categories: RATE_CATEGORIES[d] }, rule: { type: 'bands', bands: SATISFACTION_BANDS },
      },
    ]),
    ...KPI_ROWS.map(([rate, dimension, weight, rule, name, nameEn]): IndicatorDefinition => ({ code: `kpi.${rate}`, name, nameEn, dimension, weight, levels: CITY, source: { type: 'kpi', rate }, rule })),
    ...SENSOR_ROWS.map(([measure, aggregate, dimension, weight, rule, name, nameEn]): IndicatorDefinition => ({
      code: `sensor.${measure}`, name, nameEn, dimension, weight, levels: ['city', 'district'], source: { type: 'sensor', measure, aggregate }, rule,
    })),
  ],
};
