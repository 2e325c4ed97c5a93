import { DateTime } from 'luxon';
import type { Clock } from '../../platform/clock/clock.ts';
import { AppError, errors } from '../../platform/errors/app-error.ts';
import type { DomainEvent } from '../../platform/events/domain-event.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import { newId } from '../../platform/ids/ids.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import { CASES_EVENTS, type CaseEventPayload, type CaseView, type CasesApi, type Kind, type Urgency } from '../cases/index.ts';
import type { OrganizationApi } from '../organization/index.ts';
import type { PlacesApi } from '../places/index.ts';
import type {
  CategoryCorrection, CategorySuggestion, DepartmentSuggestion, InsightsApi, ModelSummary, ReplyReview, SuggestInput, SuggestResult, TrainingRun,
} from './insights.api.ts';
import { INSIGHTS_EVENTS, type CategoryCorrectedPayload, type DuplicateFoundPayload, type ModelTrainedPayload, type ReplyFlaggedPayload } from './insights.events.ts';
import type { CaseCopy, InsightsRepository, ModelRow, ReplyReviewRow, TrainingRunRow } from './insights.repository.ts';
import { TextClassifier, type ClassLabel, type ClassifierMethod, type LabelledText, type StoredClassifier, type TrainOptions } from './classification/text-classifier.ts';
import { assignClasses, runTrainingInWorker, runTrainingJob, type LabelPolicy, type TrainingJob, type TrainingMetrics } from './classification/model-training.ts';
import { DuplicateIndex, type IndexedCase, type RelatedCandidate } from './duplicates/duplicate-index.ts';
import { DEFAULT_DUPLICATE_RULES, parseDuplicateRules, type DuplicateRule } from './duplicates/duplicate-rules.ts';
import { scoreReply, type ReplyQuality } from './reply-quality/reply-quality.scorer.ts';
import { normalizeText } from './text/text-normalize.ts';
import { derivedTitle } from './duplicates/text-signature.ts';

/** What insights needs of the cases module (CasesApi satisfies it). */
export interface InsightsCasesPort {
  get(idOrNumber: string): Promise<CaseView>;
  timeLimits(): ReturnType<CasesApi['timeLimits']>;
}

/** A category of the deployment's tree, for display names of model classes. */
export interface CategoryName {
  code: string;
  name: string;
}

export interface InsightsConfig {
  /** The city's zone: the daily retrain runs at `trainHour` local time. */
  zone: string;
  /** Local hour (0–23) of the daily retrain; null = only on demand. */
  trainHour: number | null;
  /** How often the in-process scheduler looks at the clock. */
  schedulerIntervalMs: number;
  /** Newest examples a training uses at most (memory grows with it: about 7 KB an example while training). */
  maxTrainingSamples: number;
  labelPolicy: LabelPolicy;
  /** Overrides of the classifier's training options (method, features …). */
  trainOptions?: Partial<TrainOptions>;
  /** Train in a worker thread (servers); false trains in the calling thread (CLI, tests). */
  trainInWorker: boolean;
  /** Check a new model on a held-out fifth before storing it. */
  holdoutCheck: boolean;
  /** On start, train a first model in the background when there is none and the labelled cases suffice. */
  trainFirstModel: boolean;
}

export const DEFAULT_INSIGHTS_CONFIG: InsightsConfig = {
  zone: 'Asia/Shanghai',
  trainHour: 3,
  schedulerIntervalMs: 60_000,
  maxTrainingSamples: 30_000,
  labelPolicy: { level: 2, minPerClass: 20 },
  trainInWorker: true,
  holdoutCheck: true,
  trainFirstModel: true,
};

const RULES_KEY = 'duplicate_rules';
/** Fewest labelled cases a training accepts. */
const MIN_TRAINING_SAMPLES = 30;

const toRun = (r: TrainingRunRow): TrainingRun => ({
  id: r.id, trigger: r.trigger as TrainingRun['trigger'], status: r.status as TrainingRun['status'], stage: r.stage, done: Number(r.done), total: Number(r.total),
  startedAt: r.started_at, finishedAt: r.finished_at, modelVersion: r.model_version === null ? null : Number(r.model_version), error: r.error,
});

const toReview = (r: ReplyReviewRow): ReplyReview => ({
  caseId: r.case_id, number: r.number, departmentId: r.department_id,
  scores: { relevance: Number(r.relevance), completeness: Number(r.completeness), explainability: Number(r.explainability), overall: Number(r.overall) },
  flags: JSON.parse(r.flags) as string[], status: r.status as ReplyReview['status'], scoredAt: r.scored_at, reviewedBy: r.reviewed_by, reviewedAt: r.reviewed_at, reviewNote: r.review_note,
});

const toIndexed = (c: CaseCopy): IndexedCase => ({
  caseId: c.case_id, number: c.number, title: c.title, text: c.text, categoryCode: c.category_code, state: c.state,
  lng: c.lng === null ? null : Number(c.lng), lat: c.lat === null ? null : Number(c.lat), receivedAt: c.received_at,
});

/** The model class a category code falls in: the longest class code that is the code or its ancestor. */
export function classOfCode(labels: readonly ClassLabel[], code: string): string | null {
  let best: string | null = null;
  for (const l of labels) if ((code === l.code || code.startsWith(`${l.code}.`)) && (!best || l.code.length > best.length)) best = l.code;
  return best;
}

/** Classification, duplicates and reply quality: the use cases behind InsightsApi. */
export class InsightsService implements InsightsApi {
  private classifier: TextClassifier | null = null;
  private modelVersion: number | null = null;
  private rules: DuplicateRule[] = [...DEFAULT_DUPLICATE_RULES];
  private training: Promise<unknown> | null = null;
  private trainingAbort = new AbortController();
  private lastPruneDay = '';
  readonly index: DuplicateIndex;

  constructor(
    private readonly repo: InsightsRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly cases: InsightsCasesPort,
    private readonly org: OrganizationApi,
    private readonly places: PlacesApi,
    private readonly config: InsightsConfig,
    private readonly categories: () => readonly CategoryName[] = () => [],
    private readonly guessTraits?: (subject: string) => { kind: Kind; urgency: Urgency },
  ) {
    this.index = new DuplicateIndex({ rules: this.rules });
  }

  // ───────────────────────────── loading ─────────────────────────────

  /** Load the duplicate rules, the active model and the recent cases into the index. */
  async load(): Promise<void> {
    await this.loadRules();
    await this.loadModel();
    await this.loadIndex();
  }

  async loadRules(): Promise<void> {
    const stored = await this.repo.setting(RULES_KEY);
    this.rules = stored ? parseDuplicateRules(JSON.parse(stored)) : [...DEFAULT_DUPLICATE_RULES];
    this.index.setRules(this.rules);
  }

  /** Load the active model (none until the first training). */
  async loadModel(): Promise<void> {
    const row = await this.repo.activeModel();
    if (!row) {
      this.classifier = null;
      this.modelVersion = null;
      return;
    }
    if (this.modelVersion === Number(row.version) && this.classifier) return;
    this.classifier = TextClassifier.load(storedFromRow(row));
    this.modelVersion = Number(row.version);
  }

  private async loadIndex(): Promise<void> {
    const from = new Date(this.clock.now().getTime() - this.index.windowDays * 86_400_000 - 86_400_000).toISOString();
    for await (const page of this.repo.casesSince(from)) for (const c of page) this.index.add(toIndexed(c));
  }

  /** The classifier in use, if any (the CLI and benchmarks use it directly). */
  get model(): { classifier: TextClassifier; version: number | null } | null {
    return this.classifier ? { classifier: this.classifier, version: this.modelVersion } : null;
  }

  /** Use a classifier without storing it (a model file given to the CLI, benchmarks). */
  useClassifier(classifier: TextClassifier | null, version: number | null = null): void {
    this.classifier = classifier;
    this.modelVersion = version;
  }

  // ───────────────────────────── suggestions ─────────────────────────────

  private department(categoryCode: string, areaId: string | null): DepartmentSuggestion | null {
    const match = this.org.resolveResponsibility(categoryCode, areaId);
    if (!match) return null;
    return { id: match.department.id, code: match.department.code, name: match.department.name, assisting: match.assisting.map((d) => ({ id: d.id, name: d.name })) };
  }

  async suggest(input: SuggestInput): Promise<SuggestResult> {
    const located = typeof input.lng === 'number' && typeof input.lat === 'number';
    const areaId = located ? (this.places.locate(input.lng as number, input.lat as number)?.id ?? null) : null;
    const predicted = this.classifier?.predict(input.title, input.text, 3);
    const notes = predicted?.notes ?? normalizeNotes(input.title, input.text);
    const categories: CategorySuggestion[] = (predicted?.top ?? []).map((c) => ({ ...c, confidence: Math.round(c.confidence * 1000) / 1000, department: this.department(c.code, areaId) }));
    const guessed = this.guessTraits?.(derivedTitle(input.title, input.text));
    const kind = input.kind ?? guessed?.kind ?? 'complaint';
    const urgency = input.urgency ?? guessed?.urgency ?? 'normal';
    const limits = this.cases.timeLimits()[kind]?.[urgency];
    const duplicates = notes.empty
      ? []
      : this.index.related({ title: input.title ?? null, text: input.text, lng: located ? (input.lng as number) : null, lat: located ? (input.lat as number) : null, at: this.clock.now().getTime(), categoryCode: categories[0]?.code ?? null, limit: 5 });
    return {
      categories,
      department: categories[0]?.department ?? null,
      timeLimit: limits ? { kind, urgency, assumed: input.kind === undefined || input.urgency === undefined, signFor: limits.signFor, handle: limits.handle } : null,
      duplicates,
      areaId,
      model: this.classifier ? { version: this.modelVersion, method: this.classifier.method } : null,
      notes,
    };
  }

  async related(caseIdOrNumber: string, limit = 10): Promise<{ caseId: string; number: string; candidates: RelatedCandidate[] }> {
    const view = await this.cases.get(caseIdOrNumber);
    const known = this.index.relatedTo(view.id, limit);
    if (known) return { caseId: view.id, number: view.number, candidates: known };
    // Older than the index window, or not copied yet: ask with the case's own text, place and time.
    const candidates = this.index.related({
      title: view.title, text: view.text, lng: view.location?.lng ?? null, lat: view.location?.lat ?? null,
      at: Date.parse(view.receivedAt), categoryCode: view.categoryCode, excludeCaseId: view.id, limit,
    });
    return { caseId: view.id, number: view.number, candidates };
  }

  scoreReply(requestText: string, replyText: string): ReplyQuality {
    return scoreReply(requestText, replyText);
  }

  duplicateRules(): readonly DuplicateRule[] {
    return this.rules;
  }

  /** Replace the duplicate rules (validated); every process reloads them. */
  async setDuplicateRules(value: unknown, actor: string | null): Promise<readonly DuplicateRule[]> {
    const rules = parseDuplicateRules(value);
    await this.uow.run(async (ctx) => {
      await this.repo.saveSetting(RULES_KEY, JSON.stringify(rules), this.clock.now().toISOString(), ctx.tx);
      await ctx.publish(INSIGHTS_EVENTS.duplicateRulesChanged, { rules: rules.length }, actor);
    });
    this.rules = rules;
    this.index.setRules(rules);
    return rules;
  }

  // ───────────────────────────── models and training ─────────────────────────────

  async models(): Promise<ModelSummary[]> {
    return (await this.repo.listModels()).map((m) => ({
      version: Number(m.version), createdAt: m.created_at, method: m.method, labels: JSON.parse(m.labels) as ClassLabel[],
      metrics: JSON.parse(m.metrics) as Record<string, unknown>, sizeBytes: Number(m.size_bytes), samples: Number(m.samples), source: m.source, trigger: m.trigger, active: Number(m.active) === 1,
    }));
  }

  async trainingRuns(limit = 20): Promise<TrainingRun[]> {
    return (await this.repo.runs(limit)).map(toRun);
  }

  /** Make a stored version the active one (roll back a bad model). */
  async activateModel(version: number, actor: string | null): Promise<void> {
    await this.uow.run(async (ctx) => {
      if (!(await this.repo.activateModel(version, ctx.tx))) throw errors.notFound('model', String(version), '模型版本');
      await ctx.publish(INSIGHTS_EVENTS.modelTrained, { version, method: 'activated', samples: 0, classes: 0, macroF1: null, trigger: 'manual' } satisfies ModelTrainedPayload, actor);
    });
    await this.loadModel();
  }

  /** The labelled examples of the deployment: final categories, agents' corrections overriding them. */
  async trainingSet(): Promise<{ samples: LabelledText[]; names: Map<string, string>; skipped: number }> {
    const rows = await this.repo.trainingCases(this.config.maxTrainingSamples);
    const agentLabels = new Map<string, string>();
    let offset = 0;
    for (;;) {
      const page = await this.repo.corrections({ limit: 5000, offset });
      for (const c of page.items) if (c.source === 'agent' && !agentLabels.has(c.case_id)) agentLabels.set(c.case_id, c.to_code);
      offset += page.items.length;
      if (page.items.length < 5000) break;
    }
    const codes = rows.map((r) => agentLabels.get(r.case_id) ?? r.category_code);
    const classes = assignClasses(codes, this.config.labelPolicy);
    const samples: LabelledText[] = [];
    rows.forEach((r, i) => {
      const label = classes[i];
      if (label) samples.push({ title: r.title, text: r.text, label });
    });
    const names = new Map(this.categories().map((c) => [c.code, c.name]));
    return { samples, names, skipped: rows.length - samples.length };
  }

  /**
   * A deployment without a model (first start, the demo city): train one in the background when the
   * labelled cases suffice, so suggestions work from the first day. Logs at info when it starts, at
   * warn when there is too little to learn from; null when nothing was started.
   */
  async trainFirstModel(): Promise<TrainingRun | null> {
    if (this.classifier || this.training || (await this.repo.activeModel())) return null;
    const { samples } = await this.trainingSet();
    const classes = new Set(samples.map((s) => s.label)).size;
    if (samples.length < MIN_TRAINING_SAMPLES || classes < 2) {
      this.logger.warn({ samples: samples.length, classes, need: MIN_TRAINING_SAMPLES }, 'insights: no model yet and too few closed, categorised cases to train one (suggestions stay empty until then)');
      return null;
    }
    this.logger.info({ samples: samples.length, classes }, 'insights: no model yet; training a first one in the background');
    const run = await this.train('first');
    const training = this.training as Promise<unknown> | null;
    void training?.then(() => {
      if (this.modelVersion !== null) this.logger.info({ version: this.modelVersion, run: run.id }, 'insights: first model trained; suggestions are on');
    });
    return run;
  }

  /** Start a training run in the background; its progress is in trainingRuns(). */
  async train(trigger: TrainingRun['trigger'], actor: string | null = null): Promise<TrainingRun> {
    if (this.training) throw new AppError({ code: 'INSIGHTS_TRAINING_RUNNING', status: 409, zh: '已有训练正在进行，请稍后查看进度', en: 'A training run is already in progress' });
    const run = await this.startRun(trigger);
    this.training = this.executeRun(run, actor)
      .catch((err: unknown) => {
        // A refusal (too few labelled cases) is recorded on the run; only a real failure is an error.
        if (err instanceof AppError && err.status < 500) this.logger.warn({ code: err.code, run: run.id }, 'insights training refused');
        else if (err instanceof Error && err.message === 'training cancelled') this.logger.info({ run: run.id }, 'insights training cancelled at shutdown');
        else this.logger.error({ err, run: run.id }, 'insights training failed');
      })
      .finally(() => {
        this.training = null;
      });
    return run;
  }

  /** Train now and wait for the result (CLI, tests). */
  async trainNow(trigger: TrainingRun['trigger'], actor: string | null = null, onProgress?: (stage: string, done: number, total: number) => void): Promise<{ run: TrainingRun; model: ModelSummary }> {
    if (this.training) await this.training;
    const run = await this.startRun(trigger);
    const p = this.executeRun(run, actor, onProgress);
    this.training = p.catch(() => undefined);
    try {
      const version = await p;
      const model = (await this.models()).find((m) => m.version === version) as ModelSummary;
      return { run: (await this.trainingRuns(50)).find((r) => r.id === run.id) as TrainingRun, model };
    } finally {
      this.training = null;
    }
  }

  /** Wait for a background run to finish (tests, shutdown). */
  async settled(): Promise<void> {
    await this.training;
  }

  /** Stop a training running in a worker (shutdown); its run is recorded as failed. */
  cancelTraining(): void {
    this.trainingAbort.abort();
    this.trainingAbort = new AbortController();
  }

  private async startRun(trigger: TrainingRun['trigger']): Promise<TrainingRun> {
    const row: TrainingRunRow = { id: newId('itr', this.clock.now()), trigger, status: 'running', stage: 'load', done: 0, total: 0, started_at: this.clock.now().toISOString(), finished_at: null, model_version: null, error: null };
    await this.repo.insertRun(row);
    return toRun(row);
  }

  private async executeRun(run: TrainingRun, actor: string | null, onProgress?: (stage: string, done: number, total: number) => void): Promise<number> {
    let lastWrite = 0;
    let pending: Promise<void> = Promise.resolve();
    const progress = (stage: string, done: number, total: number) => {
      onProgress?.(stage, done, total);
      const now = Date.now();
      if (now - lastWrite < 1000) return;
      lastWrite = now;
      pending = pending.then(() => this.repo.updateRun(run.id, { stage, done, total })).catch(() => undefined);
    };
    try {
      const { samples, names, skipped } = await this.trainingSet();
      const classes = new Set(samples.map((s) => s.label)).size;
      if (samples.length < MIN_TRAINING_SAMPLES || classes < 2) {
        throw new AppError({
          code: 'INSIGHTS_NOT_ENOUGH_DATA', status: 409,
          zh: `可用于训练的已办结工单不足：${samples.length} 条、${classes} 个分类（至少 30 条、2 个分类，每类至少 ${this.config.labelPolicy.minPerClass} 条）`,
          en: `not enough closed cases to learn from: ${samples.length} in ${classes} categories (need 30 in at least 2, ${this.config.labelPolicy.minPerClass} per category)`,
          details: { samples: samples.length, classes, skipped },
        });
      }
      progress('features', 0, samples.length);
      const job: TrainingJob = { samples, options: this.config.trainOptions ?? {}, names: [...names], holdout: this.config.holdoutCheck };
      const { stored, metrics } = this.config.trainInWorker ? await runTrainingInWorker(job, progress, this.trainingAbort.signal) : runTrainingJob(job, progress);
      await pending;
      const version = await this.storeModel(stored, { ...metrics, skipped }, 'cases', run.trigger, actor);
      await this.repo.updateRun(run.id, { status: 'done', stage: 'done', done: 1, total: 1, finished_at: this.clock.now().toISOString(), model_version: version });
      return version;
    } catch (err) {
      await pending;
      const message = err instanceof AppError ? `${err.code}: ${err.en}` : err instanceof Error ? err.message : String(err);
      await this.repo.updateRun(run.id, { status: 'failed', stage: 'failed', finished_at: this.clock.now().toISOString(), error: message.slice(0, 2000) });
      throw err;
    }
  }

  /** Store a trained model as the new active version and tell every process. */
  async storeModel(stored: StoredClassifier, metrics: TrainingMetrics & Record<string, unknown>, source: string, trigger: TrainingRun['trigger'], actor: string | null): Promise<number> {
    const { blob, labels, method, ...params } = stored;
    const version = await this.uow.run(async (ctx) => {
      const v = await this.repo.insertModel({
        created_at: this.clock.now().toISOString(), method, labels: JSON.stringify(labels), metrics: JSON.stringify(metrics), params: JSON.stringify(params),
        weights: blob, size_bytes: blob.length, samples: stored.samples, source, trigger,
      }, ctx.tx);
      await ctx.publish(INSIGHTS_EVENTS.modelTrained, { version: v, method, samples: stored.samples, classes: labels.length, macroF1: metrics.holdout?.macroF1 ?? null, trigger } satisfies ModelTrainedPayload, actor);
      return v;
    });
    this.classifier = TextClassifier.load(stored);
    this.modelVersion = version;
    return version;
  }

  // ───────────────────────────── corrections ─────────────────────────────

  async correctCategory(caseIdOrNumber: string, categoryCode: string, actor: string | null): Promise<CategoryCorrection> {
    const known = this.categories();
    if (known.length && !known.some((c) => c.code === categoryCode)) {
      throw new AppError({ code: 'INSIGHTS_UNKNOWN_CATEGORY', status: 400, field: 'categoryCode', zh: `诉求分类不存在：${categoryCode}`, en: `Unknown category: ${categoryCode}` });
    }
    const view = await this.cases.get(caseIdOrNumber);
    const copy = await this.repo.getCase(view.id);
    const row = {
      id: newId('icr', this.clock.now()), case_id: view.id, from_code: copy?.category_code ?? view.categoryCode, to_code: categoryCode,
      source: 'agent', model_version: this.modelVersion, actor, at: this.clock.now().toISOString(),
    };
    await this.uow.run(async (ctx) => {
      await this.repo.insertCorrection(row, ctx.tx);
      await ctx.publish(INSIGHTS_EVENTS.categoryCorrected, { caseId: view.id, fromCode: row.from_code, toCode: categoryCode, source: 'agent', modelVersion: this.modelVersion } satisfies CategoryCorrectedPayload, actor);
    });
    return { id: row.id, caseId: row.case_id, fromCode: row.from_code, toCode: row.to_code, source: 'agent', modelVersion: row.model_version, actor, at: row.at };
  }

  async corrections(filter: { caseId?: string; limit: number; offset: number }): Promise<{ items: CategoryCorrection[]; total: number }> {
    const { items, total } = await this.repo.corrections(filter);
    return {
      items: items.map((c) => ({ id: c.id, caseId: c.case_id, fromCode: c.from_code, toCode: c.to_code, source: c.source as CategoryCorrection['source'], modelVersion: c.model_version === null ? null : Number(c.model_version), actor: c.actor, at: c.at })),
      total,
    };
  }

  // ───────────────────────────── reply reviews ─────────────────────────────

  async replyReviews(filter: { status?: ReplyReview['status']; departmentIds?: readonly string[]; limit: number; offset: number }): Promise<{ items: ReplyReview[]; total: number }> {
    const { items, total } = await this.repo.reviews(filter);
    return { items: items.map(toReview), total };
  }

  /** A supervisor has looked at a flagged reply. */
  async closeReview(caseIdOrNumber: string, note: string | null, actor: string | null): Promise<ReplyReview> {
    const view = await this.cases.get(caseIdOrNumber);
    const row = await this.repo.getReview(view.id);
    if (!row) throw errors.notFound('reply review', caseIdOrNumber, '答复评审');
    const next: ReplyReviewRow = { ...row, status: 'reviewed', reviewed_by: actor, reviewed_at: this.clock.now().toISOString(), review_note: note };
    await this.repo.upsertReview(next);
    return toReview(next);
  }

  // ───────────────────────────── events ─────────────────────────────

  /** Durable: keep the case copy (text via CasesApi.get), record the intake suggestion and corrections, announce duplicates. */
  async onCaseEvent(event: DomainEvent): Promise<void> {
    const p = event.payload as unknown as CaseEventPayload & { imported?: boolean; requesterKey?: unknown };
    if (!p.caseId) return;
    const now = this.clock.now().toISOString();
    const existing = await this.repo.getCase(p.caseId);
    if (existing) {
      const changed = existing.category_code !== p.categoryCode;
      await this.uow.run(async (ctx) => {
        await this.repo.updateCaseFacts(p.caseId, { state: p.state, category_code: p.categoryCode, department_id: p.departmentId, area_id: p.areaId, updated_at: now }, ctx.tx);
        if (changed) {
          await this.repo.insertCorrection({ id: newId('icr', this.clock.now()), case_id: p.caseId, from_code: existing.category_code, to_code: p.categoryCode, source: 'changed', model_version: null, actor: event.actor, at: now }, ctx.tx);
          await ctx.publish(INSIGHTS_EVENTS.categoryCorrected, { caseId: p.caseId, fromCode: existing.category_code, toCode: p.categoryCode, source: 'changed', modelVersion: null } satisfies CategoryCorrectedPayload, event.actor);
        }
      });
      return;
    }
    // No copy yet: usually the received event; for any other event the outbox was pruned before insights
    // arrived, and the copy is made from what the case is now (no intake suggestion then).
    const atIntake = event.name === CASES_EVENTS.received;
    let view: CaseView;
    try {
      view = await this.cases.get(p.caseId);
    } catch (err) {
      if (err instanceof AppError && err.status === 404) return;
      throw err;
    }
    const imported = p.imported === true;
    const live = atIntake && !imported;
    const suggestion = live && this.classifier ? this.classifier.predict(view.title, view.text, 1).top[0] : undefined;
    const chosenClass = suggestion && this.classifier ? classOfCode(this.classifier.labels, view.categoryCode) : null;
    const corrected = suggestion && chosenClass !== null && chosenClass !== suggestion.code;
    const duplicates = !live
      ? []
      : this.index
        .related({ title: view.title, text: view.text, lng: view.location?.lng ?? null, lat: view.location?.lat ?? null, at: Date.parse(view.receivedAt), categoryCode: view.categoryCode, excludeCaseId: view.id, limit: 5 })
        .filter((c) => c.likelyDuplicate);
    await this.uow.run(async (ctx) => {
      await this.repo.upsertCase({
        case_id: view.id, number: view.number, title: view.title, text: view.text, category_code: view.categoryCode, state: view.state, kind: view.kind,
        urgency: view.urgency, channel: view.channel, area_id: view.areaId, department_id: view.mainDepartmentId, address: view.address ?? view.location?.address ?? null,
        lng: view.location?.lng ?? null, lat: view.location?.lat ?? null, received_at: view.receivedAt, requester_key: typeof p.requesterKey === 'string' ? p.requesterKey : null, imported: imported ? 1 : 0,
        suggested_code: suggestion?.code ?? null, model_version: suggestion ? this.modelVersion : null, updated_at: now,
      }, ctx.tx);
      await ctx.publish(INSIGHTS_EVENTS.caseIndexed, { caseId: view.id }, null);
      if (corrected && suggestion) {
        await this.repo.insertCorrection({ id: newId('icr', this.clock.now()), case_id: view.id, from_code: suggestion.code, to_code: view.categoryCode, source: 'intake', model_version: this.modelVersion, actor: event.actor, at: now }, ctx.tx);
        await ctx.publish(INSIGHTS_EVENTS.categoryCorrected, { caseId: view.id, fromCode: suggestion.code, toCode: view.categoryCode, source: 'intake', modelVersion: this.modelVersion } satisfies CategoryCorrectedPayload, event.actor);
      }
      if (duplicates.length) {
        await ctx.publish(INSIGHTS_EVENTS.duplicateFound, {
          caseId: view.id, number: view.number, candidates: duplicates.map((d) => ({ caseId: d.caseId, number: d.number, similarity: d.similarity, distanceM: d.distanceM })),
        } satisfies DuplicateFoundPayload, null);
      }
    });
  }

  /** Durable: score the reply of a resolved case; a low score waits for review instead of passing silently. */
  async onCaseResolved(event: DomainEvent): Promise<void> {
    const p = event.payload as unknown as CaseEventPayload;
    let view: CaseView;
    try {
      view = await this.cases.get(p.caseId);
    } catch (err) {
      if (err instanceof AppError && err.status === 404) return;
      throw err;
    }
    if (!view.reply) return;
    const q = scoreReply(`${view.title}\n${view.text}`, view.reply);
    const before = await this.repo.getReview(view.id);
    const row: ReplyReviewRow = {
      case_id: view.id, number: view.number, department_id: view.mainDepartmentId, relevance: q.relevance, completeness: q.completeness, explainability: q.explainability,
      overall: q.overall, flags: JSON.stringify(q.flags), status: q.flagged ? 'flagged' : 'passed', scored_at: this.clock.now().toISOString(), reviewed_by: null, reviewed_at: null, review_note: null,
    };
    await this.uow.run(async (ctx) => {
      await this.repo.upsertReview(row, ctx.tx);
      if (q.flagged && before?.status !== 'flagged') {
        await ctx.publish(INSIGHTS_EVENTS.replyFlagged, { caseId: view.id, number: view.number, overall: q.overall, flags: q.flags } satisfies ReplyFlaggedPayload, null);
      }
    });
  }

  /** Broadcast (every process): keep the in-memory index and model current. */
  async onBroadcast(event: DomainEvent): Promise<void> {
    if (event.name === INSIGHTS_EVENTS.caseIndexed) {
      const copy = await this.repo.getCase(String(event.payload.caseId));
      if (copy) this.index.add(toIndexed(copy));
    } else if (event.name === INSIGHTS_EVENTS.modelTrained) {
      await this.loadModel();
    } else if (event.name === INSIGHTS_EVENTS.duplicateRulesChanged) {
      await this.loadRules();
    } else if (event.name.startsWith('cases.case.')) {
      const p = event.payload as unknown as CaseEventPayload;
      if (p.caseId) this.index.update(p.caseId, { state: p.state, categoryCode: p.categoryCode });
    }
  }

  // ───────────────────────────── schedule ─────────────────────────────

  /** One scheduler step: the daily retrain at the configured hour, and the daily index pruning. */
  async tick(): Promise<void> {
    const now = DateTime.fromJSDate(this.clock.now()).setZone(this.config.zone);
    const day = now.toISODate() ?? '';
    if (day !== this.lastPruneDay) {
      this.lastPruneDay = day;
      const dropped = this.index.prune(this.clock.now().getTime());
      if (dropped) this.logger.info({ dropped, kept: this.index.size }, 'insights duplicate index pruned');
    }
    if (this.config.trainHour === null || now.hour !== this.config.trainHour || this.training) return;
    const runs = await this.repo.runs(20);
    const doneToday = runs.some((r) => r.trigger === 'schedule' && DateTime.fromISO(r.started_at).setZone(this.config.zone).toISODate() === day);
    if (doneToday) return;
    await this.train('schedule').catch((err: unknown) => this.logger.warn({ err }, 'scheduled training not started'));
  }
}

function normalizeNotes(title: string | undefined, text: string): SuggestResult['notes'] {
  const t = normalizeText(title ?? '');
  const b = normalizeText(text);
  return { truncated: t.notes.truncated || b.notes.truncated, html: t.notes.html || b.notes.html, traditional: t.notes.traditional + b.notes.traditional, empty: t.notes.empty && b.notes.empty };
}

/** A model row back into the stored classifier form. */
export function storedFromRow(row: ModelRow): StoredClassifier {
  const params = JSON.parse(row.params) as Omit<StoredClassifier, 'blob' | 'labels' | 'method'>;
  return { ...params, method: row.method as ClassifierMethod, labels: JSON.parse(row.labels) as ClassLabel[], blob: row.weights };
}
