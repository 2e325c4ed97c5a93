import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSmallWorld, TEST_ACTOR } from '../../../test/support/small-world.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import { testEngine } from '../../platform/testing/test-database.ts';

type World = Awaited<ReturnType<typeof openSmallWorld>>;

const code = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'no error';
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
};

describe(`case lifecycle on ${testEngine()}`, () => {
  let w: World;
  beforeAll(async () => {
    w = await openSmallWorld('2026-12-01T01:00:00Z'); // Tue 09:00 Beijing
  });
  afterAll(async () => w?.close());

  it('walks a case from intake through dispatch, sign-for, resolve and a satisfied callback to closed', async () => {
    const s = w.app.cases.service;
    const c = await s.intake({ channel: 'hotline', kind: 'complaint', categoryCode: '02.01', text: '小区门口垃圾堆积一周无人清运', requester: { name: '张三', phone: '13812341234' }, location: { lng: 120.05, lat: 30.1, address: '西一网格' } }, TEST_ACTOR);
    expect(c.number).toBe('202612010001');
    expect(c.state).toBe('pending_dispatch');
    expect(c.areaPath.map((a) => a.code)).toEqual(['990102001001001', '990102001', '990102', '990100']);
    const d = await s.dispatch(c.id, { auto: true }, TEST_ACTOR);
    expect(d.state).toBe('dispatched');
    expect(d.mainDepartmentId).toBe(w.dept('ENV')); // west district: the city-wide rule
    // complaint, normal: sign-for 1 working day, handle 7 working days counted from the next working day
    expect(d.signDueAt).toBe('2026-12-02T15:59:59.999Z');
    expect(d.dueAt).toBe('2026-12-10T15:59:59.999Z');
    w.clock.advance(3600_000);
    expect((await s.signFor(c.id, {}, TEST_ACTOR)).state).toBe('handling');
    w.clock.advance(86_400_000);
    const r = await s.resolve(c.id, { reply: '已协调环卫部门完成清运，并增加清运频次。' }, TEST_ACTOR);
    expect(r.state).toBe('resolved');
    expect(r.callbackDueAt).toBe('2026-12-03T15:59:59.999Z');
    const closed = await s.callback(c.id, { reached: true, rating: 5 }, TEST_ACTOR);
    expect(closed.state).toBe('closed');
    expect(await code(s.callback(c.id, { reached: true, rating: 4 }, TEST_ACTOR))).toBe('CASE_ILLEGAL_TRANSITION');
    const timeline = await s.timeline(c.id);
    expect(timeline.map((h) => `${h.action}:${h.fromState ?? '-'}>${h.toState}`)).toEqual([
      'intake:->pending_dispatch', 'dispatch:pending_dispatch>dispatched', 'sign_for:dispatched>handling', 'resolve:handling>resolved', 'callback:resolved>closed',
    ]);
  });

  it('routes by the deeper area rule with an assisting department, both of which sign for', async () => {
    const s = w.app.cases.service;
    const c = await s.intake({ channel: 'app', kind: 'report', categoryCode: '02.01.01', text: '夜间工地施工噪音扰民', location: { lng: 120.15, lat: 30.05 }, dispatch: 'auto' }, TEST_ACTOR);
    expect(c.mainDepartmentId).toBe(w.dept('EAST-CITYMGMT'));
    expect(c.assignments.map((a) => [a.departmentId, a.role])).toEqual([[w.dept('EAST-CITYMGMT'), 'main'], [w.dept('EAST-OFFICE'), 'assist']]);
    const signedAssist = await s.signFor(c.id, { departmentId: w.dept('EAST-OFFICE') }, TEST_ACTOR);
    expect(signedAssist.state).toBe('dispatched');
    expect((await s.signFor(c.id, {}, TEST_ACTOR)).state).toBe('handling');
    const replied = await s.reply(c.id, { text: '街道已上门劝导施工单位', departmentId: w.dept('EAST-OFFICE') }, TEST_ACTOR);
    expect(replied.assignments.find((a) => a.role === 'assist')?.status).toBe('replied');
  });

  it('returns a case to the dispatcher with the reason; a rejected return sends it back, an upheld one is re-dispatched', async () => {
    const s = w.app.cases.service;
    const c = await s.intake({ channel: 'web', kind: 'help', categoryCode: '01.01', text: '咨询公租房申请条件', dispatch: { departmentId: w.dept('ENV') } }, TEST_ACTOR);
    expect(await code(s.returnCase(c.id, { reason: '短' }, TEST_ACTOR))).toBe('VALIDATION_FAILED');
    const ret = await s.returnCase(c.id, { reason: '不属于生态环境部门职责' }, TEST_ACTOR);
    expect(ret.state).toBe('returned');
    expect(ret.centreId).toBe(w.dept('CENTRE'));
    expect(ret.returnCount).toBe(1);
    const back = await s.arbitrate(c.id, { decision: 'reject_return', reason: '请先行核实' }, TEST_ACTOR);
    expect(back.state).toBe('dispatched');
    expect(back.mainDepartmentId).toBe(w.dept('ENV'));
    await s.returnCase(c.id, { reason: '确属住建部门职责范围' }, TEST_ACTOR);
    await s.arbitrate(c.id, { decision: 'uphold_return', reason: '退单理由成立' }, TEST_ACTOR);
    const re = await s.dispatch(c.id, { auto: true }, TEST_ACTOR);
    expect(re.mainDepartmentId).toBe(w.dept('HOUSING'));
    expect(re.assignments.filter((a) => a.role === 'main').map((a) => a.status)).toEqual(['returned', 'pending']);
  });

  it('dispatches down a tier to a district centre, which can return it up', async () => {
    const s = w.app.cases.service;
    const c = await s.intake({ channel: 'hotline', kind: 'complaint', categoryCode: '11.01', text: '占道经营影响通行', location: { lng: 120.15, lat: 30.15 } }, TEST_ACTOR);
    const down = await s.dispatch(c.id, { departmentId: w.dept('EAST-CENTRE') }, TEST_ACTOR);
    expect(down.state).toBe('pending_dispatch');
    expect(down.centreId).toBe(w.dept('EAST-CENTRE'));
    const street = await s.dispatch(c.id, { departmentId: w.dept('EAST-OFFICE') }, { id: 'x', departmentId: w.dept('EAST-CENTRE') });
    expect(street.state).toBe('dispatched');
    const up = await s.returnCase(c.id, { reason: '应由区城管局处理' }, TEST_ACTOR);
    expect(up.centreId).toBe(w.dept('EAST-CENTRE'));
  });

  it('asks for an extension before the deadline and refuses one after it', async () => {
    const s = w.app.cases.service;
    const c = await s.intake({ channel: 'hotline', kind: 'consult', categoryCode: '03.01', text: '公交线路调整咨询', dispatch: 'auto' }, TEST_ACTOR);
    await s.signFor(c.id, {}, TEST_ACTOR);
    const due0 = (await s.get(c.id)).dueAt!;
    await s.requestExtension(c.id, { extraWorkdays: 2, reason: '需要与公交公司协调' }, TEST_ACTOR);
    expect(await code(s.requestExtension(c.id, { extraWorkdays: 1, reason: '再次申请延期' }, TEST_ACTOR))).toBe('CASE_EXTENSION_PENDING');
    const ok = await s.decideExtension(c.id, { approve: true }, TEST_ACTOR);
    expect(ok.extensionCount).toBe(1);
    expect(new Date(ok.dueAt!).getTime()).toBeGreaterThan(new Date(due0).getTime() + 2 * 86_400_000 - 1);
    w.clock.set(new Date(new Date(ok.dueAt!).getTime() + 60_000));
    expect(await code(s.requestExtension(c.id, { extraWorkdays: 1, reason: '还需要更多时间' }, TEST_ACTOR))).toBe('CASE_EXTENSION_TOO_LATE');
    w.clock.set('2026-12-02T02:00:00Z');
  });

  it('reopens on a dissatisfied callback and counts it against the department', async () => {
    const s = w.app.cases.service;
    const c = await s.intake({ channel: 'hotline', kind: 'complaint', categoryCode: '01.02', text: '物业不作为', requester: { phone: '13900001111' }, dispatch: 'auto' }, TEST_ACTOR);
    await s.signFor(c.id, {}, TEST_ACTOR);
    await s.resolve(c.id, { reply: '已约谈物业公司负责人' }, TEST_ACTOR);
    const re = await s.callback(c.id, { reached: true, rating: 2, comment: '问题没有解决' }, TEST_ACTOR);
    expect(re.state).toBe('pending_dispatch');
    expect(re.reopenCount).toBe(1);
    expect(re.assignments.find((a) => a.role === 'main')?.reopened).toBe(true);
    const kpi = await s.kpis({ from: '2026-12-01', to: '2026-12-31', groupBy: 'department', departmentId: w.dept('HOUSING') });
    expect(kpi[0]?.counters.reopened).toBeGreaterThanOrEqual(1);
  });

  it('merges a duplicate into a parent; the child then follows the parent for the citizen', async () => {
    const s = w.app.cases.service;
    const parent = await s.intake({ channel: 'hotline', kind: 'report', categoryCode: '11.01', text: '路口井盖缺失', requester: { phone: '13700002222' } }, TEST_ACTOR);
    const child = await s.intake({ channel: 'app', kind: 'report', categoryCode: '11.01', text: '井盖丢了很危险', requester: { phone: '13700003333' } }, TEST_ACTOR);
    const merged = await s.merge(child.id, { parentId: parent.number }, TEST_ACTOR);
    expect(merged.state).toBe('merged');
    await s.close(parent.id, { reason: '已现场补装井盖' }, TEST_ACTOR);
    const pub = await s.publicQuery(child.number, '3333');
    expect(pub.followsNumber).toBe(parent.number);
    expect(pub.state).toBe('closed');
    expect((await s.get(parent.id)).children).toEqual([child.number]);
  });

  it('answers directly at intake and closes without dispatch', async () => {
    const c = await w.app.cases.service.intake({ channel: 'hotline', kind: 'consult', categoryCode: '05.01', text: '社保卡怎么补办', directAnswer: '可携带身份证到任一社保网点补办。' }, TEST_ACTOR);
    expect(c.state).toBe('closed');
    expect(c.outcome).toBe('direct_answer');
    expect(c.assignments).toEqual([]);
  });

  it('turns a case yellow then red on the scheduler tick and records an automatic chase', async () => {
    const s = w.app.cases.service;
    w.clock.set('2026-12-01T02:00:00Z');
    const c = await s.intake({ channel: 'hotline', kind: 'help', urgency: 'critical', categoryCode: '03.01', text: '红绿灯故障', dispatch: 'auto' }, TEST_ACTOR);
    expect(new Date(c.dueAt!).getTime() - new Date(c.dispatchedAt!).getTime()).toBe(2 * 3600_000); // hours run on the clock
    w.clock.advance(100 * 60_000); // 100 of 120 minutes, past the 80% share
    await s.tick();
    expect((await s.get(c.id)).light).toBe('yellow');
    w.clock.advance(30 * 60_000);
    await s.tick();
    const red = await s.get(c.id);
    expect(red.light).toBe('red');
    expect(red.overdue).toBe(true);
    expect(red.chaseCount).toBe(2); // sign-for overdue (1 h) + handling overdue
    const tl = await s.timeline(c.id);
    expect(tl.filter((h) => h.action === 'chase').map((h) => h.data.reason)).toEqual(['sign_overdue', 'overdue']);
  });

  it('refuses bad input with a coded error and changes nothing', async () => {
    const s = w.app.cases.service;
    const before = await w.app.cases.repository.caseCount();
    expect(await code(s.intake({ channel: 'hotline', kind: 'consult', categoryCode: '99.99', text: 'x' }, TEST_ACTOR))).toBe('CASE_UNKNOWN_CATEGORY');
    expect(await code(s.intake({ channel: 'hotline', kind: 'consult', categoryCode: '01', text: '在城外', location: { lng: 121.5, lat: 31.2 } }, TEST_ACTOR))).toBe('CASE_LOCATION_OUTSIDE_CITY');
    expect(await code(s.intake({ channel: 'hotline', kind: 'consult', categoryCode: '01', text: '时间没有时区', receivedAt: '2026-12-01 10:00:00' }, TEST_ACTOR))).toBe('CASE_BAD_DATE');
    expect(await code(s.intake({ channel: 'hotline', kind: 'consult', categoryCode: '01', text: '未来时间', receivedAt: '2030-01-01T00:00:00Z' }, TEST_ACTOR))).toBe('CASE_BAD_DATE');
    const open = await s.intake({ channel: 'hotline', kind: 'consult', categoryCode: '01.01', text: '还没派单', dispatch: { departmentId: w.dept('HOUSING') } }, TEST_ACTOR);
    const after = await w.app.cases.repository.caseCount();
    expect(after).toBe(before + 1);
    expect(await code(s.resolve(open.id, { reply: '尚未签收就办结' }, TEST_ACTOR))).toBe('CASE_ILLEGAL_TRANSITION');
    expect((await s.timeline(open.id)).length).toBe(2);
  });

  it('finds a citizen case only with the right phone digits and says the same for unknown numbers', async () => {
    const s = w.app.cases.service;
    const c = await s.intake({ channel: 'web', kind: 'suggestion', categoryCode: '04', text: '建议增加社区图书馆开放时间', requester: { phone: '13611115678' } }, TEST_ACTOR);
    const ok = await s.publicQuery(c.number, '5678');
    expect(ok.timeline.every((t) => !('actor' in t))).toBe(true);
    expect(await code(s.publicQuery(c.number, '0000'))).toBe('CASE_QUERY_NO_MATCH');
    expect(await code(s.publicQuery('209901010001', '5678'))).toBe('CASE_QUERY_NO_MATCH');
  });

  it('keeps KPI figures equal to the cases listed behind them', async () => {
    const s = w.app.cases.service;
    const rows = await s.kpis({ from: '2026-12-01', to: '2026-12-31', groupBy: 'department' });
    for (const row of rows) {
      for (const counter of ['total', 'dispatched', 'returned', 'completed', 'overdue'] as const) {
        const n = row.counters[counter] ?? 0;
        const drill = await s.kpiCases({ from: '2026-12-01', to: '2026-12-31', counter, departmentId: row.key, limit: 1000, offset: 0 });
        expect(drill.total, `${row.name} ${counter}`).toBe(n);
      }
    }
  });

  it('keeps each caller to their data scope: hidden cases answer not found, lists and KPIs are filtered', async () => {
    const s = w.app.cases.service;
    const env = await s.intake({ channel: 'hotline', kind: 'complaint', categoryCode: '02.01.02', text: '工厂烟囱冒黑烟', requester: { name: '李四', phone: '13512345678' }, dispatch: { departmentId: w.dept('ENV') } }, TEST_ACTOR);
    const housing = await s.intake({ channel: 'hotline', kind: 'complaint', categoryCode: '01.01', text: '物业费上涨', dispatch: { departmentId: w.dept('HOUSING') } }, TEST_ACTOR);
    const caller = (role: string, code: string, permissions: string[]) => s.actorFor({ id: `acc-${role}-${code}`, label: role, staffId: null, departmentId: w.dept(code), grants: [{ role, departmentId: w.dept(code) }], permissions: new Set(permissions) });
    const envHandler = caller('handler', 'ENV', ['cases.read', 'cases.handle', 'cases.personal']);
    expect((await s.get(env.id, envHandler)).requesterPhone).toBe('13512345678');
    expect(await code(s.get(housing.id, envHandler))).toBe('NOT_FOUND');
    expect(await code(s.signFor(housing.id, {}, envHandler))).toBe('NOT_FOUND');
    const listed = await s.list({ limit: 500, offset: 0 }, envHandler);
    for (const item of listed.items) expect((await s.get(item.id, envHandler)).id).toBe(item.id);
    expect(listed.items.map((c) => c.id)).toContain(env.id);
    expect(listed.items.map((c) => c.id)).not.toContain(housing.id);
    const kpi = await s.kpis({ from: '2026-12-01', to: '2026-12-31', groupBy: 'department' }, envHandler);
    expect(kpi.map((r) => r.key)).toEqual([w.dept('ENV')]);
    const analyst = caller('analyst', 'ENV', ['cases.read', 'cases.kpi']);
    expect((await s.get(env.id, analyst)).requesterPhone).toBe('135****5678');
    const centre = caller('dispatcher', 'CENTRE', ['cases.read', 'cases.personal']);
    expect((await s.get(housing.id, centre)).id).toBe(housing.id);
  });

  it('shows a confidential case\'s personal data only to the department handling it', async () => {
    const s = w.app.cases.service;
    const c = await s.intake({ channel: 'hotline', kind: 'report', categoryCode: '02.01', text: '举报企业偷排废水', confidential: true, requester: { name: '王五', phone: '13812340000' }, dispatch: { departmentId: w.dept('ENV') } }, TEST_ACTOR);
    const handler = s.actorFor({ id: 'h', label: 'h', staffId: null, departmentId: w.dept('ENV'), grants: [{ role: 'handler', departmentId: w.dept('ENV') }], permissions: new Set(['cases.read', 'cases.personal']) });
    const centre = s.actorFor({ id: 'c', label: 'c', staffId: null, departmentId: w.dept('CENTRE'), grants: [{ role: 'agent', departmentId: w.dept('CENTRE') }], permissions: new Set(['cases.read', 'cases.personal']) });
    expect((await s.get(c.id, handler)).requesterPhone).toBe('13812340000');
    const seen = await s.get(c.id, centre);
    expect([seen.requesterName, seen.requesterPhone]).toEqual([null, null]);
    expect((await s.list({ limit: 500, offset: 0 }, centre)).items.find((i) => i.id === c.id)?.requesterPhone).toBeNull();
  });
});
