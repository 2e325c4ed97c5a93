import { guessKind, guessUrgency } from './case-traits.guess.ts';
import { readCsv } from './csv-records.reader.ts';
import { badDate, cleanText, hasValue, missingId, missingText, requireColumns, rowError } from './import-fields.normalize.ts';
import type { ImportedCase, ImportInput, ImportRow } from './import.types.ts';
import { toUtcIso } from './source-time.parser.ts';

const CHINA_ZONE = 'Asia/Shanghai';

/** Which attachment of the 2020 Teddy Cup "智慧政务" data a file is, told apart by its header. */
export type TeddycupFile = 'labeled' | 'hot' | 'replied' | 'plain';

// 留言编号 is numbered per attachment, not globally: in the 2020 files 12 numbers of attachment 2 reappear in
// attachment 3 and 26 in attachment 4, and 19 of those 38 are a different message (other subject and time).
// A bare number as externalId would make the second file silently skip those messages, so the attachment is
// part of the id ('a3-188006'). It depends only on the header and the number, so re-running a file gives the
// same ids. The 19 pairs that are the same message become two cases; the 留言编号 attribute lets duplicate
// detection link them.
const ID_PREFIX: Record<TeddycupFile, string> = { labeled: 'a2', hot: 'a3', replied: 'a4', plain: 'msg' };
const FILE_NAME: Record<TeddycupFile, string> = {
  labeled: 'attachment2', hot: 'attachment3', replied: 'attachment4', plain: 'messages',
};

const MAPPED = new Set([
  '留言编号', '留言用户', '留言主题', '留言时间', '留言详情', '一级分类', '二级分类', '三级分类',
  '答复意见', '答复时间', '点赞数', '反对数',
]);

/** Tells the attachment from its header: replies (附件4), likes (附件3), labels (附件2), or plain messages. */
export function detectTeddycupFile(columns: readonly string[]): TeddycupFile {
  if (columns.includes('答复意见')) return 'replied';
  if (columns.includes('点赞数') || columns.includes('反对数')) return 'hot';
  if (columns.includes('一级分类')) return 'labeled';
  return 'plain';
}

/** Spreadsheet round-trips turn 188006 into "188006.0". */
function normaliseNumber(value: string): string {
  return value.trim().replace(/\.0+$/, '');
}

function parseCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const s = normaliseNumber(value);
  return /^\d+$/.test(s) ? Number(s) : undefined;
}

/** Maps one Teddy Cup message row to a case or a row error. */
export function mapTeddycupRow(file: TeddycupFile, row: number, f: Record<string, string>, raw: string): ImportRow {
  const number = normaliseNumber(f['留言编号'] ?? '');
  if (number === '') return missingId(row, '留言编号', raw);

  const receivedAt = toUtcIso(f['留言时间'] ?? '', CHINA_ZONE);
  if (receivedAt === undefined) return badDate(row, '留言时间', f['留言时间'] ?? '', raw);
  const replyTime = f['答复时间'] ?? '';
  const replyAt = replyTime.trim() === '' ? undefined : toUtcIso(replyTime, CHINA_ZONE);
  if (replyTime.trim() !== '' && replyAt === undefined) return badDate(row, '答复时间', replyTime, raw);

  const title = cleanText(f['留言主题']);
  const detail = cleanText(f['留言详情']);
  if (title === '' && detail === '') return missingText(row, '留言主题, 留言详情', raw);

  const attributes: Record<string, string> = { '留言编号': number, 'import.file': FILE_NAME[file] };
  for (const [column, value] of Object.entries(f)) {
    if (!MAPPED.has(column) && hasValue(value)) attributes[column] = value.trim();
  }
  const replyText = cleanText(f['答复意见']);
  const user = f['留言用户']?.trim();

  const record: ImportedCase = {
    source: 'teddycup',
    externalId: `${ID_PREFIX[file]}-${number}`,
    channel: 'web', // 留言 are posted on the government message board
    kind: guessKind(title || detail),
    urgency: guessUrgency(title),
    title: title || detail.slice(0, 60),
    text: detail || title,
    categoryPath: ['一级分类', '二级分类', '三级分类'].map((c) => cleanText(f[c])).filter((c) => c !== ''),
    receivedAt,
    // An official reply on the board is the end of the message's handling.
    status: replyText !== '' ? 'closed' : 'open',
    attributes,
  };
  if (user) record.requester = { name: user };
  if (replyText !== '') {
    record.reply = { text: replyText, ...(replyAt ? { at: replyAt } : {}) };
    if (replyAt) record.closedAt = replyAt;
  }
  for (const [column, key] of [['点赞数', 'likes'], ['反对数', 'dislikes']] as const) {
    const count = parseCount(f[column]);
    if (count !== undefined) record[key] = count;
    else if (hasValue(f[column])) attributes[column] = (f[column] as string).trim();
  }
  return { row, ok: true, record };
}

/** Streams Teddy Cup 2020 message CSVs (attachments 2, 3 and 4, detected by header) as cases or per-row errors. */
export async function* parseTeddycup(input: ImportInput): AsyncGenerator<ImportRow, void, undefined> {
  let file: TeddycupFile = 'plain';
  for await (const event of readCsv(input)) {
    if (event.type === 'header') {
      requireColumns(event.columns, ['留言编号', '留言主题', '留言时间'], 'Teddy Cup 留言');
      file = detectTeddycupFile(event.columns);
      continue;
    }
    if (event.type === 'broken') {
      yield rowError(event.row, 'IMPORT_BAD_CSV_ROW', event.reason, event.reasonZh, event.raw);
      continue;
    }
    yield mapTeddycupRow(file, event.row, event.fields, event.raw);
  }
}
