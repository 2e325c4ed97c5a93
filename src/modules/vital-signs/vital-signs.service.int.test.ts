import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSmallWorld, TEST_ACTOR } from '../../../test/support/small-world.ts';
import { EventBus } from '../../platform/events/event-bus.ts';
import { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { ErrorBody, HttpApp } from '../../platform/http/http-server.ts';
import { testEngine } from '../../platform/testing/test-database.ts';
import type { CatalogueBody } from './domain/catalogue.ts';
import type { AreaScoresView, DeductionView } from './vital-signs.api.ts';
import { CONSUMED_EVENTS } from './vital-signs.events.ts';
import { createVitalSignsModule, type VitalSignsModule } from './vital-signs.module.ts';

type World = Awaited<ReturnType<typeof openSmallWorld>>;

// A catalogue small enough to check every score by hand.
const SMALL: CatalogueBody = {
  name: 'int-test',
  dimensions: [
    { code: 'safety', name: '安全', nameEn: 'Safety', weight: 1 },
    { code: 'cleanliness', name: '整洁', nameEn: 'Cleanliness', weight: 1 },
    { code: 'order', name: '有序', nameEn: 'Order', weight: 2 },
    { code: 'convenience', name: '便民', nameEn: 'Convenience', weight: 1 },
  ],
  colourBands: { green: 90, yellow: 80, orange: 70 },
  severityWeights: { critical: 3, major: 2, minor: 1, warning: 0.5 },
  indicators: [
    { code: 'O1', name: '街面秩序', nameEn: 'Street order', dimension: 'order', weight: 3, levels: ['city', 'district', 'street', 'community', 'grid'], source: { type: 'cases', categories: ['11.05'] }, rule: { type: 'perEvent', points: 10, cap: 50, restoreOnTime: 0.5 } },
    { code: 'O2', name: '街面秩序按时办结率', nameEn: 'Street order on time', dimension: 'order', weight: 1, levels: ['city', 'district', 'street'], source: { type: 'caseRate', rate: 'onTime', categories: ['11.05'] }, rule: { type: 'ratio', target: 0.8, better: 'higher', maxLoss: 40 } },
    { code: 'S1', name: '烟感告警', nameEn: 'Smoke', dimension: 'safety', weight: 1, levels: ['city', 'district', 'street', 'community', 'grid'], source: { type: 'alarms', alarmTypes: ['smoke_detected'] }, rule: { type: 'perEvent', points: 20, cap: 100 } },
    { code: 'C1', name: '环境污染', nameEn: 'Pollution', dimension: 'cleanliness', weight: 1, levels: ['city', 'district', 'street', 'community', 'grid'], source: { type: 'cases', categories: ['02'] }, rule: { type: 'perEvent', points: 5, cap: 100, restoreOnTime: 0.5 } },
    { code: 'V1', name: '全市按时办结率', nameEn: 'On-time completion', dimension: 'convenience', weight: 1, levels: ['city'], source: { type: 'kpi', rate: 'onTimeCompletionRate' }, rule: { type: 'bands', bands: [{ from: 0, loss: 20 }, { from: 0.9, loss: 0 }] } },
  ],
};

const EAST_GRID_1 = { lng: 120.15, lat: 30.05 };
const EAST_GRID_2 = { lng: 120.15, lat: 30.15 };
const WEST_GRID = { lng: 120.05, lat: 30.1 };
const DAY = { period: 'day' as const, date: '2026-12-01' };

describe(`vital signs on ${testEngine()}`, () => {
  let w: World;
  let vitals: VitalSignsModule;
  let http: HttpApp;
  const ids: Record<string, string> = {};
  const drain = () => w.app.bus.drain();
  const score = (area: string) => vitals.service.scores({ area, ...DAY });

  beforeAll(async () => {
    w = await openSmallWorld('2026-12-01T01:00:00Z'); // 09:00 in Beijing
    // The app composes the module (its subscriptions are on the app's bus, primed at start).
    vitals = w.app.vitals;
    await vitals.service.load();
    http = await w.app.http();
    await http.ready();
  });
  afterAll(async () => {
    await http?.close();
    await w?.close();
  });

  it('starts from the default catalogue as version 1 and stores a new body as version 2', async () => {
    expect(vitals.service.catalogue().version).toBe(1);
    expect(vitals.service.catalogue().body.indicators.length).toBeGreaterThanOrEqual(100);
    expect(await vitals.service.replaceCatalogue(SMALL, { id: 'test' }, 'hand-checkable')).toEqual({ version: 2, changed: true });
    expect(await vitals.service.replaceCatalogue(structuredClone(SMALL), { id: 'test' })).toEqual({ version: 2, changed: false });
  });

  it('writes a ledger row per deduction, naming the case, for cases and alarms of the day', async () => {
    const s = w.app.cases.service;
    ids.a = (await s.intake({ channel: 'app', kind: 'report', categoryCode: '11.05.03', text: '共享单车堆满人行道', location: EAST_GRID_1 }, TEST_ACTOR)).id;
    ids.b = (await s.intake({ channel: 'hotline', kind: 'complaint', categoryCode: '11.05.01', text: '路口有人占道卖水果', location: EAST_GRID_1 }, TEST_ACTOR)).id;
    ids.c = (await s.intake({ channel: 'hotline', kind: 'complaint', categoryCode: '02.01.01', text: '夜间广场舞噪音大', location: WEST_GRID }, TEST_ACTOR)).id;
    await s.intake({ channel: 'hotline', kind: 'consult', categoryCode: '11.05.02', text: '请问外摆需要办理什么手续', location: WEST_GRID }, TEST_ACTOR);
    const grid2 = w.app.places.api.locate(EAST_GRID_2.lng, EAST_GRID_2.lat)!.id;
    await w.app.uow.run(({ publish }) => publish(CONSUMED_EVENTS.alarmRaised, { alarmId: 'alm_1', type: 'smoke_detected', severity: 'major', areaId: grid2, deviceId: 'dev_1' }));
    await drain();
    const rows = await vitals.service.deductions({ ...DAY, limit: 50 });
    expect(rows.items.map((r) => [r.indicator.code, r.kind, r.points, r.area?.code, r.cause.type, r.catalogueVersion]).sort()).toEqual([
      ['C1', 'deduct', 5, '990102001001001', 'case', 2],
      ['O1', 'deduct', 10, '990101001001001', 'case', 2],
      ['O1', 'deduct', 10, '990101001001001', 'case', 2],
      ['S1', 'deduct', 40, '990101001001002', 'alarm', 2],
    ]);
    const a = rows.items.find((r) => r.cause.id === ids.a)!;
    expect(a.cause).toEqual({ type: 'case', id: ids.a, ref: '202612010001', link: `/api/v1/cases/${ids.a}` });
  });

  it('scores every level from the ledger with the exact rule numbers', async () => {
    // Grid: O1 loses 20 → order 80; safety and cleanliness 100; overall (100 + 100 + 2·80) / 4.
    const grid = await score('990101001001001');
    expect([grid.overall, grid.colour, grid.dimensions.map((d) => d.score)]).toEqual([90, 'green', [100, 100, 80, null]]);
    // East district: order 100 − (3·20 + 1·0)/4 = 85 (O2 has no resolution yet); safety 100 − 40 = 60.
    const east = await score('990101');
    expect([east.overall, east.colour, east.dimensions.map((d) => d.score)]).toEqual([82.5, 'yellow', [60, 100, 85, null]]);
    // City: cleanliness 95; the KPI has nothing completed yet (no data, no loss).
    const city = await score('990100');
    expect([city.overall, city.dimensions.map((d) => d.score)]).toEqual([85, [60, 95, 85, 100]]);
    // West district: cleanliness 95 → (100 + 95 + 2·100) / 4.
    expect(city.children.map((c) => [c.area.code, c.overall])).toEqual([['990101', 82.5], ['990102', 98.75]]);
  });

  it('gives back half the points when a case is resolved on time, and counts it in the on-time rate and the KPI', async () => {
    const s = w.app.cases.service;
    await s.dispatch(ids.a!, { departmentId: w.dept('EAST-CITYMGMT') }, TEST_ACTOR);
    w.clock.advance(3600_000);
    await s.signFor(ids.a!, {}, TEST_ACTOR);
    w.clock.advance(3600_000);
    await s.resolve(ids.a!, { reply: '已清理并规范停放区域' }, TEST_ACTOR);
    await drain();
    const restore = (await vitals.service.deductions({ ...DAY, caseId: ids.a!, kind: 'restore' })).items;
    expect(restore.map((r) => [r.indicator.code, r.points])).toEqual([['O1', -5]]);
    expect((await score('990101001001001')).dimensions.map((d) => d.score)).toEqual([100, 100, 85, null]);
    // District: O1 15, O2 1/1 on time → 0; order 100 − 45/4.
    expect((await score('990101')).dimensions[2]!.score).toBe(88.75);
    // City: order 88.75, KPI on-time completion 1/1 → convenience 100; (60 + 95 + 2·88.75 + 100) / 5.
    expect((await score('990100')).overall).toBe(86.5);
  });

  it('cancels a duplicate merged into another case and a case not accepted', async () => {
    const s = w.app.cases.service;
    await s.merge(ids.b!, { parentId: ids.a! }, TEST_ACTOR);
    const na = await s.intake({ channel: 'hotline', kind: 'complaint', categoryCode: '11.05.01', text: '反映的占道问题不在本市', location: EAST_GRID_1, notAccepted: '非本市管辖范围' }, TEST_ACTOR);
    await drain();
    expect((await vitals.service.deductions({ ...DAY, caseId: ids.b! })).items.map((r) => [r.kind, r.points, r.events]).sort()).toEqual([['cancel', -10, -1], ['deduct', 10, 1]]);
    expect((await vitals.service.deductions({ ...DAY, caseId: na.id })).items.map((r) => [r.kind, r.points]).sort()).toEqual([['cancel', -10], ['deduct', 10]]);
    expect((await score('990101001001001')).dimensions[2]!.score).toBe(95);
  });

  it('takes a restoration back when a dissatisfied callback reopens the case', async () => {
    await w.app.cases.service.callback(ids.a!, { reached: true, rating: 1 }, TEST_ACTOR);
    await drain();
    expect((await vitals.service.deductions({ ...DAY, caseId: ids.a!, kind: 'unrestore' })).items.map((r) => r.points)).toEqual([5]);
    expect((await score('990101001001001')).dimensions[2]!.score).toBe(90);
  });

  it('writes nothing twice when an event is delivered again', async () => {
    const before = (await vitals.service.status()).ledgerRows;
    const [row] = (await vitals.service.deductions({ ...DAY, caseId: ids.c! })).items;
    const event = await w.app.database.db.withTables<{ platform_outbox: { id: string; name: string; occurred_at: string; payload: string } }>()
      .selectFrom('platform_outbox').selectAll().where('id', '=', row!.eventId).executeTakeFirstOrThrow();
    await vitals.service.handle({ seq: 0, id: event.id, name: event.name, occurredAt: event.occurred_at, actor: null, payload: JSON.parse(event.payload) as Record<string, unknown> });
    expect((await vitals.service.status()).ledgerRows).toBe(before);
    expect((await score('990102')).overall).toBe(98.75);
  });

  it('adds rows another process wrote to its own sums through the broadcast', async () => {
    // A second composition over the same database stands for the server while this one is a CLI.
    const bus2 = new EventBus(w.app.database, w.clock, w.app.logger);
    const other = createVitalSignsModule({
      database: w.app.database, uow: new UnitOfWork(w.app.database, bus2), bus: bus2, clock: w.clock, logger: w.app.logger, places: w.app.places.api, cases: w.app.cases.api,
      config: { zone: 'Asia/Shanghai' },
    });
    await bus2.prime();
    await other.service.load();
    expect((await other.service.scores({ area: '990102', ...DAY })).overall).toBe(98.75);
    const c = await w.app.cases.service.intake({ channel: 'hotline', kind: 'complaint', categoryCode: '02.01.02', text: '工厂烟囱冒黑烟', location: WEST_GRID }, TEST_ACTOR);
    await drain();
    await bus2.drain();
    // C1 now 10 in the west: cleanliness 90 → (100 + 90 + 2·100) / 4, in both processes, counted once.
    expect((await other.service.scores({ area: '990102', ...DAY })).overall).toBe(97.5);
    expect((await score('990102')).overall).toBe(97.5);
    await w.app.cases.service.merge(c.id, { parentId: ids.c! }, TEST_ACTOR);
    await drain();
    await bus2.drain();
    expect((await other.service.scores({ area: '990102', ...DAY })).overall).toBe(98.75);
  });

  it('drills down from the city to a dimension, an indicator, an area and the cases behind the deductions', async () => {
    const dim = await vitals.service.dimension({ area: '990100', ...DAY, dimension: 'order' });
    expect(dim.indicators.map((i) => [i.code, i.loss, i.dimensionLoss])).toEqual([['O1', 10, 7.5], ['O2', 0, 0]]);
    const ind = await vitals.service.indicator({ area: '990100', ...DAY, code: 'O1' });
    expect(ind.children.map((c) => [c.area.code, c.loss, c.points, c.events])).toEqual([['990101', 10, 10, 1]]);
    const rows = await vitals.service.deductions({ area: '990101', ...DAY, indicator: 'O1' });
    expect(rows.total).toBe(7);
    expect(new Set(rows.items.map((r) => r.cause.link))).toContain(`/api/v1/cases/${ids.a}`);
  });

  it('ranks the day\'s top deductions and compares areas', async () => {
    const top = await vitals.service.topDeductions({ date: '2026-12-01', level: 'district' });
    expect(top.items.map((t) => [t.indicator.code, t.area.code, t.points])).toEqual([['S1', '990101', 40], ['O1', '990101', 10], ['C1', '990102', 5]]);
    expect(top.items[0]!.causes).toEqual([{ type: 'alarm', id: 'alm_1', ref: 'smoke_detected', link: null }]);
    const cmp = await vitals.service.compare({ areas: ['990101', '990102'], period: 'day', dates: ['2026-12-01'] });
    // East now: O1 10 (A 10 − 5 + 5; B and the not-accepted case cancelled), O2 1/1: order 92.5 → (60 + 100 + 2·92.5) / 4.
    expect(cmp.rows.map((r) => [r.area.code, r.cells[0]!.overall])).toEqual([['990101', 86.25], ['990102', 98.75]]);
  });

  it('keeps the catalogue version a snapshot was computed with when a weight changes later', async () => {
    w.clock.set('2026-12-02T02:00:00Z');
    const snap = await vitals.service.snapshot('2026-12-01');
    expect([snap.catalogueVersion, snap.skipped]).toEqual([2, false]);
    const cityThen = (await score('990100')).overall;
    expect(await vitals.service.setIndicatorWeight('O1', 1, { id: 'test' })).toEqual({ version: 3, changed: true });
    const after = await score('990100');
    // Order now 100 − (1·10 + 1·0)/2 = 95: the live score moves, the snapshot does not.
    expect(after.dimensions[2]!.score).toBe(95);
    expect(after.snapshot).toEqual({ overall: cityThen, catalogueVersion: 2, computedAt: '2026-12-02T02:00:00.000Z' });
    const trend = await vitals.service.trend({ area: '990100', from: '2026-12-01', to: '2026-12-02' });
    expect(trend.items.map((i) => [i.day, i.catalogueVersion, i.source])).toEqual([['2026-12-01', 2, 'snapshot'], ['2026-12-02', 3, 'live']]);
    expect((await vitals.service.deductions({ ...DAY, caseId: ids.c! })).items[0]!.catalogueVersion).toBe(2);
    expect((await vitals.service.catalogueVersions()).map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it('serves the drill-down over HTTP and refuses a bad catalogue with the path of each problem', async () => {
    const res = await http.inject({ method: 'GET', url: '/api/v1/vitals/scores?area=990101&period=day&date=2026-12-01' });
    expect(res.statusCode).toBe(200);
    expect(res.json<AreaScoresView>().area.name).toBe('东区');
    const rows = await http.inject({ method: 'GET', url: `/api/v1/vitals/deductions?area=990101&period=day&date=2026-12-01&indicator=O1&limit=2` });
    expect(rows.json<{ total: number; items: DeductionView[] }>().items).toHaveLength(2);
    const bad = await http.inject({ method: 'PUT', url: '/api/v1/vitals/catalogue', payload: { catalogue: { ...SMALL, colourBands: { green: 50, yellow: 80, orange: 70 } } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorBody>().error).toMatchObject({ code: 'VITALS_BAD_CATALOGUE', field: 'colourBands' });
    const v2 = await http.inject({ method: 'GET', url: '/api/v1/vitals/catalogue/versions/2' });
    expect([v2.statusCode, v2.json<{ version: number; body: CatalogueBody }>().body.name]).toEqual([200, 'int-test']);
    const future = await http.inject({ method: 'GET', url: '/api/v1/vitals/scores?period=day&date=2030-01-01' });
    expect(future.json<ErrorBody>().error.code).toBe('VITALS_FUTURE_PERIOD');
    const rolling = await http.inject({ method: 'GET', url: '/api/v1/vitals/scores?period=now&date=2026-12-01' });
    expect([rolling.statusCode, rolling.json<ErrorBody>().error.field]).toEqual([400, 'date']);
  });

  it('scores imported history at its own dates in attribute areas mapped from the source rows', async () => {
    const csv = [
      'Unique Key,Created Date,Closed Date,Agency,Complaint Type,Descriptor,Status,Due Date,Borough,Latitude,Longitude',
      '9001,03/01/2011 10:00:00 AM,03/02/2011 10:00:00 AM,DOT,Street Condition,Pothole,Closed,03/05/2011 10:00:00 AM,BROOKLYN,40.66,-73.99',
      '9002,03/01/2011 11:00:00 AM,03/09/2011 10:00:00 AM,DOT,Street Condition,Pothole,Closed,03/05/2011 10:00:00 AM,BROOKLYN,40.67,-73.98',
      '9003,03/02/2011 09:00:00 AM,,NYPD,Noise - Residential,Loud Music/Party,Open,,QUEENS,40.72,-73.80',
    ].join('\n');
    const { parseNyc311 } = await import('../cases/import/nyc311.parser.ts');
    const { Readable } = await import('node:stream');
    await w.app.cases.importer.run('nyc311', parseNyc311(Readable.from([csv])));
    await drain();
    // Their points are in New York, outside the city: nothing scored yet, kept aside.
    expect((await vitals.service.status()).unplacedCases).toBe(3);
    expect(await vitals.service.replaceCatalogue((await import('./domain/nyc311-catalogue.ts')).NYC311_CATALOGUE, { id: 'test' })).toEqual({ version: 4, changed: true });
    const mapped = await vitals.service.mapAreas({ source: 'nyc311', name: 'New York City', entries: [{ externalId: '9001', value: 'BROOKLYN' }, { externalId: '9002', value: 'BROOKLYN' }, { externalId: '9003', value: 'QUEENS' }] });
    expect(mapped).toEqual({ areas: 3, aliases: 3, skipped: 0, placed: 3 });
    const month = await vitals.service.scores({ area: 'nyc311', period: 'month', date: '2011-03-15' });
    expect(month.children.map((c) => c.area.name).sort()).toEqual(['BROOKLYN', 'QUEENS']);
    const rows = await vitals.service.deductions({ area: 'nyc311.brooklyn', period: 'month', date: '2011-03-15', indicator: 'nyc.street-condition' });
    // Both cases deduct 5 on 1 March; only the first was closed by its due date and gets 2.5 back.
    expect(rows.items.map((r) => [r.kind, r.points, r.at.slice(0, 10)]).sort()).toEqual([['deduct', 5, '2011-03-01'], ['deduct', 5, '2011-03-01'], ['restore', -2.5, '2011-03-01']]);
    const street = (await vitals.service.indicator({ area: 'nyc311.brooklyn', period: 'month', date: '2011-03-15', code: 'nyc.street-condition' })).indicator;
    expect([street.sums.points, street.loss]).toEqual([7.5, 0.24]);
    expect((await vitals.service.status()).unplacedCases).toBe(0);
  });
});
