import { describe, expect, it } from 'vitest';
import { bandLoss, colourOf, evaluateRule, overallScore, perEventLoss, ratioLoss, round2, weightedScore } from './scoring.ts';

const bands = [{ from: 0, loss: 60 }, { from: 0.6, loss: 40 }, { from: 0.75, loss: 20 }, { from: 0.85, loss: 10 }, { from: 0.95, loss: 0 }];

describe('scoring rules', () => {
  it('averages per-event points over the days of the period and caps the daily loss', () => {
    expect(perEventLoss(30, 2, 60)).toBe(15);
    expect(perEventLoss(200, 1, 60)).toBe(60);
    expect(perEventLoss(45, 31, 60)).toBeCloseTo(1.4516129, 6);
  });

  it('never lets restorations turn a loss into a gain, and never loses more than 100', () => {
    expect(perEventLoss(-5, 1, 60)).toBe(0);
    expect(perEventLoss(500, 1, 250)).toBe(100);
  });

  it('takes the loss of the last band reached, nothing below the first band', () => {
    expect(bandLoss(0.82, bands)).toBe(20);
    expect(bandLoss(0.85, bands)).toBe(10);
    expect(bandLoss(0.99, bands)).toBe(0);
    expect(bandLoss(0.1, bands)).toBe(60);
    expect(bandLoss(-1, bands)).toBe(0);
  });

  it('loses maxLoss times the relative shortfall against the target, on the bad side only', () => {
    expect(ratioLoss(0.4, 0.8, 'higher', 50)).toBe(25);
    expect(ratioLoss(0.9, 0.8, 'higher', 50)).toBe(0);
    expect(ratioLoss(0.075, 0.05, 'lower', 50)).toBeCloseTo(25, 10);
    expect(ratioLoss(0.5, 0.05, 'lower', 50)).toBe(50);
    expect(ratioLoss(0.01, 0.05, 'lower', 50)).toBe(0);
  });

  it('judges counts as events per day and rates as numerator over denominator', () => {
    const sums = { points: 0, count: 6, num: 3, den: 4 };
    expect(evaluateRule({ type: 'bands', bands: [{ from: 0, loss: 0 }, { from: 2, loss: 15 }] }, 'count', sums, 3)).toEqual({ loss: 15, value: 2, hasData: true });
    expect(evaluateRule({ type: 'ratio', target: 1, better: 'higher', maxLoss: 40 }, 'rate', sums, 3)).toEqual({ loss: 10, value: 0.75, hasData: true });
  });

  it('loses nothing when a value rule has no data (no resolutions, no KPI, no sensor yet)', () => {
    const none = { points: 0, count: 0, num: 0, den: 0 };
    expect(evaluateRule({ type: 'ratio', target: 0.9, better: 'higher', maxLoss: 60 }, 'rate', none, 1)).toEqual({ loss: 0, value: null, hasData: false });
    expect(evaluateRule({ type: 'bands', bands }, 'external', none, 1, undefined)).toEqual({ loss: 0, value: null, hasData: false });
    expect(evaluateRule({ type: 'bands', bands }, 'external', none, 1, 0.7)).toEqual({ loss: 40, value: 0.7, hasData: true });
  });

  it('weights indicator losses inside a dimension and dimensions in the overall index', () => {
    expect(weightedScore([{ weight: 3, loss: 20 }, { weight: 1, loss: 0 }])).toBe(85);
    expect(weightedScore([])).toBeNull();
    expect(overallScore([{ weight: 3, score: 80 }, { weight: 1, score: 95 }, { weight: 1, score: null }])).toBe(83.75);
  });

  it('colours by the configured bands', () => {
    const b = { green: 90, yellow: 80, orange: 70 };
    expect([90, 89.99, 80, 79.9, 70, 69.99].map((s) => colourOf(s, b))).toEqual(['green', 'yellow', 'yellow', 'orange', 'orange', 'red']);
    expect(colourOf(null, b)).toBeNull();
    expect(colourOf(round2(89.996), b)).toBe('green');
  });
});
