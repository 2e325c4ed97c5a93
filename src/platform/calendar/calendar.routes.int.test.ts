import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/clock.ts';
import { EventBus, outboxMigrations } from '../events/event-bus.ts';
import { UnitOfWork } from '../events/unit-of-work.ts';
import { createHttpServer, type HttpApp } from '../http/http-server.ts';
import { createLogger } from '../logging/logger.ts';
import { Metrics } from '../metrics/metrics.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../testing/test-database.ts';
import { CalendarStore, calendarMigrations } from './calendar-store.ts';
import { calendarRoutes } from './calendar.routes.ts';
import { CN_CALENDAR_2025_2026 } from './cn-holidays.ts';
import { WorkingCalendar } from './working-calendar.ts';

describe(`working-day calendar over HTTP on ${testEngine()}`, () => {
  let db: TestDatabase;
  let http: HttpApp;
  let store: CalendarStore;
  const calendar = new WorkingCalendar(CN_CALENDAR_2025_2026);
  beforeAll(async () => {
    db = await openTestDatabase({ platform: { ...outboxMigrations, ...calendarMigrations } });
    const clock = new ManualClock('2026-12-01T00:00:00Z');
    const logger = createLogger({ level: 'silent' });
    const bus = new EventBus(db, clock, logger);
    store = new CalendarStore(db, calendar, CN_CALENDAR_2025_2026.days, new UnitOfWork(db, bus), clock, bus);
    await store.load();
    http = await createHttpServer({ logger, metrics: new Metrics({ defaults: false }), bodyLimit: 100_000, title: 't', version: '1', ready: () => true, authenticator: 'open' });
    calendarRoutes(http, store, calendar);
  });
  afterAll(async () => {
    await http?.close();
    await db?.close();
  });

  it('answers whether a day is worked and the due date n working days later, across the National Day holiday', async () => {
    const res = (await http.inject({ url: '/api/v1/calendar/working-day?date=2025-09-30&addWorkdays=3' })).json();
    expect(res).toMatchObject({ date: '2025-09-30', working: true, covered: true, dueAt: '2025-10-11T15:59:59.999Z' });
    expect((await http.inject({ url: '/api/v1/calendar/working-day?date=2025-10-11' })).json().working).toBe(true);
  });

  it('refuses dates that do not exist with a coded 400, not a 500', async () => {
    for (const date of ['2026-02-30', '2026-13-01', '2026-02-29', '0000-00-00']) {
      const res = await http.inject({ url: `/api/v1/calendar/working-day?date=${date}` });
      expect([res.statusCode, res.json().error.code, res.json().error.field], date).toEqual([400, 'VALIDATION_FAILED', 'date']);
    }
  });

  it('imports make-up days from CSV, and a file with a bad row changes nothing', async () => {
    const bad = await http.inject({ method: 'POST', url: '/api/v1/calendar/days', headers: { 'content-type': 'text/csv' }, payload: 'date,type,name\n2027-01-01,off,元旦\n2027-02-30,off,x\n' });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'CALENDAR_IMPORT_REJECTED']);
    expect(calendar.isWorkingDay('2027-01-01')).toBe(true);
    const ok = await http.inject({ method: 'POST', url: '/api/v1/calendar/days', headers: { 'content-type': 'text/csv' }, payload: 'date,type,name\n2027-01-01,off,元旦\n' });
    expect(ok.json()).toEqual({ stored: 1 });
    expect(calendar.isWorkingDay('2027-01-01')).toBe(false);
    expect((await http.inject({ url: '/api/v1/calendar/days?year=2027' })).json().items).toEqual([{ date: '2027-01-01', type: 'off', name: '元旦' }]);
  });
});
