/**
 * Beijing time (Asia/Shanghai), the one clock of the product: the server may run in UTC and a
 * device in any zone, but dates, months, terms and deadlines are those of the schools. China keeps
 * UTC+8 all year (no daylight saving), so a fixed offset is exact. Pure functions for server and web.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** The Beijing calendar date 'YYYY-MM-DD' of an instant. */
export function shanghaiDate(instant: string | Date): string {
  const t = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Today in Beijing, 'YYYY-MM-DD'. */
export const todayShanghai = (now: Date = new Date()): string => shanghaiDate(now);

/** The Beijing month 'YYYY-MM' of an instant. */
export const shanghaiMonth = (instant: string | Date) => shanghaiDate(instant).slice(0, 7);

/** An ISO instant for a Beijing wall-clock date and time ('2025-10-14', '09:30'). */
export function shanghaiInstant(date: string, time = '00:00'): string {
  return new Date(Date.parse(`${date}T${time}:00Z`) - SHANGHAI_OFFSET_MS).toISOString();
}

/** 'YYYY-MM-DD HH:mm' on the Beijing clock, whatever the viewer's time zone. */
export function shanghaiDateTime(instant: string): string {
  return new Date(Date.parse(instant) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * A timestamp from the API for display, 'YYYY-MM-DD HH:mm[:ss]' on the Beijing clock. Only a string
 * that names its zone ('Z', '+08:00') is an instant; a bare date or wall-clock text is shown as it is.
 */
export function beijingDisplay(text: string, seconds = false): string {
  if (!/(Z|[+-]\d{2}(:?\d{2})?)$/.test(text) || !text.includes('T')) return text;
  const t = Date.parse(text);
  if (Number.isNaN(t)) return text;
  return new Date(t + SHANGHAI_OFFSET_MS)
    .toISOString()
    .slice(0, seconds ? 19 : 16)
    .replace('T', ' ');
}

/** The school year (2025 for 2025–2026) of a Beijing date: September starts a new one. */
export function schoolYearOfDate(date: string): number {
  const y = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 9 ? y : y - 1;
}

/** The school year running now in Beijing (2026 from 1 September 2026 to 31 August 2027). */
export const currentSchoolYear = (now: Date = new Date()): number => schoolYearOfDate(todayShanghai(now));
