import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildBriefing, chineseDate, percent, signed, type BriefingSources, type KpiRowLike } from './briefing.build.ts';
import { escapeHtml, renderBriefingHtml } from './briefing.html.ts';
import { renderBriefingXlsx } from './briefing.xlsx.ts';

const ZONE = 'Asia/Shanghai';
const rate = (value: number | null, numerator: number, denominator: number) => ({ value, numerator, denominator });
const kpiRow = (r: Record<string, ReturnType<typeof rate>>): KpiRowLike[] => [{ key: 'all', name: '全部', counters: { total: 10 }, rates: r }];

/** Fixed figures for 3 December 2026 and the day before. */
function fakeSources(): BriefingSources & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async kpis(q) {
      calls.push(`kpis ${q.from}..${q.to} ${q.groupBy}`);
      if (q.from === '2026-12-03') return kpiRow({ onTimeSignRate: rate(0.9, 9, 10), onTimeCompletionRate: rate(0.75, 3, 4), completionRate: rate(1, 4, 4), satisfactionRate: rate(0.8, 4, 5), directAnswerRate: rate(0.25, 30, 120) });
      if (q.from === '2026-12-02') return kpiRow({ onTimeSignRate: rate(0.8, 8, 10), onTimeCompletionRate: rate(0.8, 4, 5), completionRate: rate(null, 0, 0), satisfactionRate: rate(0.8, 4, 5), directAnswerRate: rate(0.2, 20, 100) });
      return kpiRow({ onTimeSignRate: rate(0.85, 85, 100), onTimeCompletionRate: rate(0.7, 70, 100), completionRate: rate(0.9, 90, 100), satisfactionRate: rate(0.95, 95, 100), directAnswerRate: rate(0.22, 660, 3000) });
    },
    async volumes(start) {
      calls.push(`volumes ${start.toISOString()}`);
      return start.toISOString() === '2026-12-02T16:00:00.000Z'
        ? { total: 120, byChannel: [{ key: 'hotline', name: '热线电话', count: 100 }, { key: 'web', name: '网站', count: 20 }], byCategory: [{ key: '01', name: '城乡建设', count: 70 }, { key: '02', name: '环境保护', count: 50 }], byArea: [{ key: 'd1', name: '东区', count: 80 }, { key: 'd2', name: '西区', count: 40 }] }
        : { total: 100, byChannel: [{ key: 'hotline', name: '热线电话', count: 90 }, { key: 'app', name: '移动应用', count: 10 }], byCategory: [{ key: '01', name: '城乡建设', count: 100 }], byArea: [{ key: 'd1', name: '东区', count: 100 }] };
    },
    async overdueByDepartment(at) {
      calls.push(`overdue ${at.toISOString()}`);
      return [{ key: 'dep_b', name: '市住建局', count: 2 }, { key: 'dep_a', name: '东区城管局', count: 5 }];
    },
    async hotIssues(start, end, top) {
      calls.push(`hot ${start.toISOString()}..${end.toISOString()} top ${top}`);
      return [{ rank: 1, heat: 51.44, place: 'A市A2区丽发新城小区', description: '附近搅拌站噪音<扰民>', firstAt: '2026-11-28T02:00:00Z', lastAt: '2026-12-03T09:00:00Z', messageCount: 12, requesterCount: 11 }];
    },
    async openWarnings() {
      return [{ id: 'wrn_1', title: '东一街道 · 城乡建设 · 2026-12-03 10时：12 件，基线 1.1 件', statusName: '待确认', raisedAt: '2026-12-03T02:40:00Z', count: 12, expected: 1.125 }];
    },
  };
}

const NOW = new Date('2026-12-03T23:30:00Z'); // 07:30 on 4 December in Shanghai

describe('buildBriefing', () => {
  it('puts the day next to the day before, with changes, and asks each source for the right period', async () => {
    const s = fakeSources();
    const b = await buildBriefing('2026-12-03', s, { zone: ZONE, hotIssueDays: 7, top: 10 }, NOW);
    expect(b).toMatchObject({ day: '2026-12-03', previousDay: '2026-12-02', total: 120, previousTotal: 100, overdueTotal: 7, hotIssueFrom: '2026-11-27', hotIssueTo: '2026-12-03' });
    expect(b.byChannel.map((r) => [r.name, r.count, r.previous, r.change])).toEqual([['热线电话', 100, 90, 10], ['网站', 20, 0, 20], ['移动应用', 0, 10, -10]]);
    expect(b.byCategory.map((r) => [r.name, r.count, r.change])).toEqual([['城乡建设', 70, -30], ['环境保护', 50, 50]]);
    expect(b.rates.map((r) => [r.key, r.value, r.previous, r.change, r.last30])).toEqual([
      ['onTimeSignRate', 0.9, 0.8, 10, 0.85],
      ['onTimeCompletionRate', 0.75, 0.8, -5, 0.7],
      ['completionRate', 1, null, null, 0.9],
      ['satisfactionRate', 0.8, 0.8, 0, 0.95],
      ['directAnswerRate', 0.25, 0.2, 5, 0.22],
    ]);
    expect(b.overdue.map((o) => o.name)).toEqual(['东区城管局', '市住建局']);
    expect(s.calls).toEqual(expect.arrayContaining([
      'volumes 2026-12-02T16:00:00.000Z', 'volumes 2026-12-01T16:00:00.000Z',
      'kpis 2026-12-03..2026-12-03 all', 'kpis 2026-12-02..2026-12-02 all', 'kpis 2026-11-04..2026-12-03 all',
      'hot 2026-11-26T16:00:00.000Z..2026-12-03T16:00:00.000Z top 10',
      // Overdue as at the end of the day (already past at 07:30 next morning).
      'overdue 2026-12-03T16:00:00.000Z',
    ]));
  });

  it('formats figures the way the page and the workbook show them', () => {
    expect(percent(0.9234)).toBe('92.3%');
    expect(percent(null)).toBe('—');
    expect(signed(3)).toBe('+3');
    expect(signed(-2.5, ' 个百分点')).toBe('−2.5 个百分点');
    expect(signed(0)).toBe('0');
    expect(chineseDate('2026-12-03')).toBe('2026年12月3日（星期四）');
  });
});

describe('renderBriefingHtml', () => {
  it('is a Chinese, print-friendly page with every section and escaped citizen text', async () => {
    const html = renderBriefingHtml(await buildBriefing('2026-12-03', fakeSources(), { zone: ZONE, hotIssueDays: 7, top: 10 }, NOW));
    expect(html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    expect(html).toContain('@media print');
    expect(html).toContain('2026年12月3日（星期四）');
    expect(html).toContain('当日受理 <strong>120</strong> 件，前一日 100 件，增加 20 件。');
    for (const h of ['一、受理概况', '二、办理质量', '三、热点问题（2026-11-27 至 2026-12-03）', '四、预警', '五、超期工单（按部门）']) expect(html).toContain(h);
    expect(html).toContain('附近搅拌站噪音&lt;扰民&gt;');
    expect(html).not.toContain('<扰民>');
    expect(html).toContain('<td class="num">90.0%</td><td class="num">9/10</td><td class="num">80.0%</td><td class="num up">+10 个百分点</td>');
    expect(html).toContain('<td>合计</td><td class="num">7</td>');
    expect(escapeHtml(`<a href="x" onclick='y'>&`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
  });

  it('says so when there is nothing to list', async () => {
    const s = fakeSources();
    const empty: BriefingSources = { ...s, hotIssues: async () => [], openWarnings: async () => [], overdueByDepartment: async () => [], volumes: async () => ({ total: 0, byChannel: [], byCategory: [], byArea: [] }) };
    const html = renderBriefingHtml(await buildBriefing('2026-12-03', empty, { zone: ZONE, hotIssueDays: 7, top: 10 }, NOW));
    expect(html).toContain('本期无热点问题');
    expect(html).toContain('无未关闭的预警');
    expect(html).toContain('无超期工单');
    expect(html).toContain('当日受理 <strong>0</strong> 件，前一日 0 件，持平。');
  });
});

describe('renderBriefingXlsx', () => {
  it('writes a workbook whose cells read back exactly', async () => {
    const buf = await renderBriefingXlsx(await buildBriefing('2026-12-03', fakeSources(), { zone: ZONE, hotIssueDays: 7, top: 10 }, NOW));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['概览', '渠道', '分类', '区域', '热点问题', '预警', '超期']);
    const s = wb.getWorksheet('概览')!;
    expect(s.getCell('A1').value).toBe('12345 热线日报');
    expect(s.getCell('B2').value).toBe('2026年12月3日（星期四）');
    expect(s.getCell('B3').value).toBe('2026-12-04 07:30');
    expect([s.getCell('A6').value, s.getCell('B6').value, s.getCell('C6').value, s.getCell('D6').value]).toEqual(['受理工单', 120, 100, 20]);
    expect(s.getRow(8).values).toEqual([undefined, '指标', '当日', '分子', '分母', '前一日', '变化（百分点）', '近30日']);
    expect(s.getRow(9).values).toEqual([undefined, '按时签收率', 0.9, 9, 10, 0.8, 10, 0.85]);
    expect(s.getCell('B9').numFmt).toBe('0.0%');
    // A rate without a value is an empty cell, not a zero.
    expect(['A', 'B', 'E', 'F', 'G'].map((c) => s.getCell(`${c}11`).value)).toEqual(['办结率', 1, null, null, 0.9]);
    const ch = wb.getWorksheet('渠道')!;
    expect(ch.getRow(2).values).toEqual([undefined, '热线电话', 100, 100 / 120, 90, 10]);
    expect(ch.getRow(4).values).toEqual([undefined, '移动应用', 0, 0, 10, -10]);
    const hot = wb.getWorksheet('热点问题')!;
    expect(hot.getRow(1).values).toEqual([undefined, '热度排名', '热度指数', '时间范围', '地点/人群', '问题描述', '留言数', '诉求人数']);
    expect(hot.getRow(2).values).toEqual([undefined, 1, 51.44, '2026-11-28 至 2026-12-03', 'A市A2区丽发新城小区', '附近搅拌站噪音<扰民>', 12, 11]);
    expect(wb.getWorksheet('预警')!.getRow(2).values).toEqual([undefined, '东一街道 · 城乡建设 · 2026-12-03 10时：12 件，基线 1.1 件', '待确认', '2026-12-03 10:40', 12, 1.125]);
    const over = wb.getWorksheet('超期')!;
    expect([over.getRow(2).values, over.getRow(4).values]).toEqual([[undefined, '东区城管局', 5], [undefined, '合计', 7]]);
  });
});
