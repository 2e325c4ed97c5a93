import { seededRandom } from './linear-models.ts';

/** Precision, recall and F1 of one class. */
export interface ClassMetrics {
  label: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

/** How well predictions match the truth. */
export interface ClassificationReport {
  accuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  /** confusion[true][predicted]. */
  confusion: number[][];
  /** Expected calibration error of the top-1 confidence (10 equal-width bins), when confidences are given. */
  calibrationError: number | null;
}

/** Metrics of predicted against true class indices; `confidence` is the probability given to the prediction. */
export function classificationReport(labels: readonly string[], truth: ArrayLike<number>, predicted: ArrayLike<number>, confidence?: ArrayLike<number>): ClassificationReport {
  const K = labels.length;
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] as number;
    const p = predicted[i] as number;
    (confusion[t] as number[])[p] = ((confusion[t] as number[])[p] as number) + 1;
    if (t === p) correct++;
  }
  const perClass: ClassMetrics[] = labels.map((label, c) => {
    const tp = (confusion[c] as number[])[c] as number;
    let predictedC = 0;
    let support = 0;
    for (let k = 0; k < K; k++) {
      predictedC += (confusion[k] as number[])[c] as number;
      support += (confusion[c] as number[])[k] as number;
    }
    const precision = predictedC ? tp / predictedC : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, support, precision, recall, f1 };
  });
  const present = perClass.filter((m) => m.support > 0);
  const macroF1 = present.length ? present.reduce((s, m) => s + m.f1, 0) / present.length : 0;
  let calibrationError: number | null = null;
  if (confidence && confidence.length === truth.length && truth.length > 0) {
    const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, hit: 0 }));
    for (let i = 0; i < truth.length; i++) {
      const conf = confidence[i] as number;
      const bin = bins[Math.min(9, Math.floor(conf * 10))] as { n: number; conf: number; hit: number };
      bin.n++;
      bin.conf += conf;
      if (truth[i] === predicted[i]) bin.hit++;
    }
    calibrationError = bins.reduce((s, b) => s + (b.n ? Math.abs(b.hit - b.conf) : 0), 0) / truth.length;
  }
  return { accuracy: truth.length ? correct / truth.length : 0, macroF1, perClass, confusion, calibrationError };
}

/**
 * Stratified k-fold assignment that keeps identical texts in one fold (a message posted twice must not
 * be tested on its own copy). Returns the fold of each sample.
 */
export function stratifiedFolds(classOf: ArrayLike<number>, groupKey: (i: number) => string, folds: number, seed = 7): Int32Array {
  const n = classOf.length;
  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const key = groupKey(i);
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  const byClass = new Map<number, number[][]>();
  for (const g of groups.values()) {
    const c = classOf[g[0] as number] as number;
    const list = byClass.get(c);
    if (list) list.push(g);
    else byClass.set(c, [g]);
  }
  const rnd = seededRandom(seed);
  const fold = new Int32Array(n);
  let next = 0;
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const gs = byClass.get(c) as number[][];
    for (let i = gs.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [gs[i], gs[j]] = [gs[j] as number[], gs[i] as number[]];
    }
    // Continue the round-robin across classes, so small classes do not all start in fold 0.
    for (const g of gs) {
      for (const i of g) fold[i] = next % folds;
      next++;
    }
  }
  return fold;
}
