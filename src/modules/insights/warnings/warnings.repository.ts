import { sql, type Kysely } from 'kysely';
import type { Db, Tx } from '../../../platform/db/database.ts';
import type { SqlDialect } from '../../../platform/db/dialect/sql-dialect.ts';
import type { Grain } from './spike-detector.ts';

export type WarningsTables = {
  insights_case_intake: {
    case_id: string; number: string | null; received_at: string; hour: string; day: string; category_code: string;
    area_id: string | null; district_id: string | null; street_id: string | null; channel: string; kind: string; recorded_at: string;
  };
  insights_warning_count: { series_key: string; grain: string; bucket: string; count: number };
  insights_warning_series: { series_key: string; category_code: string; area_id: string; area_level: string; first_hour: string; first_day: string; total: number };
  insights_warning: {
    id: string; series_key: string; category_code: string; category_name: string | null; area_id: string; area_level: string; area_name: string | null;
    grain: string; bucket: string; window_start: string; window_end: string; status: string; count: number; expected: number; spread: number;
    p_value: number; z: number; evidence: string; raised_at: string; updated_at: string; acknowledged_at: string | null; acknowledged_by: string | null;
    closed_at: string | null; closed_by: string | null; note: string | null;
  };
};

export type IntakeRow = WarningsTables['insights_case_intake'];
export type WarningRow = WarningsTables['insights_warning'];
export type SeriesRow = WarningsTables['insights_warning_series'];

/** One series a case counts in: a category family at a district or street. */
export interface SeriesRef {
  key: string;
  categoryCode: string;
  areaId: string;
  areaLevel: 'district' | 'street';
}

/** The only place with SQL for the early-warning tables. */
export class WarningsRepository {
  private readonly db: Kysely<WarningsTables>;
  constructor(db: Db, private readonly dialect: SqlDialect) {
    this.db = db.withTables<WarningsTables>();
  }

  private t(tx?: Tx): Kysely<WarningsTables> {
    return tx ? tx.withTables<WarningsTables>() : this.db;
  }

  /** Record a case once; false when it was recorded before (redelivered event). */
  async recordIntake(tx: Tx, row: IntakeRow): Promise<boolean> {
    const out = await this.t(tx).insertInto('insights_case_intake').values(row).onConflict((oc) => oc.column('case_id').doNothing()).returning('case_id').execute();
    return out.length === 1;
  }

  /**
   * Count one case in each series and window: series totals and first windows, hourly and daily
   * counters. Returns the new counts by `${series}|${grain}`.
   */
  async count(tx: Tx, series: readonly SeriesRef[], hour: string, day: string): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (series.length === 0) return counts;
    const t = this.t(tx);
    // Two statements per case whatever the number of series: the intake path runs once per case.
    await t
      .insertInto('insights_warning_series')
      .values(series.map((s) => ({ series_key: s.key, category_code: s.categoryCode, area_id: s.areaId, area_level: s.areaLevel, first_hour: hour, first_day: day, total: 1 })))
      .onConflict((oc) =>
        oc.column('series_key').doUpdateSet({
          total: sql`insights_warning_series.total + 1`,
          // Imports arrive out of order: the series began at its earliest case.
          first_hour: sql`case when excluded.first_hour < insights_warning_series.first_hour then excluded.first_hour else insights_warning_series.first_hour end`,
          first_day: sql`case when excluded.first_day < insights_warning_series.first_day then excluded.first_day else insights_warning_series.first_day end`,
        }),
      )
      .execute();
    const rows = await t
      .insertInto('insights_warning_count')
      .values(series.flatMap((s) => [{ series_key: s.key, grain: 'hour', bucket: hour, count: 1 }, { series_key: s.key, grain: 'day', bucket: day, count: 1 }]))
      .onConflict((oc) => oc.columns(['series_key', 'grain', 'bucket']).doUpdateSet({ count: sql`insights_warning_count.count + 1` }))
      .returning(['series_key', 'grain', 'count'])
      .execute();
    for (const row of rows) counts.set(`${row.series_key}|${row.grain}`, this.dialect.num(row.count));
    return counts;
  }

  async series(tx: Tx, keys: readonly string[]): Promise<SeriesRow[]> {
    if (keys.length === 0) return [];
    return this.t(tx).selectFrom('insights_warning_series').selectAll().where('series_key', 'in', [...keys]).execute();
  }

  /** Counters of some windows of some series: key `${series}|${grain}|${bucket}` → count. */
  async counts(tx: Tx, keys: readonly string[], grain: Grain, buckets: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (keys.length === 0 || buckets.length === 0) return out;
    const rows = await this.t(tx)
      .selectFrom('insights_warning_count')
      .select(['series_key', 'bucket', 'count'])
      .where('series_key', 'in', [...keys])
      .where('grain', '=', grain)
      .where('bucket', 'in', [...new Set(buckets)])
      .execute();
    for (const r of rows) out.set(`${r.series_key}|${grain}|${r.bucket}`, this.dialect.num(r.count));
    return out;
  }

  /** The newest cases of a series in a window (evidence for a warning). */
  async examples(tx: Tx, s: SeriesRef, start: string, end: string, limit: number): Promise<string[]> {
    const rows = await this.t(tx)
      .selectFrom('insights_case_intake')
      .select('case_id')
      .where(s.areaLevel === 'district' ? 'district_id' : 'street_id', '=', s.areaId)
      .where((eb) => eb.or([eb('category_code', '=', s.categoryCode), eb('category_code', 'like', `${s.categoryCode}.%`)]))
      .where('received_at', '>=', start)
      .where('received_at', '<', end)
      .orderBy('received_at', 'desc')
      .orderBy('case_id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => r.case_id);
  }

  async openWarning(tx: Tx, seriesKey: string, grain: Grain): Promise<WarningRow | undefined> {
    return this.t(tx)
      .selectFrom('insights_warning')
      .selectAll()
      .where('series_key', '=', seriesKey)
      .where('grain', '=', grain)
      .where('status', 'in', ['raised', 'acknowledged'])
      .orderBy('raised_at', 'desc')
      .executeTakeFirst();
  }

  async insertWarning(tx: Tx, row: WarningRow): Promise<void> {
    await this.t(tx).insertInto('insights_warning').values(row).execute();
  }

  async updateWarning(tx: Tx | undefined, id: string, patch: Partial<WarningRow>): Promise<void> {
    await this.t(tx).updateTable('insights_warning').set(patch).where('id', '=', id).execute();
  }

  async getWarning(id: string, tx?: Tx): Promise<WarningRow | undefined> {
    return this.t(tx).selectFrom('insights_warning').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async listWarnings(filter: { statuses?: readonly string[]; from?: string; to?: string; limit: number; offset: number }): Promise<{ rows: WarningRow[]; total: number }> {
    let q = this.db.selectFrom('insights_warning');
    if (filter.statuses?.length) q = q.where('status', 'in', [...filter.statuses]);
    if (filter.from) q = q.where('raised_at', '>=', filter.from);
    if (filter.to) q = q.where('raised_at', '<', filter.to);
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await q.selectAll().orderBy('raised_at', 'desc').orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    return { rows, total: this.dialect.num(total?.n) };
  }

  /** Cases received in [start, end) by channel, top-level category and district (for the briefing). */
  async volumes(start: string, end: string): Promise<{ channel: Map<string, number>; category: Map<string, number>; district: Map<string, number>; total: number }> {
    const base = this.db.selectFrom('insights_case_intake').where('received_at', '>=', start).where('received_at', '<', end);
    const byChannel = await base.select(['channel as key', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('channel').execute();
    const byCategory = await base.select(['category_code as key', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('category_code').execute();
    const byDistrict = await base.select(['district_id as key', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('district_id').execute();
    const fold = (rows: Array<{ key: string | null; n: unknown }>, keyOf: (k: string) => string = (k) => k) => {
      const m = new Map<string, number>();
      for (const r of rows) {
        const k = r.key === null ? '' : keyOf(r.key);
        m.set(k, (m.get(k) ?? 0) + this.dialect.num(r.n));
      }
      return m;
    };
    const channel = fold(byChannel);
    return { channel, category: fold(byCategory, (k) => k.split('.')[0]!), district: fold(byDistrict), total: [...channel.values()].reduce((a, b) => a + b, 0) };
  }
}
