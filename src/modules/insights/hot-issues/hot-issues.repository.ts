import type { Kysely } from 'kysely';
import type { Db } from '../../../platform/db/database.ts';
import type { SqlDialect } from '../../../platform/db/dialect/sql-dialect.ts';
import type { HotIssue, MineResult } from './hot-issue.mine.ts';

export type HotIssuesTables = {
  insights_hot_issue_run: {
    id: string; period_from: string; period_to: string; source: string; created_at: string; created_by: string | null;
    issue_count: number; message_count: number; stats: string; params: string;
  };
  insights_hot_issue: { run_id: string; rank: number; heat: number; place: string; description: string; first_at: string; last_at: string; data: string };
};

/** A stored mining of one period. */
export interface HotIssueRun {
  id: string;
  from: string;
  to: string;
  source: string;
  createdAt: string;
  createdBy: string | null;
  messageCount: number;
  stats: MineResult['stats'];
  params: Record<string, unknown>;
  issues: HotIssue[];
}

/** The only place with SQL for insights_hot_issue_*. */
export class HotIssuesRepository {
  private readonly db: Kysely<HotIssuesTables>;
  constructor(db: Db, private readonly dialect: SqlDialect) {
    this.db = db.withTables<HotIssuesTables>();
  }

  async save(run: HotIssueRun): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('insights_hot_issue_run').values({
        id: run.id, period_from: run.from, period_to: run.to, source: run.source, created_at: run.createdAt, created_by: run.createdBy,
        issue_count: run.issues.length, message_count: run.messageCount, stats: JSON.stringify(run.stats), params: JSON.stringify(run.params),
      }).execute();
      for (const i of run.issues) {
        await tx.insertInto('insights_hot_issue').values({ run_id: run.id, rank: i.rank, heat: i.heat, place: i.place, description: i.description, first_at: i.firstAt, last_at: i.lastAt, data: JSON.stringify(i) }).execute();
      }
    });
  }

  async get(id: string): Promise<HotIssueRun | null> {
    const row = await this.db.selectFrom('insights_hot_issue_run').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.withIssues(row) : null;
  }

  async latest(): Promise<HotIssueRun | null> {
    const row = await this.db.selectFrom('insights_hot_issue_run').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    return row ? this.withIssues(row) : null;
  }

  async list(limit: number): Promise<Array<Omit<HotIssueRun, 'issues'> & { issueCount: number }>> {
    const rows = await this.db.selectFrom('insights_hot_issue_run').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ ...this.summary(r), issueCount: this.dialect.num(r.issue_count) }));
  }

  private summary(r: HotIssuesTables['insights_hot_issue_run']): Omit<HotIssueRun, 'issues'> {
    return {
      id: r.id, from: r.period_from, to: r.period_to, source: r.source, createdAt: r.created_at, createdBy: r.created_by,
      messageCount: this.dialect.num(r.message_count), stats: JSON.parse(r.stats) as MineResult['stats'], params: JSON.parse(r.params) as Record<string, unknown>,
    };
  }

  private async withIssues(r: HotIssuesTables['insights_hot_issue_run']): Promise<HotIssueRun> {
    const issues = await this.db.selectFrom('insights_hot_issue').select('data').where('run_id', '=', r.id).orderBy('rank').execute();
    return { ...this.summary(r), issues: issues.map((i) => JSON.parse(i.data) as HotIssue) };
  }
}
