import type { Clock } from '../../../platform/clock/clock.ts';
import { AppError } from '../../../platform/errors/app-error.ts';
import { DateTime } from 'luxon';
import type { TxContext, UnitOfWork } from '../../../platform/events/unit-of-work.ts';
import { newId } from '../../../platform/ids/ids.ts';
import { INSIGHTS_WARNING_EVENTS, type WarningRaisedPayload, type WarningStatusPayload } from './warnings.events.ts';
import type { SeriesRef, WarningRow, WarningsRepository } from './warnings.repository.ts';
import { baselineKeys, DEFAULT_DETECTOR, evaluateWindow, GRAINS, hourKey, dayKey, windowRange, type DetectorConfig, type Grain, type Verdict } from './spike-detector.ts';

/** What insights needs of a cases.case.received event (its payload plus the event's time). */
export interface CaseReceivedInput {
  caseId: string;
  number?: string | null;
  categoryCode: string;
  areaId: string | null;
  channel?: string;
  kind?: string;
  /** When the case was received (ISO); preferred over occurredAt, which is when the event was written. */
  receivedAt?: string | null;
  /** The event's time (ISO). */
  occurredAt?: string | null;
  /** True for cases imported from history. */
  imported?: boolean;
}

/** Areas by id with their ancestors (PlacesApi satisfies it). */
export interface AreaDirectory {
  lineage(id: string): ReadonlyArray<{ id: string; name: string; level: string }>;
}

export interface WarningsConfig {
  zone: string;
  detector?: DetectorConfig;
  /** Cases received longer ago than this are counted but not judged (imports, replays). */
  judgeWithinHours?: number;
  /** Example cases kept as evidence. */
  examples?: number;
}

export type WarningStatus = 'raised' | 'acknowledged' | 'closed';
export const WARNING_STATUS_ZH: Record<WarningStatus, string> = { raised: '待确认', acknowledged: '已确认', closed: '已关闭' };

/** A warning as the API shows it. */
export interface WarningView {
  id: string;
  status: WarningStatus;
  statusName: string;
  /** One line in Chinese, e.g. 东区 · 城乡建设 · 2026-12-03 10时：12 件，基线 1.1 件. */
  title: string;
  categoryCode: string;
  categoryName: string | null;
  areaId: string;
  areaLevel: string;
  areaName: string | null;
  grain: Grain;
  windowKey: string;
  windowStart: string;
  windowEnd: string;
  count: number;
  expected: number;
  spread: number;
  dispersion: number;
  pValue: number;
  z: number;
  basis: 'weekly' | 'recent';
  samples: number[];
  exampleCaseIds: string[];
  raisedAt: string;
  updatedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  closedAt: string | null;
  closedBy: string | null;
  note: string | null;
}

interface Evidence {
  dispersion: number;
  basis: 'weekly' | 'recent';
  samples: number[];
  exampleCaseIds: string[];
}

/** Who acknowledges or closes. */
export interface WarningActor {
  id: string;
  label?: string;
}

/**
 * Early warning: counts cases per category family (first two levels) × district and street, hourly
 * and daily, as cases.case.received events arrive, and raises a warning with its evidence when a
 * window's count rises unusually above the series' own baseline (spike-detector.ts). A series has at
 * most one open warning per grain: a continuing rise updates its evidence instead of raising again.
 */
export class WarningsService {
  private readonly detector: DetectorConfig;
  private readonly judgeWithinMs: number;
  private readonly exampleCount: number;

  constructor(
    private readonly repo: WarningsRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly areas: AreaDirectory,
    private readonly categoryName: (code: string) => string | null,
    private readonly config: WarningsConfig,
  ) {
    this.detector = config.detector ?? DEFAULT_DETECTOR;
    this.judgeWithinMs = (config.judgeWithinHours ?? 2) * 3_600_000;
    this.exampleCount = config.examples ?? 5;
  }

  /** The series a case counts in: category (level 1 and level 2) × its district and street. */
  seriesOf(categoryCode: string, areaId: string | null): SeriesRef[] {
    if (!areaId || !categoryCode) return [];
    const parts = categoryCode.split('.');
    const categories = [...new Set([parts[0]!, parts.slice(0, 2).join('.')])].filter((c) => c !== '');
    const lineage = this.areas.lineage(areaId);
    const out: SeriesRef[] = [];
    for (const level of ['district', 'street'] as const) {
      const area = lineage.find((a) => a.level === level);
      if (!area) continue;
      for (const c of categories) out.push({ key: `${c}|${area.id}`, categoryCode: c, areaId: area.id, areaLevel: level });
    }
    return out;
  }

  /**
   * Handle cases.case.received: count the case (once, however often the event is delivered) and judge
   * the windows it falls in. Warnings and their events are written in the same transaction.
   */
  async onCaseReceived(input: CaseReceivedInput): Promise<{ recorded: boolean; raised: string[]; updated: string[] }> {
    const none = { recorded: false, raised: [], updated: [] };
    // An imported case without its own time cannot be placed: counting it at import time would be a spike.
    if (input.imported && !input.receivedAt) return none;
    const atIso = input.receivedAt ?? input.occurredAt;
    const at = atIso ? new Date(atIso) : null;
    if (!at || Number.isNaN(at.getTime()) || !input.caseId) return none;
    const now = this.clock.now();
    const hour = hourKey(at);
    const day = dayKey(at, this.config.zone);
    const series = this.seriesOf(input.categoryCode, input.areaId);
    const lineage = input.areaId ? this.areas.lineage(input.areaId) : [];
    return this.uow.run(async (ctx) => {
      const fresh = await this.repo.recordIntake(ctx.tx, {
        case_id: input.caseId, number: input.number ?? null, received_at: at.toISOString(), hour, day, category_code: input.categoryCode,
        area_id: input.areaId, district_id: lineage.find((a) => a.level === 'district')?.id ?? null, street_id: lineage.find((a) => a.level === 'street')?.id ?? null,
        channel: input.channel ?? '', kind: input.kind ?? '', recorded_at: now.toISOString(),
      });
      if (!fresh) return none;
      const newCounts = await this.repo.count(ctx.tx, series, hour, day);
      const raised: string[] = [];
      const updated: string[] = [];
      const age = now.getTime() - at.getTime();
      if (series.length === 0 || age > this.judgeWithinMs || age < -this.judgeWithinMs) return { recorded: true, raised, updated };
      // Below the minimum count nothing can alarm: most cases end here without reading a baseline.
      const due = (grain: Grain) => series.filter((s) => (newCounts.get(`${s.key}|${grain}`) ?? 0) >= this.detector.minCount[grain]);
      if (GRAINS.every((g) => due(g).length === 0)) return { recorded: true, raised, updated };
      const meta = new Map((await this.repo.series(ctx.tx, series.map((s) => s.key))).map((r) => [r.series_key, r]));
      for (const grain of GRAINS) {
        const current = grain === 'hour' ? hour : day;
        // A series with no window before this one has nothing to compare with yet.
        const judged = due(grain).filter((s) => {
          const first = grain === 'hour' ? meta.get(s.key)?.first_hour : meta.get(s.key)?.first_day;
          return first !== undefined && first < current;
        });
        if (judged.length === 0) continue;
        const keys = baselineKeys(current, grain, this.config.zone, this.detector);
        const counts = await this.repo.counts(ctx.tx, judged.map((s) => s.key), grain, [current, ...keys.weekly, ...keys.recent]);
        for (const s of judged) {
          const first = grain === 'hour' ? meta.get(s.key)?.first_hour : meta.get(s.key)?.first_day;
          if (!first) continue;
          // Windows before the series existed are unknown, not zero.
          const pick = (ks: string[]) => ks.filter((k) => k >= first).map((k) => counts.get(`${s.key}|${grain}|${k}`) ?? 0);
          const count = counts.get(`${s.key}|${grain}|${current}`) ?? 0;
          const verdict = evaluateWindow(count, grain, { weekly: pick(keys.weekly), recent: pick(keys.recent) }, this.detector);
          if (!verdict?.alarm) continue;
          const outcome = await this.raiseOrUpdate(ctx, s, grain, current, verdict, now);
          (outcome.created ? raised : updated).push(outcome.id);
        }
      }
      return { recorded: true, raised, updated };
    });
  }

  private async raiseOrUpdate(ctx: TxContext, s: SeriesRef, grain: Grain, key: string, v: Verdict, now: Date): Promise<{ id: string; created: boolean }> {
    const range = windowRange(key, grain, this.config.zone);
    const examples = await this.repo.examples(ctx.tx, s, range.start.toISOString(), range.end.toISOString(), this.exampleCount);
    const evidence: Evidence = { dispersion: v.dispersion, basis: v.basis, samples: v.samples, exampleCaseIds: examples };
    const figures = { count: v.count, expected: v.expected, spread: v.spread, p_value: v.pValue, z: v.z, evidence: JSON.stringify(evidence), updated_at: now.toISOString() };
    const open = await this.repo.openWarning(ctx.tx, s.key, grain);
    if (open) {
      // The same rise going on: keep one warning, with the latest (or strongest) window as its evidence.
      if (key > open.bucket || (key === open.bucket && v.count >= open.count)) {
        await this.repo.updateWarning(ctx.tx, open.id, { ...figures, bucket: key, window_start: range.start.toISOString(), window_end: range.end.toISOString() });
      }
      return { id: open.id, created: false };
    }
    const id = newId('wrn', now);
    const areaName = this.areas.lineage(s.areaId).find((a) => a.id === s.areaId)?.name ?? null;
    const categoryName = this.categoryName(s.categoryCode);
    await this.repo.insertWarning(ctx.tx, {
      id, series_key: s.key, category_code: s.categoryCode, category_name: categoryName, area_id: s.areaId, area_level: s.areaLevel, area_name: areaName,
      grain, bucket: key, window_start: range.start.toISOString(), window_end: range.end.toISOString(), status: 'raised', raised_at: now.toISOString(),
      acknowledged_at: null, acknowledged_by: null, closed_at: null, closed_by: null, note: null, ...figures,
    });
    const payload: WarningRaisedPayload = {
      warningId: id, categoryCode: s.categoryCode, categoryName, areaId: s.areaId, areaLevel: s.areaLevel, areaName, grain,
      windowStart: range.start.toISOString(), windowEnd: range.end.toISOString(), count: v.count, expected: v.expected, pValue: v.pValue, exampleCaseIds: examples,
    };
    await ctx.publish(INSIGHTS_WARNING_EVENTS.raised, payload, 'system');
    return { id, created: true };
  }

  /** Warnings, newest first, optionally by status and raised time. */
  async list(filter: { statuses?: readonly WarningStatus[]; from?: string; to?: string; limit?: number; offset?: number } = {}): Promise<{ items: WarningView[]; total: number }> {
    const { rows, total } = await this.repo.listWarnings({ ...filter, limit: filter.limit ?? 50, offset: filter.offset ?? 0 });
    return { items: rows.map((r) => this.view(r)), total };
  }

  /** Open (raised or acknowledged) warnings, newest first. */
  async open(limit = 100): Promise<WarningView[]> {
    return (await this.list({ statuses: ['raised', 'acknowledged'], limit })).items;
  }

  /** One warning with its evidence. */
  async get(id: string): Promise<WarningView> {
    const row = await this.repo.getWarning(id);
    if (!row) throw new AppError({ code: 'WARNING_NOT_FOUND', status: 404, zh: `预警不存在：${id}`, en: `Warning not found: ${id}`, details: { id } });
    return this.view(row);
  }

  /** Record that a supervisor has seen the warning and is acting on it. */
  async acknowledge(id: string, actor: WarningActor, note?: string): Promise<WarningView> {
    return this.transition(id, 'acknowledged', actor, note);
  }

  /** Close the warning (handled, or not a real problem), with a note. */
  async close(id: string, actor: WarningActor, note?: string): Promise<WarningView> {
    return this.transition(id, 'closed', actor, note);
  }

  private async transition(id: string, to: 'acknowledged' | 'closed', actor: WarningActor, note?: string): Promise<WarningView> {
    const now = this.clock.now().toISOString();
    const by = actor.label ? `${actor.label} (${actor.id})` : actor.id;
    await this.uow.run(async (ctx) => {
      const row = await this.repo.getWarning(id, ctx.tx);
      if (!row) throw new AppError({ code: 'WARNING_NOT_FOUND', status: 404, zh: `预警不存在：${id}`, en: `Warning not found: ${id}`, details: { id } });
      const allowed = to === 'acknowledged' ? row.status === 'raised' : row.status !== 'closed';
      if (!allowed) {
        throw new AppError({
          code: 'WARNING_ILLEGAL_TRANSITION', status: 409,
          zh: `预警当前状态为「${WARNING_STATUS_ZH[row.status as WarningStatus] ?? row.status}」，不能${to === 'acknowledged' ? '确认' : '关闭'}`,
          en: `The warning is ${row.status}; it cannot be ${to}`, details: { status: row.status },
        });
      }
      const trimmed = note?.trim() || null;
      const patch: Partial<WarningRow> = to === 'acknowledged'
        ? { status: to, acknowledged_at: now, acknowledged_by: by, updated_at: now, ...(trimmed ? { note: trimmed } : {}) }
        : { status: to, closed_at: now, closed_by: by, updated_at: now, ...(trimmed ? { note: trimmed } : {}) };
      await this.repo.updateWarning(ctx.tx, id, patch);
      const payload: WarningStatusPayload = { warningId: id, status: to, by: actor.id, note: trimmed };
      await ctx.publish(to === 'acknowledged' ? INSIGHTS_WARNING_EVENTS.acknowledged : INSIGHTS_WARNING_EVENTS.closed, payload, actor.id);
    });
    return this.get(id);
  }

  /** Cases received in a period by channel, top-level category and district (for the briefing). */
  async volumes(start: Date, end: Date) {
    return this.repo.volumes(start.toISOString(), end.toISOString());
  }

  private view(r: WarningRow): WarningView {
    const e = JSON.parse(r.evidence) as Evidence;
    const grain = r.grain as Grain;
    const when = grain === 'hour' ? DateTime.fromISO(r.window_start).setZone(this.config.zone).toFormat("yyyy-MM-dd HH'时'") : `${r.bucket} 全天`;
    const expected = Number(r.expected);
    return {
      id: r.id,
      status: r.status as WarningStatus,
      statusName: WARNING_STATUS_ZH[r.status as WarningStatus] ?? r.status,
      title: `${r.area_name ?? r.area_id} · ${r.category_name ?? r.category_code} · ${when}：${r.count} 件，基线 ${expected.toFixed(1)} 件`,
      categoryCode: r.category_code,
      categoryName: r.category_name,
      areaId: r.area_id,
      areaLevel: r.area_level,
      areaName: r.area_name,
      grain,
      windowKey: r.bucket,
      windowStart: r.window_start,
      windowEnd: r.window_end,
      count: Number(r.count),
      expected,
      spread: Number(r.spread),
      dispersion: e.dispersion,
      pValue: Number(r.p_value),
      z: Number(r.z),
      basis: e.basis,
      samples: e.samples,
      exampleCaseIds: e.exampleCaseIds,
      raisedAt: r.raised_at,
      updatedAt: r.updated_at,
      acknowledgedAt: r.acknowledged_at,
      acknowledgedBy: r.acknowledged_by,
      closedAt: r.closed_at,
      closedBy: r.closed_by,
      note: r.note,
    };
  }
}
