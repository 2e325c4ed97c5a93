import { DateTime } from 'luxon';
import { chineseDate, percent, signed, type Briefing, type CountRow } from './briefing.build.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside HTML elements and attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const e = (v: string | number) => escapeHtml(String(v));
const changeCell = (n: number) => `<td class="num ${n > 0 ? 'up' : n < 0 ? 'down' : ''}">${e(signed(n))}</td>`;

function countTable(title: string, head: string, rows: readonly CountRow[], total: number): string {
  if (rows.length === 0) return `<h3>${e(title)}</h3><p class="empty">当日无数据</p>`;
  const body = rows
    .map((r) => `<tr><td>${e(r.name)}</td><td class="num">${e(r.count)}</td><td class="num">${total ? e(((r.count / total) * 100).toFixed(1)) : '0.0'}%</td><td class="num">${e(r.previous)}</td>${changeCell(r.change)}</tr>`)
    .join('');
  return `<h3>${e(title)}</h3><table><thead><tr><th>${e(head)}</th><th>当日</th><th>占比</th><th>前一日</th><th>变化</th></tr></thead><tbody>${body}</tbody></table>`;
}

/** The briefing as a self-contained, print-friendly Chinese web page. */
export function renderBriefingHtml(b: Briefing): string {
  const local = (iso: string) => DateTime.fromISO(iso).setZone(b.zone).toFormat('yyyy-MM-dd HH:mm');
  const rateRows = b.rates
    .map((r) => `<tr><td>${e(r.name)}</td><td class="num">${e(percent(r.value))}</td><td class="num">${e(r.numerator)}/${e(r.denominator)}</td><td class="num">${e(percent(r.previous))}</td><td class="num ${r.change !== null && r.change < 0 ? 'down' : r.change ? 'up' : ''}">${e(signed(r.change, ' 个百分点'))}</td><td class="num">${e(percent(r.last30))}</td></tr>`)
    .join('');
  const hot = b.hotIssues.length
    ? `<table><thead><tr><th>排名</th><th>热度</th><th>地点/人群</th><th>问题描述</th><th>时间范围</th><th>留言数</th><th>诉求人数</th></tr></thead><tbody>${b.hotIssues
        .map((h) => `<tr><td class="num">${e(h.rank)}</td><td class="num">${e(h.heat.toFixed(1))}</td><td>${e(h.place || '—')}</td><td>${e(h.description)}</td><td>${e(local(h.firstAt).slice(0, 10))} 至 ${e(local(h.lastAt).slice(0, 10))}</td><td class="num">${e(h.messageCount)}</td><td class="num">${e(h.requesterCount)}</td></tr>`)
        .join('')}</tbody></table>`
    : '<p class="empty">本期无热点问题</p>';
  const warnings = b.warnings.length
    ? `<table><thead><tr><th>预警</th><th>状态</th><th>发出时间</th><th>件数</th><th>基线</th></tr></thead><tbody>${b.warnings
        .map((w) => `<tr><td>${e(w.title)}</td><td>${e(w.statusName)}</td><td>${e(local(w.raisedAt))}</td><td class="num">${e(w.count)}</td><td class="num">${e(w.expected.toFixed(1))}</td></tr>`)
        .join('')}</tbody></table>`
    : '<p class="empty">无未关闭的预警</p>';
  const overdue = b.overdue.length
    ? `<table><thead><tr><th>部门</th><th>超期工单</th></tr></thead><tbody>${b.overdue.map((o) => `<tr><td>${e(o.name)}</td><td class="num">${e(o.count)}</td></tr>`).join('')}<tr class="total"><td>合计</td><td class="num">${e(b.overdueTotal)}</td></tr></tbody></table>`
    : '<p class="empty">无超期工单</p>';
  const totalChange = b.total - b.previousTotal;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>12345 热线日报 ${e(b.day)}</title>
<style>
  body { font-family: "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; color: #222; margin: 24px auto; max-width: 960px; line-height: 1.5; }
  h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; border-bottom: 2px solid #b22; padding-bottom: 2px; margin-top: 22px; } h3 { font-size: 15px; margin: 14px 0 4px; }
  .meta { color: #666; font-size: 12px; } .lead { font-size: 15px; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 4px 0 8px; page-break-inside: auto; }
  th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; } th { background: #f2f2f2; }
  tr { page-break-inside: avoid; } td.num { text-align: right; white-space: nowrap; } .up { color: #b22; } .down { color: #272; } tr.total td { font-weight: bold; }
  .empty { color: #888; font-size: 13px; } .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 0 16px; }
  @media print { @page { size: A4; margin: 14mm; } body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } .grid { display: block; } a { color: inherit; text-decoration: none; } }
</style>
</head>
<body>
<h1>12345 热线日报</h1>
<div class="meta">${e(chineseDate(b.day))} · 生成于 ${e(local(b.generatedAt))}（${e(b.zone)}）</div>
<h2>一、受理概况</h2>
<p class="lead">当日受理 <strong>${e(b.total)}</strong> 件，前一日 ${e(b.previousTotal)} 件，${totalChange === 0 ? '持平' : `${totalChange > 0 ? '增加' : '减少'} ${e(Math.abs(totalChange))} 件`}。</p>
<div class="grid">
${countTable('按渠道', '渠道', b.byChannel, b.total)}
${countTable('按区域', '区域', b.byArea, b.total)}
</div>
${countTable('按诉求分类（一级）', '分类', b.byCategory, b.total)}
<h2>二、办理质量</h2>
<table><thead><tr><th>指标</th><th>当日</th><th>分子/分母</th><th>前一日</th><th>变化</th><th>近30日</th></tr></thead><tbody>${rateRows}</tbody></table>
<p class="meta">按受理日统计：当日受理的工单，截至生成时的办理情况。</p>
<h2>三、热点问题（${e(b.hotIssueFrom)} 至 ${e(b.hotIssueTo)}）</h2>
${hot}
<h2>四、预警</h2>
${warnings}
<h2>五、超期工单（按部门）</h2>
${overdue}
</body>
</html>
`;
}
