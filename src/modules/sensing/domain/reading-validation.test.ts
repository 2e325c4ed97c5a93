import { describe, expect, it } from 'vitest';
import { DEFAULT_DEVICE_TYPES } from './device-types.ts';
import { checkBatch } from './reading-validation.ts';

const smoke = DEFAULT_DEVICE_TYPES.find((t) => t.code === 'smoke_detector')!;
const NOW = Date.parse('2026-12-04T02:00:00Z');
const lookup = (id: string) => (id === 'sd-1' ? { id: 'dev_1', active: true, type: smoke } : id === 'sd-off' ? { id: 'dev_2', active: false, type: smoke } : null);

describe('reading batch validation', () => {
  it('reads the time from ts (epoch ms or ISO 8601 with a zone), names ts when it is bad, and takes at as an alias', () => {
    const check = checkBatch([
      { deviceId: 'sd-1', measure: 'smoke', value: 1, ts: NOW - 5000 },
      { deviceId: 'sd-1', measure: 'smoke', value: 0, ts: '2026-12-04T09:59:00+08:00' },
      { deviceId: 'sd-1', measure: 'smoke', value: 0, ts: '2026-12-04 09:59:00' },
      { deviceId: 'sd-1', measure: 'smoke', value: 0 },
      { deviceId: 'sd-1', measure: 'smoke', value: 0, ts: 1000 },
    ], lookup, NOW);
    expect(check.accepted.map((r) => r.at)).toEqual([NOW - 5000, Date.parse('2026-12-04T01:59:00Z')]);
    expect(check.problems.map((p) => [p.index, p.code, p.field])).toEqual([[2, 'READING_BAD_TIME', '2.ts'], [3, 'READING_BAD_TIME', '3.ts'], [4, 'READING_BAD_TIME', '4.ts']]);
  });

  it('accepts good items and lists every bad one with its index, field and code', () => {
    const at = '2026-12-04T01:59:00Z';
    const check = checkBatch([
      { deviceId: 'sd-1', measure: 'smoke', value: 0, at },
      { deviceId: 'nope', measure: 'smoke', value: 0, at },
      { deviceId: 'sd-1', measure: 'pm25', value: 0, at },
      { deviceId: 'sd-1', measure: 'battery_pct', value: '80', at },
      { deviceId: 'sd-1', measure: 'battery_pct', value: 180, at },
      { deviceId: 'sd-1', measure: 'smoke', value: true, at: NOW - 1000 },
      { deviceId: 'sd-1', measure: 'smoke', value: 1, at: '2026-12-04 01:59:00' },
      { deviceId: 'sd-1', measure: 'smoke', value: 1, at: '2027-12-04T01:59:00Z' },
      'x',
      { deviceId: 'sd-off', measure: 'smoke', value: 0, at },
    ], lookup, NOW);
    expect(check.accepted).toEqual([
      { deviceId: 'dev_1', measure: 'smoke', value: 0, at: Date.parse(at) },
      { deviceId: 'dev_1', measure: 'smoke', value: 1, at: NOW - 1000 },
    ]);
    expect(check.acceptedIndex).toEqual([0, 5]);
    expect(check.problems.map((p) => [p.index, p.code, p.field])).toEqual([
      [1, 'READING_UNKNOWN_DEVICE', '1.deviceId'],
      [2, 'READING_UNKNOWN_MEASURE', '2.measure'],
      [3, 'READING_BAD_VALUE', '3.value'],
      [4, 'READING_OUT_OF_RANGE', '4.value'],
      [6, 'READING_BAD_TIME', '6.at'],
      [7, 'READING_BAD_TIME', '7.at'],
      [8, 'READING_NOT_OBJECT', '8'],
      [9, 'READING_DEVICE_INACTIVE', '9.deviceId'],
    ]);
  });

  it('refuses NaN and infinities (JSON cannot carry them, MQTT payload parsers can)', () => {
    const check = checkBatch([{ deviceId: 'sd-1', measure: 'battery_pct', value: Number.NaN, at: NOW }, { deviceId: 'sd-1', measure: 'battery_pct', value: Infinity, at: NOW }], lookup, NOW);
    expect(check.problems.map((p) => p.code)).toEqual(['READING_BAD_VALUE', 'READING_BAD_VALUE']);
  });
});
