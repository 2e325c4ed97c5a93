import { PUBLIC } from '../../../platform/http/auth.ts';

/** Per client address. Reads are public and easy to scrape; writes need an api_key but are capped too. */
const OPEN311_READ_LIMIT = { max: 120, timeWindow: '1 minute' };
const OPEN311_WRITE_LIMIT = { max: 60, timeWindow: '1 minute' };
import { Type } from 'typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../../../platform/errors/app-error.ts';
import { languageOf, toErrorResponse, type HttpApp } from '../../../platform/http/http-server.ts';
import { Open311Error, open311Errors, toOpen311Error } from './open311.errors.ts';
import { OPEN311_CONTENT_TYPES, render } from './open311.format.ts';
import { parseFormat, parseGetRequestsQuery, parsePostRequest, splitFormatSuffix } from './open311.parse.ts';
import type { Open311Service } from './open311.service.ts';
import type { Open311DocumentKind, Open311Documents, Open311Format } from './open311.types.ts';

type FormBody = Record<string, string | string[] | undefined>;

const tags = ['open311'];
const FormatParams = Type.Object({ format: Type.String({ maxLength: 10 }) });
const FileParams = Type.Object({ file: Type.String({ minLength: 1, maxLength: 200 }) });

function send<K extends Open311DocumentKind>(reply: FastifyReply, format: Open311Format, kind: K, doc: Open311Documents[K], status = 200): FastifyReply {
  return reply.status(status).type(OPEN311_CONTENT_TYPES[format]).send(render(format, kind, doc));
}

/** The format a failed request asked for; XML, the spec's required format, when it cannot be told. */
function formatOf(url: string): Open311Format {
  try {
    return splitFormatSuffix(url).format;
  } catch {
    return 'xml';
  }
}

/** Any failure as the spec's error document: 403/404 kept, every other client or server failure a 400. */
function asOpen311Error(err: unknown, request: FastifyRequest): Open311Error {
  if (err instanceof AppError && err.status < 500) return toOpen311Error(err);
  const status = (err as Partial<FastifyError> | null)?.statusCode;
  if (!(err instanceof AppError) && typeof status === 'number' && status >= 400 && status < 500) {
    // Malformed JSON, a body over the limit, an unknown content type: Fastify's own coded 4xx.
    const zh = toErrorResponse(err, 'zh');
    const en = toErrorResponse(err, 'en');
    return toOpen311Error(new AppError({ code: zh.body.error.code, status: zh.status, zh: zh.body.error.message, en: en.body.error.message, field: zh.body.error.field }));
  }
  request.log.error({ err, url: request.routeOptions.url }, 'open311 request failed');
  return toOpen311Error(err);
}

/** application/x-www-form-urlencoded with keys kept flat (`attribute[CODE][]` stays one key), repeats as arrays. */
function parseForm(text: string): FormBody {
  const out: FormBody = Object.create(null) as FormBody;
  for (const [key, value] of new URLSearchParams(text)) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// JSON clients send numbers and booleans where the form encoding has text; null means "not sent".
const asText = (v: unknown): unknown => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v === null ? undefined : v);

/** A form or JSON body in the form encoding's shape; `{"attribute": {"kind": "help"}}` becomes attribute[kind]. */
function flatBody(raw: unknown): FormBody {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (!isRecord(raw)) return out as FormBody;
  for (const [key, value] of Object.entries(raw)) {
    if ((key === 'attribute' || key === 'attributes') && isRecord(value)) {
      for (const [code, v] of Object.entries(value)) {
        if (Array.isArray(v)) out[`attribute[${code}][]`] = v.map(asText);
        else out[`attribute[${code}]`] = asText(v);
      }
    } else {
      out[key] = Array.isArray(value) ? value.map(asText) : asText(value);
    }
  }
  // Values of the wrong type stay as they are, so the parser reports them by field.
  return out as FormBody;
}

function apiKeyOf(body: FormBody, query: unknown): string | undefined {
  const value = body.api_key ?? (isRecord(query) ? query.api_key : undefined);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The stem of a `name.format` path segment, which must not be empty. */
function fileStem(file: string, field: 'service_code' | 'service_request_id' | 'token'): { stem: string; format: Open311Format } {
  const { stem, format } = splitFormatSuffix(file);
  if (stem === '') throw open311Errors.missing(field);
  return { stem, format };
}

/**
 * Open311 GeoReport v2 under /open311/v2. Everything inside (errors, unknown routes, the form-encoded
 * body parser) is scoped to this prefix, so the rest of the API keeps its JSON conventions.
 */
export function open311Routes(app: HttpApp, service: Open311Service): void {
  void app.register(
    async (plugin) => {
      const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
      scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
        done(null, parseForm(typeof body === 'string' ? body : body.toString('utf8')));
      });

      scope.setErrorHandler((err, request, reply) => {
        const e = asOpen311Error(err, request);
        void send(reply, formatOf(request.url), 'errors', e.toErrorItems(languageOf(request)), e.status);
      });

      scope.setNotFoundHandler((request, reply) => {
        const path = request.url.split('?')[0] ?? '';
        const e = new Open311Error([
          { status: 404, code: 'OPEN311_ROUTE_NOT_FOUND', zh: `Open311 接口不存在：${request.method} ${path}`, en: `No Open311 resource ${request.method} ${path}` },
        ]);
        void send(reply, formatOf(request.url), 'errors', e.toErrorItems(languageOf(request)), 404);
      });

      scope.get('/discovery.:format', { config: { permission: PUBLIC, rateLimit: OPEN311_READ_LIMIT }, schema: { tags, summary: 'Open311 service discovery: the GeoReport v2 endpoint and its formats', params: FormatParams } }, async (req, reply) =>
        send(reply, parseFormat(req.params.format), 'discovery', service.discovery(`${req.protocol}://${req.host}`)));

      scope.get('/services.:format', { config: { permission: PUBLIC, rateLimit: OPEN311_READ_LIMIT }, schema: { tags, summary: 'Open311 GET services: the leaf categories a request can be filed under', params: FormatParams } }, async (req, reply) =>
        send(reply, parseFormat(req.params.format), 'services', service.services()));

      scope.get('/services/:file', { config: { permission: PUBLIC, rateLimit: OPEN311_READ_LIMIT }, schema: { tags, summary: 'Open311 GET service definition (services/{service_code}.{format}): kind and urgency attributes', params: FileParams } }, async (req, reply) => {
        const { stem, format } = fileStem(req.params.file, 'service_code');
        return send(reply, format, 'service_definition', service.definition(stem));
      });

      scope.post('/requests.:format', { config: { permission: PUBLIC, rateLimit: OPEN311_WRITE_LIMIT }, schema: { tags, summary: 'Open311 POST service request (form-encoded or JSON; api_key required): registers a case', params: FormatParams } }, async (req, reply) => {
        const format = parseFormat(req.params.format);
        const body = flatBody(req.body);
        // The key is checked before the body, so a client without one learns nothing about validation.
        const apiKey = apiKeyOf(body, req.query);
        if (!(await service.checkKey(apiKey))) throw open311Errors.invalidApiKey();
        const input = parsePostRequest(body);
        return send(reply, format, 'post_response', await service.createRequest({ ...input, api_key: apiKey }));
      });

      scope.get('/requests.:format', { config: { permission: PUBLIC, rateLimit: OPEN311_READ_LIMIT }, schema: { tags, summary: 'Open311 GET service requests (service_request_id, service_code, start_date, end_date, status); no personal data', params: FormatParams } }, async (req, reply) => {
        const format = parseFormat(req.params.format);
        const query = parseGetRequestsQuery(isRecord(req.query) ? (req.query as FormBody) : {});
        return send(reply, format, 'service_requests', await service.getRequests(query));
      });

      scope.get('/requests/:file', { config: { permission: PUBLIC, rateLimit: OPEN311_READ_LIMIT }, schema: { tags, summary: 'Open311 GET service request (requests/{case number}.{format})', params: FileParams } }, async (req, reply) => {
        const { stem, format } = fileStem(req.params.file, 'service_request_id');
        return send(reply, format, 'service_requests', await service.getRequest(stem));
      });

      scope.get('/tokens/:file', { config: { permission: PUBLIC, rateLimit: OPEN311_READ_LIMIT }, schema: { tags, summary: 'Open311 GET service_request_id from a token (none are issued: requests are realtime)', params: FileParams } }, async (req, reply) => {
        const { stem, format } = fileStem(req.params.file, 'token');
        return send(reply, format, 'token', await service.requestIdFromToken(stem));
      });
    },
    { prefix: '/open311/v2' },
  );
}
