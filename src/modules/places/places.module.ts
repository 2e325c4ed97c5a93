import type { Clock } from '../../platform/clock/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { HttpApp } from '../../platform/http/http-server.ts';
import { PLACES_EVENTS } from './places.events.ts';
import { PlacesRepository } from './places.repository.ts';
import { placesRoutes } from './places.routes.ts';
import { PlacesService } from './places.service.ts';
import type { PlacesApi } from './places.api.ts';

export interface PlacesModule {
  readonly api: PlacesApi;
  readonly service: PlacesService;
  /** Load the area index; call once before serving. */
  start(): Promise<void>;
  routes(app: HttpApp): void;
}

/** Build the places module from its dependencies. */
export function createPlacesModule(deps: { database: Database; uow: UnitOfWork; bus: EventBus; clock: Clock }): PlacesModule {
  const service = new PlacesService(new PlacesRepository(deps.database.db), deps.uow, deps.clock);
  // Another process (a CLI import) may change areas: reload when it says so.
  deps.bus.subscribeBroadcast('places.reload-index', [PLACES_EVENTS.areasImported], async () => service.load());
  return {
    api: service,
    service,
    start: () => service.load(),
    routes: (app) => placesRoutes(app, service),
  };
}
