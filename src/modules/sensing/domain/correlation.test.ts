import { describe, expect, it } from 'vitest';
import { correlate } from './correlation.ts';

const a = (alarmId: string, deviceId: string, atS: number, incidentId: string | null = null) => ({ alarmId, deviceId, type: 'bridge_accel_level', at: atS * 1000, incidentId });

describe('alarm correlation', () => {
  it('opens an incident when enough devices raise the same type within the window', () => {
    const policy = { windowMs: 60_000, minDevices: 3 };
    expect(correlate([a('1', 'b1', 0)], a('2', 'b2', 10), policy)).toEqual({ action: 'none' });
    expect(correlate([a('1', 'b1', 0), a('2', 'b2', 10)], a('3', 'b3', 20), policy)).toEqual({ action: 'create', alarmIds: ['1', '2', '3'] });
    // The same device twice is one device.
    expect(correlate([a('1', 'b1', 0), a('2', 'b1', 10)], a('3', 'b2', 20), policy)).toEqual({ action: 'none' });
    // Outside the window the earlier alarms do not count.
    expect(correlate([a('1', 'b1', 0), a('2', 'b2', 10)], a('3', 'b3', 100), policy)).toEqual({ action: 'none' });
  });

  it('joins an incident that took an alarm of the type within the window', () => {
    expect(correlate([a('1', 'b1', 0, 'inc_1')], a('4', 'b4', 30))).toEqual({ action: 'join', incidentId: 'inc_1' });
    expect(correlate([{ ...a('1', 'b1', 0, 'inc_1'), type: 'smoke_detected' }], a('4', 'b4', 30))).toEqual({ action: 'none' });
  });
});
