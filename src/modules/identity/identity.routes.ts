import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors/app-error.ts';
import { PUBLIC } from '../../platform/http/auth.ts';
import type { HttpApp } from '../../platform/http/http-server.ts';
import { ROLES, ROLE_ZH } from '../organization/index.ts';
import { AUDIT_OUTCOMES, identityClaims, type AuditActor } from './identity.api.ts';
import { sessionSecretOf, setSessionCookie } from './identity.authenticator.ts';
import { IDENTITY_PERMISSIONS as P } from './identity.permissions.ts';
import type { IdentityConfig, IdentityService } from './identity.service.ts';
import { ROLE_PERMISSIONS, TOKEN_SCOPES } from './domain/roles.ts';

const Id = Type.String({ minLength: 1, maxLength: 60 });
const IdOrCode = Type.String({ minLength: 1, maxLength: 60 });
const RoleSchema = Type.Enum(ROLES);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

// Response schemas double as a filter: nothing outside them (a hash, a secret) can reach a client.
const GrantSchema = Type.Object({ id: Type.String(), role: Type.String(), departmentId: Nullable(Type.String()) });
const AccountSchema = Type.Object({
  id: Type.String(), username: Type.String(), displayName: Type.String(), staffId: Nullable(Type.String()), departmentId: Nullable(Type.String()),
  active: Type.Boolean(), demo: Type.Boolean(), grants: Type.Array(GrantSchema), lockedUntil: Nullable(Type.String()), lastLoginAt: Nullable(Type.String()),
  passwordChangedAt: Type.String(), createdAt: Type.String(),
});
const TokenSchema = Type.Object({
  id: Type.String(), name: Type.String(), prefix: Type.String(), scopes: Type.Array(Type.String()), departmentId: Nullable(Type.String()),
  ownerAccountId: Nullable(Type.String()), createdBy: Type.String(), createdAt: Type.String(), lastUsedAt: Nullable(Type.String()),
  expiresAt: Nullable(Type.String()), revokedAt: Nullable(Type.String()), demo: Type.Boolean(),
});
const MeSchema = Type.Object({ account: AccountSchema, permissions: Type.Array(Type.String()) });

const actorOf = (req: FastifyRequest): AuditActor => ({ id: req.principal?.id ?? 'anonymous', label: req.principal?.label ?? 'anonymous' });

/** A locked login answers 429 with Retry-After, like any well-behaved rate limit. */
function withRetryAfter(reply: FastifyReply, err: unknown): never {
  if (err instanceof AppError && err.code === 'LOGIN_LOCKED') reply.header('retry-after', String(err.details?.retryAfterSeconds ?? 900));
  throw err;
}

/** HTTP adapter of the identity module under /api/v1/identity. */
export function identityRoutes(app: HttpApp, service: IdentityService, config: IdentityConfig): void {
  const tags = ['identity'];
  const base = '/api/v1/identity';

  app.post(`${base}/login`, { config: { permission: PUBLIC },
    schema: {
      tags, summary: 'Sign in with username and password; sets the session cookie (a new session each time)',
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ account: AccountSchema, permissions: Type.Array(Type.String()), expiresAt: Type.String() }) },
    },
  }, async (req, reply) => {
    const result = await service.login({
      username: req.body.username, password: req.body.password, ip: req.ip, userAgent: req.headers['user-agent'] ?? null, presentedSecret: sessionSecretOf(req),
    }).catch((err: unknown) => withRetryAfter(reply, err));
    setSessionCookie(reply, req, result.secret, config.cookieSecure);
    reply.header('cache-control', 'no-store');
    return { account: result.account, permissions: result.permissions, expiresAt: result.expiresAt };
  });

  app.post(`${base}/logout`, { config: { permission: PUBLIC }, schema: { tags, summary: 'Sign out: ends the session and clears the cookie' } }, async (req, reply) => {
    const secret = sessionSecretOf(req);
    if (secret) await service.logout(secret, req.ip);
    setSessionCookie(reply, req, null, config.cookieSecure);
    return reply.status(204).send();
  });

  app.get(`${base}/me`, { config: { permission: P.self }, schema: { tags, summary: 'The signed-in account with its roles and permissions', response: { 200: MeSchema } } }, async (req) => {
    const account = await service.getAccount(req.principal!.id);
    return { account, permissions: [...req.principal!.permissions].sort() };
  });

  app.post(`${base}/me/password`, { config: { permission: P.self },
    schema: {
      tags, summary: 'Change one\'s own password (at least 10 characters, not the username); other sessions end',
      body: Type.Object({ oldPassword: Type.String({ minLength: 1, maxLength: 1024 }), newPassword: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
    },
  }, async (req, reply) => {
    const sessionId = identityClaims(req.principal)?.sessionId;
    await service.changePassword(req.principal!.id, req.body.oldPassword, req.body.newPassword, { ip: req.ip, sessionId }).catch((err: unknown) => withRetryAfter(reply, err));
    return reply.status(204).send();
  });

  app.get(`${base}/roles`, { config: { permission: P.admin }, schema: { tags, summary: 'Roles with their permissions, and every scope a token may carry' } }, async () => ({
    roles: ROLES.map((role) => ({ role, name: ROLE_ZH[role], permissions: [...ROLE_PERMISSIONS[role]] })),
    scopes: [...TOKEN_SCOPES],
  }));

  app.get(`${base}/accounts`, { config: { permission: P.admin },
    schema: { tags, summary: 'Staff accounts', querystring: Type.Object({ active: Type.Optional(Type.Boolean()) }), response: { 200: Type.Object({ items: Type.Array(AccountSchema) }) } },
  }, async (req) => ({ items: await service.listAccounts(req.query.active === undefined ? {} : { active: req.query.active }) }));

  app.post(`${base}/accounts`, { config: { permission: P.admin },
    schema: {
      tags, summary: 'Create a staff account; a generated password is returned once',
      body: Type.Object({
        username: Type.String({ minLength: 1, maxLength: 40 }), displayName: Type.Optional(Type.String({ maxLength: 100 })), password: Type.Optional(Type.String({ maxLength: 1024 })),
        staffId: Type.Optional(Nullable(IdOrCode)), departmentId: Type.Optional(Nullable(IdOrCode)), roles: Type.Optional(Type.Array(RoleSchema, { maxItems: ROLES.length })),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ account: AccountSchema, password: Type.Optional(Type.String()) }) },
    },
  }, async (req, reply) => {
    const { account, generatedPassword } = await service.createAccount(req.body, actorOf(req), req.ip);
    reply.header('cache-control', 'no-store');
    return reply.status(201).send({ account, ...(generatedPassword ? { password: generatedPassword } : {}) });
  });

  const accountParams = Type.Object({ id: Id });
  app.get(`${base}/accounts/:id`, { config: { permission: P.admin }, schema: { tags, summary: 'One account', params: accountParams, response: { 200: AccountSchema } } },
    async (req) => service.getAccount(req.params.id));

  app.post(`${base}/accounts/:id/deactivate`, { config: { permission: P.admin },
    schema: { tags, summary: 'Deactivate an account: its sessions end and its tokens are revoked', params: accountParams, response: { 200: AccountSchema } },
  }, async (req) => service.setActive(req.params.id, false, actorOf(req), req.ip));

  app.post(`${base}/accounts/:id/activate`, { config: { permission: P.admin }, schema: { tags, summary: 'Reactivate an account', params: accountParams, response: { 200: AccountSchema } } },
    async (req) => service.setActive(req.params.id, true, actorOf(req), req.ip));

  app.post(`${base}/accounts/:id/reset-password`, { config: { permission: P.admin },
    schema: { tags, summary: 'Set a generated password (returned once), end the account\'s sessions and lift a login lock', params: accountParams },
  }, async (req, reply) => {
    const password = await service.resetPassword(req.params.id, actorOf(req), req.ip);
    reply.header('cache-control', 'no-store');
    return { password };
  });

  app.post(`${base}/accounts/:id/grants`, { config: { permission: P.admin },
    schema: {
      tags, summary: 'Grant a role for a department (default: the account\'s staff department)', params: accountParams,
      body: Type.Object({ role: RoleSchema, departmentId: Type.Optional(Nullable(IdOrCode)) }, { additionalProperties: false }), response: { 200: AccountSchema },
    },
  }, async (req) => service.addGrant(req.params.id, req.body, actorOf(req), req.ip));

  app.delete(`${base}/accounts/:id/grants/:grantId`, { config: { permission: P.admin },
    schema: { tags, summary: 'Remove a role grant', params: Type.Object({ id: Id, grantId: Id }), response: { 200: AccountSchema } },
  }, async (req) => service.removeGrant(req.params.id, req.params.grantId, actorOf(req), req.ip));

  app.get(`${base}/tokens`, { config: { permission: P.admin },
    schema: { tags, summary: 'API tokens (prefix only, never the secret)', querystring: Type.Object({ includeRevoked: Type.Optional(Type.Boolean()) }), response: { 200: Type.Object({ items: Type.Array(TokenSchema) }) } },
  }, async (req) => ({ items: await service.listTokens({ includeRevoked: req.query.includeRevoked === true }) }));

  app.post(`${base}/tokens`, { config: { permission: P.admin },
    schema: {
      tags, summary: 'Create an API token; the secret (clt_…) is in this response only',
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 100 }), scopes: Type.Array(Type.String({ maxLength: 60 }), { minItems: 1, maxItems: 50 }),
        departmentId: Type.Optional(Nullable(IdOrCode)), ownerAccountId: Type.Optional(Nullable(Id)), expiresAt: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ token: TokenSchema, secret: Type.String() }) },
    },
  }, async (req, reply) => {
    const created = await service.createToken(req.body, actorOf(req), req.ip);
    reply.header('cache-control', 'no-store');
    return reply.status(201).send(created);
  });

  app.post(`${base}/tokens/:id/revoke`, { config: { permission: P.admin },
    schema: { tags, summary: 'Revoke a token; it stops working at once', params: Type.Object({ id: Id }), response: { 200: TokenSchema } },
  }, async (req) => service.revokeToken(req.params.id, actorOf(req), req.ip));

  app.get(`${base}/audit`, { config: { permission: P.auditRead },
    schema: {
      tags, summary: 'The audit log, newest first (page with `before` = the last id seen)',
      querystring: Type.Object({
        action: Type.Optional(Type.String({ maxLength: 100 })), actorId: Type.Optional(Type.String({ maxLength: 60 })), target: Type.Optional(Type.String({ maxLength: 200 })),
        outcome: Type.Optional(Type.Enum(AUDIT_OUTCOMES)), from: Type.Optional(Type.String({ maxLength: 40 })), to: Type.Optional(Type.String({ maxLength: 40 })),
        before: Type.Optional(Type.String({ maxLength: 60 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      }),
    },
  }, async (req) => {
    const items = await service.audit.list(req.query);
    return { items, next: items.length === (req.query.limit ?? 100) ? (items.at(-1)?.id ?? null) : null };
  });
}
