import type { Actor } from '../../http/actor.js';
import { inActorRegion } from '../registry/index.js';

/**
 * Who may do what with exams, classes, scores and students, in one readable place. Lists are
 * filtered in SQL with registry.scope.ts (visible schools for aggregates, private schools for rows).
 *
 * | action                               | bureau_admin      | school_admin        | teacher             | community_lead, assessor, viewer |
 * |--------------------------------------|-------------------|---------------------|---------------------|----------------------------------|
 * | read exams and aggregate statistics  | region            | own + community     | own + community     | scope                            |
 * | create / delete an exam              | region's schools  | own school only     | –                   | –                                |
 * | manage classes                       | region's schools  | own school          | –                   | –                                |
 * | import scores                        | exam's schools    | own school's rows   | –                   | –                                |
 * | student names, ID numbers, per-student scores | never (aggregates only) | own school | own school | never                    |
 */
export interface ExamRef {
  region_code: string;
  owner_school_id: number | null;
}
export interface SchoolRef {
  id: number;
  region_code: string;
}

const ownSchool = (actor: Actor, schoolId: number) =>
  actor.scope.kind === 'school' && actor.scope.id === String(schoolId);

export const qualityPolicy = {
  /** schools: every school the new exam lists */
  createExam(actor: Actor, schools: SchoolRef[]) {
    if (actor.role === 'bureau_admin') return schools.every((s) => inActorRegion(actor, s.region_code));
    if (actor.role === 'school_admin') return schools.length === 1 && ownSchool(actor, schools[0]!.id);
    return false;
  },
  manageExam(actor: Actor, exam: ExamRef) {
    if (actor.role === 'bureau_admin') return inActorRegion(actor, exam.region_code);
    if (actor.role === 'school_admin') return exam.owner_school_id !== null && ownSchool(actor, exam.owner_school_id);
    return false;
  },
  /** Which of the exam's schools the actor may import rows for. */
  importableSchools(actor: Actor, examSchools: SchoolRef[]): Set<number> {
    if (actor.role === 'bureau_admin')
      return new Set(examSchools.filter((s) => inActorRegion(actor, s.region_code)).map((s) => s.id));
    if (actor.role === 'school_admin')
      return new Set(examSchools.filter((s) => ownSchool(actor, s.id)).map((s) => s.id));
    return new Set();
  },
  manageClasses(actor: Actor, school: SchoolRef) {
    if (actor.role === 'bureau_admin') return inActorRegion(actor, school.region_code);
    if (actor.role === 'school_admin') return ownSchool(actor, school.id);
    return false;
  },
  /** Student names, ID numbers and per-student scores: the student's own school only. */
  seeStudents(actor: Actor, schoolId: number) {
    return (actor.role === 'school_admin' || actor.role === 'teacher') && ownSchool(actor, schoolId);
  },
};

/** ID numbers never leave the server whole: keep the 6-digit region prefix and the last 4. */
export function maskIdNumber(id: string | null | undefined): string | null {
  if (!id) return null;
  const s = id.trim();
  if (s.length <= 4) return '*'.repeat(s.length);
  if (s.length <= 10) return `${'*'.repeat(s.length - 4)}${s.slice(-4)}`;
  return `${s.slice(0, 6)}${'*'.repeat(s.length - 10)}${s.slice(-4)}`;
}
