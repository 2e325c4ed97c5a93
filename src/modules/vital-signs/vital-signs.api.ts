import type { AreaLevel } from '../places/index.ts';
import type { CatalogueBody, CatalogueProblem, Dimension, IndicatorSource, ScoringRule } from './domain/catalogue.ts';
import type { LedgerKind } from './domain/ledger-rules.ts';
import type { PeriodKind } from './domain/periods.ts';
import type { Colour } from './domain/scoring.ts';

/** An area in answers. */
export interface AreaRef {
  id: string;
  code: string;
  name: string;
  level: AreaLevel;
}

/** The period an answer covers. */
export interface PeriodRef {
  kind: PeriodKind;
  label: string;
  from: string;
  to: string;
  /** Days the losses are averaged over. */
  days: number;
  complete: boolean;
}

/** Which area and period to score: area by id or code (default: the city), period (default: now), any date inside it. */
export interface ScoreQuery {
  area?: string;
  period?: PeriodKind;
  date?: string;
}

/** One indicator's part in a score. */
export interface IndicatorScoreView {
  code: string;
  name: string;
  nameEn: string;
  dimension: Dimension;
  weight: number;
  source: IndicatorSource;
  rule: ScoringRule;
  /** Points lost on the indicator's own 0–100 scale. */
  loss: number;
  score: number;
  /** Points this indicator takes off its dimension: weight × loss ÷ the dimension's weights at this level. */
  dimensionLoss: number;
  /** The value a bands / ratio rule judged (events per day, a rate, a KPI); null for perEvent or no data. */
  value: number | null;
  hasData: boolean;
  /** Ledger sums behind it: net points, net events, rate numerator / denominator. */
  sums: { points: number; events: number; num: number; den: number };
}

/** A dimension's score in an area. */
export interface DimensionScoreView {
  code: Dimension;
  name: string;
  nameEn: string;
  weight: number;
  score: number | null;
  colour: Colour | null;
  /** The indicators that took the most off this dimension. */
  top: Array<{ code: string; name: string; loss: number; dimensionLoss: number }>;
}

/** Scores of one area. */
export interface AreaScoreLine {
  area: AreaRef;
  overall: number | null;
  colour: Colour | null;
  dimensions: Record<Dimension, number | null>;
}

/** The index of an area for a period, with its dimensions and its children. */
export interface AreaScoresView {
  area: AreaRef;
  lineage: AreaRef[];
  period: PeriodRef;
  catalogueVersion: number;
  overall: number | null;
  colour: Colour | null;
  dimensions: DimensionScoreView[];
  children: AreaScoreLine[];
  /** For a past day: the snapshot taken then, with the catalogue version it was computed with. */
  snapshot: { overall: number | null; catalogueVersion: number; computedAt: string } | null;
}

/** A dimension's indicators in an area, largest loss first. */
export interface DimensionView {
  area: AreaRef;
  period: PeriodRef;
  catalogueVersion: number;
  dimension: DimensionScoreView;
  indicators: IndicatorScoreView[];
}

/** One indicator in an area and the areas below that lost points on it. */
export interface IndicatorView {
  area: AreaRef;
  period: PeriodRef;
  catalogueVersion: number;
  indicator: IndicatorScoreView;
  children: Array<{ area: AreaRef; loss: number; points: number; events: number; value: number | null }>;
}

/** What caused a ledger row. */
export interface DeductionCause {
  type: 'case' | 'alarm';
  id: string;
  /** Case number, or alarm type. */
  ref: string | null;
  /** Where to look at it (the case in the cases API); null for alarms until the sensing module serves them. */
  link: string | null;
}

/** One ledger row. */
export interface DeductionView {
  id: string;
  seq: number;
  at: string;
  kind: LedgerKind;
  points: number;
  events: number;
  num: number;
  den: number;
  indicator: { code: string; name: string };
  area: AreaRef | null;
  catalogueVersion: number;
  cause: DeductionCause;
  eventId: string;
  recordedAt: string;
}

/** Rows of the ledger: which indicator (optional), the area's subtree, the period. */
export interface DeductionQuery extends ScoreQuery {
  indicator?: string;
  kind?: LedgerKind;
  caseId?: string;
  limit?: number;
  offset?: number;
}

/** Areas × periods. */
export interface ComparisonView {
  period: PeriodKind;
  catalogueVersion: number;
  rows: Array<{ area: AreaRef; cells: Array<{ period: PeriodRef; overall: number | null; colour: Colour | null; dimensions: Record<Dimension, number | null> }> }>;
}

/** The day's largest deductions, by indicator and area. */
export interface TopDeductionsView {
  date: string;
  level: AreaLevel;
  items: Array<{
    indicator: { code: string; name: string; dimension: Dimension };
    area: AreaRef;
    points: number;
    events: number;
    causes: DeductionCause[];
  }>;
}

/** Daily scores of an area from the snapshots (and today, live). */
export interface TrendView {
  area: AreaRef;
  items: Array<{ day: string; overall: number | null; colour: Colour | null; dimensions: Record<Dimension, number | null>; catalogueVersion: number; source: 'snapshot' | 'live' }>;
}

/** The catalogue in force. */
export interface CatalogueView {
  version: number;
  checksum: string;
  createdAt: string;
  body: CatalogueBody;
}

/** Outcome of a catalogue change. */
export interface CatalogueChange {
  version: number;
  changed: boolean;
}

/** Health of the index: what it holds and what it could not place. */
export interface VitalsStatus {
  catalogueVersion: number;
  indicators: number;
  areas: number;
  ledgerRows: number;
  cells: { days: number; hours: number };
  rowsIgnored: number;
  unplacedCases: number;
  lastSnapshotDay: string | null;
}

/** Who changes the catalogue (for its version history). */
export interface VitalsActor {
  id: string | null;
}

/** The city's vital-signs index: scores, drill-down to deductions and their cases, trends, the versioned catalogue. */
export interface VitalSignsApi {
  /** The index of an area for a period, with dimensions and the children's scores. */
  scores(query: ScoreQuery): Promise<AreaScoresView>;
  /** One dimension's indicators in an area, the biggest losses first. */
  dimension(query: ScoreQuery & { dimension: Dimension }): Promise<DimensionView>;
  /** One indicator in an area and which areas below lost points on it. */
  indicator(query: ScoreQuery & { code: string }): Promise<IndicatorView>;
  /** Ledger rows behind a score, each with the case or alarm that caused it. */
  deductions(query: DeductionQuery): Promise<{ total: number; items: DeductionView[] }>;
  /** Scores of several areas over several periods. */
  compare(query: { areas: string[]; period: PeriodKind; dates: string[] }): Promise<ComparisonView>;
  /** The day's largest deductions by indicator and area (at a level, default grid). */
  topDeductions(query: { date?: string; area?: string; level?: AreaLevel; limit?: number }): Promise<TopDeductionsView>;
  /** Daily scores of an area between two days. */
  trend(query: { area?: string; from: string; to: string }): Promise<TrendView>;
  /** The catalogue in force. */
  catalogue(): CatalogueView;
  /** Every catalogue version, newest first. */
  catalogueVersions(): Promise<Array<{ version: number; checksum: string; note: string; createdBy: string | null; createdAt: string }>>;
  /** Store a new catalogue version (unchanged bodies keep the current one). */
  replaceCatalogue(body: unknown, actor: VitalsActor, note?: string): Promise<CatalogueChange>;
  /** Change one indicator's weight: a new catalogue version. */
  setIndicatorWeight(code: string, weight: number, actor: VitalsActor): Promise<CatalogueChange>;
  /** Change one dimension's weight: a new catalogue version. */
  setDimensionWeight(dimension: Dimension, weight: number, actor: VitalsActor): Promise<CatalogueChange>;
  /** Freeze a day's scores for the trend (replacing an earlier snapshot of the day with force). */
  snapshot(date: string, options?: { force?: boolean }): Promise<{ day: string; areas: number; catalogueVersion: number; skipped: boolean }>;
  /** What the index holds. */
  status(): Promise<VitalsStatus>;
}

export type { CatalogueProblem };
