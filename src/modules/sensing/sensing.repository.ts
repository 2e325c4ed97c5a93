import { CompiledQuery, sql, type Generated, type Kysely } from 'kysely';
import type { Db, Tx } from '../../platform/db/database.ts';
import type { SqlDialect } from '../../platform/db/dialect/sql-dialect.ts';
import type { DeviceType } from './domain/device-types.ts';
import type { Reading } from './domain/reading-validation.ts';
import type { Bucket, RollupCell } from './domain/rollups.ts';

export type SensingTables = {
  sensing_device_type: { code: string; body: string; updated_at: string };
  sensing_device: {
    id: string; code: string; type_code: string; name: string; lng: number | null; lat: number | null; area_id: string | null; department_id: string | null;
    consent_at: string | null; consent_by: string | null; active: number; online: number; last_seen_at: string | null; status_changed_at: string | null;
    attributes: string; created_at: string; updated_at: string;
  };
  sensing_reading: { device_id: string; measure: string; at: number; value: number };
  sensing_rollup: { device_id: string; measure: string; bucket: string; start: number; min: number; max: number; sum: number; count: number };
  sensing_rule: { id: string; scope: string; scope_id: string; pack: string | null; body: string; active: number; created_at: string; updated_at: string };
  sensing_alarm: {
    id: string; device_id: string; type: string; severity: string; open_key: string | null; active: number; acknowledged: number; count: number;
    first_at: string; last_at: string; cleared_at: string | null; acknowledged_at: string | null; acknowledged_by: string | null; assignee: string | null;
    rules: string; value: number | null; area_id: string | null; department_id: string | null; incident_id: string | null;
    case_id: string | null; case_number: string | null; case_closed_at: string | null; version: number;
  };
  sensing_alarm_log: { seq: Generated<number>; alarm_id: string; at: string; actor: string | null; action: string; detail: string };
  sensing_incident: { id: string; alarm_type: string; first_at: string; last_at: string; alarm_count: number };
  sensing_meta: { key: string; value: string };
};

export type DeviceRow = SensingTables['sensing_device'];
export type AlarmRow = SensingTables['sensing_alarm'];
export type RuleRow = SensingTables['sensing_rule'];
export type IncidentRow = SensingTables['sensing_incident'];
export type AlarmLogRow = { seq: number; alarm_id: string; at: string; actor: string | null; action: string; detail: string };

/** Rows per INSERT statement: ~4 000 bound values, well under both engines' limits, and a repeated SQL text the statement cache reuses. */
const CHUNK = 1000;

/** The only place with SQL for the `sensing_*` tables. */
export class SensingRepository {
  private readonly db: Kysely<SensingTables>;

  constructor(db: Db, private readonly dialect: SqlDialect) {
    this.db = db.withTables<SensingTables>();
  }

  private q(tx?: Tx): Kysely<SensingTables> {
    return tx ? tx.withTables<SensingTables>() : this.db;
  }

  // ── readings ──────────────────────────────────────────────────────────────────────────────

  /**
   * Store readings in one transaction; returns the ones that were new. A reading already stored
   * (same device, measure, instant: a re-sent batch) is skipped, so rollups never count it twice.
   */
  async insertReadings(readings: readonly Reading[]): Promise<Reading[]> {
    return this.db.transaction().execute(async (tx) => {
      const fresh: Reading[] = [];
      for (let i = 0; i < readings.length; i += CHUNK) {
        const chunk = readings.slice(i, i + CHUNK);
        const params: unknown[] = [];
        for (const r of chunk) params.push(r.deviceId, r.measure, r.at, r.value);
        // Hand-written SQL: the query builder spent more time compiling a 1 000-row VALUES list than
        // the database spent storing it. The text depends only on the row count, so it is reused.
        const { rows: inserted } = await tx.executeQuery<{ device_id: string; measure: string; at: number | string }>(CompiledQuery.raw(this.insertSql(chunk.length), params));
        if (inserted.length === chunk.length) {
          for (const r of chunk) fresh.push(r);
        } else {
          const keys = new Set(inserted.map((r) => `${r.device_id}\u0000${r.measure}\u0000${Number(r.at)}`));
          for (const r of chunk) {
            // The first of duplicates within one batch is the one stored.
            if (keys.delete(`${r.deviceId}\u0000${r.measure}\u0000${r.at}`)) fresh.push(r);
          }
        }
      }
      return fresh;
    });
  }

  /** Add cells to the rollups (min/max/sum/count merged with what is stored), in one transaction. */
  async addRollups(cells: readonly RollupCell[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const q = tx.withTables<SensingTables>();
      for (let i = 0; i < cells.length; i += CHUNK) {
        const chunk = cells.slice(i, i + CHUNK);
        await q
          .insertInto('sensing_rollup')
          .values(chunk.map((c) => ({ device_id: c.deviceId, measure: c.measure, bucket: c.bucket, start: c.start, min: c.min, max: c.max, sum: c.sum, count: c.count })))
          .onConflict((oc) =>
            oc.columns(['device_id', 'measure', 'bucket', 'start']).doUpdateSet({
              // CASE instead of min()/least(): one spelling for both engines.
              min: sql`case when excluded.min < sensing_rollup.min then excluded.min else sensing_rollup.min end`,
              max: sql`case when excluded.max > sensing_rollup.max then excluded.max else sensing_rollup.max end`,
              sum: sql`sensing_rollup.sum + excluded.sum`,
              count: sql`sensing_rollup.count + excluded.count`,
            }),
          )
          .execute();
      }
    });
  }

  /**
   * Recompute the rollups of every bucket from `from` (epoch ms, aligned to a day) on, from the raw
   * readings: after an unclean stop, the cells still in memory were lost; the raw readings were not.
   */
  async rebuildRollups(from: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const q = tx.withTables<SensingTables>();
      await q.deleteFrom('sensing_rollup').where('start', '>=', from).execute();
      for (const [bucket, size] of [['m', 60_000], ['h', 3_600_000], ['d', 86_400_000]] as const) {
        await sql`insert into sensing_rollup (device_id, measure, bucket, start, min, max, sum, count)
          select device_id, measure, ${sql.lit(bucket)}, (at / ${sql.lit(size)}) * ${sql.lit(size)}, min(value), max(value), sum(value), count(*)
          from sensing_reading where at >= ${from} group by device_id, measure, (at / ${sql.lit(size)}) * ${sql.lit(size)}`.execute(tx);
      }
    });
  }

  async meta(key: string): Promise<string | null> {
    const row = await this.db.selectFrom('sensing_meta').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value ?? null;
  }

  async setMeta(tx: Tx | undefined, key: string, value: string): Promise<void> {
    await this.q(tx).insertInto('sensing_meta').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  }

  private readonly insertSqlCache = new Map<number, string>();

  private insertSql(rows: number): string {
    let text = this.insertSqlCache.get(rows);
    if (!text) {
      const p = this.dialect.placeholder;
      const values = Array.from({ length: rows }, (_, i) => `(${p(4 * i + 1)}, ${p(4 * i + 2)}, ${p(4 * i + 3)}, ${p(4 * i + 4)})`).join(', ');
      text = `insert into sensing_reading (device_id, measure, at, value) values ${values} on conflict do nothing returning device_id, measure, at`;
      if (this.insertSqlCache.size < 64) this.insertSqlCache.set(rows, text);
    }
    return text;
  }

  async readings(query: { deviceId: string; measure?: string; from: number; to: number; limit: number }): Promise<Reading[]> {
    let q = this.db.selectFrom('sensing_reading').select(['device_id', 'measure', 'at', 'value']).where('device_id', '=', query.deviceId).where('at', '>=', query.from).where('at', '<', query.to);
    if (query.measure) q = q.where('measure', '=', query.measure);
    const rows = await q.orderBy('at').limit(query.limit).execute();
    return rows.map((r) => ({ deviceId: r.device_id, measure: r.measure, at: Number(r.at), value: Number(r.value) }));
  }

  async countReadings(deviceId?: string): Promise<number> {
    let q = this.db.selectFrom('sensing_reading').select((eb) => eb.fn.countAll().as('n'));
    if (deviceId) q = q.where('device_id', '=', deviceId);
    const row = await q.executeTakeFirst();
    return this.dialect.num(row?.n);
  }

  async rollups(query: { deviceId: string; measure: string; bucket: Bucket; from: number; to: number; limit: number }): Promise<RollupCell[]> {
    const rows = await this.db
      .selectFrom('sensing_rollup')
      .selectAll()
      .where('device_id', '=', query.deviceId)
      .where('measure', '=', query.measure)
      .where('bucket', '=', query.bucket)
      .where('start', '>=', query.from)
      .where('start', '<', query.to)
      .orderBy('start')
      .limit(query.limit)
      .execute();
    return rows.map((r) => ({ deviceId: r.device_id, measure: r.measure, bucket: r.bucket as Bucket, start: Number(r.start), min: Number(r.min), max: Number(r.max), sum: Number(r.sum), count: Number(r.count) }));
  }

  /** Delete raw readings before `before` (epoch ms); rollups stay. Returns rows deleted. */
  async purgeReadings(before: number): Promise<number> {
    const r = await this.db.deleteFrom('sensing_reading').where('at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Delete minute rollups before `before` (hour and day rollups are kept for baselines and trends). */
  async purgeMinuteRollups(before: number): Promise<number> {
    const r = await this.db.deleteFrom('sensing_rollup').where('bucket', '=', 'm').where('start', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  // ── device types and devices ──────────────────────────────────────────────────────────────

  async deviceTypes(): Promise<DeviceType[]> {
    const rows = await this.db.selectFrom('sensing_device_type').select('body').orderBy('code').execute();
    return rows.map((r) => JSON.parse(r.body) as DeviceType);
  }

  async upsertDeviceType(tx: Tx, t: DeviceType, at: string): Promise<void> {
    await this.q(tx)
      .insertInto('sensing_device_type')
      .values({ code: t.code, body: JSON.stringify(t), updated_at: at })
      .onConflict((oc) => oc.column('code').doUpdateSet({ body: JSON.stringify(t), updated_at: at }))
      .execute();
  }

  async devices(): Promise<DeviceRow[]> {
    return this.db.selectFrom('sensing_device').selectAll().orderBy('code').execute();
  }

  async insertDevice(tx: Tx, row: DeviceRow): Promise<void> {
    await this.q(tx).insertInto('sensing_device').values(row).execute();
  }

  /** Store last-seen times of many devices in one transaction (one commit, not one per device). */
  async updateLastSeen(entries: ReadonlyArray<[id: string, at: string]>): Promise<void> {
    if (entries.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      const q = tx.withTables<SensingTables>();
      for (const [id, at] of entries) await q.updateTable('sensing_device').set({ last_seen_at: at }).where('id', '=', id).execute();
    });
  }

  async updateDevice(tx: Tx | undefined, id: string, patch: Partial<DeviceRow>): Promise<void> {
    await this.q(tx).updateTable('sensing_device').set(patch).where('id', '=', id).execute();
  }

  // ── rules ─────────────────────────────────────────────────────────────────────────────────

  async rules(): Promise<RuleRow[]> {
    return this.db.selectFrom('sensing_rule').selectAll().orderBy('id').execute();
  }

  async upsertRule(tx: Tx, row: RuleRow): Promise<void> {
    await this.q(tx)
      .insertInto('sensing_rule')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet({ scope: row.scope, scope_id: row.scope_id, pack: row.pack, body: row.body, active: row.active, updated_at: row.updated_at }))
      .execute();
  }

  // ── alarms ────────────────────────────────────────────────────────────────────────────────

  async openAlarm(tx: Tx | undefined, deviceId: string, type: string): Promise<AlarmRow | undefined> {
    return this.q(tx).selectFrom('sensing_alarm').selectAll().where('open_key', '=', `${deviceId}|${type}`).executeTakeFirst();
  }

  async openAlarms(): Promise<AlarmRow[]> {
    return this.db.selectFrom('sensing_alarm').selectAll().where('active', '=', 1).execute();
  }

  async alarm(tx: Tx | undefined, id: string): Promise<AlarmRow | undefined> {
    return this.q(tx).selectFrom('sensing_alarm').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async alarmByCase(tx: Tx, caseId: string): Promise<AlarmRow[]> {
    return this.q(tx).selectFrom('sensing_alarm').selectAll().where('case_id', '=', caseId).execute();
  }

  async insertAlarm(tx: Tx, row: AlarmRow): Promise<void> {
    await this.q(tx).insertInto('sensing_alarm').values(row).execute();
  }

  /** Optimistic update: false when someone else changed the alarm first. */
  async updateAlarm(tx: Tx, id: string, version: number, patch: Partial<AlarmRow>): Promise<boolean> {
    const r = await this.q(tx).updateTable('sensing_alarm').set({ ...patch, version: version + 1 }).where('id', '=', id).where('version', '=', version).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async log(tx: Tx, alarmId: string, at: string, actor: string | null, action: string, detail: object): Promise<void> {
    await this.q(tx).insertInto('sensing_alarm_log').values({ alarm_id: alarmId, at, actor, action, detail: JSON.stringify(detail) }).execute();
  }

  async history(alarmId: string): Promise<AlarmLogRow[]> {
    return this.db.selectFrom('sensing_alarm_log').selectAll().where('alarm_id', '=', alarmId).orderBy('seq').execute();
  }

  async listAlarms(filter: { active?: boolean; acknowledged?: boolean; type?: string; deviceId?: string; severity?: string; areaIds?: readonly string[] | null; incidentId?: string; limit: number; offset: number }): Promise<AlarmRow[]> {
    let q = this.db.selectFrom('sensing_alarm').selectAll();
    if (filter.active !== undefined) q = q.where('active', '=', filter.active ? 1 : 0);
    if (filter.acknowledged !== undefined) q = q.where('acknowledged', '=', filter.acknowledged ? 1 : 0);
    if (filter.type) q = q.where('type', '=', filter.type);
    if (filter.deviceId) q = q.where('device_id', '=', filter.deviceId);
    if (filter.severity) q = q.where('severity', '=', filter.severity);
    if (filter.incidentId) q = q.where('incident_id', '=', filter.incidentId);
    if (filter.areaIds) {
      if (filter.areaIds.length === 0) return [];
      q = q.where('area_id', 'in', [...filter.areaIds]);
    }
    return q.orderBy('last_at', 'desc').orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
  }

  // ── incidents ─────────────────────────────────────────────────────────────────────────────

  async incident(tx: Tx | undefined, id: string): Promise<IncidentRow | undefined> {
    return this.q(tx).selectFrom('sensing_incident').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insertIncident(tx: Tx, row: IncidentRow): Promise<void> {
    await this.q(tx).insertInto('sensing_incident').values(row).execute();
  }

  async touchIncident(tx: Tx, id: string, lastAt: string, added: number): Promise<void> {
    await this.q(tx).updateTable('sensing_incident').set((eb) => ({ last_at: lastAt, alarm_count: eb('alarm_count', '+', added) })).where('id', '=', id).execute();
  }

  async setIncident(tx: Tx, alarmIds: readonly string[], incidentId: string): Promise<void> {
    if (alarmIds.length) await this.q(tx).updateTable('sensing_alarm').set({ incident_id: incidentId }).where('id', 'in', [...alarmIds]).execute();
  }

  async incidents(limit: number): Promise<IncidentRow[]> {
    return this.db.selectFrom('sensing_incident').selectAll().orderBy('last_at', 'desc').limit(limit).execute();
  }
}
