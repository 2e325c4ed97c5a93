import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator, Principal } from '../../platform/http/auth.ts';
import type { IdentityConfig, IdentityService } from './identity.service.ts';

/** Name of the browser session cookie. */
export const SESSION_COOKIE = 'cityloop_session';

/** The session secret a request's cookie carries, if any. */
export function sessionSecretOf(request: FastifyRequest): string | null {
  const header = request.headers.cookie;
  if (typeof header !== 'string' || header.length === 0 || header.length > 8192) return null;
  // Our own value is base64url, so no decoding is needed; other cookies are none of our business.
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{1,200}$/.test(value) ? value : null;
    }
  }
  return null;
}

/** Set (value) or clear (null) the session cookie: HttpOnly, SameSite=Lax, Path=/, Secure per configuration. */
export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, value: string | null, secureMode: IdentityConfig['cookieSecure']): void {
  const secure = secureMode === 'on' || (secureMode === 'auto' && request.protocol === 'https');
  // No Max-Age on a live session: the server slides the expiry; the browser forgets the cookie when it closes.
  const attributes = [
    `${SESSION_COOKIE}=${value ?? ''}`,
    ...(value === null ? ['Max-Age=0', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT'] : []),
    'Path=/', 'HttpOnly', ...(secure ? ['Secure'] : []), 'SameSite=Lax',
  ];
  reply.header('set-cookie', attributes.join('; '));
}

/**
 * Who is calling: `Authorization: Bearer <token>` for systems, else the session cookie for browsers.
 * A malformed or unknown bearer token never falls back to the cookie.
 */
export function createIdentityAuthenticator(service: IdentityService): Authenticator {
  return {
    async authenticate(request: FastifyRequest): Promise<Principal | null> {
      const authorization = request.headers.authorization;
      if (typeof authorization === 'string' && authorization.length > 0) {
        const m = /^Bearer +([\x21-\x7e]{1,200})$/i.exec(authorization.trim());
        return m ? service.principalForToken(m[1]!, request.ip) : null;
      }
      const secret = sessionSecretOf(request);
      return secret ? service.principalForSession(secret) : null;
    },
  };
}
