import type { Clock } from '../../platform/clock/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { HttpApp } from '../../platform/http/http-server.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import { CASES_EVENTS, type CasesApi } from '../cases/index.ts';
import type { OrganizationApi } from '../organization/index.ts';
import type { PlacesApi } from '../places/index.ts';
import { AlarmService } from './alarms/alarm.service.ts';
import type { CorrelationPolicy } from './domain/correlation.ts';
import type { SensingApi } from './sensing.api.ts';
import { SensingMqtt, type MqttConfig } from './sensing.mqtt.ts';
import { SensingRepository } from './sensing.repository.ts';
import { sensingRoutes } from './sensing.routes.ts';
import { DEFAULT_SENSING_CONFIG, SensingService, type SensingConfig } from './sensing.service.ts';
import { PeriodicJob } from '../../platform/jobs/periodic-job.ts';

export interface SensingModule {
  readonly api: SensingApi;
  readonly service: SensingService;
  readonly alarms: AlarmService;
  readonly mqtt: SensingMqtt;
  /** Load devices and rules (defaults on an empty database). */
  load(): Promise<void>;
  /** Load, start the checker timer and the MQTT listener(s). */
  start(): Promise<void>;
  /** Stop MQTT, the checker, and finish queued writes. */
  stop(): Promise<void>;
  routes(app: HttpApp): void;
}

export interface SensingModuleDeps {
  database: Database;
  uow: UnitOfWork;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  places: PlacesApi;
  organization?: OrganizationApi;
  /** For alarms whose rule opens a case; without it no case is opened. */
  cases?: CasesApi;
  /** True when a bearer token (the MQTT password) may send readings. */
  verifyGateway: (token: string) => Promise<boolean>;
  config?: Partial<SensingConfig>;
  mqtt?: Partial<MqttConfig>;
  correlation?: CorrelationPolicy;
}

/** Build the sensing module. Construct it before `bus.prime()`, like every module. */
export function createSensingModule(deps: SensingModuleDeps): SensingModule {
  const config = { ...DEFAULT_SENSING_CONFIG, ...deps.config };
  const repo = new SensingRepository(deps.database.db, deps.database.dialect);
  const alarms = new AlarmService(repo, deps.uow, deps.clock, deps.logger, deps.cases ?? null, deps.correlation);
  const service = new SensingService(repo, deps.uow, deps.clock, deps.logger, deps.places, deps.organization ?? null, alarms, config);
  const mqtt = new SensingMqtt({ port: null, host: '127.0.0.1', url: null, ...deps.mqtt }, { logger: deps.logger, ingest: (items) => service.ingest(items), verifyGateway: deps.verifyGateway, maxBatch: config.maxBatch });
  service.setCommandSink((code, body) => mqtt.command(code, body));
  // Exactly one process records a closed case on its alarm.
  deps.bus.subscribe('sensing.cases', [CASES_EVENTS.closed], (e) => alarms.onCaseClosed(e));
  const checker = new PeriodicJob('sensing checker', () => service.tick(), deps.logger);
  const rollups = new PeriodicJob('rollup flush', () => service.flushRollups(), deps.logger);
  return {
    api: service,
    service,
    alarms,
    mqtt,
    load: () => service.load(),
    async start() {
      await service.load();
      checker.start(config.tickMs);
      rollups.start(config.rollupFlushMs);
      await mqtt.start();
    },
    async stop() {
      await mqtt.stop();
      await checker.stop();
      await rollups.stop();
      await service.flush();
    },
    routes: (app) => sensingRoutes(app, service, alarms),
  };
}
