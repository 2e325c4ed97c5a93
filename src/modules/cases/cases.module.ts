import type { Clock } from '../../platform/clock/clock.ts';
import type { WorkingCalendar } from '../../platform/calendar/working-calendar.ts';
import type { Database } from '../../platform/db/database.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { HttpApp } from '../../platform/http/http-server.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import type { OrganizationApi } from '../organization/index.ts';
import type { PlacesApi } from '../places/index.ts';
import type { CasesApi, Caller } from './cases.api.ts';
import type { FastifyRequest } from 'fastify';
import { CASES_EVENTS } from './cases.events.ts';
import { CasesRepository } from './cases.repository.ts';
import { actorFrom, casesRoutes } from './cases.routes.ts';
import { CasesService, type CasesConfig } from './cases.service.ts';
import { CaseImporter } from './import/case-importer.ts';
import { Open311Service } from './open311/open311.service.ts';
import { open311Routes } from './open311/open311.routes.ts';
import { CaseStream } from './live/case-stream.ts';
import { PeriodicJob } from '../../platform/jobs/periodic-job.ts';

export interface CasesModule {
  readonly api: CasesApi;
  readonly service: CasesService;
  readonly importer: CaseImporter;
  readonly open311: Open311Service;
  readonly repository: CasesRepository;
  /** Whether the caller of a request may see a case (its data scope), for other modules' routes about a case. */
  canSee(request: FastifyRequest, idOrNumber: string): Promise<boolean>;
  /** Live updates to browsers (server-sent events), scoped per viewer. */
  readonly stream: CaseStream;
  start(): Promise<void>;
  stop(): Promise<void>;
  routes(app: HttpApp): void;
}

export interface CasesModuleDeps {
  database: Database;
  uow: UnitOfWork;
  bus: EventBus;
  clock: Clock;
  calendar: WorkingCalendar;
  places: PlacesApi;
  organization: OrganizationApi;
  logger: Logger;
  /** Encrypts citizens' names and phone numbers at rest. */
  cipher: FieldCipher;
  config: CasesConfig & { schedulerIntervalMs: number; zone: string };
  /** Who an Open311 api_key belongs to (identity tokens with the open311.submit scope). */
  verifyOpen311Key?: (key: string) => Promise<{ name: string; demo: boolean } | null>;
  /** Who is calling, from the identity module (absent in tests of a bare module server). */
  identify?: (request: FastifyRequest) => Caller | null;
}

/** Build the cases module: lifecycle service, Open311 adapter, importers and the deadline scheduler. */
export function createCasesModule(deps: CasesModuleDeps): CasesModule {
  const repository = new CasesRepository(deps.database.db, deps.database.dialect, deps.cipher);
  const service = new CasesService(repository, deps.uow, deps.clock, deps.calendar, deps.places, deps.organization, deps.config, deps.logger);
  const importer = new CaseImporter(service, deps.organization, deps.logger);
  const open311 = new Open311Service(service, repository, deps.organization, deps.clock, deps.config.zone, deps.verifyOpen311Key);
  const stream = new CaseStream(service, deps.logger);
  stream.attach(deps.bus);
  deps.bus.subscribeBroadcast('cases.reload-reference', [CASES_EVENTS.categoriesChanged, CASES_EVENTS.settingsChanged], async () => service.load());
  const deadlines = new PeriodicJob('deadline tick', () => service.tick(), deps.logger);
  return {
    api: service,
    service,
    importer,
    open311,
    repository,
    canSee: (request, idOrNumber) => service.canSee(idOrNumber, actorFrom(request, deps.organization, service, deps.identify)),
    stream,
    async start() {
      await service.load();
      // The in-process scheduler: lights and chases fire within one interval of their time.
      deadlines.start(deps.config.schedulerIntervalMs);
    },
    async stop() {
      stream.close();
      await deadlines.stop();
    },
    routes(app) {
      // Before casesRoutes: the stream's path must not be taken for a case id (Fastify prefers static segments anyway).
      stream.routes(app, (req) => actorFrom(req, deps.organization, service, deps.identify));
      casesRoutes(app, service, deps.organization, deps.places, deps.identify);
      open311Routes(app, open311);
    },
  };
}
