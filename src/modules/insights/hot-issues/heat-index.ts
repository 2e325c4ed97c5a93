/**
 * The heat index (热度指数) of a hot issue. Defined and defended in docs/insights-hot-issues.md:
 *
 *   voices      V = R + 0.25·(N − R)            N messages, R distinct requesters: a second post by the
 *                                                same person adds a quarter of a new voice
 *   support     S = max(0, L − 0.5·D)           L likes (点赞), D dislikes (反对)
 *   base        B = ln(1 + V) + 0.3·ln(1 + S)   both with diminishing returns; a like weighs far less
 *                                                than writing a message
 *   burst       C = 0.7 + 0.3·b                 b = share of the messages inside the busiest 30 days
 *   growth      G = clamp(1 + 0.15·ln((r + 0.05) / (f + 0.05)), 0.85, 1.2)
 *                                                r = share of the messages in the recent window (the last
 *                                                quarter of the period, between 7 and 30 days), f = that
 *                                                window's share of the period: rising issues gain,
 *                                                fading ones lose
 *   heat        H = 10 · B · C · G
 */

/** What the heat of one issue is computed from. */
export interface HeatInput {
  /** Message times, epoch milliseconds (any order). */
  times: readonly number[];
  requesters: number;
  likes: number;
  dislikes: number;
  /** The period mined, epoch milliseconds (inclusive start, exclusive end). */
  periodStart: number;
  periodEnd: number;
}

/** The heat and its factors, so a ranking can be explained. */
export interface Heat {
  heat: number;
  voices: number;
  support: number;
  burst: number;
  growth: number;
}

const DAY = 86_400_000;
const BURST_WINDOW = 30 * DAY;

/** Largest number of times inside any window of `windowMs` (times sorted ascending). */
export function peakCount(sorted: readonly number[], windowMs: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]! - sorted[lo]! >= windowMs) lo += 1;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** The heat index of one issue. */
export function heatOf(input: HeatInput): Heat {
  const n = input.times.length;
  if (n === 0) return { heat: 0, voices: 0, support: 0, burst: 0, growth: 1 };
  const requesters = Math.min(Math.max(1, input.requesters), n);
  const voices = requesters + 0.25 * (n - requesters);
  const support = Math.max(0, input.likes - 0.5 * input.dislikes);
  const base = Math.log1p(voices) + 0.3 * Math.log1p(support);
  const sorted = [...input.times].sort((a, b) => a - b);
  const burst = 0.7 + 0.3 * (peakCount(sorted, BURST_WINDOW) / n);
  const period = Math.max(DAY, input.periodEnd - input.periodStart);
  const recent = Math.min(period, Math.max(7 * DAY, Math.min(30 * DAY, period / 4)));
  const recentStart = input.periodEnd - recent;
  const r = sorted.filter((t) => t >= recentStart).length / n;
  const f = recent / period;
  const growth = Math.min(1.2, Math.max(0.85, 1 + 0.15 * Math.log((r + 0.05) / (f + 0.05))));
  return { heat: round(10 * base * burst * growth, 1), voices: round(voices, 2), support: round(support, 1), burst: round(burst, 3), growth: round(growth, 3) };
}
