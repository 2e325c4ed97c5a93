import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { errors } from '../../platform/errors/app-error.ts';
import type { HttpApp } from '../../platform/http/http-server.ts';
import { KINDS, URGENCIES } from '../cases/index.ts';
import { INSIGHTS_PERMISSIONS as P } from './insights.permissions.ts';
import type { InsightsService } from './insights.service.ts';

const Id = Type.String({ minLength: 1, maxLength: 40 });
// Longer texts are accepted and cut to MAX_TEXT_CHARS for analysis (the result says so): a pasted
// document must not make the suggestion box fail while the agent types.
const Text = Type.String({ maxLength: 200_000 });
const Paging = { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })) };

const actorId = (req: FastifyRequest): string | null => req.principal?.id ?? null;

/** Whether the caller of a request may see a case (the cases module's data scope). */
export type CaseVisibility = (request: FastifyRequest, idOrNumber: string) => Promise<boolean>;

/** HTTP adapter of classification, duplicates and reply quality under /api/v1/insights. */
export function insightsRoutes(app: HttpApp, service: InsightsService, canSee: CaseVisibility = async () => true): void {
  const tags = ['insights'];
  // Out of scope reads as absent, exactly like the cases routes answer.
  const mustSee = async (req: FastifyRequest, id: string) => {
    if (!(await canSee(req, id))) throw errors.notFound('case', id, '工单');
  };

  app.post('/api/v1/insights/suggest', {
    config: { permission: P.read },
    schema: {
      tags, summary: 'While the agent types: top-3 categories with calibrated confidence, the department (responsibility list, area of the place), the time limit, and possible duplicates',
      body: Type.Object({
        title: Type.Optional(Type.String({ maxLength: 2_000 })), text: Text,
        lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })), lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
        kind: Type.Optional(Type.Enum(KINDS)), urgency: Type.Optional(Type.Enum(URGENCIES)),
      }, { additionalProperties: false }),
    },
  }, async (req) => service.suggest(req.body));

  app.get('/api/v1/insights/cases/:id/related', {
    config: { permission: P.read },
    schema: { tags, summary: 'Cases that may be the same matter (text) near the same place within the category\'s window, with number, state, distance, similarity and time; merge through POST /api/v1/cases/:id/merge', params: Type.Object({ id: Id }), querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })) }) },
  }, async (req) => {
    await mustSee(req, req.params.id);
    const found = await service.related(req.params.id, req.query.limit ?? 10);
    const visible = await Promise.all(found.candidates.map((c) => canSee(req, c.caseId)));
    return { ...found, candidates: found.candidates.filter((_, i) => visible[i]) };
  });

  app.post('/api/v1/insights/cases/:id/category-correction', {
    config: { permission: P.label },
    schema: { tags, summary: 'Record the right category of a case as a label for the next training', params: Type.Object({ id: Id }), body: Type.Object({ categoryCode: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }) },
  }, async (req, reply) => {
    await mustSee(req, req.params.id);
    return reply.status(201).send(await service.correctCategory(req.params.id, req.body.categoryCode, actorId(req)));
  });

  app.get('/api/v1/insights/corrections', {
    config: { permission: P.train },
    schema: { tags, summary: 'Category corrections (agents\' labels, changes at intake and later)', querystring: Type.Object({ caseId: Type.Optional(Id), ...Paging }) },
  }, async (req) => service.corrections({ ...(req.query.caseId ? { caseId: req.query.caseId } : {}), limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }));

  app.post('/api/v1/insights/reply-quality', {
    config: { permission: P.read },
    schema: { tags, summary: 'Score a reply before resolving: relevance, completeness (done, by whom, when, next), explainability; 0–100 each, overall, flags', body: Type.Object({ requestText: Text, replyText: Text }, { additionalProperties: false }) },
  }, async (req) => service.scoreReply(req.body.requestText, req.body.replyText));

  app.get('/api/v1/insights/reply-reviews', {
    config: { permission: P.review },
    schema: { tags, summary: 'Replies of resolved cases scored low (flagged), passed, or reviewed', querystring: Type.Object({ status: Type.Optional(Type.Enum(['flagged', 'passed', 'reviewed'])), ...Paging }) },
  }, async (req) => service.replyReviews({ status: req.query.status ?? 'flagged', limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }));

  app.post('/api/v1/insights/reply-reviews/:id/close', {
    config: { permission: P.review },
    schema: { tags, summary: 'Mark a flagged reply as reviewed', params: Type.Object({ id: Id }), body: Type.Optional(Type.Object({ note: Type.Optional(Type.String({ maxLength: 2_000 })) }, { additionalProperties: false })) },
  }, async (req) => service.closeReview(req.params.id, req.body?.note ?? null, actorId(req)));

  app.get('/api/v1/insights/models', { config: { permission: P.read }, schema: { tags, summary: 'Classifier versions (newest first) with method, classes, metrics and size' } },
    async () => ({ items: await service.models(), active: service.model ? { version: service.model.version, method: service.model.classifier.method } : null }));

  app.post('/api/v1/insights/models/train', { config: { permission: P.train }, schema: { tags, summary: 'Train a new version from the deployment\'s closed cases and agents\' corrections (in the background; progress in training-runs)' } },
    async (req, reply) => reply.status(202).send(await service.train('manual', actorId(req))));

  app.get('/api/v1/insights/models/training-runs', { config: { permission: P.read }, schema: { tags, summary: 'Recent training runs with stage and progress', querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }) } },
    async (req) => ({ items: await service.trainingRuns(req.query.limit ?? 20) }));

  app.post('/api/v1/insights/models/:version/activate', {
    config: { permission: P.train },
    schema: { tags, summary: 'Make a stored version the active model (roll back)', params: Type.Object({ version: Type.Integer({ minimum: 1 }) }) },
  }, async (req) => {
    await service.activateModel(req.params.version, actorId(req));
    return { active: req.params.version };
  });

  app.get('/api/v1/insights/duplicate-rules', { config: { permission: P.read }, schema: { tags, summary: 'Radius (m) and window (days) per category for duplicates' } },
    async () => ({ items: service.duplicateRules() }));

  app.put('/api/v1/insights/duplicate-rules', {
    config: { permission: P.train },
    schema: { tags, summary: 'Replace the duplicate rules (categoryPrefix \'\' is the default)', body: Type.Object({ items: Type.Array(Type.Object({ categoryPrefix: Type.String({ maxLength: 100 }), radiusM: Type.Number(), windowDays: Type.Integer(), note: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }), { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false }) },
  }, async (req) => ({ items: await service.setDuplicateRules(req.body.items, actorId(req)) }));
}
