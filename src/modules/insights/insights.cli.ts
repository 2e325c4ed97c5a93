import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../../platform/errors/app-error.ts';
import type { InsightsModule } from './insights.module.ts';
import { openCsvWriter, readCsvRows, requireColumns, titleAndText } from './insights.csv.ts';
import { crossValidate, type EvaluationResult } from './classification/cross-validation.ts';
import { CLASSIFIER_METHODS, TextClassifier, trainTextClassifier, type ClassifierMethod, type LabelledText, type StoredClassifier, type TrainOptions } from './classification/text-classifier.ts';
import { scoreReply } from './reply-quality/reply-quality.scorer.ts';

type WithApp = <T>(fn: (app: { insights: InsightsModule }) => Promise<T>) => Promise<T>;

/** Where the commands write (tests capture it). */
export interface CliOutput {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

const cols = (value: string): string[] => value.split(',').map((c) => c.trim()).filter(Boolean);
const pct = (v: number): string => `${(v * 100).toFixed(1).padStart(5)}%`;

/** Display width of a string (CJK counts two columns). */
function pad(text: string, width: number): string {
  let w = 0;
  for (const ch of text) w += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1;
  return text + ' '.repeat(Math.max(1, width - w));
}

function trainOptionsFrom(opts: { method?: string; bits?: string }): Partial<TrainOptions> {
  const o: Partial<TrainOptions> = {};
  if (opts.method) {
    if (!(CLASSIFIER_METHODS as readonly string[]).includes(opts.method)) {
      throw new AppError({ code: 'INSIGHTS_BAD_OPTION', status: 400, field: 'method', zh: `未知方法 ${opts.method}，可选：${CLASSIFIER_METHODS.join('、')}`, en: `unknown method ${opts.method}; one of ${CLASSIFIER_METHODS.join(', ')}` });
    }
    o.method = opts.method as ClassifierMethod;
  }
  if (opts.bits) {
    const bits = Number(opts.bits);
    if (!Number.isInteger(bits) || bits < 12 || bits > 22) throw new AppError({ code: 'INSIGHTS_BAD_OPTION', status: 400, field: 'bits', zh: '--bits 须为 12–22 的整数', en: '--bits must be an integer 12–22' });
    o.features = { ...(o.features ?? {}), bits } as TrainOptions['features'];
  }
  return o;
}

/** Labelled examples from a CSV: rows without a label or without any text are counted and skipped. */
async function readLabelled(file: string, textCols: string[], labelCol: string, io: CliOutput): Promise<LabelledText[]> {
  const samples: LabelledText[] = [];
  let skipped = 0;
  let checked = false;
  for await (const r of readCsvRows(file, (row, reason) => io.err.write(`row ${row} skipped: ${reason}\n`))) {
    if (!checked) {
      requireColumns(r.header, [...textCols, labelCol]);
      checked = true;
    }
    const label = (r.fields[labelCol] ?? '').trim();
    const { title, text } = titleAndText(r.fields, textCols);
    if (!label || !(title.trim() || text.trim())) {
      skipped++;
      continue;
    }
    samples.push({ title, text, label });
  }
  if (skipped) io.err.write(`${skipped} rows without a label or text skipped\n`);
  return samples;
}

function loadModelFile(path: string): TextClassifier {
  let stored: StoredClassifier;
  try {
    stored = JSON.parse(readFileSync(path, 'utf8')) as StoredClassifier;
    return TextClassifier.load(stored);
  } catch (err) {
    throw new AppError({ code: 'INSIGHTS_BAD_MODEL_FILE', status: 400, field: 'model', zh: `无法读取模型文件 ${path}：${(err as Error).message}`, en: `cannot read the model file ${path}: ${(err as Error).message}` });
  }
}

/** The evaluation as a table for people. */
export function formatEvaluation(r: EvaluationResult): string {
  const lines = [
    `${r.folds}-fold cross-validation on ${r.samples} messages, ${r.labels.length} classes`,
    `macro-F1 ${r.report.macroF1.toFixed(4)}   accuracy ${r.report.accuracy.toFixed(4)}   calibration error (ECE) ${r.report.calibrationError?.toFixed(4) ?? '—'}`,
    `train ${(r.trainMs / 1000).toFixed(1)} s per fold   inference ${r.inferenceUs.toFixed(0)} µs per message   model ${(r.modelBytes / 1024).toFixed(0)} KiB (serialized)`,
    '',
    `${pad('class', 18)}${'support'.padStart(8)} ${'precision'.padStart(10)} ${'recall'.padStart(8)} ${'F1'.padStart(8)}`,
    ...r.report.perClass.map((m) => `${pad(m.label, 18)}${String(m.support).padStart(8)} ${pct(m.precision).padStart(10)} ${pct(m.recall).padStart(8)} ${pct(m.f1).padStart(8)}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** `cityloop insights train|evaluate|classify|score-replies|models`. */
export function registerInsightsCommands(program: Command, withApp: WithApp, io: CliOutput = { out: process.stdout, err: process.stderr }): void {
  // Part B's report commands (hot-issues, briefing) attach to the same `insights` command, whichever registers first.
  const insights = program.commands.find((c) => c.name() === 'insights') ?? program.command('insights').description('Insights: classification, duplicates, reply quality, hot issues, warnings, briefings (智能分析)');
  const progress = (stage: string, done: number, total: number) => io.err.write(`\r${stage.padEnd(10)} ${done}/${total}   `);

  insights
    .command('train')
    .description('Train a classifier: from a labelled CSV into a model file, or (without --csv) from the deployment\'s closed cases into the database')
    .option('--csv <file>', 'labelled CSV (UTF-8, header row)')
    .option('--text <cols>', 'text column(s), comma-separated; with several, the first is the title')
    .option('--label <col>', 'label column')
    .option('--model <path>', 'where to write the model (JSON), with --csv')
    .option('--method <m>', `one of ${CLASSIFIER_METHODS.join(', ')}`)
    .option('--bits <n>', 'hash space 2^n (12–22)')
    .action(async (opts: { csv?: string; text?: string; label?: string; model?: string; method?: string; bits?: string }) => {
      const options = trainOptionsFrom(opts);
      if (opts.csv) {
        if (!opts.text || !opts.label || !opts.model) throw new AppError({ code: 'INSIGHTS_BAD_OPTION', status: 400, zh: '--csv 需要同时给出 --text、--label 和 --model', en: '--csv needs --text, --label and --model' });
        const samples = await readLabelled(opts.csv, cols(opts.text), opts.label, io);
        const t0 = performance.now();
        const model = trainTextClassifier(samples, options, new Map(), progress);
        const ms = performance.now() - t0;
        writeFileSync(opts.model, JSON.stringify(model.toStored()));
        io.err.write('\n');
        io.out.write(`trained ${model.method} on ${samples.length} messages, ${model.labels.length} classes in ${(ms / 1000).toFixed(1)} s; model ${(model.sizeBytes / 1024).toFixed(0)} KiB → ${opts.model}\n`);
        return;
      }
      await withApp(async ({ insights: m }) => {
        await m.load();
        const { run, model } = await m.service.trainNow('cli', 'cli', progress);
        io.err.write('\n');
        const holdout = model.metrics.holdout as { macroF1: number; samples: number } | null;
        io.out.write(`model v${model.version} (${model.method}) from ${model.samples} cases, ${model.labels.length} classes, ${(model.sizeBytes / 1024).toFixed(0)} KiB; run ${run.id}${holdout ? `; held-out macro-F1 ${holdout.macroF1.toFixed(4)} on ${holdout.samples}` : ''}\n`);
      });
    });

  insights
    .command('evaluate')
    .description('k-fold cross-validation of the classifier on a labelled CSV: macro-F1, per-class table, train and inference time, model size')
    .requiredOption('--csv <file>', 'labelled CSV')
    .requiredOption('--text <cols>', 'text column(s); with several, the first is the title')
    .requiredOption('--label <col>', 'label column')
    .option('--folds <k>', 'number of folds', '5')
    .option('--method <m>', `one of ${CLASSIFIER_METHODS.join(', ')}`)
    .option('--bits <n>', 'hash space 2^n (12–22)')
    .option('--json', 'print JSON')
    .action(async (opts: { csv: string; text: string; label: string; folds: string; method?: string; bits?: string; json?: boolean }) => {
      const folds = Number(opts.folds);
      if (!Number.isInteger(folds) || folds < 2 || folds > 20) throw new AppError({ code: 'INSIGHTS_BAD_OPTION', status: 400, field: 'folds', zh: '--folds 须为 2–20 的整数', en: '--folds must be an integer 2–20' });
      const samples = await readLabelled(opts.csv, cols(opts.text), opts.label, io);
      const result = crossValidate(samples, trainOptionsFrom(opts), folds, (f, k) => io.err.write(`\rfold ${f + 1}/${k}   `));
      io.err.write('\n');
      io.out.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatEvaluation(result));
    });

  insights
    .command('classify')
    .description('Classify every row of a CSV with a model file; the output is the input plus the columns predicted and confidence')
    .requiredOption('--csv <file>', 'input CSV')
    .requiredOption('--text <cols>', 'text column(s); with several, the first is the title')
    .requiredOption('--model <path>', 'model file written by train --csv')
    .requiredOption('--out <file>', 'output CSV')
    .action(async (opts: { csv: string; text: string; model: string; out: string }) => {
      const model = loadModelFile(opts.model);
      const textCols = cols(opts.text);
      let writer: Awaited<ReturnType<typeof openCsvWriter>> | null = null;
      let header: string[] = [];
      let n = 0;
      let empty = 0;
      const t0 = performance.now();
      try {
        for await (const r of readCsvRows(opts.csv, (row, reason) => io.err.write(`row ${row} copied without a prediction: ${reason}\n`))) {
          if (!writer) {
            requireColumns(r.header, textCols);
            header = r.header;
            writer = await openCsvWriter(opts.out, [...header, 'predicted', 'confidence']);
          }
          const { title, text } = titleAndText(r.fields, textCols);
          const best = model.predict(title, text, 1).top[0];
          if (!best) empty++;
          await writer.write([...header.map((h) => r.fields[h] ?? ''), best?.name ?? '', best ? best.confidence.toFixed(4) : '']);
          n++;
        }
        if (!writer) writer = await openCsvWriter(opts.out, ['predicted', 'confidence']);
      } finally {
        await writer?.close();
      }
      const ms = performance.now() - t0;
      io.out.write(`classified ${n} rows${empty ? ` (${empty} without readable text: empty prediction)` : ''} in ${(ms / 1000).toFixed(1)} s → ${opts.out}\n`);
    });

  insights
    .command('score-replies')
    .description('Score the replies of a CSV (relevance, completeness, explainability, overall, flags) and print the distribution')
    .requiredOption('--csv <file>', 'CSV with requests and replies')
    .requiredOption('--request <cols>', 'request column(s), e.g. 留言主题,留言详情')
    .requiredOption('--reply <col>', 'reply column, e.g. 答复意见')
    .option('--out <file>', 'write the input plus the scores')
    .action(async (opts: { csv: string; request: string; reply: string; out?: string }) => {
      const requestCols = cols(opts.request);
      const bins = { relevance: new Array<number>(10).fill(0), completeness: new Array<number>(10).fill(0), explainability: new Array<number>(10).fill(0), overall: new Array<number>(10).fill(0) };
      const flags = new Map<string, number>();
      let writer: Awaited<ReturnType<typeof openCsvWriter>> | null = null;
      let header: string[] = [];
      let n = 0;
      let flagged = 0;
      try {
        for await (const r of readCsvRows(opts.csv)) {
          if (n === 0) {
            requireColumns(r.header, [...requestCols, opts.reply]);
            header = r.header;
            if (opts.out) writer = await openCsvWriter(opts.out, [...header, 'relevance', 'completeness', 'explainability', 'overall', 'flags']);
          }
          const q = scoreReply(requestCols.map((c) => r.fields[c] ?? '').join('\n'), r.fields[opts.reply] ?? '');
          for (const k of Object.keys(bins) as Array<keyof typeof bins>) bins[k][Math.min(9, Math.floor(q[k] / 10))]! += 1;
          for (const f of q.flags) flags.set(f, (flags.get(f) ?? 0) + 1);
          if (q.flagged) flagged++;
          await writer?.write([...header.map((h) => r.fields[h] ?? ''), String(q.relevance), String(q.completeness), String(q.explainability), String(q.overall), q.flags.join(' ')]);
          n++;
        }
      } finally {
        await writer?.close();
      }
      io.out.write(`${n} replies, ${flagged} flagged for review (${n ? ((100 * flagged) / n).toFixed(1) : '0'}%)\n`);
      io.out.write(`${'score'.padEnd(16)}${Array.from({ length: 10 }, (_, i) => `${i * 10}-`.padStart(6)).join('')}\n`);
      for (const [k, h] of Object.entries(bins)) io.out.write(`${k.padEnd(16)}${h.map((v) => String(v).padStart(6)).join('')}\n`);
      io.out.write(`flags: ${[...flags].map(([f, c]) => `${f} ${c}`).join(', ')}\n`);
    });

  insights
    .command('models')
    .description('Stored classifier versions')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withApp(async ({ insights: m }) => {
        const models = await m.service.models();
        if (opts.json) {
          io.out.write(`${JSON.stringify(models, null, 2)}\n`);
          return;
        }
        if (!models.length) io.out.write('no model yet: run `cityloop insights train`\n');
        for (const x of models) io.out.write(`v${x.version}${x.active ? ' *' : '  '} ${x.createdAt}  ${x.method.padEnd(10)} ${String(x.samples).padStart(7)} cases  ${String(x.labels.length).padStart(3)} classes  ${(x.sizeBytes / 1024).toFixed(0).padStart(6)} KiB  ${x.trigger}\n`);
      });
    });
}
