import type { Kysely } from 'kysely';
import type { Db } from '../../../platform/db/database.ts';
import type { Briefing } from './briefing.build.ts';

export type BriefingTables = {
  insights_briefing: { day: string; generated_at: string; generated_by: string | null; data: string };
};

/** The only place with SQL for insights_briefing. */
export class BriefingRepository {
  private readonly db: Kysely<BriefingTables>;
  constructor(db: Db) {
    this.db = db.withTables<BriefingTables>();
  }

  /** Store a day's briefing, replacing an earlier one (regeneration; two processes at the same hour). */
  async save(b: Briefing, by: string | null): Promise<void> {
    const values = { generated_at: b.generatedAt, generated_by: by, data: JSON.stringify(b) };
    await this.db.insertInto('insights_briefing').values({ day: b.day, ...values }).onConflict((oc) => oc.column('day').doUpdateSet(values)).execute();
  }

  async get(day: string): Promise<{ briefing: Briefing; generatedBy: string | null } | null> {
    const row = await this.db.selectFrom('insights_briefing').selectAll().where('day', '=', day).executeTakeFirst();
    return row ? { briefing: JSON.parse(row.data) as Briefing, generatedBy: row.generated_by } : null;
  }

  async list(limit: number): Promise<Array<{ day: string; generatedAt: string; generatedBy: string | null }>> {
    const rows = await this.db.selectFrom('insights_briefing').select(['day', 'generated_at', 'generated_by']).orderBy('day', 'desc').limit(limit).execute();
    return rows.map((r) => ({ day: r.day, generatedAt: r.generated_at, generatedBy: r.generated_by }));
  }
}
