import { describe, expect, it } from 'vitest';
import { parseTeddycup } from '../../cases/import/teddycup.parser.ts';
import { TRADITIONAL_TO_SIMPLIFIED } from '../text/traditional-chars.ts';
import { classificationReport, stratifiedFolds } from './classification-metrics.ts';
import { crossValidate } from './cross-validation.ts';
import { trainTextClassifier, type LabelledText } from './text-classifier.ts';
import { formatEvaluation } from '../insights.cli.ts';

const dir = process.env.CITYLOOP_REAL_DATA;
if (!dir) console.warn('skipped: CITYLOOP_REAL_DATA not set (classifier cross-validation on the Teddy Cup dev set)');

async function devSet(): Promise<LabelledText[]> {
  const out: LabelledText[] = [];
  for await (const r of parseTeddycup(`${dir}/teddycup2020_gov_messages/attachment2_labeled_messages_dev.csv`)) {
    if (r.ok && r.record.categoryPath[0]) out.push({ title: r.record.title, text: r.record.text, label: r.record.categoryPath[0] });
  }
  return out;
}

// Simplified → one traditional form, to see what a message typed in traditional characters does to the model.
const SIMPLIFIED_TO_TRADITIONAL = new Map<string, string>();
for (const [t, s] of TRADITIONAL_TO_SIMPLIFIED) if (!SIMPLIFIED_TO_TRADITIONAL.has(s)) SIMPLIFIED_TO_TRADITIONAL.set(s, String.fromCodePoint(t));
const toTraditional = (s: string): string => [...s].map((c) => SIMPLIFIED_TO_TRADITIONAL.get(c) ?? c).join('');

describe.skipIf(!dir)('classifier on the 2,356 labelled Teddy Cup messages', () => {
  it('reaches its macro-F1 in 5-fold cross-validation (printed with the per-class table)', async () => {
    const samples = await devSet();
    expect(samples).toHaveLength(2356);
    const r = crossValidate(samples, {}, 5);
    console.log(formatEvaluation(r));
    expect(r.report.macroF1).toBeGreaterThan(0.88);
    expect(r.report.calibrationError).toBeLessThan(0.08);
  }, 900_000);

  it('keeps its accuracy on messages typed in traditional characters thanks to the 繁→简 table (printed)', async () => {
    const samples = await devSet();
    const labels = [...new Set(samples.map((s) => s.label))].sort();
    const y = samples.map((s) => labels.indexOf(s.label));
    const fold = stratifiedFolds(y, (i) => samples[i]!.text.slice(0, 300), 5, 7);
    const model = trainTextClassifier(samples.filter((_, i) => fold[i] !== 0));
    const test = samples.map((s, i) => ({ s, i })).filter(({ i }) => fold[i] === 0);
    const score = (f: (s: LabelledText) => number[]) => {
      const predicted = test.map(({ s }) => f(s)[0] ?? 0);
      return classificationReport(labels, test.map(({ i }) => y[i]!), predicted).macroF1;
    };
    const idx = (codes: string[]) => codes.map((c) => labels.indexOf(c));
    const original = score((s) => idx(model.predict(s.title, s.text, 1).top.map((t) => t.code)));
    const mapped = score((s) => idx(model.predict(toTraditional(s.title ?? ''), toTraditional(s.text), 1).top.map((t) => t.code)));
    const unmapped = score((s) => idx(model.predict(toTraditional(s.title ?? ''), toTraditional(s.text), 1, { mapTraditional: false }).top.map((t) => t.code)));
    const changed = test.reduce((n, { s }) => n + [...s.text].filter((c) => SIMPLIFIED_TO_TRADITIONAL.has(c)).length, 0) / test.reduce((n, { s }) => n + [...s.text].length, 0);
    console.log(`fold 0 (${test.length} messages, ${(100 * changed).toFixed(1)}% of characters converted to traditional): macro-F1 simplified ${original.toFixed(4)}, traditional with the table ${mapped.toFixed(4)}, traditional without it ${unmapped.toFixed(4)}`);
    expect(mapped).toBeGreaterThan(original - 0.02);
    expect(unmapped).toBeLessThan(mapped);
  }, 900_000);
});
