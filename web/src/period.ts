/** A day (YYYY-MM-DD) in the city's zone, `offsetDays` from now. */
export function cityDay(offsetDays = 0, now = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(now + offsetDays * 86_400_000));
}
