import { normalizeText } from '../text/text-normalize.ts';
import { classificationReport, stratifiedFolds, type ClassificationReport } from './classification-metrics.ts';
import { trainTextClassifier, type LabelledText, type TrainOptions, type TrainProgress } from './text-classifier.ts';

/** What `cityloop insights evaluate` prints. */
export interface EvaluationResult {
  folds: number;
  samples: number;
  labels: string[];
  report: ClassificationReport;
  /** Mean wall time to train on k−1 folds (calibration included), ms. */
  trainMs: number;
  /** Mean time to classify one held-out message (normalise, features, scores), µs. */
  inferenceUs: number;
  /** Mean size of the serialized weights, bytes. */
  modelBytes: number;
  /** Mean temperature fitted by calibration. */
  temperature: number;
}

/**
 * k-fold cross-validation of the whole training procedure: folds stratified by label, identical texts
 * kept together; every fold trains (and calibrates) from scratch on the others.
 */
export function crossValidate(
  samples: readonly LabelledText[],
  options: Partial<TrainOptions> = {},
  folds = 5,
  onFold?: (fold: number, folds: number) => void,
  progress?: TrainProgress,
): EvaluationResult {
  const labels = [...new Set(samples.map((s) => s.label))].sort();
  const classOf = new Map(labels.map((l, i) => [l, i]));
  const y = Int32Array.from(samples.map((s) => classOf.get(s.label) as number));
  const key = (i: number) => normalizeText((samples[i] as LabelledText).text).text.slice(0, 300);
  const fold = stratifiedFolds(y, key, folds, options.seed ?? 7);
  const predicted = new Int32Array(samples.length);
  const confidence = new Float64Array(samples.length);
  let trainMs = 0;
  let inferMs = 0;
  let bytes = 0;
  let temperature = 0;
  for (let f = 0; f < folds; f++) {
    onFold?.(f, folds);
    const train = samples.filter((_, i) => fold[i] !== f);
    const t0 = performance.now();
    const model = trainTextClassifier(train, options, new Map(), progress);
    trainMs += performance.now() - t0;
    bytes += model.sizeBytes;
    temperature += model.temperature;
    const held = samples.map((_, i) => i).filter((i) => fold[i] === f);
    // A few untimed predictions first, so the figure is the steady state and not the JIT warming up.
    for (const i of held.slice(0, 20)) model.predict((samples[i] as LabelledText).title, (samples[i] as LabelledText).text, 1);
    const t1 = performance.now();
    for (const i of held) {
      const s = samples[i] as LabelledText;
      const best = model.predict(s.title, s.text, 1).top[0];
      predicted[i] = best ? (classOf.get(best.code) ?? -1) : -1;
      confidence[i] = best?.confidence ?? 0;
    }
    inferMs += performance.now() - t1;
  }
  // A message the model could not read (no known feature) counts as wrong, never as a class.
  for (let i = 0; i < predicted.length; i++) if ((predicted[i] as number) < 0) predicted[i] = ((y[i] as number) + 1) % labels.length;
  return {
    folds, samples: samples.length, labels,
    report: classificationReport(labels, y, predicted, confidence),
    trainMs: trainMs / folds, inferenceUs: (inferMs * 1000) / samples.length, modelBytes: bytes / folds, temperature: temperature / folds,
  };
}
