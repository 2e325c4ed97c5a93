import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import type { HotIssue } from './hot-issue.mine.ts';

/**
 * Hot issues as the problem statement's two tables (热点问题表, 热点问题留言明细表) in one workbook.
 * Requesters are counted in the first table, never listed.
 */
export async function hotIssuesWorkbook(issues: readonly HotIssue[], zone: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'CityLoop';
  const day = (iso: string) => DateTime.fromISO(iso).setZone(zone).toFormat('yyyy/MM/dd');
  const time = (iso: string) => DateTime.fromISO(iso).setZone(zone).toFormat('yyyy/MM/dd HH:mm:ss');
  const table = wb.addWorksheet('热点问题表');
  table.addRow(['热度排名', '问题ID', '热度指数', '时间范围', '地点/人群', '问题描述', '留言数', '诉求人数', '点赞数']).font = { bold: true };
  for (const i of issues) table.addRow([i.rank, i.rank, i.heat, `${day(i.firstAt)} 至 ${day(i.lastAt)}`, i.place, i.description, i.messageCount, i.requesterCount, i.likes]);
  table.columns.forEach((c, k) => {
    c.width = [8, 8, 10, 26, 30, 44, 8, 10, 8][k] ?? 10;
  });
  const details = wb.addWorksheet('热点问题留言明细表');
  details.addRow(['问题ID', '留言编号', '留言主题', '留言时间', '点赞数', '反对数']).font = { bold: true };
  for (const i of issues) for (const m of i.messages) details.addRow([i.rank, m.number ?? m.id, m.title, time(m.receivedAt), m.likes, m.dislikes]);
  details.columns.forEach((c, k) => {
    c.width = [8, 12, 50, 20, 8, 8][k] ?? 10;
  });
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}
