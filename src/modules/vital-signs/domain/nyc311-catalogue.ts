/**
 * A catalogue for a deployment holding NYC 311 history (`cityloop import nyc311`): the complaint
 * types that describe a condition of the city, mapped to the four dimensions. The NYC importer files
 * each complaint type as category `nyc311.<slug>`; `importedCategoryCode` reproduces that code.
 * Administrative requests (DOF property tax, DHS Advantage, SCRIE, literature requests …) describe
 * no condition of the city and are left out on purpose.
 */
import { createHash } from 'node:crypto';
import type { AreaLevel } from '../../places/index.ts';
import type { CatalogueBody, Dimension, IndicatorDefinition } from './catalogue.ts';
import { DEFAULT_CATALOGUE } from './default-catalogue.ts';

/** The category code the cases importer gives an external category name (`<source>.<slug>`, hashed when long). */
export function importedCategoryCode(source: string, name: string): string {
  const slug = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 6);
  const segment = !slug ? `c${hash}` : slug.length <= 20 ? slug : `${slug.slice(0, 13).replace(/-+$/, '')}-${hash}`;
  return `${source}.${segment}`;
}

const LEVELS: AreaLevel[] = ['city', 'district', 'street', 'community', 'grid'];

/** [indicator slug, dimension, weight, points, 中文名, complaint types]. */
type NycRow = readonly [slug: string, dimension: Dimension, weight: number, points: number, name: string, types: readonly string[]];

const ROWS: readonly NycRow[] = [
  ['police-matter', 'safety', 5, 15, '非紧急治安事项', ['Non-Emergency Police Matter', 'Traffic']],
  ['food-safety', 'safety', 5, 15, '食品安全', ['Food Poisoning', 'Food Establishment']],
  ['hazardous-material', 'safety', 4, 20, '石棉铅等有害物质', ['Asbestos', 'Lead', 'X-Ray Machine/Equipment']],
  ['bridge-highway', 'safety', 5, 20, '桥梁与快速路状况', ['Bridge Condition', 'Highway Condition']],
  ['traffic-signal', 'safety', 5, 15, '交通信号与路灯', ['Traffic Signal Condition', 'Street Light Condition']],
  ['street-sign-missing', 'safety', 3, 10, '路牌缺失', ['Street Sign - Missing']],
  ['trees', 'safety', 4, 10, '树木危险', ['Damaged Tree', 'Dead Tree', 'Overgrown Tree/Branches']],
  ['vulnerable-people', 'safety', 4, 15, '弱势人群安全', ['Elder Abuse', 'Window Guard']],
  ['animals', 'safety', 2, 8, '动物伤人风险', ['Unleashed Dog', 'Harboring Bees/Wasps', 'Animal in a Park']],
  ['noise-residential', 'cleanliness', 5, 5, '居民区噪声', ['Noise - Residential']],
  ['noise-commercial', 'cleanliness', 4, 5, '商业噪声', ['Noise - Commercial', 'Noise - House of Worship']],
  ['noise-street', 'cleanliness', 4, 5, '街道与交通噪声', ['Noise - Street/Sidewalk', 'Noise - Vehicle', 'Noise - Park', 'Noise - Helicopter', 'Noise']],
  ['air-quality', 'cleanliness', 4, 10, '室内空气与霉菌', ['Indoor Air Quality', 'Mold']],
  ['sanitation', 'cleanliness', 5, 10, '环境卫生', ['Sanitation Condition', 'Unsanitary Animal Pvt Property', 'Unsanitary Pigeon Condition', 'Rodent']],
  ['graffiti', 'cleanliness', 2, 5, '涂鸦', ['Graffiti']],
  ['illegal-parking', 'order', 5, 5, '违章停车', ['Illegal Parking']],
  ['blocked-driveway', 'order', 4, 5, '堵塞车道', ['Blocked Driveway']],
  ['derelict-vehicle', 'order', 4, 8, '废弃车辆', ['Derelict Vehicle', 'Derelict Vehicles']],
  ['street-conduct', 'order', 3, 5, '街头秩序', ['Vending', 'Panhandling', 'Smoking', 'Drinking', 'Bike/Roller/Skate Chronic']],
  ['homeless-encampment', 'order', 3, 10, '露宿聚集', ['Homeless Encampment']],
  ['for-hire-vehicles', 'order', 3, 5, '出租与网约车', ['Taxi Complaint', 'For Hire Vehicle Complaint']],
  ['consumers', 'order', 3, 5, '消费纠纷', ['Consumer Complaint']],
  ['construction', 'order', 2, 10, '违规施工', ['GENERAL CONSTRUCTION', 'Illegal Tree Damage']],
  ['illegal-animals', 'order', 1, 5, '违规饲养与售卖动物', ['Animal Facility - No Permit', 'Illegal Animal Sold', 'Illegal Animal Kept as Pet']],
  ['street-condition', 'convenience', 6, 5, '道路路面', ['Street Condition']],
  ['sidewalk-curb', 'convenience', 4, 5, '人行道与路缘', ['Sidewalk Condition', 'Curb Condition', 'Root/Sewer/Sidewalk Condition']],
  ['meters-signs', 'convenience', 3, 3, '咪表与路牌', ['Broken Muni Meter', 'Broken Parking Meter', 'Street Sign - Dangling', 'Street Sign - Damaged', 'Parking Card']],
  ['housing-services', 'convenience', 5, 10, '住房供暖水电', ['HEATING', 'ELECTRIC', 'PLUMBING', 'Home Repair', 'Water System', 'Drinking Water']],
  ['public-facilities', 'convenience', 3, 5, '公共设施维护', ['Maintenance or Facility', 'School Maintenance', 'Bus Stop Shelter Complaint', 'Bike Rack Condition', 'Ferry Complaint']],
  ['senior-services', 'convenience', 2, 5, '老年服务', ['Senior Center Complaint', 'Home Delivered Meal Complaint', 'Home Delivered Meal - Missed Delivery']],
];

/** Complaint types of each NYC indicator, by indicator code (for the docs and tests). */
export const NYC311_TYPES: ReadonlyMap<string, readonly string[]> = new Map(ROWS.map(([slug, , , , , types]) => [`nyc.${slug}`, types]));

const codesOf = (d: Dimension): string[] => ROWS.filter((r) => r[1] === d).flatMap((r) => r[5].map((t) => importedCategoryCode('nyc311', t)));
const DIM_EN: Record<Dimension, string> = { safety: 'Safety', cleanliness: 'Cleanliness', order: 'Order', convenience: 'Convenience' };
const DIM_ZH: Record<Dimension, string> = { safety: '安全', cleanliness: '整洁', order: '有序', convenience: '便民' };

/** The NYC 311 catalogue: per-event indicators by complaint type, plus on-time closure rates per dimension. */
export const NYC311_CATALOGUE: CatalogueBody = {
  name: 'NYC 311 城市体征（纽约 311 历史数据）',
  dimensions: DEFAULT_CATALOGUE.dimensions,
  colourBands: DEFAULT_CATALOGUE.colourBands,
  severityWeights: DEFAULT_CATALOGUE.severityWeights,
  indicators: [
    ...ROWS.map(([slug, dimension, weight, points, name, types]): IndicatorDefinition => ({
      code: `nyc.${slug}`, name, nameEn: types.join(', ').slice(0, 200), dimension, weight, levels: LEVELS,
      source: { type: 'cases', categories: types.map((t) => importedCategoryCode('nyc311', t)) },
      rule: { type: 'perEvent', points, cap: 60, restoreOnTime: 0.5 },
    })),
    ...(['safety', 'cleanliness', 'order', 'convenience'] as const).map((d): IndicatorDefinition => ({
      code: `nyc.rate.${d}.onTime`, name: `${DIM_ZH[d]}类请求按期关闭率`, nameEn: `${DIM_EN[d]} requests closed by their due date`, dimension: d, weight: 4,
      levels: ['city', 'district'], source: { type: 'caseRate', rate: 'onTime', categories: codesOf(d) }, rule: { type: 'ratio', target: 0.95, better: 'higher', maxLoss: 60 },
    })),
  ],
};
