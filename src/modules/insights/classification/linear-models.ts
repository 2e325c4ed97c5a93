import type { SparseVector } from '../text/text-features.ts';

/** Training data in a compact feature space (only slots seen in training), rows already weighted and normalised. */
export interface Dataset {
  rows: readonly SparseVector[];
  /** Class index of each row. */
  y: Int32Array;
  /** Number of classes. */
  classes: number;
  /** Number of features (compact). */
  dim: number;
}

/** A linear scorer: score_c(x) = b_c + Σ_j x_j · w[j·K + c] (feature-major, so one feature's K weights are adjacent). */
export interface LinearWeights {
  classes: number;
  dim: number;
  weights: Float32Array;
  bias: Float32Array;
}

/** Per-class weights inversely proportional to class frequency (mean 1), as for a "balanced" loss. */
export function balancedClassWeights(y: Int32Array, classes: number, power = 1): Float64Array {
  const counts = new Float64Array(classes);
  for (const c of y) counts[c] = (counts[c] as number) + 1;
  const w = new Float64Array(classes);
  for (let c = 0; c < classes; c++) w[c] = (counts[c] as number) > 0 ? (y.length / (classes * (counts[c] as number))) ** power : 0;
  return w;
}

/** Scores of one row (K values written into out). */
export function linearScores(m: LinearWeights, x: SparseVector, out: Float64Array): Float64Array {
  const K = m.classes;
  for (let c = 0; c < K; c++) out[c] = m.bias[c] as number;
  for (let k = 0; k < x.index.length; k++) {
    const j = x.index[k] as number;
    if (j >= m.dim) continue;
    const v = x.value[k] as number;
    const base = j * K;
    for (let c = 0; c < K; c++) out[c] = (out[c] as number) + v * (m.weights[base + c] as number);
  }
  return out;
}

/** A small deterministic generator (xorshift32), so training is reproducible. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

function shuffled(n: number, rnd: () => number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}

/**
 * Complement naive Bayes (Rennie et al. 2003) on TF-IDF rows: each class is scored by how unlike the
 * other classes' text the message is; robust when classes are unbalanced.
 */
export function trainComplementNb(data: Dataset, options: { alpha?: number; normalize?: boolean } = {}): LinearWeights {
  const { classes: K, dim } = data;
  const alpha = options.alpha ?? 0.3;
  const perClass = new Float64Array(dim * K);
  const total = new Float64Array(dim);
  for (let i = 0; i < data.rows.length; i++) {
    const x = data.rows[i] as SparseVector;
    const c = data.y[i] as number;
    for (let k = 0; k < x.index.length; k++) {
      const j = x.index[k] as number;
      const v = x.value[k] as number;
      perClass[j * K + c] = (perClass[j * K + c] as number) + v;
      total[j] = (total[j] as number) + v;
    }
  }
  const sumTotal = total.reduce((a, b) => a + b, 0);
  const classSum = new Float64Array(K);
  for (let j = 0; j < dim; j++) for (let c = 0; c < K; c++) classSum[c] = (classSum[c] as number) + (perClass[j * K + c] as number);
  const weights = new Float32Array(dim * K);
  const absSum = new Float64Array(K);
  for (let c = 0; c < K; c++) {
    const denom = sumTotal - (classSum[c] as number) + alpha * dim;
    for (let j = 0; j < dim; j++) {
      const comp = (total[j] as number) - (perClass[j * K + c] as number) + alpha;
      const w = -Math.log(comp / denom);
      weights[j * K + c] = w;
      absSum[c] = (absSum[c] as number) + Math.abs(w);
    }
  }
  if (options.normalize) for (let j = 0; j < dim; j++) for (let c = 0; c < K; c++) weights[j * K + c] = (weights[j * K + c] as number) / (absSum[c] as number);
  // Centre the weights of each feature: a feature that raises every class equally changes nothing.
  for (let j = 0; j < dim; j++) {
    let mean = 0;
    for (let c = 0; c < K; c++) mean += weights[j * K + c] as number;
    mean /= K;
    for (let c = 0; c < K; c++) weights[j * K + c] = (weights[j * K + c] as number) - mean;
  }
  return { classes: K, dim, weights, bias: new Float32Array(K) };
}

/**
 * L2-regularised multinomial logistic regression by stochastic gradient descent with a decaying step
 * (Bottou's schedule), lazy L2 through a shared scale factor, and Polyak averaging of the epochs' weights
 * in the second half of training.
 */
export function trainSoftmaxSgd(
  data: Dataset,
  options: { lambda?: number; epochs?: number; eta0?: number; classWeights?: Float64Array; seed?: number } = {},
): LinearWeights {
  const { classes: K, dim, rows, y } = data;
  const lambda = options.lambda ?? 1e-5;
  const epochs = options.epochs ?? 20;
  const eta0 = options.eta0 ?? 0.5;
  const cw = options.classWeights ?? new Float64Array(K).fill(1);
  const rnd = seededRandom(options.seed ?? 1);
  const v = new Float64Array(dim * K);
  const b = new Float64Array(K);
  const avgW = new Float64Array(dim * K);
  const avgB = new Float64Array(K);
  let averaged = 0;
  let scale = 1;
  let t = 0;
  const z = new Float64Array(K);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = shuffled(rows.length, rnd);
    for (const i of order) {
      const x = rows[i] as SparseVector;
      const yi = y[i] as number;
      const eta = eta0 / (1 + eta0 * lambda * t);
      t++;
      for (let c = 0; c < K; c++) z[c] = b[c] as number;
      for (let k = 0; k < x.index.length; k++) {
        const base = (x.index[k] as number) * K;
        const xv = (x.value[k] as number) * scale;
        for (let c = 0; c < K; c++) z[c] = (z[c] as number) + xv * (v[base + c] as number);
      }
      let max = -Infinity;
      for (let c = 0; c < K; c++) max = Math.max(max, z[c] as number);
      let sum = 0;
      for (let c = 0; c < K; c++) {
        z[c] = Math.exp((z[c] as number) - max);
        sum += z[c] as number;
      }
      const wi = cw[yi] as number;
      scale *= 1 - eta * lambda;
      for (let c = 0; c < K; c++) {
        const g = ((z[c] as number) / sum - (c === yi ? 1 : 0)) * wi;
        z[c] = g;
        b[c] = (b[c] as number) - eta * g * 0.1;
      }
      const step = eta / scale;
      for (let k = 0; k < x.index.length; k++) {
        const base = (x.index[k] as number) * K;
        const xv = (x.value[k] as number) * step;
        for (let c = 0; c < K; c++) v[base + c] = (v[base + c] as number) - xv * (z[c] as number);
      }
      if (scale < 1e-9) {
        for (let j = 0; j < v.length; j++) v[j] = (v[j] as number) * scale;
        scale = 1;
      }
    }
    if (epoch >= Math.floor(epochs / 2)) {
      averaged++;
      for (let j = 0; j < v.length; j++) avgW[j] = (avgW[j] as number) + ((v[j] as number) * scale - (avgW[j] as number)) / averaged;
      for (let c = 0; c < K; c++) avgB[c] = (avgB[c] as number) + ((b[c] as number) - (avgB[c] as number)) / averaged;
    }
  }
  return { classes: K, dim, weights: Float32Array.from(avgW), bias: Float32Array.from(avgB) };
}

/**
 * One-vs-rest linear SVM (L2-regularised squared hinge) by dual coordinate descent, the method of
 * LIBLINEAR (Hsieh et al. 2008): exact for this convex problem and fast on a few thousand messages.
 */
export function trainLinearSvm(
  data: Dataset,
  options: { C?: number; epochs?: number; tolerance?: number; classWeights?: Float64Array; seed?: number } = {},
): LinearWeights {
  const { classes: K, dim, rows, y } = data;
  const C = options.C ?? 0.5;
  const epochs = options.epochs ?? 50;
  const tol = options.tolerance ?? 0.05;
  const cw = options.classWeights ?? new Float64Array(K).fill(1);
  const rnd = seededRandom(options.seed ?? 1);
  const n = rows.length;
  const weights = new Float32Array(dim * K);
  const bias = new Float32Array(K);
  // The bias is an extra feature of constant value 1 (as LIBLINEAR's -B 1).
  const sqNorm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = rows[i] as SparseVector;
    let s = 1;
    for (let k = 0; k < x.value.length; k++) s += (x.value[k] as number) ** 2;
    sqNorm[i] = s;
  }
  const w = new Float64Array(dim);
  const alpha = new Float64Array(n);
  for (let c = 0; c < K; c++) {
    w.fill(0);
    alpha.fill(0);
    let wb = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      let maxPg = -Infinity;
      let minPg = Infinity;
      const order = shuffled(n, rnd);
      for (const i of order) {
        const x = rows[i] as SparseVector;
        const yi = y[i] === c ? 1 : -1;
        const Ci = C * (cw[y[i] as number] as number);
        const diag = 0.5 / Ci;
        let dot = wb;
        for (let k = 0; k < x.index.length; k++) dot += (w[x.index[k] as number] as number) * (x.value[k] as number);
        const a = alpha[i] as number;
        const G = yi * dot - 1 + diag * a;
        const pg = a === 0 ? Math.min(G, 0) : G;
        maxPg = Math.max(maxPg, pg);
        minPg = Math.min(minPg, pg);
        if (Math.abs(pg) < 1e-12) continue;
        const next = Math.max(a - G / ((sqNorm[i] as number) + diag), 0);
        const d = (next - a) * yi;
        alpha[i] = next;
        if (d === 0) continue;
        for (let k = 0; k < x.index.length; k++) {
          const j = x.index[k] as number;
          w[j] = (w[j] as number) + d * (x.value[k] as number);
        }
        wb += d;
      }
      if (maxPg - minPg < tol) break;
    }
    for (let j = 0; j < dim; j++) weights[j * K + c] = w[j] as number;
    bias[c] = wb;
  }
  return { classes: K, dim, weights, bias };
}

/**
 * NB-SVM (Wang & Manning 2012): each one-vs-rest SVM sees the features scaled by their naive-Bayes
 * log-count ratio for its class, so words typical of the class start with more weight. The result is
 * still linear in the original features (w ⊙ r).
 */
export function trainNbSvm(
  data: Dataset,
  options: { C?: number; alpha?: number; epochs?: number; tolerance?: number; classWeights?: Float64Array; seed?: number; beta?: number } = {},
): LinearWeights {
  const { classes: K, dim, rows, y } = data;
  const alpha = options.alpha ?? 1;
  const C = options.C ?? 1;
  const epochs = options.epochs ?? 50;
  const tol = options.tolerance ?? 0.05;
  const cw = options.classWeights ?? new Float64Array(K).fill(1);
  const beta = options.beta ?? 1;
  const rnd = seededRandom(options.seed ?? 1);
  const n = rows.length;
  const perClass = new Float64Array(dim * K);
  const total = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const x = rows[i] as SparseVector;
    const c = y[i] as number;
    for (let k = 0; k < x.index.length; k++) {
      const j = x.index[k] as number;
      perClass[j * K + c] = (perClass[j * K + c] as number) + (x.value[k] as number);
      total[j] = (total[j] as number) + (x.value[k] as number);
    }
  }
  const weights = new Float32Array(dim * K);
  const bias = new Float32Array(K);
  const r = new Float64Array(dim);
  const w = new Float64Array(dim);
  const alphaV = new Float64Array(n);
  const sqNorm = new Float64Array(n);
  for (let c = 0; c < K; c++) {
    let pSum = 0;
    let qSum = 0;
    for (let j = 0; j < dim; j++) {
      pSum += alpha + (perClass[j * K + c] as number);
      qSum += alpha + (total[j] as number) - (perClass[j * K + c] as number);
    }
    for (let j = 0; j < dim; j++) r[j] = Math.log((alpha + (perClass[j * K + c] as number)) / pSum) - Math.log((alpha + (total[j] as number) - (perClass[j * K + c] as number)) / qSum);
    for (let i = 0; i < n; i++) {
      const x = rows[i] as SparseVector;
      let s = 1;
      for (let k = 0; k < x.value.length; k++) s += ((x.value[k] as number) * (r[x.index[k] as number] as number)) ** 2;
      sqNorm[i] = s;
    }
    w.fill(0);
    alphaV.fill(0);
    let wb = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      let maxPg = -Infinity;
      let minPg = Infinity;
      for (const i of shuffled(n, rnd)) {
        const x = rows[i] as SparseVector;
        const yi = y[i] === c ? 1 : -1;
        const diag = 0.5 / (C * (cw[y[i] as number] as number));
        let dot = wb;
        for (let k = 0; k < x.index.length; k++) {
          const j = x.index[k] as number;
          dot += (w[j] as number) * (x.value[k] as number) * (r[j] as number);
        }
        const a = alphaV[i] as number;
        const G = yi * dot - 1 + diag * a;
        const pg = a === 0 ? Math.min(G, 0) : G;
        maxPg = Math.max(maxPg, pg);
        minPg = Math.min(minPg, pg);
        if (Math.abs(pg) < 1e-12) continue;
        const next = Math.max(a - G / ((sqNorm[i] as number) + diag), 0);
        const d = (next - a) * yi;
        alphaV[i] = next;
        if (d === 0) continue;
        for (let k = 0; k < x.index.length; k++) {
          const j = x.index[k] as number;
          w[j] = (w[j] as number) + d * (x.value[k] as number) * (r[j] as number);
        }
        wb += d;
      }
      if (maxPg - minPg < tol) break;
    }
    let mean = 0;
    for (let j = 0; j < dim; j++) mean += Math.abs(w[j] as number);
    mean /= dim;
    for (let j = 0; j < dim; j++) weights[j * K + c] = ((1 - beta) * mean + beta * (w[j] as number)) * (r[j] as number);
    bias[c] = wb;
  }
  return { classes: K, dim, weights, bias };
}
