import { DateTime } from 'luxon';
import type { Clock } from '../../../platform/clock/clock.ts';
import { AppError } from '../../../platform/errors/app-error.ts';
import { newId } from '../../../platform/ids/ids.ts';
import { mineHotIssues, type HotIssueMessage, type MineOptions } from './hot-issue.mine.ts';
import type { HotIssueRun, HotIssuesRepository } from './hot-issues.repository.ts';

/** The text of one case, as hot-issue mining reads it. */
export interface CaseText {
  id: string;
  number: string;
  title: string;
  text: string;
  categoryCode: string;
  areaId: string | null;
  /** ISO-8601 instant. */
  receivedAt: string;
  /** A stable key of the requester (e.g. the keyed phone hash), null when anonymous; used only for counting. */
  requesterKey: string | null;
  /** Address given at intake, when there is one. */
  address?: string | null;
}

/** Where live cases come from: the composition root implements it over the cases module. */
export interface CaseTextSource {
  /** Cases received in [from, to) (ISO instants), any order. */
  casesBetween(from: string, to: string): AsyncIterable<CaseText>;
}

/** Longest period mined in one go. */
export const MAX_PERIOD_DAYS = 366;

/**
 * A period from user input: two local dates (YYYY-MM-DD, both days included) in the city's zone, or
 * two ISO instants (end excluded).
 */
export function parsePeriod(from: string, to: string, zone: string): { start: Date; end: Date } {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  const read = (value: string, field: 'from' | 'to'): Date => {
    const d = day.test(value) ? DateTime.fromISO(value, { zone }) : DateTime.fromISO(value, { setZone: true });
    if (!d.isValid) throw new AppError({ code: 'VALIDATION_FAILED', status: 400, field, zh: `日期无效：${value}（应为 YYYY-MM-DD）`, en: `${field} is not a date: ${value} (use YYYY-MM-DD)` });
    return (field === 'to' && day.test(value) ? d.plus({ days: 1 }) : d).toJSDate();
  };
  const start = read(from, 'from');
  const end = read(to, 'to');
  if (end <= start) throw new AppError({ code: 'VALIDATION_FAILED', status: 400, field: 'to', zh: '结束日期必须晚于开始日期', en: 'to must be after from' });
  if (end.getTime() - start.getTime() > MAX_PERIOD_DAYS * 86_400_000) {
    throw new AppError({ code: 'VALIDATION_FAILED', status: 400, field: 'to', zh: `时间范围最长 ${MAX_PERIOD_DAYS} 天`, en: `The period may span at most ${MAX_PERIOD_DAYS} days` });
  }
  return { start, end };
}

/** Hot issues of the deployment's own cases: mined on demand or for the briefing, and stored. */
export class HotIssuesService {
  constructor(
    private readonly repo: HotIssuesRepository,
    private readonly clock: Clock,
    private readonly source: CaseTextSource,
    private readonly config: { zone: string },
  ) {}

  /** Mine the cases of a period, store the ranking and return it. */
  async mine(input: { from: string; to: string; top?: number; minRequesters?: number }, actor: string | null = null): Promise<HotIssueRun> {
    const { start, end } = parsePeriod(input.from, input.to, this.config.zone);
    const top = Math.min(100, Math.max(1, input.top ?? 10));
    const options: MineOptions = { from: start.toISOString(), to: end.toISOString(), top, ...(input.minRequesters ? { minRequesters: input.minRequesters } : {}) };
    const source = this.source;
    async function* messages(): AsyncGenerator<HotIssueMessage> {
      for await (const c of source.casesBetween(start.toISOString(), end.toISOString())) {
        yield { id: c.id, number: c.number, title: c.title, text: c.text, receivedAt: c.receivedAt, requesterKey: c.requesterKey, categoryCode: c.categoryCode, areaId: c.areaId, address: c.address ?? null };
      }
    }
    const result = await mineHotIssues(messages(), options);
    const run: HotIssueRun = {
      id: newId('hir', this.clock.now()),
      from: start.toISOString(),
      to: end.toISOString(),
      source: 'cases',
      createdAt: this.clock.now().toISOString(),
      createdBy: actor,
      messageCount: result.stats.inPeriod,
      stats: result.stats,
      params: { top, ...(input.minRequesters ? { minRequesters: input.minRequesters } : {}) },
      issues: result.issues,
    };
    await this.repo.save(run);
    return run;
  }

  /** One stored run with its issues. */
  async get(id: string): Promise<HotIssueRun> {
    const run = await this.repo.get(id);
    if (!run) throw new AppError({ code: 'HOT_ISSUE_RUN_NOT_FOUND', status: 404, zh: `热点问题结果不存在：${id}`, en: `Hot-issue run not found: ${id}`, details: { id } });
    return run;
  }

  /** The most recent stored run, or null. */
  async latest(): Promise<HotIssueRun | null> {
    return this.repo.latest();
  }

  /** Stored runs without their issues, newest first. */
  async runs(limit = 20) {
    return this.repo.list(Math.min(200, Math.max(1, limit)));
  }
}
