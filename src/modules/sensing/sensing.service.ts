import type { Clock } from '../../platform/clock/clock.ts';
import { AppError, errors } from '../../platform/errors/app-error.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import { newId } from '../../platform/ids/ids.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import type { OrganizationApi } from '../organization/index.ts';
import type { PlacesApi } from '../places/index.ts';
import { AlarmService, alarmView, type AlarmTrigger, type AlarmView } from './alarms/alarm.service.ts';
import { DEFAULT_DEVICE_TYPES, deviceTypeProblem, type DeviceType } from './domain/device-types.ts';
import { DEFAULT_LIGHTING, lightingLevel, type LightingPolicy } from './domain/lighting.ts';
import { PACK_RULES, PACKS, type PackName } from './domain/packs.ts';
import { checkBatch, DEFAULT_READING_LIMITS, type ItemProblem, type Reading } from './domain/reading-validation.ts';
import { BUCKETS, foldInto, type Bucket, type RollupCell } from './domain/rollups.ts';
import { baselineNeeds, measuresOf, newRuleState, onReading, onTick, primeBaselines, ruleProblem, type Condition, type RuleDef, type RuleState, type Schedule, type Severity } from './domain/rules.ts';
import { GroupCommit } from './readings/group-commit.ts';
import { SENSING_EVENTS } from './sensing.events.ts';
import type { DeviceRow, RuleRow, SensingRepository } from './sensing.repository.ts';

export interface SensingConfig {
  /** Raw readings older than this are deleted (rollups stay). */
  retentionDays: number;
  /** How often connectivity, no-data clocks, durations and schedules are checked (ms). */
  tickMs: number;
  /** Largest batch accepted in one HTTP request or MQTT message. */
  maxBatch: number;
  /** Group commit: wait this long for more readings before a transaction (ms). */
  lingerMs: number;
  /** How often rollup cells gathered in memory are written (ms). */
  rollupFlushMs: number;
}

export const DEFAULT_SENSING_CONFIG: SensingConfig = { retentionDays: 30, tickMs: 2000, maxBatch: 5000, lingerMs: 2, rollupFlushMs: 1000 };

/** A rule as stored: the evaluation part plus where it applies and what it does. */
export interface StoredRule extends RuleDef {
  scope: 'type' | 'device';
  scopeId: string;
  pack: string | null;
  active: boolean;
  openCase: { categoryCode: string } | null;
}

export interface RuleInput {
  name: string;
  alarmType: string;
  severity: Severity;
  condition: Condition;
  forS?: number;
  clearForS?: number;
  schedule?: Schedule;
  scope: 'type' | 'device';
  scopeId: string;
  active?: boolean;
  openCase?: { categoryCode: string } | null;
}

export interface DeviceInput {
  code: string;
  typeCode: string;
  name: string;
  location?: { lng: number; lat: number } | null;
  departmentId?: string | null;
  attributes?: Record<string, string | number | boolean>;
}

export interface DeviceView {
  id: string;
  code: string;
  typeCode: string;
  name: string;
  location: { lng: number; lat: number } | null;
  areaId: string | null;
  areaName: string | null;
  departmentId: string | null;
  inHome: boolean;
  consent: { at: string; by: string | null } | null;
  /** In-home devices without consent are not monitored (no rule runs). */
  monitored: boolean;
  active: boolean;
  online: boolean;
  lastSeenAt: string | null;
  statusChangedAt: string | null;
  attributes: Record<string, unknown>;
}

export interface IngestResult {
  accepted: number;
  /** Of the accepted, how many were new (a re-sent reading is accepted but stored once). */
  rejected: number;
  problems: ItemProblem[];
}

/** The connectivity checker raises this alarm type when a device stops reporting. */
export const OFFLINE_ALARM = 'device_offline';
const CONNECTIVITY_RULE = 'connectivity';

const iso = (ms: number): string => new Date(ms).toISOString();
const RULE_ID = /^[a-z0-9][a-z0-9_.-]{1,79}$/;

/**
 * Devices, readings (validation, group commit, rollups, retention), rules and their evaluation,
 * connectivity. Alarms are written by AlarmService; readings stay in this module.
 */
export class SensingService {
  private types = new Map<string, DeviceType>();
  private devices = new Map<string, DeviceRow>();
  private byCode = new Map<string, string>();
  private rules = new Map<string, StoredRule>();
  private rulesOfDevice = new Map<string, StoredRule[]>();
  private states = new Map<string, RuleState>();
  private lastSeen = new Map<string, number>();
  private seenDirty = new Set<string>();
  private startedAt = 0;
  private lastPurge = 0;
  readonly writer: GroupCommit<Reading>;
  readonly stats = { accepted: 0, rejected: 0, stored: 0 };
  /** Latest hourly count per pedestrian counter (device id), and the level each street light was last told. */
  private footfall = new Map<string, number>();
  private lightLevels = new Map<string, number>();
  private command: ((deviceCode: string, body: object) => Promise<void>) | null = null;
  lightingPolicy: LightingPolicy = DEFAULT_LIGHTING;

  /** Where lighting commands go (the MQTT adapter publishes them to the device's command topic). */
  setCommandSink(sink: (deviceCode: string, body: object) => Promise<void>): void {
    this.command = sink;
  }

  constructor(
    private readonly repo: SensingRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly places: PlacesApi,
    private readonly organization: OrganizationApi | null,
    readonly alarms: AlarmService,
    private readonly config: SensingConfig,
  ) {
    // A rule whose alarm was cleared by hand starts over: if its condition still holds, the next
    // reading (after its duration) raises a new alarm instead of the rule staying silently "raised".
    alarms.onClearedByHand = (deviceId, alarmType) => {
      for (const rule of this.rules.values()) {
        if (rule.alarmType !== alarmType) continue;
        const state = this.states.get(`${rule.id}|${deviceId}`);
        if (state) Object.assign(state, { raised: false, pendingSince: null, offSince: null });
      }
    };
    this.writer = new GroupCommit<Reading>(async (items) => {
      const fresh = await this.repo.insertReadings(items);
      this.stats.stored += fresh.length;
      foldInto(this.cells, fresh);
    }, { lingerMs: config.lingerMs, maxItems: 20_000 });
  }

  /**
   * Rollup cells gathered since the last flush. Rollups are derived data: folding them in memory and
   * writing them once a second costs one upsert per series and bucket per second instead of per
   * commit. If the process dies first, the next start rebuilds them from the raw readings.
   */
  private cells = new Map<string, RollupCell>();
  private flushingRollups: Promise<void> | null = null;

  /** Write the rollup cells gathered so far (and remember up to when rollups are complete). */
  async flushRollups(): Promise<void> {
    while (this.flushingRollups) await this.flushingRollups;
    if (this.cells.size === 0) return;
    const cells = [...this.cells.values()];
    this.cells = new Map();
    this.flushingRollups = this.repo.addRollups(cells).finally(() => {
      this.flushingRollups = null;
    });
    await this.flushingRollups;
  }

  /** Load types, devices and rules; install the default types and packs on an empty database. */
  async load(): Promise<void> {
    const now = this.clock.now().getTime();
    this.startedAt = now;
    // Rollups still in memory at an unclean stop were lost: rebuild the recent days from raw readings.
    const clean = await this.repo.meta('rollups_clean');
    if (clean === '0') {
      const since = Number((await this.repo.meta('rollups_since')) ?? '0');
      const from = Math.floor((since - 2 * 86_400_000) / 86_400_000) * 86_400_000;
      this.logger.warn({ from: iso(Math.max(0, from)) }, 'sensing stopped uncleanly: rebuilding rollups from raw readings');
      await this.repo.rebuildRollups(Math.max(0, from));
    }
    await this.repo.setMeta(undefined, 'rollups_clean', '0');
    await this.repo.setMeta(undefined, 'rollups_since', String(now));
    let types = await this.repo.deviceTypes();
    if (types.length === 0) {
      await this.uow.run(async ({ tx }) => {
        for (const t of DEFAULT_DEVICE_TYPES) await this.repo.upsertDeviceType(tx, t, iso(now));
      });
      types = await this.repo.deviceTypes();
    }
    this.types = new Map(types.map((t) => [t.code, t]));
    if ((await this.repo.rules()).length === 0) for (const pack of PACKS) await this.installPack(pack);
    await this.reload();
    // Rules holding an alarm open before a restart hold it still: their state starts raised, so the
    // next reading below the limit clears it instead of leaving it open forever.
    for (const a of await this.repo.openAlarms()) {
      for (const ruleId of Object.keys(JSON.parse(a.rules) as Record<string, Severity>)) {
        const rule = this.rules.get(ruleId);
        if (!rule) continue;
        const state = this.stateOf(rule, a.device_id, now);
        state.raised = true;
      }
    }
    for (const d of this.devices.values()) if (this.monitored(d)) await this.primeDevice(d, now);
  }

  /** Baselines of a device's rules from its hourly rollups (they live in memory only). */
  private async primeDevice(d: DeviceRow, now: number): Promise<void> {
    for (const rule of this.rulesFor(d)) {
      const needs = baselineNeeds(rule);
      if (needs.length === 0) continue;
      const history = new Map<string, RollupCell[]>();
      for (const need of needs) {
        history.set(need.measure, await this.repo.rollups({ deviceId: d.id, measure: need.measure, bucket: 'h', from: now - need.hours * 3_600_000, to: now + 3_600_000, limit: 10_000 }));
      }
      primeBaselines(rule, this.stateOf(rule, d.id, now), (m) => history.get(m) ?? []);
    }
  }

  private async reload(): Promise<void> {
    this.devices = new Map((await this.repo.devices()).map((d) => [d.id, d]));
    this.byCode = new Map([...this.devices.values()].map((d) => [d.code, d.id]));
    for (const d of this.devices.values()) if (d.last_seen_at && !this.lastSeen.has(d.id)) this.lastSeen.set(d.id, Date.parse(d.last_seen_at));
    this.rules = new Map((await this.repo.rules()).map((r) => [r.id, this.ruleOf(r)]));
    this.rulesOfDevice.clear();
  }

  private ruleOf(r: RuleRow): StoredRule {
    const body = JSON.parse(r.body) as Omit<StoredRule, 'id' | 'scope' | 'scopeId' | 'pack' | 'active'>;
    return { ...body, id: r.id, scope: r.scope as 'type' | 'device', scopeId: r.scope_id, pack: r.pack, active: r.active === 1, openCase: body.openCase ?? null };
  }

  private rulesFor(d: DeviceRow): StoredRule[] {
    let list = this.rulesOfDevice.get(d.id);
    if (!list) {
      list = [...this.rules.values()].filter((r) => r.active && ((r.scope === 'type' && r.scopeId === d.type_code) || (r.scope === 'device' && r.scopeId === d.id)));
      this.rulesOfDevice.set(d.id, list);
    }
    return list;
  }

  private stateOf(rule: StoredRule, deviceId: string, since: number): RuleState {
    const key = `${rule.id}|${deviceId}`;
    let s = this.states.get(key);
    if (!s) {
      s = newRuleState(rule, since);
      this.states.set(key, s);
    }
    return s;
  }

  /** Monitoring runs on a device unless it is in a home without the resident's consent on record. */
  private monitored(d: DeviceRow): boolean {
    if (d.active !== 1) return false;
    return !(this.types.get(d.type_code)?.inHome ?? false) || d.consent_at !== null;
  }

  // ── ingest ────────────────────────────────────────────────────────────────────────────────

  /**
   * Validate a batch item by item, store the good readings durably (group commit), then run the
   * rules on them. Resolves only after the commit: an ack sent afterwards is an ack of stored data.
   */
  async ingest(items: readonly unknown[]): Promise<IngestResult> {
    if (items.length > this.config.maxBatch) {
      throw new AppError({ code: 'READINGS_BATCH_TOO_LARGE', status: 413, zh: `一批最多 ${this.config.maxBatch} 条读数`, en: `At most ${this.config.maxBatch} readings per batch`, details: { max: this.config.maxBatch, got: items.length } });
    }
    const now = this.clock.now().getTime();
    const check = checkBatch(items, (id) => {
      const d = this.devices.get(id) ?? this.devices.get(this.byCode.get(id) ?? '');
      const type = d ? this.types.get(d.type_code) : undefined;
      return d && type ? { id: d.id, active: d.active === 1, type } : null;
    }, now, DEFAULT_READING_LIMITS);
    this.stats.rejected += check.problems.length;
    if (check.accepted.length > 0) {
      await this.writer.write(check.accepted);
      this.stats.accepted += check.accepted.length;
      this.evaluate(check.accepted, now);
    }
    return { accepted: check.accepted.length, rejected: check.problems.length, problems: check.problems };
  }

  private evaluate(readings: readonly Reading[], now: number): void {
    for (const r of readings) {
      const d = this.devices.get(r.deviceId);
      if (!d) continue;
      const prev = this.lastSeen.get(d.id);
      if (prev === undefined || now > prev) {
        this.lastSeen.set(d.id, now);
        this.seenDirty.add(d.id);
      }
      if (d.type_code === 'pedestrian_counter' && r.measure === 'count') this.footfall.set(d.id, r.value);
      if (!this.monitored(d)) continue;
      for (const rule of this.rulesFor(d)) {
        const measures = measuresOf(rule.condition);
        if (measures !== 'all' && !measures.has(r.measure)) continue;
        const t = onReading(rule, this.stateOf(rule, d.id, now), r);
        if (t) this.alarms.enqueue(t.kind, this.trigger(d, rule, t.at, t.value));
      }
    }
  }

  private trigger(d: DeviceRow, rule: StoredRule, at: number, value: number | null): AlarmTrigger {
    return { device: d, ruleId: rule.id, ruleName: rule.name, alarmType: rule.alarmType, severity: rule.severity, at, value, openCase: rule.openCase };
  }

  /**
   * The checker: connectivity (online / offline by the type's timeout), time-driven rules (no data,
   * durations, schedules, baselines), last-seen times to the database, retention once an hour.
   */
  async tick(): Promise<void> {
    const now = this.clock.now().getTime();
    for (const d of this.devices.values()) {
      if (d.active !== 1) continue;
      const type = this.types.get(d.type_code);
      if (!type) continue;
      const seen = this.lastSeen.get(d.id) ?? Math.max(this.startedAt, Date.parse(d.created_at));
      const online = now - seen < type.offlineAfterS * 1000;
      if (online !== (d.online === 1)) {
        d.online = online ? 1 : 0;
        d.status_changed_at = iso(now);
        await this.repo.updateDevice(undefined, d.id, { online: d.online, status_changed_at: d.status_changed_at, ...(this.lastSeen.has(d.id) ? { last_seen_at: iso(this.lastSeen.get(d.id)!) } : {}) });
        const t: AlarmTrigger = { device: d, ruleId: CONNECTIVITY_RULE, ruleName: '设备离线', alarmType: OFFLINE_ALARM, severity: 'minor', at: now, value: null, openCase: null };
        // A device never seen comes up offline once its timeout has passed since registration (or start).
        this.alarms.enqueue(online ? 'clear' : 'raise', t);
      }
      if (!this.monitored(d)) continue;
      for (const rule of this.rulesFor(d)) {
        const t = onTick(rule, this.stateOf(rule, d.id, now), now);
        if (t) this.alarms.enqueue(t.kind, this.trigger(d, rule, t.at, t.value));
      }
    }
    await this.steerLights(now);
    // Last-seen times live in memory; the database copy (for restarts and other processes) is written
    // every 10 s in one transaction: a commit per device per tick cost more than the readings did.
    if (this.seenDirty.size && now - this.lastSeenFlush >= 10_000) await this.flushLastSeen(now);
    if (now - this.lastPurge >= 3_600_000) {
      this.lastPurge = now;
      await this.purge(now);
    }
  }

  /**
   * Street lights with a pedestrian counter (attribute `counter`: the counter's code) follow its
   * footfall: minimum level on an empty street at night, full with a crowd, off by day; a changed
   * level is sent as a command to the light. Returns the commands sent.
   */
  async steerLights(now: number = this.clock.now().getTime()): Promise<Array<{ light: string; level: number }>> {
    const sent: Array<{ light: string; level: number }> = [];
    for (const d of this.devices.values()) {
      if (d.type_code !== 'street_light' || d.active !== 1) continue;
      const counterCode = (JSON.parse(d.attributes) as { counter?: unknown }).counter;
      if (typeof counterCode !== 'string') continue;
      const counterId = this.byCode.get(counterCode);
      if (!counterId || !this.footfall.has(counterId)) continue;
      const current = this.lightLevels.get(d.id) ?? 0;
      const level = lightingLevel(this.lightingPolicy, this.footfall.get(counterId)!, current, now);
      if (level === current && this.lightLevels.has(d.id)) continue;
      this.lightLevels.set(d.id, level);
      sent.push({ light: d.code, level });
      if (this.command) await this.command(d.code, { level, at: iso(now), reason: 'footfall' }).catch((err: unknown) => this.logger.warn({ err, light: d.code }, 'lighting command not sent'));
    }
    return sent;
  }

  private lastSeenFlush = 0;

  private async flushLastSeen(now: number): Promise<void> {
    this.lastSeenFlush = now;
    const dirty = [...this.seenDirty];
    this.seenDirty.clear();
    const entries: Array<[string, string]> = [];
    for (const id of dirty) {
      const at = iso(this.lastSeen.get(id)!);
      const d = this.devices.get(id);
      if (d) d.last_seen_at = at;
      entries.push([id, at]);
    }
    await this.repo.updateLastSeen(entries);
  }

  /** Delete raw readings past retention and minute rollups past twice that. */
  async purge(now: number = this.clock.now().getTime()): Promise<{ readings: number; rollups: number }> {
    const readings = await this.repo.purgeReadings(now - this.config.retentionDays * 86_400_000);
    const rollups = await this.repo.purgeMinuteRollups(now - 2 * this.config.retentionDays * 86_400_000);
    if (readings || rollups) this.logger.info({ readings, rollups }, 'sensing retention purge');
    return { readings, rollups };
  }

  /** Finish queued writes (readings, rollups, alarms); a clean stop needs no rollup rebuild at the next start. */
  async flush(): Promise<void> {
    await this.writer.close();
    await this.flushRollups();
    await this.flushLastSeen(this.clock.now().getTime());
    await this.repo.setMeta(undefined, 'rollups_clean', '1');
    await this.alarms.idle();
  }

  // ── device types and devices ──────────────────────────────────────────────────────────────

  deviceTypes(): DeviceType[] {
    return [...this.types.values()];
  }

  async putDeviceType(t: DeviceType): Promise<DeviceType> {
    const problem = deviceTypeProblem(t);
    if (problem) throw errors.validation('type', `设备类型无效：${problem}`, `Invalid device type: ${problem}`);
    await this.uow.run(async ({ tx, publish }) => {
      await this.repo.upsertDeviceType(tx, t, this.clock.now().toISOString());
      await publish(SENSING_EVENTS.devicesChanged, { what: 'type', code: t.code });
    });
    this.types.set(t.code, t);
    return t;
  }

  private view(d: DeviceRow): DeviceView {
    const inHome = this.types.get(d.type_code)?.inHome ?? false;
    return {
      id: d.id, code: d.code, typeCode: d.type_code, name: d.name,
      location: d.lng !== null && d.lat !== null ? { lng: Number(d.lng), lat: Number(d.lat) } : null,
      areaId: d.area_id, areaName: d.area_id ? (this.places.getArea(d.area_id)?.name ?? null) : null, departmentId: d.department_id,
      inHome, consent: d.consent_at ? { at: d.consent_at, by: d.consent_by } : null, monitored: this.monitored(d),
      active: d.active === 1, online: d.online === 1, lastSeenAt: this.lastSeen.has(d.id) ? iso(this.lastSeen.get(d.id)!) : d.last_seen_at, statusChangedAt: d.status_changed_at,
      attributes: JSON.parse(d.attributes) as Record<string, unknown>,
    };
  }

  listDevices(filter: { type?: string; online?: boolean; areaId?: string } = {}): DeviceView[] {
    return [...this.devices.values()]
      .filter((d) => (!filter.type || d.type_code === filter.type) && (filter.online === undefined || (d.online === 1) === filter.online) && (!filter.areaId || d.area_id === filter.areaId))
      .map((d) => this.view(d));
  }

  private device(idOrCode: string): DeviceRow {
    const d = this.devices.get(idOrCode) ?? this.devices.get(this.byCode.get(idOrCode) ?? '');
    if (!d) throw errors.notFound('device', idOrCode, '设备');
    return d;
  }

  getDevice(idOrCode: string): DeviceView {
    return this.view(this.device(idOrCode));
  }

  private checkDepartment(id: string | null | undefined): void {
    if (id && this.organization && !this.organization.getDepartment(id)) throw errors.validation('departmentId', `部门不存在：${id}`, `Unknown department: ${id}`);
  }

  /** Register devices (or update them by code): the location is placed in its grid. */
  async upsertDevices(inputs: readonly DeviceInput[]): Promise<{ created: number; updated: number; devices: DeviceView[] }> {
    const now = this.clock.now().toISOString();
    const rows: Array<{ row: DeviceRow; existing: boolean }> = [];
    inputs.forEach((input, i) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(input.code)) throw errors.validation(`${i}.code`, '设备编码只能含字母、数字和 . _ : -（最长 64）', 'code: letters, digits and . _ : - (up to 64)');
      if (!this.types.has(input.typeCode)) throw errors.validation(`${i}.typeCode`, `设备类型不存在：${input.typeCode}`, `Unknown device type: ${input.typeCode}`);
      this.checkDepartment(input.departmentId);
      const loc = input.location ?? null;
      const area = loc ? this.places.locate(loc.lng, loc.lat) : null;
      const existingId = this.byCode.get(input.code);
      const existing = existingId ? this.devices.get(existingId) : undefined;
      if (existing && existing.type_code !== input.typeCode) throw errors.conflict('DEVICE_TYPE_FIXED', '设备类型不能更改，请登记新设备', 'A device keeps its type; register a new device', { code: input.code });
      const row: DeviceRow = existing
        ? { ...existing, name: input.name, lng: loc?.lng ?? null, lat: loc?.lat ?? null, area_id: area?.id ?? null, department_id: input.departmentId ?? null, attributes: JSON.stringify(input.attributes ?? {}), updated_at: now }
        : {
          id: newId('dev'), code: input.code, type_code: input.typeCode, name: input.name, lng: loc?.lng ?? null, lat: loc?.lat ?? null, area_id: area?.id ?? null,
          department_id: input.departmentId ?? null, consent_at: null, consent_by: null, active: 1, online: 0, last_seen_at: null, status_changed_at: null,
          attributes: JSON.stringify(input.attributes ?? {}), created_at: now, updated_at: now,
        };
      rows.push({ row, existing: existing !== undefined });
    });
    await this.uow.run(async ({ tx, publish }) => {
      for (const { row, existing } of rows) {
        if (existing) await this.repo.updateDevice(tx, row.id, { name: row.name, lng: row.lng, lat: row.lat, area_id: row.area_id, department_id: row.department_id, attributes: row.attributes, updated_at: row.updated_at });
        else await this.repo.insertDevice(tx, row);
      }
      await publish(SENSING_EVENTS.devicesChanged, { what: 'devices', count: rows.length });
    });
    for (const { row } of rows) {
      this.devices.set(row.id, row);
      this.byCode.set(row.code, row.id);
      this.rulesOfDevice.delete(row.id);
    }
    const created = rows.filter((r) => !r.existing).length;
    return { created, updated: rows.length - created, devices: rows.map((r) => this.view(r.row)) };
  }

  async setDeviceActive(idOrCode: string, active: boolean): Promise<DeviceView> {
    const d = this.device(idOrCode);
    await this.repo.updateDevice(undefined, d.id, { active: active ? 1 : 0, updated_at: this.clock.now().toISOString() });
    d.active = active ? 1 : 0;
    return this.view(d);
  }

  /**
   * Record (given) or withdraw the resident's consent to monitoring of an in-home device. Without
   * it no rule runs on the device's readings (they are still stored for the resident's own use).
   */
  async setConsent(idOrCode: string, given: boolean, by: string): Promise<DeviceView> {
    const d = this.device(idOrCode);
    if (!(this.types.get(d.type_code)?.inHome ?? false)) throw errors.conflict('DEVICE_NOT_IN_HOME', '该设备不在居民家中，无需居民同意', 'Only in-home devices need the resident\'s consent', { typeCode: d.type_code });
    const at = given ? this.clock.now().toISOString() : null;
    await this.repo.updateDevice(undefined, d.id, { consent_at: at, consent_by: given ? by : null, updated_at: this.clock.now().toISOString() });
    d.consent_at = at;
    d.consent_by = given ? by : null;
    // Withdrawn consent forgets what the rules learnt about the household; given consent starts from its history.
    if (!given) {
      for (const key of [...this.states.keys()]) if (key.endsWith(`|${d.id}`)) this.states.delete(key);
    } else {
      await this.flushRollups();
      await this.primeDevice(d, this.clock.now().getTime());
    }
    return this.view(d);
  }

  async readings(idOrCode: string, query: { measure?: string; from?: string; to?: string; limit?: number }): Promise<{ items: Array<{ measure: string; at: string; value: number }> }> {
    const d = this.device(idOrCode);
    const now = this.clock.now().getTime();
    const rows = await this.repo.readings({ deviceId: d.id, ...(query.measure ? { measure: query.measure } : {}), from: query.from ? Date.parse(query.from) : now - 3_600_000, to: query.to ? Date.parse(query.to) : now + 3_600_000, limit: query.limit ?? 1000 });
    return { items: rows.map((r) => ({ measure: r.measure, at: iso(r.at), value: r.value })) };
  }

  async rollups(idOrCode: string, query: { measure: string; bucket: Bucket; from?: string; to?: string; limit?: number }): Promise<{ items: Array<Omit<RollupCell, 'deviceId' | 'measure' | 'start' | 'bucket'> & { start: string; mean: number }> }> {
    const d = this.device(idOrCode);
    // Read your writes: cells still in memory go to the database first.
    await this.flushRollups();
    const now = this.clock.now().getTime();
    const span = BUCKETS[query.bucket] * 200;
    const rows = await this.repo.rollups({ deviceId: d.id, measure: query.measure, bucket: query.bucket, from: query.from ? Date.parse(query.from) : now - span, to: query.to ? Date.parse(query.to) : now + BUCKETS[query.bucket], limit: query.limit ?? 1000 });
    return { items: rows.map((c) => ({ start: iso(c.start), min: c.min, max: c.max, sum: c.sum, count: c.count, mean: c.count ? c.sum / c.count : 0 })) };
  }

  // ── rules ─────────────────────────────────────────────────────────────────────────────────

  listRules(filter: { pack?: string; typeCode?: string } = {}): StoredRule[] {
    return [...this.rules.values()].filter((r) => (!filter.pack || r.pack === filter.pack) && (!filter.typeCode || (r.scope === 'type' && r.scopeId === filter.typeCode)));
  }

  /** Create or replace a rule (validated against the measures of its device type). */
  async putRule(id: string, input: RuleInput, pack: string | null = null): Promise<StoredRule> {
    if (!RULE_ID.test(id)) throw errors.validation('id', '规则编号只能含小写字母、数字和 . _ -', 'Rule ids are lower-case letters, digits, . _ -');
    let measures: Set<string> | null = null;
    if (input.scope === 'type') {
      const t = this.types.get(input.scopeId);
      if (!t) throw errors.validation('scopeId', `设备类型不存在：${input.scopeId}`, `Unknown device type: ${input.scopeId}`);
      measures = new Set(t.measures.map((m) => m.code));
    } else {
      const d = this.device(input.scopeId);
      measures = new Set(this.types.get(d.type_code)?.measures.map((m) => m.code) ?? []);
      input = { ...input, scopeId: d.id };
    }
    const problem = ruleProblem(input, measures);
    if (problem) throw errors.validation('condition', `规则无效：${problem}`, `Invalid rule: ${problem}`);
    const now = this.clock.now().toISOString();
    const body = { name: input.name, alarmType: input.alarmType, severity: input.severity, condition: input.condition, ...(input.forS !== undefined ? { forS: input.forS } : {}), ...(input.clearForS !== undefined ? { clearForS: input.clearForS } : {}), ...(input.schedule ? { schedule: input.schedule } : {}), openCase: input.openCase ?? null };
    const row: RuleRow = { id, scope: input.scope, scope_id: input.scopeId, pack, body: JSON.stringify(body), active: input.active === false ? 0 : 1, created_at: now, updated_at: now };
    await this.uow.run(async ({ tx }) => this.repo.upsertRule(tx, row));
    const rule = this.ruleOf(row);
    this.rules.set(id, rule);
    this.rulesOfDevice.clear();
    // A changed rule starts afresh (its old state was for the old condition).
    for (const key of [...this.states.keys()]) if (key.startsWith(`${id}|`)) this.states.delete(key);
    return rule;
  }

  /** Install (or re-install, resetting changes) a domain pack's default rules. */
  async installPack(pack: PackName): Promise<StoredRule[]> {
    const out: StoredRule[] = [];
    for (const r of PACK_RULES[pack]) {
      out.push(await this.putRule(r.id, { name: r.name, alarmType: r.alarmType, severity: r.severity, condition: r.condition, ...(r.forS !== undefined ? { forS: r.forS } : {}), ...(r.clearForS !== undefined ? { clearForS: r.clearForS } : {}), ...(r.schedule ? { schedule: r.schedule } : {}), scope: 'type', scopeId: r.typeCode, openCase: r.openCase ?? null }, pack));
    }
    return out;
  }

  // ── alarms and status ─────────────────────────────────────────────────────────────────────

  async listAlarms(filter: { active?: boolean; acknowledged?: boolean; type?: string; deviceId?: string; severity?: string; incidentId?: string; limit?: number; offset?: number }): Promise<{ items: AlarmView[] }> {
    const deviceId = filter.deviceId ? this.device(filter.deviceId).id : undefined;
    const rows = await this.repo.listAlarms({ ...filter, ...(deviceId ? { deviceId } : {}), limit: filter.limit ?? 100, offset: filter.offset ?? 0 });
    return { items: rows.map(alarmView) };
  }

  async incidents(limit = 100): Promise<{ items: Array<{ id: string; alarmType: string; firstAt: string; lastAt: string; alarmCount: number }> }> {
    return { items: (await this.repo.incidents(limit)).map((i) => ({ id: i.id, alarmType: i.alarm_type, firstAt: i.first_at, lastAt: i.last_at, alarmCount: Number(i.alarm_count) })) };
  }

  status(): { devices: number; online: number; rules: number; ingest: { accepted: number; rejected: number; stored: number; commits: number } } {
    const list = [...this.devices.values()];
    return {
      devices: list.length, online: list.filter((d) => d.online === 1).length, rules: [...this.rules.values()].filter((r) => r.active).length,
      ingest: { ...this.stats, commits: this.writer.stats.commits },
    };
  }
}
