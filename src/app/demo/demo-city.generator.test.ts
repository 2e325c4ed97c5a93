import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CASE_STATES, CHANNELS, KINDS, URGENCIES, type CaseState } from '../../modules/cases/domain/case-types.ts';
import { categoryMatchesPrefix, DEFAULT_CATEGORIES } from '../../modules/cases/domain/default-categories.ts';
import { demoCaseState } from './demo-case-state.ts';
import type { DemoArea, DemoCity, DemoRole, DemoStep } from './demo-city.types.ts';
import { DEMO_DEFAULT_NOW, DEMO_OPEN311_API_KEY, generateDemoCity } from './demo-city.generator.ts';
import { resolveDemoRule } from './demo-organization.generator.ts';

const NOW = new Date('2026-12-03T09:30:00.000Z');
const DAY = 86_400_000;
const categoryCodes = new Set(DEFAULT_CATEGORIES.map((c) => c.code));
const leafCategories = DEFAULT_CATEGORIES.filter((c) => !DEFAULT_CATEGORIES.some((x) => x.parentCode === c.code)).map((c) => c.code);

// Strictly between 0 and 1 and off the round numbers: fast-check's doubles favour 0, 1 and 0.5, which sit on edges.
const fraction = fc.integer({ min: 1, max: 999_999 }).map((k) => (k + 0.371) / 1_000_000);
const inside = (area: DemoArea, lng: number, lat: number): boolean => booleanPointInPolygon([lng, lat], area.boundary);
const onEdge = (area: DemoArea, lng: number, lat: number): boolean =>
  inside(area, lng, lat) && !booleanPointInPolygon([lng, lat], area.boundary, { ignoreBoundary: true });

function bounds(area: DemoArea): { west: number; south: number; east: number; north: number } {
  const ring = area.boundary.coordinates[0] ?? [];
  const xs = ring.map((p) => p[0] as number);
  const ys = ring.map((p) => p[1] as number);
  return { west: Math.min(...xs), east: Math.max(...xs), south: Math.min(...ys), north: Math.max(...ys) };
}

// Shoelace area in square degrees: children tiling a parent must add up to it.
function ringArea(area: DemoArea): number {
  const ring = area.boundary.coordinates[0] ?? [];
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i] as [number, number];
    const [x2, y2] = ring[i + 1] as [number, number];
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

describe('generateDemoCity', () => {
  it('produces byte-identical output for the same seed and now', () => {
    expect(JSON.stringify(generateDemoCity(12345, NOW))).toBe(JSON.stringify(generateDemoCity(12345, NOW)));
  });

  it('produces a different city for a different seed', () => {
    const a = generateDemoCity(1, NOW);
    const b = generateDemoCity(2, NOW);
    expect(JSON.stringify(a.areas)).not.toBe(JSON.stringify(b.areas));
    expect(JSON.stringify(a.cases.slice(0, 20))).not.toBe(JSON.stringify(b.cases.slice(0, 20)));
  });

  it('defaults to seed 12345 and a fixed now, so a bare call is deterministic too', () => {
    expect(JSON.stringify(generateDemoCity())).toBe(JSON.stringify(generateDemoCity(12345, new Date(DEMO_DEFAULT_NOW))));
  });

});

describe.each([12345, 2024])('demo city with seed %i', (seed) => {
  let city: DemoCity;
  let areaByCode: Map<string, DemoArea>;
  let childrenOf: Map<string, DemoArea[]>;
  let isCentre: (code: string) => boolean;

  beforeAll(() => {
    city = generateDemoCity(seed, NOW);
    areaByCode = new Map(city.areas.map((a) => [a.code, a]));
    childrenOf = new Map();
    for (const a of city.areas) {
      if (a.parentCode) childrenOf.set(a.parentCode, [...(childrenOf.get(a.parentCode) ?? []), a]);
    }
    const centres = new Set(city.departments.filter((d) => d.kind === 'centre').map((d) => d.code));
    isCentre = (code) => centres.has(code);
  });

  describe('areas', () => {
    it('has 4–5 districts, ~4 streets each, 2–4 communities per street and 400–1,200 grids', () => {
      const count = (level: string): number => city.areas.filter((a) => a.level === level).length;
      expect(count('city')).toBe(1);
      expect(count('district')).toBeGreaterThanOrEqual(4);
      expect(count('district')).toBeLessThanOrEqual(5);
      for (const d of city.areas.filter((a) => a.level === 'district')) {
        const streets = childrenOf.get(d.code) ?? [];
        expect(streets.length).toBeGreaterThanOrEqual(3);
        expect(streets.length).toBeLessThanOrEqual(6);
        for (const s of streets) {
          expect((childrenOf.get(s.code) ?? []).length).toBeGreaterThanOrEqual(2);
          expect((childrenOf.get(s.code) ?? []).length).toBeLessThanOrEqual(4);
        }
      }
      expect(count('grid')).toBeGreaterThanOrEqual(400);
      expect(count('grid')).toBeLessThanOrEqual(1200);
    });

    it('uses unique codes that extend the parent code: 6-digit districts, +3 per level down to 15-digit grids', () => {
      expect(new Set(city.areas.map((a) => a.code)).size).toBe(city.areas.length);
      const digits: Record<string, number> = { city: 6, district: 6, street: 9, community: 12, grid: 15 };
      for (const a of city.areas) {
        expect(a.code).toMatch(new RegExp(`^\\d{${digits[a.level]}}$`));
        if (a.level === 'city') {
          expect(a.parentCode).toBeNull();
          continue;
        }
        const parent = areaByCode.get(a.parentCode ?? '');
        expect(parent, a.code).toBeDefined();
        if (a.level !== 'district') expect(a.code.startsWith(parent?.code ?? '?')).toBe(true);
        else expect(a.code.startsWith('9901')).toBe(true);
      }
    });

    it('draws closed GeoJSON rings inside the lng 120.0–120.4, lat 30.1–30.4 box', () => {
      for (const a of city.areas) {
        const ring = a.boundary.coordinates[0] ?? [];
        expect(a.boundary.type).toBe('Polygon');
        expect(ring.length).toBeGreaterThanOrEqual(4);
        expect(ring[0]).toEqual(ring[ring.length - 1]);
        const b = bounds(a);
        expect(b.west).toBeGreaterThanOrEqual(120.0);
        expect(b.east).toBeLessThanOrEqual(120.4);
        expect(b.south).toBeGreaterThanOrEqual(30.1);
        expect(b.north).toBeLessThanOrEqual(30.4);
      }
    });

    it('numbers grids west to east, then north to south, within each community', () => {
      for (const c of city.areas.filter((a) => a.level === 'community')) {
        const grids = (childrenOf.get(c.code) ?? []).slice().sort((x, y) => x.code.localeCompare(y.code));
        for (let i = 1; i < grids.length; i++) {
          const prev = bounds(grids[i - 1] as DemoArea);
          const cur = bounds(grids[i] as DemoArea);
          const sameRow = Math.abs(prev.north - cur.north) < 1e-9;
          if (sameRow) expect(cur.west).toBeGreaterThan(prev.west);
          else expect(cur.north).toBeLessThan(prev.north);
        }
      }
    });

    it('tiles every parent with its children: the children areas add up to the parent area', () => {
      for (const [parentCode, children] of childrenOf) {
        const parent = areaByCode.get(parentCode) as DemoArea;
        const total = children.reduce((sum, c) => sum + ringArea(c), 0);
        expect(Math.abs(total - ringArea(parent)) / ringArea(parent), parentCode).toBeLessThan(1e-9);
      }
    });

    it('puts every random point of a parent inside exactly one of its children (property)', () => {
      const parents = city.areas.filter((a) => childrenOf.has(a.code));
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: parents.length - 1 }),
          fraction,
          fraction,
          (i, fx, fy) => {
            const parent = parents[i] as DemoArea;
            const b = bounds(parent);
            const lng = b.west + (b.east - b.west) * fx;
            const lat = b.south + (b.north - b.south) * fy;
            const children = childrenOf.get(parent.code) ?? [];
            fc.pre(inside(parent, lng, lat) && !onEdge(parent, lng, lat) && !children.some((c) => onEdge(c, lng, lat)));
            expect(children.filter((c) => inside(c, lng, lat)).length).toBe(1);
          },
        ),
        { numRuns: 500, seed },
      );
    });

    it('resolves any random point of the city to one chain district → street → community → grid (property)', () => {
      const byLevel = (level: string): DemoArea[] => city.areas.filter((a) => a.level === level);
      const grids = byLevel('grid');
      fc.assert(
        fc.property(fraction, fraction, (fx, fy) => {
          const lng = 120.0 + 0.4 * fx;
          const lat = 30.1 + 0.3 * fy;
          fc.pre(!city.areas.some((a) => onEdge(a, lng, lat)));
          const hits = grids.filter((g) => inside(g, lng, lat));
          expect(hits.length).toBe(1);
          let at: DemoArea | undefined = hits[0];
          while (at?.parentCode) {
            at = areaByCode.get(at.parentCode);
            expect(at && inside(at, lng, lat)).toBe(true);
          }
          expect(at?.level).toBe('city');
        }),
        { numRuns: 300, seed },
      );
    });
  });

  describe('departments and staff', () => {
    it('has about 100 departments over three tiers with one city centre at the root', () => {
      expect(city.departments.length).toBeGreaterThanOrEqual(80);
      expect(city.departments.length).toBeLessThanOrEqual(120);
      const codes = new Set(city.departments.map((d) => d.code));
      expect(codes.size).toBe(city.departments.length);
      const roots = city.departments.filter((d) => d.parentCode === null);
      expect(roots).toHaveLength(1);
      expect(roots[0]).toMatchObject({ kind: 'centre', tier: 'city' });
      for (const d of city.departments) {
        if (d.parentCode) expect(codes.has(d.parentCode), d.code).toBe(true);
        expect(areaByCode.get(d.areaCode ?? '')?.level, d.code).toBe(d.tier);
        expect(d.name).toMatch(/\p{Script=Han}/u);
        expect(d.nameEn.trim()).not.toBe('');
      }
      const cityBureaus = city.departments.filter((d) => d.tier === 'city' && d.kind !== 'centre');
      expect(cityBureaus.length).toBeGreaterThanOrEqual(20);
      expect(cityBureaus.some((d) => d.kind === 'utility')).toBe(true);
    });

    it('gives every district a centre and every street an office for its own street', () => {
      for (const d of city.areas.filter((a) => a.level === 'district')) {
        expect(city.departments.filter((x) => x.areaCode === d.code && x.kind === 'centre')).toHaveLength(1);
        expect(city.departments.filter((x) => x.areaCode === d.code && x.kind === 'bureau').length).toBeGreaterThanOrEqual(6);
      }
      for (const s of city.areas.filter((a) => a.level === 'street')) {
        const offices = city.departments.filter((x) => x.areaCode === s.code);
        expect(offices).toHaveLength(1);
        expect(offices[0]).toMatchObject({ kind: 'street_office', tier: 'street' });
      }
    });

    it('staffs every role, with handlers in every non-centre department and dispatchers at every centre', () => {
      const roles = new Set(city.staff.flatMap((s) => s.roles));
      const all: DemoRole[] = ['agent', 'dispatcher', 'handler', 'supervisor', 'grid_worker', 'analyst', 'admin'];
      for (const r of all) expect(roles.has(r), r).toBe(true);
      const deptCodes = new Set(city.departments.map((d) => d.code));
      for (const s of city.staff) expect(deptCodes.has(s.departmentCode), s.code).toBe(true);
      for (const d of city.departments) {
        const roleHere = (r: DemoRole): boolean => city.staff.some((s) => s.departmentCode === d.code && s.roles.includes(r));
        expect(roleHere(d.kind === 'centre' ? 'dispatcher' : 'handler'), d.code).toBe(true);
      }
      const agents = city.staff.filter((s) => s.roles.includes('agent'));
      for (const a of agents) expect(isCentre(a.departmentCode)).toBe(true);
    });

    it('uses unique codes, Chinese names and unique fake 11-digit mobile numbers', () => {
      expect(new Set(city.staff.map((s) => s.code)).size).toBe(city.staff.length);
      expect(new Set(city.staff.map((s) => s.phone)).size).toBe(city.staff.length);
      for (const s of city.staff) {
        expect(s.phone).toMatch(/^1[3-9]\d{9}$/);
        expect(s.name).toMatch(/^\p{Script=Han}{2,3}$/u);
      }
    });

    it('assigns every grid to exactly one grid worker of the street office that covers it', () => {
      const owner = new Map<string, string>();
      for (const s of city.staff) {
        expect(Boolean(s.gridCodes?.length)).toBe(s.roles.includes('grid_worker'));
        for (const g of s.gridCodes ?? []) {
          expect(owner.has(g), g).toBe(false);
          owner.set(g, s.departmentCode);
        }
      }
      const grids = city.areas.filter((a) => a.level === 'grid');
      expect(owner.size).toBe(grids.length);
      for (const g of grids) expect(owner.get(g.code)).toBe(`${g.code.slice(0, 9)}-office`);
    });
  });

  describe('dispatch rules', () => {
    it('reference existing departments, areas (city, district or street) and categories', () => {
      const deptCodes = new Set(city.departments.map((d) => d.code));
      for (const r of city.rules) {
        expect(categoryCodes.has(r.categoryPrefix), r.categoryPrefix).toBe(true);
        expect(['city', 'district', 'street']).toContain(areaByCode.get(r.areaCode)?.level);
        expect(deptCodes.has(r.departmentCode), r.departmentCode).toBe(true);
        for (const a of r.assistingDepartmentCodes) expect(deptCodes.has(a), a).toBe(true);
        expect(r.assistingDepartmentCodes).not.toContain(r.departmentCode);
        expect(Number.isInteger(r.priority)).toBe(true);
      }
    });

    it('never has two rules for the same category prefix and area, so the winner is unambiguous', () => {
      const keys = city.rules.map((r) => `${r.categoryPrefix}@${r.areaCode}`);
      expect(new Set(keys).size).toBe(keys.length);
    });

    it('dispatches every leaf category anywhere: at the city level and in every street', () => {
      const places = city.areas.filter((a) => a.level === 'city' || a.level === 'street').map((a) => a.code);
      for (const category of leafCategories) {
        for (const area of places) expect(resolveDemoRule(city.rules, areaByCode, category, area), `${category}@${area}`).toBeDefined();
      }
    });

    it('lets a district override win over the city default and the street office win for city-management events', () => {
      const grid = city.areas.find((a) => a.level === 'grid') as DemoArea;
      const district = grid.code.slice(0, 6);
      expect(resolveDemoRule(city.rules, areaByCode, '01.01.01', grid.code)?.departmentCode).toBe(`${district}-housing`);
      expect(resolveDemoRule(city.rules, areaByCode, '01.01.01', '990100')?.departmentCode).toBe('990100-housing');
      expect(resolveDemoRule(city.rules, areaByCode, '11.05.01', grid.code)?.departmentCode).toBe(`${grid.code.slice(0, 9)}-office`);
      expect(resolveDemoRule(city.rules, areaByCode, '12.01.01', grid.code)?.departmentCode).toBe('990100-street-lighting');
      const matching = city.rules.filter((r) => categoryMatchesPrefix('11.05.01', r.categoryPrefix));
      expect(matching.length).toBeGreaterThan(2);
    });
  });

  describe('case scripts', () => {
    const stateOf = (path: DemoStep[]): CaseState => demoCaseState(path, isCentre);

    it('has about 3,000 cases with unique refs, received in the 90 days before now, in time order', () => {
      expect(city.cases.length).toBeGreaterThanOrEqual(2500);
      expect(city.cases.length).toBeLessThanOrEqual(3500);
      expect(new Set(city.cases.map((c) => c.ref)).size).toBe(city.cases.length);
      let prev = 0;
      for (const c of city.cases) {
        const t = Date.parse(c.receivedAt);
        expect(c.receivedAt).toBe(new Date(t).toISOString());
        expect(t).toBeLessThan(NOW.getTime());
        expect(t).toBeGreaterThan(NOW.getTime() - 91 * DAY);
        expect(t).toBeGreaterThanOrEqual(prev);
        prev = t;
      }
    });

    it('covers every channel, kind and urgency, with leaf categories of the default tree', () => {
      for (const ch of CHANNELS) expect(city.cases.some((c) => c.channel === ch), ch).toBe(true);
      for (const k of KINDS) expect(city.cases.some((c) => c.kind === k), k).toBe(true);
      for (const u of URGENCIES) expect(city.cases.some((c) => c.urgency === u), u).toBe(true);
      for (const c of city.cases) expect(leafCategories, c.categoryCode).toContain(c.categoryCode);
    });

    it('fills every template: titles and texts are Chinese and have no leftover placeholders', () => {
      for (const c of city.cases) {
        expect(c.title).toMatch(/\p{Script=Han}/u);
        expect(c.text.length).toBeGreaterThan(c.title.length / 2);
        expect(c.title + c.text + (c.location?.address ?? '')).not.toMatch(/[{}]|undefined/);
      }
      expect(new Set(city.cases.map((c) => c.text)).size).toBeGreaterThan(city.cases.length * 0.6);
    });

    it('places located cases inside a grid of the city with an address in the city', () => {
      const grids = city.areas.filter((a) => a.level === 'grid');
      const located = city.cases.filter((c) => c.location);
      expect(located.length).toBeGreaterThan(city.cases.length / 2);
      for (const c of located.slice(0, 400)) {
        const { lng, lat, address } = c.location as { lng: number; lat: number; address: string };
        expect(grids.filter((g) => inside(g, lng, lat))).toHaveLength(1);
        expect(address.startsWith('云港市')).toBe(true);
      }
      for (const c of city.cases.filter((x) => x.channel === 'grid' || x.channel === 'sensor')) expect(c.location).not.toBeNull();
    });

    it('gives requesters contact details unless anonymous, and grid reports the grid worker of that grid', () => {
      for (const c of city.cases) {
        if (c.requester.anonymous) expect(c.requester.phone).toBeUndefined();
        if (c.requester.phone) expect(c.requester.phone).toMatch(/^1[3-9]\d{9}$/);
      }
      const grids = city.areas.filter((a) => a.level === 'grid');
      for (const c of city.cases.filter((x) => x.channel === 'grid').slice(0, 100)) {
        const grid = grids.find((g) => inside(g, c.location?.lng ?? 0, c.location?.lat ?? 0));
        const worker = city.staff.find((s) => s.gridCodes?.includes(grid?.code ?? ''));
        expect(c.requester.phone).toBe(worker?.phone);
      }
    });

    it('orders the steps of every path strictly in time, after receipt and before now', () => {
      for (const c of city.cases) {
        let prev = Date.parse(c.receivedAt);
        for (const s of c.path) {
          const t = Date.parse(s.at);
          expect(s.at).toBe(new Date(t).toISOString());
          expect(t, `${c.ref} ${s.action}`).toBeGreaterThan(prev);
          expect(t).toBeLessThan(NOW.getTime());
          prev = t;
        }
      }
    });

    it('replays every path legally and reaches every case state', () => {
      const counts = new Map<CaseState, number>();
      for (const c of city.cases) {
        const state = stateOf(c.path);
        counts.set(state, (counts.get(state) ?? 0) + 1);
      }
      for (const state of CASE_STATES) expect(counts.get(state) ?? 0, state).toBeGreaterThanOrEqual(2);
      expect((counts.get('closed') ?? 0) / city.cases.length).toBeGreaterThan(0.7);
    });

    it('dispatches only to existing departments, mostly the one the rules pick', () => {
      const deptCodes = new Set(city.departments.map((d) => d.code));
      let auto = 0;
      for (const c of city.cases) {
        for (const s of c.path) if (s.departmentCode !== undefined) expect(deptCodes.has(s.departmentCode), s.departmentCode).toBe(true);
        if (c.path[0]?.action === 'dispatch_auto') auto++;
      }
      expect(auto).toBeGreaterThan(100);
    });

    it('answers about half of the hotline consultations directly', () => {
      const consults = city.cases.filter((c) => c.channel === 'hotline' && c.kind === 'consult');
      const direct = consults.filter((c) => c.path[0]?.action === 'direct_answer');
      expect(direct.length / consults.length).toBeGreaterThan(0.35);
      expect(direct.length / consults.length).toBeLessThan(0.65);
      for (const c of city.cases.filter((x) => x.path[0]?.action === 'direct_answer')) expect(c.path).toHaveLength(1);
    });

    it('merges duplicates into an earlier, unmerged case about the same category', () => {
      const byRef = new Map(city.cases.map((c) => [c.ref, c]));
      const merged = city.cases.filter((c) => c.path.some((s) => s.action === 'merge_into'));
      expect(merged.length).toBeGreaterThan(20);
      for (const c of merged) {
        const step = c.path.find((s) => s.action === 'merge_into');
        const parent = byRef.get((step && 'parentRef' in step && step.parentRef) || '');
        expect(parent, c.ref).toBeDefined();
        expect(Date.parse(parent?.receivedAt ?? '')).toBeLessThanOrEqual(Date.parse(c.receivedAt));
        expect(parent?.categoryCode).toBe(c.categoryCode);
        expect(stateOf(parent?.path ?? [])).not.toBe('merged');
        const parentClose = parent?.path.find((s) => s.action === 'close');
        if (parentClose) expect(Date.parse(parentClose.at)).toBeGreaterThan(Date.parse(step?.at ?? ''));
      }
    });

    it('rates closed cases mostly satisfied and re-handles some dissatisfied ones before closing', () => {
      const ratings = city.cases.flatMap((c) => c.path.flatMap((s) => ('rating' in s && s.rating ? [s.rating] : [])));
      expect(ratings.length).toBeGreaterThan(1000);
      expect(ratings.filter((r) => r >= 3).length / ratings.length).toBeGreaterThan(0.75);
      const reworked = city.cases.filter((c) => {
        const i = c.path.findIndex((s) => 'rating' in s && s.rating !== undefined && s.rating <= 2);
        return i >= 0 && c.path[i + 1]?.action === 'redispatch';
      });
      expect(reworked.length).toBeGreaterThan(10);
      expect(reworked.some((c) => stateOf(c.path) === 'closed')).toBe(true);
    });

    it('shows returns, extension requests and approvals, and supervision of late cases', () => {
      const has = (action: DemoStep['action']): number => city.cases.filter((c) => c.path.some((s) => s.action === action)).length;
      expect(has('return')).toBeGreaterThan(20);
      expect(has('request_extension')).toBeGreaterThan(20);
      expect(has('approve_extension')).toBeGreaterThan(20);
      expect(has('supervise')).toBeGreaterThan(20);
      const pendingExtension = city.cases.filter((c) => c.path[c.path.length - 1]?.action === 'request_extension');
      const approvedStillHandling = city.cases.filter((c) => stateOf(c.path) === 'handling' && c.path.some((s) => s.action === 'approve_extension'));
      expect(pendingExtension.length + approvedStillHandling.length).toBeGreaterThan(0);
    });

    it('keeps handling cases both overdue (signed for weeks ago) and fresh (signed for in the last two days)', () => {
      const handling = city.cases.filter((c) => stateOf(c.path) === 'handling');
      const signedAgo = (c: (typeof handling)[number]): number => {
        const signs = c.path.filter((s) => s.action === 'sign_for');
        return NOW.getTime() - Date.parse(signs[signs.length - 1]?.at ?? '');
      };
      expect(handling.filter((c) => signedAgo(c) > 14 * DAY).length).toBeGreaterThan(0);
      expect(handling.filter((c) => signedAgo(c) < 2 * DAY).length).toBeGreaterThan(0);
    });

    it('signs for most cases within hours of dispatch and replies within days', () => {
      const signDelays: number[] = [];
      const replyDelays: number[] = [];
      for (const c of city.cases) {
        c.path.forEach((s, i) => {
          const prev = c.path[i - 1];
          if (s.action === 'sign_for' && prev) signDelays.push(Date.parse(s.at) - Date.parse(prev.at));
          if (s.action === 'reply') {
            const sign = c.path.slice(0, i).filter((x) => x.action === 'sign_for').pop();
            if (sign) replyDelays.push(Date.parse(s.at) - Date.parse(sign.at));
          }
        });
      }
      const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
      expect(median(signDelays)).toBeLessThan(12 * 3_600_000);
      expect(Math.max(...signDelays)).toBeLessThan(4 * DAY);
      expect(median(replyDelays)).toBeGreaterThan(3_600_000);
      expect(median(replyDelays)).toBeLessThan(10 * DAY);
    });

    it('carries the demo-only Open311 key', () => {
      expect(city.open311ApiKey).toBe(DEMO_OPEN311_API_KEY);
      expect(city.open311ApiKey).toBe('demo-open311-key');
      expect(city.zone).toBe('Asia/Shanghai');
    });
  });
});
