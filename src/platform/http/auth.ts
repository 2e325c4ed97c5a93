import type { FastifyRequest } from 'fastify';

/** Who is calling: an account with a session, or a system with a bearer token. */
export interface Principal {
  /** Account or token id. */
  id: string;
  kind: 'session' | 'token';
  /** Human-readable name for logs and audit (never personal data of citizens). */
  label: string;
  /** Permissions granted (from roles for accounts, from scopes for tokens). */
  permissions: ReadonlySet<string>;
  /** What the issuing module knows about the caller (e.g. staff id, department grants); read through its typed helper. */
  claims: Readonly<Record<string, unknown>>;
}

/** Resolves the caller of a request; null when it carries no (valid) credentials. */
export interface Authenticator {
  authenticate(request: FastifyRequest): Promise<Principal | null>;
}

/** The permission of routes anyone may call (citizen pages, Open311 reads, health). */
export const PUBLIC = 'public';

/** Every route declares the permission it needs in its config; a route without one refuses to start. */
declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: string;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** One row of the route table: what the authorization matrix test walks. */
export interface RouteEntry {
  method: string;
  url: string;
  permission: string | undefined;
}
