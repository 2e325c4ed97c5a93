import { Type } from 'typebox';
import { AppError } from '../errors/app-error.ts';
import type { HttpApp } from '../http/http-server.ts';
import { PUBLIC } from '../http/auth.ts';

/** Permission to change the working-day calendar. */
export const CALENDAR_ADMIN = 'calendar.admin';
import { parseCalendarCsv, parseCalendarJson } from './calendar-import.ts';
import type { CalendarStore } from './calendar-store.ts';
import { epochDayOf, type WorkingCalendar } from './working-calendar.ts';

/** The working-day calendar under /api/v1/calendar: list, check a date, import days (JSON or CSV). */
export function calendarRoutes(app: HttpApp, store: CalendarStore, calendar: WorkingCalendar): void {
  const tags = ['calendar'];
  app.get('/api/v1/calendar/days', { config: { permission: PUBLIC },
    schema: { tags, summary: 'Holidays and make-up working days in force', querystring: Type.Object({ year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })) }) },
  }, async (req) => {
    const days = await store.days();
    return { zone: calendar.zone, years: calendar.years(), items: req.query.year ? days.filter((d) => d.date.startsWith(`${req.query.year}-`)) : days };
  });
  app.get('/api/v1/calendar/working-day', { config: { permission: PUBLIC },
    schema: { tags, summary: 'Is a date a working day? And the due date n working days after it', querystring: Type.Object({ date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), addWorkdays: Type.Optional(Type.Integer({ minimum: 0, maximum: 250 })) }) },
  }, async (req) => {
    const { date, addWorkdays } = req.query;
    if (epochDayOf(date) === undefined) {
      throw new AppError({ code: 'VALIDATION_FAILED', status: 400, field: 'date', zh: `日期无效：${date}`, en: `not a calendar date: ${date}` });
    }
    const working = calendar.isWorkingDay(date);
    // Noon local is safely inside the day in any zone.
    const noon = new Date(`${date}T12:00:00Z`);
    return {
      date, working, covered: calendar.covers(date),
      ...(addWorkdays !== undefined ? { dueAt: calendar.addWorkingDays(noon, addWorkdays).toISOString() } : {}),
    };
  });
  app.post('/api/v1/calendar/days', { config: { permission: CALENDAR_ADMIN },
    schema: { tags, summary: 'Import days: JSON [{date, type: off|work, name}] or CSV (text/csv) with header date,type,name; per-row report', consumes: ['application/json', 'text/csv'] },
  }, async (req) => {
    const parsed = typeof req.body === 'string' ? parseCalendarCsv(req.body) : parseCalendarJson(req.body);
    if (parsed.errors.length) {
      throw new AppError({ code: 'CALENDAR_IMPORT_REJECTED', status: 400, zh: `日历数据有 ${parsed.errors.length} 行错误，未导入`, en: `${parsed.errors.length} calendar rows are invalid; nothing was imported`, details: { errors: parsed.errors } });
    }
    return store.importDays(parsed.days);
  });
}
