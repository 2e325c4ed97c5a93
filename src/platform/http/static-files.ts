import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.ico': 'image/x-icon',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.txt': 'text/plain; charset=utf-8', '.map': 'application/json; charset=utf-8',
};

/** Paths the browser app never answers, even when nothing else does: they stay coded 404s. */
const RESERVED = /^\/(api|open311|health|metrics)(\/|$)/;

/** What the browser app may load: its own files, and nothing from elsewhere (no online tiles, no CDNs). */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'self'";

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>CityLoop</title>
<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto">
<h1>CityLoop</h1><p>网页控制台尚未构建：运行 <code>npm run build:web</code>（<code>npm start</code> 会自动构建）。API 可用：<a href="/api/docs">/api/docs</a></p>
<p>The web console has not been built: run <code>npm run build:web</code> (<code>npm start</code> builds it). The API works: <a href="/api/docs">/api/docs</a></p></body></html>`;

/**
 * Serve a single-page app from a folder for GET/HEAD requests no route answered: its files, or its
 * index.html for any other path (client-side routes). Returns false when the request is not for it
 * (another method, an API path, or a missing file with an extension), so the caller answers 404.
 */
export function serveStatic(root: string, request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = (request.url.split('?')[0] ?? '/').split('#')[0] ?? '/';
  if (RESERVED.test(path)) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  const file = normalize(join(root, decoded));
  const inside = file === root || file.startsWith(root.endsWith(sep) ? root : root + sep);
  if (inside && !decoded.includes('\0') && existsSync(file) && statSync(file).isFile()) {
    const hashed = decoded.startsWith('/assets/');
    void reply
      .header('content-type', TYPES[extname(file)] ?? 'application/octet-stream')
      .header('x-content-type-options', 'nosniff')
      // Built assets carry a content hash in their names; index.html must always be fresh.
      .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(request.method === 'HEAD' ? undefined : createReadStream(file));
    return true;
  }
  // A missing asset (with an extension) is a 404; any other path is a route of the app.
  if (extname(decoded) !== '') return false;
  const index = join(root, 'index.html');
  void reply
    .header('content-type', TYPES['.html']!)
    .header('cache-control', 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', CSP)
    .header('x-frame-options', 'SAMEORIGIN');
  if (!existsSync(index)) void reply.send(NOT_BUILT);
  else void reply.send(request.method === 'HEAD' ? undefined : createReadStream(index));
  return true;
}
