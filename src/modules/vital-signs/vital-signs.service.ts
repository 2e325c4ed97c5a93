import type { Clock } from '../../platform/clock/clock.ts';
import { AppError, errors } from '../../platform/errors/app-error.ts';
import type { DomainEvent } from '../../platform/events/domain-event.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import { newId } from '../../platform/ids/ids.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import { CASES_EVENTS, type CaseEventPayload, type CasesApi, type CaseView } from '../cases/index.ts';
import type { AreaLevel, PlacesApi } from '../places/index.ts';
import { AreaTree, type TreeArea } from './domain/area-tree.ts';
import {
  caresAboutCategory, catalogueChecksum, compileCatalogue, DIMENSIONS, levelIndex, validateCatalogue,
  type CatalogueBody, type CompiledCatalogue, type CompiledIndicator, type Dimension,
} from './domain/catalogue.ts';
import { DEFAULT_CATALOGUE } from './domain/default-catalogue.ts';
import {
  planAlarmRaised, planCaseCancelled, planCaseRated, planCaseReceived, planCaseReopened, planCaseResolved, type PastRow, type PlannedRow,
} from './domain/ledger-rules.ts';
import { dayString, parseDay, periodWindow, ZoneDays, type PeriodKind, type PeriodWindow } from './domain/periods.ts';
import { ScoreEngine, type ExternalValues, type IndicatorResult } from './domain/score-engine.ts';
import { colourOf, round2 } from './domain/scoring.ts';
import type {
  AreaRef, AreaScoreLine, AreaScoresView, CatalogueChange, CatalogueView, ComparisonView, DeductionCause, DeductionQuery, DeductionView, DimensionScoreView,
  DimensionView, IndicatorScoreView, IndicatorView, PeriodRef, ScoreQuery, TopDeductionsView, TrendView, VitalSignsApi, VitalsActor, VitalsStatus,
} from './vital-signs.api.ts';
import { CONSUMED_EVENTS, VITALS_EVENTS, type AlarmRaisedPayload, type LedgerAppendedPayload, type LedgerRowTuple } from './vital-signs.events.ts';
import type { LedgerRecord, SnapshotRecord, VitalsRepository } from './vital-signs.repository.ts';

/** Settings of the index (the catalogue holds the scoring data; these are about time and history). */
export interface VitalsConfig {
  /** The city's IANA time zone: days, weeks and months are local. */
  zone: string;
  /** Length of the rolling `now` window in hours (default 24). */
  rollingHours?: number;
  /** How far back missing daily snapshots are filled on start (default 120 days). */
  backfillDays?: number;
  /** How often completed days without a snapshot are looked for (default every 10 minutes). */
  snapshotIntervalMs?: number;
}

const RECENT_MS = 10 * 60_000;
/** The newest rows of a load are remembered too, whatever their clock said (a replay writes with historical clocks). */
const RECENT_ROWS = 50_000;
const KPI_CACHE_MS = 60_000;
const MAX_FILTER_AREAS = 30_000;

/** Case events the ledger rules react to. */
export const SCORED_CASE_EVENTS: readonly string[] = [CASES_EVENTS.received, CASES_EVENTS.resolved, CASES_EVENTS.rated, CASES_EVENTS.reopened, CASES_EVENTS.merged, CASES_EVENTS.closed];

type CasePayload = Partial<CaseEventPayload> & { imported?: boolean; onTime?: boolean; dissatisfied?: boolean; outcome?: string };

const toPast = (rows: readonly LedgerRecord[]): PastRow[] =>
  rows.map((r) => ({ indicator: r.indicator, kind: r.kind, areaId: r.areaId, at: Date.parse(r.at), points: r.points, count: r.events }));

const slug = (v: string): string => v.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase().slice(0, 30) || 'x';

/**
 * The index: turns case and alarm events into ledger rows (in the database, append-only), keeps
 * their sums in memory for every area and period, and answers scores and their drill-down.
 */
export class VitalSignsService implements VitalSignsApi {
  readonly zone: ZoneDays;
  private cat: CompiledCatalogue | null = null;
  private catCreatedAt = '';
  private engineRef: ScoreEngine | null = null;
  private readonly ownSeqs = new Set<number>();
  private recentLoaded = new Set<number>();
  private recentUntil = 0;
  private lock: Promise<unknown> = Promise.resolve();
  private readonly kpiCache = new Map<string, { until: number; values: ExternalValues }>();

  constructor(
    private readonly repo: VitalsRepository,
    private readonly uow: UnitOfWork,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly places: PlacesApi,
    private readonly cases: CasesApi | null,
    private readonly config: VitalsConfig,
  ) {
    this.zone = new ZoneDays(config.zone);
  }

  private get rollingHours(): number {
    return this.config.rollingHours ?? 24;
  }

  /** The engine (loaded on first use). */
  get engine(): ScoreEngine {
    if (!this.engineRef) throw new Error('vital signs not loaded: call load() first');
    return this.engineRef;
  }

  private get catalogueNow(): CompiledCatalogue {
    if (!this.cat) throw new Error('vital signs not loaded: call load() first');
    return this.cat;
  }

  /** Run `fn` alone: a rebuild never interleaves with applying rows. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  // ───────────────────────────── loading ─────────────────────────────

  /** (Re)load the catalogue in force, the area tree and the whole ledger into memory. */
  async load(): Promise<void> {
    await this.exclusive(() => this.rebuild());
  }

  private async ensureLoaded(): Promise<void> {
    if (!this.engineRef) await this.load();
  }

  /** Deliver pending events in this process, then reload: what one-shot CLI commands need before reading. */
  async sync(): Promise<void> {
    await this.ensureLoaded();
    await this.bus.drain();
    await this.load();
  }

  private async rebuild(): Promise<void> {
    const latest = await this.ensureCatalogue();
    const body = JSON.parse(latest.body) as CatalogueBody;
    const cat = compileCatalogue(body, latest.version);
    const tree = await this.buildTree();
    const now = this.clock.now().getTime();
    const engine = new ScoreEngine(cat, tree, this.zone, this.rollingHours + 24);
    engine.pruneHours(now);
    const recent = new Set<number>();
    const newest: number[] = [];
    const recentSince = new Date(now - RECENT_MS).toISOString();
    for await (const page of this.repo.scanLedger()) {
      for (const r of page) {
        engine.apply({ indicator: r.indicator, areaId: r.areaId, at: Date.parse(r.at), points: r.points, count: r.events, num: r.num, den: r.den });
        // Rows written just before the load may still come back as broadcasts: remember them to skip.
        if (r.recordedAt >= recentSince) recent.add(r.seq);
        newest.push(r.seq);
        if (newest.length > 2 * RECENT_ROWS) newest.splice(0, RECENT_ROWS);
      }
    }
    for (const seq of newest.slice(-RECENT_ROWS)) recent.add(seq);
    this.cat = cat;
    this.catCreatedAt = latest.createdAt;
    this.engineRef = engine;
    this.recentLoaded = recent;
    this.recentUntil = now + RECENT_MS;
    this.ownSeqs.clear();
    this.kpiCache.clear();
  }

  private async ensureCatalogue(): Promise<{ version: number; body: string; createdAt: string }> {
    const latest = await this.repo.latestCatalogue();
    if (latest) return latest;
    const createdAt = this.clock.now().toISOString();
    try {
      await this.uow.run(async ({ tx }) => {
        await this.repo.insertCatalogue(tx, { version: 1, checksum: catalogueChecksum(DEFAULT_CATALOGUE), body: JSON.stringify(DEFAULT_CATALOGUE), note: 'default catalogue', createdBy: 'system', createdAt });
      });
    } catch (err) {
      // Another process stored version 1 at the same moment: use theirs.
      this.logger.debug({ err }, 'default catalogue already stored');
    }
    const stored = await this.repo.latestCatalogue();
    if (!stored) throw new Error('vital signs: no catalogue could be stored');
    return stored;
  }

  private async buildTree(): Promise<AreaTree> {
    const list: TreeArea[] = this.places.listAreas().map((a) => ({ id: a.id, code: a.code, name: a.name, level: a.level, parentId: a.parentId }));
    for (const a of await this.repo.attributeAreas()) list.push({ id: a.id, code: a.code, name: a.name, level: a.level, parentId: a.parentId });
    return new AreaTree(list);
  }

  // ───────────────────────────── events ─────────────────────────────

  /** Durable handler: turns a case or alarm event into ledger rows. Idempotent (one row per event, indicator and kind). */
  async handle(event: DomainEvent): Promise<void> {
    await this.ensureLoaded();
    if (event.name === CONSUMED_EVENTS.alarmRaised) return this.onAlarm(event);
    return this.onCase(event);
  }

  /** Broadcast handler: rows another process (or this one) wrote. */
  async onLedgerAppended(event: DomainEvent): Promise<void> {
    if (!this.engineRef) return; // the first load will read them
    const rows = (event.payload as unknown as LedgerAppendedPayload).rows ?? [];
    await this.exclusive(async () => this.applyTuples(rows, false));
  }

  /** Broadcast handler: the catalogue or the areas changed somewhere. */
  async onReload(event: DomainEvent): Promise<void> {
    if (!this.engineRef) return;
    if (event.name === VITALS_EVENTS.catalogueChanged && (event.payload as { version?: number }).version === this.cat?.version) return;
    await this.load();
  }

  private lastPrune = 0;

  private applyTuples(rows: readonly LedgerRowTuple[], own: boolean): void {
    const engine = this.engine;
    const now = this.clock.now().getTime();
    if (now > this.recentUntil && this.recentLoaded.size) this.recentLoaded = new Set();
    // Hour buckets only serve the rolling window: drop old ones even when nobody asks for `now`.
    if (Math.abs(now - this.lastPrune) > 60_000) {
      engine.pruneHours(now);
      this.lastPrune = now;
    }
    for (const [seq, indicator, areaId, at, points, count, num, den] of rows) {
      if (this.recentLoaded.has(seq)) continue;
      if (!own && this.ownSeqs.delete(seq)) continue;
      engine.apply({ indicator, areaId, at, points, count, num, den });
      if (own) this.ownSeqs.add(seq);
    }
  }

  private async onAlarm(event: DomainEvent): Promise<void> {
    const p = event.payload as Partial<AlarmRaisedPayload>;
    if (typeof p.alarmId !== 'string' || typeof p.type !== 'string') return;
    if (!p.areaId) {
      this.logger.debug({ alarmId: p.alarmId }, 'alarm without an area is not scored');
      return;
    }
    const rows = planAlarmRaised(this.catalogueNow, { type: p.type, severity: String(p.severity ?? 'minor'), areaId: p.areaId, at: Date.parse(event.occurredAt) });
    await this.write(event, rows, { type: 'alarm', id: p.alarmId, ref: p.type });
  }

  private async onCase(event: DomainEvent): Promise<void> {
    const p = event.payload as CasePayload;
    if (typeof p.caseId !== 'string' || typeof p.categoryCode !== 'string') return;
    const cat = this.catalogueNow;
    if (event.name === CASES_EVENTS.received) return this.onReceived(event, p);
    if (!caresAboutCategory(cat, p.categoryCode)) return;
    if (event.name === CASES_EVENTS.closed && p.outcome !== 'not_accepted') return;
    const past = await this.repo.rowsForSource(p.caseId);
    const areaId = past.find((r) => r.kind !== 'observe')?.areaId ?? p.areaId ?? this.places.root()?.id ?? null;
    if (!areaId) return;
    const facts = { categoryCode: p.categoryCode, kind: String(p.kind ?? ''), areaId, at: Date.parse(event.occurredAt) };
    let rows: PlannedRow[] = [];
    if (event.name === CASES_EVENTS.resolved) rows = planCaseResolved(cat, facts, p.onTime === true, toPast(past));
    else if (event.name === CASES_EVENTS.rated) rows = planCaseRated(cat, facts, p.dissatisfied !== true);
    else if (event.name === CASES_EVENTS.reopened) rows = planCaseReopened(toPast(past));
    else if (event.name === CASES_EVENTS.merged || event.name === CASES_EVENTS.closed) rows = planCaseCancelled(toPast(past));
    await this.write(event, rows, { type: 'case', id: p.caseId, ref: p.number ?? null });
  }

  /**
   * A case received counts where it is: its places area; for imported history, an attribute area
   * mapped from its source row (`mapAreas`); a live case without a location counts for the city.
   * Imported cases that cannot be placed are kept aside and scored once their area is mapped.
   */
  private async onReceived(event: DomainEvent, p: CasePayload): Promise<void> {
    const cat = this.catalogueNow;
    const cares = caresAboutCategory(cat, p.categoryCode!);
    // Imported cases without an area are kept aside whatever the catalogue: a later one may score them.
    if (!cares && (p.areaId || p.imported !== true)) return;
    let at = Date.parse(event.occurredAt);
    let areaId = p.areaId ?? null;
    let view: CaseView | null = null;
    if (p.imported === true && this.cases) {
      // Imported history is stored now but happened then: score it at its own dates.
      view = await this.cases.get(p.caseId!);
      at = Date.parse(view.receivedAt);
      if (!areaId && view.externalSource && view.externalId) areaId = await this.repo.aliasOf(view.externalSource, view.externalId);
    } else if (!areaId && p.imported !== true) {
      areaId = this.places.root()?.id ?? null;
    }
    // (An area the tree does not know yet is fine: its rows count once the areas reload.)
    if (!areaId) {
      await this.uow.run(({ tx }) => this.repo.keepUnplaced(tx, {
        caseId: p.caseId!, eventId: event.id, eventName: event.name, occurredAt: event.occurredAt, payload: { ...p },
        externalSource: view?.externalSource ?? null, externalId: view?.externalId ?? null,
      }, this.clock.now().toISOString()));
      return;
    }
    if (!cares) return;
    const facts = { categoryCode: p.categoryCode!, kind: String(p.kind ?? ''), areaId, at };
    let rows = planCaseReceived(cat, facts);
    if (view && view.state === 'closed') {
      // A closed imported case carries its whole life: resolved on time when closed by its due date.
      const closedAt = view.closedAt ?? view.resolvedAt;
      if (closedAt && view.dueAt) rows = [...rows, ...planCaseResolved(cat, { ...facts, at: Date.parse(closedAt) }, closedAt <= view.dueAt, rows)];
    }
    await this.write(event, rows, { type: 'case', id: p.caseId!, ref: p.number ?? null });
  }

  private async write(event: DomainEvent, planned: readonly PlannedRow[], cause: { type: 'case' | 'alarm'; id: string; ref: string | null }): Promise<void> {
    if (planned.length === 0) return;
    const version = this.catalogueNow.version;
    const recordedAt = this.clock.now().toISOString();
    const inserted = await this.uow.run(async ({ tx, publish }) => {
      const ins = await this.repo.insertLedger(tx, planned.map((r) => ({
        id: newId('vld'), eventId: event.id, indicator: r.indicator, catalogueVersion: version, kind: r.kind, areaId: r.areaId, at: new Date(r.at).toISOString(),
        points: r.points, events: r.count, num: r.num, den: r.den, sourceType: cause.type, sourceId: cause.id, sourceRef: cause.ref, recordedAt,
      })));
      if (ins.length) await publish(VITALS_EVENTS.ledgerAppended, { rows: ins.map(tupleOf) } satisfies LedgerAppendedPayload);
      return ins;
    });
    if (inserted.length) await this.exclusive(async () => this.applyTuples(inserted.map(tupleOf), true));
  }

  // ───────────────────────────── queries ─────────────────────────────

  private areaRef(index: number): AreaRef {
    const a = this.engine.tree.areas[index]!;
    return { id: a.id, code: a.code, name: a.name, level: a.level };
  }

  private resolveArea(idOrCode: string | undefined): number {
    const tree = this.engine.tree;
    if (idOrCode) {
      const a = tree.find(idOrCode);
      if (!a) throw errors.notFound('area', idOrCode, '区域');
      return tree.indexOf(a.id);
    }
    const root = this.places.root();
    const i = root ? tree.indexOf(root.id) : -1;
    if (i >= 0) return i;
    const first = tree.roots()[0];
    if (!first) throw new AppError({ code: 'VITALS_NO_AREA', status: 404, zh: '尚无区域数据', en: 'No areas are loaded yet' });
    return tree.indexOf(first.id);
  }

  private window(period: PeriodKind | undefined, date: string | undefined): PeriodWindow {
    const now = this.clock.now().getTime();
    const kind = period ?? (date !== undefined ? 'day' : 'now');
    if (kind === 'now' && date !== undefined) throw errors.validation('date', '滚动时段 now 不接受日期；请选 day、week 或 month', 'the rolling period now takes no date; use day, week or month');
    if (kind === 'now') this.engine.pruneHours(now);
    return periodWindow(kind, this.zone, now, { ...(date !== undefined ? { date } : {}), rollingHours: this.rollingHours });
  }

  private periodRef(w: PeriodWindow): PeriodRef {
    return { kind: w.kind, label: w.label, from: w.from, to: w.to, days: w.days, complete: w.complete };
  }

  /** KPI values of the cases module for the window (city-wide), cached for a minute. */
  private async externals(w: PeriodWindow): Promise<ExternalValues> {
    const cat = this.catalogueNow;
    const kpis = cat.indicators.filter((i) => i.def.source.type === 'kpi');
    if (!this.cases || kpis.length === 0) return new Map();
    const key = `${cat.version}|${w.fromDay}|${w.toDay}`;
    const now = this.clock.now().getTime();
    const hit = this.kpiCache.get(key);
    if (hit && hit.until > now) return hit.values;
    const values = new Map<string, number | null>();
    const from = dayString(w.fromDay);
    const to = dayString(Math.min(w.toDay, this.zone.dayOf(now)));
    const byPrefix = new Map<string, Promise<Record<string, { value: number | null }> | undefined>>();
    for (const ind of kpis) {
      const s = ind.def.source;
      if (s.type !== 'kpi') continue;
      const prefix = s.categoryPrefix ?? '';
      if (!byPrefix.has(prefix)) byPrefix.set(prefix, this.cases.kpis({ from, to, groupBy: 'all', ...(prefix ? { categoryPrefix: prefix } : {}) }).then((rows) => rows[0]?.rates));
      const rates = await byPrefix.get(prefix)!;
      values.set(ind.def.code, rates?.[s.rate]?.value ?? null);
    }
    this.kpiCache.set(key, { until: now + KPI_CACHE_MS, values });
    return values;
  }

  private indicatorView(ind: CompiledIndicator, r: IndicatorResult, dimWeight: number): IndicatorScoreView {
    return {
      code: ind.def.code, name: ind.def.name, nameEn: ind.def.nameEn, dimension: ind.def.dimension, weight: ind.def.weight, source: ind.def.source, rule: ind.def.rule,
      loss: round2(r.loss), score: round2(100 - r.loss), dimensionLoss: dimWeight > 0 ? round2((ind.def.weight * r.loss) / dimWeight) : 0,
      value: r.value === null ? null : Math.round(r.value * 10_000) / 10_000, hasData: r.hasData,
      sums: { points: round2(r.sums.points), events: r.sums.count, num: r.sums.num, den: r.sums.den },
    };
  }

  private dimensionWeights(results: readonly IndicatorResult[]): Record<Dimension, number> {
    const w: Record<Dimension, number> = { safety: 0, cleanliness: 0, order: 0, convenience: 0 };
    for (const r of results) w[r.dimension] += r.weight;
    return w;
  }

  private line(index: number, overall: number | null, dims: ReadonlyArray<number | null>): AreaScoreLine {
    const bands = this.catalogueNow.body.colourBands;
    const o = overall === null ? null : round2(overall);
    return {
      area: this.areaRef(index), overall: o, colour: colourOf(o, bands),
      dimensions: Object.fromEntries(DIMENSIONS.map((d, i) => [d, dims[i] === null || dims[i] === undefined ? null : round2(dims[i]!)])) as Record<Dimension, number | null>,
    };
  }

  async scores(q: ScoreQuery): Promise<AreaScoresView> {
    await this.ensureLoaded();
    const index = this.resolveArea(q.area);
    const w = this.window(q.period, q.date);
    const ext = await this.externals(w);
    const engine = this.engine;
    const cat = this.catalogueNow;
    const results = engine.indicatorResults(index, w, ext);
    const s = engine.combine(index, results);
    const dimW = this.dimensionWeights(results);
    const bands = cat.body.colourBands;
    const dimensions: DimensionScoreView[] = DIMENSIONS.map((d, i) => {
      const meta = cat.body.dimensions.find((x) => x.code === d)!;
      const score = s.dimensions[i] === null ? null : round2(s.dimensions[i]!);
      const top = results
        .filter((r) => r.dimension === d && r.loss > 0)
        .map((r) => ({ code: r.code, name: cat.byCode.get(r.code)!.def.name, loss: round2(r.loss), dimensionLoss: round2((r.weight * r.loss) / dimW[d]) }))
        .sort((a, b) => b.dimensionLoss - a.dimensionLoss || a.code.localeCompare(b.code))
        .slice(0, 3);
      return { code: d, name: meta.name, nameEn: meta.nameEn, weight: meta.weight, score, colour: colourOf(score, bands), top };
    });
    const kids = new Set(engine.tree.children(index));
    const children = engine.scoreAll(w, ext, (i) => kids.has(i)).map((c) => this.line(c.areaIndex, c.overall, c.dimensions));
    children.sort((a, b) => (a.overall ?? 101) - (b.overall ?? 101) || a.area.code.localeCompare(b.area.code));
    let snapshot: AreaScoresView['snapshot'] = null;
    if (w.kind === 'day' && w.complete) {
      const snap = (await this.repo.snapshots(engine.tree.areas[index]!.id, dayString(w.fromDay), dayString(w.fromDay)))[0];
      if (snap) snapshot = { overall: snap.overall === null ? null : round2(snap.overall), catalogueVersion: snap.catalogueVersion, computedAt: snap.computedAt };
    }
    const overall = s.overall === null ? null : round2(s.overall);
    const lineage = Array.from(engine.tree.lineage(index)).reverse().map((i) => this.areaRef(i));
    return { area: this.areaRef(index), lineage, period: this.periodRef(w), catalogueVersion: cat.version, overall, colour: colourOf(overall, bands), dimensions, children, snapshot };
  }

  async dimension(q: ScoreQuery & { dimension: Dimension }): Promise<DimensionView> {
    if (!(DIMENSIONS as readonly string[]).includes(q.dimension)) throw errors.validation('dimension', `维度无效：${q.dimension}`, `unknown dimension ${q.dimension}`);
    const view = await this.scores(q);
    const index = this.resolveArea(q.area);
    const w = this.window(q.period, q.date);
    const results = this.engine.indicatorResults(index, w, await this.externals(w));
    const dimW = this.dimensionWeights(results);
    const cat = this.catalogueNow;
    const indicators = results
      .filter((r) => r.dimension === q.dimension)
      .map((r) => this.indicatorView(cat.byCode.get(r.code)!, r, dimW[q.dimension]))
      .sort((a, b) => b.dimensionLoss - a.dimensionLoss || b.loss - a.loss || a.code.localeCompare(b.code));
    return { area: view.area, period: view.period, catalogueVersion: view.catalogueVersion, dimension: view.dimensions.find((d) => d.code === q.dimension)!, indicators };
  }

  async indicator(q: ScoreQuery & { code: string }): Promise<IndicatorView> {
    await this.ensureLoaded();
    const cat = this.catalogueNow;
    const ind = cat.byCode.get(q.code);
    if (!ind) throw errors.notFound('indicator', q.code, '指标');
    const index = this.resolveArea(q.area);
    const w = this.window(q.period, q.date);
    const ext = await this.externals(w);
    const engine = this.engine;
    const results = engine.indicatorResults(index, w, ext);
    const own = results.find((r) => r.code === q.code) ?? this.resultOf(index, ind, w, ext);
    const indicator = this.indicatorView(ind, own, this.dimensionWeights(results)[ind.def.dimension]);
    const children = engine.tree.children(index)
      .map((c) => ({ c, r: this.resultOf(c, ind, w, ext) }))
      .filter(({ r }) => r.sums.points !== 0 || r.sums.count !== 0 || r.sums.den !== 0)
      .map(({ c, r }) => ({ area: this.areaRef(c), loss: round2(r.loss), points: round2(r.sums.points), events: r.sums.count, value: r.value === null ? null : Math.round(r.value * 10_000) / 10_000 }))
      .sort((a, b) => b.loss - a.loss || b.points - a.points || a.area.code.localeCompare(b.area.code));
    return { area: this.areaRef(index), period: this.periodRef(w), catalogueVersion: cat.version, indicator, children };
  }

  /** One indicator in one area, whether or not it applies at the area's level (for the drill-down). */
  private resultOf(index: number, ind: CompiledIndicator, w: PeriodWindow, ext: ExternalValues): IndicatorResult {
    const tree = this.engine.tree;
    const sums = this.engine.sums(index, w).get(ind.index) ?? { points: 0, count: 0, num: 0, den: 0 };
    const applies = (ind.levelMask & (1 << tree.levels[index]!)) !== 0;
    const out = this.engine.evaluate(ind, sums, w.days, ext);
    return { code: ind.def.code, dimension: ind.def.dimension, weight: applies ? ind.def.weight : 0, loss: out.loss, value: out.value, hasData: out.hasData, sums };
  }

  async deductions(q: DeductionQuery): Promise<{ total: number; items: DeductionView[] }> {
    await this.ensureLoaded();
    const index = this.resolveArea(q.area);
    const w = this.window(q.period, q.date);
    const tree = this.engine.tree;
    const subtree = tree.subtree(index).map((i) => tree.areas[i]!.id);
    const page = await this.repo.ledgerPage({
      from: w.from, to: w.to, ...(q.indicator ? { indicators: [q.indicator] } : {}), ...(subtree.length <= MAX_FILTER_AREAS ? { areaIds: subtree } : {}),
      ...(q.kind ? { kinds: [q.kind] } : {}), ...(q.caseId ? { sourceId: q.caseId } : {}), limit: Math.min(500, q.limit ?? 50), offset: q.offset ?? 0,
    });
    return { total: page.total, items: page.items.map((r) => this.deductionView(r)) };
  }

  private cause(r: Pick<LedgerRecord, 'sourceType' | 'sourceId' | 'sourceRef'>): DeductionCause {
    return { type: r.sourceType, id: r.sourceId, ref: r.sourceRef, link: r.sourceType === 'case' ? `/api/v1/cases/${r.sourceId}` : null };
  }

  private deductionView(r: LedgerRecord): DeductionView {
    const i = this.engine.tree.indexOf(r.areaId);
    const def = this.catalogueNow.byCode.get(r.indicator)?.def;
    return {
      id: r.id, seq: r.seq, at: r.at, kind: r.kind, points: r.points, events: r.events, num: r.num, den: r.den,
      indicator: { code: r.indicator, name: def?.name ?? r.indicator }, area: i >= 0 ? this.areaRef(i) : null, catalogueVersion: r.catalogueVersion,
      cause: this.cause(r), eventId: r.eventId, recordedAt: r.recordedAt,
    };
  }

  async compare(q: { areas: string[]; period: PeriodKind; dates: string[] }): Promise<ComparisonView> {
    await this.ensureLoaded();
    if (q.areas.length === 0 || q.areas.length > 50) throw errors.validation('areas', '请给出 1–50 个区域', 'give 1–50 areas');
    if (q.dates.length > 24) throw errors.validation('dates', '最多比较 24 个时段', 'compare at most 24 periods');
    const windows = (q.dates.length ? q.dates : [undefined]).map((d) => this.window(q.period, d));
    const indexes = q.areas.map((a) => this.resolveArea(a));
    const wanted = new Set(indexes);
    const byWindow = await Promise.all(windows.map(async (w) => new Map(this.engine.scoreAll(w, await this.externals(w), (i) => wanted.has(i)).map((s) => [s.areaIndex, s]))));
    return {
      period: q.period, catalogueVersion: this.catalogueNow.version,
      rows: indexes.map((i) => ({
        area: this.areaRef(i),
        cells: windows.map((w, k) => {
          const s = byWindow[k]!.get(i)!;
          const l = this.line(i, s.overall, s.dimensions);
          return { period: this.periodRef(w), overall: l.overall, colour: l.colour, dimensions: l.dimensions };
        }),
      })),
    };
  }

  async topDeductions(q: { date?: string; area?: string; level?: AreaLevel; limit?: number }): Promise<TopDeductionsView> {
    await this.ensureLoaded();
    const w = this.window('day', q.date);
    const tree = this.engine.tree;
    const scope = new Set(tree.subtree(this.resolveArea(q.area)));
    const level = q.level ?? 'grid';
    const want = levelIndex(level);
    const cat = this.catalogueNow;
    const sums = new Map<string, { indicator: string; area: number; points: number; events: number }>();
    for (const g of await this.repo.ledgerGroups(w.from, w.to)) {
      const i = tree.indexOf(g.areaId);
      if (i < 0 || !scope.has(i) || !cat.byCode.has(g.indicator)) continue;
      // Roll a row up to the asked level; a row recorded above that level stays where it is.
      const at = Array.from(tree.lineage(i)).find((a) => tree.levels[a]! <= want) ?? i;
      const key = `${g.indicator}|${at}`;
      const s = sums.get(key) ?? { indicator: g.indicator, area: at, points: 0, events: 0 };
      s.points += g.points;
      s.events += g.events;
      sums.set(key, s);
    }
    const top = [...sums.values()].filter((s) => s.points > 0).sort((a, b) => b.points - a.points || b.events - a.events).slice(0, Math.min(100, q.limit ?? 10));
    const items = await Promise.all(top.map(async (s) => {
      const def = cat.byCode.get(s.indicator)!.def;
      const rows = await this.repo.ledgerPage({ from: w.from, to: w.to, indicators: [s.indicator], areaIds: tree.subtree(s.area).map((i) => tree.areas[i]!.id).slice(0, MAX_FILTER_AREAS), kinds: ['deduct'], limit: 5, offset: 0 });
      return { indicator: { code: def.code, name: def.name, dimension: def.dimension }, area: this.areaRef(s.area), points: round2(s.points), events: s.events, causes: rows.items.map((r) => this.cause(r)) };
    }));
    return { date: dayString(w.fromDay), level, items };
  }

  async trend(q: { area?: string; from: string; to: string }): Promise<TrendView> {
    await this.ensureLoaded();
    const from = parseDay(q.from, 'from');
    const to = parseDay(q.to, 'to');
    if (to < from || to - from > 400) throw errors.validation('to', 'to 须不早于 from，且跨度不超过 400 天', 'to must not be before from, and the span at most 400 days');
    const index = this.resolveArea(q.area);
    const area = this.areaRef(index);
    const bands = this.catalogueNow.body.colourBands;
    const snaps = await this.repo.snapshots(area.id, dayString(from), dayString(to));
    const items: TrendView['items'] = snaps.map((s) => {
      const l = this.line(index, s.overall, s.dimensions);
      return { day: s.day, overall: l.overall, colour: colourOf(l.overall, bands), dimensions: l.dimensions, catalogueVersion: s.catalogueVersion, source: 'snapshot' as const };
    });
    // Days snapshotted without a row for this area: nothing was lost there that day.
    const root = this.engine.tree.areas[this.engine.tree.lineage(index).at(-1)!]!;
    if (root.id !== area.id) {
      const have = new Set(items.map((i) => i.day));
      const level = this.engine.tree.levels[index]!;
      const dims = DIMENSIONS.map((d) => (this.catalogueNow.indicators.some((i) => i.def.dimension === d && (i.levelMask & (1 << level)) !== 0) ? 100 : null));
      for (const s of await this.repo.snapshots(root.id, dayString(from), dayString(to))) {
        if (have.has(s.day)) continue;
        const l = this.line(index, 100, dims);
        items.push({ day: s.day, overall: l.overall, colour: l.colour, dimensions: l.dimensions, catalogueVersion: s.catalogueVersion, source: 'snapshot' });
      }
    }
    const today = this.zone.dayOf(this.clock.now().getTime());
    if (to >= today && from <= today) {
      const w = this.window('day', dayString(today));
      const s = this.engine.score(index, w, await this.externals(w));
      const l = this.line(index, s.overall, s.dimensions);
      items.push({ day: dayString(today), overall: l.overall, colour: l.colour, dimensions: l.dimensions, catalogueVersion: this.catalogueNow.version, source: 'live' });
    }
    items.sort((a, b) => a.day.localeCompare(b.day));
    return { area, items };
  }

  // ───────────────────────────── catalogue ─────────────────────────────

  catalogue(): CatalogueView {
    const cat = this.catalogueNow;
    return { version: cat.version, checksum: cat.checksum, createdAt: this.catCreatedAt, body: cat.body };
  }

  async catalogueVersions(): Promise<Array<{ version: number; checksum: string; note: string; createdBy: string | null; createdAt: string }>> {
    return this.repo.catalogueVersions();
  }

  /** One stored version with its body. */
  async catalogueVersion(version: number): Promise<CatalogueView & { note: string; createdBy: string | null }> {
    const v = await this.repo.catalogueVersion(version);
    if (!v) throw errors.notFound('catalogue version', String(version), '指标体系版本');
    return { version: v.version, checksum: v.checksum, createdAt: v.createdAt, note: v.note, createdBy: v.createdBy, body: JSON.parse(v.body) as CatalogueBody };
  }

  async replaceCatalogue(body: unknown, actor: VitalsActor, note = ''): Promise<CatalogueChange> {
    await this.ensureLoaded();
    const v = validateCatalogue(body);
    if (!v.ok) {
      const first = v.problems[0]!;
      throw new AppError({ code: 'VITALS_BAD_CATALOGUE', status: 400, field: first.path, zh: `指标体系有误：${first.path} ${first.zh}`, en: `Bad catalogue: ${first.path} ${first.en}`, details: { problems: v.problems } });
    }
    const checksum = catalogueChecksum(v.body);
    return this.exclusive(async () => {
      const latest = await this.repo.latestCatalogue();
      if (latest && latest.checksum === checksum) return { version: latest.version, changed: false };
      const version = (latest?.version ?? 0) + 1;
      try {
        await this.uow.run(async ({ tx, publish }) => {
          await this.repo.insertCatalogue(tx, { version, checksum, body: JSON.stringify(v.body), note: note.slice(0, 500), createdBy: actor.id, createdAt: this.clock.now().toISOString() });
          await publish(VITALS_EVENTS.catalogueChanged, { version }, actor.id);
        });
      } catch (err) {
        throw new AppError({ code: 'VITALS_CATALOGUE_CONFLICT', status: 409, zh: '指标体系刚被他人修改，请刷新后重试', en: 'The catalogue was changed at the same time; reload and retry', details: { version, cause: err instanceof Error ? err.message : String(err) } });
      }
      await this.rebuild();
      return { version, changed: true };
    });
  }

  async setIndicatorWeight(code: string, weight: number, actor: VitalsActor): Promise<CatalogueChange> {
    await this.ensureLoaded();
    const body = structuredClone(this.catalogueNow.body);
    const ind = body.indicators.find((i) => i.code === code);
    if (!ind) throw errors.notFound('indicator', code, '指标');
    const before = ind.weight;
    ind.weight = weight;
    return this.replaceCatalogue(body, actor, `weight of ${code}: ${before} → ${weight}`);
  }

  async setDimensionWeight(dimension: Dimension, weight: number, actor: VitalsActor): Promise<CatalogueChange> {
    await this.ensureLoaded();
    const body = structuredClone(this.catalogueNow.body);
    const dim = body.dimensions.find((d) => d.code === dimension);
    if (!dim) throw errors.notFound('dimension', dimension, '维度');
    const before = dim.weight;
    dim.weight = weight;
    return this.replaceCatalogue(body, actor, `weight of dimension ${dimension}: ${before} → ${weight}`);
  }

  // ───────────────────────────── snapshots ─────────────────────────────

  async snapshot(date: string, options: { force?: boolean } = {}): Promise<{ day: string; areas: number; catalogueVersion: number; skipped: boolean }> {
    await this.ensureLoaded();
    const day = parseDay(date);
    if (day >= this.zone.dayOf(this.clock.now().getTime())) throw new AppError({ code: 'VITALS_DAY_NOT_OVER', status: 400, field: 'date', zh: '只能为已结束的日期生成快照', en: 'Only a completed day can be snapshotted' });
    const version = this.catalogueNow.version;
    if (!options.force && (await this.repo.snapshotDays()).has(date)) return { day: date, areas: 0, catalogueVersion: version, skipped: true };
    const w = this.window('day', date);
    const ext = await this.externals(w);
    // From the committed ledger, not this process's sums: a frozen day must not miss rows still in flight.
    const engine = new ScoreEngine(this.catalogueNow, this.engine.tree, this.zone);
    for await (const page of this.repo.scanLedger(20_000, { from: w.from, to: w.to })) {
      for (const r of page) engine.apply({ indicator: r.indicator, areaId: r.areaId, at: Date.parse(r.at), points: r.points, count: r.events, num: r.num, den: r.den });
    }
    const computedAt = this.clock.now().toISOString();
    const rows: SnapshotRecord[] = [];
    for (const s of engine.scoreAll(w, ext)) {
      const level = engine.tree.levels[s.areaIndex]!;
      // Community and grid rows only when something was lost there; a missing row means 100.
      if (level > levelIndex('street') && (s.overall === null || Math.abs(s.overall - 100) < 1e-9)) continue;
      const losses: Record<string, number> = {};
      for (const r of engine.indicatorResults(s.areaIndex, w, ext)) if (r.loss > 0) losses[r.code] = Math.round(r.loss * 10_000) / 10_000;
      rows.push({ day: date, areaId: engine.tree.areas[s.areaIndex]!.id, catalogueVersion: version, overall: s.overall, dimensions: s.dimensions as SnapshotRecord['dimensions'], losses, computedAt });
    }
    await this.uow.run(async ({ tx, publish }) => {
      await this.repo.replaceSnapshot(tx, date, rows);
      await publish(VITALS_EVENTS.snapshotTaken, { day: date, areas: rows.length, catalogueVersion: version });
    });
    return { day: date, areas: rows.length, catalogueVersion: version, skipped: false };
  }

  /** Snapshot every completed day with ledger rows and no snapshot yet (at most `backfillDays` back). */
  async snapshotPending(): Promise<string[]> {
    await this.ensureLoaded();
    const firstAt = await this.repo.firstLedgerAt();
    if (!firstAt) return [];
    const today = this.zone.dayOf(this.clock.now().getTime());
    const first = Math.max(this.zone.dayOf(Date.parse(firstAt)), today - (this.config.backfillDays ?? 120));
    const have = await this.repo.snapshotDays();
    const done: string[] = [];
    for (let d = first; d < today; d++) {
      const date = dayString(d);
      if (have.has(date)) continue;
      await this.snapshot(date);
      done.push(date);
    }
    return done;
  }

  // ───────────────────────────── attribute areas ─────────────────────────────

  /**
   * Score imported history by an attribute of its source rows when its points are not in the city
   * (NYC 311 by Borough): a root area for the source, a district per value, and each external id
   * mapped to its value's area. Cases kept aside for want of an area are scored now.
   */
  async mapAreas(input: { source: string; name: string; entries: ReadonlyArray<{ externalId: string; value: string }>; ignore?: readonly string[] }): Promise<{ areas: number; aliases: number; skipped: number; placed: number }> {
    await this.ensureLoaded();
    const source = input.source.trim();
    if (!/^[A-Za-z0-9_.-]{1,40}$/.test(source)) throw errors.validation('source', '来源须为 1–40 位字母、数字或 . _ -', 'source must be 1–40 letters, digits, . _ -');
    const ignore = new Set((input.ignore ?? ['', 'unspecified', 'n/a', 'unknown']).map((s) => s.toLowerCase()));
    const rootId = `attr:${source}`;
    const values = new Map<string, string>();
    const aliases: Array<{ source: string; externalId: string; areaId: string }> = [];
    let skipped = 0;
    for (const e of input.entries) {
      const value = e.value.trim();
      if (!e.externalId.trim() || ignore.has(value.toLowerCase())) {
        skipped += 1;
        continue;
      }
      const id = `${rootId}:${value}`;
      values.set(value, id);
      aliases.push({ source, externalId: e.externalId.trim(), areaId: id });
    }
    const now = this.clock.now().toISOString();
    await this.uow.run(async ({ tx, publish }) => {
      await this.repo.upsertAttributeArea(tx, { id: rootId, source, value: '', code: source, name: input.name.trim() || source, level: 'city', parentId: null }, now);
      for (const [value, id] of values) await this.repo.upsertAttributeArea(tx, { id, source, value, code: `${source}.${slug(value)}`, name: value, level: 'district', parentId: rootId }, now);
      await this.repo.upsertAliases(tx, aliases);
      await publish(VITALS_EVENTS.areasMapped, { source, areas: values.size, aliases: aliases.length });
    });
    await this.load();
    const placed = await this.placeUnplaced(source);
    return { areas: values.size + 1, aliases: aliases.length, skipped, placed };
  }

  /** Score cases kept aside for want of an area whose area is now known. */
  async placeUnplaced(source?: string): Promise<number> {
    let placed = 0;
    for (const u of await this.repo.unplaced(source)) {
      const areaId = u.externalSource && u.externalId ? await this.repo.aliasOf(u.externalSource, u.externalId) : null;
      if (!areaId) continue;
      await this.uow.run(({ tx }) => this.repo.dropUnplaced(tx, u.caseId));
      await this.onReceived({ seq: 0, id: u.eventId, name: u.eventName, occurredAt: u.occurredAt, actor: null, payload: u.payload }, u.payload as CasePayload);
      placed += 1;
    }
    return placed;
  }

  async status(): Promise<VitalsStatus> {
    await this.ensureLoaded();
    const stats = await this.repo.ledgerStats();
    const days = [...(await this.repo.snapshotDays())].sort();
    return {
      catalogueVersion: this.catalogueNow.version, indicators: this.catalogueNow.indicators.length, areas: this.engine.tree.size, ledgerRows: stats.rows,
      cells: this.engine.cellCount(), rowsIgnored: this.engine.ignored, unplacedCases: await this.repo.unplacedCount(), lastSnapshotDay: days.at(-1) ?? null,
    };
  }
}

function tupleOf(r: LedgerRecord): LedgerRowTuple {
  return [r.seq, r.indicator, r.areaId, Date.parse(r.at), r.points, r.events, r.num, r.den];
}
