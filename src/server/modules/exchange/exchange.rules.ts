import { BACKBONE_HONOURS, MASTER_HONOURS, type TeacherHonour } from '../../../shared/enums.js';
import type { Direction, HonourLevel } from '../../../shared/exchange.enums.js';
import { dayNumber, minutesOf, type Slot } from '../../../shared/exchange.hours.js';

/**
 * The rules of an exchange assignment as plain functions of data: the service loads the rows, calls
 * these, and refuses the request with the problems they report.
 */

export interface DatedAssignment {
  id: number;
  startDate: string;
  endDate: string;
  workload: string;
  status: string;
}

/** Two inclusive date ranges share at least one day. */
export function datesOverlap(aStart: string, aEnd: string, bStart: string, bEnd: string): boolean {
  return aStart <= bEnd && bStart <= aEnd;
}

/**
 * A teacher cannot hold two full-time postings at once. Returns the existing assignment the
 * candidate collides with (cancelled ones and the candidate itself never count).
 */
export function fullTimeOverlap(
  candidate: DatedAssignment,
  existing: readonly DatedAssignment[],
): DatedAssignment | null {
  if (candidate.workload !== 'full_time' || candidate.status === 'cancelled') return null;
  for (const e of existing) {
    if (e.id === candidate.id || e.workload !== 'full_time' || e.status === 'cancelled') continue;
    if (datesOverlap(candidate.startDate, candidate.endDate, e.startDate, e.endDate)) return e;
  }
  return null;
}

export interface HomeEntry extends Slot {
  id: number;
  schoolName?: string | null;
}

function slotsOverlap(a: Slot, b: Slot): boolean {
  return (
    a.weekday === b.weekday &&
    minutesOf(a.startTime) < minutesOf(b.endTime) &&
    minutesOf(b.startTime) < minutesOf(a.endTime)
  );
}

export type SlotProblem =
  | { index: number; reason: 'end_before_start' }
  | { index: number; reason: 'outside_hours'; dayStart: string; dayEnd: string }
  | { index: number; reason: 'weekend' }
  | { index: number; reason: 'self_clash'; other: number }
  | { index: number; reason: 'home_clash'; entry: HomeEntry };

/**
 * Checks an itinerant timetable: each slot ends after it starts, lies on a school day within school
 * hours, does not clash with another slot, nor with the teacher's known home timetable.
 */
export function timetableProblems(
  slots: readonly Slot[],
  home: readonly HomeEntry[],
  dayStart: string,
  dayEnd: string,
): SlotProblem[] {
  const out: SlotProblem[] = [];
  slots.forEach((s, index) => {
    if (minutesOf(s.endTime) <= minutesOf(s.startTime)) {
      out.push({ index, reason: 'end_before_start' });
      return;
    }
    if (s.weekday > 5) out.push({ index, reason: 'weekend' });
    if (minutesOf(s.startTime) < minutesOf(dayStart) || minutesOf(s.endTime) > minutesOf(dayEnd))
      out.push({ index, reason: 'outside_hours', dayStart, dayEnd });
    const other = slots.findIndex((o, j) => j < index && slotsOverlap(o, s));
    if (other >= 0) out.push({ index, reason: 'self_clash', other });
    const entry = home.find((h) => slotsOverlap(h, s));
    if (entry) out.push({ index, reason: 'home_clash', entry });
  });
  return out;
}

const LOCATION_RANK: Record<string, number> = { urban: 2, town: 1, rural: 0 };

/** 城→乡 when the receiving school is more rural than the sending one, 乡→城 the other way. */
export function directionOf(fromClass: string, toClass: string): Direction {
  const a = LOCATION_RANK[fromClass] ?? 1;
  const b = LOCATION_RANK[toClass] ?? 1;
  return a > b ? 'to_rural' : a < b ? 'to_urban' : 'level';
}

/** The highest honour level a teacher holds (master ⊂ backbone in the national indicator). */
export function honourLevel(honours: readonly string[]): HonourLevel {
  if (honours.some((h) => MASTER_HONOURS.includes(h as TeacherHonour))) return 'master';
  if (honours.some((h) => BACKBONE_HONOURS.includes(h as TeacherHonour))) return 'backbone';
  if (honours.includes('rising_star')) return 'rising_star';
  return 'none';
}

export interface CreditAssignment {
  kind: string;
  status: string;
  workload: string;
  startDate: string;
  endDate: string;
  direction: Direction;
}

/** Kinds that count as service at a rural or weak school for title promotion (职称评审). */
export const CREDIT_KINDS = ['support_teaching', 'rotation', 'secondment'];

/**
 * Months of completed full-time service at a more rural school, the figure title-promotion reviews
 * ask for (e.g. ≥ 12 months before applying for 高级教师), and whether it meets the requirement.
 */
export function promotionCredit(
  assignments: readonly CreditAssignment[],
  requiredMonths: number,
): { months: number; meets: boolean } {
  let days = 0;
  for (const a of assignments) {
    if (
      a.status !== 'completed' ||
      a.workload !== 'full_time' ||
      !CREDIT_KINDS.includes(a.kind) ||
      a.direction !== 'to_rural'
    )
      continue;
    days += dayNumber(a.endDate) - dayNumber(a.startDate) + 1;
  }
  // a month is 1/12 of a 365.25-day year; one decimal is what the review forms record
  const months = Math.round((days / (365.25 / 12)) * 10) / 10;
  return { months, meets: months >= requiredMonths };
}
