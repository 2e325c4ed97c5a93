import { DateTime } from 'luxon';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../platform/clock/clock.ts';
import type { DomainEvent } from '../../../platform/events/domain-event.ts';
import { EventBus, outboxMigrations } from '../../../platform/events/event-bus.ts';
import { UnitOfWork } from '../../../platform/events/unit-of-work.ts';
import type { Authenticator, Principal } from '../../../platform/http/auth.ts';
import { createHttpServer, type HttpApp } from '../../../platform/http/http-server.ts';
import { createLogger } from '../../../platform/logging/logger.ts';
import { Metrics } from '../../../platform/metrics/metrics.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../../../platform/testing/test-database.ts';
import { createInsightsWarnings } from '../migrations/202612032120_create-insights-warnings.ts';
import { evaluateWindow } from './spike-detector.ts';
import { INSIGHTS_WARNING_EVENTS } from './warnings.events.ts';
import { WarningsRepository } from './warnings.repository.ts';
import { registerWarningRoutes } from './warnings.routes.ts';
import { WarningsService, type AreaDirectory, type WarningView } from './warnings.service.ts';

const ZONE = 'Asia/Shanghai';
const silent = createLogger({ level: 'silent' });
// Like PlacesApi.lineage: the area and its ancestors, from itself up to the city.
const PARENT: Record<string, { name: string; level: string; parent: string | null }> = {
  city: { name: '测试市', level: 'city', parent: null },
  district1: { name: '东区', level: 'district', parent: 'city' }, street1: { name: '东一街道', level: 'street', parent: 'district1' }, grid1: { name: '东一网格', level: 'grid', parent: 'street1' },
  district2: { name: '西区', level: 'district', parent: 'city' }, street2: { name: '西一街道', level: 'street', parent: 'district2' }, grid2: { name: '西一网格', level: 'grid', parent: 'street2' },
};
const areas: AreaDirectory = {
  lineage(id) {
    const out: Array<{ id: string; name: string; level: string }> = [];
    for (let a: string | null = id; a && PARENT[a]; a = PARENT[a]!.parent) out.push({ id: a, name: PARENT[a]!.name, level: PARENT[a]!.level });
    return out;
  },
};
const CATEGORY_NAMES: Record<string, string> = { '01': '城乡建设', '01.02': '住房保障与房地产' };
const local = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toUTC().toISO()!;

describe(`early warnings on ${testEngine()}`, () => {
  let db: TestDatabase;
  let clock: ManualClock;
  let bus: EventBus;
  let service: WarningsService;
  let events: DomainEvent[];
  let seq = 0;
  const caseId = () => `cas_${String(++seq).padStart(6, '0')}`;
  const receive = (receivedAt: string, over: { areaId?: string | null; categoryCode?: string } = {}) =>
    service.onCaseReceived({ caseId: caseId(), categoryCode: over.categoryCode ?? '01.02.03', areaId: over.areaId === undefined ? 'grid1' : over.areaId, channel: 'phone', kind: 'complaint', receivedAt });

  beforeAll(async () => {
    db = await openTestDatabase({ platform: outboxMigrations, insights: { '202612032120_create-insights-warnings': createInsightsWarnings } });
  });
  afterAll(async () => db?.close());
  beforeEach(async () => {
    for (const t of ['insights_warning', 'insights_warning_count', 'insights_warning_series', 'insights_case_intake']) await db.db.withTables<Record<string, { x: string }>>().deleteFrom(t).execute();
    // Wednesday 2026-12-02 10:20 in Shanghai.
    clock = new ManualClock(local('2026-12-02T10:20'));
    bus = new EventBus(db, clock, silent);
    events = [];
    bus.subscribe(`test.warnings.${++seq}`, '*', async (e) => {
      if (e.name.startsWith('insights.')) events.push(e);
    });
    // Only events from this test: start the subscriber's cursor at the end.
    await bus.drain();
    events = [];
    service = new WarningsService(new WarningsRepository(db.db, db.dialect), new UnitOfWork(db, bus), clock, areas, (c) => CATEGORY_NAMES[c] ?? null, { zone: ZONE });
  });

  /** One case at 10:05 local on every weekday of the four weeks before 2 December 2026. */
  async function weekdayHistory(): Promise<void> {
    let d = DateTime.fromISO('2026-11-04T10:05', { zone: ZONE });
    while (d < DateTime.fromISO('2026-12-02T00:00', { zone: ZONE })) {
      if (d.weekday <= 5) expect((await receive(d.toUTC().toISO()!)).raised).toEqual([]);
      d = d.plus({ days: 1 });
    }
  }

  it('counts a case once in its district and street series, however often the event is delivered', async () => {
    const input = { caseId: 'cas_once', categoryCode: '01.02.03', areaId: 'grid1', channel: 'phone', kind: 'complaint', receivedAt: local('2026-12-02T10:01') };
    expect((await service.onCaseReceived(input)).recorded).toBe(true);
    expect((await service.onCaseReceived(input)).recorded).toBe(false);
    const counts = await db.db.withTables<{ insights_warning_count: { series_key: string; grain: string; bucket: string; count: number } }>()
      .selectFrom('insights_warning_count').selectAll().orderBy('series_key').orderBy('grain').execute();
    expect(counts.map((c) => [c.series_key, c.grain, c.bucket, Number(c.count)])).toEqual([
      ['01.02|district1', 'day', '2026-12-02', 1], ['01.02|district1', 'hour', '2026-12-02T02', 1],
      ['01.02|street1', 'day', '2026-12-02', 1], ['01.02|street1', 'hour', '2026-12-02T02', 1],
      ['01|district1', 'day', '2026-12-02', 1], ['01|district1', 'hour', '2026-12-02T02', 1],
      ['01|street1', 'day', '2026-12-02', 1], ['01|street1', 'hour', '2026-12-02T02', 1],
    ]);
  });

  it('raises one warning per series and window when an hour spikes, with its evidence, and publishes it in the same transaction', async () => {
    await weekdayHistory();
    const raisedAt: Array<{ n: number; ids: string[] }> = [];
    for (let n = 1; n <= 12; n++) {
      const r = await receive(local(`2026-12-02T10:${String(n + 5).padStart(2, '0')}`));
      if (r.raised.length) raisedAt.push({ n, ids: r.raised });
    }
    // Judged against four Wednesdays with 1 case each (mean (4 + ½)/4) and the same hour of the last 14 days.
    const baseline = { weekly: [1, 1, 1, 1], recent: [1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1] };
    const first = (grain: 'hour' | 'day') => [...Array(12).keys()].map((k) => k + 1).find((n) => evaluateWindow(n, grain, baseline)!.alarm);
    const grainOf = async (id: string) => (await service.get(id)).grain;
    const firstRaised = async (grain: 'hour' | 'day') => {
      for (const r of raisedAt) for (const id of r.ids) if ((await grainOf(id)) === grain) return r.n;
      return undefined;
    };
    expect(first('hour')).toBe(11);
    expect(await firstRaised('hour')).toBe(first('hour'));
    expect(await firstRaised('day')).toBe(first('day'));
    expect(raisedAt.flatMap((r) => r.ids)).toHaveLength(8);
    const { items } = await service.list();
    const hourly = items.filter((w) => w.grain === 'hour');
    expect(hourly.map((w) => `${w.categoryCode}|${w.areaId}`).sort()).toEqual(['01.02|district1', '01.02|street1', '01|district1', '01|street1']);
    const w = hourly.find((x) => x.categoryCode === '01.02' && x.areaId === 'street1')!;
    expect(w).toMatchObject<Partial<WarningView>>({
      status: 'raised', count: 12, expected: 1.125, basis: 'weekly', samples: [1, 1, 1, 1], areaName: '东一街道', categoryName: '住房保障与房地产',
      windowKey: '2026-12-02T02', windowStart: '2026-12-02T02:00:00.000Z', windowEnd: '2026-12-02T03:00:00.000Z',
    });
    expect(w.exampleCaseIds).toHaveLength(5);
    expect(w.title).toBe('东一街道 · 住房保障与房地产 · 2026-12-02 10时：12 件，基线 1.1 件');
    expect(w.pValue).toBeLessThan(1e-5);
    await bus.drain();
    const raised = events.filter((e) => e.name === INSIGHTS_WARNING_EVENTS.raised);
    expect(raised).toHaveLength(items.length);
    expect(raised.map((e) => e.payload.warningId).sort()).toEqual(items.map((i) => i.id).sort());
    expect(JSON.stringify(raised.map((e) => e.payload))).not.toMatch(/phone|name"/);
  });

  it('judges an ordinary hour as ordinary', async () => {
    await weekdayHistory();
    const r = await receive(local('2026-12-02T10:10'));
    expect(r).toEqual({ recorded: true, raised: [], updated: [] });
    expect((await service.list()).total).toBe(0);
  });

  it('counts late and imported cases for the baseline without judging them, and skips imports it cannot place in time', async () => {
    for (let i = 0; i < 20; i++) expect((await receive(local('2026-11-20T09:30'))).raised).toEqual([]);
    expect((await service.onCaseReceived({ caseId: 'imp1', categoryCode: '01', areaId: 'grid1', imported: true, occurredAt: clock.now().toISOString() })).recorded).toBe(false);
    expect((await service.onCaseReceived({ caseId: 'imp2', categoryCode: '01', areaId: 'grid1', imported: true, receivedAt: local('2026-11-21T09:30') })).recorded).toBe(true);
    expect((await service.list()).total).toBe(0);
  });

  it('ignores cases without an area or a time, and bad times, without failing', async () => {
    expect((await receive(local('2026-12-02T10:01'), { areaId: null })).raised).toEqual([]);
    expect((await service.onCaseReceived({ caseId: 'x1', categoryCode: '01', areaId: 'grid1', receivedAt: 'yesterday' })).recorded).toBe(false);
    expect((await service.onCaseReceived({ caseId: 'x2', categoryCode: '01', areaId: 'nowhere', receivedAt: local('2026-12-02T10:01') })).recorded).toBe(true);
  });

  it('keeps one open warning per series while the rise goes on and moves it to the latest window', async () => {
    await weekdayHistory();
    for (let i = 0; i < 12; i++) await receive(local('2026-12-02T10:30'));
    const before = (await service.list()).items.find((w) => w.grain === 'hour' && w.areaId === 'street1' && w.categoryCode === '01')!;
    clock.set(local('2026-12-02T11:30'));
    for (let i = 0; i < 14; i++) await receive(local('2026-12-02T11:30'));
    const after = await service.get(before.id);
    expect(after).toMatchObject({ windowKey: '2026-12-02T03', count: 14, status: 'raised' });
    expect((await service.list({ statuses: ['raised'] })).items.filter((w) => w.grain === 'hour' && w.areaId === 'street1' && w.categoryCode === '01')).toHaveLength(1);
  });

  it('records who acknowledged and closed a warning and refuses illegal steps', async () => {
    await weekdayHistory();
    for (let i = 0; i < 12; i++) await receive(local('2026-12-02T10:30'));
    const [w] = (await service.list()).items;
    clock.set(local('2026-12-02T10:45'));
    const acked = await service.acknowledge(w!.id, { id: 'acc_1', label: '王督办' }, '已通知东一街道核查');
    expect(acked).toMatchObject({ status: 'acknowledged', statusName: '已确认', acknowledgedBy: '王督办 (acc_1)', acknowledgedAt: local('2026-12-02T10:45').replace(/\.\d{3}Z$/, '.000Z'), note: '已通知东一街道核查' });
    await expect(service.acknowledge(w!.id, { id: 'acc_1' })).rejects.toMatchObject({ code: 'WARNING_ILLEGAL_TRANSITION', status: 409 });
    const closed = await service.close(w!.id, { id: 'acc_2' }, '现场处置完毕');
    expect(closed).toMatchObject({ status: 'closed', closedBy: 'acc_2', note: '现场处置完毕' });
    await expect(service.close(w!.id, { id: 'acc_2' })).rejects.toMatchObject({ code: 'WARNING_ILLEGAL_TRANSITION' });
    await expect(service.get('wrn_missing')).rejects.toMatchObject({ code: 'WARNING_NOT_FOUND', status: 404 });
    await bus.drain();
    expect(events.filter((e) => e.name !== INSIGHTS_WARNING_EVENTS.raised).map((e) => [e.name, e.payload.warningId, e.actor])).toEqual([
      [INSIGHTS_WARNING_EVENTS.acknowledged, w!.id, 'acc_1'],
      [INSIGHTS_WARNING_EVENTS.closed, w!.id, 'acc_2'],
    ]);
    // A closed warning does not stop the next rise from raising a new one.
    clock.set(local('2026-12-02T11:20'));
    for (let i = 0; i < 12; i++) await receive(local('2026-12-02T11:20'));
    expect((await service.list({ statuses: ['raised'] })).items.some((x) => x.areaId === w!.areaId && x.categoryCode === w!.categoryCode && x.grain === w!.grain)).toBe(true);
  });

  describe('HTTP', () => {
    let http: HttpApp;
    const principal = (perms: string[]): Principal => ({ id: 'acc_9', kind: 'session', label: '李分析', permissions: new Set(perms), claims: {} });
    const auth: Authenticator = {
      async authenticate(req) {
        const p = req.headers['x-test-perms'];
        return typeof p === 'string' ? principal(p.split(',')) : null;
      },
    };
    const as = (perms: string) => ({ 'x-test-perms': perms });
    beforeEach(async () => {
      http = await createHttpServer({ logger: silent, metrics: new Metrics({ defaults: false }), bodyLimit: 100_000, title: 't', version: '1', ready: () => true, authenticator: auth });
      registerWarningRoutes(http, service);
      await http.ready();
    });

    it('lists, shows, acknowledges and closes warnings with the declared permissions', async () => {
      await weekdayHistory();
      for (let i = 0; i < 12; i++) await receive(local('2026-12-02T10:30'));
      const list = await http.inject({ method: 'GET', url: '/api/v1/insights/warnings?status=raised&limit=2', headers: as('insights.reports.read') });
      expect(list.statusCode).toBe(200);
      const body = list.json<{ items: WarningView[]; total: number }>();
      expect(body.items).toHaveLength(2);
      expect(body.total).toBeGreaterThanOrEqual(4);
      const id = body.items[0]!.id;
      expect((await http.inject({ method: 'GET', url: `/api/v1/insights/warnings/${id}`, headers: as('insights.reports.read') })).json<WarningView>().id).toBe(id);
      expect((await http.inject({ method: 'POST', url: `/api/v1/insights/warnings/${id}/acknowledge`, headers: as('insights.reports.read'), payload: {} })).statusCode).toBe(403);
      expect((await http.inject({ method: 'GET', url: '/api/v1/insights/warnings' })).statusCode).toBe(401);
      const ack = await http.inject({ method: 'POST', url: `/api/v1/insights/warnings/${id}/acknowledge`, headers: as('insights.warnings.ack'), payload: { note: '收到' } });
      expect(ack.json<WarningView>()).toMatchObject({ status: 'acknowledged', acknowledgedBy: '李分析 (acc_9)', note: '收到' });
      const close = await http.inject({ method: 'POST', url: `/api/v1/insights/warnings/${id}/close`, headers: as('insights.warnings.ack') });
      expect(close.json<WarningView>().status).toBe('closed');
      const again = await http.inject({ method: 'POST', url: `/api/v1/insights/warnings/${id}/close`, headers: as('insights.warnings.ack') });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('WARNING_ILLEGAL_TRANSITION');
    });

    it('answers bad filters and unknown ids with coded errors', async () => {
      const bad = await http.inject({ method: 'GET', url: '/api/v1/insights/warnings?status=open', headers: as('insights.reports.read') });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'status' });
      expect((await http.inject({ method: 'GET', url: '/api/v1/insights/warnings?from=notadate', headers: as('insights.reports.read') })).json().error.field).toBe('from');
      expect((await http.inject({ method: 'GET', url: '/api/v1/insights/warnings/wrn_nope', headers: as('insights.reports.read') })).statusCode).toBe(404);
    });
  });
});
