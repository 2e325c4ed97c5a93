import type { Generated, Kysely } from 'kysely';
import type { Db, Tx } from '../../platform/db/database.ts';
import type { SqlDialect } from '../../platform/db/dialect/sql-dialect.ts';
import type { LedgerKind } from './domain/ledger-rules.ts';

export type VitalsTables = {
  vitals_catalogue_version: { version: number; checksum: string; body: string; note: string; created_by: string | null; created_at: string };
  vitals_ledger: {
    seq: Generated<number>; id: string; event_id: string; indicator_code: string; catalogue_version: number; kind: string; area_id: string; at: string;
    points: number; events: number; num: number; den: number; source_type: string; source_id: string; source_ref: string | null; recorded_at: string;
  };
  vitals_snapshot: {
    day: string; area_id: string; catalogue_version: number; overall: number | null; dim_safety: number | null; dim_cleanliness: number | null;
    dim_order: number | null; dim_convenience: number | null; losses: string; computed_at: string;
  };
  vitals_attribute_area: { id: string; source: string; value: string; code: string; name: string; level: string; parent_id: string | null; created_at: string };
  vitals_area_alias: { source: string; external_id: string; area_id: string };
  vitals_unplaced: { case_id: string; event_id: string; event_name: string; occurred_at: string; payload: string; external_source: string | null; external_id: string | null; recorded_at: string };
};

/** A ledger row as stored. */
export interface LedgerRecord {
  seq: number;
  id: string;
  eventId: string;
  indicator: string;
  catalogueVersion: number;
  kind: LedgerKind;
  areaId: string;
  at: string;
  points: number;
  events: number;
  num: number;
  den: number;
  sourceType: 'case' | 'alarm';
  sourceId: string;
  sourceRef: string | null;
  recordedAt: string;
}

/** A ledger row to insert (seq is given by the database). */
export type LedgerInsert = Omit<LedgerRecord, 'seq'>;

/** A daily snapshot row. */
export interface SnapshotRecord {
  day: string;
  areaId: string;
  catalogueVersion: number;
  overall: number | null;
  dimensions: [number | null, number | null, number | null, number | null];
  losses: Record<string, number>;
  computedAt: string;
}

/** An attribute area as stored. */
export interface AttributeAreaRecord {
  id: string;
  source: string;
  value: string;
  code: string;
  name: string;
  level: 'city' | 'district';
  parentId: string | null;
}

/** An event kept until its case can be placed in an area. */
export interface UnplacedRecord {
  caseId: string;
  eventId: string;
  eventName: string;
  occurredAt: string;
  payload: Record<string, unknown>;
  externalSource: string | null;
  externalId: string | null;
}

type LedgerRow = {
  seq: number; id: string; event_id: string; indicator_code: string; catalogue_version: number; kind: string; area_id: string; at: string;
  points: number; events: number; num: number; den: number; source_type: string; source_id: string; source_ref: string | null; recorded_at: string;
};

/** The only place with SQL for the vitals_* tables. */
export class VitalsRepository {
  private readonly db: Kysely<VitalsTables>;

  constructor(db: Db, private readonly dialect: SqlDialect) {
    this.db = db.withTables<VitalsTables>();
  }

  private toRecord(r: LedgerRow): LedgerRecord {
    const n = this.dialect.num;
    return {
      seq: n(r.seq), id: r.id, eventId: r.event_id, indicator: r.indicator_code, catalogueVersion: n(r.catalogue_version), kind: r.kind as LedgerKind, areaId: r.area_id,
      at: r.at, points: n(r.points), events: n(r.events), num: n(r.num), den: n(r.den), sourceType: r.source_type as 'case' | 'alarm', sourceId: r.source_id,
      sourceRef: r.source_ref, recordedAt: r.recorded_at,
    };
  }

  // ───────────── catalogue versions ─────────────

  async latestCatalogue(): Promise<{ version: number; body: string; checksum: string; createdAt: string } | null> {
    const r = await this.db.selectFrom('vitals_catalogue_version').select(['version', 'body', 'checksum', 'created_at']).orderBy('version', 'desc').limit(1).executeTakeFirst();
    return r ? { version: Number(r.version), body: r.body, checksum: r.checksum, createdAt: r.created_at } : null;
  }

  async catalogueVersion(version: number): Promise<{ version: number; body: string; checksum: string; note: string; createdBy: string | null; createdAt: string } | null> {
    const r = await this.db.selectFrom('vitals_catalogue_version').selectAll().where('version', '=', version).executeTakeFirst();
    return r ? { version: Number(r.version), body: r.body, checksum: r.checksum, note: r.note, createdBy: r.created_by, createdAt: r.created_at } : null;
  }

  async catalogueVersions(): Promise<Array<{ version: number; checksum: string; note: string; createdBy: string | null; createdAt: string }>> {
    const rows = await this.db.selectFrom('vitals_catalogue_version').select(['version', 'checksum', 'note', 'created_by', 'created_at']).orderBy('version', 'desc').execute();
    return rows.map((r) => ({ version: Number(r.version), checksum: r.checksum, note: r.note, createdBy: r.created_by, createdAt: r.created_at }));
  }

  async insertCatalogue(tx: Tx, v: { version: number; checksum: string; body: string; note: string; createdBy: string | null; createdAt: string }): Promise<void> {
    await tx.withTables<VitalsTables>().insertInto('vitals_catalogue_version')
      .values({ version: v.version, checksum: v.checksum, body: v.body, note: v.note, created_by: v.createdBy, created_at: v.createdAt }).execute();
  }

  // ───────────── ledger ─────────────

  /** Insert rows; rows already written for the same (event, indicator, kind) are skipped. Returns those inserted. */
  async insertLedger(tx: Tx, rows: readonly LedgerInsert[]): Promise<LedgerRecord[]> {
    if (rows.length === 0) return [];
    const inserted = await tx.withTables<VitalsTables>().insertInto('vitals_ledger')
      .values(rows.map((r) => ({
        id: r.id, event_id: r.eventId, indicator_code: r.indicator, catalogue_version: r.catalogueVersion, kind: r.kind, area_id: r.areaId, at: r.at,
        points: r.points, events: r.events, num: r.num, den: r.den, source_type: r.sourceType, source_id: r.sourceId, source_ref: r.sourceRef, recorded_at: r.recordedAt,
      })))
      .onConflict((oc) => oc.columns(['event_id', 'indicator_code', 'kind']).doNothing())
      .returningAll()
      .execute();
    return inserted.map((r) => this.toRecord(r as LedgerRow));
  }

  /** Every row of one case or alarm, oldest first. */
  async rowsForSource(sourceId: string, tx?: Tx): Promise<LedgerRecord[]> {
    const db = tx ? tx.withTables<VitalsTables>() : this.db;
    const rows = await db.selectFrom('vitals_ledger').selectAll().where('source_id', '=', sourceId).orderBy('seq').execute();
    return rows.map((r) => this.toRecord(r as LedgerRow));
  }

  /** The ledger (or the rows of [from, to)) in pages of `page` rows (keyset on seq), for rebuilding sums. */
  async *scanLedger(page = 20_000, range?: { from: string; to: string }): AsyncGenerator<Array<{ seq: number; indicator: string; areaId: string; at: string; points: number; events: number; num: number; den: number; recordedAt: string }>> {
    const n = this.dialect.num;
    let after = 0;
    for (;;) {
      let q = this.db.selectFrom('vitals_ledger').select(['seq', 'indicator_code', 'area_id', 'at', 'points', 'events', 'num', 'den', 'recorded_at']).where('seq', '>', after);
      if (range) q = q.where('at', '>=', range.from).where('at', '<', range.to);
      const rows = await q.orderBy('seq').limit(page).execute();
      if (rows.length === 0) return;
      after = n(rows[rows.length - 1]!.seq);
      yield rows.map((r) => ({ seq: n(r.seq), indicator: r.indicator_code, areaId: r.area_id, at: r.at, points: n(r.points), events: n(r.events), num: n(r.num), den: n(r.den), recordedAt: r.recorded_at }));
    }
  }

  /** Rows of a period, filtered; newest first. `areaIds` undefined = every area. */
  async ledgerPage(f: { from: string; to: string; indicators?: readonly string[]; areaIds?: readonly string[]; kinds?: readonly string[]; sourceId?: string; limit: number; offset: number }): Promise<{ total: number; items: LedgerRecord[] }> {
    let q = this.db.selectFrom('vitals_ledger').where('at', '>=', f.from).where('at', '<', f.to);
    if (f.indicators) q = q.where('indicator_code', 'in', f.indicators.length ? [...f.indicators] : ['']);
    if (f.areaIds) q = q.where('area_id', 'in', f.areaIds.length ? [...f.areaIds] : ['']);
    if (f.kinds) q = q.where('kind', 'in', [...f.kinds]);
    if (f.sourceId) q = q.where('source_id', '=', f.sourceId);
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await q.selectAll().orderBy('at', 'desc').orderBy('seq', 'desc').limit(f.limit).offset(f.offset).execute();
    return { total: this.dialect.num(total?.n), items: rows.map((r) => this.toRecord(r as LedgerRow)) };
  }

  /** Net points and events per (indicator, area) over a period, points lost first. */
  async ledgerGroups(from: string, to: string): Promise<Array<{ indicator: string; areaId: string; points: number; events: number; rows: number }>> {
    const n = this.dialect.num;
    const rows = await this.db.selectFrom('vitals_ledger')
      .select((eb) => ['indicator_code', 'area_id', eb.fn.sum<number>('points').as('points'), eb.fn.sum<number>('events').as('events'), eb.fn.countAll<number>().as('rows')])
      .where('at', '>=', from).where('at', '<', to).where('kind', '!=', 'observe')
      .groupBy(['indicator_code', 'area_id']).execute();
    return rows.map((r) => ({ indicator: r.indicator_code, areaId: r.area_id, points: n(r.points), events: n(r.events), rows: n(r.rows) })).sort((a, b) => b.points - a.points);
  }

  /** Time of the oldest row (an index lookup). */
  async firstLedgerAt(): Promise<string | null> {
    const r = await this.db.selectFrom('vitals_ledger').select((eb) => eb.fn.min<string>('at').as('first')).executeTakeFirst();
    return r?.first ?? null;
  }

  async ledgerStats(): Promise<{ rows: number; firstAt: string | null }> {
    const r = await this.db.selectFrom('vitals_ledger').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min<string>('at').as('first')]).executeTakeFirst();
    return { rows: this.dialect.num(r?.n), firstAt: r?.first ?? null };
  }

  // ───────────── snapshots ─────────────

  async snapshotDays(): Promise<Set<string>> {
    const rows = await this.db.selectFrom('vitals_snapshot').select('day').distinct().execute();
    return new Set(rows.map((r) => r.day));
  }

  async replaceSnapshot(tx: Tx, day: string, rows: readonly SnapshotRecord[]): Promise<void> {
    const t = tx.withTables<VitalsTables>();
    await t.deleteFrom('vitals_snapshot').where('day', '=', day).execute();
    for (let i = 0; i < rows.length; i += 500) {
      await t.insertInto('vitals_snapshot').values(rows.slice(i, i + 500).map((r) => ({
        day: r.day, area_id: r.areaId, catalogue_version: r.catalogueVersion, overall: r.overall, dim_safety: r.dimensions[0], dim_cleanliness: r.dimensions[1],
        dim_order: r.dimensions[2], dim_convenience: r.dimensions[3], losses: JSON.stringify(r.losses), computed_at: r.computedAt,
      }))).execute();
    }
  }

  async snapshots(areaId: string, fromDay: string, toDay: string): Promise<SnapshotRecord[]> {
    const n = (v: number | null): number | null => (v === null ? null : this.dialect.num(v));
    const rows = await this.db.selectFrom('vitals_snapshot').selectAll().where('area_id', '=', areaId).where('day', '>=', fromDay).where('day', '<=', toDay).orderBy('day').execute();
    return rows.map((r) => ({
      day: r.day, areaId: r.area_id, catalogueVersion: Number(r.catalogue_version), overall: n(r.overall),
      dimensions: [n(r.dim_safety), n(r.dim_cleanliness), n(r.dim_order), n(r.dim_convenience)], losses: JSON.parse(r.losses) as Record<string, number>, computedAt: r.computed_at,
    }));
  }

  // ───────────── attribute areas ─────────────

  async attributeAreas(): Promise<AttributeAreaRecord[]> {
    const rows = await this.db.selectFrom('vitals_attribute_area').selectAll().orderBy('code').execute();
    return rows.map((r) => ({ id: r.id, source: r.source, value: r.value, code: r.code, name: r.name, level: r.level as 'city' | 'district', parentId: r.parent_id }));
  }

  async upsertAttributeArea(tx: Tx, a: AttributeAreaRecord, now: string): Promise<void> {
    await tx.withTables<VitalsTables>().insertInto('vitals_attribute_area')
      .values({ id: a.id, source: a.source, value: a.value, code: a.code, name: a.name, level: a.level, parent_id: a.parentId, created_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ name: a.name })).execute();
  }

  async upsertAliases(tx: Tx, rows: ReadonlyArray<{ source: string; externalId: string; areaId: string }>): Promise<void> {
    const t = tx.withTables<VitalsTables>();
    for (let i = 0; i < rows.length; i += 500) {
      await t.insertInto('vitals_area_alias').values(rows.slice(i, i + 500).map((r) => ({ source: r.source, external_id: r.externalId, area_id: r.areaId })))
        .onConflict((oc) => oc.columns(['source', 'external_id']).doUpdateSet((eb) => ({ area_id: eb.ref('excluded.area_id') }))).execute();
    }
  }

  async aliasOf(source: string, externalId: string): Promise<string | null> {
    const r = await this.db.selectFrom('vitals_area_alias').select('area_id').where('source', '=', source).where('external_id', '=', externalId).executeTakeFirst();
    return r?.area_id ?? null;
  }

  // ───────────── unplaced ─────────────

  async keepUnplaced(tx: Tx, u: UnplacedRecord, now: string): Promise<void> {
    await tx.withTables<VitalsTables>().insertInto('vitals_unplaced')
      .values({ case_id: u.caseId, event_id: u.eventId, event_name: u.eventName, occurred_at: u.occurredAt, payload: JSON.stringify(u.payload), external_source: u.externalSource, external_id: u.externalId, recorded_at: now })
      .onConflict((oc) => oc.column('case_id').doNothing()).execute();
  }

  async unplaced(source?: string, limit = 100_000): Promise<UnplacedRecord[]> {
    let q = this.db.selectFrom('vitals_unplaced').selectAll();
    if (source) q = q.where('external_source', '=', source);
    const rows = await q.orderBy('occurred_at').limit(limit).execute();
    return rows.map((r) => ({ caseId: r.case_id, eventId: r.event_id, eventName: r.event_name, occurredAt: r.occurred_at, payload: JSON.parse(r.payload) as Record<string, unknown>, externalSource: r.external_source, externalId: r.external_id }));
  }

  async unplacedCount(): Promise<number> {
    const r = await this.db.selectFrom('vitals_unplaced').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    return this.dialect.num(r?.n);
  }

  async dropUnplaced(tx: Tx, caseId: string): Promise<void> {
    await tx.withTables<VitalsTables>().deleteFrom('vitals_unplaced').where('case_id', '=', caseId).execute();
  }
}
