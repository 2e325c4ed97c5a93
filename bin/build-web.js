#!/usr/bin/env node
// Build the web console (web/ → web/dist) with Vite. `--if-stale` (used by `npm start`) builds
// only when web/dist is missing or older than a source file, so a fresh clone needs nothing but
// `npm install && npm start`, and later starts are immediate. See docs/adr/0004.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const dist = join(web, 'dist', 'index.html');

/** Newest modification time under the console's sources (and the lock file: a new library version rebuilds). */
function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const st = statSync(path);
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of [join(web, 'src'), join(web, 'index.html'), join(web, 'vite.config.ts'), join(web, 'public'), join(root, 'package-lock.json')]) if (existsSync(p)) visit(p);
  return newest;
}

/** True when web/dist is missing or older than its sources. */
export function webIsStale() {
  return !existsSync(dist) || statSync(dist).mtimeMs < newestSource();
}

/** Build web/dist with Vite's JavaScript API; resolves with the time it took. */
export async function buildWeb({ quiet = false } = {}) {
  const t0 = performance.now();
  // Vite takes NODE_ENV from the environment when set: under a test runner (NODE_ENV=test) that would
  // bundle React's development build. The console is always built for production.
  process.env.NODE_ENV = 'production';
  const { build } = await import('vite');
  await build({ configFile: join(web, 'vite.config.ts'), logLevel: quiet ? 'warn' : 'info' });
  return performance.now() - t0;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !webIsStale()) process.exit(0);
  try {
    await import('vite');
  } catch {
    // An install without dev dependencies cannot build; the API still runs and `/` says how to build.
    process.stderr.write('web console not built: Vite is not installed (npm install with dev dependencies, then npm run build:web)\n');
    process.exit(ifStale ? 0 : 1);
  }
  process.stderr.write('building the web console (web/dist)…\n');
  const ms = await buildWeb({ quiet: ifStale });
  process.stderr.write(`web console built in ${(ms / 1000).toFixed(1)} s\n`);
}
