import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../platform/clock/clock.ts';
import { EventBus, outboxMigrations } from '../../../platform/events/event-bus.ts';
import { UnitOfWork } from '../../../platform/events/unit-of-work.ts';
import type { Authenticator } from '../../../platform/http/auth.ts';
import { createHttpServer, type HttpApp } from '../../../platform/http/http-server.ts';
import { createLogger } from '../../../platform/logging/logger.ts';
import { Metrics } from '../../../platform/metrics/metrics.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../../../platform/testing/test-database.ts';
import { HotIssuesRepository } from '../hot-issues/hot-issues.repository.ts';
import { HotIssuesService, type CaseText } from '../hot-issues/hot-issues.service.ts';
import { createInsightsBriefings } from '../migrations/202612032130_create-insights-briefings.ts';
import { createInsightsHotIssues } from '../migrations/202612032110_create-insights-hot-issues.ts';
import { createInsightsWarnings } from '../migrations/202612032120_create-insights-warnings.ts';
import { WarningsRepository } from '../warnings/warnings.repository.ts';
import { WarningsService } from '../warnings/warnings.service.ts';
import type { Briefing, BriefingSources } from './briefing.build.ts';
import { BriefingRepository } from './briefing.repository.ts';
import { registerBriefingRoutes } from './briefing.routes.ts';
import { BriefingService } from './briefing.service.ts';
import { briefingSources } from './briefing.sources.ts';

const ZONE = 'Asia/Shanghai';
const silent = createLogger({ level: 'silent' });
const AREA_NAMES: Record<string, string> = { district1: '东区', district2: '西区', street1: '东一街道', street2: '西一街道' };
const LINEAGE: Record<string, Array<{ id: string; name: string; level: string }>> = {
  grid1: [{ id: 'grid1', name: '东一网格', level: 'grid' }, { id: 'street1', name: '东一街道', level: 'street' }, { id: 'district1', name: '东区', level: 'district' }],
  grid2: [{ id: 'grid2', name: '西一网格', level: 'grid' }, { id: 'street2', name: '西一街道', level: 'street' }, { id: 'district2', name: '西区', level: 'district' }],
};

describe(`daily briefing on ${testEngine()}`, () => {
  let db: TestDatabase;
  let clock: ManualClock;
  let warnings: WarningsService;
  let service: BriefingService;
  let http: HttpApp;
  const texts: CaseText[] = [];
  const kpiCalls: string[] = [];

  beforeAll(async () => {
    db = await openTestDatabase({
      platform: outboxMigrations,
      insights: {
        '202612032110_create-insights-hot-issues': createInsightsHotIssues,
        '202612032120_create-insights-warnings': createInsightsWarnings,
        '202612032130_create-insights-briefings': createInsightsBriefings,
      },
    });
    // 08:30 on Thursday 3 December 2026 in Shanghai.
    clock = new ManualClock('2026-12-03T00:30:00Z');
    const bus = new EventBus(db, clock, silent);
    const areas = { lineage: (id: string) => LINEAGE[id] ?? [] };
    warnings = new WarningsService(new WarningsRepository(db.db, db.dialect), new UnitOfWork(db, bus), clock, areas, () => null, { zone: ZONE });
    const hot = new HotIssuesService(new HotIssuesRepository(db.db, db.dialect), clock, {
      async *casesBetween(from, to) {
        for (const t of texts) if (t.receivedAt >= from && t.receivedAt < to) yield t;
      },
    }, { zone: ZONE });
    const sources: BriefingSources = briefingSources({
      async kpis(q) {
        kpiCalls.push(`${q.from}..${q.to}`);
        return [{ key: 'all', name: '全部', counters: { total: 3 }, rates: { onTimeCompletionRate: { value: q.from === q.to && q.from === '2026-12-02' ? 0.5 : 0.75, numerator: 1, denominator: 2 } } }];
      },
      overdueByDepartment: async () => [{ key: 'dep_1', name: '东区城管局', count: 3 }],
      categoryName: (code) => ({ '01': '城乡建设', '02': '环境保护' })[code] ?? null,
      areaName: (id) => AREA_NAMES[id] ?? null,
    }, warnings, hot);
    service = new BriefingService(new BriefingRepository(db.db), sources, clock, { zone: ZONE, hour: 7 });

    // Cases of 2 December (local) and 1 December, as the cases.case.received events deliver them.
    const day2 = ['2026-12-01T17:00:00Z', '2026-12-02T01:00:00Z', '2026-12-02T03:00:00Z', '2026-12-02T09:00:00Z'];
    let i = 0;
    for (const at of day2) await warnings.onCaseReceived({ caseId: `c2_${++i}`, categoryCode: i <= 3 ? '01.02' : '02.01', areaId: i <= 2 ? 'grid1' : 'grid2', channel: i === 4 ? 'web' : 'hotline', receivedAt: at });
    await warnings.onCaseReceived({ caseId: 'c1_1', categoryCode: '01.01', areaId: 'grid1', channel: 'hotline', receivedAt: '2026-12-01T02:00:00Z' });
    for (let k = 0; k < 3; k++) texts.push({ id: `t${k}`, number: `n${k}`, title: '东区阳光花园小区旁工地夜间施工噪音扰民', text: '阳光花园小区旁边的工地每天夜间施工到凌晨，噪音太大。', categoryCode: '02.01', areaId: 'grid1', receivedAt: ['2026-11-29T03:00:00Z', '2026-11-30T03:00:00Z', '2026-12-01T03:00:00Z'][k]!, requesterKey: `r${k}` });

    const auth: Authenticator = {
      async authenticate(req) {
        const p = req.headers['x-test-perms'];
        return typeof p === 'string' ? { id: 'acc_7', kind: 'session', label: '领导', permissions: new Set(p.split(',')), claims: {} } : null;
      },
    };
    http = await createHttpServer({ logger: silent, metrics: new Metrics({ defaults: false }), bodyLimit: 100_000, title: 't', version: '1', ready: () => true, authenticator: auth });
    registerBriefingRoutes(http, service);
    await http.ready();
  });
  afterAll(async () => {
    await service?.stop();
    await http?.close();
    await db?.close();
  });

  it("builds yesterday's briefing from insights' own counts, the KPI Api, hot issues and warnings, and stores it", async () => {
    const b = await service.generate(undefined, 'acc_7');
    expect(b).toMatchObject({ day: '2026-12-02', total: 4, previousTotal: 1, overdueTotal: 3 });
    expect(b.byChannel.map((r) => [r.name, r.count, r.previous])).toEqual([['热线电话', 3, 1], ['网站', 1, 0]]);
    expect(b.byCategory.map((r) => [r.name, r.count, r.previous])).toEqual([['城乡建设', 3, 1], ['环境保护', 1, 0]]);
    expect(b.byArea.map((r) => [r.name, r.count])).toEqual([['东区', 2], ['西区', 2]]);
    expect(b.rates.find((r) => r.key === 'onTimeCompletionRate')).toMatchObject({ value: 0.5, previous: 0.75, change: -25, last30: 0.75 });
    expect(b.hotIssues.map((h) => [h.place, h.messageCount])).toEqual([['东区阳光花园小区', 3]]);
    expect(kpiCalls).toEqual(expect.arrayContaining(['2026-12-02..2026-12-02', '2026-12-01..2026-12-01', '2026-11-03..2026-12-02']));
    expect(await service.list()).toEqual([{ day: '2026-12-02', generatedAt: '2026-12-03T00:30:00.000Z', generatedBy: 'acc_7' }]);
  });

  it('serves the page, the workbook and JSON, generating a missing day on first request', async () => {
    const as = { 'x-test-perms': 'insights.reports.read' };
    const page = await http.inject({ method: 'GET', url: '/api/v1/insights/briefings/2026-12-02.html', headers: as });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('2026年12月2日（星期三）');
    const xlsx = await http.inject({ method: 'GET', url: '/api/v1/insights/briefings/2026-12-01.xlsx', headers: as });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-disposition']).toBe('attachment; filename="briefing-2026-12-01.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.getWorksheet('概览')!.getCell('B6').value).toBe(1);
    const json = await http.inject({ method: 'GET', url: '/api/v1/insights/briefings/2026-12-01', headers: as });
    expect(json.json<Briefing>()).toMatchObject({ day: '2026-12-01', total: 1 });
    expect((await service.list()).map((x) => x.day)).toEqual(['2026-12-02', '2026-12-01']);
  });

  it('regenerates on demand with its own permission and refuses bad and future days', async () => {
    expect((await http.inject({ method: 'POST', url: '/api/v1/insights/briefings', headers: { 'x-test-perms': 'insights.reports.read' }, payload: {} })).statusCode).toBe(403);
    const post = await http.inject({ method: 'POST', url: '/api/v1/insights/briefings', headers: { 'x-test-perms': 'insights.briefings.generate' }, payload: { date: '2026-12-02' } });
    expect(post.statusCode).toBe(201);
    const future = await http.inject({ method: 'GET', url: '/api/v1/insights/briefings/2026-12-09.html', headers: { 'x-test-perms': 'insights.reports.read' } });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.code).toBe('BRIEFING_FUTURE_DAY');
    const bad = await http.inject({ method: 'GET', url: '/api/v1/insights/briefings/2026-13-45.xlsx', headers: { 'x-test-perms': 'insights.reports.read' } });
    expect(bad.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'date' });
    expect((await http.inject({ method: 'GET', url: '/api/v1/insights/briefings/2026-12-02.html' })).statusCode).toBe(401);
  });

  it('schedules the morning run at the configured local hour and catches up once after a late start', async () => {
    clock.set('2026-12-03T22:00:00Z'); // 06:00 on 4 December
    expect(service.nextRunAt().toISOString()).toBe('2026-12-03T23:00:00.000Z');
    expect(await service.runDue()).toBeNull();
    clock.set('2026-12-04T01:15:00Z'); // 09:15: the 07:00 run was missed
    expect(service.nextRunAt().toISOString()).toBe('2026-12-04T23:00:00.000Z');
    const caught = await service.runDue();
    expect(caught?.day).toBe('2026-12-03');
    expect(await service.runDue()).toBeNull();
    expect((await service.list()).map((x) => [x.day, x.generatedBy])[0]).toEqual(['2026-12-03', null]);
  });
});
