import { describe, expect, it } from 'vitest';
import { parseTeddycup } from '../../cases/import/teddycup.parser.ts';
import { buildLabelledPairs, type LabelledPair, type PairMessage } from './labelled-pairs.ts';
import { signatureSimilarity, textSignature, type TextSignature } from './text-signature.ts';
import { DUPLICATE_THRESHOLD, RELATED_THRESHOLD } from './duplicate-index.ts';

const dir = process.env.CITYLOOP_REAL_DATA;
if (!dir) console.warn('skipped: CITYLOOP_REAL_DATA not set (duplicate precision/recall on the Teddy Cup messages)');

// The organisers' published example of one hot issue (problem statement, table 2): the same matter from several users.
const ORGANISERS_ISSUE = ['a3-360100', 'a3-360101', 'a3-360102', 'a3-360103', 'a3-360104', 'a3-360105', 'a3-360106', 'a3-360107', 'a3-360108', 'a3-360109'];

function pr(scored: Array<{ s: number; d: boolean }>, t: number) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const x of scored) {
    if (x.s >= t && x.d) tp++;
    else if (x.s >= t) fp++;
    else if (x.d) fn++;
  }
  const precision = tp / (tp + fp || 1);
  const recall = tp / (tp + fn || 1);
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall || 1) };
}

describe.skipIf(!dir)('duplicate detection on labelled Teddy Cup pairs', () => {
  it('reaches its precision and recall at the chosen threshold (printed)', async () => {
    const msgs: PairMessage[] = [];
    for (const f of ['attachment2_labeled_messages_dev.csv', 'attachment3_hot_issue_messages.csv', 'attachment4_messages_with_replies.csv']) {
      for await (const r of parseTeddycup(`${dir}/teddycup2020_gov_messages/${f}`)) {
        if (!r.ok) continue;
        const label = r.record.categoryPath[0];
        msgs.push({ id: r.record.externalId, user: r.record.requester?.name ?? '', title: r.record.title, text: r.record.text, at: Date.parse(r.record.receivedAt), ...(label ? { label } : {}) });
      }
    }
    const pairs = buildLabelledPairs(msgs, { issues: [ORGANISERS_ISSUE], randomPairs: 3000, windowDays: 30 });
    const sig = new Map<number, TextSignature>();
    const s = (i: number) => sig.get(i) ?? sig.set(i, textSignature(msgs[i]!.title, msgs[i]!.text)).get(i)!;
    const score = (ps: LabelledPair[]) => ps.map((p) => ({ s: signatureSimilarity(s(p.a), s(p.b)), d: p.duplicate, kind: p.kind }));
    const kinds = Object.fromEntries(['copy', 'repeat', 'organisers-issue', 'same-user-other', 'random'].map((k) => [k, pairs.filter((p) => p.kind === k).length]));
    // Copies are trivially found (similarity 1); the honest figures leave them out.
    const hard = score(pairs.filter((p) => p.kind !== 'copy'));
    const all = score(pairs);
    const at = pr(hard, DUPLICATE_THRESHOLD);
    const lines = [
      `labelled pairs from ${msgs.length} messages: ${JSON.stringify(kinds)}`,
      `threshold ${DUPLICATE_THRESHOLD} (likely duplicate): precision ${at.precision.toFixed(3)} recall ${at.recall.toFixed(3)} F1 ${at.f1.toFixed(3)} (copies excluded)`,
      `with copies: ${JSON.stringify(Object.fromEntries(Object.entries(pr(all, DUPLICATE_THRESHOLD)).map(([k, v]) => [k, Number(v.toFixed(3))])))}`,
      `threshold ${RELATED_THRESHOLD} (shown as related): ${JSON.stringify(Object.fromEntries(Object.entries(pr(hard, RELATED_THRESHOLD)).map(([k, v]) => [k, Number(v.toFixed(3))])))}`,
      'recall by kind at the duplicate threshold: ' + ['repeat', 'organisers-issue'].map((k) => {
        const xs = hard.filter((x) => x.kind === k);
        return `${k} ${(xs.filter((x) => x.s >= DUPLICATE_THRESHOLD).length / (xs.length || 1)).toFixed(3)} of ${xs.length}`;
      }).join(', '),
      'false-positive rate by kind: ' + ['same-user-other', 'random'].map((k) => {
        const xs = hard.filter((x) => x.kind === k);
        return `${k} ${(xs.filter((x) => x.s >= DUPLICATE_THRESHOLD).length / (xs.length || 1)).toFixed(3)} of ${xs.length}`;
      }).join(', '),
      'threshold sweep (t: P/R): ' + [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5].map((t) => {
        const r = pr(hard, t);
        return `${t}: ${r.precision.toFixed(2)}/${r.recall.toFixed(2)}`;
      }).join('  '),
    ];
    console.log(lines.join('\n'));
    expect(kinds.repeat).toBeGreaterThan(100);
    expect(at.precision).toBeGreaterThan(0.85);
    expect(at.recall).toBeGreaterThan(0.6);
  }, 120_000);
});
