import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import { Metrics } from '../metrics/metrics.ts';
import { createHttpServer, routeTable, type HttpApp } from './http-server.ts';

describe('serving the web console', () => {
  let app: HttpApp;
  let bare: HttpApp;
  const root = mkdtempSync(join(tmpdir(), 'cityloop-static-'));
  const quiet = () => createLogger({ level: 'silent', destination: new Writable({ write(_c, _e, cb) { cb(); } }) });
  beforeAll(async () => {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(root, 'assets', 'app-abc123.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'outside-secret.txt'), 'TOP-SECRET-CONTENT');
    const options = { logger: quiet(), metrics: new Metrics({ defaults: false }), bodyLimit: 10_000, title: 't', version: '1', ready: () => true, authenticator: 'open' as const };
    app = await createHttpServer({ ...options, staticRoot: root });
    bare = await createHttpServer({ ...options, staticRoot: join(root, 'missing') });
  });
  afterAll(async () => {
    await app.close();
    await bare.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves built files, hashed assets with a long cache', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/app-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/javascript');
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.body).toBe('console.log(1)');
  });

  it('answers any console path with index.html (client-side routes), never cached, with a content policy', async () => {
    for (const url of ['/', '/workbench', '/cases/202612010001', '/citizen?lang=en']) {
      const res = await app.inject({ method: 'GET', url });
      expect([url, res.statusCode, res.headers['content-type']]).toEqual([url, 200, 'text/html; charset=utf-8']);
      expect(res.body).toContain('id="root"');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    }
  });

  it('never shadows the API, Open311, health or metrics: unknown paths there stay coded 404s', async () => {
    for (const url of ['/api/v1/nothing', '/api', '/open311/v2/nothing', '/health/x', '/metrics/x']) {
      const res = await app.inject({ method: 'GET', url });
      expect([url, res.statusCode, res.json().error.code]).toEqual([url, 404, 'ROUTE_NOT_FOUND']);
    }
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
  });

  it('answers a missing asset, another method, or a path outside the folder with 404', async () => {
    expect((await app.inject({ method: 'GET', url: '/assets/gone.js' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/workbench' })).statusCode).toBe(404);
    const escape = await app.inject({ method: 'GET', url: '/..%2foutside-secret.txt' });
    expect(escape.statusCode).toBe(404);
    expect(escape.body).not.toContain('TOP-SECRET-CONTENT');
  });

  it('registers no route of its own (nothing for the authorization matrix to walk)', () => {
    expect(routeTable(app).filter((r) => !r.url.startsWith('/api') && r.url !== '/health' && r.url !== '/metrics')).toEqual([]);
  });

  it('says how to build the console when it has not been built', async () => {
    const res = await bare.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build:web');
  });
});
