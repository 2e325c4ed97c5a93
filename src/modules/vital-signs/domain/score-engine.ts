/**
 * The in-memory side of the ledger: sums of points / counts / rate terms per indicator, per area
 * (every level: a row is added to its area and all areas above it), per local day and per UTC hour
 * (for the rolling window). Applying a row is O(depth); a score is computed from the sums on demand
 * in O(indicators) for one area, and for every area at once in O(cells touched in the period).
 */
import { DIMENSIONS, type CompiledCatalogue, type CompiledIndicator, type Dimension } from './catalogue.ts';
import type { AreaTree } from './area-tree.ts';
import { hourOf, type PeriodWindow, type ZoneDays } from './periods.ts';
import { evaluateRule, overallScore, type CellSums, type RuleOutcome } from './scoring.ts';

/** One ledger row as the engine needs it. */
export interface EngineRow {
  indicator: string;
  areaId: string;
  /** When the points count (epoch ms). */
  at: number;
  points: number;
  count: number;
  num: number;
  den: number;
}

/** Values of indicators judged on an outside figure (KPI of the cases module, sensor aggregates), by indicator code. */
export type ExternalValues = ReadonlyMap<string, number | null>;

/** One indicator's result in one area and period. */
export interface IndicatorResult {
  code: string;
  dimension: Dimension;
  weight: number;
  loss: number;
  value: number | null;
  hasData: boolean;
  sums: CellSums;
}

/** Scores of one area in one period. */
export interface EngineScore {
  areaIndex: number;
  overall: number | null;
  /** By DIMENSIONS order; null when no indicator of the dimension applies at the area's level. */
  dimensions: Array<number | null>;
}

const STRIDE = 4;
/** Up to this many areas × indicators, a whole-city scoring pass sums into a dense array. */
const DENSE_LIMIT = 4_000_000;

/** An open-addressing hash map from non-negative int keys to int values, on typed arrays (no per-entry objects). */
class IntMap {
  keys: Int32Array;
  vals: Int32Array;
  size = 0;
  /** Fibonacci hashing takes the high bits of key × 2^32/φ: 32 − log2(capacity). */
  private shift: number;

  constructor(capacity = 64) {
    this.keys = new Int32Array(capacity).fill(-1);
    this.vals = new Int32Array(capacity);
    this.shift = 32 - Math.log2(capacity);
  }

  get(key: number): number {
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let i = Math.imul(key, 0x9e3779b1) >>> this.shift; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === key) return this.vals[i]!;
      if (k === -1) return -1;
    }
  }

  set(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let i = Math.imul(key, 0x9e3779b1) >>> this.shift; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === key) {
        this.vals[i] = value;
        return;
      }
      if (k === -1) {
        keys[i] = key;
        this.vals[i] = value;
        this.size += 1;
        return;
      }
    }
  }

  private grow(): void {
    const keys = this.keys;
    const vals = this.vals;
    this.keys = new Int32Array(keys.length * 2).fill(-1);
    this.vals = new Int32Array(keys.length * 2);
    this.shift -= 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i]! !== -1) this.set(keys[i]!, vals[i]!);
  }
}

/**
 * Sums of one bucket (a day, an hour, or a period being scored): a cell per (area, indicator) in
 * flat typed arrays, found by one hash lookup, and chained per area so one area's cells are walked
 * without looking at the others.
 */
class Bucket {
  private readonly cellOf = new IntMap(256);
  /** area → first cell of the area's chain (+1; 0 = none). */
  readonly areaHead = new IntMap(64);
  data = new Float64Array(64 * STRIDE);
  indicatorOf = new Int32Array(64);
  areaOf = new Int32Array(64);
  next = new Int32Array(64);
  cells = 0;

  constructor(private readonly nInd: number) {}

  private cell(area: number, ind: number): number {
    const key = area * this.nInd + ind;
    let c = this.cellOf.get(key);
    if (c >= 0) return c;
    c = this.cells++;
    if (c >= this.indicatorOf.length) {
      const n = this.indicatorOf.length * 2;
      const data = new Float64Array(n * STRIDE);
      data.set(this.data);
      this.data = data;
      const ind2 = new Int32Array(n);
      ind2.set(this.indicatorOf);
      this.indicatorOf = ind2;
      const next = new Int32Array(n);
      next.set(this.next);
      this.next = next;
      const areaOf = new Int32Array(n);
      areaOf.set(this.areaOf);
      this.areaOf = areaOf;
    }
    this.cellOf.set(key, c);
    this.indicatorOf[c] = ind;
    this.areaOf[c] = area;
    const head = this.areaHead.get(area);
    this.next[c] = head < 0 ? -1 : head;
    this.areaHead.set(area, c);
    return c;
  }

  add(area: number, ind: number, points: number, count: number, num: number, den: number): void {
    const o = this.cell(area, ind) * STRIDE;
    const d = this.data;
    d[o] = d[o]! + points;
    d[o + 1] = d[o + 1]! + count;
    d[o + 2] = d[o + 2]! + num;
    d[o + 3] = d[o + 3]! + den;
  }

  /** Walks the cells of one area: fn(indicator, offset into data). */
  eachCell(area: number, fn: (ind: number, offset: number) => void): void {
    for (let c = this.areaHead.get(area); c >= 0; c = this.next[c]!) fn(this.indicatorOf[c]!, c * STRIDE);
  }
}

const sourceKind = (ind: CompiledIndicator): 'count' | 'rate' | 'external' => {
  const t = ind.def.source.type;
  return t === 'cases' || t === 'alarms' ? 'count' : t === 'caseRate' ? 'rate' : 'external';
};

/** Incrementally kept sums and the scores derived from them. */
export class ScoreEngine {
  private readonly days = new Map<number, Bucket>();
  private readonly hours = new Map<number, Bucket>();
  private minHour = Number.NEGATIVE_INFINITY;
  private lastDay = Number.NaN;
  private lastBucket: Bucket | undefined;
  private readonly kinds: Array<'count' | 'rate' | 'external'>;
  /** Rows applied, and rows ignored (indicator no longer in the catalogue, or area unknown). */
  applied = 0;
  ignored = 0;

  constructor(
    readonly catalogue: CompiledCatalogue,
    readonly tree: AreaTree,
    readonly zone: ZoneDays,
    private readonly keepHours = 48,
    /** Above this many areas × indicators (or when only some areas are wanted), scoreAll sums into a hashed bucket instead of a dense array. */
    private readonly denseLimit = DENSE_LIMIT,
  ) {
    this.kinds = catalogue.indicators.map(sourceKind);
  }

  /** Drop hour buckets older than the rolling window needs; rows older than that skip the hour buckets. */
  pruneHours(nowMs: number): void {
    this.minHour = hourOf(nowMs) - this.keepHours;
    for (const h of this.hours.keys()) if (h < this.minHour) this.hours.delete(h);
  }

  /** Add one ledger row to its area and every area above it. Returns false when it cannot be placed. */
  apply(row: EngineRow): boolean {
    const ind = this.catalogue.byCode.get(row.indicator);
    const area = this.tree.indexOf(row.areaId);
    if (!ind || area < 0) {
      this.ignored += 1;
      return false;
    }
    const nInd = this.catalogue.indicators.length;
    const day = this.zone.dayOf(row.at);
    let bucket = day === this.lastDay ? this.lastBucket : this.days.get(day);
    if (!bucket) {
      bucket = new Bucket(nInd);
      this.days.set(day, bucket);
    }
    this.lastDay = day;
    this.lastBucket = bucket;
    const hour = hourOf(row.at);
    let hb: Bucket | undefined;
    if (hour >= this.minHour) {
      hb = this.hours.get(hour);
      if (!hb) {
        hb = new Bucket(nInd);
        this.hours.set(hour, hb);
      }
    }
    const lineage = this.tree.lineage(area);
    const i = ind.index;
    for (let k = 0; k < lineage.length; k++) {
      const a = lineage[k]!;
      bucket.add(a, i, row.points, row.count, row.num, row.den);
      hb?.add(a, i, row.points, row.count, row.num, row.den);
    }
    this.applied += 1;
    return true;
  }

  private *buckets(w: PeriodWindow): Generator<Bucket> {
    if (w.hours) {
      for (let h = w.hours.from; h <= w.hours.to; h++) {
        const b = this.hours.get(h);
        if (b) yield b;
      }
      return;
    }
    for (let d = w.fromDay; d <= w.toDay; d++) {
      const b = this.days.get(d);
      if (b) yield b;
    }
  }

  /** Period sums of one area by indicator index (only indicators with rows). */
  sums(areaIndex: number, w: PeriodWindow): Map<number, CellSums> {
    const out = new Map<number, CellSums>();
    for (const b of this.buckets(w)) {
      const d = b.data;
      b.eachCell(areaIndex, (ind, o) => {
        const s = out.get(ind) ?? { points: 0, count: 0, num: 0, den: 0 };
        s.points += d[o]!;
        s.count += d[o + 1]!;
        s.num += d[o + 2]!;
        s.den += d[o + 3]!;
        out.set(ind, s);
      });
    }
    return out;
  }

  /** The outcome of one indicator's rule on given sums (whatever the area's level). */
  evaluate(ind: CompiledIndicator, sums: CellSums, days: number, external?: ExternalValues): RuleOutcome {
    return this.outcome(ind, sums, days, external);
  }

  private outcome(ind: CompiledIndicator, sums: CellSums, days: number, external?: ExternalValues): RuleOutcome {
    const kind = this.kinds[ind.index]!;
    return evaluateRule(ind.def.rule, kind, sums, days, kind === 'external' ? external?.get(ind.def.code) : undefined);
  }

  /** Every indicator applying at the area's level, with its loss, for the drill-down. */
  indicatorResults(areaIndex: number, w: PeriodWindow, external?: ExternalValues): IndicatorResult[] {
    const level = this.tree.levels[areaIndex]!;
    const sums = this.sums(areaIndex, w);
    const out: IndicatorResult[] = [];
    for (const ind of this.catalogue.indicators) {
      if ((ind.levelMask & (1 << level)) === 0) continue;
      const s = sums.get(ind.index) ?? { points: 0, count: 0, num: 0, den: 0 };
      const o = this.outcome(ind, s, w.days, external);
      out.push({ code: ind.def.code, dimension: ind.def.dimension, weight: ind.def.weight, loss: o.loss, value: o.value, hasData: o.hasData, sums: s });
    }
    return out;
  }

  /** Scores of one area: the level's baseline plus the indicators that have rows in the period. */
  score(areaIndex: number, w: PeriodWindow, external?: ExternalValues): EngineScore {
    const base = this.baseline(w, external);
    const nDim = DIMENSIONS.length;
    const l = this.tree.levels[areaIndex]!;
    const lost = base.lost.slice(l * nDim, l * nDim + nDim);
    for (const [i, s] of this.sums(areaIndex, w)) {
      const ind = this.catalogue.indicators[i]!;
      if ((ind.levelMask & (1 << l)) === 0) continue;
      lost[ind.dimension] = lost[ind.dimension]! + ind.def.weight * (this.outcome(ind, s, w.days, external).loss - base.emptyLoss[i]!);
    }
    return this.finish(areaIndex, base.weights.subarray(l * nDim, l * nDim + nDim), lost);
  }

  private baselineCache: { days: number; external: ExternalValues | undefined; weights: Float64Array; lost: Float64Array; emptyLoss: Float64Array } | null = null;

  /**
   * What every indicator loses with no rows, summed per level and dimension: an indicator without
   * rows loses the same in every area of a level (nothing, or its KPI's / no-data value).
   */
  private baseline(w: PeriodWindow, external?: ExternalValues): { weights: Float64Array; lost: Float64Array; emptyLoss: Float64Array } {
    const c = this.baselineCache;
    if (c && c.days === w.days && c.external === external) return c;
    const nDim = DIMENSIONS.length;
    const weights = new Float64Array(5 * nDim);
    const lost = new Float64Array(5 * nDim);
    const emptyLoss = new Float64Array(this.catalogue.indicators.length);
    const empty: CellSums = { points: 0, count: 0, num: 0, den: 0 };
    for (const ind of this.catalogue.indicators) {
      const loss = this.outcome(ind, empty, w.days, external).loss;
      emptyLoss[ind.index] = loss;
      for (let l = 0; l < 5; l++) {
        if ((ind.levelMask & (1 << l)) === 0) continue;
        weights[l * nDim + ind.dimension] = weights[l * nDim + ind.dimension]! + ind.def.weight;
        lost[l * nDim + ind.dimension] = lost[l * nDim + ind.dimension]! + ind.def.weight * loss;
      }
    }
    this.baselineCache = { days: w.days, external, weights, lost, emptyLoss };
    return this.baselineCache;
  }

  /** Dimension and overall scores from indicator results. */
  combine(areaIndex: number, results: readonly IndicatorResult[]): EngineScore {
    const wsum = new Float64Array(DIMENSIONS.length);
    const lost = new Float64Array(DIMENSIONS.length);
    for (const r of results) {
      const d = DIMENSIONS.indexOf(r.dimension);
      wsum[d] = wsum[d]! + r.weight;
      lost[d] = lost[d]! + r.weight * r.loss;
    }
    return this.finish(areaIndex, wsum, lost);
  }

  private finish(areaIndex: number, wsum: ArrayLike<number>, lost: ArrayLike<number>): EngineScore {
    const dimensions = DIMENSIONS.map((_, d) => (wsum[d]! > 0 ? 100 - lost[d]! / wsum[d]! : null));
    const overall = overallScore(dimensions.map((score, d) => ({ weight: this.catalogue.dimensionWeights[d]!, score })));
    return { areaIndex, overall, dimensions };
  }

  /**
   * Scores of every area (or those `wanted`) in one pass over the period's cells: the baseline of
   * each level plus the indicators with rows; the same result as evaluating every indicator, far less work.
   */
  scoreAll(w: PeriodWindow, external?: ExternalValues, wanted?: (areaIndex: number) => boolean): EngineScore[] {
    const nInd = this.catalogue.indicators.length;
    const nDim = DIMENSIONS.length;
    const { weights: baseW, lost: baseLost, emptyLoss } = this.baseline(w, external);
    const size = this.tree.size;
    const out: EngineScore[] = [];
    // Per area and dimension: the level's baseline, corrected below for indicators with rows.
    const lostAll = new Float64Array(size * nDim);
    for (let a = 0; a < size; a++) lostAll.set(baseLost.subarray(this.tree.levels[a]! * nDim, this.tree.levels[a]! * nDim + nDim), a * nDim);
    const cell: CellSums = { points: 0, count: 0, num: 0, den: 0 };
    const correct = (a: number, i: number): void => {
      const ind = this.catalogue.indicators[i]!;
      if ((ind.levelMask & (1 << this.tree.levels[a]!)) === 0) return;
      const k = a * nDim + ind.dimension;
      lostAll[k] = lostAll[k]! + ind.def.weight * (this.outcome(ind, cell, w.days, external).loss - emptyLoss[i]!);
    };
    if (!wanted && size * nInd <= this.denseLimit) {
      // Sum the period's cells into a dense array (no hashing), remembering which were touched.
      const acc = new Float64Array(size * nInd * STRIDE);
      const seen = new Uint8Array(size * nInd);
      let touched = new Int32Array(1024);
      let nTouched = 0;
      for (const b of this.buckets(w)) {
        const d = b.data;
        for (let c = 0; c < b.cells; c++) {
          const a = b.areaOf[c]!;
          const k = a * nInd + b.indicatorOf[c]!;
          if (seen[k] === 0) {
            seen[k] = 1;
            if (nTouched === touched.length) {
              const t = new Int32Array(touched.length * 2);
              t.set(touched);
              touched = t;
            }
            touched[nTouched++] = k;
          }
          const o = c * STRIDE;
          const ko = k * STRIDE;
          acc[ko] = acc[ko]! + d[o]!;
          acc[ko + 1] = acc[ko + 1]! + d[o + 1]!;
          acc[ko + 2] = acc[ko + 2]! + d[o + 2]!;
          acc[ko + 3] = acc[ko + 3]! + d[o + 3]!;
        }
      }
      for (let t = 0; t < nTouched; t++) {
        const k = touched[t]!;
        const ko = k * STRIDE;
        cell.points = acc[ko]!;
        cell.count = acc[ko + 1]!;
        cell.num = acc[ko + 2]!;
        cell.den = acc[ko + 3]!;
        correct(Math.floor(k / nInd), k % nInd);
      }
    } else {
      // A few areas, or too many areas × indicators for a dense array: sum into a hashed bucket.
      const acc = new Bucket(nInd);
      for (const b of this.buckets(w)) {
        const d = b.data;
        for (let c = 0; c < b.cells; c++) {
          const a = b.areaOf[c]!;
          if (wanted && !wanted(a)) continue;
          const o = c * STRIDE;
          acc.add(a, b.indicatorOf[c]!, d[o]!, d[o + 1]!, d[o + 2]!, d[o + 3]!);
        }
      }
      const ad = acc.data;
      for (let c = 0; c < acc.cells; c++) {
        const o = c * STRIDE;
        cell.points = ad[o]!;
        cell.count = ad[o + 1]!;
        cell.num = ad[o + 2]!;
        cell.den = ad[o + 3]!;
        correct(acc.areaOf[c]!, acc.indicatorOf[c]!);
      }
    }
    for (let a = 0; a < size; a++) {
      if (wanted && !wanted(a)) continue;
      const l = this.tree.levels[a]!;
      out.push(this.finish(a, baseW.subarray(l * nDim, l * nDim + nDim), lostAll.subarray(a * nDim, a * nDim + nDim)));
    }
    return out;
  }

  /** Number of stored cells (for /metrics and the bench). */
  cellCount(): { days: number; hours: number } {
    let days = 0;
    let hours = 0;
    for (const b of this.days.values()) days += b.cells;
    for (const b of this.hours.values()) hours += b.cells;
    return { days, hours };
  }
}
