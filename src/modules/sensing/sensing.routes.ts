import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors/app-error.ts';
import type { HttpApp } from '../../platform/http/http-server.ts';
import type { AlarmService } from './alarms/alarm.service.ts';
import type { DeviceType } from './domain/device-types.ts';
import { PACKS } from './domain/packs.ts';
import { BUCKETS, type Bucket } from './domain/rollups.ts';
import { SEVERITIES, type Condition } from './domain/rules.ts';
import { SENSING_PERMISSIONS as P } from './sensing.permissions.ts';
import type { SensingService } from './sensing.service.ts';

const actor = (req: FastifyRequest): string => req.principal?.id ?? 'unknown';
const Id = Type.String({ minLength: 1, maxLength: 80 });
const Iso = Type.String({ minLength: 10, maxLength: 40, format: 'date-time' });
const Location = Type.Object({ lng: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }) }, { additionalProperties: false });
const Comment = Type.Object({ comment: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false });

const RuleBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  alarmType: Type.String({ minLength: 2, maxLength: 60 }),
  severity: Type.Enum(SEVERITIES),
  condition: Type.Object({ kind: Type.Enum(['threshold', 'noData', 'rateOfChange', 'baseline', 'all', 'any']) }, { additionalProperties: true }),
  forS: Type.Optional(Type.Number({ minimum: 0, maximum: 604_800 })),
  clearForS: Type.Optional(Type.Number({ minimum: 0, maximum: 604_800 })),
  schedule: Type.Optional(Type.Object({
    utcOffsetMin: Type.Integer({ minimum: -720, maximum: 840 }),
    windows: Type.Array(Type.Object({ from: Type.String({ maxLength: 5 }), to: Type.String({ maxLength: 5 }), days: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { maxItems: 7 })) }, { additionalProperties: false }), { minItems: 1, maxItems: 20 }),
  }, { additionalProperties: false })),
  scope: Type.Enum(['type', 'device']),
  scopeId: Type.String({ minLength: 1, maxLength: 80 }),
  active: Type.Optional(Type.Boolean()),
  openCase: Type.Optional(Type.Union([Type.Null(), Type.Object({ categoryCode: Type.String({ minLength: 2, maxLength: 20 }) }, { additionalProperties: false })])),
}, { additionalProperties: false });

/** HTTP adapter of the sensing module under /api/v1/sensing. */
export function sensingRoutes(app: HttpApp, service: SensingService, alarms: AlarmService): void {
  const tags = ['sensing'];

  app.post('/api/v1/sensing/readings', {
    config: { permission: P.ingest },
    schema: {
      tags,
      summary: 'Ingest a batch of readings [{ deviceId, measure, value, at }] (device gateways, bearer token with scope sensing.ingest). Answered after the good items are committed: 200 all stored, 207 some refused (problems list each by index), 400 READINGS_REJECTED none stored, 413 READINGS_BATCH_TOO_LARGE',
      body: Type.Array(Type.Unknown()),
    },
  }, async (req, reply) => {
    const result = await service.ingest(req.body);
    const problems = result.problems.map((p) => ({ index: p.index, code: p.code, field: p.field, message: req.headers['accept-language']?.startsWith('en') ? p.en : p.zh }));
    if (result.accepted === 0 && problems.length > 0) {
      throw new AppError({ code: 'READINGS_REJECTED', status: 400, zh: `全部 ${problems.length} 条读数被拒绝`, en: `All ${problems.length} readings were refused`, field: problems[0]!.field, details: { problems: problems.slice(0, 500) } });
    }
    return reply.status(problems.length ? 207 : 200).send({ accepted: result.accepted, rejected: result.rejected, problems: problems.slice(0, 500) });
  });

  app.get('/api/v1/sensing/device-types', { config: { permission: P.read }, schema: { tags, summary: 'Device types with their measures, units and offline timeouts' } }, async () => ({ items: service.deviceTypes() }));

  app.put('/api/v1/sensing/device-types/:code', {
    config: { permission: P.admin },
    schema: {
      tags, summary: 'Create or change a device type', params: Type.Object({ code: Type.String({ minLength: 2, maxLength: 40 }) }),
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 100 }), nameEn: Type.String({ minLength: 1, maxLength: 100 }), offlineAfterS: Type.Integer({ minimum: 10, maximum: 604_800 }), inHome: Type.Boolean(),
        measures: Type.Array(Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }), unit: Type.String({ maxLength: 20 }), name: Type.String({ maxLength: 100 }), min: Type.Optional(Type.Number()), max: Type.Optional(Type.Number()) }, { additionalProperties: false }), { minItems: 1, maxItems: 50 }),
      }, { additionalProperties: false }),
    },
  }, async (req) => service.putDeviceType({ ...req.body, code: req.params.code } as DeviceType));

  app.get('/api/v1/sensing/devices', {
    config: { permission: P.read },
    schema: { tags, summary: 'Devices with connectivity (online, last seen), grid and consent', querystring: Type.Object({ type: Type.Optional(Type.String({ maxLength: 40 })), online: Type.Optional(Type.Boolean()), areaId: Type.Optional(Type.String({ maxLength: 80 })) }) },
  }, async (req) => ({ items: service.listDevices(req.query) }));

  app.post('/api/v1/sensing/devices', {
    config: { permission: P.admin },
    schema: {
      tags, summary: 'Register devices or update them by code; the location is placed in its grid',
      body: Type.Object({
        items: Type.Array(Type.Object({
          code: Type.String({ minLength: 1, maxLength: 64 }), typeCode: Type.String({ minLength: 1, maxLength: 40 }), name: Type.String({ minLength: 1, maxLength: 200 }),
          location: Type.Optional(Type.Union([Location, Type.Null()])), departmentId: Type.Optional(Type.Union([Type.String({ maxLength: 80 }), Type.Null()])),
          attributes: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean()]))),
        }, { additionalProperties: false }), { minItems: 1, maxItems: 5000 }),
      }, { additionalProperties: false }),
    },
  }, async (req) => service.upsertDevices(req.body.items));

  app.get('/api/v1/sensing/devices/:id', { config: { permission: P.read }, schema: { tags, summary: 'One device (by id or code)', params: Type.Object({ id: Id }) } }, async (req) => service.getDevice(req.params.id));

  app.post('/api/v1/sensing/devices/:id/active', {
    config: { permission: P.admin },
    schema: { tags, summary: 'Activate or deactivate a device (a deactivated device\'s readings are refused)', params: Type.Object({ id: Id }), body: Type.Object({ active: Type.Boolean() }, { additionalProperties: false }) },
  }, async (req) => service.setDeviceActive(req.params.id, req.body.active));

  app.post('/api/v1/sensing/devices/:id/consent', {
    config: { permission: P.admin },
    schema: { tags, summary: 'Record or withdraw the resident\'s consent to monitoring of an in-home device (no consent: no rule runs)', params: Type.Object({ id: Id }), body: Type.Object({ given: Type.Boolean(), recordedBy: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }) },
  }, async (req) => service.setConsent(req.params.id, req.body.given, req.body.recordedBy ?? actor(req)));

  app.get('/api/v1/sensing/devices/:id/readings', {
    config: { permission: P.read },
    schema: { tags, summary: 'Raw readings of a device (default: the last hour)', params: Type.Object({ id: Id }), querystring: Type.Object({ measure: Type.Optional(Type.String({ maxLength: 40 })), from: Type.Optional(Iso), to: Type.Optional(Iso), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) }) },
  }, async (req) => service.readings(req.params.id, req.query));

  app.get('/api/v1/sensing/devices/:id/rollups', {
    config: { permission: P.read },
    schema: { tags, summary: 'Minute / hour / day aggregates (min, max, sum, count, mean) of a measure', params: Type.Object({ id: Id }), querystring: Type.Object({ measure: Type.String({ minLength: 1, maxLength: 40 }), bucket: Type.Enum(Object.keys(BUCKETS) as Bucket[]), from: Type.Optional(Iso), to: Type.Optional(Iso), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) }) },
  }, async (req) => service.rollups(req.params.id, req.query));

  app.get('/api/v1/sensing/rules', {
    config: { permission: P.read }, schema: { tags, summary: 'Alarm rules (data), by pack or device type', querystring: Type.Object({ pack: Type.Optional(Type.String({ maxLength: 40 })), typeCode: Type.Optional(Type.String({ maxLength: 40 })) }) },
  }, async (req) => ({ items: service.listRules(req.query) }));

  app.put('/api/v1/sensing/rules/:id', {
    config: { permission: P.admin }, schema: { tags, summary: 'Create or replace a rule (threshold with duration and hysteresis, no data, rate of change, baseline, all / any, schedule)', params: Type.Object({ id: Type.String({ minLength: 2, maxLength: 80 }) }), body: RuleBody },
  }, async (req) => service.putRule(req.params.id, { ...req.body, condition: req.body.condition as unknown as Condition, openCase: req.body.openCase ?? null }));

  app.post('/api/v1/sensing/packs/:pack', {
    config: { permission: P.admin }, schema: { tags, summary: 'Install (or reset) a domain pack\'s default rules', params: Type.Object({ pack: Type.Enum(PACKS) }) },
  }, async (req) => ({ items: await service.installPack(req.params.pack) }));

  app.get('/api/v1/sensing/alarms', {
    config: { permission: P.read },
    schema: {
      tags, summary: 'Alarms, newest first: filter by status axes, type, severity, device, incident',
      querystring: Type.Object({
        active: Type.Optional(Type.Boolean()), acknowledged: Type.Optional(Type.Boolean()), type: Type.Optional(Type.String({ maxLength: 60 })), severity: Type.Optional(Type.Enum(SEVERITIES)),
        deviceId: Type.Optional(Id), incidentId: Type.Optional(Id), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
      }),
    },
  }, async (req) => service.listAlarms(req.query));

  app.get('/api/v1/sensing/alarms/:id', { config: { permission: P.read }, schema: { tags, summary: 'One alarm with its history (raised, repeats, acknowledgement, comments, case)', params: Type.Object({ id: Id }) } }, async (req) => alarms.get(req.params.id));

  app.post('/api/v1/sensing/alarms/:id/acknowledge', { config: { permission: P.handle }, schema: { tags, summary: 'Acknowledge an alarm (idempotent)', params: Type.Object({ id: Id }), body: Comment } },
    async (req) => alarms.acknowledge(req.params.id, actor(req), req.body.comment));

  app.post('/api/v1/sensing/alarms/:id/clear', { config: { permission: P.handle }, schema: { tags, summary: 'Clear an alarm by hand (its rules may raise it again)', params: Type.Object({ id: Id }), body: Comment } },
    async (req) => alarms.clearByHand(req.params.id, actor(req), req.body.comment));

  app.post('/api/v1/sensing/alarms/:id/comments', {
    config: { permission: P.handle }, schema: { tags, summary: 'Comment on an alarm', params: Type.Object({ id: Id }), body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }) },
  }, async (req) => alarms.comment(req.params.id, actor(req), req.body.text));

  app.post('/api/v1/sensing/alarms/:id/assign', {
    config: { permission: P.handle }, schema: { tags, summary: 'Assign an alarm to someone (null: unassign)', params: Type.Object({ id: Id }), body: Type.Object({ assignee: Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()]) }, { additionalProperties: false }) },
  }, async (req) => alarms.assign(req.params.id, actor(req), req.body.assignee));

  app.get('/api/v1/sensing/incidents', {
    config: { permission: P.read }, schema: { tags, summary: 'Incidents: alarms of one type on many devices within a short window (e.g. every bridge at once)', querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }) },
  }, async (req) => service.incidents(req.query.limit ?? 100));

  app.get('/api/v1/sensing/status', { config: { permission: P.read }, schema: { tags, summary: 'Devices, online count, active rules, ingest counters' } }, async () => service.status());
}
