/**
 * Exchange hours as pure functions (shared so the form can preview what the server will store).
 * Haining reports its exchange effort in hours (440,000+ in total), so every assignment carries an
 * hour figure: school days × day length for full- and part-time postings, timetable slots × the weeks
 * they recur for itinerant teaching (走教), and the logged sessions for send-lesson visits (送教).
 */

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date (UTC arithmetic: no time zone or DST can shift it). */
export function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** ISO weekday of a day number: 1 Monday … 7 Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** How often a weekday (1–7) occurs in [start, end], both inclusive; 0 when end < start. */
export function weekdayOccurrences(start: string, end: string, weekday: number): number {
  const a = dayNumber(start);
  const b = dayNumber(end);
  if (b < a) return 0;
  // first day on or after `a` that falls on the weekday
  const first = a + ((weekday - isoWeekday(a) + 7) % 7);
  return first > b ? 0 : Math.floor((b - first) / 7) + 1;
}

/** School days (Monday–Friday) in [start, end], both inclusive. Public holidays are not known here. */
export function schoolDaysBetween(start: string, end: string): number {
  let n = 0;
  for (let wd = 1; wd <= 5; wd++) n += weekdayOccurrences(start, end, wd);
  return n;
}

/** Minutes since midnight of 'HH:MM' (or 'HH:MM:SS' as PostgreSQL returns a time). */
export function minutesOf(time: string): number {
  const [h = '0', m = '0'] = time.split(':');
  return Number(h) * 60 + Number(m);
}

export interface Slot {
  weekday: number;
  startTime: string;
  endTime: string;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Full-time: every school day counts a day's length; part-time: the agreed fraction of it. */
export function postingHours(start: string, end: string, dayHours: number, fraction = 1): number {
  return round2(schoolDaysBetween(start, end) * dayHours * fraction);
}

/** Itinerant teaching: each weekly slot counts its length once for every week it recurs in the dates. */
export function itinerantHours(start: string, end: string, slots: readonly Slot[]): number {
  let minutes = 0;
  for (const s of slots)
    minutes += weekdayOccurrences(start, end, s.weekday) * Math.max(0, minutesOf(s.endTime) - minutesOf(s.startTime));
  return round2(minutes / 60);
}

export interface HoursInput {
  kind: string;
  workload: 'full_time' | 'part_time';
  /** Share of a school day for part-time postings (0–1]; ignored for full-time. */
  partTimeFraction: number | null;
  startDate: string;
  endDate: string;
  dayHours: number;
  slots: readonly Slot[];
  sessionHours: readonly number[];
}

/** The hours the system computes for an assignment (an override with a reason may replace them). */
export function computeHours(a: HoursInput): number {
  if (a.kind === 'itinerant') return itinerantHours(a.startDate, a.endDate, a.slots);
  if (a.kind === 'send_lesson') return round2(a.sessionHours.reduce((s, h) => s + h, 0));
  const fraction = a.workload === 'part_time' ? (a.partTimeFraction ?? 0.5) : 1;
  return postingHours(a.startDate, a.endDate, a.dayHours, fraction);
}
