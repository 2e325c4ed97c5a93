import type { Kysely } from 'kysely';
import type { Db, Tx } from '../../platform/db/database.ts';

export type InsightsTables = {
  insights_case: {
    case_id: string; number: string; title: string; text: string; category_code: string; state: string; kind: string; urgency: string;
    channel: string; area_id: string | null; department_id: string | null; address: string | null; lng: number | null; lat: number | null;
    received_at: string; requester_key: string | null; imported: number; suggested_code: string | null; model_version: number | null; updated_at: string;
  };
  insights_model: {
    version: number; created_at: string; method: string; labels: string; metrics: string; params: string; weights: string;
    size_bytes: number; samples: number; source: string; trigger: string; active: number;
  };
  insights_correction: { id: string; case_id: string; from_code: string | null; to_code: string; source: string; model_version: number | null; actor: string | null; at: string };
  insights_training_run: {
    id: string; trigger: string; status: string; stage: string; done: number; total: number; started_at: string; finished_at: string | null;
    model_version: number | null; error: string | null;
  };
  insights_reply_review: {
    case_id: string; number: string; department_id: string | null; relevance: number; completeness: number; explainability: number; overall: number;
    flags: string; status: string; scored_at: string; reviewed_by: string | null; reviewed_at: string | null; review_note: string | null;
  };
  insights_setting: { key: string; value: string; updated_at: string };
};

/** The copy of a case insights keeps. */
export type CaseCopy = InsightsTables['insights_case'];
export type ModelRow = InsightsTables['insights_model'];
export type TrainingRunRow = InsightsTables['insights_training_run'];
export type ReplyReviewRow = InsightsTables['insights_reply_review'];
export type CorrectionRow = InsightsTables['insights_correction'];

/** States after which a case's category is final enough to learn from. */
export const FINAL_STATES = ['resolved', 'closed'] as const;

/** The only place with SQL for insights_* tables of part A. */
export class InsightsRepository {
  private readonly db: Kysely<InsightsTables>;
  constructor(db: Db) {
    this.db = db.withTables<InsightsTables>();
  }

  private t(tx?: Tx): Kysely<InsightsTables> {
    return tx ? tx.withTables<InsightsTables>() : this.db;
  }

  async getCase(caseId: string, tx?: Tx): Promise<CaseCopy | null> {
    return (await this.t(tx).selectFrom('insights_case').selectAll().where('case_id', '=', caseId).executeTakeFirst()) ?? null;
  }

  /** Insert the copy, or refresh everything but the suggestion made at intake. */
  async upsertCase(row: CaseCopy, tx?: Tx): Promise<void> {
    const { case_id: _id, suggested_code: _s, model_version: _m, ...rest } = row;
    await this.t(tx).insertInto('insights_case').values(row).onConflict((oc) => oc.column('case_id').doUpdateSet(rest)).execute();
  }

  async updateCaseFacts(caseId: string, facts: { state: string; category_code: string; department_id: string | null; area_id: string | null; updated_at: string }, tx?: Tx): Promise<void> {
    await this.t(tx).updateTable('insights_case').set(facts).where('case_id', '=', caseId).execute();
  }

  /** Cases received from `fromIso` on, oldest first, in pages (for loading the duplicate index). */
  async *casesSince(fromIso: string, pageSize = 5000): AsyncGenerator<CaseCopy[]> {
    let after: { at: string; id: string } | null = null;
    for (;;) {
      let q = this.db.selectFrom('insights_case').selectAll().where('received_at', '>=', fromIso);
      if (after) {
        const a: { at: string; id: string } = after;
        q = q.where((eb) => eb.or([eb('received_at', '>', a.at), eb.and([eb('received_at', '=', a.at), eb('case_id', '>', a.id)])]));
      }
      const rows = await q.orderBy('received_at').orderBy('case_id').limit(pageSize).execute();
      if (rows.length === 0) return;
      yield rows;
      const last = rows[rows.length - 1] as CaseCopy;
      after = { at: last.received_at, id: last.case_id };
      if (rows.length < pageSize) return;
    }
  }

  /**
   * Examples to learn from, newest first: cases in a final state, and any case an agent corrected
   * (its current category is the label), at most `limit`.
   */
  async trainingCases(limit: number): Promise<Array<{ case_id: string; title: string; text: string; category_code: string }>> {
    const corrected = this.db.selectFrom('insights_correction').select('case_id');
    return this.db
      .selectFrom('insights_case')
      .select(['case_id', 'title', 'text', 'category_code'])
      .where((eb) => eb.or([eb('state', 'in', [...FINAL_STATES]), eb('case_id', 'in', corrected)]))
      .orderBy('received_at', 'desc')
      .limit(limit)
      .execute();
  }

  async countCases(): Promise<number> {
    const row = await this.db.selectFrom('insights_case').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async insertCorrection(row: CorrectionRow, tx?: Tx): Promise<void> {
    await this.t(tx).insertInto('insights_correction').values(row).execute();
  }

  async corrections(filter: { caseId?: string; limit: number; offset: number }): Promise<{ items: CorrectionRow[]; total: number }> {
    let q = this.db.selectFrom('insights_correction');
    if (filter.caseId) q = q.where('case_id', '=', filter.caseId);
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const items = await q.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    return { items, total: Number(total?.n ?? 0) };
  }

  async countCorrections(): Promise<number> {
    const row = await this.db.selectFrom('insights_correction').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Store a model as the next version and make it the active one. */
  async insertModel(row: Omit<ModelRow, 'version' | 'active'>, tx?: Tx): Promise<number> {
    const t = this.t(tx);
    const top = await t.selectFrom('insights_model').select((eb) => eb.fn.max('version').as('v')).executeTakeFirst();
    const version = Number(top?.v ?? 0) + 1;
    await t.updateTable('insights_model').set({ active: 0 }).where('active', '=', 1).execute();
    await t.insertInto('insights_model').values({ ...row, version, active: 1 }).execute();
    return version;
  }

  async activateModel(version: number, tx?: Tx): Promise<boolean> {
    const t = this.t(tx);
    const exists = await t.selectFrom('insights_model').select('version').where('version', '=', version).executeTakeFirst();
    if (!exists) return false;
    await t.updateTable('insights_model').set({ active: 0 }).where('active', '=', 1).execute();
    await t.updateTable('insights_model').set({ active: 1 }).where('version', '=', version).execute();
    return true;
  }

  /** Models without their weights, newest first. */
  async listModels(): Promise<Array<Omit<ModelRow, 'weights' | 'params'>>> {
    return this.db
      .selectFrom('insights_model')
      .select(['version', 'created_at', 'method', 'labels', 'metrics', 'size_bytes', 'samples', 'source', 'trigger', 'active'])
      .orderBy('version', 'desc')
      .execute();
  }

  async activeModel(): Promise<ModelRow | null> {
    return (await this.db.selectFrom('insights_model').selectAll().where('active', '=', 1).executeTakeFirst()) ?? null;
  }

  async insertRun(row: TrainingRunRow): Promise<void> {
    await this.db.insertInto('insights_training_run').values(row).execute();
  }

  async updateRun(id: string, change: Partial<Omit<TrainingRunRow, 'id'>>): Promise<void> {
    await this.db.updateTable('insights_training_run').set(change).where('id', '=', id).execute();
  }

  async runs(limit: number): Promise<TrainingRunRow[]> {
    return this.db.selectFrom('insights_training_run').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  async upsertReview(row: ReplyReviewRow, tx?: Tx): Promise<void> {
    const { case_id: _id, ...rest } = row;
    await this.t(tx).insertInto('insights_reply_review').values(row).onConflict((oc) => oc.column('case_id').doUpdateSet(rest)).execute();
  }

  async getReview(caseId: string): Promise<ReplyReviewRow | null> {
    return (await this.db.selectFrom('insights_reply_review').selectAll().where('case_id', '=', caseId).executeTakeFirst()) ?? null;
  }

  async reviews(filter: { status?: string; departmentIds?: readonly string[]; limit: number; offset: number }): Promise<{ items: ReplyReviewRow[]; total: number }> {
    let q = this.db.selectFrom('insights_reply_review');
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.departmentIds) q = filter.departmentIds.length ? q.where('department_id', 'in', [...filter.departmentIds]) : q.where('case_id', '=', '');
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const items = await q.selectAll().orderBy('scored_at', 'desc').orderBy('case_id').limit(filter.limit).offset(filter.offset).execute();
    return { items, total: Number(total?.n ?? 0) };
  }

  async setting(key: string): Promise<string | null> {
    return (await this.db.selectFrom('insights_setting').select('value').where('key', '=', key).executeTakeFirst())?.value ?? null;
  }

  async saveSetting(key: string, value: string, at: string, tx?: Tx): Promise<void> {
    await this.t(tx).insertInto('insights_setting').values({ key, value, updated_at: at }).onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at })).execute();
  }
}
