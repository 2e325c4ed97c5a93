import { ManualClock } from '../../src/platform/clock/clock.ts';
import { openTestDatabase, type TestDatabase } from '../../src/platform/testing/test-database.ts';
import { DEFAULT_CATEGORIES, type Actor } from '../../src/modules/cases/index.ts';
import { compose, ALL_MIGRATIONS, type ComposeOptions } from '../../src/app/compose.ts';
import { loadConfig } from '../../src/app/config.ts';
import { TEST_DATA_KEYS } from './test-keys.ts';

/** A square city (lng 120.0–120.2, lat 30.0–30.2) split into two districts, each one street with two grids. */
const sq = (x0: number, y0: number, x1: number, y1: number) => ({ type: 'Polygon' as const, coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]] as [number, number][]] });

export const SMALL_WORLD = {
  areas: [
    { code: '990100', name: '测试市', level: 'city' as const, parentCode: null, boundary: sq(120.0, 30.0, 120.2, 30.2) },
    { code: '990101', name: '东区', level: 'district' as const, parentCode: '990100', boundary: sq(120.1, 30.0, 120.2, 30.2) },
    { code: '990102', name: '西区', level: 'district' as const, parentCode: '990100', boundary: sq(120.0, 30.0, 120.1, 30.2) },
    { code: '990101001', name: '东一街道', level: 'street' as const, parentCode: '990101', boundary: sq(120.1, 30.0, 120.2, 30.2) },
    { code: '990102001', name: '西一街道', level: 'street' as const, parentCode: '990102', boundary: sq(120.0, 30.0, 120.1, 30.2) },
    { code: '990101001001001', name: '东一网格', level: 'grid' as const, parentCode: '990101001', boundary: sq(120.1, 30.0, 120.2, 30.1) },
    { code: '990101001001002', name: '东二网格', level: 'grid' as const, parentCode: '990101001', boundary: sq(120.1, 30.1, 120.2, 30.2) },
    { code: '990102001001001', name: '西一网格', level: 'grid' as const, parentCode: '990102001', boundary: sq(120.0, 30.0, 120.1, 30.2) },
  ],
  departments: [
    { code: 'CENTRE', name: '市12345热线中心', nameEn: '12345 centre', tier: 'city' as const, kind: 'centre' as const, areaCode: '990100' },
    { code: 'HOUSING', name: '市住建局', nameEn: 'Housing bureau', tier: 'city' as const, kind: 'bureau' as const, parentCode: 'CENTRE' },
    { code: 'ENV', name: '市生态环境局', nameEn: 'Environment bureau', tier: 'city' as const, kind: 'bureau' as const, parentCode: 'CENTRE' },
    { code: 'TRANSPORT', name: '市交通运输局', nameEn: 'Transport bureau', tier: 'city' as const, kind: 'bureau' as const, parentCode: 'CENTRE' },
    { code: 'EAST-CENTRE', name: '东区热线分中心', nameEn: 'East district centre', tier: 'district' as const, kind: 'centre' as const, parentCode: 'CENTRE', areaCode: '990101' },
    { code: 'EAST-OFFICE', name: '东一街道办事处', nameEn: 'East 1 street office', tier: 'street' as const, kind: 'street_office' as const, parentCode: 'EAST-CENTRE', areaCode: '990101001' },
    { code: 'EAST-CITYMGMT', name: '东区城管局', nameEn: 'East city management', tier: 'district' as const, kind: 'bureau' as const, parentCode: 'EAST-CENTRE', areaCode: '990101' },
  ],
  rules: [
    { categoryPrefix: '01', areaCode: '990100', departmentCode: 'HOUSING' },
    { categoryPrefix: '02', areaCode: '990100', departmentCode: 'ENV' },
    { categoryPrefix: '03', areaCode: '990100', departmentCode: 'TRANSPORT' },
    { categoryPrefix: '02', areaCode: '990101', departmentCode: 'EAST-CITYMGMT', assistingDepartmentCodes: ['EAST-OFFICE'] },
  ],
  staff: [
    { code: 'agent1', name: '王话务', departmentCode: 'CENTRE', roles: ['agent' as const, 'dispatcher' as const] },
    { code: 'handler-housing', name: '李承办', departmentCode: 'HOUSING', roles: ['handler' as const] },
    { code: 'handler-env', name: '赵承办', departmentCode: 'ENV', roles: ['handler' as const] },
  ],
};

export const TEST_ACTOR: Actor = { id: 'test', departmentId: null };

/** A migrated test database plus a composed app over it with a manual clock, loaded with the small world. */
export async function openSmallWorld(start = '2026-12-01T01:00:00Z', options: Pick<ComposeOptions, 'insights'> = {}) {
  const database: TestDatabase = await openTestDatabase(ALL_MIGRATIONS);
  const clock = new ManualClock(start);
  const app = await compose(loadConfig({}, { logLevel: 'silent', schedulerIntervalMs: 60_000, ...TEST_DATA_KEYS }), { database, clock, defaultMetrics: false, openAuth: true, ...options });
  await app.start({ background: false });
  const must = (r: { errors: unknown[] }) => {
    if (r.errors.length) throw new Error(JSON.stringify(r.errors));
  };
  must(await app.places.api.importAreas(SMALL_WORLD.areas));
  must(await app.cases.service.upsertCategories(DEFAULT_CATEGORIES.map((c) => ({ ...c })), TEST_ACTOR));
  must(await app.organization.api.upsertDepartments(SMALL_WORLD.departments));
  must(await app.organization.api.upsertRules(SMALL_WORLD.rules));
  must(await app.organization.api.upsertStaff(SMALL_WORLD.staff));
  const dept = (code: string) => app.organization.api.getDepartmentByCode(code)!.id;
  return {
    app,
    clock,
    database,
    dept,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
