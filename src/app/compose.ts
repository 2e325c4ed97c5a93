import type { Logger } from 'pino';
import { systemClock, type Clock } from '../platform/clock/clock.ts';
import { CN_CALENDAR_2025_2026 } from '../platform/calendar/cn-holidays.ts';
import { WorkingCalendar } from '../platform/calendar/working-calendar.ts';
import { CalendarStore, calendarMigrations } from '../platform/calendar/calendar-store.ts';
import { calendarRoutes } from '../platform/calendar/calendar.routes.ts';
import { openDatabase, type Database } from '../platform/db/database.ts';
import { migrateToLatest, type MigrationSet } from '../platform/db/migrator.ts';
import { EventBus, outboxMigrations } from '../platform/events/event-bus.ts';
import { UnitOfWork } from '../platform/events/unit-of-work.ts';
import { createHttpServer, type HttpApp } from '../platform/http/http-server.ts';
import { createLogger } from '../platform/logging/logger.ts';
import { Metrics } from '../platform/metrics/metrics.ts';
import { createCasesModule, casesMigrations, type CasesModule } from '../modules/cases/index.ts';
import { createOrganizationModule, organizationMigrations, type OrganizationModule } from '../modules/organization/index.ts';
import { createPlacesModule, placesMigrations, type PlacesModule } from '../modules/places/index.ts';
import { createInsightsModule, insightsMigrations, type InsightsConfig, type InsightsModule } from '../modules/insights/index.ts';
import { createVitalSignsModule, vitalSignsMigrations, type VitalSignsModule } from '../modules/vital-signs/index.ts';
import { createSensingModule, sensingMigrations, type SensingModule } from '../modules/sensing/index.ts';
import { createIdentityModule, identityClaims, identityMigrations, IDENTITY_PERMISSIONS, type IdentityModule } from '../modules/identity/index.ts';
import { guessKind, guessUrgency, type Caller } from '../modules/cases/index.ts';
import type { FastifyRequest } from 'fastify';
import { fileURLToPath } from 'node:url';
import type { CityLoopConfig } from './config.ts';
import { resolveDataKeys, type DataKeys } from './data-keys.ts';

/**
 * Every module's migrations, keyed by owner. The dependency graph (one-way, no cycles):
 *   places ← organization ← cases ← sensing ← identity (identity knows the permissions the modules declare);
 *   the app hands cases the caller identity established (no import from cases to identity).
 */
export const ALL_MIGRATIONS: Record<string, MigrationSet> = {
  platform: { ...outboxMigrations, ...calendarMigrations },
  places: placesMigrations,
  organization: organizationMigrations,
  cases: casesMigrations,
  identity: identityMigrations,
  vitals: vitalSignsMigrations,
  insights: insightsMigrations,
  sensing: sensingMigrations,
};

/** The built web console (`npm run build:web`), served at `/` by the HTTP server. */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface CityLoop {
  readonly config: CityLoopConfig;
  readonly database: Database;
  /** Keys for citizens' personal data at rest (encryption, keyed hashes). */
  readonly dataKeys: DataKeys;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly calendar: WorkingCalendar;
  readonly calendarStore: CalendarStore;
  readonly bus: EventBus;
  readonly uow: UnitOfWork;
  readonly metrics: Metrics;
  readonly places: PlacesModule;
  readonly organization: OrganizationModule;
  readonly cases: CasesModule;
  readonly identity: IdentityModule;
  readonly vitals: VitalSignsModule;
  readonly insights: InsightsModule;
  readonly sensing: SensingModule;
  /** Load caches and start background work (event delivery, scheduler). */
  start(options?: { background?: boolean }): Promise<void>;
  /** Build the HTTP server with every module's routes. */
  http(): Promise<HttpApp>;
  /** Stop background work and close the database. */
  close(): Promise<void>;
}

export interface ComposeOptions {
  clock?: Clock;
  logger?: Logger;
  /** Use an already-open database (tests). */
  database?: Database;
  /** When false, close() leaves the database open (a second composition over the same handle). */
  ownsDatabase?: boolean;
  /** Register default metrics (process CPU, memory); off in tests that build many apps. */
  defaultMetrics?: boolean;
  /** Keys already resolved (a second composition over the same database). */
  dataKeys?: DataKeys;
  /**
   * Tests of case behaviour only: no authentication; the `x-cityloop-actor` header names the staff
   * member. Never reachable from configuration.
   */
  openAuth?: boolean;
  /** Insights settings beyond configuration (tests: train in this thread, small label policies). */
  insights?: Partial<InsightsConfig>;
}

/** The composition root: builds the platform, then the modules in dependency order, and wires them. */
export async function compose(config: CityLoopConfig, options: ComposeOptions = {}): Promise<CityLoop> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  const database = options.database ?? (await openDatabase(config.databaseUrl));
  await migrateToLatest(database, ALL_MIGRATIONS);
  const dataKeys = options.dataKeys ?? resolveDataKeys(config, { databaseUrl: database.url });
  const metrics = new Metrics({ defaults: options.defaultMetrics ?? true });
  let warnedCalendar = false;
  const calendar = new WorkingCalendar(
    { ...CN_CALENDAR_2025_2026, zone: config.zone },
    {
      onOutsideCoverage: (day) => {
        if (warnedCalendar) return;
        warnedCalendar = true;
        logger.warn({ day }, 'working-day calendar has no holiday data for this date; weekends only');
      },
    },
  );
  const bus = new EventBus(database, clock, logger);
  const uow = new UnitOfWork(database, bus);
  const calendarStore = new CalendarStore(database, calendar, CN_CALENDAR_2025_2026.days, uow, clock, bus);

  const places = createPlacesModule({ database, uow, bus, clock });
  const organization = createOrganizationModule({ database, uow, bus, clock, places: places.api });
  // identity is built after cases (it knows their permissions); cases gets late-bound functions.
  let identity: IdentityModule | null = null;
  // Audit writes must not fail or slow the read that triggered them; close() waits for those in flight.
  const auditsInFlight = new Set<Promise<void>>();
  const audit = (entry: Parameters<IdentityModule['api']['audit']['record']>[0]): void => {
    if (!identity) return;
    const p = identity.api.audit
      .record(entry)
      .catch((err: unknown) => logger.error({ err, action: entry.action }, 'audit write failed'))
      .finally(() => auditsInFlight.delete(p));
    auditsInFlight.add(p);
  };
  const identify = (request: FastifyRequest): Caller | null => {
    const claims = identityClaims(request.principal);
    if (!claims || !request.principal) return null;
    return {
      id: request.principal.id, label: request.principal.label, staffId: claims.staffId, departmentId: claims.departmentId,
      // A token held for a department sees what that department sees; account grants carry their own.
      grants: claims.grants.length
        ? claims.grants.map((g) => ({ role: g.role, departmentId: g.departmentId ?? '' }))
        : claims.departmentId ? [{ role: 'token', departmentId: claims.departmentId }] : [],
      permissions: request.principal.permissions,
    };
  };
  const cases = createCasesModule({
    database, uow, bus, clock, calendar, places: places.api, organization: organization.api, logger, cipher: dataKeys.cipher, identify,
    verifyOpen311Key: async (key) => {
      const token = await identity?.api.verifyToken(key);
      return token && token.scopes.includes(IDENTITY_PERMISSIONS.open311Submit) ? { name: token.name, demo: token.demo } : null;
    },
    config: {
      yellowShare: config.yellowShare,
      satisfiedMinRating: config.satisfiedMinRating === 4 ? 4 : 3,
      repeatWindowDays: config.repeatWindowDays,
      phoneKey: (phone) => dataKeys.cipher.keyedHash(phone),
      maxCallbackAttempts: 3,
      schedulerIntervalMs: config.schedulerIntervalMs,
      zone: config.zone,
      onExport: (actor, detail) => audit({ actor: { id: actor.id ?? 'unknown', label: actor.id ?? 'unknown' }, action: 'cases.list.exported', outcome: 'success', detail, ip: actor.ip ?? null }),
      onPersonalDataViewed: (actor, caseId) =>
        audit({ actor: { id: actor.id ?? 'unknown', label: actor.id ?? 'unknown' }, action: 'cases.personal-data.viewed', target: caseId, outcome: 'success', ip: actor.ip ?? null }),
    },
  });
  identity = createIdentityModule({
    database, uow, bus, clock, logger, organization: organization.api,
    config: { sessionHours: config.sessionHours, cookieSecure: config.cookieSecure as 'auto' | 'on' | 'off', adminPassword: config.adminPassword },
  });
  const identityModule = identity;
  const sensing = createSensingModule({
    database, uow, bus, clock, logger, places: places.api, organization: organization.api, cases: cases.api,
    verifyGateway: async (secret) => {
      const token = await identity?.api.verifyToken(secret);
      return token ? token.scopes.includes(IDENTITY_PERMISSIONS.sensingIngest) : false;
    },
    config: { retentionDays: config.sensingRetentionDays },
    mqtt: { port: config.mqttPort === 'off' ? null : Number(config.mqttPort), host: config.host, url: config.mqttUrl || null },
  });
  const vitals = createVitalSignsModule({ database, uow, bus, clock, logger, places: places.api, cases: cases.api, config: { zone: config.zone } });
  const insights = createInsightsModule({
    database, uow, bus, clock, logger, cases: cases.api, organization: organization.api, places: places.api,
    config: { zone: config.zone, trainHour: config.insightsTrainHour < 0 ? null : config.insightsTrainHour, briefingHour: config.briefingHour, ...options.insights },
    categories: () => cases.service.categories.all(),
    canSee: (request, idOrNumber) => cases.canSee(request, idOrNumber),
    guessTraits: (subject) => ({ kind: guessKind(subject), urgency: guessUrgency(subject) }),
  });

  let ready = false;
  const app: CityLoop = {
    config, database, dataKeys, logger, clock, calendar, calendarStore, bus, uow, metrics, places, organization, cases, identity: identityModule, vitals, insights, sensing,
    async start({ background = true } = {}) {
      // Broadcast cursors start now, before the caches load, so no change in between is missed.
      await bus.prime();
      await calendarStore.load();
      await places.start();
      await organization.start();
      await identityModule.start();
      if (background) {
        await cases.start();
        await vitals.start();
        await insights.start();
        await sensing.start();
        bus.start();
      } else {
        await cases.service.load();
        await insights.load();
        await sensing.load();
      }
      ready = true;
    },
    async http() {
      const http = await createHttpServer({ logger, metrics, bodyLimit: config.bodyLimit, title: 'CityLoop API', version: '0.1.0', ready: () => ready, authenticator: options.openAuth ? 'open' : identityModule.authenticator, staticRoot: WEB_DIST_DIR, trustProxy: config.trustProxy === 'on' ? true : config.trustProxy === 'off' ? false : config.trustProxy.split(',').map((a) => a.trim()).filter(Boolean) });
      calendarRoutes(http, calendarStore, calendar);
      places.routes(http);
      organization.routes(http);
      cases.routes(http);
      identityModule.routes(http);
      vitals.routes(http);
      insights.routes(http);
      sensing.routes(http);
      metrics.gauge('cityloop_cases', 'Cases by state', ['state'], async (g) => {
        g.reset();
        for (const [state, n] of Object.entries(await cases.service.stateCounts())) g.labels(state).set(n);
      });
      return http;
    },
    async close() {
      await Promise.all([...auditsInFlight]);
      await sensing.stop();
      await cases.stop();
      await vitals.stop();
      await insights.stop();
      await bus.stop();
      if (options.ownsDatabase ?? !options.database) await database.close();
    },
  };
  return app;
}
