import { i18n } from './i18n/i18n.ts';

/** Fired on window when the API answers 401: the session is gone. */
export const SIGNED_OUT_EVENT = 'cityloop:signed-out';

/** A coded error from the CityLoop API (`{ error: { code, message, field? } }`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Raw text body (CSV uploads). */
  text?: string;
  contentType?: string;
  signal?: AbortSignal;
}

/** Call the CityLoop API with the session cookie; messages come back in the UI language. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { 'accept-language': i18n.language === 'en' ? 'en' : 'zh-CN' };
  let body: string | undefined;
  if (options.text !== undefined) {
    body = options.text;
    headers['content-type'] = options.contentType ?? 'text/csv';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(path, { method: options.method ?? (body !== undefined ? 'POST' : 'GET'), headers, credentials: 'same-origin', ...(body !== undefined ? { body } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const payload: unknown = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    const err = typeof payload === 'object' && payload !== null && 'error' in payload ? (payload as { error: { code?: string; message?: string; field?: string } }).error : {};
    // The session ended (expired, signed out elsewhere, account deactivated): back to the sign-in screen.
    if (res.status === 401 && !path.startsWith('/api/v1/identity/login') && typeof window !== 'undefined') window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    throw new ApiError(res.status, err.code ?? `HTTP_${res.status}`, err.message ?? res.statusText, err.field);
  }
  return payload as T;
}

/** Query string from defined values only. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
