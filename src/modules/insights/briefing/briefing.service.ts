import { DateTime } from 'luxon';
import type { Clock } from '../../../platform/clock/clock.ts';
import { AppError } from '../../../platform/errors/app-error.ts';
import { buildBriefing, type Briefing, type BriefingSources } from './briefing.build.ts';
import { renderBriefingHtml } from './briefing.html.ts';
import type { BriefingRepository } from './briefing.repository.ts';
import { renderBriefingXlsx } from './briefing.xlsx.ts';

export interface BriefingConfig {
  zone: string;
  /** Local hour (0–23) the morning briefing of the day before is generated. */
  hour: number;
  /** Days of hot issues up to the briefing day (default 7). */
  hotIssueDays?: number;
  /** Hot issues listed (default 10). */
  top?: number;
}

/** Something that logs failures of the scheduled run (pino's logger fits). */
export interface BriefingLogger {
  error(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The daily briefing (日报): generated every morning at the configured hour for the day before, and
 * on demand; stored, and served as a page and a workbook.
 */
export class BriefingService {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly repo: BriefingRepository,
    private readonly sources: BriefingSources,
    private readonly clock: Clock,
    private readonly config: BriefingConfig,
    private readonly logger?: BriefingLogger,
  ) {}

  /** Today in the city's zone. */
  today(): string {
    return DateTime.fromJSDate(this.clock.now(), { zone: this.config.zone }).toISODate()!;
  }

  private checkDay(day: string): void {
    const d = DAY.test(day) ? DateTime.fromISO(day, { zone: this.config.zone }) : null;
    if (!d?.isValid) throw new AppError({ code: 'VALIDATION_FAILED', status: 400, field: 'date', zh: `日期无效：${day}（应为 YYYY-MM-DD）`, en: `Not a date: ${day} (use YYYY-MM-DD)` });
    if (day > this.today()) throw new AppError({ code: 'BRIEFING_FUTURE_DAY', status: 400, field: 'date', zh: `不能生成未来日期的日报：${day}`, en: `No briefing for a day in the future: ${day}` });
  }

  /** Build and store the briefing of a local day (default: yesterday), replacing an earlier one. */
  async generate(day?: string, by: string | null = null): Promise<Briefing> {
    const target = day ?? DateTime.fromJSDate(this.clock.now(), { zone: this.config.zone }).minus({ days: 1 }).toISODate()!;
    this.checkDay(target);
    const briefing = await buildBriefing(target, this.sources, { zone: this.config.zone, hotIssueDays: this.config.hotIssueDays ?? 7, top: this.config.top ?? 10 }, this.clock.now());
    await this.repo.save(briefing, by);
    return briefing;
  }

  /** The stored briefing of a day, generating it first when there is none yet. */
  async get(day: string, by: string | null = null): Promise<Briefing> {
    this.checkDay(day);
    return (await this.repo.get(day))?.briefing ?? this.generate(day, by);
  }

  /** The briefing of a day as a print-friendly Chinese page. */
  async html(day: string, by: string | null = null): Promise<string> {
    return renderBriefingHtml(await this.get(day, by));
  }

  /** The briefing of a day as an xlsx workbook. */
  async xlsx(day: string, by: string | null = null): Promise<Buffer> {
    return renderBriefingXlsx(await this.get(day, by));
  }

  /** Stored briefings, newest first. */
  async list(limit = 30) {
    return this.repo.list(Math.min(366, Math.max(1, limit)));
  }

  /** When the next morning run is due, after `from`. */
  nextRunAt(from: Date = this.clock.now()): Date {
    const local = DateTime.fromJSDate(from, { zone: this.config.zone });
    let at = local.set({ hour: this.config.hour, minute: 0, second: 0, millisecond: 0 });
    if (at <= local) at = at.plus({ days: 1 });
    return at.toJSDate();
  }

  /**
   * The morning run: yesterday's briefing, unless it is already stored (another process, or an earlier
   * start). Also runs at start when the hour has passed, so a restart does not skip a morning.
   */
  async runDue(): Promise<Briefing | null> {
    const local = DateTime.fromJSDate(this.clock.now(), { zone: this.config.zone });
    if (local.hour < this.config.hour) return null;
    const yesterday = local.minus({ days: 1 }).toISODate()!;
    if (await this.repo.get(yesterday)) return null;
    return this.generate(yesterday, null);
  }

  /** Start the in-process timer (and catch up on a missed morning). */
  start(): void {
    const tick = () => {
      if (this.running) return;
      this.running = this.runDue()
        .then((b) => {
          if (b) this.logger?.info({ day: b.day }, 'daily briefing generated');
        })
        .catch((err: unknown) => this.logger?.error({ err }, 'daily briefing failed'))
        .finally(() => {
          this.running = null;
        });
    };
    const schedule = () => {
      // Never more than an hour at a time: the clock may be adjusted, and a timer must not overflow.
      const wait = Math.min(3_600_000, Math.max(1_000, this.nextRunAt().getTime() - this.clock.now().getTime()));
      this.timer = setTimeout(() => {
        tick();
        schedule();
      }, wait);
      this.timer.unref();
    };
    tick();
    schedule();
  }

  /** Stop the timer and wait for a run in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
