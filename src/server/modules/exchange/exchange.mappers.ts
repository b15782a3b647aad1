import type { Assignment } from '../../../shared/exchange.schemas.js';
import { directionOf, honourLevel } from './exchange.rules.js';

export interface AssignmentJoinedRow {
  id: number;
  teacher_id: number;
  kind: string;
  from_school_id: number;
  to_school_id: number;
  start_date: string;
  end_date: string;
  workload: string;
  part_time_fraction: number | null;
  status: string;
  post_held: string | null;
  allowance_yuan: number | null;
  computed_hours: number;
  hours_override: number | null;
  override_reason: string | null;
  evaluation_grade: string | null;
  evaluation_comment: string | null;
  evaluated_at: string | null;
  note: string | null;
  created_at: string;
  teacher_name: string;
  teacher_gender: string;
  teacher_honours: string[];
  from_school_name: string;
  from_location_class: string;
  to_school_name: string;
  to_location_class: string;
}
interface SlotRow {
  id: number;
  assignment_id: number;
  weekday: number;
  start_time: string;
  end_time: string;
  subject: string | null;
  class_name: string | null;
}
interface SessionRow {
  id: number;
  assignment_id: number;
  held_on: string;
  hours: number;
  topic: string | null;
}

export function toAssignment(r: AssignmentJoinedRow, slots: SlotRow[], sessions: SessionRow[]): Assignment {
  return {
    id: r.id,
    teacherId: r.teacher_id,
    teacherName: r.teacher_name,
    teacherGender: r.teacher_gender as Assignment['teacherGender'],
    teacherHonours: r.teacher_honours,
    honourLevel: honourLevel(r.teacher_honours),
    kind: r.kind as Assignment['kind'],
    fromSchoolId: r.from_school_id,
    fromSchoolName: r.from_school_name,
    fromLocationClass: r.from_location_class as Assignment['fromLocationClass'],
    toSchoolId: r.to_school_id,
    toSchoolName: r.to_school_name,
    toLocationClass: r.to_location_class as Assignment['toLocationClass'],
    direction: directionOf(r.from_location_class, r.to_location_class),
    startDate: r.start_date,
    endDate: r.end_date,
    workload: r.workload as Assignment['workload'],
    partTimeFraction: r.part_time_fraction,
    status: r.status as Assignment['status'],
    postHeld: r.post_held,
    allowanceYuan: r.allowance_yuan,
    computedHours: r.computed_hours,
    hoursOverride: r.hours_override,
    overrideReason: r.override_reason,
    hours: r.hours_override ?? r.computed_hours,
    evaluationGrade: r.evaluation_grade as Assignment['evaluationGrade'],
    evaluationComment: r.evaluation_comment,
    evaluatedAt: r.evaluated_at,
    note: r.note,
    slots: slots
      .filter((s) => s.assignment_id === r.id)
      .map((s) => ({
        id: s.id,
        weekday: s.weekday,
        startTime: s.start_time,
        endTime: s.end_time,
        subject: s.subject,
        className: s.class_name,
      })),
    sessions: sessions
      .filter((s) => s.assignment_id === r.id)
      .map((s) => ({ id: s.id, heldOn: s.held_on, hours: s.hours, topic: s.topic })),
    createdAt: r.created_at,
  };
}
