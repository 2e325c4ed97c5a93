import type { HotIssueMessage } from './hot-issue.mine.ts';

/**
 * The shape of a row the cases importers yield (`parseImport(format, path)` in the cases module),
 * declared here structurally so insights needs no import from cases internals: the composition root
 * passes the parser's output straight in.
 */
export interface ImportedRowLike {
  ok: boolean;
  record?: {
    externalId: string;
    title: string;
    text: string;
    receivedAt: string;
    requester?: { name?: string };
    likes?: number;
    dislikes?: number;
    categoryPath?: string[];
    attributes?: Record<string, string>;
  };
}

/**
 * Messages to mine from imported rows (Teddy Cup 留言, Open311, NYC 311 …). Rejected rows are
 * skipped: the importer reports them. The message number is the source's own (留言编号) when
 * it has one; the requester key is the source's user id (留言用户), used only for counting.
 */
export async function* hotIssueMessagesFromRows(rows: AsyncIterable<ImportedRowLike> | Iterable<ImportedRowLike>): AsyncGenerator<HotIssueMessage> {
  for await (const row of rows) {
    if (!row.ok || !row.record) continue;
    const r = row.record;
    yield {
      id: r.externalId,
      number: r.attributes?.['留言编号'] ?? r.externalId,
      title: r.title,
      text: r.text,
      receivedAt: r.receivedAt,
      requesterKey: r.requester?.name ?? null,
      likes: r.likes ?? 0,
      dislikes: r.dislikes ?? 0,
      categoryCode: r.categoryPath?.join('/') || null,
    };
  }
}
