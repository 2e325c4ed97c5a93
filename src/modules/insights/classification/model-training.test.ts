import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { assignClasses, runTrainingInWorker, runTrainingJob, type TrainingJob } from './model-training.ts';
import { TextClassifier } from './text-classifier.ts';

describe('assignClasses', () => {
  it('cuts codes to the level and folds small classes into their parents', () => {
    const codes = [...new Array(5).fill('01.01.01'), ...new Array(5).fill('01.02.03'), '01.03.01', '01.03.02', '02.01', '02.02.01', '03'];
    const out = assignClasses(codes, { level: 2, minPerClass: 3 });
    expect(out.slice(0, 5)).toEqual(new Array(5).fill('01.01'));
    expect(out.slice(5, 10)).toEqual(new Array(5).fill('01.02'));
    // 01.03 has two: folded into 01, which then has only those two → left out
    expect(out[10]).toBeNull();
    // 02.x: two at level 2 → folded into 02 (2 < 3) → left out; 03 alone → left out
    expect(out.slice(12)).toEqual([null, null, null]);
  });

  it('keeps a parent that collects enough children', () => {
    const out = assignClasses(['05.01', '05.02', '05.03', '06.01', '06.01', '06.01'], { level: 2, minPerClass: 3 });
    expect(out).toEqual(['05', '05', '05', '06.01', '06.01', '06.01']);
  });
});

const rows = parse(readFileSync(fileURLToPath(new URL('../fixtures/labelled-messages.sample.csv', import.meta.url))), { bom: true, columns: true }) as Array<Record<string, string>>;
const job: TrainingJob = {
  samples: rows.map((r) => ({ title: r['主题']!, text: r['详情']!, label: r['分类']! })),
  options: { minDf: 1, features: { bits: 14, charMin: 1, charMax: 3, words: false, wordBigrams: false, titleWeight: 2, foldDigits: true } },
  names: [['工资', '拖欠工资']],
  holdout: false,
};

describe('training jobs', () => {
  it('trains in a worker thread the same model as in this thread, reporting progress', async () => {
    const stages = new Set<string>();
    const inWorker = await runTrainingInWorker(job, (stage) => stages.add(stage));
    const here = runTrainingJob(job);
    expect(inWorker.stored.blob).toBe(here.stored.blob);
    expect(inWorker.metrics.classes).toBe(3);
    expect(stages.has('pack')).toBe(true);
    const m = TextClassifier.load(inWorker.stored);
    expect(m.labels.find((l) => l.code === '工资')?.name).toBe('拖欠工资');
  }, 30_000);

  it('reports a worker failure as a rejected promise', async () => {
    await expect(runTrainingInWorker({ ...job, samples: job.samples.map((s) => ({ ...s, label: 'one' })) })).rejects.toThrow(/two classes/);
  }, 30_000);
});
