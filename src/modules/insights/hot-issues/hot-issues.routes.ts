import { Type } from 'typebox';
import type { HttpApp } from '../../../platform/http/http-server.ts';
import { HOT_ISSUES_PERMISSIONS as P } from './hot-issues.permissions.ts';
import type { HotIssuesService } from './hot-issues.service.ts';

/** HTTP adapter of hot issues under /api/v1/insights/hot-issues. */
export function registerHotIssueRoutes(app: HttpApp, service: HotIssuesService): void {
  const tags = ['insights'];
  const When = Type.String({ minLength: 10, maxLength: 40 });

  app.post('/api/v1/insights/hot-issues/runs', {
    config: { permission: P.mine },
    schema: {
      tags, summary: 'Mine the hot issues (热点问题) of a period now and store the ranking; from/to are local dates YYYY-MM-DD (both included) or ISO instants',
      body: Type.Object({ from: When, to: When, top: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), minRequesters: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false }),
    },
  }, async (req, reply) => reply.status(201).send(await service.mine(req.body, req.principal?.id ?? null)));

  app.get('/api/v1/insights/hot-issues/runs', {
    config: { permission: P.read },
    schema: { tags, summary: 'Stored hot-issue runs, newest first (without their issues)', querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }) },
  }, async (req) => ({ items: await service.runs(req.query.limit ?? 20) }));

  app.get('/api/v1/insights/hot-issues/runs/latest', { config: { permission: P.read }, schema: { tags, summary: 'The most recent hot-issue ranking (null when none was mined yet)' } },
    async () => ({ run: await service.latest() }));

  app.get('/api/v1/insights/hot-issues/runs/:id', {
    config: { permission: P.read },
    schema: { tags, summary: 'One stored hot-issue ranking: per issue rank, heat and its factors, time range, place or group, description and messages', params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 40 }) }) },
  }, async (req) => service.get(req.params.id));
}
