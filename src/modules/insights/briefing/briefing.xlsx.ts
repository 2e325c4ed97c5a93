import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { chineseDate, type Briefing, type CountRow } from './briefing.build.ts';

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } };

function header(ws: ExcelJS.Worksheet, values: string[]): void {
  const row = ws.addRow(values);
  row.font = { bold: true };
  row.eachCell((c) => {
    c.fill = HEADER_FILL;
  });
}

function countSheet(wb: ExcelJS.Workbook, name: string, head: string, rows: readonly CountRow[], total: number): void {
  const ws = wb.addWorksheet(name);
  header(ws, [head, '当日', '占比', '前一日', '变化']);
  for (const r of rows) ws.addRow([r.name, r.count, total ? r.count / total : 0, r.previous, r.change]);
  ws.getColumn(3).numFmt = '0.0%';
  ws.columns.forEach((c, i) => {
    c.width = i === 0 ? 24 : 10;
  });
}

/**
 * The briefing as an xlsx workbook: 概览 (totals and rates), 渠道, 分类, 区域, 热点问题, 预警, 超期.
 * Rates are stored as fractions with a percent format, so the cells stay numbers for further work.
 */
export async function renderBriefingXlsx(b: Briefing): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'CityLoop';
  wb.created = new Date(b.generatedAt);
  const local = (iso: string) => DateTime.fromISO(iso).setZone(b.zone).toFormat('yyyy-MM-dd HH:mm');

  const summary = wb.addWorksheet('概览');
  summary.addRow(['12345 热线日报']).font = { bold: true, size: 14 };
  summary.addRow(['日期', chineseDate(b.day)]);
  summary.addRow(['生成时间', local(b.generatedAt)]);
  summary.addRow([]);
  header(summary, ['受理量', '当日', '前一日', '变化']);
  summary.addRow(['受理工单', b.total, b.previousTotal, b.total - b.previousTotal]);
  summary.addRow([]);
  header(summary, ['指标', '当日', '分子', '分母', '前一日', '变化（百分点）', '近30日']);
  for (const r of b.rates) {
    const row = summary.addRow([r.name, r.value, r.numerator, r.denominator, r.previous, r.change, r.last30]);
    for (const col of [2, 5, 7]) row.getCell(col).numFmt = '0.0%';
  }
  summary.getColumn(1).width = 14;
  for (const col of [2, 3, 4, 5, 6, 7]) summary.getColumn(col).width = 14;

  countSheet(wb, '渠道', '渠道', b.byChannel, b.total);
  countSheet(wb, '分类', '诉求分类', b.byCategory, b.total);
  countSheet(wb, '区域', '区域', b.byArea, b.total);

  const hot = wb.addWorksheet('热点问题');
  header(hot, ['热度排名', '热度指数', '时间范围', '地点/人群', '问题描述', '留言数', '诉求人数']);
  for (const h of b.hotIssues) hot.addRow([h.rank, h.heat, `${local(h.firstAt).slice(0, 10)} 至 ${local(h.lastAt).slice(0, 10)}`, h.place, h.description, h.messageCount, h.requesterCount]);
  hot.columns.forEach((c, i) => {
    c.width = [10, 10, 26, 28, 44, 8, 10][i] ?? 10;
  });

  const warn = wb.addWorksheet('预警');
  header(warn, ['预警', '状态', '发出时间', '件数', '基线']);
  for (const w of b.warnings) warn.addRow([w.title, w.statusName, local(w.raisedAt), w.count, w.expected]);
  warn.getColumn(1).width = 60;

  const over = wb.addWorksheet('超期');
  header(over, ['部门', '超期工单']);
  for (const o of b.overdue) over.addRow([o.name, o.count]);
  over.addRow(['合计', b.overdueTotal]).font = { bold: true };
  over.getColumn(1).width = 30;

  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
