/**
 * The scoring rules, as pure functions. Every indicator scores 0–100 on its own scale
 * (100 − loss); a dimension is the weighted mean of its indicators that apply at the area's level;
 * the overall index is the weighted mean of the dimensions. Losses of count indicators are averaged
 * per day over the period, so a day, a week and a month are on the same scale.
 */
import type { CatalogueBody, ScoringRule } from './catalogue.ts';

/** Sums of the ledger rows of one indicator in one area over one period. */
export interface CellSums {
  /** Net points (deductions minus restorations). */
  points: number;
  /** Net number of counted events (cancelled ones removed). */
  count: number;
  /** Rate numerator and denominator (e.g. resolved on time / resolved). */
  num: number;
  den: number;
}

/** The loss of one indicator and the value it was judged on. */
export interface RuleOutcome {
  /** Points lost on the indicator's 0–100 scale. */
  loss: number;
  /** The value a bands / ratio rule judged (events per day, or a rate); null for perEvent or no data. */
  value: number | null;
  /** False when a value rule had nothing to judge (no cases resolved, no KPI, no sensor yet). */
  hasData: boolean;
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/** perEvent: average daily net points, capped. Negative sums (more restored than deducted) count as 0. */
export function perEventLoss(points: number, days: number, cap: number): number {
  if (days <= 0) return 0;
  return clamp(points / days, 0, clamp(cap, 0, 100));
}

/** bands: the loss of the last band whose `from` ≤ value; below the first band nothing is lost. */
export function bandLoss(value: number, bands: ReadonlyArray<{ from: number; loss: number }>): number {
  let loss = 0;
  for (const b of bands) {
    if (value >= b.from) loss = b.loss;
    else break;
  }
  return clamp(loss, 0, 100);
}

/** ratio: maxLoss × the relative shortfall against the target, only on the bad side, at most maxLoss. */
export function ratioLoss(value: number, target: number, better: 'higher' | 'lower', maxLoss: number): number {
  const shortfall = better === 'higher' ? (target - value) / target : (value - target) / target;
  return clamp(maxLoss * clamp(shortfall, 0, 1), 0, 100);
}

/**
 * The loss of an indicator from its period sums. `value` overrides the value of a rule judged on
 * an outside figure (a KPI of the cases module, a sensor aggregate); undefined = none available.
 */
export function evaluateRule(rule: ScoringRule, source: 'count' | 'rate' | 'external', sums: CellSums, days: number, external?: number | null): RuleOutcome {
  if (rule.type === 'perEvent') return { loss: perEventLoss(sums.points, days, rule.cap), value: null, hasData: true };
  let value: number | null;
  if (source === 'count') value = days > 0 ? Math.max(0, sums.count) / days : null;
  else if (source === 'rate') value = sums.den > 0 ? sums.num / sums.den : null;
  else value = external ?? null;
  if (value === null || !Number.isFinite(value)) return { loss: 0, value: null, hasData: false };
  const loss = rule.type === 'bands' ? bandLoss(value, rule.bands) : ratioLoss(value, rule.target, rule.better, rule.maxLoss);
  return { loss, value, hasData: true };
}

/** Weighted mean score (100 − weighted mean loss); null when nothing weighs (no indicator applies). */
export function weightedScore(items: ReadonlyArray<{ weight: number; loss: number }>): number | null {
  let w = 0;
  let lost = 0;
  for (const i of items) {
    w += i.weight;
    lost += i.weight * i.loss;
  }
  return w > 0 ? 100 - lost / w : null;
}

/** Weighted mean of the dimension scores that exist. */
export function overallScore(dims: ReadonlyArray<{ weight: number; score: number | null }>): number | null {
  let w = 0;
  let s = 0;
  for (const d of dims) {
    if (d.score === null) continue;
    w += d.weight;
    s += d.weight * d.score;
  }
  return w > 0 ? s / w : null;
}

/** Colour of a score by the catalogue's bands. */
export type Colour = 'green' | 'yellow' | 'orange' | 'red';
/** Chinese names of the colours. */
export const COLOUR_ZH: Record<Colour, string> = { green: '绿', yellow: '黄', orange: '橙', red: '红' };

/** The colour band a score falls in (green ≥ green, yellow ≥ yellow, orange ≥ orange, else red). */
export function colourOf(score: number | null, bands: CatalogueBody['colourBands']): Colour | null {
  if (score === null) return null;
  if (score >= bands.green) return 'green';
  if (score >= bands.yellow) return 'yellow';
  if (score >= bands.orange) return 'orange';
  return 'red';
}

/** Two decimals, for API answers (the engine keeps full precision). */
export function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
