import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../../platform/errors/app-error.ts';
import type { HttpApp } from '../../../platform/http/http-server.ts';
import { WARNINGS_PERMISSIONS as P } from './warnings.permissions.ts';
import type { WarningActor, WarningsService, WarningStatus } from './warnings.service.ts';

const STATUSES: readonly WarningStatus[] = ['raised', 'acknowledged', 'closed'];

/** Who is acting: the signed-in account or token (tests of a bare server have none). */
function actorOf(request: FastifyRequest): WarningActor {
  const p = request.principal;
  return p ? { id: p.id, label: p.label } : { id: 'anonymous' };
}

/** HTTP adapter of early warnings under /api/v1/insights/warnings. */
export function registerWarningRoutes(app: HttpApp, service: WarningsService): void {
  const tags = ['insights'];
  const params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 40 }) });
  const body = Type.Optional(Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }));

  app.get('/api/v1/insights/warnings', {
    config: { permission: P.read },
    schema: {
      tags, summary: 'Early warnings (预警), newest first; status is a comma list of raised, acknowledged, closed',
      querystring: Type.Object({
        status: Type.Optional(Type.String({ maxLength: 60 })), from: Type.Optional(Type.String({ maxLength: 40 })), to: Type.Optional(Type.String({ maxLength: 40 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
      }),
    },
  }, async (req) => {
    const statuses = req.query.status?.split(',').filter(Boolean);
    const bad = statuses?.find((s) => !(STATUSES as readonly string[]).includes(s));
    if (bad) throw new AppError({ code: 'VALIDATION_FAILED', status: 400, field: 'status', zh: `未知预警状态：${bad}`, en: `unknown warning status: ${bad}` });
    for (const [field, value] of [['from', req.query.from], ['to', req.query.to]] as const) {
      if (value !== undefined && Number.isNaN(Date.parse(value))) throw new AppError({ code: 'VALIDATION_FAILED', status: 400, field, zh: `时间格式无效：${value}`, en: `${field} is not a date: ${value}` });
    }
    return service.list({
      ...(statuses ? { statuses: statuses as WarningStatus[] } : {}),
      ...(req.query.from ? { from: new Date(req.query.from).toISOString() } : {}),
      ...(req.query.to ? { to: new Date(req.query.to).toISOString() } : {}),
      limit: req.query.limit ?? 50, offset: req.query.offset ?? 0,
    });
  });

  app.get('/api/v1/insights/warnings/:id', { config: { permission: P.read }, schema: { tags, summary: 'One warning with its evidence (counts, baseline, example cases)', params } },
    async (req) => service.get(req.params.id));

  app.post('/api/v1/insights/warnings/:id/acknowledge', { config: { permission: P.ack }, schema: { tags, summary: 'Acknowledge a raised warning (确认), with an optional note', params, body } },
    async (req) => service.acknowledge(req.params.id, actorOf(req), req.body?.note));

  app.post('/api/v1/insights/warnings/:id/close', { config: { permission: P.ack }, schema: { tags, summary: 'Close a warning (关闭), with an optional note', params, body } },
    async (req) => service.close(req.params.id, actorOf(req), req.body?.note));
}
