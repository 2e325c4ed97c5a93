import { describe, expect, it } from 'vitest';
import { spreadsheetSafe } from './spreadsheet.ts';

describe('spreadsheet-safe cells', () => {
  it('neutralises formulas and keeps ordinary text and numbers as they are', () => {
    expect(spreadsheetSafe('=HYPERLINK("http://evil","x")')).toBe(`'=HYPERLINK("http://evil","x")`);
    expect(spreadsheetSafe('@SUM(1+1)')).toBe(`'@SUM(1+1)`);
    expect(spreadsheetSafe('+1')).toBe('+1');
    expect(spreadsheetSafe('-5')).toBe('-5');
    expect(spreadsheetSafe('+1+1')).toBe(`'+1+1`);
    expect(spreadsheetSafe('-cmd')).toBe(`'-cmd`);
    expect(spreadsheetSafe('\tx')).toBe(`'\tx`);
    expect(spreadsheetSafe('路灯不亮')).toBe('路灯不亮');
    expect(spreadsheetSafe(5)).toBe('5');
    expect(spreadsheetSafe(null)).toBe('');
  });
});
