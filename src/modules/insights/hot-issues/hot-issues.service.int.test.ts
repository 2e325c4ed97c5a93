import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../platform/clock/clock.ts';
import type { Authenticator } from '../../../platform/http/auth.ts';
import { createHttpServer, type HttpApp } from '../../../platform/http/http-server.ts';
import { createLogger } from '../../../platform/logging/logger.ts';
import { Metrics } from '../../../platform/metrics/metrics.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../../../platform/testing/test-database.ts';
import { createInsightsHotIssues } from '../migrations/202612032110_create-insights-hot-issues.ts';
import { HotIssuesRepository, type HotIssueRun } from './hot-issues.repository.ts';
import { registerHotIssueRoutes } from './hot-issues.routes.ts';
import { HotIssuesService, parsePeriod, type CaseText, type CaseTextSource } from './hot-issues.service.ts';

const ZONE = 'Asia/Shanghai';
let n = 0;
const c = (title: string, text: string, receivedAt: string, requesterKey: string | null): CaseText => ({
  id: `cas_${++n}`, number: `2026120${String(n).padStart(5, '0')}`, title, text, categoryCode: '02.01', areaId: 'grid1', receivedAt, requesterKey,
});
const CASES: CaseText[] = [
  c('东区阳光花园小区旁边工地夜间施工噪音扰民', '阳光花园小区旁的工地每天夜里施工到凌晨两点，噪音太大。', '2026-11-30T14:00:00Z', 'k1'),
  c('阳光花园小区附近工地凌晨施工太吵', '工地夜间施工，打桩声音大，居民无法休息。', '2026-12-01T02:00:00Z', 'k2'),
  c('投诉阳光花园小区旁工地夜间施工', '晚上十一点后还在施工，噪音扰民。', '2026-12-01T06:00:00Z', null),
  c('阳光花园工地夜间施工噪音大', '夜间施工噪音大，请城管处理。', '2026-12-02T01:00:00Z', null),
  c('西区幸福路路灯不亮', '幸福路上的路灯坏了一个星期。', '2026-12-01T03:00:00Z', 'k5'),
  c('很早以前的阳光花园小区工地噪音', '夜间施工。', '2026-10-01T03:00:00Z', 'k6'),
];

/** A source that, like the cases module, answers only the period asked for. */
const source: CaseTextSource & { asked: Array<[string, string]> } = {
  asked: [],
  async *casesBetween(from, to) {
    this.asked.push([from, to]);
    for (const x of CASES) if (x.receivedAt >= from && x.receivedAt < to) yield x;
  },
};

describe(`hot issues of live cases on ${testEngine()}`, () => {
  let db: TestDatabase;
  let service: HotIssuesService;
  let http: HttpApp;
  beforeAll(async () => {
    db = await openTestDatabase({ insights: { '202612032110_create-insights-hot-issues': createInsightsHotIssues } });
    service = new HotIssuesService(new HotIssuesRepository(db.db, db.dialect), new ManualClock('2026-12-03T00:00:00Z'), source, { zone: ZONE });
    const auth: Authenticator = {
      async authenticate(req) {
        const p = req.headers['x-test-perms'];
        return typeof p === 'string' ? { id: 'acc_1', kind: 'session', label: '分析员', permissions: new Set(p.split(',')), claims: {} } : null;
      },
    };
    http = await createHttpServer({ logger: createLogger({ level: 'silent' }), metrics: new Metrics({ defaults: false }), bodyLimit: 100_000, title: 't', version: '1', ready: () => true, authenticator: auth });
    registerHotIssueRoutes(http, service);
    await http.ready();
  });
  afterAll(async () => {
    await http?.close();
    await db?.close();
  });

  it('mines the local days asked for, stores the ranking and reads it back', async () => {
    const run = await service.mine({ from: '2026-12-01', to: '2026-12-02' }, 'acc_1');
    // Local days in Shanghai: 1 December 00:00 to 3 December 00:00 (UTC+8).
    expect(source.asked.at(-1)).toEqual(['2026-11-30T16:00:00.000Z', '2026-12-02T16:00:00.000Z']);
    expect(run.issues.map((i) => [i.rank, i.place, i.messageCount, i.requesterCount])).toEqual([[1, '阳光花园小区', 3, 3]]);
    expect(run.issues[0]!.messages.map((m) => m.id)).toEqual(['cas_2', 'cas_3', 'cas_4']);
    expect(run).toMatchObject({ messageCount: 4, createdBy: 'acc_1', source: 'cases' });
    expect(await service.get(run.id)).toEqual(run);
    expect((await service.latest())?.id).toBe(run.id);
    expect((await service.runs()).map((r) => [r.id, r.issueCount])).toEqual([[run.id, 1]]);
  });

  it('refuses a bad or reversed period with a coded error', async () => {
    expect(() => parsePeriod('2026-12-05', '2026-12-01', ZONE)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'to' }));
    expect(() => parsePeriod('yesterday', '2026-12-01', ZONE)).toThrow(expect.objectContaining({ field: 'from' }));
    expect(() => parsePeriod('2024-01-01', '2026-12-01', ZONE)).toThrow(/366/);
    await expect(service.get('hir_none')).rejects.toMatchObject({ code: 'HOT_ISSUE_RUN_NOT_FOUND', status: 404 });
  });

  it('serves runs over HTTP with the declared permissions', async () => {
    const post = await http.inject({ method: 'POST', url: '/api/v1/insights/hot-issues/runs', headers: { 'x-test-perms': 'insights.hot-issues.mine' }, payload: { from: '2026-11-30', to: '2026-12-02', top: 5 } });
    expect(post.statusCode).toBe(201);
    const run = post.json<HotIssueRun>();
    expect(run.issues[0]).toMatchObject({ rank: 1, messageCount: 4 });
    expect((await http.inject({ method: 'POST', url: '/api/v1/insights/hot-issues/runs', headers: { 'x-test-perms': 'insights.reports.read' }, payload: { from: '2026-11-30', to: '2026-12-02' } })).statusCode).toBe(403);
    const latest = await http.inject({ method: 'GET', url: '/api/v1/insights/hot-issues/runs/latest', headers: { 'x-test-perms': 'insights.reports.read' } });
    expect(latest.json<{ run: HotIssueRun }>().run.id).toBe(run.id);
    expect((await http.inject({ method: 'GET', url: `/api/v1/insights/hot-issues/runs/${run.id}`, headers: { 'x-test-perms': 'insights.reports.read' } })).json<HotIssueRun>().issues).toHaveLength(1);
    const bad = await http.inject({ method: 'POST', url: '/api/v1/insights/hot-issues/runs', headers: { 'x-test-perms': 'insights.hot-issues.mine' }, payload: { from: '2026-12-02', to: '2026-11-30' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'to' });
  });
});
