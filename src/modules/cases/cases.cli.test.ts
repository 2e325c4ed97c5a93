import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors/app-error.ts';
import { parseKpiGroupOption, parseLimitOption, parseStatesOption } from './cases.cli.ts';

function failure(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('parseStatesOption', () => {
  it('returns the listed states, trimmed, and nothing when the option is absent', () => {
    expect(parseStatesOption('handling, closed')).toEqual(['handling', 'closed']);
    expect(parseStatesOption(undefined)).toBeUndefined();
  });

  it('refuses an unknown state by name instead of listing every case', () => {
    const err = failure(() => parseStatesOption('handling,foo'));
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, field: 'state' });
    expect(err.en).toMatch(/^unknown state: foo; use one of pending_dispatch, dispatched,/);
    expect(err.zh).toContain('未知状态：foo');
  });

  it('refuses an empty list', () => {
    expect(failure(() => parseStatesOption(' , '))).toMatchObject({ code: 'VALIDATION_FAILED', field: 'state' });
  });
});

describe('parseLimitOption', () => {
  it('accepts whole numbers from 1 to 500', () => {
    expect(parseLimitOption('1')).toBe(1);
    expect(parseLimitOption('500')).toBe(500);
  });

  it.each(['abc', '0', '-5', '501', '2.5', '', '1e2'])('refuses %j', (value) => {
    const err = failure(() => parseLimitOption(value));
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', field: 'limit' });
    expect(err.en).toContain('from 1 to 500');
  });
});

describe('parseKpiGroupOption', () => {
  it('accepts every grouping the HTTP API knows', () => {
    for (const g of ['department', 'tier', 'category', 'day', 'all']) expect(parseKpiGroupOption(g)).toBe(g);
  });

  it('refuses an unknown grouping and lists the valid ones', () => {
    const err = failure(() => parseKpiGroupOption('nonsense'));
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', field: 'by' });
    expect(err.en).toBe('unknown grouping: nonsense; use one of department, tier, category, day, all');
  });
});
