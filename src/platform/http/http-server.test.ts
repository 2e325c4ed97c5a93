import { Writable } from 'node:stream';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.ts';
import { createLogger } from '../logging/logger.ts';
import { Metrics } from '../metrics/metrics.ts';
import { createHttpServer, routeTable, type HttpApp } from './http-server.ts';
import type { Authenticator } from './auth.ts';

describe('HTTP server', () => {
  let app: HttpApp;
  const lines: string[] = [];
  beforeAll(async () => {
    const destination = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    app = await createHttpServer({ logger: createLogger({ level: 'info', destination }), metrics: new Metrics({ defaults: false }), bodyLimit: 10_000, title: 't', version: '1', ready: () => true, authenticator: 'open' });
    app.post('/things', { config: { permission: 'public' }, schema: { body: Type.Object({ n: Type.Integer(), name: Type.String({ maxLength: 5 }) }) } }, async (req) => ({ ok: req.body.n }));
    app.get('/things', { config: { permission: 'public' }, schema: { querystring: Type.Object({ n: Type.Integer() }) } }, async (req) => ({ n: req.query.n }));
    app.get('/boom', { config: { permission: 'public' } }, async () => {
      throw new Error('secret internals');
    });
    app.get('/conflict', { config: { permission: 'public' } }, async () => {
      throw new AppError({ code: 'THING_CONFLICT', status: 409, zh: '冲突了', en: 'conflict', field: 'n', details: { allowed: ['a'] } });
    });
    app.post('/csv', { config: { permission: 'public' } }, async (req) => ({ length: String(req.body).length }));
  });
  afterAll(async () => app.close());

  it('does not coerce types in JSON bodies but does in query strings', async () => {
    const body = await app.inject({ method: 'POST', url: '/things', payload: { n: '12', name: 'a' } });
    expect(body.statusCode).toBe(400);
    expect(body.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'n' });
    const query = await app.inject({ method: 'GET', url: '/things?n=12' });
    expect(query.json()).toEqual({ n: 12 });
  });

  it('names the missing field', async () => {
    const res = await app.inject({ method: 'POST', url: '/things', payload: { n: 1 } });
    expect(res.json().error.field).toBe('name');
  });

  it('answers malformed JSON, oversize bodies and unknown routes with codes', async () => {
    const bad = await app.inject({ method: 'POST', url: '/things', headers: { 'content-type': 'application/json' }, payload: '{"n": 1,' });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'MALFORMED_JSON']);
    const big = await app.inject({ method: 'POST', url: '/things', payload: { n: 1, name: 'x'.repeat(20_000) } });
    expect([big.statusCode, big.json().error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const none = await app.inject({ method: 'GET', url: '/nothing' });
    expect([none.statusCode, none.json().error.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
  });

  it('maps AppErrors with their language and hides internals of unexpected errors', async () => {
    const zh = await app.inject({ method: 'GET', url: '/conflict' });
    expect(zh.json()).toEqual({ error: { code: 'THING_CONFLICT', message: '冲突了', field: 'n', details: { allowed: ['a'] } } });
    const en = await app.inject({ method: 'GET', url: '/conflict', headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(en.json().error.message).toBe('conflict');
    const boom = await app.inject({ method: 'GET', url: '/boom' });
    expect(boom.statusCode).toBe(500);
    expect(JSON.stringify(boom.json())).not.toContain('secret');
    expect(lines.join('')).toContain('secret internals');
  });

  it('accepts CSV bodies as text', async () => {
    const res = await app.inject({ method: 'POST', url: '/csv', headers: { 'content-type': 'text/csv' }, payload: 'a,b\n1,2\n' });
    expect(res.json()).toEqual({ length: 8 });
  });

  it('serves health, metrics and the OpenAPI document', async () => {
    expect((await app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/metrics' })).body).toContain('cityloop_http_request_duration_seconds');
    const doc = (await app.inject({ url: '/api/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toContain('/things');
  });

  it('lists every route with its permission', () => {
    expect(routeTable(app)).toContainEqual({ method: 'POST', url: '/things', permission: 'public' });
  });
});

describe('HTTP authorization', () => {
  const base = { logger: createLogger({ level: 'silent' }), metrics: new Metrics({ defaults: false }), bodyLimit: 10_000, title: 't', version: '1', ready: () => true };

  it('refuses to start with a route that declares no permission', async () => {
    const app = await createHttpServer({ ...base, authenticator: 'open' });
    app.get('/forgotten', async () => ({}));
    await expect(app.ready()).rejects.toThrow(/without a declared permission: GET \/forgotten/);
  });

  it('answers 401 without credentials, 403 without the permission, and lets the permitted through', async () => {
    const auth: Authenticator = {
      async authenticate(request) {
        const who = request.headers['x-test-user'];
        if (who === 'reader') return { id: 'a1', kind: 'session', label: 'reader', permissions: new Set(['things.read']), claims: {} };
        return null;
      },
    };
    const app = await createHttpServer({ ...base, authenticator: auth });
    app.get('/secret', { config: { permission: 'things.read' } }, async (req) => ({ who: req.principal?.label }));
    app.post('/secret', { config: { permission: 'things.write' } }, async () => ({}));
    app.get('/open', { config: { permission: 'public' } }, async (req) => ({ who: req.principal?.label ?? null }));
    expect((await app.inject({ url: '/secret' })).json().error.code).toBe('AUTH_REQUIRED');
    const forbidden = await app.inject({ method: 'POST', url: '/secret', headers: { 'x-test-user': 'reader' } });
    expect([forbidden.statusCode, forbidden.json().error.code, forbidden.json().error.details]).toEqual([403, 'FORBIDDEN', { permission: 'things.write' }]);
    expect((await app.inject({ url: '/secret', headers: { 'x-test-user': 'reader' } })).json()).toEqual({ who: 'reader' });
    expect((await app.inject({ url: '/open', headers: { 'x-test-user': 'reader' } })).json()).toEqual({ who: 'reader' });
    await app.close();
  });
});
