import type { Clock } from '../../platform/clock/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { HttpApp } from '../../platform/http/http-server.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import type { CasesApi } from '../cases/index.ts';
import { PLACES_EVENTS, type PlacesApi } from '../places/index.ts';
import type { VitalSignsApi } from './vital-signs.api.ts';
import { CONSUMED_EVENTS, VITALS_EVENTS } from './vital-signs.events.ts';
import { VitalsRepository } from './vital-signs.repository.ts';
import { vitalSignsRoutes } from './vital-signs.routes.ts';
import { SCORED_CASE_EVENTS, VitalSignsService, type VitalsConfig } from './vital-signs.service.ts';
import { PeriodicJob } from '../../platform/jobs/periodic-job.ts';

export interface VitalSignsModule {
  readonly api: VitalSignsApi;
  readonly service: VitalSignsService;
  /** Load the catalogue, areas and ledger; snapshot completed days now and every ten minutes. */
  start(): Promise<void>;
  stop(): Promise<void>;
  routes(app: HttpApp): void;
}

export interface VitalSignsModuleDeps {
  database: Database;
  uow: UnitOfWork;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  places: PlacesApi;
  /** For imported history (its own dates) and the KPI indicators; without it those are skipped. */
  cases?: CasesApi;
  config: VitalsConfig;
}

/**
 * Build the vital-signs module. Construct it before `bus.prime()` (as compose does for every
 * module) so its broadcast subscriptions start at the same point as the others.
 */
export function createVitalSignsModule(deps: VitalSignsModuleDeps): VitalSignsModule {
  const repo = new VitalsRepository(deps.database.db, deps.database.dialect);
  const service = new VitalSignsService(repo, deps.uow, deps.bus, deps.clock, deps.logger, deps.places, deps.cases ?? null, deps.config);
  // Exactly one process writes the ledger rows of an event; every process adds them to its sums.
  deps.bus.subscribe('vitals.ledger', [...SCORED_CASE_EVENTS, CONSUMED_EVENTS.alarmRaised], (e) => service.handle(e));
  deps.bus.subscribeBroadcast('vitals.sums', [VITALS_EVENTS.ledgerAppended], (e) => service.onLedgerAppended(e));
  deps.bus.subscribeBroadcast('vitals.reload', [VITALS_EVENTS.catalogueChanged, VITALS_EVENTS.areasMapped, PLACES_EVENTS.areasImported], (e) => service.onReload(e));
  const snapshots = new PeriodicJob('vital signs snapshot', () => service.snapshotPending(), deps.logger);
  return {
    api: service,
    service,
    async start() {
      await service.load();
      snapshots.kick();
      snapshots.start(deps.config.snapshotIntervalMs ?? 600_000);
    },
    async stop() {
      await snapshots.stop();
    },
    routes: (app) => vitalSignsRoutes(app, service),
  };
}
