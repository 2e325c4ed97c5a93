import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { normalizeText, type NormalizeNotes } from '../text/text-normalize.ts';
import { DEFAULT_FEATURES, TextFeaturizer, tfidfInPlace, type FeatureOptions, type SparseVector } from '../text/text-features.ts';
import {
  balancedClassWeights, linearScores, trainComplementNb, trainLinearSvm, trainNbSvm, trainSoftmaxSgd,
  type Dataset, type LinearWeights,
} from './linear-models.ts';
import { stratifiedFolds } from './classification-metrics.ts';

/** The learning methods compared in docs/insights-classification.md; `svm+nbsvm` won. */
export const CLASSIFIER_METHODS = ['svm+nbsvm', 'svm', 'nbsvm', 'softmax', 'cnb'] as const;
export type ClassifierMethod = (typeof CLASSIFIER_METHODS)[number];

/** A class the model can predict: a category code (or, for a CSV, the label text itself) and its name. */
export interface ClassLabel {
  code: string;
  name: string;
}

/** One training example. */
export interface LabelledText {
  title?: string;
  text: string;
  label: string;
}

export interface TrainOptions {
  method: ClassifierMethod;
  features: FeatureOptions;
  /** SVM cost. */
  C: number;
  /** Class weights ∝ (n / (K · n_c))^power: 0 = none, 1 = balanced, >1 favours small classes more. */
  classWeightPower: number;
  /** Features seen in fewer messages are dropped (noise, and a smaller model). */
  minDf: number;
  /** Fit the temperature of the probabilities on held-out scores (3 inner folds). */
  calibrate: boolean;
  seed: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  method: 'svm+nbsvm',
  // Chosen by 5-fold cross-validation on the Teddy Cup dev set (docs/insights-classification.md).
  features: { ...DEFAULT_FEATURES, bits: 20, titleWeight: 2 },
  C: 1,
  classWeightPower: 1.5,
  minDf: 3,
  calibrate: true,
  seed: 1,
};

/** Progress of a long training run. */
export type TrainProgress = (stage: 'features' | 'fit' | 'calibrate' | 'pack', done: number, total: number) => void;

/** Suggestions for one message. */
export interface ClassifierOutput {
  /** Best first; confidence is a calibrated probability. */
  top: Array<{ code: string; name: string; confidence: number }>;
  notes: NormalizeNotes;
}

/** The parts of a trained model as stored (database row or file). */
export interface StoredClassifier {
  format: 'cityloop-text-classifier/1';
  method: ClassifierMethod;
  features: FeatureOptions;
  labels: ClassLabel[];
  temperature: number;
  bias: number[];
  /** Per-class factor from int8 weights back to floats. */
  scales: number[];
  /** idf = byte × idfStep. */
  idfStep: number;
  /** base64 of deflate-raw(idf bytes [2^bits] ++ int8 weights [2^bits × classes]). */
  blob: string;
  /** How many examples it learnt from. */
  samples: number;
}

const MAX_CALIBRATION_SAMPLES = 30_000;

interface Prepared {
  featurizer: TextFeaturizer;
  counts: SparseVector[];
}

function prepare(samples: readonly LabelledText[], features: FeatureOptions, progress?: TrainProgress): Prepared {
  const featurizer = new TextFeaturizer(features);
  const counts: SparseVector[] = [];
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as LabelledText;
    counts.push(featurizer.extract(normalizeText(s.title ?? '').text, normalizeText(s.text).text));
    if (progress && i % 2000 === 0) progress('features', i, samples.length);
  }
  return { featurizer, counts };
}

/** Document frequency → idf with the min-df cut (0 = dropped). */
function idfOf(counts: readonly SparseVector[], dim: number, minDf: number): Float32Array {
  const df = new Uint32Array(dim);
  for (const d of counts) for (let k = 0; k < d.index.length; k++) df[d.index[k] as number] = (df[d.index[k] as number] as number) + 1;
  const idf = new Float32Array(dim);
  const n = counts.length;
  for (let j = 0; j < dim; j++) {
    const f = df[j] as number;
    if (f >= minDf && f > 0) idf[j] = Math.log((1 + n) / (1 + f)) + 1;
  }
  return idf;
}

/** Compact the hashed slots that survive into 0..d-1, so training arrays stay small. */
function compactSpace(idf: Float32Array): { toCompact: Int32Array; toSlot: Int32Array } {
  const toCompact = new Int32Array(idf.length).fill(-1);
  const slots: number[] = [];
  for (let j = 0; j < idf.length; j++) if ((idf[j] as number) > 0) {
    toCompact[j] = slots.length;
    slots.push(j);
  }
  return { toCompact, toSlot: Int32Array.from(slots) };
}

function weighted(counts: SparseVector, idf: Float32Array, toCompact: Int32Array): SparseVector {
  const v = tfidfInPlace({ index: counts.index, value: counts.value.slice() }, idf);
  let n = 0;
  for (let k = 0; k < v.index.length; k++) if ((toCompact[v.index[k] as number] as number) >= 0 && v.value[k] !== 0) n++;
  const index = new Int32Array(n);
  const value = new Float32Array(n);
  let m = 0;
  for (let k = 0; k < v.index.length; k++) {
    const c = toCompact[v.index[k] as number] as number;
    if (c >= 0 && v.value[k] !== 0) {
      index[m] = c;
      value[m++] = v.value[k] as number;
    }
  }
  return { index, value };
}

function fit(method: ClassifierMethod, data: Dataset, o: TrainOptions): LinearWeights {
  const classWeights = o.classWeightPower > 0 ? balancedClassWeights(data.y, data.classes, o.classWeightPower) : undefined;
  const cw = classWeights ? { classWeights } : {};
  switch (method) {
    case 'svm': return trainLinearSvm(data, { C: o.C, seed: o.seed, ...cw });
    case 'nbsvm': return trainNbSvm(data, { C: o.C, alpha: 0.03, seed: o.seed, ...cw });
    case 'softmax': return trainSoftmaxSgd(data, { seed: o.seed, ...cw });
    case 'cnb': return trainComplementNb(data, { alpha: 0.3 });
    case 'svm+nbsvm': {
      // Both are linear in the same features, so the ensemble is the sum of their weights: no extra cost at inference.
      const a = trainLinearSvm(data, { C: o.C, seed: o.seed, ...cw });
      const b = trainNbSvm(data, { C: o.C, alpha: 0.03, seed: o.seed, ...cw });
      for (let i = 0; i < a.weights.length; i++) a.weights[i] = (a.weights[i] as number) + (b.weights[i] as number);
      for (let c = 0; c < a.classes; c++) a.bias[c] = (a.bias[c] as number) + (b.bias[c] as number);
      return a;
    }
  }
}

function softmaxInto(scores: Float64Array, temperature: number, out: Float64Array): void {
  let max = -Infinity;
  for (const s of scores) max = Math.max(max, s);
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    const e = Math.exp(((scores[c] as number) - max) / temperature);
    out[c] = e;
    sum += e;
  }
  for (let c = 0; c < scores.length; c++) out[c] = (out[c] as number) / sum;
}

/** The temperature that minimises the negative log-likelihood of held-out scores (golden-section on log T). */
export function fitTemperature(scores: readonly Float64Array[], truth: ArrayLike<number>): number {
  if (scores.length === 0) return 1;
  const K = (scores[0] as Float64Array).length;
  const p = new Float64Array(K);
  const nll = (logT: number): number => {
    const T = Math.exp(logT);
    let s = 0;
    for (let i = 0; i < scores.length; i++) {
      softmaxInto(scores[i] as Float64Array, T, p);
      s -= Math.log(Math.max(1e-12, p[truth[i] as number] as number));
    }
    return s;
  };
  let a = Math.log(0.01);
  let b = Math.log(10);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = nll(c);
  let fd = nll(d);
  for (let it = 0; it < 40; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = nll(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = nll(d);
    }
  }
  return Math.exp((a + b) / 2);
}

/**
 * A text classifier over hashed character n-grams and jieba words with a linear model, calibrated
 * probabilities and int8 weights. Build one with `trainTextClassifier` or `TextClassifier.load`.
 */
export class TextClassifier {
  readonly labels: readonly ClassLabel[];
  readonly method: ClassifierMethod;
  readonly features: FeatureOptions;
  readonly temperature: number;
  readonly samples: number;
  private readonly featurizer: TextFeaturizer;
  /** idf as bytes (× idfStep) and weights as int8 (× the class's scale): (K + 1) bytes per hashed slot in memory. */
  private readonly idf: Uint8Array;
  private readonly idfStep: number;
  private readonly weights: Int8Array;
  private readonly scales: Float64Array;
  private readonly bias: Float64Array;
  private readonly scores: Float64Array;
  private readonly probs: Float64Array;
  private readonly stored: StoredClassifier;

  private constructor(stored: StoredClassifier) {
    this.stored = stored;
    this.labels = stored.labels;
    this.method = stored.method;
    this.features = stored.features;
    this.temperature = stored.temperature;
    this.samples = stored.samples;
    this.featurizer = new TextFeaturizer(stored.features);
    const K = stored.labels.length;
    const dim = this.featurizer.dim;
    const raw = inflateRawSync(Buffer.from(stored.blob, 'base64'));
    if (raw.length !== dim * (K + 1)) throw new Error(`model blob has ${raw.length} bytes, expected ${dim * (K + 1)}`);
    this.idf = new Uint8Array(raw.buffer, raw.byteOffset, dim);
    this.idfStep = stored.idfStep;
    this.weights = new Int8Array(raw.buffer, raw.byteOffset + dim, dim * K);
    this.scales = Float64Array.from(stored.scales);
    this.bias = Float64Array.from(stored.bias);
    this.scores = new Float64Array(K);
    this.probs = new Float64Array(K);
  }

  /** Rebuild a stored model; throws when the parts do not fit together. */
  static load(stored: StoredClassifier): TextClassifier {
    if (stored.format !== 'cityloop-text-classifier/1') throw new Error(`unknown model format ${String(stored.format)}`);
    return new TextClassifier(stored);
  }

  /** The model as stored. */
  toStored(): StoredClassifier {
    return this.stored;
  }

  /** Size of the serialized weights (base64 text), in bytes. */
  get sizeBytes(): number {
    return this.stored.blob.length;
  }

  /** Raw scores of a message, before calibration; null when the text has no known feature. */
  private score(title: string, text: string): Float64Array | null {
    const v = this.featurizer.extract(title, text);
    const K = this.labels.length;
    const s = this.scores;
    s.fill(0);
    let norm = 0;
    for (let k = 0; k < v.index.length; k++) {
      const j = v.index[k] as number;
      const idf = this.idf[j] as number;
      if (idf === 0) continue;
      const x = (1 + Math.log(v.value[k] as number)) * idf * this.idfStep;
      norm += x * x;
      const base = j * K;
      for (let c = 0; c < K; c++) s[c] = (s[c] as number) + x * (this.weights[base + c] as number);
    }
    if (norm === 0) return null;
    const inv = 1 / Math.sqrt(norm);
    for (let c = 0; c < K; c++) s[c] = (s[c] as number) * inv * (this.scales[c] as number) + (this.bias[c] as number);
    return s;
  }

  /**
   * The k most likely classes of a message with calibrated probabilities; none when the text says nothing
   * known. `mapTraditional: false` skips the 繁→简 table (only to measure what it is worth).
   */
  predict(title: string | null | undefined, text: string | null | undefined, k = 3, options: { mapTraditional?: boolean } = {}): ClassifierOutput {
    const t = normalizeText(title ?? '', undefined, options);
    const b = normalizeText(text ?? '', undefined, options);
    const notes: NormalizeNotes = {
      truncated: t.notes.truncated || b.notes.truncated, html: t.notes.html || b.notes.html,
      traditional: t.notes.traditional + b.notes.traditional, empty: t.notes.empty && b.notes.empty,
    };
    const s = notes.empty ? null : this.score(t.text, b.text);
    if (!s) return { top: [], notes };
    softmaxInto(s, this.temperature, this.probs);
    const order = [...this.probs.keys()].sort((x, y) => (this.probs[y] as number) - (this.probs[x] as number)).slice(0, k);
    return { top: order.map((c) => ({ code: (this.labels[c] as ClassLabel).code, name: (this.labels[c] as ClassLabel).name, confidence: this.probs[c] as number })), notes };
  }
}

function pack(method: ClassifierMethod, features: FeatureOptions, labels: ClassLabel[], idf: Float32Array, toSlot: Int32Array, w: LinearWeights, temperature: number, samples: number): StoredClassifier {
  const K = labels.length;
  const dim = idf.length;
  let maxIdf = 0;
  for (const v of idf) maxIdf = Math.max(maxIdf, v);
  const idfStep = maxIdf > 0 ? maxIdf / 255 : 1;
  const scales: number[] = [];
  for (let c = 0; c < K; c++) {
    let max = 0;
    for (let j = 0; j < w.dim; j++) max = Math.max(max, Math.abs(w.weights[j * K + c] as number));
    scales.push(max > 0 ? max / 127 : 1);
  }
  const raw = new Uint8Array(dim * (K + 1));
  for (let j = 0; j < dim; j++) if ((idf[j] as number) > 0) raw[j] = Math.max(1, Math.round((idf[j] as number) / idfStep));
  const q = new Int8Array(raw.buffer, dim, dim * K);
  for (let j = 0; j < w.dim; j++) {
    const slot = toSlot[j] as number;
    for (let c = 0; c < K; c++) q[slot * K + c] = Math.round((w.weights[j * K + c] as number) / (scales[c] as number));
  }
  return {
    format: 'cityloop-text-classifier/1', method, features, labels, temperature, bias: Array.from(w.bias), scales, idfStep,
    blob: deflateRawSync(raw, { level: 6 }).toString('base64'), samples,
  };
}

/** Train a classifier on labelled texts; `names` gives display names of label codes (else the code is the name). */
export function trainTextClassifier(
  samples: readonly LabelledText[],
  options: Partial<TrainOptions> = {},
  names: ReadonlyMap<string, string> = new Map(),
  progress?: TrainProgress,
): TextClassifier {
  const o: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...options, features: { ...DEFAULT_TRAIN_OPTIONS.features, ...options.features } };
  const codes = [...new Set(samples.map((s) => s.label))].sort();
  if (codes.length < 2) throw new Error(`need at least two classes to learn from, found ${codes.length}`);
  const labels = codes.map((code) => ({ code, name: names.get(code) ?? code }));
  const classOf = new Map(codes.map((c, i) => [c, i]));
  const y = Int32Array.from(samples.map((s) => classOf.get(s.label) as number));
  const { featurizer, counts } = prepare(samples, o.features, progress);
  const idf = idfOf(counts, featurizer.dim, o.minDf);
  const { toCompact, toSlot } = compactSpace(idf);
  const rows = counts.map((c) => weighted(c, idf, toCompact));
  progress?.('fit', 0, 1);
  const model = fit(o.method, { rows, y, classes: codes.length, dim: toSlot.length }, o);
  progress?.('fit', 1, 1);
  let temperature = 1;
  if (o.calibrate && samples.length >= 30) {
    // Held-out scores of 3 inner folds (on at most 30,000 messages) tell how far to trust a score.
    const take = Math.min(samples.length, MAX_CALIBRATION_SAMPLES);
    const stride = samples.length / take;
    const pick = Array.from({ length: take }, (_, i) => Math.floor(i * stride));
    const folds = stratifiedFolds(Int32Array.from(pick.map((i) => y[i] as number)), (i) => String(i), 3, o.seed);
    const held: Float64Array[] = [];
    const truth: number[] = [];
    for (let f = 0; f < 3; f++) {
      progress?.('calibrate', f, 3);
      const trainIdx = pick.filter((_, k) => folds[k] !== f);
      const testIdx = pick.filter((_, k) => folds[k] === f);
      const sub: Dataset = { rows: trainIdx.map((i) => rows[i] as SparseVector), y: Int32Array.from(trainIdx.map((i) => y[i] as number)), classes: codes.length, dim: toSlot.length };
      if (new Set(sub.y).size < 2) continue;
      const m = fit(o.method, sub, o);
      for (const i of testIdx) {
        held.push(linearScores(m, rows[i] as SparseVector, new Float64Array(codes.length)));
        truth.push(y[i] as number);
      }
    }
    temperature = fitTemperature(held, truth);
  }
  progress?.('pack', 0, 1);
  return TextClassifier.load(pack(o.method, o.features, labels, idf, toSlot, model, temperature, samples.length));
}
