import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyError, type FastifyBaseLogger, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import AjvCompiler from '@fastify/ajv-compiler';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.ts';
import { PUBLIC, type Authenticator, type RouteEntry } from './auth.ts';
import { findBadText } from '../text/text-safety.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { serveStatic } from './static-files.ts';

/** The Fastify instance type every module's routes are written against. */
export type HttpApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface HttpServerOptions {
  logger: Logger;
  metrics: Metrics;
  /** Largest accepted request body in bytes. */
  bodyLimit: number;
  title: string;
  version: string;
  /** Answers whether the app is ready to serve; /health returns 503 until it does. */
  ready: () => boolean;
  /**
   * Who is calling. 'open' grants everything to everyone: only for tests of a single module's routes.
   */
  authenticator: Authenticator | 'open';
  /** Behind a reverse proxy: true, or the proxies' addresses, so request.ip is the client's. */
  trustProxy?: boolean | string[];
  /** A built single-page app served at `/` for paths no route answers (never /api, /open311, /health, /metrics). */
  staticRoot?: string;
}

const routeTables = new WeakMap<object, RouteEntry[]>();

/** Every route registered on the server with its declared permission (for the authorization matrix). */
export function routeTable(app: HttpApp): RouteEntry[] {
  return [...(routeTables.get(app) ?? [])];
}

/** Language of human-readable messages: zh-CN unless the client prefers English. */
export function languageOf(request: FastifyRequest): 'zh' | 'en' {
  const q = request.query as Record<string, unknown> | undefined;
  if (q && typeof q.lang === 'string') return q.lang.startsWith('en') ? 'en' : 'zh';
  const header = request.headers['accept-language'];
  return typeof header === 'string' && /^en\b/i.test(header.trim()) ? 'en' : 'zh';
}

export interface ErrorBody {
  error: { code: string; message: string; field?: string; details?: Record<string, unknown> };
}

const FASTIFY_CODES: Record<string, { code: string; zh: string; en: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_JSON', zh: '请求体不是合法的 JSON', en: 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'MALFORMED_JSON', zh: '请求体为空', en: 'The request body is empty' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', zh: '请求体过大', en: 'The request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', zh: '不支持的内容类型', en: 'Unsupported content type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'BAD_REQUEST', zh: '内容长度无效', en: 'Invalid content length' },
};

/** Turn any thrown value into a status and a coded body. Unknown errors become 500 without internals. */
export function toErrorResponse(err: unknown, lang: 'zh' | 'en'): { status: number; body: ErrorBody } {
  if (err instanceof AppError) {
    return {
      status: err.status,
      body: {
        error: {
          code: err.code,
          message: lang === 'en' ? err.en : err.zh,
          ...(err.field !== undefined ? { field: err.field } : {}),
          ...(err.details !== undefined ? { details: err.details } : {}),
        },
      },
    };
  }
  const fe = err as FastifyError & { validation?: Array<{ instancePath: string; message?: string; params?: Record<string, unknown> }>; validationContext?: string };
  if (fe && Array.isArray(fe.validation)) {
    const first = fe.validation[0];
    const params = first?.params ?? {};
    const extra = typeof params.missingProperty === 'string' ? params.missingProperty : typeof params.additionalProperty === 'string' ? params.additionalProperty : '';
    const missing = extra ? `/${extra}` : '';
    const path = `${first?.instancePath ?? ''}${missing}`.replace(/^\//, '').replace(/\//g, '.');
    const field = [fe.validationContext === 'body' ? '' : fe.validationContext, path].filter(Boolean).join('.') || (fe.validationContext ?? 'body');
    const why = first?.message ?? 'is invalid';
    return {
      status: 400,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          message: lang === 'en' ? `${field} ${why}` : `字段 ${field} 无效：${why}`,
          field,
          details: { problems: fe.validation.slice(0, 10).map((v) => ({ path: v.instancePath, message: v.message })) },
        },
      },
    };
  }
  if (fe?.code === 'FST_ERR_CTP_INVALID_JSON_BODY' && /prototype/i.test(fe.message)) {
    return { status: 400, body: { error: { code: 'FORBIDDEN_JSON_KEY', message: lang === 'en' ? 'The body uses a forbidden key (__proto__ or constructor.prototype)' : '请求体含有禁止使用的键（__proto__ 或 constructor.prototype）' } } };
  }
  const known = fe?.code ? FASTIFY_CODES[fe.code] : undefined;
  if (known) return { status: fe.statusCode ?? 400, body: { error: { code: known.code, message: lang === 'en' ? known.en : known.zh } } };
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, body: { error: { code: fe.code ?? 'BAD_REQUEST', message: fe.message } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: lang === 'en' ? 'Internal error' : '服务器内部错误' } } };
}

/**
 * Fastify with: body validation WITHOUT type coercion (a string "12" is not a number in a JSON body)
 * but with coercion for query strings and params; coded bilingual errors; OpenAPI at /api/openapi.json
 * and a browsable UI at /api/docs; /health and /metrics.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<HttpApp> {
  const coercing = AjvCompiler();
  const strict = AjvCompiler();
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit,
    trustProxy: options.trustProxy ?? false,
    // Access is measured by /metrics; per-request log lines would be noise (and could carry query strings).
    logController: new LogController({ disableRequestLogging: true }),
    // Ids in the path are never long; a long URL is an attack or a bug.
    routerOptions: { maxParamLength: 200 },
    ajv: { customOptions: { allErrors: false } },
    schemaController: {
      compilersFactory: {
        buildValidator: (externalSchemas, ajvServerOptions) => {
          const c = coercing(externalSchemas, ajvServerOptions);
          const options = ajvServerOptions as { customOptions?: Record<string, unknown> };
          const s = strict(externalSchemas, {
            ...options,
            customOptions: { ...options.customOptions, coerceTypes: false, removeAdditional: false },
          } as typeof ajvServerOptions);
          return (def) => (def.httpPart === 'body' ? s(def) : c(def));
        },
      },
    },
    // Router-level refusals (bad URL encoding, over-long ids) get the same coded shape as every other error.
    frameworkErrors: (error, request, reply) => {
      const lang = languageOf(request);
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      void (reply as FastifyReply).status(tooLong ? 414 : 400).send({
        error: tooLong
          ? { code: 'URI_TOO_LONG', message: lang === 'en' ? 'A path parameter is too long' : '路径参数过长' }
          : { code: 'BAD_URL', message: lang === 'en' ? 'The URL is malformed' : 'URL 格式错误' },
      });
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const routes: RouteEntry[] = [];
  routeTables.set(app, routes);
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    // The API browser's own routes are public documentation.
    if (route.url.startsWith('/api/docs') && !route.config?.permission) route.config = { ...route.config, permission: PUBLIC };
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url, permission: route.config?.permission });
  });
  app.addHook('onReady', async () => {
    const missing = routes.filter((r) => !r.permission).map((r) => `${r.method} ${r.url}`);
    if (missing.length) throw new Error(`routes without a declared permission: ${missing.join(', ')}`);
  });
  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config?.permission;
    if (options.authenticator === 'open') return;
    request.principal = await options.authenticator.authenticate(request);
    if (permission === PUBLIC || permission === undefined) return; // undefined: the 404 handler
    if (!request.principal) {
      throw new AppError({ code: 'AUTH_REQUIRED', status: 401, zh: '请先登录或提供有效的访问令牌', en: 'Sign in or send a valid token' });
    }
    if (!request.principal.permissions.has(permission)) {
      throw new AppError({ code: 'FORBIDDEN', status: 403, zh: '没有执行该操作的权限', en: 'You are not allowed to do this', details: { permission } });
    }
  });

  // CSV uploads (responsibility list, calendar, categories) arrive as text and are parsed per row by the route.
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.addHook('preValidation', async (request) => {
    // A POST whose fields are all optional may come without a body; validate it as {}.
    if (request.body === undefined && (request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH')) request.body = {};
    // Text the databases cannot hold the same way (NUL; lone UTF-16 surrogates) is refused, not mangled.
    for (const [part, value] of [['params', request.params], ['querystring', request.query], ['body', request.body]] as const) {
      const bad = findBadText(value);
      if (bad === null) continue;
      const field = part === 'body' ? bad || 'body' : [part, bad].filter(Boolean).join('.');
      throw new AppError({ code: 'INVALID_TEXT', status: 400, field, zh: `字段 ${field} 含有无效字符（NUL 或不成对的代理字符）`, en: `${field} contains invalid characters (NUL or an unpaired surrogate)` });
    }
  });

  app.setErrorHandler((err, request, reply) => {
    const { status, body } = toErrorResponse(err, languageOf(request));
    if (status >= 500) request.log.error({ err, route: request.routeOptions.url }, 'request failed');
    else request.log.debug({ code: body.error.code, field: body.error.field, status, route: request.routeOptions.url }, 'request refused');
    // A refusal that says when to come back says it the standard way too.
    const retry = (err as { details?: { retryAfterSeconds?: unknown } } | null)?.details?.retryAfterSeconds;
    if (status === 429 && typeof retry === 'number' && Number.isFinite(retry) && !reply.hasHeader('retry-after')) void reply.header('retry-after', String(Math.max(1, Math.ceil(retry))));
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    if (options.staticRoot && serveStatic(options.staticRoot, request, reply)) return;
    const lang = languageOf(request);
    void reply.status(404).send({
      error: { code: 'ROUTE_NOT_FOUND', message: lang === 'en' ? `No route ${request.method} ${request.url.split('?')[0]}` : `接口不存在：${request.method} ${request.url.split('?')[0]}` },
    });
  });
  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    // The access log names the route pattern, never the URL: query strings can carry phone numbers.
    request.log.info({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime), principal: request.principal?.id ?? null }, 'request');
    options.metrics.httpDuration
      .labels(request.method, request.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });

  // Per-client limits are opt-in per route (`config.rateLimit`): public endpoints that could be scraped.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError({
        code: 'RATE_LIMITED', status: 429,
        zh: `请求过于频繁，请 ${Math.max(1, Math.ceil(context.ttl / 1000))} 秒后重试`, en: `Too many requests; retry in ${Math.max(1, Math.ceil(context.ttl / 1000))} s`,
        details: { retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)) },
      }),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: options.title, version: options.version, description: 'CityLoop REST API. Errors are `{ error: { code, message, field? } }`; messages in zh-CN unless `Accept-Language: en`.' },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true }, config: { permission: PUBLIC } }, async () => app.swagger());

  app.get('/health', { schema: { hide: true }, config: { permission: PUBLIC } }, async (_request, reply) => {
    const ready = options.ready();
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'starting' });
  });
  app.get('/metrics', { schema: { hide: true }, config: { permission: PUBLIC } }, async (_request, reply) => {
    return reply.type('text/plain; version=0.0.4').send(await options.metrics.text());
  });
  return app;
}
