import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC, type RouteEntry } from '../../src/platform/http/auth.ts';
import { testEngine } from '../../src/platform/testing/test-database.ts';
import { buildCall, openAuthWorld, pathParams, routeSchemas, urlOf, type AuthWorld, type RouteCall, type RouteSchema, type WorldUser } from '../support/auth-world.ts';

/*
 * Hostile input at every public endpoint (as nobody) and at every route of the route table (as an
 * admin, who passes every permission check, so the input reaches validation and the handlers).
 * Each request starts from a valid one for the route and spoils one thing: a body field, the whole
 * body, the content type, the query, a path parameter or a header. The server must answer every
 * one without a 5xx, keep answering /health, and a refused request must leave every table as it was.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
/** Spoiled requests per route and kind of spoiling; modest so the file stays well under a minute on 2 cores. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 4);

/** Routes whose refusals are recorded by design: failed sign-ins count towards the lock-out and are audited. */
const MAY_RECORD: Record<string, readonly string[]> = {
  'POST /api/v1/identity/login': ['identity_login_throttle', 'identity_audit'],
  'POST /api/v1/identity/me/password': ['identity_login_throttle', 'identity_audit'],
};

const SQL = ["' OR '1'='1", "'; DROP TABLE cases_case; --", '1 UNION SELECT password_hash FROM identity_account --', "%' AND 1=1 --", '"; SELECT pg_sleep(1); --', "\\'; --", '0x27', '$1', ':id'];
const SCRIPT = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '{{7*7}}', '${7*7}', '../../../../etc/passwd', '%00', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'];
const ODD = ['\u0000', 'a\u0000b', '\uD800', 'x\uDFFFy', '\uFEFF', '\u202Eevil', '𠮷'.repeat(50), 'NaN', 'Infinity', '-0', '1e309', '0x10', ' 12 ', '١٢٣', 'true', 'null', '[]', '{}', ''];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SQL, ...SCRIPT, ...ODD) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 1_500_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
);

/** Bytes of a JSON value, or of JSON-ish text no serializer would write (deep nesting, bad UTF-8). */
const hostileJson: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 5, arbitrary: hostileString.map((s) => Buffer.from(JSON.stringify(s))) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(1e308, -1, 2 ** 53 + 1, 0.5), fc.boolean(), fc.constant(null),
      fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
    ).map((v) => Buffer.from(JSON.stringify(v))),
  },
  { weight: 1, arbitrary: fc.constantFrom('{"__proto__":{"polluted":"yes"}}', '{"constructor":{"prototype":{"polluted":"yes"}}}', '{"prototype":{"polluted":"yes"}}').map((s) => Buffer.from(s)) },
  // Nesting 10,000 deep: recursive code (validation, text checks, logging) must not blow the stack.
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(100, 10_000), fc.boolean()).map(([d, arrays]) => Buffer.from(arrays ? '['.repeat(d) + ']'.repeat(d) : '{"a":'.repeat(d) + '1' + '}'.repeat(d))) },
  // Invalid UTF-8 inside a JSON string: a lone continuation byte, an overlong form, an encoded surrogate, a truncated sequence.
  { weight: 1, arbitrary: fc.constantFrom([0xff], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80]).map((b) => Buffer.concat([Buffer.from('"a'), Buffer.from(b), Buffer.from('b"')])) },
);

/** A request exactly as it goes on the wire. */
interface Wire {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Which spoiling made it. */
  note: string;
}

const HOLE = '__fuzz_hole_8c1f__';

/** Every place in a JSON value (object keys and array items) a hostile value can go, plus new keys. */
function holes(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [path];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...holes(v, [...path, i])));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...holes(v, [...path, k]));
    for (const extra of ['__proto__', 'constructor', 'unexpectedField']) out.push([...path, extra]);
  }
  return out;
}

/** The JSON text of `value` with the hostile bytes at `path`. */
function withHole(value: unknown, path: ReadonlyArray<string | number>, fill: Buffer): Buffer {
  if (path.length === 0) return fill;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) at = at[step] as Record<string | number, unknown>;
  // defineProperty, so '__proto__' becomes an own key that JSON.stringify writes out.
  Object.defineProperty(at, path[path.length - 1]!, { value: HOLE, enumerable: true, configurable: true, writable: true });
  const [before, after] = JSON.stringify(copy).split(`"${HOLE}"`);
  return Buffer.concat([Buffer.from(before!), fill, Buffer.from(after!)]);
}

const CONTENT_TYPES = ['text/plain', 'application/xml', 'multipart/form-data; boundary=xyz', 'application/x-www-form-urlencoded', 'text/csv', 'application/json; charset=utf-16', 'application/octet-stream', 'a/b/c', 'application/json;;;', ''];
const BAD_ENCODINGS = ['%ff', '%', '%E0%A4%A', '%00', '%C0%AF', '%ED%A0%80', '..%2F..%2F', '%2e%2e', '%25', '%u0041'];
const PRINTABLE = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 200 });

/** Spoilings that apply to a call: the six kinds, each an arbitrary of wire requests. */
function spoilings(call: RouteCall, schema: RouteSchema | undefined, base: Wire): Array<[string, fc.Arbitrary<Wire>]> {
  const out: Array<[string, fc.Arbitrary<Wire>]> = [];
  const sample: unknown = call.body && 'json' in call.body ? call.body.json : null;
  const bodyBytes = call.body === null ? undefined : 'json' in call.body ? Buffer.from(JSON.stringify(call.body.json)) : Buffer.from(call.body.raw);
  const hasBody = !['GET', 'DELETE'].includes(call.method);
  if (hasBody) {
    const jsonHeaders = { ...base.headers, 'content-type': 'application/json' };
    const places = holes(sample ?? {});
    out.push(['body field', fc.tuple(fc.constantFrom(...places), hostileJson).map(([path, fill]) => ({ ...base, headers: jsonHeaders, body: withHole(sample ?? {}, path, fill), note: `body at ${path.join('.') || '(root)'}` }))]);
    out.push(['whole body', fc.oneof(
      hostileJson.map((fill) => ({ ...base, headers: jsonHeaders, body: fill, note: 'whole body' })),
      fc.constantFrom('', '{', '{"a":}', '[1,]', "{'a':1}", 'undefined', '\u0000', '{"a":1}{"b":2}', `[${JSON.stringify(sample)}]`)
        .map((s) => ({ ...base, headers: jsonHeaders, body: Buffer.from(s), note: 'malformed JSON' })),
      fc.integer({ min: 1_048_577, max: 1_500_000 }).map((n) => ({ ...base, headers: jsonHeaders, body: Buffer.from(`{"text":"${'y'.repeat(n)}"}`), note: 'over the body limit' })),
    )]);
    out.push(['content type', fc.constantFrom(...CONTENT_TYPES).map((type) => {
      const headers = { ...base.headers };
      if (type) headers['content-type'] = type;
      else delete headers['content-type'];
      return { ...base, headers, ...(bodyBytes ? { body: bodyBytes } : { body: Buffer.from('{}') }), note: `content-type "${type}"` };
    })]);
  }
  const names = [...(schema?.query ?? []).map((q) => q.name), 'limit', 'offset', 'lang', '__proto__', 'constructor[prototype][polluted]'];
  out.push(['query', fc.oneof(
    fc.tuple(fc.constantFrom(...names), hostileString.filter((s) => s.length < 4_000)).map(([name, value]) => {
      const url = new URL(`http://x${base.url}`);
      url.searchParams.set(name, value);
      return { ...base, url: `${url.pathname}${url.search}`, note: `query ${name}` };
    }),
    fc.tuple(fc.constantFrom(...names), fc.constantFrom(...BAD_ENCODINGS)).map(([name, raw]) => ({ ...base, url: `${base.url}${base.url.includes('?') ? '&' : '?'}${name}=${raw}&${name}=1`, note: `query ${name} raw` })),
  )]);
  if (pathParams(routeUrlOf(call)).length) {
    out.push(['path', fc.oneof(
      hostileString.filter((s) => s.length < 20_000).map(percentEncoded),
      fc.constantFrom(...BAD_ENCODINGS),
    ).map((segment) => ({ ...base, url: spoilPath(call, segment), note: 'path parameter' }))]);
  }
  out.push(['header', fc.tuple(fc.constantFrom('cookie', 'authorization', 'accept-language', 'x-forwarded-for', 'x-cityloop-actor', 'user-agent', 'accept'), PRINTABLE).map(([name, value]) => {
    const headers = { ...base.headers };
    // Hostile credentials replace the session; other headers come beside it.
    headers[name] = name === 'cookie' ? `cityloop_session=${value}` : name === 'authorization' ? `Bearer ${value}` : value;
    return { ...base, headers, note: `header ${name}` };
  })]);
  return out;
}

/** The JSON of a value with invalid UTF-8 (a broken pair, a stray 0xff, an encoded surrogate) at the end of every string value. */
function withBadBytes(value: unknown): Buffer {
  // String values are the quoted runs not followed by a colon (those are keys); samples hold no escaped quotes.
  const parts = JSON.stringify(value ?? {}).replace(/"([^"]*)"(?!:)/g, '"$1\u0007"').split('\u0007');
  return Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [Buffer.from(p)] : [Buffer.from([0xc3, 0x28, 0xff, 0xed, 0xa0, 0x80]), Buffer.from(p)])));
}

/** Every byte of the UTF-8 form percent-encoded (encodeURIComponent throws on a lone surrogate). */
const percentEncoded = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** The route each call was built from (its parameters are where a path can be spoiled). */
const routeOf = new WeakMap<RouteCall, RouteEntry>();
const routeUrlOf = (call: RouteCall) => routeOf.get(call)?.url ?? call.path;

/** The call's path with its first parameter replaced by a hostile segment (given the valid one, when a function). */
function spoilPath(call: RouteCall, segment: string | ((valid: string) => string)): string {
  const route = routeOf.get(call)!;
  const parts = route.url.split('/');
  const real = call.path.split('/');
  const i = parts.findIndex((p) => p.includes(':') || p === '*');
  const spoiled = [...real];
  const hostile = typeof segment === 'function' ? segment(real[i]!) : segment;
  // A parameter with a literal suffix (`requests.:format`) keeps its literal part.
  spoiled[i] = parts[i]!.startsWith(':') || parts[i] === '*' ? hostile : parts[i]!.replace(/:[A-Za-z_]+/, hostile);
  const qs = new URLSearchParams(call.query).toString();
  return `${spoiled.join('/')}${qs ? `?${qs}` : ''}`;
}

describe(`hostile input at every route (${testEngine()}, seed ${SEED}, ${RUNS} runs per route and kind)`, () => {
  let world: AuthWorld;
  let schemas: Map<string, RouteSchema>;
  let clientSeq = 0;

  beforeAll(async () => {
    // Behind a "proxy" each request can come from its own address, so per-client rate limits let the input reach the handlers.
    world = await openAuthWorld({ config: { trustProxy: 'on' } });
    schemas = routeSchemas(world.http);
    console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} to replay)`);
  });
  afterAll(async () => {
    await world?.close();
  });

  const describeWire = (w: Wire) => {
    const preview = w.body ? JSON.stringify(w.body.subarray(0, 240).toString('latin1')) : '(none)';
    return `${w.method} ${w.url.slice(0, 240)}${w.url.length > 240 ? `…(${w.url.length} chars)` : ''} [${w.note}] content-type=${JSON.stringify(w.headers['content-type'] ?? null)} body ${w.body?.length ?? 0} bytes ${preview}`;
  };

  async function fire(w: Wire): Promise<{ status: number; text: string }> {
    const res = await fetch(`${world.base}${w.url}`, { method: w.method, headers: w.headers, redirect: 'manual', ...(w.body ? { body: w.body } : {}) });
    return { status: res.status, text: (await res.text()).slice(0, 300) };
  }

  /** Whether a request may write these tables even when it is refused. */
  const mayRecord = (route: RouteEntry) => new Set(MAY_RECORD[`${route.method} ${route.url}`] ?? []);
  const protoKeys = Object.getOwnPropertyNames(Object.prototype).length;

  /** Send one request and hold the server to the rules; throws an error naming the request otherwise. */
  async function check(wire: Wire, allowed: ReadonlySet<string>, statuses: Map<number, number>): Promise<void> {
    wire.headers['x-forwarded-for'] ??= `10.${(clientSeq >> 16) & 255}.${(clientSeq >> 8) & 255}.${clientSeq++ & 255}`;
    const before = await world.counts();
    const logs = world.errorLogs.length;
    let answer: { status: number; text: string };
    try {
      answer = await fire(wire);
    } catch (err) {
      throw new Error(`no answer (${(err as Error).message}) to ${describeWire(wire)}`);
    }
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    if (answer.status >= 500) throw new Error(`${answer.status} for ${describeWire(wire)}: ${answer.text}`);
    if (world.errorLogs.length > logs) throw new Error(`server error logged (answered ${answer.status}) for ${describeWire(wire)}: ${world.errorLogs.slice(logs).join(' ').slice(0, 300)}`);
    if (({} as Record<string, unknown>).polluted !== undefined || Object.getOwnPropertyNames(Object.prototype).length !== protoKeys) {
      throw new Error(`Object.prototype polluted by ${describeWire(wire)}`);
    }
    if (answer.status >= 400) {
      const after = await world.counts();
      const changed = Object.keys(after).filter((t) => after[t] !== before[t] && !allowed.has(t)).map((t) => `${t} ${before[t]}→${after[t]}`);
      if (changed.length) throw new Error(`refused with ${answer.status} yet stored (${changed.join(', ')}): ${describeWire(wire)}: ${answer.text}`);
    }
  }

  /** The valid request for a route as a user, as it goes on the wire. */
  async function validWire(route: RouteEntry, user: WorldUser): Promise<{ call: RouteCall; base: Wire }> {
    const call = await buildCall(route, { world, user, scope: 'in', fresh: true }, schemas);
    routeOf.set(call, route);
    const headers: Record<string, string> = {};
    // Ending or replacing the admin's session is not the point; those routes are public and sent without it.
    if (user.cookie && !call.consumesSession) headers.cookie = `cityloop_session=${user.cookie}`;
    const body = call.body === null ? undefined : 'json' in call.body ? Buffer.from(JSON.stringify(call.body.json)) : Buffer.from(call.body.raw);
    if (call.body) headers['content-type'] = 'raw' in call.body ? call.body.contentType : 'application/json';
    return { call, base: { method: call.method, url: urlOf(call), headers, ...(body ? { body } : {}), note: 'valid' } };
  }

  /** Throw every kind of spoiling at a route as a user; each broken rule becomes one line in `failures`. */
  async function attack(route: RouteEntry, user: WorldUser, index: number, statuses: Map<number, number>, failures: string[]): Promise<void> {
    const { call, base } = await validWire(route, user);
    const key = `${route.method} ${route.url}`;
    const allowed = mayRecord(route);
    for (const [kind, arbitrary] of spoilings(call, schemas.get(key), base)) {
      try {
        await fc.assert(fc.asyncProperty(arbitrary, (wire) => check(wire, allowed, statuses)), { seed: SEED + index * 7919 + kind.length, numRuns: RUNS, endOnFailure: true });
      } catch (err) {
        const cause = (err as Error).cause;
        const replay = (err as Error).message.split('\n').slice(0, 2).join(' ');
        failures.push(`${key} [${kind}] ${cause instanceof Error ? cause.message : (err as Error).message.slice(0, 400)} (${replay})`);
      }
    }
    const health = await fire({ method: 'GET', url: '/health', headers: {}, note: 'health' });
    if (health.status !== 200) failures.push(`/health answered ${health.status} after ${key}`);
  }

  const summary = (statuses: Map<number, number>) => [...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ');
  const report = (title: string, failures: readonly string[]) => {
    if (failures.length) console.log(`${title}: ${failures.length} broken rules\n${failures.join('\n')}`);
  };

  it('answers hostile input at every public endpoint with a 4xx or a success, never a 5xx, storing nothing when it refuses', async () => {
    const routes = world.routes.filter((r) => r.permission === PUBLIC);
    expect(routes.length).toBeGreaterThan(10);
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (const [i, route] of routes.entries()) await attack(route, world.user('anonymous'), i, statuses, failures);
    console.log(`public endpoints as nobody: ${routes.length} routes, statuses ${summary(statuses)}`);
    report('public endpoints', failures);
    expect([...statuses.keys()].some((s) => s >= 400 && s < 500)).toBe(true);
    expect(failures).toEqual([]);
  });

  it('answers hostile input at every route with an admin session the same way', async () => {
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (const [i, route] of world.routes.entries()) await attack(route, world.user('admin'), 1000 + i, statuses, failures);
    console.log(`every route as admin: ${world.routes.length} routes, statuses ${summary(statuses)}`);
    report('every route as admin', failures);
    expect(failures).toEqual([]);
  });

  it('refuses the classic hostile bodies at every route that takes one, as nobody and as admin', async () => {
    // Every route gets each of these for certain; the random runs above only sample them.
    const deep = 10_000;
    const bodies = (sample: unknown): Array<[string, Buffer, string]> => [
      ['10,000 nested arrays', Buffer.from('['.repeat(deep) + ']'.repeat(deep)), 'application/json'],
      ['10,000 nested objects', Buffer.from('{"a":'.repeat(deep) + '1' + '}'.repeat(deep)), 'application/json'],
      ['invalid UTF-8 in every string', withBadBytes(sample), 'application/json'],
      ['1.5 MB string', Buffer.from(JSON.stringify({ ...(sample && typeof sample === 'object' ? sample : {}), text: 'z'.repeat(1_500_000) })), 'application/json'],
      ['array instead of object', Buffer.from(JSON.stringify([sample])), 'application/json'],
      ['prototype pollution', Buffer.from(`{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},${JSON.stringify(sample ?? {}).slice(1)}`), 'application/json'],
      ['NUL and a lone surrogate', Buffer.from(JSON.stringify(sample ?? {}).replace(/"([^"]*)"(?!:)/g, '"$1\\u0000\\ud800"')), 'application/json'],
      ['JSON sent as XML', Buffer.from(JSON.stringify(sample ?? {})), 'application/xml'],
    ];
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (const user of [world.user('anonymous'), world.user('admin')]) {
      for (const route of world.routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method))) {
        const { call, base } = await validWire(route, user);
        const sample = call.body && 'json' in call.body ? call.body.json : {};
        for (const [note, body, type] of bodies(sample)) {
          const wire: Wire = { ...base, headers: { ...base.headers, 'content-type': type }, body, note };
          try {
            await check(wire, mayRecord(route), statuses);
          } catch (err) {
            failures.push(`${user.name} ${route.method} ${route.url} [${note}] ${(err as Error).message}`);
          }
        }
      }
    }
    console.log(`classic hostile bodies: statuses ${summary(statuses)}`);
    report('classic hostile bodies', failures);
    expect(failures).toEqual([]);
  });

  it('refuses NUL, lone surrogates, bad percent-encoding and unknown ids in every path parameter and query value without a 5xx', async () => {
    // The random runs above reach each parameter only now and then; this sweep reaches every one.
    const values = ['%00', 'a%00b', '%ED%A0%80', '%ff', 'no-such-id', '%27%20OR%201%3D1%20--'];
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (const route of world.routes) {
      const { call, base } = await validWire(route, world.user('admin'));
      const names = (schemas.get(`${route.method} ${route.url}`)?.query ?? []).map((q) => q.name);
      const wires: Wire[] = [];
      if (pathParams(route.url).length) {
        for (const v of values) wires.push({ ...base, headers: { ...base.headers }, url: spoilPath(call, v), note: `path parameter ${v}` });
        // A real id with a NUL after it passes every "looks like an id" check and reaches the database.
        wires.push({ ...base, headers: { ...base.headers }, url: spoilPath(call, (valid) => `${valid}%00`), note: 'path parameter <valid id>%00' });
      }
      for (const name of names) {
        for (const v of values) {
          const rest = new URLSearchParams(call.query);
          rest.delete(name);
          const qs = rest.toString();
          wires.push({ ...base, headers: { ...base.headers }, url: `${call.path}?${qs ? `${qs}&` : ''}${name}=${v}`, note: `query ${name}=${v}` });
        }
      }
      for (const wire of wires) {
        try {
          await check(wire, mayRecord(route), statuses);
        } catch (err) {
          failures.push(`${route.method} ${route.url} [${wire.note}] ${(err as Error).message}`);
        }
      }
    }
    console.log(`parameter sweep as admin: statuses ${summary(statuses)}`);
    report('parameter sweep', failures);
    expect(failures).toEqual([]);
  });
});
