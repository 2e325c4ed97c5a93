import { describe, expect, it } from 'vitest';
import { classificationReport, stratifiedFolds } from './classification-metrics.ts';

describe('classificationReport', () => {
  it('computes per-class precision, recall, F1 and their macro mean', () => {
    // truth a,a,a,b ; predicted a,a,b,b → a: P 1 R 2/3 ; b: P 1/2 R 1
    const r = classificationReport(['a', 'b'], [0, 0, 0, 1], [0, 0, 1, 1], [0.9, 0.8, 0.6, 0.7]);
    expect(r.perClass[0]!.precision).toBeCloseTo(1);
    expect(r.perClass[0]!.recall).toBeCloseTo(2 / 3);
    expect(r.perClass[1]!.f1).toBeCloseTo(2 / 3);
    expect(r.macroF1).toBeCloseTo((0.8 + 2 / 3) / 2);
    expect(r.accuracy).toBe(0.75);
    expect(r.confusion).toEqual([[2, 1], [0, 1]]);
    expect(r.calibrationError).toBeGreaterThan(0);
  });
});

describe('stratifiedFolds', () => {
  it('spreads every class over the folds and keeps identical texts together', () => {
    const classOf = Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : 1));
    const keys = classOf.map((_, i) => (i % 10 === 0 ? 'same text' : `t${i}`));
    const fold = stratifiedFolds(classOf, (i) => keys[i]!, 5);
    const perFold = [0, 1, 2, 3, 4].map((f) => classOf.filter((c, i) => c === 1 && fold[i] === f).length);
    expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(2);
    const same = [...fold].filter((_, i) => keys[i] === 'same text');
    expect(new Set(same).size).toBe(1);
  });
});
