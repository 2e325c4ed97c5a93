/**
 * The demo city 云港市 (Yungang): a fictional city around lng 120.0–120.4, lat 30.1–30.4 with its
 * areas, departments, staff, dispatch rules and three months of scripted cases. Pure data, no I/O:
 * the same seed and `now` give byte-identical output.
 */
import { generateDemoAreas } from './demo-areas.generator.ts';
import { generateDemoCases } from './demo-cases.generator.ts';
import type { DemoCity } from './demo-city.types.ts';
import { generateDemoDepartments, generateDemoRules, generateDemoStaff } from './demo-organization.generator.ts';
import { SeededRandom } from './seeded-random.ts';

/** Seed used when none is given. */
export const DEMO_DEFAULT_SEED = 12345;

/** Fixed "now" used when none is given, so a bare call stays deterministic; callers pass the clock's now. */
export const DEMO_DEFAULT_NOW = '2026-12-01T02:00:00.000Z';

/** Open311 API key of the demo only: never accept it outside a demo deployment. */
export const DEMO_OPEN311_API_KEY = 'demo-open311-key';

/** Generates the whole demo city for a seed, with case history ending just before `now`. */
export function generateDemoCity(seed: number = DEMO_DEFAULT_SEED, now: Date = new Date(DEMO_DEFAULT_NOW)): DemoCity {
  // Separate streams per part, so adding a case template does not move every grid boundary.
  const places = generateDemoAreas(new SeededRandom(seed));
  const departments = generateDemoDepartments(places);
  const staff = generateDemoStaff(places, departments, new SeededRandom(seed ^ 0x5eed_0001));
  const rules = generateDemoRules(places);
  const cases = generateDemoCases({ places, departments, staff, rules, now, rng: new SeededRandom(seed ^ 0x5eed_0002) });
  return {
    name: '云港市',
    nameEn: 'Yungang',
    zone: 'Asia/Shanghai',
    areas: [places.city, ...places.districts, ...places.streets, ...places.communities, ...places.grids].map((p) => p.area),
    departments,
    staff,
    rules,
    cases,
    open311ApiKey: DEMO_OPEN311_API_KEY,
  };
}
