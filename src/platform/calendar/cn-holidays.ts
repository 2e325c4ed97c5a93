import type { CalendarData } from './working-calendar.ts';

/**
 * China's statutory holidays and make-up working days (调休上班) for 2025 and 2026, from the State Council
 * General Office notices (2025: issued 2024-11-12; 2026: issued 2025-11-04). Transcribed, not computed:
 * add a later year from its own notice. Days are in date order; a make-up day carries its holiday's name.
 */
export const CN_CALENDAR_2025_2026: CalendarData = {
  zone: 'Asia/Shanghai',
  days: [
    // 2025
    { date: '2025-01-01', type: 'off', name: '元旦' },
    { date: '2025-01-26', type: 'work', name: '春节' }, // Sun
    { date: '2025-01-28', type: 'off', name: '春节' },
    { date: '2025-01-29', type: 'off', name: '春节' },
    { date: '2025-01-30', type: 'off', name: '春节' },
    { date: '2025-01-31', type: 'off', name: '春节' },
    { date: '2025-02-01', type: 'off', name: '春节' },
    { date: '2025-02-02', type: 'off', name: '春节' },
    { date: '2025-02-03', type: 'off', name: '春节' },
    { date: '2025-02-04', type: 'off', name: '春节' },
    { date: '2025-02-08', type: 'work', name: '春节' }, // Sat
    { date: '2025-04-04', type: 'off', name: '清明节' },
    { date: '2025-04-05', type: 'off', name: '清明节' },
    { date: '2025-04-06', type: 'off', name: '清明节' },
    { date: '2025-04-27', type: 'work', name: '劳动节' }, // Sun
    { date: '2025-05-01', type: 'off', name: '劳动节' },
    { date: '2025-05-02', type: 'off', name: '劳动节' },
    { date: '2025-05-03', type: 'off', name: '劳动节' },
    { date: '2025-05-04', type: 'off', name: '劳动节' },
    { date: '2025-05-05', type: 'off', name: '劳动节' },
    { date: '2025-05-31', type: 'off', name: '端午节' },
    { date: '2025-06-01', type: 'off', name: '端午节' },
    { date: '2025-06-02', type: 'off', name: '端午节' },
    { date: '2025-09-28', type: 'work', name: '国庆节、中秋节' }, // Sun
    { date: '2025-10-01', type: 'off', name: '国庆节、中秋节' },
    { date: '2025-10-02', type: 'off', name: '国庆节、中秋节' },
    { date: '2025-10-03', type: 'off', name: '国庆节、中秋节' },
    { date: '2025-10-04', type: 'off', name: '国庆节、中秋节' },
    { date: '2025-10-05', type: 'off', name: '国庆节、中秋节' },
    { date: '2025-10-06', type: 'off', name: '国庆节、中秋节' },
    { date: '2025-10-07', type: 'off', name: '国庆节、中秋节' },
    { date: '2025-10-08', type: 'off', name: '国庆节、中秋节' },
    { date: '2025-10-11', type: 'work', name: '国庆节、中秋节' }, // Sat
    // 2026
    { date: '2026-01-01', type: 'off', name: '元旦' },
    { date: '2026-01-02', type: 'off', name: '元旦' },
    { date: '2026-01-03', type: 'off', name: '元旦' },
    { date: '2026-01-04', type: 'work', name: '元旦' }, // Sun
    { date: '2026-02-14', type: 'work', name: '春节' }, // Sat
    { date: '2026-02-15', type: 'off', name: '春节' },
    { date: '2026-02-16', type: 'off', name: '春节' },
    { date: '2026-02-17', type: 'off', name: '春节' },
    { date: '2026-02-18', type: 'off', name: '春节' },
    { date: '2026-02-19', type: 'off', name: '春节' },
    { date: '2026-02-20', type: 'off', name: '春节' },
    { date: '2026-02-21', type: 'off', name: '春节' },
    { date: '2026-02-22', type: 'off', name: '春节' },
    { date: '2026-02-23', type: 'off', name: '春节' },
    { date: '2026-02-28', type: 'work', name: '春节' }, // Sat
    { date: '2026-04-04', type: 'off', name: '清明节' },
    { date: '2026-04-05', type: 'off', name: '清明节' },
    { date: '2026-04-06', type: 'off', name: '清明节' },
    { date: '2026-05-01', type: 'off', name: '劳动节' },
    { date: '2026-05-02', type: 'off', name: '劳动节' },
    { date: '2026-05-03', type: 'off', name: '劳动节' },
    { date: '2026-05-04', type: 'off', name: '劳动节' },
    { date: '2026-05-05', type: 'off', name: '劳动节' },
    { date: '2026-05-09', type: 'work', name: '劳动节' }, // Sat
    { date: '2026-06-19', type: 'off', name: '端午节' },
    { date: '2026-06-20', type: 'off', name: '端午节' },
    { date: '2026-06-21', type: 'off', name: '端午节' },
    { date: '2026-09-20', type: 'work', name: '国庆节' }, // Sun
    { date: '2026-09-25', type: 'off', name: '中秋节' },
    { date: '2026-09-26', type: 'off', name: '中秋节' },
    { date: '2026-09-27', type: 'off', name: '中秋节' },
    { date: '2026-10-01', type: 'off', name: '国庆节' },
    { date: '2026-10-02', type: 'off', name: '国庆节' },
    { date: '2026-10-03', type: 'off', name: '国庆节' },
    { date: '2026-10-04', type: 'off', name: '国庆节' },
    { date: '2026-10-05', type: 'off', name: '国庆节' },
    { date: '2026-10-06', type: 'off', name: '国庆节' },
    { date: '2026-10-07', type: 'off', name: '国庆节' },
    { date: '2026-10-10', type: 'work', name: '国庆节' }, // Sat
  ],
};
