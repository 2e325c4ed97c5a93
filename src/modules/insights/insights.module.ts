import type { Clock } from '../../platform/clock/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { HttpApp } from '../../platform/http/http-server.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import { CASES_EVENTS, type CasesApi, type Kind, type Urgency } from '../cases/index.ts';
import type { OrganizationApi } from '../organization/index.ts';
import type { PlacesApi } from '../places/index.ts';
import { BriefingRepository } from './briefing/briefing.repository.ts';
import { registerBriefingRoutes } from './briefing/briefing.routes.ts';
import { BriefingService } from './briefing/briefing.service.ts';
import { briefingSources } from './briefing/briefing.sources.ts';
import { HotIssuesRepository } from './hot-issues/hot-issues.repository.ts';
import { registerHotIssueRoutes } from './hot-issues/hot-issues.routes.ts';
import { HotIssuesService, type CaseTextSource } from './hot-issues/hot-issues.service.ts';
import type { InsightsApi } from './insights.api.ts';
import { WarningsRepository } from './warnings/warnings.repository.ts';
import { registerWarningRoutes } from './warnings/warnings.routes.ts';
import { WarningsService } from './warnings/warnings.service.ts';
import { INSIGHTS_EVENTS } from './insights.events.ts';
import { InsightsRepository } from './insights.repository.ts';
import { insightsRoutes, type CaseVisibility } from './insights.routes.ts';
import { DEFAULT_INSIGHTS_CONFIG, InsightsService, type CategoryName, type InsightsCasesPort, type InsightsConfig } from './insights.service.ts';
import { PeriodicJob } from '../../platform/jobs/periodic-job.ts';

export interface InsightsModule {
  readonly api: InsightsApi;
  readonly service: InsightsService;
  readonly repository: InsightsRepository;
  /** Hot issues (热点问题) mined from insights' copy of the cases. */
  readonly hotIssues: HotIssuesService;
  /** Early warnings (预警) from intake counts per category × area. */
  readonly warnings: WarningsService;
  /** The daily briefing (日报). */
  readonly briefing: BriefingService;
  /** Load the model, rules and recent cases (one-shot commands stop here). */
  load(): Promise<void>;
  /** load() and start the scheduler (daily retrain, index pruning). */
  start(): Promise<void>;
  /** Stop the scheduler and wait for a running training. */
  stop(): Promise<void>;
  routes(app: HttpApp): void;
}

export interface InsightsModuleDeps {
  database: Database;
  uow: UnitOfWork;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  /** The cases Api (get, timeLimits; kpis and overdue cases for the briefing). */
  cases: InsightsCasesPort & Pick<CasesApi, 'kpis' | 'overdueByDepartment'>;
  organization: OrganizationApi;
  places: PlacesApi;
  config: Partial<InsightsConfig> & { zone: string; /** Local hour of the morning briefing (default 7). */ briefingHour?: number };
  /** The category tree, for the names of model classes and checking corrections (cases.service.categories.all()). */
  categories?: () => readonly CategoryName[];
  /** Whether a request's caller may see a case (routes about one case answer 404 out of scope). */
  canSee?: CaseVisibility;
  /** Kind and urgency read off a subject line, for the suggested time limit (the cases importers' guess). */
  guessTraits?: (subject: string) => { kind: Kind; urgency: Urgency };
}

/** Case events whose payload changes what insights keeps of a case (state, category, department). */
const CASE_FACT_EVENTS = [
  CASES_EVENTS.received, CASES_EVENTS.dispatched, CASES_EVENTS.signed, CASES_EVENTS.returned, CASES_EVENTS.replied, CASES_EVENTS.resolved,
  CASES_EVENTS.rated, CASES_EVENTS.reopened, CASES_EVENTS.closed, CASES_EVENTS.merged, CASES_EVENTS.extensionDecided,
];

/** Build the insights module: classification, duplicates, reply quality, hot issues, warnings, briefings. */
export function createInsightsModule(deps: InsightsModuleDeps): InsightsModule {
  const config: InsightsConfig = { ...DEFAULT_INSIGHTS_CONFIG, ...deps.config };
  const repository = new InsightsRepository(deps.database.db);
  const service = new InsightsService(repository, deps.uow, deps.clock, deps.logger, deps.cases, deps.organization, deps.places, config, deps.categories, deps.guessTraits);

  // Durable: one process keeps the copy and scores replies; broadcast: every process keeps its index and model.
  deps.bus.subscribe('insights.case-copy', CASE_FACT_EVENTS, (e) => service.onCaseEvent(e));
  deps.bus.subscribe('insights.reply-quality', [CASES_EVENTS.resolved], (e) => service.onCaseResolved(e));
  deps.bus.subscribeBroadcast('insights.index', [INSIGHTS_EVENTS.caseIndexed, INSIGHTS_EVENTS.modelTrained, INSIGHTS_EVENTS.duplicateRulesChanged, ...CASE_FACT_EVENTS.filter((n) => n !== CASES_EVENTS.received)], (e) => service.onBroadcast(e));

  // Hot issues read insights' own copy of the cases (kept by insights.case-copy), never the cases tables.
  const caseTexts: CaseTextSource = {
    async *casesBetween(from, to) {
      for await (const page of repository.casesSince(from)) {
        for (const c of page) {
          if (c.received_at >= to) return;
          yield { id: c.case_id, number: c.number, title: c.title, text: c.text, categoryCode: c.category_code, areaId: c.area_id, receivedAt: c.received_at, requesterKey: c.requester_key, address: c.address };
        }
      }
    },
  };
  const categoryName = (code: string): string | null => deps.categories?.().find((c) => c.code === code)?.name ?? null;
  const hotIssues = new HotIssuesService(new HotIssuesRepository(deps.database.db, deps.database.dialect), deps.clock, caseTexts, { zone: config.zone });
  const warnings = new WarningsService(new WarningsRepository(deps.database.db, deps.database.dialect), deps.uow, deps.clock, deps.places, categoryName, { zone: config.zone });
  const briefing = new BriefingService(
    new BriefingRepository(deps.database.db),
    briefingSources({ kpis: (q) => deps.cases.kpis(q), overdueByDepartment: (at) => deps.cases.overdueByDepartment(at).then((rows) => rows.map((r) => ({ key: r.departmentId ?? '', name: r.name, count: r.count }))), categoryName, areaName: (id) => deps.places.getArea(id)?.name ?? null }, warnings, hotIssues),
    deps.clock,
    { zone: config.zone, hour: deps.config.briefingHour ?? 7 },
    deps.logger,
  );
  deps.bus.subscribe('insights.warnings', [CASES_EVENTS.received], async (e) => {
    const p = e.payload as { caseId: string; number?: string; categoryCode: string; areaId: string | null; channel?: string; kind?: string; receivedAt?: string; imported?: boolean };
    await warnings.onCaseReceived({ ...p, occurredAt: e.occurredAt });
  });

  const scheduler = new PeriodicJob('insights tick', () => service.tick(), deps.logger);
  return {
    api: service,
    service,
    repository,
    hotIssues,
    warnings,
    briefing,
    load: () => service.load(),
    async start() {
      await service.load();
      if (config.trainFirstModel) {
        // Never fails the start: a refusal is a warning, a failure an error in the log.
        await service.trainFirstModel().catch((err: unknown) => deps.logger.warn({ err }, 'insights: first training not started'));
      }
      scheduler.start(config.schedulerIntervalMs);
      briefing.start();
    },
    async stop() {
      await scheduler.stop();
      await briefing.stop();
      service.cancelTraining();
      await service.settled();
    },
    routes(app) {
      insightsRoutes(app, service, deps.canSee);
      registerHotIssueRoutes(app, hotIssues);
      registerWarningRoutes(app, warnings);
      registerBriefingRoutes(app, briefing);
    },
  };
}
