import { DateTime } from 'luxon';
import type { Clock } from '../../platform/clock/clock.ts';
import type { WorkingCalendar } from '../../platform/calendar/working-calendar.ts';
import { AppError, errors } from '../../platform/errors/app-error.ts';
import type { UnitOfWork, TxContext } from '../../platform/events/unit-of-work.ts';
import { newId } from '../../platform/ids/ids.ts';
import { AttemptLimiter } from '../../platform/http/attempt-limiter.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import type { OrganizationApi, Department } from '../organization/index.ts';
import type { PlacesApi } from '../places/index.ts';
import type { Actor, ActorScope, Caller, CaseView, DispatchInput, IntakeInput, KpiRow, PublicCaseView, CasesApi } from './cases.api.ts';
import { inScope, scopeOf, type ScopeDirectory } from './domain/case-scope.ts';
import { CASES_PERMISSIONS } from './cases.permissions.ts';
import { CASES_EVENTS } from './cases.events.ts';
import type { CaseListFilter, CasesRepository } from './cases.repository.ts';
import { CASE_ACTION_ZH, allowedActions, assertAllowed, type CaseAction } from './domain/case-lifecycle.ts';
import type { Assignment, CaseRecord, HistoryEntry } from './domain/case-record.ts';
import { CASE_STATE_ZH, RATINGS, type CaseState, type Rating } from './domain/case-types.ts';
import { diffVectors, kpiDefinitions, kpiRates, kpiVector, KPI_COUNTERS, type Counters, type KpiCounter, type KpiVector } from './domain/kpi.ts';
import { DEFAULT_TIME_LIMITS, dueAt, extendDue, light, parseTimeLimitMatrix, warnAt, type TimeLimitMatrix } from './domain/time-limits.ts';
import { CategoryTree } from './domain/category-tree.ts';
import { parseCategoryCsv } from './domain/category-import.ts';

/** A case as another system recorded it (import). */
export interface HistoricalCaseInput {
  external: { source: string; id: string };
  channel: CaseRecord['channel'];
  kind: CaseRecord['kind'];
  urgency: CaseRecord['urgency'];
  categoryCode: string;
  title: string;
  text: string;
  requester?: { name?: string; phone?: string };
  location?: { lng: number; lat: number; address?: string };
  departmentId?: string;
  receivedAt: string;
  dueAt?: string;
  closedAt?: string;
  status: 'open' | 'in_progress' | 'closed';
  sourceStatus?: string;
  reply?: { text: string; at?: string };
  attributes?: Record<string, string>;
}

export interface CasesConfig {
  yellowShare: number;
  satisfiedMinRating: 3 | 4;
  repeatWindowDays: number;
  /** Keyed hash of a phone number (repeat-caller lookup without reading numbers). */
  phoneKey: (phone: string) => string;
  /** Callback attempts without reaching the citizen before the case is closed unrated. */
  maxCallbackAttempts: number;
  /** Told when someone is shown a citizen's unmasked name or phone (the audit log). */
  onPersonalDataViewed?: (actor: Actor, caseId: string) => void;
  /** Told when someone exports a list (the audit log). */
  onExport?: (actor: Actor, detail: Record<string, unknown>) => void;
}

interface Draft {
  c: CaseRecord;
  assignments: Assignment[];
  changed: Set<string>;
  added: Set<string>;
  history: HistoryEntry[];
  events: Array<{ name: string; payload: object }>;
  now: Date;
  actor: Actor;
  seq: number;
}

const iso = (d: Date): string => d.toISOString();

/** The permission each action's route declares. */
const ACTION_PERMISSION: Record<CaseAction, string> = {
  dispatch: CASES_PERMISSIONS.dispatch, arbitrate: CASES_PERMISSIONS.dispatch, decide_extension: CASES_PERMISSIONS.dispatch,
  close: CASES_PERMISSIONS.dispatch, merge: CASES_PERMISSIONS.dispatch, sign_for: CASES_PERMISSIONS.handle, return: CASES_PERMISSIONS.handle,
  request_extension: CASES_PERMISSIONS.handle, reply: CASES_PERMISSIONS.handle, resolve: CASES_PERMISSIONS.handle,
  callback: CASES_PERMISSIONS.callback, chase: CASES_PERMISSIONS.supervise, supervise: CASES_PERMISSIONS.supervise,
};

/** Mask a phone for lists: 138****1234. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  if (phone.length <= 4) return '*'.repeat(phone.length);
  if (phone.length < 8) return `${'*'.repeat(phone.length - 4)}${phone.slice(-4)}`;
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

/** Mask a name for lists: 张* / 欧阳** . */
export function maskName(name: string | null): string | null {
  if (!name) return name;
  const chars = [...name];
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

export class CasesService implements CasesApi {
  private limits: TimeLimitMatrix = DEFAULT_TIME_LIMITS;
  /** 5 failed self-queries of one case number in 15 minutes lock that number for 15 minutes. */
  private readonly queryLimiter: AttemptLimiter;
  categories = new CategoryTree([]);

  constructor(
    private readonly repo: CasesRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly calendar: WorkingCalendar,
    private readonly places: PlacesApi,
    private readonly org: OrganizationApi,
    private readonly config: CasesConfig,
    private readonly logger: Logger,
  ) {
    this.queryLimiter = new AttemptLimiter(clock, 5, 15 * 60_000, 15 * 60_000);
  }

  /** Load categories and the time-limit matrix. */
  async load(): Promise<void> {
    this.categories = new CategoryTree(await this.repo.categories());
    const stored = await this.repo.setting('time_limits');
    if (stored) {
      try {
        this.limits = parseTimeLimitMatrix(JSON.parse(stored));
      } catch (err) {
        this.logger.error({ err }, 'stored time-limit matrix is invalid; using defaults');
      }
    }
  }

  /** Today in the city's zone (YYYY-MM-DD). */
  today(): string {
    return this.calendar.localDate(this.clock.now());
  }

  timeLimits(): TimeLimitMatrix {
    return this.limits;
  }

  /** Replace the time-limit matrix (validated). Applies to deadlines computed from now on. */
  async setTimeLimits(value: unknown, actor: Actor): Promise<TimeLimitMatrix> {
    const matrix = parseTimeLimitMatrix(value);
    await this.uow.run(async ({ tx, publish }) => {
      await this.repo.saveSetting(tx, 'time_limits', JSON.stringify(matrix), iso(this.clock.now()));
      await publish(CASES_EVENTS.settingsChanged, { key: 'time_limits' }, actor.id);
    });
    this.limits = matrix;
    return matrix;
  }

  /** Create or update categories (parents first or in the same batch). */
  async upsertCategories(items: Array<{ code: string; name: string; nameEn?: string; parentCode?: string | null; active?: boolean }>, actor: Actor): Promise<{ created: number; updated: number; unchanged: number; errors: Array<{ row: number; code: string; reason: string }> }> {
    const report = { created: 0, updated: 0, unchanged: 0, errors: [] as Array<{ row: number; code: string; reason: string }> };
    const known = new Map(this.categories.all().map((c) => [c.code, c]));
    const toSave: Array<{ code: string; name: string; nameEn: string; parentCode: string | null; active: boolean }> = [];
    items.forEach((it, i) => {
      const row = i + 1;
      const parentCode = it.parentCode ?? (it.code.includes('.') ? it.code.slice(0, it.code.lastIndexOf('.')) : null);
      let reason: string | null = null;
      if (typeof it.code !== 'string' || !/^[A-Za-z0-9-]{1,20}(\.[A-Za-z0-9-]{1,20}){0,5}$/.test(it.code)) reason = 'code must be dotted segments of letters/digits, e.g. 01.02';
      else if (typeof it.name !== 'string' || !it.name.trim() || it.name.length > 100) reason = 'name is required (≤ 100 characters)';
      else if (parentCode !== null && !known.has(parentCode)) reason = `parent category ${parentCode} not found`;
      else if (parentCode !== null && !it.code.startsWith(`${parentCode}.`)) reason = `code must start with its parent's code ${parentCode}.`;
      if (reason) {
        report.errors.push({ row, code: String(it.code ?? ''), reason });
        return;
      }
      const next = { code: it.code, name: it.name.trim(), nameEn: (it.nameEn ?? '').trim(), parentCode, active: it.active ?? true };
      const old = known.get(it.code);
      if (old && JSON.stringify(old) === JSON.stringify(next)) {
        report.unchanged += 1;
        return;
      }
      if (old) report.updated += 1;
      else report.created += 1;
      known.set(it.code, next);
      toSave.push(next);
    });
    if (toSave.length) {
      const now = iso(this.clock.now());
      await this.uow.run(async ({ tx, publish }) => {
        for (const c of toSave) await this.repo.saveCategory(tx, c, now);
        await publish(CASES_EVENTS.categoriesChanged, { created: report.created, updated: report.updated }, actor.id);
      });
      this.categories = new CategoryTree([...known.values()]);
    }
    return report;
  }

  /** Import categories from CSV (explicit codes, or one column per level); per-row report, re-runs change nothing. */
  async importCategoriesCsv(text: string, actor: Actor): Promise<{ created: number; updated: number; unchanged: number; errors: Array<{ row: number; code: string; reason: string }> }> {
    const parsed = parseCategoryCsv(text, this.categories);
    const report = await this.upsertCategories(parsed.items, actor);
    return { ...report, errors: [...parsed.errors.map((e) => ({ row: e.row, code: '', reason: e.reason })), ...report.errors] };
  }

  // ───────────────────────────── intake ─────────────────────────────

  async intake(input: IntakeInput, actor: Actor): Promise<CaseView> {
    const now = this.clock.now();
    const category = this.categories.get(input.categoryCode);
    if (!category || !category.active) {
      throw new AppError({ code: 'CASE_UNKNOWN_CATEGORY', status: 400, field: 'categoryCode', zh: `诉求分类不存在：${input.categoryCode}`, en: `Unknown category: ${input.categoryCode}` });
    }
    const text = (input.text ?? '').trim();
    if (!text) throw errors.validation('text', '诉求内容不能为空', 'text must not be empty');
    const title = (input.title ?? '').trim() || [...text.replace(/\s+/g, ' ')].slice(0, 30).join('');
    const receivedAt = input.receivedAt !== undefined ? this.parseInstant(input.receivedAt, 'receivedAt', now) : now;
    let areaId: string | null = null;
    if (input.location) {
      const { lng, lat } = input.location;
      const area = this.places.locate(lng, lat);
      if (!area) {
        throw new AppError({ code: 'CASE_LOCATION_OUTSIDE_CITY', status: 400, field: 'location', zh: '位置不在本市范围内', en: 'The location is outside the city', details: { lng, lat } });
      }
      areaId = area.id;
    }
    const phone = normalizePhone(input.requester?.phone);
    if (input.requester?.phone && !phone) throw errors.validation('requester.phone', '电话号码格式不正确', 'requester.phone must be 5–20 digits');
    const anonymous = input.requester?.anonymous ?? (!input.requester?.name && !phone);
    if (input.directAnswer !== undefined && input.notAccepted !== undefined) throw errors.validation('directAnswer', '直接答复与不予受理不能同时提交', 'directAnswer and notAccepted are exclusive');
    if (input.dispatch && actor.permissions && !actor.permissions.has(CASES_PERMISSIONS.dispatch)) {
      throw new AppError({ code: 'FORBIDDEN', status: 403, field: 'dispatch', zh: '没有派单权限，请不带 dispatch 提交，由派单员派单', en: 'You may not dispatch; submit without dispatch and a dispatcher will', details: { permission: CASES_PERMISSIONS.dispatch } });
    }
    if ((input.directAnswer !== undefined || input.notAccepted !== undefined) && input.dispatch) throw errors.validation('dispatch', '直接答复的工单不能派单', 'a case closed at intake cannot be dispatched');
    if (input.directAnswer !== undefined && !input.directAnswer.trim()) throw errors.validation('directAnswer', '直接答复内容不能为空', 'directAnswer must not be empty');
    if (input.notAccepted !== undefined && !input.notAccepted.trim()) throw errors.validation('notAccepted', '不予受理须说明理由', 'notAccepted needs a reason');

    const centre = this.org.cityCentre();
    const phoneKey = phone ? this.phoneKey(phone) : null;
    const receivedDay = this.calendar.localDate(receivedAt);

    return this.uow.run(async (ctx) => {
      if (input.external) {
        const existing = await this.repo.idByExternal(input.external.source, input.external.id, ctx.tx);
        if (existing) throw new AppError({ code: 'CASE_DUPLICATE_EXTERNAL_ID', status: 409, zh: '该来源编号已受理', en: 'A case with this external id already exists', details: { caseId: existing } });
      }
      // The number is taken last (below): on PostgreSQL the day's counter row stays locked until commit.
      const number = '';
      let repeatOfId: string | null = null;
      if (phoneKey) {
        const since = new Date(receivedAt.getTime() - this.config.repeatWindowDays * 86_400_000);
        repeatOfId = await this.repo.findRepeat(phoneKey, this.categories.family(category.code), iso(since), iso(receivedAt), ctx.tx);
      }
      const id = newId('cas', receivedAt);
      const c: CaseRecord = {
        id, number, channel: input.channel, kind: input.kind, urgency: input.urgency ?? 'normal', state: 'pending_dispatch',
        categoryCode: category.code, title, text, requesterName: input.requester?.name?.trim() || null, requesterPhone: phone,
        requesterPhoneKey: phoneKey, anonymous, confidential: input.confidential ?? false,
        location: input.location ? { lng: input.location.lng, lat: input.location.lat, address: input.location.address ?? input.address ?? null } : null,
        address: input.location?.address ?? input.address ?? null,
        areaId, attachments: input.attachments ?? [], receivedAt: iso(receivedAt), outcome: null, centreId: centre?.id ?? null,
        mainDepartmentId: null, dispatchedAt: null, signDueAt: null, dueAt: null, warnAt: null, light: 'green', overdue: false,
        resolvedAt: null, closedAt: null, reply: null, replyAt: null, rating: null, ratedAt: null, callbackDueAt: null, callbackAttempts: 0,
        parentId: null, reopenCount: 0, returnCount: 0, extensionCount: 0, pendingExtension: null, chaseCount: 0, supervised: false,
        escalatedToId: null, repeatOfId, externalSource: input.external?.source ?? null, externalId: input.external?.id ?? null,
        version: 1, createdAt: iso(now), updatedAt: iso(now),
      };
      const d: Draft = { c, assignments: [], changed: new Set(), added: new Set(), history: [], events: [], now, actor, seq: 0 };
      this.record(d, 'intake', null, { note: null, public: true, data: { channel: c.channel, repeatOfId } });
      d.events.push({ name: CASES_EVENTS.received, payload: { ...this.eventPayload(c), ...this.receivedFacts(c) } });
      if (input.directAnswer !== undefined) {
        this.closeAtIntake(d, 'direct_answer', input.directAnswer.trim());
      } else if (input.notAccepted !== undefined) {
        this.closeAtIntake(d, 'not_accepted', input.notAccepted.trim());
      } else if (input.dispatch) {
        this.applyDispatch(d, input.dispatch === 'auto' ? { auto: true } : { departmentId: input.dispatch.departmentId, ...(input.dispatch.assistingDepartmentIds ? { assistingDepartmentIds: input.dispatch.assistingDepartmentIds } : {}) });
      }
      c.number = await this.allocateNumber(ctx, receivedDay);
      for (const e of d.events) (e.payload as { number?: string }).number = c.number;
      await this.persist(ctx, d, null, {}, receivedDay);
      return this.view(d.c, d.assignments, actor);
    });
  }

  /** The readable number: local day + a per-day sequence (`202612030001`). */
  private async allocateNumber(ctx: TxContext, receivedDay: string): Promise<string> {
    const seqNo = await this.repo.nextNumber(ctx.tx, receivedDay);
    return `${receivedDay.replace(/-/g, '')}${String(seqNo).padStart(4, '0')}`;
  }

  private closeAtIntake(d: Draft, outcome: 'direct_answer' | 'not_accepted', text: string): void {
    const from = d.c.state;
    const at = iso(d.now);
    Object.assign(d.c, { state: 'closed', outcome, reply: text, replyAt: at, resolvedAt: at, closedAt: at, centreId: null });
    this.record(d, outcome, from, { note: text, public: true });
    d.events.push({ name: CASES_EVENTS.closed, payload: { ...this.eventPayload(d.c), outcome } });
  }

  /**
   * Store a case from another system's history as it ended up there (state, dates, reply), without
   * replaying each step: the history gets one `import` entry with the source status. KPIs follow
   * from the stored dates exactly as for live cases. Returns null when (source, externalId) exists.
   */
  async importHistorical(input: HistoricalCaseInput): Promise<{ id: string; number: string } | null> {
    const category = this.categories.get(input.categoryCode);
    if (!category) throw new AppError({ code: 'CASE_UNKNOWN_CATEGORY', status: 400, field: 'categoryCode', zh: `诉求分类不存在：${input.categoryCode}`, en: `Unknown category: ${input.categoryCode}` });
    const now = this.clock.now();
    const receivedAt = new Date(input.receivedAt);
    // Another system's clock may be off by hours, not by days: a case from the future is bad data.
    for (const [field, value] of [['receivedAt', input.receivedAt], ['closedAt', input.closedAt], ['dueAt', undefined]] as const) {
      if (value === undefined) continue;
      const t = new Date(value).getTime();
      if (!Number.isFinite(t) || t > now.getTime() + 86_400_000) {
        throw new AppError({ code: 'CASE_BAD_DATE', status: 400, field, zh: `${field} 晚于当前时间：${value}`, en: `${field} is in the future: ${value}` });
      }
    }
    // A closing time before the receipt happens in real histories (clock or data-entry errors); it is kept as recorded.
    const receivedDay = this.calendar.localDate(receivedAt);
    const areaId = input.location ? (this.places.locate(input.location.lng, input.location.lat)?.id ?? null) : null;
    const phone = normalizePhone(input.requester?.phone);
    return this.uow.run(async (ctx) => {
      if (await this.repo.idByExternal(input.external.source, input.external.id, ctx.tx)) return null;
      const number = await this.allocateNumber(ctx, receivedDay);
      const closed = input.status === 'closed';
      const dept = input.departmentId ?? null;
      const closedAt = closed ? (input.closedAt ?? input.reply?.at ?? input.receivedAt) : null;
      const dueAtIso = input.dueAt ?? (dept ? iso(dueAt(this.calendar, receivedAt, this.limits[input.kind][input.urgency].handle)) : null);
      const overdue = dueAtIso !== null && ((closedAt !== null && closedAt > dueAtIso) || (closedAt === null && iso(now) > dueAtIso));
      const id = newId('cas', receivedAt);
      const c: CaseRecord = {
        id, number, channel: input.channel, kind: input.kind, urgency: input.urgency,
        state: closed ? 'closed' : dept ? (input.status === 'in_progress' ? 'handling' : 'dispatched') : 'pending_dispatch',
        categoryCode: category.code, title: input.title, text: input.text, requesterName: input.requester?.name ?? null, requesterPhone: phone,
        requesterPhoneKey: phone ? this.phoneKey(phone) : null, anonymous: !input.requester?.name && !phone, confidential: false,
        location: input.location ? { lng: input.location.lng, lat: input.location.lat, address: input.location.address ?? null } : null,
        address: input.location?.address ?? null,
        areaId, attachments: [], receivedAt: input.receivedAt, outcome: closed ? 'resolved' : null,
        centreId: dept ? null : (this.org.cityCentre()?.id ?? null), mainDepartmentId: dept, dispatchedAt: dept ? input.receivedAt : null,
        signDueAt: null, dueAt: dueAtIso, warnAt: null, light: overdue ? 'red' : 'green', overdue,
        resolvedAt: closedAt, closedAt, reply: input.reply?.text ?? null, replyAt: input.reply?.at ?? closedAt, rating: null, ratedAt: null,
        callbackDueAt: null, callbackAttempts: 0, parentId: null, reopenCount: 0, returnCount: 0, extensionCount: 0, pendingExtension: null,
        chaseCount: 0, supervised: false, escalatedToId: null, repeatOfId: null, externalSource: input.external.source, externalId: input.external.id,
        version: 1, createdAt: iso(now), updatedAt: iso(now),
      };
      const d: Draft = { c, assignments: [], changed: new Set(), added: new Set(), history: [], events: [], now, actor: { id: `import:${input.external.source}`, departmentId: null }, seq: 0 };
      if (dept) {
        this.addAssignment(d, { departmentId: dept, role: 'main', round: 1, fromCentreId: null, signDueAt: null });
        const a = d.assignments[0]!;
        Object.assign(a, { dispatchedAt: input.receivedAt, status: closed ? 'done' : input.status === 'in_progress' ? 'signed' : 'pending', repliedAt: closed ? closedAt : null, replyText: input.reply?.text ?? null });
      }
      d.now = receivedAt;
      this.record(d, 'import', null, { departmentId: dept, public: true, data: { source: input.external.source, externalId: input.external.id, sourceStatus: input.sourceStatus ?? input.status, ...input.attributes } });
      d.events.push({ name: CASES_EVENTS.received, payload: { ...this.eventPayload(c), ...this.receivedFacts(c), imported: true } });
      await this.persist(ctx, d, null, {}, receivedDay);
      return { id, number };
    });
  }

  // ───────────────────────────── transitions ─────────────────────────────

  async dispatch(id: string, input: DispatchInput, actor: Actor): Promise<CaseView> {
    return this.mutate(id, 'dispatch', actor, (d) => {
      this.assertCentreActor(d);
      this.applyDispatch(d, input);
    });
  }

  private applyDispatch(d: Draft, input: DispatchInput): void {
    const c = d.c;
    let target: Department | null = null;
    let assisting: Department[] = [];
    let ruleId: string | null = null;
    if (input.departmentId && input.auto) throw errors.validation('auto', '请在指定部门和按权责清单自动派单之间二选一', 'give either departmentId or auto=true, not both');
    if (input.departmentId) {
      target = this.org.getDepartment(input.departmentId);
      if (!target || !target.active) throw new AppError({ code: 'CASE_UNKNOWN_DEPARTMENT', status: 400, field: 'departmentId', zh: `部门不存在：${input.departmentId}`, en: `Unknown department: ${input.departmentId}` });
      assisting = (input.assistingDepartmentIds ?? []).map((aid) => {
        const a = this.org.getDepartment(aid);
        if (!a || !a.active) throw new AppError({ code: 'CASE_UNKNOWN_DEPARTMENT', status: 400, field: 'assistingDepartmentIds', zh: `协办部门不存在：${aid}`, en: `Unknown assisting department: ${aid}` });
        return a;
      });
    } else if (input.auto) {
      const match = this.org.resolveResponsibility(c.categoryCode, c.areaId);
      if (!match) {
        throw new AppError({ code: 'NO_RESPONSIBLE_DEPARTMENT', status: 409, zh: '权责清单中没有匹配的承办部门，请人工派单', en: 'No department in the responsibility list matches; dispatch by hand', details: { categoryCode: c.categoryCode, areaId: c.areaId } });
      }
      target = match.department;
      assisting = match.assisting;
      ruleId = match.rule.id;
    } else {
      throw errors.validation('departmentId', '请指定承办部门或选择按权责清单自动派单', 'give departmentId or auto=true');
    }
    if (target.id === c.centreId) throw errors.validation('departmentId', '不能派给当前派单中心自身', 'cannot dispatch to the centre that holds the case');
    if (assisting.some((a) => a.id === target!.id)) throw errors.validation('assistingDepartmentIds', '协办部门不能与主办部门相同', 'an assisting department cannot also be the main department');
    const from = c.state;
    const fromCentreId = c.centreId;
    const round = Math.max(0, ...d.assignments.map((a) => a.round)) + 1;
    const at = iso(d.now);
    if (target.kind === 'centre') {
      // Down a tier: the lower centre now holds the case and dispatches it further.
      this.addAssignment(d, { departmentId: target.id, role: 'centre', round, fromCentreId, signDueAt: null });
      Object.assign(c, { state: 'pending_dispatch', centreId: target.id });
      this.record(d, 'dispatch', from, { departmentId: target.id, public: true, note: input.note ?? null, data: { toCentreId: target.id, fromCentreId, ruleId } });
      d.events.push({ name: CASES_EVENTS.dispatched, payload: { ...this.eventPayload(c), toCentreId: target.id } });
      return;
    }
    const limits = this.limits[c.kind][c.urgency];
    const signDue = dueAt(this.calendar, d.now, limits.signFor);
    const due = dueAt(this.calendar, d.now, limits.handle);
    this.addAssignment(d, { departmentId: target.id, role: 'main', round, fromCentreId, signDueAt: iso(signDue) });
    for (const a of assisting) this.addAssignment(d, { departmentId: a.id, role: 'assist', round, fromCentreId, signDueAt: iso(signDue) });
    Object.assign(c, {
      state: 'dispatched', centreId: null, mainDepartmentId: target.id, dispatchedAt: at, signDueAt: iso(signDue), dueAt: iso(due),
      warnAt: iso(warnAt(d.now, due, this.config.yellowShare)), light: 'green', resolvedAt: null, outcome: null,
    });
    this.record(d, 'dispatch', from, {
      departmentId: target.id, public: true, note: input.note ?? null,
      data: { mainDepartmentId: target.id, assistingDepartmentIds: assisting.map((a) => a.id), fromCentreId, ruleId, signDueAt: c.signDueAt, dueAt: c.dueAt },
    });
    d.events.push({ name: CASES_EVENTS.dispatched, payload: { ...this.eventPayload(c), assistingDepartmentIds: assisting.map((a) => a.id), ruleId } });
  }

  async signFor(id: string, input: { departmentId?: string }, actor: Actor): Promise<CaseView> {
    return this.mutate(id, 'sign_for', actor, (d) => {
      const deptId = input.departmentId ?? actor.departmentId ?? (d.c.state === 'dispatched' ? d.c.mainDepartmentId : null);
      const a = this.openAssignment(d, deptId, ['pending']);
      if (d.c.state === 'handling' && a.role === 'main') assertAllowed({ state: 'closed', number: d.c.number }, 'sign_for');
      this.touchAssignment(d, a, { status: 'signed', signedAt: iso(d.now) });
      const from = d.c.state;
      if (a.role === 'main') d.c.state = 'handling';
      const late = a.signDueAt !== null && iso(d.now) > a.signDueAt;
      this.record(d, 'sign_for', from, { departmentId: a.departmentId, public: a.role === 'main', data: { role: a.role, late } });
      d.events.push({ name: CASES_EVENTS.signed, payload: { ...this.eventPayload(d.c), signedDepartmentId: a.departmentId, role: a.role, late } });
    });
  }

  async returnCase(id: string, input: { reason: string; departmentId?: string }, actor: Actor): Promise<CaseView> {
    return this.mutate(id, 'return', actor, (d) => {
      const reason = requireText(input.reason, 'reason', 4, '退单须说明理由（至少 4 个字）', 'reason must have at least 4 characters');
      const c = d.c;
      const from = c.state;
      let a: Assignment;
      if (c.state === 'pending_dispatch') {
        // A lower-tier centre sends the case back up.
        a = this.openAssignment(d, c.centreId, ['pending'], 'centre');
        if (!a.fromCentreId) throw new AppError({ code: 'CASE_CANNOT_RETURN', status: 409, zh: '市级中心受理的工单无法再向上退回', en: 'The city centre has nowhere to return the case to' });
      } else {
        a = this.openAssignment(d, input.departmentId ?? actor.departmentId ?? c.mainDepartmentId, ['pending', 'signed'], 'main');
      }
      if (actor.departmentId && actor.departmentId !== a.departmentId) this.wrongDepartment(d, a.departmentId);
      this.touchAssignment(d, a, { status: 'returned', returnedAt: iso(d.now), returnReason: reason });
      for (const other of d.assignments) if (other.round === a.round && other.role === 'assist' && ['pending', 'signed', 'replied'].includes(other.status)) this.touchAssignment(d, other, { status: 'withdrawn' });
      Object.assign(c, { state: 'returned', centreId: a.fromCentreId, mainDepartmentId: null, returnCount: c.returnCount + 1, signDueAt: null, dueAt: null, warnAt: null, light: 'green', pendingExtension: null });
      this.record(d, 'return', from, { departmentId: a.departmentId, public: false, note: reason, data: { toCentreId: a.fromCentreId, role: a.role } });
      d.events.push({ name: CASES_EVENTS.returned, payload: { ...this.eventPayload(c), returnedBy: a.departmentId, toCentreId: a.fromCentreId } });
    });
  }

  async arbitrate(id: string, input: { decision: 'reject_return' | 'uphold_return'; reason: string }, actor: Actor): Promise<CaseView> {
    return this.mutate(id, 'arbitrate', actor, (d) => {
      this.assertCentreActor(d);
      const reason = requireText(input.reason, 'reason', 2, '请填写审核意见', 'reason is required');
      const c = d.c;
      const returned = [...d.assignments].reverse().find((a) => a.status === 'returned');
      if (!returned) throw new AppError({ code: 'CASE_NOTHING_TO_ARBITRATE', status: 409, zh: '没有待审核的退单', en: 'There is no return to arbitrate' });
      if (input.decision === 'uphold_return') {
        // The return stands; the centre re-dispatches when ready.
        Object.assign(c, { state: 'pending_dispatch' });
        this.record(d, 'arbitrate', 'returned', { departmentId: returned.departmentId, public: false, note: reason, data: { decision: input.decision } });
        return;
      }
      // Rejected: the same department must handle it, where it left off.
      const signed = returned.signedAt !== null;
      this.touchAssignment(d, returned, { status: signed ? 'signed' : 'pending', returnedAt: null, returnReason: null });
      if (returned.role === 'centre') {
        Object.assign(c, { state: 'pending_dispatch', centreId: returned.departmentId, returnCount: c.returnCount });
      } else {
        const limits = this.limits[c.kind][c.urgency];
        const due = dueAt(this.calendar, d.now, limits.handle);
        Object.assign(c, {
          state: signed ? 'handling' : 'dispatched', centreId: null, mainDepartmentId: returned.departmentId,
          signDueAt: returned.signDueAt, dueAt: iso(due), warnAt: iso(warnAt(d.now, due, this.config.yellowShare)), light: 'green',
        });
      }
      this.record(d, 'arbitrate', 'returned', { departmentId: returned.departmentId, public: false, note: reason, data: { decision: input.decision, backTo: returned.departmentId } });
      d.events.push({ name: CASES_EVENTS.dispatched, payload: { ...this.eventPayload(c), returnRejected: true } });
    });
  }

  async requestExtension(id: string, input: { extraWorkdays?: number; extraHours?: number; reason: string }, actor: Actor): Promise<CaseView> {
    return this.mutate(id, 'request_extension', actor, (d) => {
      const c = d.c;
      const a = this.openAssignment(d, actor.departmentId ?? c.mainDepartmentId, ['signed', 'replied'], 'main');
      const reason = requireText(input.reason, 'reason', 4, '延期须说明理由（至少 4 个字）', 'reason must have at least 4 characters');
      const days = input.extraWorkdays ?? 0;
      const hours = input.extraHours ?? 0;
      if (!Number.isInteger(days) || days < 0 || days > 60 || !Number.isFinite(hours) || hours < 0 || hours > 720 || days + hours === 0) {
        throw errors.validation('extraWorkdays', '延期时长须为 1–60 个工作日或 1–720 小时', 'ask for 1–60 working days or 1–720 hours');
      }
      if (c.pendingExtension) throw new AppError({ code: 'CASE_EXTENSION_PENDING', status: 409, zh: '已有待审批的延期申请', en: 'An extension request is already waiting for a decision' });
      if (c.dueAt && iso(d.now) > c.dueAt) throw new AppError({ code: 'CASE_EXTENSION_TOO_LATE', status: 409, zh: '已超过办理期限，不能再申请延期', en: 'The deadline has passed; an extension must be asked for before it', details: { dueAt: c.dueAt } });
      c.pendingExtension = { requestedAt: iso(d.now), requestedBy: actor.id, departmentId: a.departmentId, extraWorkdays: days, extraHours: hours, reason };
      this.record(d, 'request_extension', c.state, { departmentId: a.departmentId, public: false, note: reason, data: { extraWorkdays: days, extraHours: hours } });
      d.events.push({ name: CASES_EVENTS.extensionRequested, payload: { ...this.eventPayload(c), extraWorkdays: days, extraHours: hours } });
    });
  }

  async decideExtension(id: string, input: { approve: boolean; reason?: string }, actor: Actor): Promise<CaseView> {
    return this.mutate(id, 'decide_extension', actor, (d) => {
      const c = d.c;
      const p = c.pendingExtension;
      if (!p) throw new AppError({ code: 'CASE_NO_EXTENSION_REQUEST', status: 409, zh: '没有待审批的延期申请', en: 'There is no extension request to decide' });
      c.pendingExtension = null;
      if (input.approve) {
        let due = new Date(c.dueAt ?? iso(d.now));
        if (p.extraWorkdays) due = extendDue(this.calendar, due, { value: p.extraWorkdays, unit: 'workdays' });
        if (p.extraHours) due = extendDue(this.calendar, due, { value: p.extraHours, unit: 'hours' });
        const start = new Date(c.dispatchedAt ?? c.receivedAt);
        c.dueAt = iso(due);
        c.warnAt = iso(warnAt(start, due, this.config.yellowShare));
        c.light = light(d.now, start, due, this.config.yellowShare);
        c.extensionCount += 1;
      }
      // The citizen is told about an approved extension (public), not about a refused one.
      this.record(d, 'decide_extension', c.state, { departmentId: p.departmentId, public: input.approve, note: input.reason ?? null, data: { approve: input.approve, dueAt: c.dueAt } });
      d.events.push({ name: CASES_EVENTS.extensionDecided, payload: { ...this.eventPayload(c), approve: input.approve } });
    });
  }

  async reply(id: string, input: { text: string; departmentId?: string; public?: boolean }, actor: Actor): Promise<CaseView> {
    return this.mutate(id, 'reply', actor, (d) => {
      const text = requireText(input.text, 'text', 2, '答复内容不能为空', 'text is required');
      const a = this.openAssignment(d, input.departmentId ?? actor.departmentId ?? d.c.mainDepartmentId, ['signed', 'replied']);
      this.touchAssignment(d, a, { status: a.role === 'assist' ? 'replied' : a.status, repliedAt: iso(d.now), replyText: text });
      this.record(d, 'reply', d.c.state, { departmentId: a.departmentId, public: input.public ?? false, note: text, data: { role: a.role } });
      d.events.push({ name: CASES_EVENTS.replied, payload: { ...this.eventPayload(d.c), repliedDepartmentId: a.departmentId, role: a.role } });
    });
  }

  async resolve(id: string, input: { reply: string; internalNote?: string }, actor: Actor): Promise<CaseView> {
    return this.mutate(id, 'resolve', actor, (d) => {
      const c = d.c;
      const text = requireText(input.reply, 'reply', 4, '办结须填写答复（至少 4 个字）', 'reply must have at least 4 characters');
      const a = this.openAssignment(d, actor.departmentId ?? c.mainDepartmentId, ['signed', 'replied'], 'main');
      const at = iso(d.now);
      this.touchAssignment(d, a, { status: 'done', repliedAt: at, replyText: text });
      for (const other of d.assignments) if (other.round === a.round && other.role === 'assist' && ['pending', 'signed', 'replied'].includes(other.status)) this.touchAssignment(d, other, { status: 'done' });
      const onTime = c.dueAt === null || at <= c.dueAt;
      Object.assign(c, {
        state: 'resolved', outcome: 'resolved', resolvedAt: at, reply: text, replyAt: at, pendingExtension: null,
        callbackDueAt: iso(this.calendar.addWorkingDays(d.now, 1)),
      });
      this.record(d, 'resolve', 'handling', { departmentId: a.departmentId, public: true, note: text, data: { onTime, internalNote: input.internalNote ?? null } });
      d.events.push({ name: CASES_EVENTS.resolved, payload: { ...this.eventPayload(c), onTime } });
    });
  }

  async callback(id: string, input: { reached: boolean; rating?: number; comment?: string; reopen?: boolean }, actor: Actor): Promise<CaseView> {
    return this.mutate(id, 'callback', actor, (d) => {
      const c = d.c;
      if (!input.reached) {
        c.callbackAttempts += 1;
        const giveUp = c.callbackAttempts >= this.config.maxCallbackAttempts;
        if (giveUp) Object.assign(c, { state: 'closed', closedAt: iso(d.now) });
        this.record(d, 'callback', 'resolved', { public: giveUp, note: input.comment ?? null, data: { reached: false, attempt: c.callbackAttempts, closed: giveUp } });
        if (giveUp) d.events.push({ name: CASES_EVENTS.closed, payload: { ...this.eventPayload(c), outcome: 'unreachable' } });
        return;
      }
      if (input.rating === undefined || !(RATINGS as readonly number[]).includes(input.rating)) {
        throw errors.validation('rating', '评价须为 1–5（5 非常满意 … 1 非常不满意）', 'rating must be 1–5 (5 very satisfied … 1 very dissatisfied)');
      }
      const rating = input.rating as Rating;
      Object.assign(c, { rating, ratedAt: iso(d.now), callbackAttempts: c.callbackAttempts + 1 });
      const dissatisfied = rating < this.config.satisfiedMinRating;
      const reopen = dissatisfied && input.reopen !== false;
      // A satisfied callback closes the case; a dissatisfied one is recorded, then the case reopens.
      if (!reopen) Object.assign(c, { state: 'closed', closedAt: iso(d.now) });
      this.record(d, 'callback', 'resolved', { public: true, note: input.comment ?? null, data: { reached: true, rating, dissatisfied, reopen } });
      d.events.push({ name: CASES_EVENTS.rated, payload: { ...this.eventPayload(c), rating, dissatisfied } });
      if (reopen) {
        const last = [...d.assignments].reverse().find((a) => a.role === 'main' && a.status === 'done');
        if (last) this.touchAssignment(d, last, { reopened: true });
        Object.assign(c, {
          // The citizen no longer sees the rejected reply as the answer; it stays in the timeline.
          state: 'pending_dispatch', centreId: last?.fromCentreId ?? this.org.cityCentre()?.id ?? null, resolvedAt: null, outcome: null, reply: null, replyAt: null,
          reopenCount: c.reopenCount + 1, callbackDueAt: null, signDueAt: null, dueAt: null, warnAt: null, light: 'green',
        });
        this.record(d, 'reopen', 'resolved', { departmentId: last?.departmentId ?? null, public: true, note: input.comment ?? null, data: { rating } });
        d.events.push({ name: CASES_EVENTS.reopened, payload: { ...this.eventPayload(c), againstDepartmentId: last?.departmentId ?? null } });
      } else {
        d.events.push({ name: CASES_EVENTS.closed, payload: { ...this.eventPayload(c), outcome: c.outcome } });
      }
    });
  }

  async close(id: string, input: { reason: string }, actor: Actor): Promise<CaseView> {
    return this.mutate(id, 'close', actor, (d) => {
      const reason = requireText(input.reason, 'reason', 4, '关闭须说明理由（至少 4 个字）', 'reason must have at least 4 characters');
      const c = d.c;
      const from = c.state;
      Object.assign(c, { state: 'closed', closedAt: iso(d.now), centreId: null, ...(from === 'resolved' ? {} : { outcome: 'closed_by_centre', reply: reason, replyAt: iso(d.now) }) });
      this.record(d, 'close', from, { public: true, note: reason });
      d.events.push({ name: CASES_EVENTS.closed, payload: { ...this.eventPayload(c), outcome: c.outcome } });
    });
  }

  async merge(id: string, input: { parentId: string }, actor: Actor): Promise<CaseView> {
    const parentId = await this.resolveId(input.parentId);
    const parent = await this.repo.getStored(parentId);
    if (!parent) throw errors.notFound('case', input.parentId, '工单');
    const rootId = parent.record.state === 'merged' && parent.record.parentId ? parent.record.parentId : parent.record.id;
    if (rootId === id || parent.record.id === id) throw errors.validation('parentId', '不能与自身合并', 'a case cannot be merged into itself');
    return this.mutate(id, 'merge', actor, (d) => {
      const c = d.c;
      const from = c.state;
      for (const a of d.assignments) if (['pending', 'signed', 'replied'].includes(a.status)) this.touchAssignment(d, a, { status: 'withdrawn' });
      Object.assign(c, { state: 'merged', parentId: rootId, outcome: 'merged', centreId: null, closedAt: iso(d.now), pendingExtension: null });
      this.record(d, 'merge', from, { public: true, data: { parentId: rootId } });
      d.events.push({ name: CASES_EVENTS.merged, payload: { ...this.eventPayload(c), parentId: rootId } });
    });
  }

  async chase(id: string, input: { note?: string }, actor: Actor): Promise<CaseView> {
    return this.mutate(id, 'chase', actor, (d) => {
      d.c.chaseCount += 1;
      this.record(d, 'chase', d.c.state, { departmentId: d.c.mainDepartmentId, public: false, note: input.note ?? null, data: { auto: false } });
      d.events.push({ name: CASES_EVENTS.chased, payload: { ...this.eventPayload(d.c), auto: false } });
    });
  }

  async supervise(id: string, input: { note: string; escalate?: boolean }, actor: Actor): Promise<CaseView> {
    return this.mutate(id, 'supervise', actor, (d) => {
      const note = requireText(input.note, 'note', 2, '请填写督办意见', 'note is required');
      const c = d.c;
      c.supervised = true;
      let escalatedTo: Department | null = null;
      if (input.escalate) {
        const holder = this.org.getDepartment(c.mainDepartmentId ?? c.centreId ?? '');
        escalatedTo = holder?.parentId ? this.org.getDepartment(holder.parentId) : this.org.cityCentre();
        if (!escalatedTo || escalatedTo.id === holder?.id) escalatedTo = this.org.cityCentre();
        c.escalatedToId = escalatedTo?.id ?? null;
      }
      this.record(d, 'supervise', c.state, { departmentId: c.mainDepartmentId, public: false, note, data: { escalatedToId: escalatedTo?.id ?? null } });
      d.events.push({ name: CASES_EVENTS.supervised, payload: { ...this.eventPayload(c), escalatedToId: escalatedTo?.id ?? null } });
    });
  }

  // ───────────────────────────── deadlines ─────────────────────────────

  /** Turn lights yellow/red and chase overdue sign-fors and cases. Returns how many cases changed. */
  async tick(limit = 500): Promise<number> {
    const now = this.clock.now();
    const ids = await this.repo.dueForCheck(iso(now), limit);
    let changed = 0;
    for (const id of ids) {
      try {
        await this.mutate(id, null, { id: 'system', departmentId: null }, (d) => {
          this.applyDeadlines(d);
        });
        changed += 1;
      } catch (err) {
        this.logger.warn({ err, caseId: id }, 'deadline check failed');
      }
    }
    return changed;
  }

  private applyDeadlines(d: Draft): void {
    const c = d.c;
    const now = iso(d.now);
    if (c.state === 'dispatched' || c.state === 'handling') {
      for (const a of d.assignments) {
        if (a.status === 'pending' && !a.signOverdue && a.signDueAt && now > a.signDueAt) {
          this.touchAssignment(d, a, { signOverdue: true });
          c.chaseCount += 1;
          this.record(d, 'chase', c.state, { departmentId: a.departmentId, public: false, note: '签收超时，系统催办', data: { auto: true, reason: 'sign_overdue' } });
          d.events.push({ name: CASES_EVENTS.chased, payload: { ...this.eventPayload(c), auto: true, reason: 'sign_overdue', chasedDepartmentId: a.departmentId } });
        }
      }
      if (c.dueAt && c.warnAt) {
        const next = light(d.now, new Date(c.dispatchedAt ?? c.receivedAt), new Date(c.dueAt), this.config.yellowShare);
        if (next !== c.light) {
          const was = c.light;
          c.light = next;
          this.record(d, 'light', c.state, { departmentId: c.mainDepartmentId, public: false, data: { from: was, to: next } });
          d.events.push({ name: CASES_EVENTS.lightChanged, payload: { ...this.eventPayload(c), light: next } });
          if (next === 'red' && !c.overdue) {
            c.overdue = true;
            c.chaseCount += 1;
            this.record(d, 'chase', c.state, { departmentId: c.mainDepartmentId, public: false, note: '办理超期，系统催办', data: { auto: true, reason: 'overdue' } });
            d.events.push({ name: CASES_EVENTS.overdue, payload: this.eventPayload(c) });
          }
        }
      }
    }
  }

  /** When the scheduler must look at the case again, or null. */
  private nextCheck(c: CaseRecord, assignments: readonly Assignment[]): string | null {
    if (c.state !== 'dispatched' && c.state !== 'handling') return null;
    const times: string[] = [];
    for (const a of assignments) if (a.status === 'pending' && !a.signOverdue && a.signDueAt) times.push(a.signDueAt);
    if (c.light === 'green' && c.warnAt) times.push(c.warnAt);
    if (c.light !== 'red' && c.dueAt) times.push(new Date(new Date(c.dueAt).getTime() + 1).toISOString());
    return times.length ? times.sort()[0]! : null;
  }

  // ───────────────────────────── machinery ─────────────────────────────

  private async mutate(idOrNumber: string, action: CaseAction | null, actor: Actor, fn: (d: Draft) => void): Promise<CaseView> {
    const id = await this.resolveId(idOrNumber);
    return this.uow.run(async (ctx) => {
      const stored = await this.repo.getStored(id, ctx.tx);
      if (!stored) throw errors.notFound('case', idOrNumber, '工单');
      const assignments = await this.repo.assignments(id, ctx.tx);
      // Out of scope looks exactly like not found: no one learns which cases exist elsewhere.
      if (!inScope(actor.scope, stored.record, assignments.map((a) => a.departmentId))) throw errors.notFound('case', idOrNumber, '工单');
      if (action) assertAllowed(stored.record, action);
      const seq = await this.repo.lastHistorySeq(id, ctx.tx);
      const d: Draft = {
        c: structuredClone(stored.record), assignments: assignments.map((a) => ({ ...a })), changed: new Set(), added: new Set(),
        history: [], events: [], now: this.clock.now(), actor, seq,
      };
      fn(d);
      if (d.history.length === 0) return this.view(stored.record, assignments, actor);
      d.c.version = stored.record.version + 1;
      d.c.updatedAt = iso(d.now);
      await this.persist(ctx, d, stored.record.version, stored.kpi, stored.receivedDay);
      return this.view(d.c, d.assignments, actor);
    });
  }

  private async persist(ctx: TxContext, d: Draft, previousVersion: number | null, oldKpi: KpiVector, receivedDay: string): Promise<void> {
    const kpi = kpiVector(d.c, d.assignments);
    const next = this.nextCheck(d.c, d.assignments);
    if (previousVersion === null) await this.repo.insertCase(ctx.tx, d.c, receivedDay, next, kpi);
    else if (!(await this.repo.updateCase(ctx.tx, d.c, previousVersion, receivedDay, next, kpi))) {
      throw new AppError({ code: 'CASE_VERSION_CONFLICT', status: 409, zh: '工单已被他人修改，请刷新后重试', en: 'The case was changed by someone else; reload and retry' });
    }
    for (const a of d.assignments) {
      if (d.added.has(a.id)) await this.repo.saveAssignment(ctx.tx, a, false);
      else if (d.changed.has(a.id)) await this.repo.saveAssignment(ctx.tx, a, true);
    }
    await this.repo.appendHistory(ctx.tx, d.history);
    for (const { departmentId, delta } of diffVectors(oldKpi, kpi)) await this.repo.applyKpiDelta(ctx.tx, receivedDay, departmentId, d.c.categoryCode, delta);
    for (const e of d.events) await ctx.publish(e.name, e.payload, d.actor.id);
  }

  private record(d: Draft, action: string, from: CaseState | null, opts: { departmentId?: string | null; public: boolean; note?: string | null; data?: Record<string, unknown> }): void {
    d.seq += 1;
    d.history.push({
      id: newId('his', d.now), caseId: d.c.id, seq: d.seq, at: iso(d.now), actor: d.actor.id, action, fromState: from, toState: d.c.state,
      departmentId: opts.departmentId ?? null, public: opts.public, note: opts.note ?? null, data: opts.data ?? {},
    });
  }

  private addAssignment(d: Draft, a: { departmentId: string; role: Assignment['role']; round: number; fromCentreId: string | null; signDueAt: string | null }): void {
    const id = newId('asg', d.now);
    d.assignments.push({
      id, caseId: d.c.id, departmentId: a.departmentId, role: a.role, round: a.round, status: 'pending', fromCentreId: a.fromCentreId,
      dispatchedAt: iso(d.now), dispatchedBy: d.actor.id, signDueAt: a.signDueAt, signedAt: null, returnedAt: null, returnReason: null,
      repliedAt: null, replyText: null, reopened: false, signOverdue: false,
    });
    d.added.add(id);
  }

  private touchAssignment(d: Draft, a: Assignment, patch: Partial<Assignment>): void {
    Object.assign(a, patch);
    d.changed.add(a.id);
  }

  /** The open assignment of a department in this case (latest round), or a coded error. */
  private openAssignment(d: Draft, departmentId: string | null | undefined, statuses: Assignment['status'][], role?: Assignment['role']): Assignment {
    const found = [...d.assignments].reverse().find((a) => (!departmentId || a.departmentId === departmentId) && statuses.includes(a.status) && (!role || a.role === role));
    if (!found) {
      throw new AppError({
        code: 'CASE_NOT_ASSIGNED', status: 409, field: 'departmentId',
        zh: `该部门在工单 ${d.c.number} 中没有可处理的任务`, en: `Department ${departmentId ?? '(none)'} has no open assignment on case ${d.c.number}`,
        details: { departmentId, open: d.assignments.filter((a) => ['pending', 'signed', 'replied'].includes(a.status)).map((a) => ({ departmentId: a.departmentId, role: a.role, status: a.status })) },
      });
    }
    if (d.actor.departmentId && d.actor.departmentId !== found.departmentId && found.role !== 'centre') this.wrongDepartment(d, found.departmentId);
    return found;
  }

  private wrongDepartment(d: Draft, departmentId: string): never {
    throw new AppError({ code: 'CASE_WRONG_DEPARTMENT', status: 403, zh: '只有承办部门可以执行该操作', en: 'Only the assigned department may do this', details: { departmentId, actorDepartmentId: d.actor.departmentId } });
  }

  private assertCentreActor(d: Draft): void {
    if (d.actor.departmentId && d.c.centreId && d.actor.departmentId !== d.c.centreId) {
      throw new AppError({ code: 'CASE_WRONG_CENTRE', status: 403, zh: '该工单不在本派单中心', en: 'The case is held by another dispatch centre', details: { centreId: d.c.centreId } });
    }
  }

  private eventPayload(c: CaseRecord): Record<string, unknown> {
    return { caseId: c.id, number: c.number, state: c.state, categoryCode: c.categoryCode, areaId: c.areaId, departmentId: c.mainDepartmentId, centreId: c.centreId, channel: c.channel, kind: c.kind, urgency: c.urgency };
  }

  /**
   * What only the received event carries: when the case came in (imports arrive long after) and a
   * pseudonymous requester key (the keyed phone hash) so analysis can count distinct requesters
   * without ever seeing a phone number.
   */
  private receivedFacts(c: CaseRecord): { receivedAt: string; requesterKey: string | null } {
    return { receivedAt: c.receivedAt, requesterKey: c.requesterPhoneKey };
  }

  private phoneKey(phone: string): string {
    return this.config.phoneKey(phone);
  }

  private parseInstant(value: string, field: string, now: Date): Date {
    // A time without a zone is ambiguous (city time? UTC?): refuse it rather than guess.
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
      throw new AppError({ code: 'CASE_BAD_DATE', status: 400, field, zh: `${field} 须为带时区的 ISO-8601 时间，如 2026-12-03T09:30:00+08:00`, en: `${field} must be an ISO-8601 time with a zone, e.g. 2026-12-03T09:30:00+08:00` });
    }
    // luxon refuses impossible calendar dates (2026-02-30) that Date would roll over into March.
    const parsed = DateTime.fromISO(value, { setZone: true });
    if (!parsed.isValid) throw new AppError({ code: 'CASE_BAD_DATE', status: 400, field, zh: `${field} 不是有效时间：${value}`, en: `${field} is not a valid time: ${value}` });
    const d = parsed.toJSDate();
    if (d.getTime() > now.getTime() + 5 * 60_000) throw new AppError({ code: 'CASE_BAD_DATE', status: 400, field, zh: `${field} 不能晚于当前时间`, en: `${field} is in the future` });
    if (d.getUTCFullYear() < 2000) throw new AppError({ code: 'CASE_BAD_DATE', status: 400, field, zh: `${field} 早于 2000 年`, en: `${field} is before 2000` });
    return d;
  }

  /**
   * A list filter bound: a local day (`2026-12-01`; as `to` it includes that whole day) or an instant
   * with a zone. Anything else is refused rather than silently matching nothing.
   */
  private rangeBound(value: string, field: 'from' | 'to', end: boolean): string {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const day = DateTime.fromISO(value, { zone: this.calendar.zone });
      if (!day.isValid) throw new AppError({ code: 'VALIDATION_FAILED', status: 400, field, zh: `${field} 不是有效日期：${value}`, en: `${field} is not a date: ${value}` });
      return (end ? day.plus({ days: 1 }) : day).toUTC().toISO()!;
    }
    return this.parseInstant(value, field, new Date(8.64e15)).toISOString();
  }

  /** Accepts a case id or a readable case number. */
  async resolveId(idOrNumber: string): Promise<string> {
    if (idOrNumber.startsWith('cas_')) return idOrNumber;
    if (/^\d{12,16}$/.test(idOrNumber)) {
      const id = await this.repo.idByNumber(idOrNumber);
      if (id) return id;
    }
    throw errors.notFound('case', idOrNumber, '工单');
  }

  // ───────────────────────────── reads ─────────────────────────────

  async get(idOrNumber: string, actor?: Actor): Promise<CaseView> {
    const { stored, assignments } = await this.loadVisible(idOrNumber, actor);
    const children = (await this.repo.list({ parentId: stored.record.id, limit: 200, offset: 0 })).items.map((c) => c.number);
    return { ...this.view(stored.record, assignments, actor), children };
  }

  async timeline(idOrNumber: string, actor?: Actor): Promise<HistoryEntry[]> {
    const { stored } = await this.loadVisible(idOrNumber, actor);
    return this.repo.history(stored.record.id);
  }

  /** Whether the actor may see a case (false too for a case that does not exist); records no view. */
  async canSee(idOrNumber: string, actor?: Actor): Promise<boolean> {
    try {
      await this.loadVisible(idOrNumber, actor);
      return true;
    } catch (err) {
      if (err instanceof AppError && err.status === 404) return false;
      throw err;
    }
  }

  /** A changed case as a live update tells it, and whether a viewer's data scope lets them hear of it. */
  async liveNotice(caseId: string): Promise<{ number: string; state: string; light: string; visibleTo(actor: Actor): boolean } | null> {
    const stored = await this.repo.getStored(caseId);
    if (!stored) return null;
    const departments = (await this.repo.assignments(caseId)).map((a) => a.departmentId);
    const c = stored.record;
    return { number: c.number, state: c.state, light: c.light, visibleTo: (actor) => inScope(actor.scope, c, departments) };
  }

  /** A case the actor may see, or NOT_FOUND (the same answer as for a case that does not exist). */
  private async loadVisible(idOrNumber: string, actor?: Actor) {
    const id = await this.resolveId(idOrNumber);
    const stored = await this.repo.getStored(id);
    if (!stored) throw errors.notFound('case', idOrNumber, '工单');
    const assignments = await this.repo.assignments(id);
    if (!inScope(actor?.scope, stored.record, assignments.map((a) => a.departmentId))) throw errors.notFound('case', idOrNumber, '工单');
    return { stored, assignments };
  }

  /** Turn what the HTTP layer knows about a caller into an Actor with its data scope. */
  actorFor(caller: Caller): Actor {
    const staff = caller.staffId ? this.org.getStaff(caller.staffId) : null;
    return {
      id: caller.id,
      departmentId: caller.departmentId,
      scope: scopeOf(caller.grants, staff?.gridAreaIds ?? [], this.scopeDirectory),
      personal: caller.permissions.has(CASES_PERMISSIONS.personal),
      permissions: caller.permissions,
    };
  }

  private readonly scopeDirectory: ScopeDirectory = {
    department: (id) => this.org.getDepartment(id),
    subDepartments: (id) => {
      const out: string[] = [];
      const walk = (parent: string) => {
        for (const d of this.org.listDepartments({ parentId: parent })) {
          if (out.includes(d.id)) continue;
          out.push(d.id);
          walk(d.id);
        }
      };
      walk(id);
      return out;
    },
    subtree: (areaId) => this.places.subtreeIds(areaId),
  };

  /** Paged list with personal data masked. */
  async list(filter: Omit<CaseListFilter, 'phoneKey' | 'scope'> & { phone?: string }, actor?: Actor): Promise<{ items: Array<ReturnType<CasesService['listItem']>>; total: number }> {
    // Finding someone's cases by phone number is itself personal data.
    if (filter.phone && actor && actor.personal === false) {
      throw new AppError({ code: 'FORBIDDEN', status: 403, field: 'phone', zh: '按电话号码查询需要查看个人信息的权限', en: 'Searching by phone number needs the cases.personal permission', details: { permission: CASES_PERMISSIONS.personal } });
    }
    const phone = normalizePhone(filter.phone);
    const { phone: _p, ...rest } = filter;
    const scope = actor?.scope && !actor.scope.all ? actor.scope : undefined;
    if (rest.receivedFrom !== undefined) rest.receivedFrom = this.rangeBound(rest.receivedFrom, 'from', false);
    if (rest.receivedTo !== undefined) rest.receivedTo = this.rangeBound(rest.receivedTo, 'to', true);
    const { items, total } = await this.repo.list({ ...rest, ...(phone ? { phoneKey: this.phoneKey(phone) } : {}), ...(scope ? { scope } : {}) });
    return { items: items.map((c) => this.listItem(c)), total };
  }

  /** Record that a list was exported (who, how many rows, which filter). */
  recordExport(actor: Actor, detail: Record<string, unknown>): void {
    this.config.onExport?.(actor, detail);
  }

  listItem(c: CaseRecord) {
    return {
      id: c.id, number: c.number, state: c.state, channel: c.channel, kind: c.kind, urgency: c.urgency, categoryCode: c.categoryCode,
      categoryName: this.categories.get(c.categoryCode)?.name ?? null, title: c.title, requesterName: c.confidential ? null : maskName(c.requesterName),
      requesterPhone: c.confidential ? null : maskPhone(c.requesterPhone), areaId: c.areaId, address: c.address,
      receivedAt: c.receivedAt, mainDepartmentId: c.mainDepartmentId, mainDepartmentName: c.mainDepartmentId ? (this.org.getDepartment(c.mainDepartmentId)?.name ?? null) : null,
      centreId: c.centreId, dueAt: c.dueAt, signDueAt: c.signDueAt, light: c.light, overdue: c.overdue, rating: c.rating, confidential: c.confidential,
      parentId: c.parentId, returnCount: c.returnCount, reopenCount: c.reopenCount, supervised: c.supervised,
    };
  }

  private view(c: CaseRecord, assignments: Assignment[], actor?: Actor): CaseView {
    const { requesterPhoneKey: _k, ...rest } = c;
    // Unmasked only for roles that need it; a confidential case only for the departments handling it.
    const handling = !!actor?.departmentId && (c.mainDepartmentId === actor.departmentId || assignments.some((a) => a.departmentId === actor.departmentId && a.status !== 'withdrawn'));
    const full = (actor?.personal ?? true) && (!c.confidential || !actor?.scope || handling);
    if (full && actor?.scope && (c.requesterName || c.requesterPhone)) this.config.onPersonalDataViewed?.(actor, c.id);
    return {
      ...rest,
      requesterName: full ? c.requesterName : c.confidential ? null : maskName(c.requesterName),
      requesterPhone: full ? c.requesterPhone : c.confidential ? null : maskPhone(c.requesterPhone),
      categoryName: this.categories.get(c.categoryCode)?.name ?? null,
      mainDepartmentName: c.mainDepartmentId ? (this.org.getDepartment(c.mainDepartmentId)?.name ?? null) : null,
      centreName: c.centreId ? (this.org.getDepartment(c.centreId)?.name ?? null) : null,
      areaPath: c.areaId ? this.places.lineage(c.areaId).map((a) => ({ id: a.id, code: a.code, name: a.name, level: a.level })) : [],
      assignments: assignments.map((a) => ({ ...a, departmentName: this.org.getDepartment(a.departmentId)?.name ?? null })),
      // What this caller may do now: the state allows it and the caller holds the permission.
      allowedActions: allowedActions(c.state).filter((a) => !actor?.permissions || actor.permissions.has(ACTION_PERMISSION[a])),
      children: [],
    };
  }

  /**
   * Citizen self-query: case number + last four digits of the phone. A wrong pair and an unknown
   * number give the same answer, so the endpoint cannot tell anyone which numbers exist.
   */
  async publicQuery(number: string, phoneLast4: string): Promise<PublicCaseView> {
    const notFound = new AppError({ code: 'CASE_QUERY_NO_MATCH', status: 404, zh: '未找到匹配的工单，请核对工单编号和电话号码后四位', en: 'No case matches this number and phone digits' });
    if (!/^\d{12,16}$/.test(number) || !/^\d{4}$/.test(phoneLast4)) throw notFound;
    // Locked numbers answer the same whether or not the case exists.
    const wait = this.queryLimiter.retryAfter(number);
    if (wait > 0) {
      throw new AppError({ code: 'CASE_QUERY_LOCKED', status: 429, zh: `该工单编号查询失败次数过多，请 ${Math.ceil(wait / 60_000)} 分钟后再试`, en: `Too many failed lookups for this case number; retry in ${Math.ceil(wait / 60_000)} min`, details: { retryAfterSeconds: Math.ceil(wait / 1000) } });
    }
    const id = await this.repo.idByNumber(number);
    const stored = id ? await this.repo.getStored(id) : null;
    if (!stored || !stored.record.requesterPhone || !stored.record.requesterPhone.endsWith(phoneLast4)) {
      this.queryLimiter.fail(number);
      throw notFound;
    }
    this.queryLimiter.succeed(number);
    return this.publicView(stored.record);
  }

  private async publicView(c: CaseRecord): Promise<PublicCaseView> {
    let shown = c;
    let followsNumber: string | null = null;
    if (c.state === 'merged' && c.parentId) {
      const parent = await this.repo.getStored(c.parentId);
      if (parent) {
        shown = parent.record;
        followsNumber = parent.record.number;
      }
    }
    const history = [...(await this.repo.history(c.id)), ...(followsNumber ? await this.repo.history(shown.id) : [])];
    return {
      number: c.number, state: shown.state, stateName: CASE_STATE_ZH[shown.state], title: c.title, categoryName: this.categories.get(c.categoryCode)?.name ?? null,
      receivedAt: c.receivedAt, dueAt: shown.dueAt, reply: shown.reply, replyAt: shown.replyAt, rating: c.rating,
      canRate: c.state === 'resolved' && !!c.requesterPhone, followsNumber,
      timeline: history
        .filter((h) => h.public)
        .sort((a, b) => a.at.localeCompare(b.at))
        .map((h) => ({
          at: h.at, action: h.action, actionName: CASE_ACTION_ZH[h.action as keyof typeof CASE_ACTION_ZH] ?? h.action, state: h.toState,
          // Departments are public bodies; staff names and internal notes never appear here.
          department: h.departmentId ? (this.org.getDepartment(h.departmentId)?.name ?? null) : null,
          note: ['resolve', 'direct_answer', 'not_accepted', 'close'].includes(h.action) ? h.note : null,
        })),
    };
  }

  /** The citizen rates their own resolved case (self-service callback). */
  async publicRate(number: string, phoneLast4: string, rating: number, comment?: string): Promise<PublicCaseView> {
    await this.publicQuery(number, phoneLast4);
    const id = await this.resolveId(number);
    await this.callback(id, { reached: true, rating, ...(comment ? { comment } : {}) }, { id: 'citizen', departmentId: null });
    return this.publicQuery(number, phoneLast4);
  }

  // ───────────────────────────── KPIs ─────────────────────────────

  /** Open cases past their due time at `at`, by main department, most first (for the daily briefing). */
  async overdueByDepartment(at: Date): Promise<Array<{ departmentId: string | null; name: string; count: number }>> {
    const rows = await this.repo.overdueByDepartment(at.toISOString());
    return rows
      .map((r) => ({ departmentId: r.departmentId, name: r.departmentId ? (this.org.getDepartment(r.departmentId)?.name ?? r.departmentId) : '未派单', count: r.n }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  }

  async kpis(query: { from: string; to: string; groupBy: 'department' | 'tier' | 'category' | 'day' | 'all'; categoryPrefix?: string; departmentId?: string; tier?: string }, actor?: Actor): Promise<KpiRow[]> {
    const { from, to } = checkPeriod(query.from, query.to);
    const deptFilter = this.scopedDepartments(query.departmentId ? [query.departmentId] : query.tier ? this.org.listDepartments({ tier: query.tier as 'city' }).map((d) => d.id) : undefined, actor?.scope);
    const groupBy = query.groupBy === 'tier' || query.groupBy === 'all' ? 'department' : query.groupBy;
    const sums = await this.repo.kpiSums({ from, to, ...(query.categoryPrefix ? { categoryPrefix: query.categoryPrefix } : {}), ...(deptFilter ? { departmentIds: deptFilter } : {}) }, groupBy);
    const groups = new Map<string, Counters>();
    const keyOf = (k: string): string => {
      if (query.groupBy === 'all') return 'all';
      if (query.groupBy === 'tier') return k === '' ? 'centre' : (this.org.getDepartment(k)?.tier ?? 'unknown');
      return k;
    };
    for (const s of sums) {
      const key = keyOf(s.key);
      const acc = groups.get(key) ?? {};
      for (const k of KPI_COUNTERS) if (s.counters[k]) acc[k] = (acc[k] ?? 0) + s.counters[k]!;
      groups.set(key, acc);
    }
    const nameOf = (key: string): string => {
      if (query.groupBy === 'all') return '全部';
      if (query.groupBy === 'tier') return ({ city: '市级', district: '区级', street: '街道级', centre: '受理中心（未派单）' } as Record<string, string>)[key] ?? key;
      if (query.groupBy === 'department') return key === '' ? '受理中心（未派单）' : (this.org.getDepartment(key)?.name ?? key);
      if (query.groupBy === 'category') return this.categories.get(key)?.name ?? key;
      return key;
    };
    return [...groups.entries()]
      .map(([key, counters]) => ({ key, name: nameOf(key), counters, rates: kpiRates(counters, this.config.satisfiedMinRating) }))
      // Days read in date order; other groups by volume.
      .sort((a, b) => (query.groupBy === 'day' ? a.key.localeCompare(b.key) : (b.counters.total ?? 0) - (a.counters.total ?? 0) || a.key.localeCompare(b.key)));
  }

  kpiDefinitions() {
    return kpiDefinitions(this.config.satisfiedMinRating);
  }

  /** The cases behind one KPI counter (or a rate's numerator/denominator) — same vectors as the figures. */
  /** KPIs of departments outside the actor's scope are not theirs to see. */
  private scopedDepartments(requested: string[] | undefined, scope: ActorScope | undefined): string[] | undefined {
    if (!scope || scope.all) return requested;
    return (requested ?? [...scope.departmentIds]).filter((d) => scope.departmentIds.has(d));
  }

  async kpiCases(query: { from: string; to: string; counter: KpiCounter; departmentId?: string; tier?: string; categoryPrefix?: string; limit: number; offset: number }, actor?: Actor) {
    const { from, to } = checkPeriod(query.from, query.to);
    const deptIds = this.scopedDepartments(query.departmentId !== undefined ? [query.departmentId] : query.tier ? this.org.listDepartments({ tier: query.tier as 'city' }).map((d) => d.id) : undefined, actor?.scope);
    const candidates = await this.repo.kpiCandidates({ from, to, ...(query.categoryPrefix ? { categoryPrefix: query.categoryPrefix } : {}), ...(deptIds ? { departmentIds: deptIds } : {}) }, 200_000);
    const matching = candidates.filter(({ kpi }) => Object.entries(kpi).some(([dept, counters]) => (!deptIds || deptIds.includes(dept)) && (counters[query.counter] ?? 0) > 0));
    return { total: matching.length, items: matching.slice(query.offset, query.offset + query.limit).map(({ record }) => this.listItem(record)) };
  }

  /** Numbers for the dashboard header: cases per state. */
  async stateCounts(): Promise<Record<string, number>> {
    return this.repo.countByState();
  }
}

function requireText(value: unknown, field: string, min: number, zh: string, en: string): string {
  const s = typeof value === 'string' ? value.trim() : '';
  if ([...s].length < min) throw errors.validation(field, zh, en);
  return s;
}

function normalizePhone(raw: string | undefined): string | null {
  if (!raw) return null;
  const digits = raw.replace(/[\s-]/g, '').replace(/^\+86/, '');
  return /^\+?\d{5,20}$/.test(digits) ? digits : null;
}

function checkPeriod(from: string, to: string): { from: string; to: string } {
  const re = /^\d{4}-\d{2}-\d{2}$/;
  const real = (d: string) => DateTime.fromISO(d, { zone: 'utc' }).isValid;
  if (!re.test(from) || !real(from)) throw new AppError({ code: 'KPI_BAD_PERIOD', status: 400, field: 'from', zh: 'from 须为 YYYY-MM-DD', en: 'from must be YYYY-MM-DD' });
  if (!re.test(to) || !real(to)) throw new AppError({ code: 'KPI_BAD_PERIOD', status: 400, field: 'to', zh: 'to 须为 YYYY-MM-DD', en: 'to must be YYYY-MM-DD' });
  if (to < from) throw new AppError({ code: 'KPI_BAD_PERIOD', status: 400, field: 'to', zh: 'to 不能早于 from', en: 'to is before from' });
  return { from, to };
}

