import type { Clock } from '../../../platform/clock/clock.ts';
import { AppError, errors } from '../../../platform/errors/app-error.ts';
import type { DomainEvent } from '../../../platform/events/domain-event.ts';
import type { UnitOfWork } from '../../../platform/events/unit-of-work.ts';
import { newId } from '../../../platform/ids/ids.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { SYSTEM_ACTOR, type CasesApi, type Urgency } from '../../cases/index.ts';
import { correlate, DEFAULT_CORRELATION, type CorrelationPolicy, type RecentAlarm } from '../domain/correlation.ts';
import { SEVERITY_RANK, type Severity } from '../domain/rules.ts';
import { SENSING_EVENTS, type AlarmEventPayload } from '../sensing.events.ts';
import type { AlarmLogRow, AlarmRow, DeviceRow, SensingRepository } from '../sensing.repository.ts';

/** What raised or cleared an alarm: a rule (or the connectivity checker) on a device. */
export interface AlarmTrigger {
  device: DeviceRow;
  ruleId: string;
  ruleName: string;
  alarmType: string;
  severity: Severity;
  at: number;
  value: number | null;
  /** Open a case for the alarm (rule flag), in this category. */
  openCase: { categoryCode: string } | null;
}

/** An alarm as the API shows it. */
export interface AlarmView {
  id: string;
  deviceId: string;
  type: string;
  severity: Severity;
  /** Two axes: active or cleared × unacknowledged or acknowledged. */
  status: 'active_unack' | 'active_ack' | 'cleared_unack' | 'cleared_ack';
  active: boolean;
  acknowledged: boolean;
  count: number;
  firstAt: string;
  lastAt: string;
  clearedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  assignee: string | null;
  value: number | null;
  areaId: string | null;
  departmentId: string | null;
  incidentId: string | null;
  caseId: string | null;
  caseNumber: string | null;
  caseClosedAt: string | null;
  /** Rules currently holding the alarm active, with their severities. */
  rules: Record<string, Severity>;
}

export interface AlarmHistoryEntry {
  at: string;
  actor: string | null;
  action: string;
  detail: Record<string, unknown>;
}

const URGENCY: Record<Severity, Urgency> = { critical: 'critical', major: 'urgent', minor: 'normal', warning: 'normal' };
const iso = (ms: number): string => new Date(ms).toISOString();

export function alarmView(r: AlarmRow): AlarmView {
  const active = r.active === 1;
  const acknowledged = r.acknowledged === 1;
  return {
    id: r.id, deviceId: r.device_id, type: r.type, severity: r.severity as Severity,
    status: `${active ? 'active' : 'cleared'}_${acknowledged ? 'ack' : 'unack'}`, active, acknowledged,
    count: Number(r.count), firstAt: r.first_at, lastAt: r.last_at, clearedAt: r.cleared_at, acknowledgedAt: r.acknowledged_at, acknowledgedBy: r.acknowledged_by,
    assignee: r.assignee, value: r.value === null ? null : Number(r.value), areaId: r.area_id, departmentId: r.department_id, incidentId: r.incident_id,
    caseId: r.case_id, caseNumber: r.case_number, caseClosedAt: r.case_closed_at, rules: JSON.parse(r.rules) as Record<string, Severity>,
  };
}

const maxSeverity = (rules: Record<string, Severity>): Severity =>
  (Object.values(rules).sort((a, b) => SEVERITY_RANK[b] - SEVERITY_RANK[a])[0] ?? 'warning');

/**
 * Alarm lifecycle: one active alarm per device and alarm type (repeats count up), severity the
 * highest of the rules holding it, history of every step, incidents across devices, cases for
 * alarms whose rule asks for one. Writes are serialized (alarms are rare next to readings), so two
 * rules firing at once never race on the one-active-alarm key.
 */
export class AlarmService {
  private chain: Promise<unknown> = Promise.resolve();
  private recent: RecentAlarm[] = [];
  /** Called after a clear by hand, so the rules holding the alarm start over (and may raise it again). */
  onClearedByHand: (deviceId: string, alarmType: string) => void = () => undefined;

  constructor(
    private readonly repo: SensingRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly cases: CasesApi | null,
    private readonly correlation: CorrelationPolicy = DEFAULT_CORRELATION,
  ) {}

  /** Queue a rule's transition; errors are logged, never thrown at the ingest path. */
  enqueue(kind: 'raise' | 'clear', trigger: AlarmTrigger): void {
    this.chain = this.chain
      .then(() => (kind === 'raise' ? this.raise(trigger) : this.clear(trigger)))
      .catch((err: unknown) => this.logger.error({ err, deviceId: trigger.device.id, type: trigger.alarmType }, 'alarm update failed'));
  }

  /** Resolves when every queued alarm change is written (tests, shutdown). */
  async idle(): Promise<void> {
    let seen: Promise<unknown> | null = null;
    while (seen !== this.chain) {
      seen = this.chain;
      await seen;
    }
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async raise(t: AlarmTrigger): Promise<void> {
    let toOpenCase: { alarmId: string; severity: Severity } | null = null;
    await this.uow.run(async ({ tx, publish }) => {
      const at = iso(t.at);
      const open = await this.repo.openAlarm(tx, t.device.id, t.alarmType);
      if (open) {
        const rules = JSON.parse(open.rules) as Record<string, Severity>;
        const before = open.severity as Severity;
        rules[t.ruleId] = t.severity;
        const severity = maxSeverity(rules);
        await this.repo.updateAlarm(tx, open.id, open.version, { rules: JSON.stringify(rules), severity, count: Number(open.count) + 1, last_at: at, value: t.value });
        if (severity !== before) await this.repo.log(tx, open.id, at, null, 'severity-changed', { from: before, to: severity, ruleId: t.ruleId });
        return;
      }
      const id = newId('alm');
      const rules = { [t.ruleId]: t.severity };
      await this.repo.insertAlarm(tx, {
        id, device_id: t.device.id, type: t.alarmType, severity: t.severity, open_key: `${t.device.id}|${t.alarmType}`, active: 1, acknowledged: 0, count: 1,
        first_at: at, last_at: at, cleared_at: null, acknowledged_at: null, acknowledged_by: null, assignee: null, rules: JSON.stringify(rules), value: t.value,
        area_id: t.device.area_id, department_id: t.device.department_id, incident_id: null, case_id: null, case_number: null, case_closed_at: null, version: 1,
      });
      await this.repo.log(tx, id, at, null, 'raised', { ruleId: t.ruleId, rule: t.ruleName, severity: t.severity, value: t.value });
      const incidentId = await this.correlate(tx, { alarmId: id, deviceId: t.device.id, type: t.alarmType, at: t.at, incidentId: null }, publish);
      const payload: AlarmEventPayload = {
        alarmId: id, type: t.alarmType, severity: t.severity, areaId: t.device.area_id, deviceId: t.device.id, deviceType: t.device.type_code,
        departmentId: t.device.department_id, incidentId, caseId: null,
      };
      await publish(SENSING_EVENTS.alarmRaised, payload);
      if (t.openCase) toOpenCase = { alarmId: id, severity: t.severity };
    });
    const c = toOpenCase as { alarmId: string; severity: Severity } | null;
    if (c && t.openCase) await this.openCase(c.alarmId, c.severity, t);
  }

  /** Join or open an incident for a newly raised alarm; returns its id. */
  private async correlate(tx: Parameters<Parameters<UnitOfWork['run']>[0]>[0]['tx'], raised: RecentAlarm, publish: (name: string, payload: object) => Promise<void>): Promise<string | null> {
    this.recent = this.recent.filter((a) => raised.at - a.at <= this.correlation.windowMs);
    const decision = correlate(this.recent, raised, this.correlation);
    let incidentId: string | null = null;
    const at = iso(raised.at);
    if (decision.action === 'join') {
      incidentId = decision.incidentId;
      await this.repo.touchIncident(tx, incidentId, at, 1);
      await this.repo.setIncident(tx, [raised.alarmId], incidentId);
    } else if (decision.action === 'create') {
      incidentId = newId('inc');
      const members = this.recent.filter((a) => decision.alarmIds.includes(a.alarmId));
      const first = Math.min(raised.at, ...members.map((a) => a.at));
      await this.repo.insertIncident(tx, { id: incidentId, alarm_type: raised.type, first_at: iso(first), last_at: at, alarm_count: decision.alarmIds.length });
      await this.repo.setIncident(tx, decision.alarmIds, incidentId);
      for (const a of members) a.incidentId = incidentId;
      await publish(SENSING_EVENTS.incidentOpened, { incidentId, alarmType: raised.type, alarmIds: decision.alarmIds });
    }
    this.recent.push({ ...raised, incidentId });
    return incidentId;
  }

  private async openCase(alarmId: string, severity: Severity, t: AlarmTrigger): Promise<void> {
    if (!this.cases || !t.openCase) return;
    const d = t.device;
    try {
      const c = await this.cases.intake({
        channel: 'sensor', kind: 'report', urgency: URGENCY[severity], categoryCode: t.openCase.categoryCode,
        title: `${t.ruleName}：${d.name}`.slice(0, 100),
        text: `感知告警（${t.alarmType}，${severity}）：设备 ${d.name}（${d.code}）触发规则“${t.ruleName}”${t.value === null ? '' : `，读数 ${t.value}`}。告警编号 ${alarmId}。`,
        ...(d.lng !== null && d.lat !== null ? { location: { lng: Number(d.lng), lat: Number(d.lat) } } : {}),
        // Idempotent: a retried alarm never files a second case.
        external: { source: 'sensing', id: alarmId },
      }, SYSTEM_ACTOR);
      await this.uow.run(async ({ tx }) => {
        const a = await this.repo.alarm(tx, alarmId);
        if (!a) return;
        await this.repo.updateAlarm(tx, a.id, a.version, { case_id: c.id, case_number: c.number });
        await this.repo.log(tx, a.id, iso(this.clock.now().getTime()), null, 'case-opened', { caseId: c.id, number: c.number, categoryCode: t.openCase!.categoryCode });
      });
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'INTERNAL';
      this.logger.warn({ err, alarmId }, 'case for alarm not opened');
      await this.uow.run(async ({ tx }) => this.repo.log(tx, alarmId, iso(this.clock.now().getTime()), null, 'case-failed', { code }));
    }
  }

  private async clear(t: AlarmTrigger): Promise<void> {
    await this.uow.run(async ({ tx, publish }) => {
      const open = await this.repo.openAlarm(tx, t.device.id, t.alarmType);
      if (!open) return;
      const rules = JSON.parse(open.rules) as Record<string, Severity>;
      if (!(t.ruleId in rules)) return;
      delete rules[t.ruleId];
      const at = iso(t.at);
      if (Object.keys(rules).length > 0) {
        const severity = maxSeverity(rules);
        await this.repo.updateAlarm(tx, open.id, open.version, { rules: JSON.stringify(rules), severity });
        if (severity !== open.severity) await this.repo.log(tx, open.id, at, null, 'severity-changed', { from: open.severity, to: severity, ruleId: t.ruleId });
        return;
      }
      await this.clearRow(tx, open, at, null, { ruleId: t.ruleId, value: t.value }, publish);
    });
  }

  private async clearRow(tx: Parameters<Parameters<UnitOfWork['run']>[0]>[0]['tx'], open: AlarmRow, at: string, actor: string | null, detail: object, publish: (name: string, payload: object) => Promise<void>): Promise<AlarmRow> {
    const patch = { active: 0, open_key: null, cleared_at: at, rules: '{}' };
    if (!(await this.repo.updateAlarm(tx, open.id, open.version, patch))) throw errors.conflict('ALARM_CHANGED', '告警已被他人修改，请刷新后重试', 'The alarm was changed meanwhile; reload and retry');
    await this.repo.log(tx, open.id, at, actor, 'cleared', detail);
    if (open.case_id && !open.case_closed_at) {
      // The cases Api has no note-adding call: the fact is kept on the alarm, where the case page's link leads.
      await this.repo.log(tx, open.id, at, null, 'case-note', { caseId: open.case_id, note: 'alarm cleared before the case closed (recorded on the alarm: the cases Api offers no notes)' });
    }
    await publish(SENSING_EVENTS.alarmCleared, { ...this.payload(open), clearedAt: at, by: actor });
    return { ...open, ...patch, version: open.version + 1 };
  }

  private payload(a: AlarmRow): AlarmEventPayload {
    return { alarmId: a.id, type: a.type, severity: a.severity as Severity, areaId: a.area_id, deviceId: a.device_id, deviceType: '', departmentId: a.department_id, incidentId: a.incident_id, caseId: a.case_id };
  }

  private async mutate(id: string, actor: string, fn: (a: AlarmRow, ctx: { tx: Parameters<Parameters<UnitOfWork['run']>[0]>[0]['tx']; publish: (name: string, payload: object) => Promise<void>; at: string }) => Promise<Partial<AlarmRow> | null>, action: string, detail: object): Promise<AlarmView> {
    return this.serialized(() =>
      this.uow.run(async ({ tx, publish }) => {
        const a = await this.repo.alarm(tx, id);
        if (!a) throw errors.notFound('alarm', id, '告警');
        const at = this.clock.now().toISOString();
        const patch = await fn(a, { tx, publish, at });
        if (patch === null) return alarmView((await this.repo.alarm(tx, id))!);
        if (!(await this.repo.updateAlarm(tx, a.id, a.version, patch))) throw errors.conflict('ALARM_CHANGED', '告警已被他人修改，请刷新后重试', 'The alarm was changed meanwhile; reload and retry');
        await this.repo.log(tx, a.id, at, actor, action, detail);
        return alarmView({ ...a, ...patch });
      }),
    );
  }

  /** Acknowledge (idempotent: a second acknowledgement changes nothing). */
  acknowledge(id: string, actor: string, comment?: string): Promise<AlarmView> {
    return this.mutate(id, actor, async (a, { publish, at }) => {
      if (a.acknowledged === 1) return null;
      await publish(SENSING_EVENTS.alarmAcknowledged, { ...this.payload(a), acknowledgedBy: actor, acknowledgedAt: at });
      return { acknowledged: 1, acknowledged_at: at, acknowledged_by: actor };
    }, 'acknowledged', comment ? { comment } : {});
  }

  /** Clear by hand (the device is fixed, or the alarm was false); the rules may raise it again. */
  async clearByHand(id: string, actor: string, comment?: string): Promise<AlarmView> {
    return this.serialized(() =>
      this.uow.run(async ({ tx, publish }) => {
        const a = await this.repo.alarm(tx, id);
        if (!a) throw errors.notFound('alarm', id, '告警');
        if (a.active === 0) return alarmView(a);
        const view = alarmView(await this.clearRow(tx, a, this.clock.now().toISOString(), actor, comment ? { comment } : {}, publish));
        this.onClearedByHand(a.device_id, a.type);
        return view;
      }),
    );
  }

  comment(id: string, actor: string, text: string): Promise<AlarmView> {
    return this.mutate(id, actor, async () => ({}), 'commented', { text });
  }

  assign(id: string, actor: string, assignee: string | null): Promise<AlarmView> {
    return this.mutate(id, actor, async () => ({ assignee }), 'assigned', { assignee });
  }

  async get(id: string): Promise<AlarmView & { history: AlarmHistoryEntry[] }> {
    const a = await this.repo.alarm(undefined, id);
    if (!a) throw errors.notFound('alarm', id, '告警');
    const history = (await this.repo.history(id)).map((h: AlarmLogRow) => ({ at: h.at, actor: h.actor, action: h.action, detail: JSON.parse(h.detail) as Record<string, unknown> }));
    return { ...alarmView(a), history };
  }

  /** Durable handler of `cases.case.closed`: the alarm that opened the case records it. */
  async onCaseClosed(event: DomainEvent): Promise<void> {
    const p = event.payload as { caseId?: unknown };
    if (typeof p.caseId !== 'string') return;
    const caseId = p.caseId;
    await this.serialized(() =>
      this.uow.run(async ({ tx }) => {
        for (const a of await this.repo.alarmByCase(tx, caseId)) {
          if (a.case_closed_at) continue;
          await this.repo.updateAlarm(tx, a.id, a.version, { case_closed_at: event.occurredAt });
          await this.repo.log(tx, a.id, event.occurredAt, null, 'case-closed', { caseId, outcome: (event.payload as { outcome?: unknown }).outcome ?? null, alarmActive: a.active === 1 });
        }
      }),
    );
  }
}
