import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { expect } from 'vitest';
import type { HttpApp, ErrorBody } from '../../src/platform/http/http-server.ts';
import type { HistoryEntry } from '../../src/modules/cases/domain/case-record.ts';
import { openSmallWorld } from './small-world.ts';

/** The small world as `openSmallWorld` returns it. */
export type SmallWorld = Awaited<ReturnType<typeof openSmallWorld>>;

/** One HTTP exchange: the status, the parsed JSON body (or null), the raw text and the coded error if any. */
export interface ApiResponse<T> {
  status: number;
  body: T;
  error: ErrorBody['error'] | undefined;
  text: string;
  headers: Headers;
}

export interface RequestOptions {
  /** A value sent as JSON. */
  json?: unknown;
  /** A body sent exactly as given (malformed JSON, huge payloads). */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

/** A tiny fetch client for the CityLoop API; `as(staffId)` names the acting staff member. */
export class ApiClient {
  constructor(
    readonly base: string,
    private readonly defaults: Record<string, string> = {},
  ) {}

  /** The same client acting as a staff member (the `x-cityloop-actor` header). */
  as(staffId: string): ApiClient {
    return new ApiClient(this.base, { ...this.defaults, 'x-cityloop-actor': staffId });
  }

  /** The same client with extra default headers (e.g. Accept-Language). */
  with(headers: Record<string, string>): ApiClient {
    return new ApiClient(this.base, { ...this.defaults, ...headers });
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...this.defaults, ...options.headers };
    let body: string | Uint8Array | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] ??= 'application/json';
    } else if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = null;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    const error = parsed && typeof parsed === 'object' && 'error' in parsed ? (parsed as ErrorBody).error : undefined;
    return { status: res.status, body: parsed as T, error, text, headers: res.headers };
  }

  get<T>(path: string, headers?: Record<string, string>): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, headers ? { headers } : {});
  }

  post<T>(path: string, json?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, { ...(json !== undefined ? { json } : {}), ...(headers ? { headers } : {}) });
  }
}

/** The body of an answer with the expected status; any other answer fails the test showing its coded error. */
export function ok<T>(res: ApiResponse<T>, status = 200): T {
  expect(res.status, `${res.status} ${res.text.slice(0, 300)}`).toBe(status);
  return res.body;
}

/** Staff added on top of the small world so every tier has someone to act (codes → department codes). */
export const EXTRA_STAFF = [
  { code: 'dispatcher-east', name: '孙派单', departmentCode: 'EAST-CENTRE', roles: ['dispatcher' as const] },
  { code: 'handler-east-office', name: '周承办', departmentCode: 'EAST-OFFICE', roles: ['handler' as const] },
  { code: 'handler-east-citymgmt', name: '吴承办', departmentCode: 'EAST-CITYMGMT', roles: ['handler' as const] },
  { code: 'handler-transport', name: '郑承办', departmentCode: 'TRANSPORT', roles: ['handler' as const] },
  { code: 'supervisor1', name: '钱督办', departmentCode: 'CENTRE', roles: ['supervisor' as const] },
];

export interface HttpWorld extends SmallWorld {
  /** http://127.0.0.1:<port> */
  readonly base: string;
  readonly http: HttpApp;
  /** A client without an actor. */
  readonly api: ApiClient;
  /** Staff id by staff code (small-world staff and EXTRA_STAFF). */
  staff(code: string): string;
  /** Department name by id (for readable timelines). */
  deptName(id: string | null): string;
}

/** The small world served over real HTTP on 127.0.0.1 at a free port, with a staff member at every tier. */
export async function openHttpWorld(start = '2026-12-01T01:00:00Z'): Promise<HttpWorld> {
  const world = await openSmallWorld(start);
  try {
    const report = await world.app.organization.api.upsertStaff(EXTRA_STAFF);
    if (report.errors.length) throw new Error(JSON.stringify(report.errors));
    const http = await world.app.http();
    await http.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`;
    const org = world.app.organization.api;
    return {
      ...world,
      base,
      http,
      api: new ApiClient(base),
      staff(code) {
        const found = org.listStaff().find((s) => s.code === code);
        if (!found) throw new Error(`no staff ${code}`);
        return found.id;
      },
      deptName: (id) => (id ? (org.getDepartment(id)?.name ?? id) : '—'),
      async close() {
        await http.close();
        await world.close();
      },
    };
  } catch (err) {
    await world.close();
    throw err;
  }
}

/** `action:from>to` for each history entry: compact enough to compare whole sequences exactly. */
export function steps(entries: readonly HistoryEntry[]): string[] {
  return entries.map((h) => `${h.action}:${h.fromState ?? '-'}>${h.toState}`);
}

/** A timeline as aligned text lines: local time, action, from → to state, department name, note. */
export function timelineText(title: string, entries: readonly HistoryEntry[], deptName: (id: string | null) => string, zone = 'Asia/Shanghai'): string {
  const rows = entries.map((h) => [
    DateTime.fromISO(h.at, { zone }).toFormat('yyyy-MM-dd HH:mm:ss'),
    h.action,
    `${h.fromState ?? '—'} → ${h.toState}`,
    deptName(h.departmentId),
    (h.note ?? '').replace(/\s+/g, ' '),
  ]);
  // CJK characters take two columns in a terminal.
  const width = (s: string) => [...s].reduce((n, ch) => n + (ch.codePointAt(0)! >= 0x2e80 ? 2 : 1), 0);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => width(r[i]!)), 0));
  const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - width(s)));
  return [`== ${title} (${zone}) ==`, ...rows.map((r) => r.map((cell, i) => (i < 4 ? pad(cell, widths[i]!) : cell)).join('  ').trimEnd())].join('\n');
}
