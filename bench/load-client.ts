/**
 * Load generator for the HTTP benchmarks, run as a child process by `runLoad` (bench-util.ts) so
 * it does not share the server's core. Argument: the JSON of LoadOptions. Prints one JSON line
 * of LoadResult. POSTs JSON bodies in turn from a file (cycled) or one fixed body.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { LoadOptions, LoadResult } from './bench-util.ts';

const opts = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const bodies: string[] = opts.bodiesFile ? (JSON.parse(readFileSync(opts.bodiesFile, 'utf8')) as unknown[]).map((b) => JSON.stringify(b)) : [opts.body ?? '{}'];
let next = opts.offset ?? 0;

const latencies: number[] = [];
let first = 0;
let last = 0;
const statusCodes: Record<string, number> = {};

const instance = autocannon(
  {
    url: opts.url,
    connections: opts.connections,
    pipelining: 1,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.durationS ?? 10 }),
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { ...opts.headers, 'content-type': 'application/json' },
        // Each request gets the next body, across all connections.
        setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }),
      },
    ],
  },
  (err, result) => {
    if (err) {
      console.error(err);
      process.exit(1);
    }
    const sorted = Float64Array.from(latencies).sort();
    const q = (p: number): number => (sorted.length ? (sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number) : Number.NaN);
    const elapsedMs = last - first;
    const ok2xx = result['2xx'];
    const out: LoadResult = {
      sent: result.requests.sent,
      ok2xx,
      non2xx: result.non2xx,
      statusCodes,
      errors: result.errors,
      timeouts: result.timeouts,
      elapsedMs,
      rate: elapsedMs > 0 ? (ok2xx / elapsedMs) * 1000 : 0,
      p50: q(0.5),
      p90: q(0.9),
      p99: q(0.99),
      max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  },
);

instance.on('start', () => {
  first = performance.now();
});
instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  last = performance.now();
  latencies.push(responseTime);
  statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
});
