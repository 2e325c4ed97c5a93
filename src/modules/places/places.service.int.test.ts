import { mkdtempSync, rmSync } from 'node:fs';
import { TEST_DATA_KEYS } from '../../../test/support/test-keys.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_WORLD } from '../../../test/support/small-world.ts';
import { ALL_MIGRATIONS, compose, type CityLoop } from '../../app/compose.ts';
import { loadConfig } from '../../app/config.ts';
import { ManualClock } from '../../platform/clock/clock.ts';
import { openDatabase, type Database } from '../../platform/db/database.ts';
import type { ErrorBody, HttpApp } from '../../platform/http/http-server.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../../platform/testing/test-database.ts';
import type { AreaGeometry } from './domain/area.ts';

type ImportBody = { created: number; updated: number; unchanged: number; errors: Array<{ index: number; code: string; reason: string; reasonZh?: string }> };
type FeatureCollection = { type: 'FeatureCollection'; features: Array<{ type: 'Feature'; properties: Record<string, unknown>; geometry: unknown }> };

const sq = (x0: number, y0: number, x1: number, y1: number): AreaGeometry => ({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });
const feature = (properties: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature' as const, properties, geometry });
/** The small world as the GeoJSON file a city would upload, children listed before their parents. */
const smallWorldCollection = (): FeatureCollection => ({
  type: 'FeatureCollection',
  features: [...SMALL_WORLD.areas].reverse().map((a) => feature({ code: a.code, name: a.name, level: a.level, parentCode: a.parentCode }, a.boundary)),
});

const config = () => loadConfig({}, { logLevel: 'silent', schedulerIntervalMs: 60_000, ...TEST_DATA_KEYS });
const composeOver = (database: Database) => compose(config(), { database, clock: new ManualClock('2026-12-01T01:00:00Z'), defaultMetrics: false, openAuth: true });

async function post(http: HttpApp, url: string, payload: unknown) {
  const res = await http.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });
  return { status: res.statusCode, body: res.json<ImportBody & ErrorBody>() };
}

describe(`places: areas, import and point lookup on ${testEngine()}`, () => {
  let database: TestDatabase;
  let app: CityLoop;
  let http: HttpApp;
  const id = (code: string) => app.places.api.getAreaByCode(code)?.id ?? `missing ${code}`;
  const codes = (ids: readonly string[]) => ids.map((x) => app.places.api.getArea(x)?.code);

  beforeAll(async () => {
    database = await openTestDatabase(ALL_MIGRATIONS);
    app = await composeOver(database);
    await app.start({ background: false });
    http = await app.http();
    await http.ready();
  });
  afterAll(async () => {
    await http?.close();
    await app?.close();
    await database?.close();
  });

  it('imports the small world from a FeatureCollection over HTTP, children before parents, and a re-import changes nothing', async () => {
    const first = await post(http, '/api/v1/places/areas/import', smallWorldCollection());
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ created: 8, updated: 0, unchanged: 0, errors: [] });
    const again = await post(http, '/api/v1/places/areas/import', smallWorldCollection());
    expect(again.body).toEqual({ created: 0, updated: 0, unchanged: 8, errors: [] });
    await app.places.service.load(); // from the table, not the in-memory copy
    expect(app.places.api.count()).toBe(8);
    expect(app.places.api.root()?.code).toBe('990100');
    expect(app.places.api.getArea(id('990101001001002'))?.parentId).toBe(id('990101001'));
  });

  it('reports an unclosed ring, an unknown level and a missing parent by feature index and still imports the good features', async () => {
    const unclosed = { type: 'Polygon', coordinates: [[[120.0, 30.0], [120.1, 30.0], [120.1, 30.1], [120.0, 30.1]]] };
    const res = await post(http, '/api/v1/places/areas/import', {
      type: 'FeatureCollection',
      features: [
        feature({ code: '990101001001', name: '东一社区', level: 'community', parentCode: '990101001' }, sq(120.1, 30.0, 120.2, 30.1)),
        feature({ code: '990102001001', name: '西一社区', level: 'community', parentCode: '990102001' }, unclosed),
        feature({ code: '990102001002', name: '西二社区', level: 'planet', parentCode: '990102001' }, sq(120.0, 30.1, 120.1, 30.2)),
        // A street sorts before the communities inside the service: its error must still carry its own position.
        feature({ code: '990199001', name: '无主街道', level: 'street', parentCode: '990199' }, sq(120.0, 30.0, 120.1, 30.1)),
        feature({ code: '990102001003', name: '西三社区', level: '社区', parent_code: '990102001' }, null),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(2);
    expect(res.body.errors.map((e) => [e.index, e.code])).toEqual([[1, '990102001001'], [2, '990102001002'], [3, '990199001']]);
    expect(res.body.errors[0]?.reason).toMatch(/not closed/);
    expect(res.body.errors[0]?.reasonZh).toMatch(/未闭合/);
    expect(res.body.errors[1]?.reason).toMatch(/unknown area level: planet/);
    expect(res.body.errors[2]?.reason).toMatch(/parent area 990199 not found/);
    expect(app.places.api.getAreaByCode('990101001001')?.parentId).toBe(id('990101001'));
    expect(app.places.api.getAreaByCode('990102001003')?.level).toBe('community');
    for (const code of ['990102001001', '990102001002', '990199001']) expect(app.places.api.getAreaByCode(code)).toBeNull();
  });

  it('refuses a batch that would make the tree invalid and changes nothing, not even its good features', async () => {
    const before = app.places.api.count();
    const res = await post(http, '/api/v1/places/areas/import', {
      type: 'FeatureCollection',
      features: [
        feature({ code: '990102001009', name: '西九社区', level: 'community', parentCode: '990102001' }, null),
        // A street turned into a grid would leave its grids (and community) under a grid.
        feature({ code: '990101001', name: '东一街道', level: 'grid', parentCode: '990101' }, sq(120.1, 30.0, 120.2, 30.2)),
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('PLACES_INVALID_AREA_TREE');
    await app.places.service.load();
    expect(app.places.api.count()).toBe(before);
    expect(app.places.api.getAreaByCode('990101001')?.level).toBe('street');
    expect(app.places.api.getAreaByCode('990102001009')).toBeNull();
  });

  it('refuses a second top-level area and a district without a parent', async () => {
    const report = await app.places.api.importAreas([
      { code: '880100', name: '别的市', level: 'city', parentCode: null, boundary: null },
      { code: '990199', name: '孤儿区', level: 'district', parentCode: null, boundary: null },
    ]);
    expect(report.created).toBe(0);
    expect(report.errors.map((e) => e.code)).toEqual(['880100', '990199']);
    expect(app.places.api.root()?.code).toBe('990100');
  });

  it('refuses a body that is not a FeatureCollection with a coded error', async () => {
    const res = await post(http, '/api/v1/places/areas/import', { type: 'Feature', properties: {}, geometry: null });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('locates the grid for a point in each grid and nothing outside the city', () => {
    const at = (lng: number, lat: number) => app.places.api.locate(lng, lat)?.code ?? null;
    expect(at(120.15, 30.05)).toBe('990101001001001');
    expect(at(120.15, 30.15)).toBe('990101001001002');
    expect(at(120.05, 30.1)).toBe('990102001001001');
    expect(at(120.05, 30.19)).toBe('990102001001001');
    expect(at(121.5, 31.2)).toBeNull();
    expect(at(119.99, 30.1)).toBeNull();
  });

  it('walks the tree: lineage up to the city, isWithin, and subtrees breadth-first', () => {
    const api = app.places.api;
    expect(api.lineage(id('990101001001002')).map((a) => a.code)).toEqual(['990101001001002', '990101001', '990101', '990100']);
    expect(api.lineage(id('990100')).map((a) => a.code)).toEqual(['990100']);
    expect(api.lineage('are_unknown')).toEqual([]);
    expect(api.isWithin(id('990101001001001'), id('990101'))).toBe(true);
    expect(api.isWithin(id('990101001001001'), id('990102'))).toBe(false);
    expect(api.isWithin(id('990102'), id('990102'))).toBe(true);
    expect(api.isWithin(id('990100'), id('990101'))).toBe(false);
    expect(codes(api.subtreeIds(id('990102')))).toEqual(['990102', '990102001', '990102001001001', '990102001003']);
    expect(codes(api.subtreeIds(id('990101001')))).toEqual(['990101001', '990101001001', '990101001001001', '990101001001002']);
    expect(api.subtreeIds(id('990100'))).toHaveLength(api.count());
    expect(api.subtreeIds('are_unknown')).toEqual([]);
  });

  it('answers /places/locate with the grid and its lineage, and 400 VALIDATION_FAILED outside the city', async () => {
    const ok = await http.inject({ method: 'GET', url: '/api/v1/places/locate?lng=120.15&lat=30.05' });
    expect(ok.statusCode).toBe(200);
    const body = ok.json<{ area: { code: string }; lineage: Array<{ code: string }> }>();
    expect(body.area.code).toBe('990101001001001');
    expect(body.lineage.map((a) => a.code)).toEqual(['990101001001001', '990101001', '990101', '990100']);
    const outside = await http.inject({ method: 'GET', url: '/api/v1/places/locate?lng=121.5&lat=31.2' });
    expect(outside.statusCode).toBe(400);
    expect(outside.json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');
  });

  it('serves the grids as a FeatureCollection with their boundaries, optionally under one parent', async () => {
    const all = await http.inject({ method: 'GET', url: '/api/v1/places/areas.geojson?level=grid' });
    expect(all.statusCode).toBe(200);
    const fc = all.json<FeatureCollection>();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.map((f) => f.properties.code).sort()).toEqual(['990101001001001', '990101001001002', '990102001001001']);
    expect(fc.features.every((f) => (f.geometry as AreaGeometry).type === 'Polygon')).toBe(true);
    const east = await http.inject({ method: 'GET', url: `/api/v1/places/areas.geojson?level=grid&parentId=${id('990101')}` });
    expect(east.json<FeatureCollection>().features).toHaveLength(2);
  });

  it('re-imports its own GeoJSON export without changing the tree', async () => {
    const exported: FeatureCollection = { type: 'FeatureCollection', features: [] };
    for (const level of ['city', 'district', 'street', 'community', 'grid']) {
      const res = await http.inject({ method: 'GET', url: `/api/v1/places/areas.geojson?level=${level}` });
      exported.features.push(...res.json<FeatureCollection>().features);
    }
    const res = await post(http, '/api/v1/places/areas/import', exported);
    expect(res.body).toEqual({ created: 0, updated: 0, unchanged: app.places.api.count(), errors: [] });
  });
});

describe(`places: a second process on the same ${testEngine()} database`, () => {
  let dir: string | undefined;
  let first: Database;
  let second: Database;
  let cleanup: () => Promise<void> = async () => {};

  beforeAll(async () => {
    if (testEngine() === 'postgres') {
      const test = await openTestDatabase(ALL_MIGRATIONS);
      first = test;
      second = await openDatabase(test.reopenUrl);
      cleanup = () => test.close();
    } else {
      // Two :memory: handles would be two databases: this test needs a file both can open.
      dir = mkdtempSync(join(tmpdir(), 'cityloop-places-'));
      first = await openDatabase(join(dir, 'city.sqlite'));
      second = await openDatabase(join(dir, 'city.sqlite'));
      cleanup = () => first.close();
    }
  });
  afterAll(async () => {
    await second?.close();
    await cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sees areas imported by another app once its event bus delivers places.areas.imported', async () => {
    const cli = await composeOver(first);
    const server = await composeOver(second);
    try {
      await cli.start({ background: false });
      await server.start({ background: false });
      expect(server.places.api.count()).toBe(0);
      const report = await cli.places.api.importAreas(SMALL_WORLD.areas);
      expect(report.created).toBe(8);
      expect(server.places.api.locate(120.15, 30.05)).toBeNull(); // not before delivery
      await server.bus.drain();
      expect(server.places.api.count()).toBe(8);
      expect(server.places.api.locate(120.15, 30.05)?.code).toBe('990101001001001');
    } finally {
      await server.close();
      await cli.close();
    }
  });

  // Known bug: outbox cursors are kept per subscriber NAME in the shared table, so the CLI's own
  // drain (cli.ts withApp) consumes places.areas.imported for every process. Flip to `it` once fixed.
  it('still reloads when the importing process drained its own bus first, as the CLI does before exiting', async () => {
    const cli = await composeOver(first);
    const server = await composeOver(second);
    try {
      await cli.start({ background: false });
      await server.start({ background: false });
      await cli.places.api.importAreas([{ code: '990102001001', name: '西一社区', level: 'community', parentCode: '990102001', boundary: null }]);
      await cli.bus.drain();
      await server.bus.drain();
      expect(server.places.api.getAreaByCode('990102001001')).not.toBeNull();
    } finally {
      await server.close();
      await cli.close();
    }
  });
});
