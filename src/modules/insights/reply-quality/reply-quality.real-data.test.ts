import { describe, expect, it } from 'vitest';
import { parseTeddycup } from '../../cases/import/teddycup.parser.ts';
import { scoreReply, type ReplyQuality } from './reply-quality.scorer.ts';

const dir = process.env.CITYLOOP_REAL_DATA;
if (!dir) console.warn('skipped: CITYLOOP_REAL_DATA not set (reply-quality scores of the Teddy Cup replies)');

const histogram = (xs: number[]): string => {
  const h = new Array<number>(10).fill(0);
  for (const x of xs) h[Math.min(9, Math.floor(x / 10))]! += 1;
  return h.map((n) => String(n).padStart(5)).join('');
};

describe.skipIf(!dir)('reply quality on the 2,816 official replies of attachment 4', () => {
  it('spreads the scores, flags a minority, and tells a reply to its own request from one to another (printed)', async () => {
    const rows: Array<{ id: string; request: string; reply: string }> = [];
    for await (const r of parseTeddycup(`${dir}/teddycup2020_gov_messages/attachment4_messages_with_replies.csv`)) {
      if (r.ok && r.record.reply) rows.push({ id: r.record.externalId, request: `${r.record.title}\n${r.record.text}`, reply: r.record.reply.text });
    }
    const t0 = performance.now();
    const scores: ReplyQuality[] = rows.map((r) => scoreReply(r.request, r.reply));
    const ms = (performance.now() - t0) / rows.length;
    // Relevance should fall when the reply belongs to another request (a fixed derangement of the rows).
    let wins = 0;
    let ties = 0;
    for (let i = 0; i < rows.length; i++) {
      const other = scoreReply(rows[i]!.request, rows[(i * 7919 + 13) % rows.length]!.reply).relevance;
      if (scores[i]!.relevance > other) wins++;
      else if (scores[i]!.relevance === other) ties++;
    }
    const auc = (wins + ties / 2) / rows.length;
    const flags = new Map<string, number>();
    for (const q of scores) for (const f of q.flags) flags.set(f, (flags.get(f) ?? 0) + 1);
    const flagged = scores.filter((q) => q.flagged).length;
    const elements = (['action', 'actor', 'time', 'next'] as const).map((k) => `${k} ${scores.filter((q) => q.elements[k]).length}`).join(', ');
    const order = [...scores.keys()].sort((a, b) => scores[a]!.overall - scores[b]!.overall);
    const show = (i: number) => `  [${scores[i]!.overall} r${scores[i]!.relevance} c${scores[i]!.completeness} e${scores[i]!.explainability} ${scores[i]!.flags.join(',') || 'ok'}] ${rows[i]!.id} Q: ${rows[i]!.request.split('\n')[0]!.slice(0, 30)} | A: ${rows[i]!.reply.replace(/\s+/g, ' ').trim().slice(0, 90)}`;
    console.log([
      `${rows.length} replies scored, ${ms.toFixed(2)} ms each; flagged for review ${flagged} (${((100 * flagged) / rows.length).toFixed(1)}%)`,
      `bins            ${Array.from({ length: 10 }, (_, i) => `${i * 10}-`.padStart(5)).join('')}`,
      ...(['relevance', 'completeness', 'explainability', 'overall'] as const).map((k) => `${k.padEnd(16)}${histogram(scores.map((q) => q[k]))}   mean ${(scores.reduce((s, q) => s + q[k], 0) / scores.length).toFixed(1)}`),
      `elements found: ${elements}`,
      `flags: ${[...flags].map(([f, n]) => `${f} ${n}`).join(', ')}`,
      `relevance AUC, own request vs another's: ${auc.toFixed(3)}`,
      'lowest:', ...order.slice(0, 3).map(show),
      'middle:', ...order.slice(Math.floor(order.length / 2), Math.floor(order.length / 2) + 2).map(show),
      'highest:', ...order.slice(-3).map(show),
    ].join('\n'));
    expect(auc).toBeGreaterThan(0.85);
    expect(flagged / rows.length).toBeGreaterThan(0.1);
    expect(flagged / rows.length).toBeLessThan(0.5);
  }, 120_000);
});
