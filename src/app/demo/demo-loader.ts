import { rmSync, existsSync } from 'node:fs';
import { ManualClock } from '../../platform/clock/clock.ts';
import { dialectOf } from '../../platform/db/database.ts';
import { sqlitePath } from '../../platform/db/dialect/sqlite.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import { DEFAULT_CATEGORIES } from '../../modules/cases/index.ts';
import type { Actor } from '../../modules/cases/index.ts';
import type { AreaGeometry } from '../../modules/places/index.ts';
import type { Department, Role } from '../../modules/organization/index.ts';
import { compose, type CityLoop } from '../compose.ts';
import type { CityLoopConfig } from '../config.ts';
import { DEMO_DEFAULT_SEED, DEMO_OPEN311_API_KEY, generateDemoCity } from './demo-city.generator.ts';
import type { DemoCaseScript, DemoStep } from './demo-city.types.ts';

export interface DemoLoadResult {
  areas: number;
  departments: number;
  staff: number;
  rules: number;
  cases: number;
  failedSteps: number;
}

/** The demo-only Open311 key (also written in the README). */
export const DEMO_API_KEY = DEMO_OPEN311_API_KEY;

/** True when the database holds no areas and no cases (a fresh install). */
export async function isEmpty(app: CityLoop): Promise<boolean> {
  return app.places.api.count() === 0 && (await app.cases.repository.caseCount()) === 0 && app.organization.api.listDepartments().length === 0;
}

/**
 * Load the generated demo city into an empty database: areas, departments, staff, rules,
 * categories, then every scripted case replayed through the real case service with a clock set
 * to each step's time, so histories, deadlines, KPIs and events are exactly what live use makes.
 * Returns null (and changes nothing) when the database already has data.
 */
export async function ensureDemoCity(app: CityLoop, progress: (msg: string) => void = () => {}, now: Date = app.clock.now()): Promise<DemoLoadResult | null> {
  await app.places.service.load();
  await app.organization.service.load();
  if (!(await isEmpty(app))) return null;
  const city = generateDemoCity(DEMO_DEFAULT_SEED, now);
  const clock = new ManualClock(new Date(new Date(city.cases[0]?.receivedAt ?? now).getTime() - 86_400_000));
  // A second composition over the same database with a hand-moved clock replays history.
  const replay = await compose(app.config, { database: app.database, dataKeys: app.dataKeys, clock, logger: app.logger, defaultMetrics: false, ownsDatabase: false });
  await replay.start({ background: false });
  const t0 = Date.now();
  const report = await replay.places.api.importAreas(city.areas.map((a) => ({ code: a.code, name: a.name, level: a.level, parentCode: a.parentCode, boundary: a.boundary as AreaGeometry })));
  if (report.errors.length) throw new Error(`demo areas rejected: ${JSON.stringify(report.errors.slice(0, 3))}`);
  await replay.cases.service.upsertCategories(DEFAULT_CATEGORIES.map((c) => ({ code: c.code, name: c.name, nameEn: c.nameEn, parentCode: c.parentCode })), { id: 'system', departmentId: null });
  const deps = await replay.organization.api.upsertDepartments(city.departments);
  const staff = await replay.organization.api.upsertStaff(city.staff);
  const rules = await replay.organization.api.upsertRules(city.rules);
  for (const r of [deps, staff, rules]) if (r.errors.length) throw new Error(`demo organization rejected: ${JSON.stringify(r.errors.slice(0, 3))}`);
  await replay.identity.api.createToken({ name: 'demo Open311 client (demo only)', scopes: ['open311.submit'], secret: DEMO_OPEN311_API_KEY, demo: true });
  await seedDemoAccounts(replay);
  progress(`demo city: ${city.areas.length} areas, ${city.departments.length} departments, ${city.staff.length} staff, ${city.rules.length} rules`);

  // Replay all steps of all cases in time order, as they would have happened.
  const steps: Array<{ at: string; script: DemoCaseScript; index: number }> = [];
  for (const script of city.cases) {
    steps.push({ at: script.receivedAt, script, index: -1 });
    script.path.forEach((s, index) => {
      if (!(index === 0 && s.action === 'direct_answer')) steps.push({ at: s.at, script, index });
    });
  }
  steps.sort((a, b) => a.at.localeCompare(b.at) || a.index - b.index);
  const ids = new Map<string, string>();
  const dept = (code: string | undefined) => (code ? (replay.organization.api.getDepartmentByCode(code)?.id ?? code) : undefined);
  const actor: Actor = { id: 'demo', departmentId: null };
  let failed = 0;
  const refusals = new Map<string, number>();
  let done = 0;
  for (const { at, script, index } of steps) {
    clock.set(at);
    try {
      if (index === -1) {
        const first = script.path[0];
        const directText = first?.action === 'direct_answer' ? (('text' in first ? (first.text as string | undefined) : undefined) ?? '已根据知识库直接答复市民。') : undefined;
        const view = await replay.cases.service.intake(
          {
            channel: script.channel, kind: script.kind, urgency: script.urgency, categoryCode: script.categoryCode, title: script.title, text: script.text,
            requester: script.requester, ...(script.location ? { location: script.location } : {}),
            ...(directText !== undefined ? { directAnswer: directText } : {}),
            external: { source: 'demo', id: script.ref },
          },
          { id: 'demo-agent', departmentId: null },
        );
        ids.set(script.ref, view.id);
        done += 1;
        if (done % 500 === 0) progress(`demo city: ${done}/${city.cases.length} cases`);
        continue;
      }
      const id = ids.get(script.ref);
      if (!id) continue;
      await applyStep(replay, id, script.path[index]!, dept, ids, actor);
    } catch (err) {
      failed += 1;
      const key = `${index === -1 ? 'intake' : script.path[index]!.action}:${err instanceof AppError ? err.code : 'error'}`;
      refusals.set(key, (refusals.get(key) ?? 0) + 1);
      if (failed <= 5) app.logger.debug({ ref: script.ref, step: index, err: err instanceof AppError ? err.code : String(err) }, 'demo step failed');
    }
  }
  // Bring every deadline light up to the real "now".
  clock.set(now);
  const devices = await seedDemoDevices(replay, city.areas);
  progress(`demo city: ${devices} sensing devices`);
  while ((await replay.cases.service.tick(2000)) > 0);
  await replay.bus.drain();
  await replay.close();
  await app.places.service.load();
  await app.organization.service.load();
  await app.cases.service.load();
  // Some scripted steps are refused on purpose by the real rules (e.g. an extension asked for too late).
  if (refusals.size) app.logger.info({ refusals: Object.fromEntries(refusals) }, 'demo steps refused by the case service');
  progress(`demo city: ${city.cases.length} cases replayed in ${((Date.now() - t0) / 1000).toFixed(1)} s (${failed} steps refused)`);
  return { areas: city.areas.length, departments: city.departments.length, staff: city.staff.length, rules: city.rules.length, cases: city.cases.length, failedSteps: failed };
}

/**
 * A few devices of every sensing pack, placed at the centre of the first grids: smoke detectors, a
 * street light with its pedestrian counter, a restaurant's fume monitor, a bridge's three sensors,
 * an air-quality station, and an elderly resident's meter and button (without consent: not monitored
 * until someone records it).
 */
async function seedDemoDevices(app: CityLoop, areas: ReadonlyArray<{ level: string; boundary: { coordinates: number[][][] } }>): Promise<number> {
  const centres = areas.filter((a) => a.level === 'grid').slice(0, 8).map((a) => {
    const ring = a.boundary.coordinates[0] ?? [];
    const n = Math.max(1, ring.length - 1);
    const sum = ring.slice(0, n).reduce((acc, p) => [acc[0]! + p[0]!, acc[1]! + p[1]!], [0, 0]);
    return { lng: Number((sum[0]! / n).toFixed(6)), lat: Number((sum[1]! / n).toFixed(6)) };
  });
  if (centres.length === 0) return 0;
  const at = (i: number) => centres[i % centres.length]!;
  const { devices } = await app.sensing.service.upsertDevices([
    { code: 'demo-smoke-01', typeCode: 'smoke_detector', name: '一号楼楼道烟感', location: at(0) },
    { code: 'demo-smoke-02', typeCode: 'smoke_detector', name: '农贸市场烟感', location: at(1) },
    { code: 'demo-ped-01', typeCode: 'pedestrian_counter', name: '步行街行人计数器', location: at(2) },
    { code: 'demo-light-01', typeCode: 'street_light', name: '步行街 1 号路灯', location: at(2), attributes: { counter: 'demo-ped-01' } },
    { code: 'demo-light-02', typeCode: 'street_light', name: '步行街 2 号路灯', location: at(2), attributes: { counter: 'demo-ped-01' } },
    { code: 'demo-fume-01', typeCode: 'oil_fume_monitor', name: '老街火锅店油烟监测', location: at(3) },
    { code: 'demo-bridge-acc-01', typeCode: 'bridge_accelerometer', name: '跨河大桥跨中加速度计', location: at(4) },
    { code: 'demo-bridge-strain-01', typeCode: 'bridge_strain', name: '跨河大桥跨中应变计', location: at(4) },
    { code: 'demo-bridge-incl-01', typeCode: 'bridge_inclinometer', name: '跨河大桥桥墩倾角仪', location: at(4) },
    { code: 'demo-air-01', typeCode: 'air_quality_station', name: '市政府空气质量监测站', location: at(5) },
    { code: 'demo-meter-01', typeCode: 'electricity_meter', name: '独居老人家庭电表（示例）', location: at(6) },
    { code: 'demo-sos-01', typeCode: 'wearable_button', name: '独居老人紧急呼叫按钮（示例）', location: at(6) },
  ]);
  return devices.length;
}

async function applyStep(app: CityLoop, id: string, step: DemoStep, dept: (code: string | undefined) => string | undefined, ids: Map<string, string>, actor: Actor): Promise<void> {
  const s = app.cases.service;
  const text = 'text' in step ? step.text : undefined;
  switch (step.action) {
    case 'direct_answer':
      return;
    case 'dispatch_auto':
      await s.dispatch(id, { auto: true }, actor);
      return;
    case 'dispatch_to':
    case 'redispatch': {
      const target = dept(step.departmentCode);
      await s.dispatch(id, target ? { departmentId: target } : { auto: true }, actor);
      return;
    }
    case 'sign_for':
      await s.signFor(id, {}, actor);
      return;
    case 'return':
      await s.returnCase(id, { reason: text ?? '不属于本单位职责范围' }, actor);
      return;
    case 'request_extension':
      await s.requestExtension(id, { extraWorkdays: ('extraWorkdays' in step && step.extraWorkdays) || 3, reason: text ?? '需协调多部门现场处置' }, actor);
      return;
    case 'approve_extension':
      await s.decideExtension(id, { approve: true, reason: '同意延期' }, actor);
      return;
    case 'reply':
      await s.reply(id, { text: text ?? '已安排人员现场核查。' }, actor);
      return;
    case 'resolve':
      await s.resolve(id, { reply: text ?? '经现场核查，问题已处理完毕。' }, actor);
      return;
    case 'callback':
      await s.callback(id, { reached: true, rating: ('rating' in step && step.rating) || 4 }, actor);
      return;
    case 'supervise':
      await s.supervise(id, { note: text ?? '请加快办理进度' }, actor);
      return;
    case 'close':
      // A satisfied callback already closes the case; the script's explicit close is then a no-op.
      if ((await s.get(id)).state === 'closed') return;
      await s.close(id, { reason: text ?? '市民无法联系，按规定关闭' }, actor);
      return;
    case 'merge_into': {
      const parent = 'parentRef' in step && step.parentRef ? ids.get(step.parentRef) : undefined;
      if (parent) await s.merge(id, { parentId: parent }, actor);
      return;
    }
  }
}

/** Password of every demo account (they exist only in the generated demo city). */
export const DEMO_PASSWORD = 'cityloop-demo';

/** One demo account per role, each tied to a staff member of a fitting department. */
export const DEMO_ACCOUNTS: ReadonlyArray<{ username: string; role: Role; department: (d: Department) => boolean; zh: string }> = [
  { username: 'demo-agent', role: 'agent', department: (d) => d.kind === 'centre' && d.tier === 'city', zh: '市热线中心话务员' },
  { username: 'demo-dispatcher', role: 'dispatcher', department: (d) => d.kind === 'centre' && d.tier === 'city', zh: '市热线中心派单员' },
  { username: 'demo-district', role: 'dispatcher', department: (d) => d.kind === 'centre' && d.tier === 'district', zh: '区分中心派单员' },
  { username: 'demo-handler', role: 'handler', department: (d) => d.kind === 'bureau' && d.tier === 'city' && /城管|城市管理/.test(d.name), zh: '市城管局承办人' },
  { username: 'demo-street', role: 'handler', department: (d) => d.kind === 'street_office', zh: '街道办承办人' },
  { username: 'demo-supervisor', role: 'supervisor', department: (d) => d.kind === 'centre' && d.tier === 'city', zh: '督办员' },
  { username: 'demo-grid', role: 'grid_worker', department: (d) => d.kind === 'street_office', zh: '网格员' },
  { username: 'demo-analyst', role: 'analyst', department: (d) => d.kind === 'centre' && d.tier === 'city', zh: '分析员' },
  { username: 'demo-admin', role: 'admin', department: (d) => d.kind === 'centre' && d.tier === 'city', zh: '管理员' },
];

async function seedDemoAccounts(app: CityLoop): Promise<void> {
  const org = app.organization.api;
  for (const a of DEMO_ACCOUNTS) {
    // Prefer a staff member who holds the role in a fitting department, so the account acts as them.
    const staff = org.listStaff({ role: a.role }).find((s) => {
      const d = org.getDepartment(s.departmentId);
      return d !== null && a.department(d);
    });
    const dept = staff ? org.getDepartment(staff.departmentId) : org.listDepartments().find(a.department);
    await app.identity.api.createAccount({
      username: a.username, displayName: `${a.zh}（演示）`, password: DEMO_PASSWORD, staffId: staff?.id ?? null, roles: [a.role],
      departmentId: dept?.id ?? null, demo: true,
    });
  }
}

/** Delete the SQLite database file (and its WAL) so `cityloop demo` starts from nothing. */
export async function resetDemoCity(config: CityLoopConfig): Promise<void> {
  if (dialectOf(config.databaseUrl) !== 'sqlite') {
    throw new AppError({ code: 'DEMO_RESET_SQLITE_ONLY', status: 400, zh: '--reset 仅支持 SQLite；PostgreSQL 请自行新建数据库', en: '--reset only deletes SQLite files; create a fresh PostgreSQL database instead' });
  }
  const path = sqlitePath(config.databaseUrl);
  for (const f of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(f)) rmSync(f);
}
