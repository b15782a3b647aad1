import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<string, string | undefined, string>;
/** numeric columns come back as strings from pg; we cast to float8 in SQL so both drivers return numbers. */
type Num = ColumnType<number, number | undefined, number>;

/** Per-region settings; the nearest region up the hierarchy applies (see exchange.repo settingsFor). */
export interface ExchangeSettingsTable {
  region_code: string;
  day_hours: Num; // hours credited per school day of a full-time posting
  school_day_start: string; // 'HH:MM' earliest itinerant slot
  school_day_end: string;
  observations_per_month: number; // default mentor quota for new pairs
  structure_floor: Num; // e.g. 0.15: share of backbone teachers every community should keep
  promotion_months: number; // months of rural service title promotion asks for
  updated_at: Timestamp;
}

export interface ExchangeRuleTable {
  id: Generated<number>;
  region_code: string;
  name: string;
  kinds: string[];
  cycle_years: number;
  cycle_start_year: number;
  male_max_age: number | null;
  female_max_age: number | null;
  location_classes: string[];
  is_active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ExchangeAssignmentTable {
  id: Generated<number>;
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
  computed_hours: Num;
  hours_override: number | null;
  override_reason: string | null;
  evaluation_grade: string | null;
  evaluation_comment: string | null;
  evaluated_at: string | null;
  note: string | null;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ExchangeSlotTable {
  id: Generated<number>;
  assignment_id: number;
  weekday: number;
  start_time: string;
  end_time: string;
  subject: string | null;
  class_name: string | null;
}

export interface ExchangeSessionTable {
  id: Generated<number>;
  assignment_id: number;
  held_on: string;
  hours: number;
  topic: string | null;
  created_at: Timestamp;
}

/** What the system knows of a teacher's home timetable, to keep itinerant slots clear of it. */
export interface TeacherTimetableEntryTable {
  id: Generated<number>;
  teacher_id: number;
  school_id: number;
  weekday: number;
  start_time: string;
  end_time: string;
  subject: string | null;
  class_name: string | null;
  created_at: Timestamp;
}

export interface MentorshipTable {
  id: Generated<number>;
  community_id: number | null;
  mentor_teacher_id: number;
  apprentice_teacher_id: number;
  signed_on: string;
  ends_on: string | null;
  goals: string;
  observations_per_month: number;
  status: string;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MentorshipEvaluationTable {
  id: Generated<number>;
  mentorship_id: number;
  semester: string;
  grade: string;
  comment: string | null;
  evaluated_by: number | null;
  evaluated_at: Timestamp;
}

export interface MasterStudioTable {
  id: Generated<number>;
  name: string;
  region_code: string;
  community_id: number | null;
  leader_teacher_id: number;
  subject: string | null;
  founded_on: string;
  description: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MasterStudioMemberTable {
  studio_id: number;
  teacher_id: number;
  joined_on: string;
}

export interface ExchangeTables {
  exchange_settings: ExchangeSettingsTable;
  exchange_rules: ExchangeRuleTable;
  exchange_assignments: ExchangeAssignmentTable;
  exchange_slots: ExchangeSlotTable;
  exchange_sessions: ExchangeSessionTable;
  teacher_timetable_entries: TeacherTimetableEntryTable;
  mentorships: MentorshipTable;
  mentorship_evaluations: MentorshipEvaluationTable;
  master_studios: MasterStudioTable;
  master_studio_members: MasterStudioMemberTable;
}

/**
 * The column this module adds to the activities module's table (activities.mentorship_id). The
 * activities module owns the Kysely type of `activities`, so we query this column with `sql`.
 */
export interface MentorshipActivityColumns {
  mentorship_id: number | null;
}

export type AssignmentRow = Selectable<ExchangeAssignmentTable>;
export type MentorshipRow = Selectable<MentorshipTable>;
export type RuleRow = Selectable<ExchangeRuleTable>;
export type SettingsRow = Selectable<ExchangeSettingsTable>;
