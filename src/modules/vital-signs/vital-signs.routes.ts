import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../platform/http/http-server.ts';
import { AREA_LEVELS } from '../places/index.ts';
import { DIMENSIONS } from './domain/catalogue.ts';
import { PERIOD_KINDS } from './domain/periods.ts';
import { VITALS_PERMISSIONS as P } from './vital-signs.permissions.ts';
import { LEDGER_KINDS } from './domain/ledger-rules.ts';
import type { VitalSignsService } from './vital-signs.service.ts';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const AreaKey = Type.String({ minLength: 1, maxLength: 80 });
const Period = Type.Enum(PERIOD_KINDS);
const ScoreQuerySchema = Type.Object({ area: Type.Optional(AreaKey), period: Type.Optional(Period), date: Type.Optional(Day) });
const Weight = Type.Object({ weight: Type.Number({ minimum: 0, maximum: 1000 }) }, { additionalProperties: false });

const actorOf = (req: FastifyRequest): { id: string | null } => ({ id: req.principal?.id ?? null });
const list = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** HTTP adapter of the vital-signs module under /api/v1/vitals. */
export function vitalSignsRoutes(app: HttpApp, service: VitalSignsService): void {
  const tags = ['vitals'];

  app.get('/api/v1/vitals/scores', { config: { permission: P.read },
    schema: { tags, summary: 'The index of an area (default: the city) for a period (now = rolling 24 h, day, week, month): overall, four dimensions with their top losses, children', querystring: ScoreQuerySchema },
  }, async (req) => service.scores(req.query));

  app.get('/api/v1/vitals/dimensions/:dimension', { config: { permission: P.read },
    schema: { tags, summary: 'Drill-down: a dimension\'s indicators in an area, biggest losses first', params: Type.Object({ dimension: Type.Enum(DIMENSIONS) }), querystring: ScoreQuerySchema },
  }, async (req) => service.dimension({ ...req.query, dimension: req.params.dimension }));

  app.get('/api/v1/vitals/indicators/:code', { config: { permission: P.read },
    schema: { tags, summary: 'Drill-down: one indicator in an area and the areas below that lost points on it', params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) }), querystring: ScoreQuerySchema },
  }, async (req) => service.indicator({ ...req.query, code: req.params.code }));

  app.get('/api/v1/vitals/deductions', { config: { permission: P.read },
    schema: {
      tags, summary: 'Drill-down: the ledger rows behind a score (area subtree, period, indicator), each with its case (link to /api/v1/cases/:id) or alarm',
      querystring: Type.Object({
        area: Type.Optional(AreaKey), period: Type.Optional(Period), date: Type.Optional(Day), indicator: Type.Optional(Type.String({ maxLength: 40 })),
        kind: Type.Optional(Type.Enum(LEDGER_KINDS)), caseId: Type.Optional(Type.String({ maxLength: 40 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
      }),
    },
  }, async (req) => service.deductions(req.query));

  app.get('/api/v1/vitals/compare', { config: { permission: P.read },
    schema: { tags, summary: 'Scores of several areas (comma list of ids or codes) over several periods (comma list of dates)', querystring: Type.Object({ areas: Type.String({ minLength: 1, maxLength: 4000 }), period: Type.Optional(Period), dates: Type.Optional(Type.String({ maxLength: 400 })) }) },
  }, async (req) => service.compare({ areas: list(req.query.areas), period: req.query.period ?? 'day', dates: list(req.query.dates) }));

  app.get('/api/v1/vitals/top-deductions', { config: { permission: P.read },
    schema: { tags, summary: 'The day\'s largest deductions by indicator and area (rolled up to a level), with the cases behind them', querystring: Type.Object({ date: Type.Optional(Day), area: Type.Optional(AreaKey), level: Type.Optional(Type.Enum(AREA_LEVELS)), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }) },
  }, async (req) => service.topDeductions(req.query));

  app.get('/api/v1/vitals/trend', { config: { permission: P.read },
    schema: { tags, summary: 'Daily scores of an area from the snapshots (each with the catalogue version it was computed with), today live', querystring: Type.Object({ area: Type.Optional(AreaKey), from: Day, to: Day }) },
  }, async (req) => service.trend(req.query));

  app.get('/api/v1/vitals/status', { config: { permission: P.read }, schema: { tags, summary: 'What the index holds: catalogue version, ledger rows, cells, cases that could not be placed' } },
    async () => service.status());

  app.get('/api/v1/vitals/catalogue', { config: { permission: P.read }, schema: { tags, summary: 'The indicator catalogue in force' } }, async () => service.catalogue());
  app.get('/api/v1/vitals/catalogue/versions', { config: { permission: P.read }, schema: { tags, summary: 'Every catalogue version, newest first' } }, async () => ({ items: await service.catalogueVersions() }));
  app.get('/api/v1/vitals/catalogue/versions/:version', { config: { permission: P.read }, schema: { tags, summary: 'One catalogue version with its body', params: Type.Object({ version: Type.Integer({ minimum: 1 }) }) } },
    async (req) => service.catalogueVersion(req.params.version));

  app.put('/api/v1/vitals/catalogue', { config: { permission: P.admin },
    schema: { tags, summary: 'Store a new catalogue version (validated; an unchanged body keeps the current version)', body: Type.Object({ catalogue: Type.Object({}, { additionalProperties: true }), note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }) },
  }, async (req) => service.replaceCatalogue(req.body.catalogue, actorOf(req), req.body.note));

  app.patch('/api/v1/vitals/catalogue/indicators/:code', { config: { permission: P.admin },
    schema: { tags, summary: 'Change an indicator\'s weight (a new catalogue version)', params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) }), body: Weight },
  }, async (req) => service.setIndicatorWeight(req.params.code, req.body.weight, actorOf(req)));

  app.patch('/api/v1/vitals/catalogue/dimensions/:dimension', { config: { permission: P.admin },
    schema: { tags, summary: 'Change a dimension\'s weight (a new catalogue version)', params: Type.Object({ dimension: Type.Enum(DIMENSIONS) }), body: Weight },
  }, async (req) => service.setDimensionWeight(req.params.dimension, req.body.weight, actorOf(req)));

  app.post('/api/v1/vitals/snapshots', { config: { permission: P.admin },
    schema: { tags, summary: 'Freeze a completed day\'s scores (force replaces an earlier snapshot)', body: Type.Object({ date: Day, force: Type.Optional(Type.Boolean()) }, { additionalProperties: false }) },
  }, async (req) => service.snapshot(req.body.date, { force: req.body.force ?? false }));

  app.post('/api/v1/vitals/attribute-areas', { config: { permission: P.admin },
    schema: {
      tags, summary: 'Score imported history by an attribute of its source rows (e.g. NYC 311 Borough): a root for the source, an area per value, external id → area',
      body: Type.Object({
        source: Type.String({ minLength: 1, maxLength: 40 }), name: Type.String({ minLength: 1, maxLength: 100 }),
        entries: Type.Array(Type.Object({ externalId: Type.String({ minLength: 1, maxLength: 100 }), value: Type.String({ maxLength: 100 }) }, { additionalProperties: false }), { maxItems: 50_000 }),
      }, { additionalProperties: false }),
    },
  }, async (req) => service.mapAreas(req.body));
}
