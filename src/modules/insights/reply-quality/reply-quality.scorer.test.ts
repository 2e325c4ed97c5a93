import { describe, expect, it } from 'vitest';
import { REPLY_FLAGS, scoreReply } from './reply-quality.scorer.ts';

const request = '幸福路路灯不亮\n幸福路与人民路交叉口的路灯已经一周不亮，晚上行人和车辆都很危险，请尽快维修。';

describe('scoreReply', () => {
  it('scores a full reply high: relevant, all four elements, with a basis', () => {
    const q = scoreReply(request, '您好！您反映的幸福路与人民路交叉口路灯不亮问题已收悉。市城管局路灯管理处于12月3日安排人员到现场核实，确认为线路老化，已更换电缆并修复路灯。根据《城市道路照明设施管理规定》，我处将加强巡查，后续如有问题可拨打联系电话12319。');
    expect(q.elements).toEqual({ action: true, actor: true, time: true, next: true });
    expect(q.completeness).toBe(100);
    expect(q.relevance).toBeGreaterThan(70);
    expect(q.explainability).toBeGreaterThanOrEqual(55);
    expect(q.evidence.citations.some((c) => c.includes('《城市道路照明设施管理规定》'))).toBe(true);
    expect(q.evidence.sharedTerms).toContain('路灯');
    expect(q.flagged).toBe(false);
  });

  it('flags an acknowledgement without substance', () => {
    const q = scoreReply(request, '网友：您好！留言已收悉');
    expect(q.flags).toEqual(expect.arrayContaining([REPLY_FLAGS.acknowledgementOnly, REPLY_FLAGS.tooShort, REPLY_FLAGS.incomplete]));
    expect(q.flagged).toBe(true);
    expect(q.overall).toBeLessThan(30);
  });

  it('flags a reply about another matter as off topic', () => {
    const q = scoreReply(request, '关于您反映的小区物业费收费标准问题，经区住建局核实，该小区物业费按照备案标准收取，后续将督促物业公司公示收费明细。');
    expect(q.flags).toContain(REPLY_FLAGS.offTopic);
    expect(q.relevance).toBeLessThan(35);
  });

  it('flags a refusal that gives no basis, and not one that cites its rule', () => {
    const bare = scoreReply(request, '经核实，该路段路灯暂不能安排维修，请您理解。');
    expect(bare.flags).toContain(REPLY_FLAGS.refusalWithoutBasis);
    const cited = scoreReply(request, '经核实，该路段尚未移交市政管理，根据《市政设施移交管理办法》第八条，暂不能由我局维修，已通知建设单位于本月底前完成维修。');
    expect(cited.flags).not.toContain(REPLY_FLAGS.refusalWithoutBasis);
    expect(cited.explainability).toBeGreaterThan(bare.explainability);
  });

  it('does not count the signature date at the end as when something was done', () => {
    const q = scoreReply(request, '您反映的路灯问题已转交相关部门处理。2019年4月18日');
    expect(q.elements.time).toBe(false);
  });

  it('handles empty, huge, emoji and HTML replies with a clear result', () => {
    expect(scoreReply(request, '')).toMatchObject({ overall: 0, flagged: true, flags: [REPLY_FLAGS.empty] });
    expect(scoreReply(request, '👍👍')).toMatchObject({ overall: 0, flags: [REPLY_FLAGS.empty] });
    const huge = scoreReply(request, '市城管局已安排人员到现场修复路灯。'.repeat(5000));
    expect(huge.elements.action).toBe(true);
    const html = scoreReply(request, '<p>市城管局已于<b>12月3日</b>修复幸福路路灯。</p>');
    expect(html.elements).toMatchObject({ action: true, actor: true, time: true });
    expect(scoreReply('', '已修复').relevance).toBe(0);
  });
});
