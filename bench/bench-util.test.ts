import fc from 'fast-check';
import { decodeTime } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, type CityLoop } from '../src/app/compose.ts';
import { caseToRow, rowToCase } from '../src/modules/cases/cases.repository.ts';
import { kpiVector } from '../src/modules/cases/domain/kpi.ts';
import { isId } from '../src/platform/ids/ids.ts';
import { benchConfig, fastId, isoAt, loadDemoWorld, median, quantile, syntheticCases, type DemoWorld, type SyntheticCase } from './bench-util.ts';

describe('statistics', () => {
  it('takes the middle value as the median, the upper one for an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(3);
    expect(() => median([])).toThrow(RangeError);
  });

  it('reads quantiles by nearest rank from a sorted list', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(sorted, 0.5)).toBe(50);
    expect(quantile(sorted, 0.99)).toBe(99);
    expect(quantile(sorted, 1)).toBe(100);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('fast ids and timestamps', () => {
  it('formats an instant exactly like Date#toISOString', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => isoAt(ms) === new Date(ms).toISOString()));
  });

  it('makes prefixed ULIDs that carry their instant', () => {
    const at = Date.UTC(2026, 5, 1, 8, 30);
    const id = fastId('cas', at + 0.7);
    expect(isId('cas', id)).toBe(true);
    expect(decodeTime(id.slice(4))).toBe(at);
  });
});

describe('synthetic cases', () => {
  let app: CityLoop;
  let world: DemoWorld;
  let cases: SyntheticCase[];
  const now = new Date('2026-12-01T02:00:00Z');

  beforeAll(async () => {
    app = await compose(benchConfig({ url: ':memory:', label: 'memory', engine: 'sqlite', drop: async () => {} }), { defaultMetrics: false });
    await app.start({ background: false });
    world = await loadDemoWorld(app, now);
    const gen = syntheticCases(
      { city: world.city, calendar: app.calendar, places: app.places.api, org: app.organization.api, phoneKey: (p) => app.dataKeys.cipher.keyedHash(p) },
      { from: '2026-06-01', days: 180, total: 5_000, now },
    );
    cases = [...gen];
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('makes exactly the number asked for, in time order, each on its local day with a unique number', () => {
    expect(cases).toHaveLength(5_000);
    for (let i = 1; i < cases.length; i++) expect(cases[i]!.record.receivedAt >= cases[i - 1]!.record.receivedAt).toBe(true);
    for (const c of cases) expect(app.calendar.localDate(new Date(c.record.receivedAt))).toBe(c.receivedDay);
    expect(new Set(cases.map((c) => c.record.number)).size).toBe(cases.length);
  });

  it('routes dispatched cases to handling departments, never to a dispatch centre', () => {
    const handled = cases.filter((c) => ['dispatched', 'handling', 'resolved', 'closed'].includes(c.record.state) && c.record.mainDepartmentId);
    expect(handled.length).toBeGreaterThan(4_000);
    for (const c of handled) expect(app.organization.api.getDepartment(c.record.mainDepartmentId!)?.kind).not.toBe('centre');
    for (const c of cases) for (const a of c.assignments) expect(a.caseId).toBe(c.record.id);
  });

  it('mixes outcomes the way a hotline sees them', () => {
    const share = (p: (c: SyntheticCase) => boolean): number => cases.filter(p).length / cases.length;
    expect(share((c) => c.record.outcome === 'direct_answer')).toBeGreaterThan(0.05);
    expect(share((c) => c.record.overdue)).toBeGreaterThan(0.02);
    expect(share((c) => c.record.rating !== null)).toBeGreaterThan(0.5);
    expect(share((c) => c.record.returnCount > 0)).toBeGreaterThan(0.005);
    expect(share((c) => c.record.reopenCount > 0)).toBeGreaterThan(0.001);
  });

  it('stores the KPI vector of the case and survives the repository row mapping (with encryption) unchanged', () => {
    const cipher = app.dataKeys.cipher;
    for (const c of cases.slice(0, 500)) {
      expect(c.kpi).toEqual(kpiVector(c.record, c.assignments));
      const row = caseToRow(c.record, c.receivedDay, c.nextCheckAt, c.kpi, cipher);
      if (c.record.requesterPhone) expect(row.requester_phone).not.toBe(c.record.requesterPhone);
      expect({ ...rowToCase(row as Parameters<typeof rowToCase>[0], cipher) }).toEqual(c.record);
    }
  });
});
