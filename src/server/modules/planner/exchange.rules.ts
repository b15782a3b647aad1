import { type SchoolLevel, type Subject } from '../../../shared/enums.js';
import type { ExchangeSettings } from '../../../shared/planner.schemas.js';

/**
 * Teacher-exchange rules as plain functions: where a school lacks a subject's specialist
 * (no teacher at all, or only 非专业代课 non-specialists), and how many specialists a strong school
 * can spare above its own need. Weekly periods per class follow the national curriculum plan
 * (义务教育课程方案, rounded); a "slot" is one teaching day a week at the receiving school.
 */

/** Weekly periods per class: [primary, junior]. 0 = not taught at that stage. */
export const WEEKLY_PERIODS: Partial<Record<Subject, readonly [number, number]>> = {
  english: [2, 4],
  music: [2, 1],
  art: [2, 1],
  pe: [4, 3],
  science: [2, 0],
  it: [1, 1],
  physics: [0, 3],
  chemistry: [0, 2],
  biology: [0, 2],
  history: [0, 2],
  geography: [0, 2],
  chinese: [7, 5],
  math: [5, 5],
  politics: [2, 2],
};
/** Periods one visiting teacher covers in a day. */
export const PERIODS_PER_SLOT = 6;
const LEADER_POSTS = ['principal', 'vice_principal', 'party_secretary'];

export function periodsPerClass(level: SchoolLevel, subject: Subject): number {
  const p = WEEKLY_PERIODS[subject];
  if (!p) return 0;
  if (level === 'primary') return p[0];
  if (level === 'junior' || level === 'complete_secondary') return p[1];
  if (level === 'kindergarten') return 0;
  return Math.max(p[0], p[1]); // nine-/twelve-year schools teach both stages
}

export interface StaffTeacher {
  id: number;
  name: string;
  subjects: string[];
  majorSubject: string | null;
  posts: string[];
  honours: string[];
}
export interface StaffedSchool {
  id: number;
  name: string;
  level: SchoolLevel;
  classes: number;
  latitude: number;
  longitude: number;
  regionCode: string;
  teachers: StaffTeacher[];
}

const isSpecialist = (t: StaffTeacher, s: Subject) => t.majorSubject === s && t.subjects.includes(s);

export interface Shortage {
  subject: Subject;
  reason: 'no_teacher' | 'non_specialist';
  slotsNeeded: number;
}

/** A subject the school must teach with no specialist on its staff. */
export function shortagesOf(school: StaffedSchool, subjects: readonly Subject[]): Shortage[] {
  const out: Shortage[] = [];
  for (const subject of subjects) {
    const periods = periodsPerClass(school.level, subject);
    if (periods === 0 || school.classes <= 0) continue;
    if (school.teachers.some((t) => isSpecialist(t, subject))) continue;
    const teaching = school.teachers.some((t) => t.subjects.includes(subject));
    const slotsNeeded = Math.min(5, Math.max(1, Math.ceil((school.classes * periods) / PERIODS_PER_SLOT)));
    out.push({ subject, reason: teaching ? 'non_specialist' : 'no_teacher', slotsNeeded });
  }
  return out;
}

export interface Supply {
  subject: Subject;
  spareTeachers: number;
  slots: number;
  /** specialists who could go, backbone teachers first, school leaders never */
  candidates: { id: number; name: string }[];
}

/** Specialists above the school's own need (classes × periods ÷ full load). */
export function supplyOf(
  school: StaffedSchool,
  subjects: readonly Subject[],
  settings: Pick<ExchangeSettings, 'periodsPerTeacher' | 'slotsPerTeacher'>,
): Supply[] {
  const out: Supply[] = [];
  for (const subject of subjects) {
    const periods = periodsPerClass(school.level, subject);
    if (periods === 0) continue;
    const specialists = school.teachers.filter((t) => isSpecialist(t, subject));
    const need = Math.ceil((school.classes * periods) / settings.periodsPerTeacher);
    const spare = specialists.length - need;
    if (spare <= 0) continue;
    const candidates = specialists
      .filter((t) => !t.posts.some((p) => LEADER_POSTS.includes(p)))
      .sort((a, b) => b.honours.length - a.honours.length || a.id - b.id)
      .slice(0, spare)
      .map((t) => ({ id: t.id, name: t.name }));
    if (!candidates.length) continue;
    out.push({
      subject,
      spareTeachers: candidates.length,
      slots: candidates.length * settings.slotsPerTeacher,
      candidates,
    });
  }
  return out;
}

/** 支教 (a teacher placed at the school) when the need is most of a week, else 走教 (weekly visits). */
export function exchangeKind(slotsNeeded: number, supportThresholdSlots: number): 'itinerant' | 'support_teaching' {
  return slotsNeeded >= supportThresholdSlots ? 'support_teaching' : 'itinerant';
}
