import type { DueState } from '../../../shared/exchange.enums.js';
import { schoolYearOfDate } from '../../../shared/beijing-time.js';

/**
 * Eligibility and cycle rules (e.g. Enshi: every rural teacher, men under 50 and women under 45,
 * shadows at an urban school once within a three-year cycle). Pure functions; the service turns the
 * window and the age limits into SQL and classifies what it loads with `dueState`.
 */
export interface CycleRule {
  kinds: readonly string[];
  cycleYears: number;
  /** First school year of the first cycle (2024 = cycles 2024–2026, 2027–2029 …). */
  cycleStartYear: number;
  maleMaxAge: number | null;
  femaleMaxAge: number | null;
  locationClasses: readonly string[];
}

export interface CycleWindow {
  firstYear: number;
  lastYear: number;
  start: string;
  end: string;
}

/** The cycle the reference date falls in, as school years and as dates (1 Sept … 31 Aug). */
export function cycleWindow(rule: Pick<CycleRule, 'cycleYears' | 'cycleStartYear'>, refDate: string): CycleWindow {
  const year = schoolYearOfDate(refDate);
  const k = Math.floor((year - rule.cycleStartYear) / rule.cycleYears);
  const firstYear = rule.cycleStartYear + k * rule.cycleYears;
  const lastYear = firstYear + rule.cycleYears - 1;
  return { firstYear, lastYear, start: `${firstYear}-09-01`, end: `${lastYear + 1}-08-31` };
}

/** Age in whole years as the reference date's calendar year minus the birth year (what registers record). */
export function ageAt(birthYear: number, refDate: string): number {
  return Number(refDate.slice(0, 4)) - birthYear;
}

/** The age limit for a gender: null means the rule has no limit for it. */
export function ageLimit(rule: Pick<CycleRule, 'maleMaxAge' | 'femaleMaxAge'>, gender: string): number | null {
  return gender === 'M' ? rule.maleMaxAge : rule.femaleMaxAge;
}

export interface RuleTeacher {
  gender: string;
  birthYear: number | null;
  locationClass: string;
  status: string;
}

/** Whether the rule obliges the teacher: active, at a school of a listed class, under the gender's limit. */
export function isSubject(rule: CycleRule, t: RuleTeacher, refDate: string): boolean {
  if (t.status !== 'active' || !rule.locationClasses.includes(t.locationClass)) return false;
  const limit = ageLimit(rule, t.gender);
  if (limit === null) return true;
  if (t.birthYear === null) return false; // an unknown age cannot be judged; the register should be completed
  return ageAt(t.birthYear, refDate) < limit;
}

/** Done once a counting exchange is under way or finished in the cycle; scheduled while only planned. */
export function dueState(statusesInCycle: readonly string[]): DueState {
  if (statusesInCycle.some((s) => s === 'active' || s === 'completed')) return 'done';
  if (statusesInCycle.includes('planned')) return 'scheduled';
  return 'due';
}
