/**
 * Departments, staff and dispatch rules of the demo city. Department codes are
 * `<jurisdiction area code>-<slug>` so a code alone says where a department sits.
 */
import { categoryMatchesPrefix } from '../../modules/cases/domain/default-categories.ts';
import { DEMO_CITY_AREA_CODE, type DemoPlaces } from './demo-areas.generator.ts';
import type { DemoArea, DemoDepartment, DemoRole, DemoRule, DemoStaff } from './demo-city.types.ts';
import type { SeededRandom } from './seeded-random.ts';

type DeptSpec = readonly [slug: string, name: string, nameEn: string, kind: 'bureau' | 'utility', parentSlug?: string];

const CITY_DEPARTMENTS: readonly DeptSpec[] = [
  ['housing', '市住房和城乡建设局', 'Municipal Housing and Urban-Rural Development Bureau', 'bureau'],
  ['environment', '市生态环境局', 'Municipal Ecology and Environment Bureau', 'bureau'],
  ['transport', '市交通运输局', 'Municipal Transport Bureau', 'bureau'],
  ['education', '市教育局', 'Municipal Education Bureau', 'bureau'],
  ['hr-social', '市人力资源和社会保障局', 'Municipal Human Resources and Social Security Bureau', 'bureau'],
  ['commerce', '市商务局', 'Municipal Commerce Bureau', 'bureau'],
  ['health', '市卫生健康委员会', 'Municipal Health Commission', 'bureau'],
  ['urban-mgmt', '市城市管理局', 'Municipal Urban Management Bureau', 'bureau'],
  ['market', '市市场监督管理局', 'Municipal Market Regulation Administration', 'bureau'],
  ['police', '市公安局', 'Municipal Public Security Bureau', 'bureau'],
  ['traffic-police', '市公安局交通警察支队', 'Traffic Police Detachment', 'bureau', 'police'],
  ['civil-affairs', '市民政局', 'Municipal Civil Affairs Bureau', 'bureau'],
  ['water-affairs', '市水务局', 'Municipal Water Affairs Bureau', 'bureau'],
  ['planning', '市规划和自然资源局', 'Municipal Planning and Natural Resources Bureau', 'bureau'],
  ['culture-tourism', '市文化广电旅游局', 'Municipal Culture, Radio, Television and Tourism Bureau', 'bureau'],
  ['emergency', '市应急管理局', 'Municipal Emergency Management Bureau', 'bureau'],
  ['fire', '市消防救援支队', 'Municipal Fire and Rescue Detachment', 'bureau'],
  ['medical-security', '市医疗保障局', 'Municipal Healthcare Security Bureau', 'bureau'],
  ['housing-fund', '市住房公积金管理中心', 'Municipal Housing Provident Fund Centre', 'bureau'],
  ['landscape', '市园林绿化局', 'Municipal Landscaping Bureau', 'bureau'],
  ['justice', '市司法局', 'Municipal Justice Bureau', 'bureau'],
  ['street-lighting', '市路灯管理所', 'Municipal Street Lighting Office', 'utility', 'urban-mgmt'],
  ['water-supply', '云港水务集团自来水公司', 'Yungang Water Supply Company', 'utility'],
  ['power', '国网云港供电公司', 'State Grid Yungang Power Supply Company', 'utility'],
  ['gas', '云港燃气集团', 'Yungang Gas Group', 'utility'],
  ['bus', '云港公交集团', 'Yungang Bus Group', 'utility'],
];

type DistrictDeptSpec = readonly [slug: string, suffix: string, nameEn: string];

const DISTRICT_DEPARTMENTS: readonly DistrictDeptSpec[] = [
  ['housing', '住房和城乡建设局', 'Housing and Urban-Rural Development Bureau'],
  ['urban-mgmt', '城市管理局', 'Urban Management Bureau'],
  ['market', '市场监督管理局', 'Market Regulation Bureau'],
  ['hr-social', '人力资源和社会保障局', 'Human Resources and Social Security Bureau'],
  ['education', '教育局', 'Education Bureau'],
  ['health', '卫生健康局', 'Health Bureau'],
  ['civil-affairs', '民政局', 'Civil Affairs Bureau'],
  ['environment', '生态环境分局', 'Ecology and Environment Sub-bureau'],
  ['police', '公安分局', 'Public Security Sub-bureau'],
];

/** Code of the department with `slug` in the jurisdiction `areaCode`. */
export function departmentCode(areaCode: string, slug: string): string {
  return `${areaCode}-${slug}`;
}

/** Code of the city's 12345 centre. */
export const DEMO_CITY_CENTRE_CODE = departmentCode(DEMO_CITY_AREA_CODE, 'centre');

/** Builds the departments of all three tiers. */
export function generateDemoDepartments(places: DemoPlaces): DemoDepartment[] {
  const city = DEMO_CITY_AREA_CODE;
  const out: DemoDepartment[] = [
    {
      code: DEMO_CITY_CENTRE_CODE,
      name: '云港市12345政务服务便民热线中心',
      nameEn: 'Yungang 12345 Citizen Service Hotline Centre',
      tier: 'city',
      kind: 'centre',
      parentCode: null,
      areaCode: city,
    },
  ];
  for (const [slug, name, nameEn, kind, parentSlug] of CITY_DEPARTMENTS) {
    out.push({
      code: departmentCode(city, slug),
      name,
      nameEn,
      tier: 'city',
      kind,
      parentCode: parentSlug ? departmentCode(city, parentSlug) : DEMO_CITY_CENTRE_CODE,
      areaCode: city,
    });
  }
  for (const d of places.districts) {
    const centre = departmentCode(d.area.code, 'centre');
    out.push({
      code: centre,
      name: `${d.area.name}12345热线分中心`,
      nameEn: `${d.pinyin} District 12345 Sub-centre`,
      tier: 'district',
      kind: 'centre',
      parentCode: DEMO_CITY_CENTRE_CODE,
      areaCode: d.area.code,
    });
    for (const [slug, suffix, nameEn] of DISTRICT_DEPARTMENTS) {
      out.push({
        code: departmentCode(d.area.code, slug),
        name: slug === 'environment' ? `市生态环境局${d.area.name.slice(0, -1)}分局` : `${d.area.name}${suffix}`,
        nameEn: `${d.pinyin} District ${nameEn}`,
        tier: 'district',
        kind: 'bureau',
        parentCode: centre,
        areaCode: d.area.code,
      });
    }
  }
  for (const s of places.streets) {
    out.push({
      code: departmentCode(s.area.code, 'office'),
      name: `${s.area.name}办事处`,
      nameEn: `${s.pinyin} Subdistrict Office`,
      tier: 'street',
      kind: 'street_office',
      parentCode: departmentCode(s.area.parentCode ?? city, 'centre'),
      areaCode: s.area.code,
    });
  }
  return out;
}

const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗',
  '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '袁', '潘', '蒋', '蔡', '余',
  '杜', '叶', '程', '苏', '魏', '吕', '丁', '沈', '姚', '卢', '姜', '崔', '钟', '谭', '陆', '汪', '范', '金', '方', '俞',
];

const GIVEN_CHARS = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀', '霞', '平',
  '刚', '桂', '英', '华', '建', '文', '辉', '玲', '燕', '红', '鹏', '飞', '宇', '浩', '晨', '欣', '怡', '婷', '雪', '琳',
  '志', '国', '海', '春', '晓', '梅', '林', '斌', '波', '俊', '峰', '博', '佳', '慧', '颖', '倩', '亮', '凯', '帆', '悦',
];

/** A plausible Chinese personal name. */
export function personName(rng: SeededRandom): string {
  const given = rng.chance(0.7) ? rng.pick(GIVEN_CHARS) + rng.pick(GIVEN_CHARS) : rng.pick(GIVEN_CHARS);
  return rng.pick(SURNAMES) + given;
}

/** A surname alone, for "王先生"-style requester names. */
export function surname(rng: SeededRandom): string {
  return rng.pick(SURNAMES);
}

/** A fake 11-digit mobile number (1 + 3–9 + 9 digits). */
export function mobilePhone(rng: SeededRandom): string {
  let s = `1${rng.int(3, 9)}`;
  for (let i = 0; i < 9; i++) s += String(rng.int(0, 9));
  return s;
}

/** Builds the staff: centre roles, handlers in every department and grid workers covering every grid once. */
export function generateDemoStaff(places: DemoPlaces, departments: DemoDepartment[], rng: SeededRandom): DemoStaff[] {
  const out: DemoStaff[] = [];
  const phones = new Set<string>();
  const add = (departmentCode: string, roles: DemoRole[], gridCodes?: string[]): void => {
    let phone = mobilePhone(rng);
    while (phones.has(phone)) phone = mobilePhone(rng);
    phones.add(phone);
    const member: DemoStaff = { code: `S${String(out.length + 1).padStart(5, '0')}`, name: personName(rng), departmentCode, roles, phone };
    if (gridCodes) member.gridCodes = gridCodes;
    out.push(member);
  };
  const times = (n: number, f: () => void): void => {
    for (let i = 0; i < n; i++) f();
  };

  add(DEMO_CITY_CENTRE_CODE, ['admin']);
  times(16, () => add(DEMO_CITY_CENTRE_CODE, ['agent']));
  times(4, () => add(DEMO_CITY_CENTRE_CODE, ['dispatcher']));
  times(3, () => add(DEMO_CITY_CENTRE_CODE, ['supervisor']));
  times(2, () => add(DEMO_CITY_CENTRE_CODE, ['analyst']));
  add(DEMO_CITY_CENTRE_CODE, ['supervisor', 'analyst']);

  for (const d of departments) {
    if (d.code === DEMO_CITY_CENTRE_CODE) continue;
    if (d.kind === 'centre') {
      times(2, () => add(d.code, ['dispatcher']));
      add(d.code, ['supervisor']);
      continue;
    }
    times(2, () => add(d.code, ['handler']));
    if (d.kind === 'street_office') add(d.code, ['dispatcher', 'handler']);
  }

  // One or two grid workers per community, each patrolling a contiguous run of its grids.
  for (const c of places.communities) {
    const gridCodes = places.grids.filter((g) => g.area.parentCode === c.area.code).map((g) => g.area.code);
    const workers = gridCodes.length > 10 && rng.chance(0.6) ? 2 : 1;
    const per = Math.ceil(gridCodes.length / workers);
    const office = departmentCode(c.area.parentCode ?? DEMO_CITY_AREA_CODE, 'office');
    for (let w = 0; w < workers; w++) add(office, ['grid_worker'], gridCodes.slice(w * per, (w + 1) * per));
  }
  return out;
}

// Priority = area level × 100 + category depth × 10: the smaller area wins, then the longer prefix.
const AREA_RANK: Record<'city' | 'district' | 'street', number> = { city: 0, district: 1, street: 2 };

function rule(prefix: string, level: 'city' | 'district' | 'street', area: string, dept: string, assisting: string[] = []): DemoRule {
  return {
    categoryPrefix: prefix,
    areaCode: area,
    departmentCode: dept,
    assistingDepartmentCodes: assisting,
    priority: AREA_RANK[level] * 100 + prefix.split('.').length * 10,
  };
}

/** Builds city defaults, district overrides and street rules for city-management events. */
export function generateDemoRules(places: DemoPlaces): DemoRule[] {
  const city = DEMO_CITY_AREA_CODE;
  const c = (slug: string): string => departmentCode(city, slug);
  const cityRules: readonly (readonly [string, string, string[]?])[] = [
    ['01', 'housing'],
    ['01.02.01', 'water-supply', ['water-affairs']],
    ['01.02.02', 'gas'],
    ['01.02.03', 'power'],
    ['01.03', 'planning', ['urban-mgmt']],
    ['01.03.01', 'urban-mgmt', ['planning']],
    ['01.04', 'housing', ['hr-social']],
    ['02', 'environment'],
    ['03', 'transport'],
    ['03.02', 'bus', ['transport']],
    ['04', 'education'],
    ['05', 'hr-social'],
    ['05.02.02', 'housing-fund'],
    ['05.03.02', 'medical-security'],
    ['06', 'commerce'],
    ['06.01', 'market'],
    ['06.02', 'culture-tourism'],
    ['07', 'health'],
    ['07.04', 'market', ['health']],
    ['08', 'police'],
    ['08.01.02', 'fire'],
    ['08.02', 'traffic-police'],
    ['09', 'civil-affairs'],
    ['10', 'market'],
    ['11', 'urban-mgmt'],
    ['11.04', 'emergency', ['urban-mgmt', 'water-affairs']],
    ['11.04.02', 'water-supply', ['emergency']],
    ['12', 'urban-mgmt'],
    ['12.01.01', 'street-lighting'],
    ['12.01.02', 'water-affairs', ['water-supply', 'gas', 'power']],
    ['12.01.03', 'water-affairs', ['water-supply', 'gas', 'power']],
    ['12.02', 'transport'],
    ['12.02.01', 'traffic-police'],
    ['12.02.03', 'urban-mgmt', ['transport']],
    ['12.04', 'landscape'],
    ['12.05', 'housing', ['emergency']],
  ];
  const out = cityRules.map(([prefix, slug, assisting]) => rule(prefix, 'city', city, c(slug), (assisting ?? []).map(c)));

  const districtRules: readonly (readonly [string, string, string[]?])[] = [
    ['01.01', 'housing'],
    ['01.02.04', 'housing'],
    ['01.03.01', 'urban-mgmt'],
    ['02', 'environment'],
    ['02.01.01', 'environment', ['police']],
    ['04.01', 'education'],
    ['04.02', 'education'],
    ['05.01', 'hr-social'],
    ['05.02.01', 'hr-social'],
    ['06.01', 'market'],
    ['07.01', 'health'],
    ['07.04', 'market', ['health']],
    ['08.01.01', 'police'],
    ['09', 'civil-affairs'],
    ['10', 'market'],
    ['11', 'urban-mgmt'],
    ['12.03', 'urban-mgmt'],
  ];
  for (const d of places.districts) {
    const dc = (slug: string): string => departmentCode(d.area.code, slug);
    for (const [prefix, slug, assisting] of districtRules) {
      out.push(rule(prefix, 'district', d.area.code, dc(slug), (assisting ?? []).map(dc)));
    }
  }

  // Events go to the territory first (GB/T 30428): the street office, helped by the owners.
  for (const s of places.streets) {
    const office = departmentCode(s.area.code, 'office');
    const dc = (slug: string): string => departmentCode(s.area.parentCode ?? city, slug);
    out.push(rule('11.01', 'street', s.area.code, office, [dc('urban-mgmt')]));
    out.push(rule('11.02', 'street', s.area.code, office, [dc('urban-mgmt')]));
    out.push(rule('11.03', 'street', s.area.code, office, [dc('urban-mgmt'), dc('housing')]));
    out.push(rule('11.04', 'street', s.area.code, office, [c('emergency'), c('water-supply')]));
    out.push(rule('11.05', 'street', s.area.code, office, [dc('urban-mgmt')]));
    out.push(rule('11.06', 'street', s.area.code, office, [dc('urban-mgmt')]));
  }
  return out;
}

/** True when `areaCode` is `ancestorCode` or lies inside it. */
export function areaWithin(areas: ReadonlyMap<string, DemoArea>, areaCode: string, ancestorCode: string): boolean {
  let at = areas.get(areaCode);
  while (at) {
    if (at.code === ancestorCode) return true;
    at = at.parentCode === null ? undefined : areas.get(at.parentCode);
  }
  return false;
}

/** The rule that dispatches a case of `categoryCode` located in `areaCode` (highest priority wins), or undefined. */
export function resolveDemoRule(
  rules: readonly DemoRule[],
  areas: ReadonlyMap<string, DemoArea>,
  categoryCode: string,
  areaCode: string,
): DemoRule | undefined {
  let best: DemoRule | undefined;
  for (const r of rules) {
    if (!categoryMatchesPrefix(categoryCode, r.categoryPrefix) || !areaWithin(areas, areaCode, r.areaCode)) continue;
    if (!best || r.priority > best.priority) best = r;
  }
  return best;
}
