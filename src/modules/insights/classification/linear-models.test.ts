import { describe, expect, it } from 'vitest';
import type { SparseVector } from '../text/text-features.ts';
import { balancedClassWeights, linearScores, trainComplementNb, trainLinearSvm, trainNbSvm, trainSoftmaxSgd, type Dataset } from './linear-models.ts';

/** Three classes, each marked by its own features 0–1, 2–3, 4–5, plus shared noise on 6–7. */
function toy(perClass: number[]): Dataset {
  const rows: SparseVector[] = [];
  const y: number[] = [];
  perClass.forEach((n, c) => {
    for (let i = 0; i < n; i++) {
      rows.push({ index: Int32Array.from([2 * c, 2 * c + 1, 6 + (i % 2)]), value: Float32Array.from([0.6, 0.6, 0.5]) });
      y.push(c);
    }
  });
  return { rows, y: Int32Array.from(y), classes: perClass.length, dim: 8 };
}

const argmax = (xs: Float64Array): number => xs.indexOf(Math.max(...xs));

describe('linear models', () => {
  const data = toy([20, 20, 6]);
  for (const [name, train] of [
    ['complement NB', () => trainComplementNb(data)],
    ['softmax SGD', () => trainSoftmaxSgd(data, { epochs: 10 })],
    ['linear SVM', () => trainLinearSvm(data)],
    ['NB-SVM', () => trainNbSvm(data, { alpha: 0.1 })],
  ] as const) {
    it(`${name} separates classes marked by their own features, the small one too`, () => {
      const m = train();
      for (let c = 0; c < 3; c++) {
        const x = { index: Int32Array.from([2 * c, 2 * c + 1]), value: Float32Array.from([0.7, 0.7]) };
        expect(argmax(linearScores(m, x, new Float64Array(3)))).toBe(c);
      }
    });
  }

  it('weights small classes up, with mean weight 1 for power 1', () => {
    const w = balancedClassWeights(Int32Array.from([0, 0, 0, 1]), 2);
    expect(w[1]! / w[0]!).toBeCloseTo(3, 5);
    expect((w[0]! * 3 + w[1]!) / 4).toBeCloseTo(1, 5);
  });

  it('trains the same model twice from the same seed', () => {
    const a = trainSoftmaxSgd(data, { epochs: 3, seed: 5 });
    const b = trainSoftmaxSgd(data, { epochs: 3, seed: 5 });
    expect([...a.weights]).toEqual([...b.weights]);
  });
});
