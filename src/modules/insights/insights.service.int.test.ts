import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSmallWorld, TEST_ACTOR } from '../../../test/support/small-world.ts';
import { testEngine } from '../../platform/testing/test-database.ts';
import type { HttpApp } from '../../platform/http/http-server.ts';
import { INSIGHTS_EVENTS, type InsightsModule } from './index.ts';

type World = Awaited<ReturnType<typeof openSmallWorld>>;

// The fixture's three kinds of message, filed under three top-level categories of the default tree.
const CATEGORY: Record<string, string> = { 路灯: '12.01.01', 噪音: '02.01.01', 工资: '05.02.01' };
const fixture = (parse(readFileSync(fileURLToPath(new URL('./fixtures/labelled-messages.sample.csv', import.meta.url))), { bom: true, columns: true }) as Array<Record<string, string>>)
  .map((r) => ({ title: r['主题']!, text: r['详情']!, categoryCode: CATEGORY[r['分类']!]! }));

// East district (lng 120.1–120.2) has its own rule for 02 (EAST-CITYMGMT, assisted by EAST-OFFICE).
const EAST = { lng: 120.15, lat: 30.05 };

describe(`insights (classification, duplicates, reply quality) on ${testEngine()}`, () => {
  let w: World;
  let insights: InsightsModule;
  let http: HttpApp;

  const outbox = async (name: string) =>
    (await w.database.db.withTables<{ platform_outbox: { name: string; payload: string } }>().selectFrom('platform_outbox').select(['payload']).where('name', '=', name).execute()).map((r) => JSON.parse(r.payload) as Record<string, unknown>);

  beforeAll(async () => {
    w = await openSmallWorld('2026-12-01T01:00:00Z', {
      insights: { trainHour: 4, trainInWorker: false, holdoutCheck: false, labelPolicy: { level: 1, minPerClass: 5 }, trainOptions: { features: { bits: 16, charMin: 1, charMax: 3, words: true, wordBigrams: false, titleWeight: 2, foldDigits: true }, minDf: 1 } },
    });
    await w.app.bus.drain();
    insights = w.app.insights;
    http = await w.app.http();
    await http.ready();
  }, 120_000);
  afterAll(async () => {
    await http?.close();
    await w?.close();
  });

  it('keeps a copy of each received case and finds it again as a duplicate at intake and on demand', async () => {
    const first = await w.app.cases.service.intake({ channel: 'hotline', kind: 'complaint', categoryCode: '12.01.01', title: '幸福路路灯不亮', text: '幸福路与人民路交叉口的路灯晚上不亮，行人很危险', location: { lng: 120.05, lat: 30.1 } }, TEST_ACTOR);
    await w.app.bus.drain();
    const copy = await insights.repository.getCase(first.id);
    expect(copy).toMatchObject({ number: first.number, category_code: '12.01.01', text: first.text, imported: 0 });
    expect(insights.service.index.has(first.id)).toBe(true);

    w.clock.advance(3 * 3600_000);
    const s = await insights.service.suggest({ title: '人民路口路灯不亮', text: '幸福路和人民路交叉口路灯晚上不亮，很危险', lng: 120.0505, lat: 30.1003 });
    expect(s.categories).toEqual([]); // no model yet
    expect(s.model).toBeNull();
    expect(s.duplicates.map((d) => [d.number, d.state, d.likelyDuplicate])).toEqual([[first.number, 'pending_dispatch', true]]);
    expect(s.duplicates[0]!.distanceM).toBeGreaterThan(30);
    expect(s.duplicates[0]!.distanceM).toBeLessThan(100);

    const second = await w.app.cases.service.intake({ channel: 'app', kind: 'complaint', categoryCode: '12.01.01', title: '人民路口路灯不亮', text: '幸福路和人民路交叉口路灯晚上不亮，很危险', location: { lng: 120.0505, lat: 30.1003 } }, TEST_ACTOR);
    await w.app.bus.drain();
    const found = (await outbox(INSIGHTS_EVENTS.duplicateFound)).find((p) => p.caseId === second.id);
    expect(found?.candidates).toEqual([expect.objectContaining({ caseId: first.id, number: first.number })]);
    const related = await insights.service.related(second.number);
    expect(related.candidates.map((c) => c.caseId)).toEqual([first.id]);

    // A state change reaches the index through the events.
    await w.app.cases.service.dispatch(first.id, { departmentId: w.dept('HOUSING') }, TEST_ACTOR);
    await w.app.bus.drain();
    expect((await insights.service.related(second.id)).candidates[0]!.state).toBe('dispatched');
  });

  it('refuses to train without enough closed cases, and says why', async () => {
    await expect(insights.service.trainNow('cli')).rejects.toMatchObject({ code: 'INSIGHTS_NOT_ENOUGH_DATA' });
    const runs = await insights.service.trainingRuns();
    expect(runs[0]).toMatchObject({ status: 'failed', trigger: 'cli' });
    expect(runs[0]!.error).toMatch(/INSIGHTS_NOT_ENOUGH_DATA/);
  });

  it('trains from closed historical cases and suggests category, department and time limit', async () => {
    let n = 0;
    for (const f of fixture) {
      await w.app.cases.service.importHistorical({
        external: { source: 'teddycup', id: `fx-${n++}` }, channel: 'web', kind: 'complaint', urgency: 'normal', categoryCode: f.categoryCode,
        title: f.title, text: f.text, receivedAt: '2026-11-20T02:00:00Z', status: 'closed', reply: { text: '已处理。', at: '2026-11-21T02:00:00Z' },
      });
    }
    await w.app.bus.drain();
    expect((await outbox(INSIGHTS_EVENTS.duplicateFound)).length).toBe(1); // imported history announces no duplicates
    const { run, model } = await insights.service.trainNow('cli');
    expect(run.status).toBe('done');
    expect(model).toMatchObject({ version: 1, active: true, source: 'cases', samples: fixture.length });
    expect(model.labels.map((l) => l.code).sort()).toEqual(['02', '05', '12']);
    expect(model.labels.find((l) => l.code === '02')!.name).toBe('环境保护');
    expect((await outbox(INSIGHTS_EVENTS.modelTrained)).map((p) => p.version)).toEqual([1]);

    const s = await insights.service.suggest({ text: '楼下饭店每天半夜还在营业，吵闹声很大，严重扰民', ...EAST, kind: 'complaint' });
    expect(s.model).toEqual({ version: 1, method: 'svm+nbsvm' });
    expect(s.categories).toHaveLength(3);
    expect(s.categories[0]).toMatchObject({ code: '02', name: '环境保护' });
    expect(s.categories[0]!.confidence).toBeGreaterThan(s.categories[1]!.confidence);
    expect(s.department).toMatchObject({ code: 'EAST-CITYMGMT', assisting: [expect.objectContaining({ id: w.dept('EAST-OFFICE') })] });
    expect(s.areaId).not.toBeNull();
    expect(s.timeLimit).toMatchObject({ kind: 'complaint', urgency: 'normal', assumed: true, handle: { value: 7, unit: 'workdays' } });
  });

  it('records the agent\'s choice as a correction when it differs from the suggestion, and explicit corrections as labels', async () => {
    const c = await w.app.cases.service.intake({ channel: 'hotline', kind: 'complaint', categoryCode: '12.01.01', text: '工地老板拖欠我们农民工三个月工资不发' }, TEST_ACTOR);
    await w.app.bus.drain();
    const list = await insights.service.corrections({ caseId: c.id, limit: 10, offset: 0 });
    expect(list.items).toEqual([expect.objectContaining({ source: 'intake', fromCode: '05', toCode: '12.01.01', modelVersion: 1 })]);
    expect((await insights.repository.getCase(c.id))!.suggested_code).toBe('05');

    const agent = await insights.service.correctCategory(c.number, '05.02.01', 'agent1');
    expect(agent).toMatchObject({ caseId: c.id, fromCode: '12.01.01', toCode: '05.02.01', source: 'agent' });
    await expect(insights.service.correctCategory(c.id, '99.99', 'agent1')).rejects.toMatchObject({ code: 'INSIGHTS_UNKNOWN_CATEGORY' });
    const set = await insights.service.trainingSet();
    // An open case counts once corrected, with the agent's label.
    expect(set.samples.filter((x) => x.text === c.text).map((x) => x.label)).toEqual(['05']);
  });

  it('scores the reply of a resolved case and keeps a poor one for review', async () => {
    const resolveWith = async (reply: string) => {
      const c = await w.app.cases.service.intake({ channel: 'hotline', kind: 'complaint', categoryCode: '02.01.01', title: '烧烤店噪音扰民', text: '楼下烧烤店营业到凌晨三点，噪音扰民严重', location: EAST, dispatch: 'auto' }, TEST_ACTOR);
      await w.app.cases.service.signFor(c.id, {}, TEST_ACTOR);
      await w.app.cases.service.resolve(c.id, { reply }, TEST_ACTOR);
      await w.app.bus.drain();
      return c;
    };
    const poor = await resolveWith('已收悉。');
    const good = await resolveWith('您好！东区城管局于12月1日晚安排执法人员到烧烤店现场核查，确认其营业至凌晨噪音扰民，已责令整改并限定22点前停止室外经营。根据《环境噪声污染防治法》，如再次违反将依法处罚，后续我局将持续巡查。');
    const flagged = await insights.service.replyReviews({ status: 'flagged', limit: 10, offset: 0 });
    expect(flagged.items.map((r) => r.caseId)).toEqual([poor.id]);
    expect(flagged.items[0]!.flags).toContain('ACKNOWLEDGEMENT_ONLY');
    expect((await insights.service.replyReviews({ status: 'passed', limit: 10, offset: 0 })).items.map((r) => r.caseId)).toEqual([good.id]);
    expect((await outbox(INSIGHTS_EVENTS.replyFlagged)).map((p) => p.caseId)).toEqual([poor.id]);
    const closed = await insights.service.closeReview(poor.number, '已退回重新答复', 'supervisor1');
    expect(closed).toMatchObject({ status: 'reviewed', reviewedBy: 'supervisor1', reviewNote: '已退回重新答复' });
  });

  it('retrains once at the configured local hour and reloads', async () => {
    w.clock.set('2026-12-02T19:30:00Z'); // 03:30 in Shanghai: not yet
    await insights.service.tick();
    expect((await insights.service.trainingRuns()).filter((r) => r.trigger === 'schedule')).toEqual([]);
    w.clock.set('2026-12-02T20:05:00Z'); // 04:05
    await insights.service.tick();
    await insights.service.settled();
    await insights.service.tick();
    await insights.service.settled();
    const scheduled = (await insights.service.trainingRuns()).filter((r) => r.trigger === 'schedule');
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]).toMatchObject({ status: 'done', modelVersion: 2 });
    expect(insights.service.model?.version).toBe(2);
    await insights.service.activateModel(1, 'admin');
    expect(insights.service.model?.version).toBe(1);
    expect((await insights.service.models()).map((m) => [m.version, m.active])).toEqual([[2, false], [1, true]]);
  });

  it('serves the routes with coded errors for bad input and clear results for odd text', async () => {
    const post = (url: string, payload: unknown) => http.inject({ method: 'POST', url, payload: payload as object });
    const empty = await post('/api/v1/insights/suggest', { text: '' });
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toMatchObject({ categories: [], duplicates: [], notes: { empty: true } });
    const huge = await post('/api/v1/insights/suggest', { text: `拖欠工资${'啊'.repeat(50_000)}` });
    expect(huge.json().notes.truncated).toBe(true);
    const traditional = await post('/api/v1/insights/suggest', { text: '老闆拖欠工資三個月不發', title: '<b>欠薪</b>😡' });
    expect(traditional.json()).toMatchObject({ categories: [expect.objectContaining({ code: '05' }), expect.anything(), expect.anything()], notes: { html: true } });
    // Odd text answers 200 with a clear result, never a crash: emoji or markup only, blank, mixed scripts, a lone surrogate.
    for (const text of ['😀👍🏽❤️', '<script>alert(1)</script><br/>', ' \n\t\u3000 ', '\u200b\u200d']) {
      const r = await post('/api/v1/insights/suggest', { text, title: '🙂' });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ categories: [], duplicates: [], notes: { empty: true } });
    }
    const mixed = await post('/api/v1/insights/suggest', { text: 'Boss не платит зарплату 拖欠工資 الراتب ３个月 ＡＢＣ', title: `${'工資'.repeat(999)}` });
    expect(mixed.statusCode).toBe(200);
    expect(mixed.json()).toMatchObject({ categories: [expect.objectContaining({ code: '05' }), expect.anything(), expect.anything()], notes: { empty: false } });
    expect(mixed.json().notes.traditional).toBeGreaterThan(0);
    const longest = await post('/api/v1/insights/suggest', { text: `<div>${'路灯不亮&nbsp;'.repeat(20_000)}</div>`.slice(0, 200_000) });
    expect(longest.statusCode).toBe(200);
    expect(longest.json().notes).toMatchObject({ truncated: true, html: true, empty: false });
    expect((await post('/api/v1/insights/suggest', { text: 'x'.repeat(200_001) })).json().error).toMatchObject({ code: expect.any(String) });
    expect((await post('/api/v1/insights/suggest', { title: '路灯' })).statusCode).toBe(400);
    const bad = await post('/api/v1/insights/suggest', { text: 'x', lng: 500 });
    expect(bad.statusCode).toBe(400);
    expect((await post('/api/v1/insights/suggest', { text: 'x', extra: 1 })).statusCode).toBe(400);

    const rq = await post('/api/v1/insights/reply-quality', { requestText: '路灯不亮', replyText: '已收悉' });
    expect(rq.json()).toMatchObject({ flagged: true });
    const models = await http.inject({ method: 'GET', url: '/api/v1/insights/models' });
    expect(models.json().items.map((m: { version: number }) => m.version)).toEqual([2, 1]);
    const train = await post('/api/v1/insights/models/train', {});
    expect(train.statusCode).toBe(202);
    expect(train.json()).toMatchObject({ status: 'running', trigger: 'manual' });
    await insights.service.settled();
    const runs = await http.inject({ method: 'GET', url: '/api/v1/insights/models/training-runs?limit=1' });
    expect(runs.json().items[0]).toMatchObject({ id: train.json().id, status: 'done', modelVersion: 3 });

    const rules = await http.inject({ method: 'PUT', url: '/api/v1/insights/duplicate-rules', payload: { items: [{ categoryPrefix: '12.01.01', radiusM: 5, windowDays: 3 }] } });
    expect(rules.statusCode).toBe(400);
    expect(rules.json().error).toMatchObject({ code: 'INSIGHTS_BAD_DUPLICATE_RULES', field: 'rules.0' });
    const ok = await http.inject({ method: 'PUT', url: '/api/v1/insights/duplicate-rules', payload: { items: [{ categoryPrefix: '12.01.01', radiusM: 50, windowDays: 3 }] } });
    expect(ok.json().items.map((r: { categoryPrefix: string }) => r.categoryPrefix)).toEqual(['', '12.01.01']);
    await w.app.bus.drain();
    const unknown = await http.inject({ method: 'GET', url: '/api/v1/insights/cases/cas_01JZZZZZZZZZZZZZZZZZZZZZZZ/related' });
    expect(unknown.statusCode).toBe(404);
  });
});
