import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { MigrationSet } from '../db/migrator.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { UnitOfWork } from '../events/unit-of-work.ts';
import type { Clock } from '../clock/clock.ts';
import type { CalendarDay, WorkingCalendar } from './working-calendar.ts';

type CalendarTables = {
  platform_calendar_day: { date: string; type: string; name: string; updated_at: string };
};

export const calendarMigrations: MigrationSet = {
  '202612031840_create-calendar-days': {
    async up(db) {
      await db.schema
        .createTable('platform_calendar_day')
        .addColumn('date', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

export const CALENDAR_CHANGED = 'platform.calendar.changed';

/**
 * The working-day calendar as data: the shipped schedules (statutory holidays and make-up days)
 * plus imported days stored in `platform_calendar_day`, which override shipped days of the same date.
 */
export class CalendarStore {
  private readonly db: Kysely<CalendarTables>;

  constructor(
    database: Database,
    private readonly calendar: WorkingCalendar,
    private readonly shipped: readonly CalendarDay[],
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    bus: EventBus,
  ) {
    this.db = database.db.withTables<CalendarTables>();
    bus.subscribeBroadcast('platform.calendar-reload', [CALENDAR_CHANGED], async () => this.load());
  }

  /** Merge shipped and stored days into the live calendar. */
  async load(): Promise<void> {
    this.calendar.replaceDays(await this.days());
  }

  /** Every exception day in force (shipped, overridden by stored), ordered by date. */
  async days(): Promise<CalendarDay[]> {
    const stored = await this.db.selectFrom('platform_calendar_day').selectAll().execute();
    const byDate = new Map(this.shipped.map((d) => [d.date, d]));
    for (const r of stored) byDate.set(r.date, { date: r.date, type: r.type as 'off' | 'work', ...(r.name ? { name: r.name } : {}) });
    return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
  }

  /** Store days (validated first by the calendar itself: a bad list changes nothing). */
  async importDays(days: readonly CalendarDay[]): Promise<{ stored: number }> {
    const merged = new Map((await this.days()).map((d) => [d.date, d]));
    for (const d of days) merged.set(d.date, d);
    const candidate = [...merged.values()];
    // Throws CALENDAR_INVALID on a bad row before anything is written.
    this.calendar.replaceDays(candidate);
    const now = this.clock.now().toISOString();
    await this.uow.run(async ({ tx, publish }) => {
      const t = tx.withTables<CalendarTables>();
      for (const d of days) {
        await t
          .insertInto('platform_calendar_day')
          .values({ date: d.date, type: d.type, name: d.name ?? '', updated_at: now })
          .onConflict((oc) => oc.column('date').doUpdateSet({ type: d.type, name: d.name ?? '', updated_at: now }))
          .execute();
      }
      await publish(CALENDAR_CHANGED, { stored: days.length });
    });
    return { stored: days.length };
  }
}
