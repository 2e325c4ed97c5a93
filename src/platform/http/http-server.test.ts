import { Writable } from 'node:stream';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.ts';
import { createLogger } from '../logging/logger.ts';
import { Metrics } from '../metrics/metrics.ts';
import { createHttpServer, type HttpApp } from './http-server.ts';

describe('HTTP server', () => {
  let app: HttpApp;
  const lines: string[] = [];
  beforeAll(async () => {
    const destination = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    app = await createHttpServer({ logger: createLogger({ level: 'info', destination }), metrics: new Metrics({ defaults: false }), bodyLimit: 10_000, title: 't', version: '1', ready: () => true });
    app.post('/things', { schema: { body: Type.Object({ n: Type.Integer(), name: Type.String({ maxLength: 5 }) }) } }, async (req) => ({ ok: req.body.n }));
    app.get('/things', { schema: { querystring: Type.Object({ n: Type.Integer() }) } }, async (req) => ({ n: req.query.n }));
    app.get('/boom', async () => {
      throw new Error('secret internals');
    });
    app.get('/conflict', async () => {
      throw new AppError({ code: 'THING_CONFLICT', status: 409, zh: '冲突了', en: 'conflict', field: 'n', details: { allowed: ['a'] } });
    });
    app.post('/csv', async (req) => ({ length: String(req.body).length }));
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
});
