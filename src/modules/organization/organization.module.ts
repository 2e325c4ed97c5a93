import type { Clock } from '../../platform/clock/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { HttpApp } from '../../platform/http/http-server.ts';
import type { PlacesApi } from '../places/index.ts';
import type { OrganizationApi } from './organization.api.ts';
import { ORGANIZATION_EVENTS } from './organization.events.ts';
import { OrganizationRepository } from './organization.repository.ts';
import { organizationRoutes } from './organization.routes.ts';
import { OrganizationService } from './organization.service.ts';

export interface OrganizationModule {
  readonly api: OrganizationApi;
  readonly service: OrganizationService;
  start(): Promise<void>;
  routes(app: HttpApp): void;
}

/** Build the organization module; it asks `places` where areas are. */
export function createOrganizationModule(deps: { database: Database; uow: UnitOfWork; bus: EventBus; clock: Clock; places: PlacesApi }): OrganizationModule {
  const service = new OrganizationService(new OrganizationRepository(deps.database.db), deps.uow, deps.clock, deps.places);
  deps.bus.subscribeBroadcast('organization.reload-directory', [ORGANIZATION_EVENTS.changed], async () => service.load());
  return { api: service, service, start: () => service.load(), routes: (app) => organizationRoutes(app, service, deps.places) };
}
