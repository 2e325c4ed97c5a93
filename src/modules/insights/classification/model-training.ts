import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { classificationReport, stratifiedFolds, type ClassMetrics } from './classification-metrics.ts';
import { trainTextClassifier, TextClassifier, type LabelledText, type StoredClassifier, type TrainOptions, type TrainProgress } from './text-classifier.ts';

/** How a deployment's category codes become the classes a model learns. */
export interface LabelPolicy {
  /** Learn categories at this depth of the tree (1 = top level, 2 = '01.02' …). */
  level: number;
  /** A class with fewer examples is folded into its parent; at the top level it is left out. */
  minPerClass: number;
}

export const DEFAULT_LABEL_POLICY: LabelPolicy = { level: 2, minPerClass: 20 };

/**
 * Map category codes to the classes to learn: cut to `level`, then fold classes with too few examples
 * into their parents until every class has enough (codes are dotted paths, '01.02.03').
 * Returns the class of each input (null = left out).
 */
export function assignClasses(codes: readonly string[], policy: LabelPolicy): Array<string | null> {
  const cut = (code: string, level: number) => code.split('.').slice(0, level).join('.');
  const out: Array<string | null> = codes.map((c) => cut(c, Math.max(1, policy.level)));
  for (let level = Math.max(1, policy.level); level >= 1; level--) {
    const counts = new Map<string, number>();
    for (const c of out) if (c !== null) counts.set(c, (counts.get(c) ?? 0) + 1);
    let changed = false;
    for (let i = 0; i < out.length; i++) {
      const c = out[i];
      if (c === null || c === undefined || (counts.get(c) ?? 0) >= policy.minPerClass) continue;
      const depth = c.split('.').length;
      out[i] = depth > 1 ? cut(c, depth - 1) : null;
      changed = true;
    }
    if (!changed) break;
  }
  // A parent that received folded children may itself still be too small: drop what cannot be learnt.
  const counts = new Map<string, number>();
  for (const c of out) if (c !== null) counts.set(c, (counts.get(c) ?? 0) + 1);
  return out.map((c) => (c !== null && (counts.get(c) ?? 0) >= policy.minPerClass ? c : null));
}

/** What a training job reports about the model it made. */
export interface TrainingMetrics {
  samples: number;
  classes: number;
  /** Held-out check (20% of the examples, model trained on the other 80%); null for small sets. */
  holdout: { samples: number; macroF1: number; accuracy: number; calibrationError: number | null; perClass: ClassMetrics[] } | null;
  trainMs: number;
  temperature: number;
}

/** A training job: examples, options, display names of the labels. */
export interface TrainingJob {
  samples: LabelledText[];
  options: Partial<TrainOptions>;
  names: Array<[string, string]>;
  /** Run the 80/20 check first (doubles the work). */
  holdout: boolean;
}

/** Below this many examples the held-out check says too little to be worth its time. */
const MIN_HOLDOUT = 200;

/** Train (and check on a held-out fifth) in the current thread. */
export function runTrainingJob(job: TrainingJob, progress?: TrainProgress): { stored: StoredClassifier; metrics: TrainingMetrics } {
  const names = new Map(job.names);
  let holdout: TrainingMetrics['holdout'] = null;
  if (job.holdout && job.samples.length >= MIN_HOLDOUT) {
    const labels = [...new Set(job.samples.map((s) => s.label))].sort();
    const classOf = new Map(labels.map((l, i) => [l, i]));
    const y = Int32Array.from(job.samples.map((s) => classOf.get(s.label) as number));
    const fold = stratifiedFolds(y, (i) => (job.samples[i] as LabelledText).text.slice(0, 200), 5, 3);
    const train = job.samples.filter((_, i) => fold[i] !== 0);
    const test = job.samples.map((s, i) => ({ s, i })).filter(({ i }) => fold[i] === 0);
    const model = trainTextClassifier(train, job.options, names, progress);
    const predicted = new Int32Array(test.length);
    const confidence = new Float64Array(test.length);
    test.forEach(({ s }, k) => {
      const best = model.predict(s.title, s.text, 1).top[0];
      predicted[k] = best ? (classOf.get(best.code) ?? 0) : ((classOf.get(s.label) as number) + 1) % labels.length;
      confidence[k] = best?.confidence ?? 0;
    });
    const truth = Int32Array.from(test.map(({ i }) => y[i] as number));
    const r = classificationReport(labels, truth, predicted, confidence);
    holdout = { samples: test.length, macroF1: r.macroF1, accuracy: r.accuracy, calibrationError: r.calibrationError, perClass: r.perClass };
  }
  const t0 = performance.now();
  const model = trainTextClassifier(job.samples, job.options, names, progress);
  const trainMs = performance.now() - t0;
  return { stored: model.toStored(), metrics: { samples: job.samples.length, classes: model.labels.length, holdout, trainMs, temperature: model.temperature } };
}

const require = createRequire(import.meta.url);

/** URL of tsx's ESM api entry, read from its package exports (its CommonJS entry cannot register hooks in a worker). */
function tsxEsmApi(): string {
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import?: { default?: string } } | string> };
  const entry = pkg.exports['./esm/api'];
  const rel = typeof entry === 'object' ? entry.import?.default : undefined;
  if (!rel) throw new Error('tsx has no ESM api entry');
  return pathToFileURL(join(dirname(pkgPath), rel)).href;
}

/**
 * Run a training job in a worker thread, so a long training never stalls the server's event loop; falls
 * back to this thread when a worker cannot start. The worker loads TypeScript through tsx like the app.
 */
export function runTrainingInWorker(job: TrainingJob, progress?: TrainProgress, signal?: AbortSignal): Promise<{ stored: StoredClassifier; metrics: TrainingMetrics }> {
  if (signal?.aborted) return Promise.reject(new Error('training cancelled'));
  let worker: Worker;
  try {
    const entry = new URL('./training.worker.ts', import.meta.url).href;
    const boot = `import(${JSON.stringify(tsxEsmApi())}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
    worker = new Worker(boot, { eval: true, workerData: job });
  } catch {
    return Promise.resolve(runTrainingJob(job, progress));
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: { type: 'progress'; stage: Parameters<TrainProgress>[0]; done: number; total: number } | { type: 'done'; stored: StoredClassifier; metrics: TrainingMetrics } | { type: 'error'; message: string }) => {
      if (m.type === 'progress') progress?.(m.stage, m.done, m.total);
      else if (m.type === 'done') {
        settled = true;
        resolve({ stored: m.stored, metrics: m.metrics });
        void worker.terminate();
      } else {
        settled = true;
        reject(new Error(m.message));
        void worker.terminate();
      }
    });
    worker.on('error', (err) => {
      if (!settled) {
        settled = true;
        reject(err);
      }
    });
    worker.on('exit', (code) => {
      if (!settled) {
        settled = true;
        reject(new Error(signal?.aborted ? 'training cancelled' : `training worker stopped with code ${code}`));
      }
    });
    // Shutdown must not wait for a long training: the run is recorded as failed and can be repeated.
    signal?.addEventListener('abort', () => void worker.terminate(), { once: true });
  });
}

/** Rebuild a classifier from a job's result (checks that the stored parts fit). */
export function classifierFrom(stored: StoredClassifier): TextClassifier {
  return TextClassifier.load(stored);
}
