import type { Kysely } from 'kysely';
import type { Db, Tx } from '../../platform/db/database.ts';
import type { AreaGeometry, AreaLevel, AreaRecord } from './domain/area.ts';

export type PlacesTables = {
  places_area: {
    id: string;
    code: string;
    name: string;
    level: string;
    parent_id: string | null;
    boundary: string | null;
    created_at: string;
    updated_at: string;
  };
};

type Row = PlacesTables['places_area'];

const toRecord = (r: Row): AreaRecord => ({
  id: r.id,
  code: r.code,
  name: r.name,
  level: r.level as AreaLevel,
  parentId: r.parent_id,
  boundary: r.boundary ? (JSON.parse(r.boundary) as AreaGeometry) : null,
});

/** The only place with SQL for places_* tables. */
export class PlacesRepository {
  private readonly db: Kysely<PlacesTables>;
  constructor(db: Db) {
    this.db = db.withTables<PlacesTables>();
  }

  async all(): Promise<AreaRecord[]> {
    const rows = await this.db.selectFrom('places_area').selectAll().orderBy('code').execute();
    return rows.map(toRecord);
  }

  async upsert(tx: Tx, area: AreaRecord, now: string, exists: boolean): Promise<void> {
    const t = tx.withTables<PlacesTables>();
    const boundary = area.boundary ? JSON.stringify(area.boundary) : null;
    if (exists) {
      await t
        .updateTable('places_area')
        .set({ name: area.name, level: area.level, parent_id: area.parentId, boundary, updated_at: now })
        .where('id', '=', area.id)
        .execute();
    } else {
      await t
        .insertInto('places_area')
        .values({ id: area.id, code: area.code, name: area.name, level: area.level, parent_id: area.parentId, boundary, created_at: now, updated_at: now })
        .execute();
    }
  }
}
