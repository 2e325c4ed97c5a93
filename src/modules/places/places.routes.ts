import { Type } from 'typebox';
import type { HttpApp } from '../../platform/http/http-server.ts';
import { PLACES_PERMISSIONS } from './places.permissions.ts';
import { errors } from '../../platform/errors/app-error.ts';
import { AREA_LEVELS } from './domain/area.ts';
import { parseAreasFeatureCollection } from './domain/geojson-import.ts';
import type { PlacesService } from './places.service.ts';

const AreaSummarySchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  level: Type.Enum(AREA_LEVELS),
  parentId: Type.Union([Type.String(), Type.Null()]),
});

const AreaImportReportSchema = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  errors: Type.Array(Type.Object({
    index: Type.Integer(),
    code: Type.String(),
    reason: Type.String(),
    reasonZh: Type.Optional(Type.String()),
  })),
});

/** HTTP adapter of the places module under /api/v1/places. */
export function placesRoutes(app: HttpApp, service: PlacesService): void {
  const tags = ['places'];
  app.get('/api/v1/places/areas', { config: { permission: PLACES_PERMISSIONS.read },
    schema: {
      tags,
      summary: 'List areas (filter by level and/or parent)',
      querystring: Type.Object({ level: Type.Optional(Type.Enum(AREA_LEVELS)), parentId: Type.Optional(Type.String({ maxLength: 40 })) }),
      response: { 200: Type.Object({ items: Type.Array(AreaSummarySchema) }) },
    },
  }, async (req) => ({ items: service.listAreas({ ...(req.query.level ? { level: req.query.level } : {}), ...(req.query.parentId ? { parentId: req.query.parentId } : {}) }) }));

  app.get('/api/v1/places/areas/:id', { config: { permission: PLACES_PERMISSIONS.read },
    schema: { tags, summary: 'One area with its boundary and lineage', params: Type.Object({ id: Type.String({ maxLength: 40 }) }) },
  }, async (req) => {
    const area = service.getArea(req.params.id) ?? service.getAreaByCode(req.params.id);
    if (!area) throw errors.notFound('area', req.params.id, '区域');
    return { ...area, lineage: service.lineage(area.id), boundary: service.boundaryOf(area.id) };
  });

  app.get('/api/v1/places/locate', { config: { permission: PLACES_PERMISSIONS.read },
    schema: {
      tags,
      summary: 'The smallest area containing a point (WGS84 lng/lat)',
      querystring: Type.Object({ lng: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }) }),
    },
  }, async (req) => {
    const area = service.locate(req.query.lng, req.query.lat);
    if (!area) throw errors.validation('lng,lat', '该位置不在本市范围内', 'The point is outside the city', { lng: req.query.lng, lat: req.query.lat });
    return { area, lineage: service.lineage(area.id) };
  });

  app.get('/api/v1/places/areas.geojson', { config: { permission: PLACES_PERMISSIONS.read },
    schema: {
      tags,
      summary: 'Areas of one level as a GeoJSON FeatureCollection (for maps; re-importable with POST /areas/import)',
      querystring: Type.Object({ level: Type.Enum(AREA_LEVELS), parentId: Type.Optional(Type.String({ maxLength: 40 })) }),
    },
  }, async (req) => ({
    type: 'FeatureCollection',
    features: service
      .listAreas({ level: req.query.level })
      .filter((a) => !req.query.parentId || service.isWithin(a.id, req.query.parentId))
      .map((a) => ({ type: 'Feature', id: a.id, properties: { code: a.code, name: a.name, level: a.level, parentId: a.parentId, parentCode: a.parentId ? (service.getArea(a.parentId)?.code ?? null) : null }, geometry: service.boundaryOf(a.id) })),
  }));

  app.post('/api/v1/places/areas/import', { config: { permission: PLACES_PERMISSIONS.admin },
    schema: {
      tags,
      summary: 'Create or update areas from a GeoJSON FeatureCollection (properties code, name, level, parentCode); per-feature errors by index',
      body: Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Unknown()) }),
      response: { 200: AreaImportReportSchema },
    },
  }, async (req) => {
    const parsed = parseAreasFeatureCollection(req.body);
    const report = await service.importAreas(parsed.areas);
    // The service counts positions in parsed.areas (parents first); people look for the feature's place in their file.
    const errors = [
      ...parsed.errors.map((e) => ({ index: e.index, code: e.code, reason: e.en, reasonZh: e.zh })),
      ...report.errors.map((e) => ({ index: parsed.areas[e.index]?.index ?? e.index, code: e.code, reason: e.reason })),
    ].sort((a, b) => a.index - b.index);
    return { created: report.created, updated: report.updated, unchanged: report.unchanged, errors };
  });
}
