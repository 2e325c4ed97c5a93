import { Type } from 'typebox';
import type { HttpApp } from '../../../platform/http/http-server.ts';
import { BRIEFING_PERMISSIONS as P } from './briefing.permissions.ts';
import type { BriefingService } from './briefing.service.ts';

/** HTTP adapter of daily briefings under /api/v1/insights/briefings. */
export function registerBriefingRoutes(app: HttpApp, service: BriefingService): void {
  const tags = ['insights'];
  const params = Type.Object({ date: Type.String({ minLength: 10, maxLength: 10 }) });

  app.get('/api/v1/insights/briefings', {
    config: { permission: P.read },
    schema: { tags, summary: 'Stored daily briefings (日报), newest first', querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })) }) },
  }, async (req) => ({ items: await service.list(req.query.limit ?? 30) }));

  app.post('/api/v1/insights/briefings', {
    config: { permission: P.generate },
    schema: { tags, summary: 'Generate (or regenerate) the briefing of a day now; date defaults to yesterday', body: Type.Object({ date: Type.Optional(Type.String({ minLength: 10, maxLength: 10 })) }, { additionalProperties: false }) },
  }, async (req, reply) => reply.status(201).send(await service.generate(req.body.date, req.principal?.id ?? null)));

  app.get('/api/v1/insights/briefings/:date.html', {
    config: { permission: P.read },
    schema: { tags, summary: 'The briefing of a day as a print-friendly Chinese web page (generated on first request)', params },
  }, async (req, reply) => reply.type('text/html; charset=utf-8').send(await service.html(req.params.date, req.principal?.id ?? null)));

  app.get('/api/v1/insights/briefings/:date.xlsx', {
    config: { permission: P.read },
    schema: { tags, summary: 'The briefing of a day as an xlsx workbook (generated on first request)', params },
  }, async (req, reply) =>
    reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="briefing-${req.params.date}.xlsx"`)
      .send(await service.xlsx(req.params.date, req.principal?.id ?? null)));

  app.get('/api/v1/insights/briefings/:date', {
    config: { permission: P.read },
    schema: { tags, summary: 'The briefing of a day as JSON (generated on first request)', params },
  }, async (req) => service.get(req.params.date, req.principal?.id ?? null));
}
