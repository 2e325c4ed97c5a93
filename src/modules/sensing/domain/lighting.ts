import { inSchedule, type Schedule } from './rules.ts';

/** How street lights follow footfall at night (levels in % of full brightness). */
export interface LightingPolicy {
  /** When lights are on at all (local time). */
  night: Schedule;
  /** Never below this at night (safety: a street is never dark). */
  minLevel: number;
  maxLevel: number;
  /** Pedestrians per hour at which a light is at full level; in between, proportional. */
  fullAt: number;
  /** Largest step down per decision (a sudden drop is noticed; going up is immediate). */
  rampDown: number;
}

/** Defaults: ~20 % standby as in presence-based dimming deployments, full at 300 people an hour. */
export const DEFAULT_LIGHTING: LightingPolicy = {
  night: { utcOffsetMin: 480, windows: [{ from: '18:00', to: '06:30' }] },
  minLevel: 20,
  maxLevel: 100,
  fullAt: 300,
  rampDown: 20,
};

/** The level a light should have now, given the footfall of the last hour and its current level. */
export function lightingLevel(policy: LightingPolicy, pedestriansLastHour: number, current: number, at: number): number {
  if (!inSchedule(policy.night, at)) return 0;
  const share = Math.max(0, Math.min(1, pedestriansLastHour / policy.fullAt));
  const target = Math.round(policy.minLevel + (policy.maxLevel - policy.minLevel) * share);
  // Lights were off (dusk): switch on at the target at once.
  if (current === 0 || target >= current) return target;
  return Math.max(target, current - policy.rampDown);
}

/** Energy of one light over hourly decisions, against full brightness all night (the ledger the city reports). */
export interface EnergyLedger {
  hours: number;
  nightHours: number;
  /** kWh used at the chosen levels. */
  usedKwh: number;
  /** kWh at full brightness for the same night hours. */
  fullKwh: number;
  /** 1 − used / full. */
  saving: number;
}

/**
 * Replay hourly footfall through the policy: each hour's level is decided from the previous hour's
 * count (what a controller knows at the top of the hour) and held for the hour.
 */
export function replayLighting(policy: LightingPolicy, hourly: ReadonlyArray<{ at: number; count: number }>, ratedW: number): { levels: number[]; ledger: EnergyLedger } {
  const levels: number[] = [];
  let level = 0;
  let usedWh = 0;
  let fullWh = 0;
  let nightHours = 0;
  let previous = 0;
  for (const h of hourly) {
    level = lightingLevel(policy, previous, level, h.at);
    levels.push(level);
    if (inSchedule(policy.night, h.at)) {
      nightHours += 1;
      fullWh += ratedW;
      usedWh += (ratedW * level) / 100;
    }
    previous = h.count;
  }
  const usedKwh = usedWh / 1000;
  const fullKwh = fullWh / 1000;
  return { levels, ledger: { hours: hourly.length, nightHours, usedKwh, fullKwh, saving: fullKwh ? 1 - usedKwh / fullKwh : 0 } };
}
