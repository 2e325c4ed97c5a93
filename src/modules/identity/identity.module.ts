import type { Clock } from '../../platform/clock/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Authenticator } from '../../platform/http/auth.ts';
import type { HttpApp } from '../../platform/http/http-server.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import type { OrganizationApi } from '../organization/index.ts';
import type { IdentityApi } from './identity.api.ts';
import { createIdentityAuthenticator } from './identity.authenticator.ts';
import { IdentityRepository } from './identity.repository.ts';
import { identityRoutes } from './identity.routes.ts';
import { IdentityService, type IdentityConfig } from './identity.service.ts';

export interface IdentityModule {
  readonly api: IdentityApi;
  readonly service: IdentityService;
  /** Give this to createHttpServer: sessions (cookie) and bearer tokens. */
  readonly authenticator: Authenticator;
  start(): Promise<void>;
  routes(app: HttpApp): void;
}

export interface IdentityModuleDeps {
  database: Database;
  uow: UnitOfWork;
  /** Events are published through the unit of work; identity subscribes to nothing yet. */
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  /** Staff and departments that accounts and grants refer to. */
  organization: OrganizationApi;
  config: IdentityConfig;
}

/** Build the identity module: accounts, grants, sessions, tokens, the audit log and the authenticator. */
export function createIdentityModule(deps: IdentityModuleDeps): IdentityModule {
  const repository = new IdentityRepository(deps.database.db, deps.database.dialect.name);
  const service = new IdentityService(repository, deps.uow, deps.clock, deps.organization, deps.config, deps.logger);
  return {
    api: service,
    service,
    authenticator: createIdentityAuthenticator(service),
    start: () => service.start(),
    routes: (app) => identityRoutes(app, service, deps.config),
  };
}
