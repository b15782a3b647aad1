import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<string, string | undefined, string>;
/** jsonb written as JSON text so both drivers store the same thing. */
type Json<T> = ColumnType<T, string, string>;

export interface ActivityTable {
  id: Generated<number>;
  community_id: number;
  organizer_school_id: number;
  kind: string;
  title: string;
  description: string | null;
  starts_at: string;
  ends_at: string;
  semester: string;
  teacher_count: number;
  student_count: number;
  /** typed per kind, validated by the zod union in shared/activities.schemas.ts */
  details: Json<Record<string, unknown>>;
  created_by: number | null;
  /** device-generated id, unique per creator: makes a retried offline create idempotent */
  client_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Participating schools (the organiser included), for per-school counts and scope. */
export interface ActivitySchoolTable {
  activity_id: number;
  school_id: number;
  role: string; // organizer | participant
}

/** Evidence files; a correction is a new version in the same group, never an overwrite. */
export interface ActivityAttachmentTable {
  id: Generated<number>;
  activity_id: number;
  group_id: string;
  version: number;
  category: string; // photo | document
  file_key: string;
  thumb_key: string | null;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  caption: string | null;
  uploaded_by: number | null;
  /** device-generated id, unique per uploader: makes a retried offline upload idempotent */
  client_id: ColumnType<string | null, string | null | undefined, string | null>;
  uploaded_at: Timestamp;
}

export interface WorkPlanTable {
  id: Generated<number>;
  community_id: number;
  semester: string;
  title: string;
  notes: string | null;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WorkPlanTargetTable {
  id: Generated<number>;
  plan_id: number;
  kind: string;
  target_count: number;
  cadence: string; // semester | monthly
  school_id: number | null;
  grade: number | null;
  subject: string | null;
  month: string | null;
  note: string | null;
}

/** 资源共用: money and goods given to a member school. */
export interface SupportLedgerTable {
  id: Generated<number>;
  community_id: number;
  recipient_school_id: number;
  donor_type: string;
  donor_school_id: number | null;
  donor_name: string | null;
  category: string;
  item: string;
  quantity: number | null;
  unit: string | null;
  value_yuan: number;
  given_on: string;
  note: string | null;
  evidence_key: string | null;
  evidence_name: string | null;
  evidence_mime: string | null;
  evidence_size: number | null;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Maintained by triggers (migration 20261204_1010): activities per community, organiser, kind, semester, Beijing month. */
export interface ActivitySummaryTable {
  community_id: number;
  organizer_school_id: number;
  kind: string;
  semester: string;
  /** the first day of the Beijing month */
  month: string;
  activities: number;
  sessions: ColumnType<string, never, never>;
  teacher_times: ColumnType<string, never, never>;
  student_times: ColumnType<string, never, never>;
}

/** The same, once per participating school (activity_schools). */
export interface ActivitySchoolSummaryTable extends ActivitySummaryTable {
  school_id: number;
}

export interface ActivitiesTables {
  activity_summary: ActivitySummaryTable;
  activity_school_summary: ActivitySchoolSummaryTable;
  activities: ActivityTable;
  activity_schools: ActivitySchoolTable;
  activity_attachments: ActivityAttachmentTable;
  work_plans: WorkPlanTable;
  work_plan_targets: WorkPlanTargetTable;
  support_ledger: SupportLedgerTable;
}

export type ActivityRow = Selectable<ActivityTable>;
export type AttachmentRow = Selectable<ActivityAttachmentTable>;
export type SupportRow = Selectable<SupportLedgerTable>;
