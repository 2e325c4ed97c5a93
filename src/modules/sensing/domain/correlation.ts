/** An alarm raised recently, as correlation sees it. */
export interface RecentAlarm {
  alarmId: string;
  deviceId: string;
  type: string;
  at: number;
  incidentId: string | null;
}

export interface CorrelationPolicy {
  /** Alarms of one type raised within this many ms of each other belong together. */
  windowMs: number;
  /** Distinct devices needed to call it an incident (e.g. every bridge shaking at once: an earthquake, not a bridge). */
  minDevices: number;
}

export const DEFAULT_CORRELATION: CorrelationPolicy = { windowMs: 60_000, minDevices: 3 };

export type Correlation =
  | { action: 'none' }
  | { action: 'join'; incidentId: string }
  | { action: 'create'; alarmIds: string[] };

/**
 * Decide whether a newly raised alarm is part of a wider incident: when an incident of its type took
 * an alarm within the window, it joins it; when enough distinct devices raised the same type within
 * the window, a new incident gathers them all.
 */
export function correlate(recent: readonly RecentAlarm[], raised: RecentAlarm, policy: CorrelationPolicy = DEFAULT_CORRELATION): Correlation {
  const near = recent.filter((a) => a.type === raised.type && a.alarmId !== raised.alarmId && raised.at - a.at <= policy.windowMs && a.at <= raised.at);
  const joined = near.filter((a) => a.incidentId !== null).sort((a, b) => b.at - a.at)[0];
  if (joined) return { action: 'join', incidentId: joined.incidentId! };
  const devices = new Set(near.map((a) => a.deviceId));
  devices.add(raised.deviceId);
  if (devices.size < policy.minDevices) return { action: 'none' };
  return { action: 'create', alarmIds: [...near.map((a) => a.alarmId), raised.alarmId] };
}
