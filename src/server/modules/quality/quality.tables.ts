import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<string, string | undefined, string>;
/** numeric columns come back as numbers (connection.ts parses NUMERIC) and are written as numbers */
type Num = ColumnType<number, number | string, number | string>;

export interface QualityClassTable {
  id: Generated<number>;
  school_id: number;
  school_year: number; // 2025 means 2025–2026
  grade: number;
  name: string;
  created_at: Timestamp;
}

/** A pseudonymous student: the key is what score sheets carry; names and ID numbers live apart. */
export interface QualityStudentTable {
  id: Generated<number>;
  student_key: string;
  school_id: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Personal data of a student, readable only by the student's own school (quality.policy.ts). */
export interface QualityStudentIdentityTable {
  student_id: number;
  name: string | null;
  id_number: string | null;
  updated_at: Timestamp;
}

export interface QualityExamTable {
  id: Generated<number>;
  name: string;
  exam_date: string;
  school_year: number;
  term: number;
  grade: number;
  region_code: string; // the region (or the school's region) that owns the exam
  owner_school_id: number | null; // set for a school's own exam
  created_by: number | null; // null for generated demo exams
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface QualityExamSubjectTable {
  id: Generated<number>;
  exam_id: number;
  subject: string;
  full_mark: Num;
  pass_line: Num;
  excellent_line: Num;
  low_line: Num;
}

export interface QualityExamItemTable {
  id: Generated<number>;
  exam_subject_id: number;
  item_no: string;
  position: number;
  full_mark: Num;
  knowledge_points: string[];
}

export interface QualityExamSchoolTable {
  exam_id: number;
  school_id: number;
}

export interface QualityScoreTable {
  exam_id: number;
  exam_subject_id: number;
  student_id: number;
  school_id: number;
  class_id: number;
  score: Num;
}

export interface QualityItemScoreTable {
  exam_item_id: number;
  student_id: number;
  score: Num;
}

export interface QualityImportJobTable {
  id: string;
  exam_id: number;
  level: string;
  status: string;
  file_key: string;
  file_name: string;
  file_size: number;
  rows_total: Generated<number>;
  rows_checked: Generated<number>;
  rows_written: Generated<number>;
  error_count: Generated<number>;
  message: string | null;
  created_by: number;
  scope_kind: string;
  scope_id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  committed_at: string | null;
  /** Set when the source file was deleted from storage (retention). */
  file_deleted_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** the queued job checking or committing it (jobs.id), while there is one */
  queue_job_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** rows in the staging table when the check passed */
  rows_staged: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface QualityImportErrorTable {
  job_id: string;
  row_no: number;
  column_name: string;
  code: string;
  message: string;
  message_en: string;
}

export interface QualityTables {
  quality_classes: QualityClassTable;
  quality_students: QualityStudentTable;
  quality_student_identities: QualityStudentIdentityTable;
  quality_exams: QualityExamTable;
  quality_exam_subjects: QualityExamSubjectTable;
  quality_exam_items: QualityExamItemTable;
  quality_exam_schools: QualityExamSchoolTable;
  quality_scores: QualityScoreTable;
  quality_item_scores: QualityItemScoreTable;
  quality_import_jobs: QualityImportJobTable;
  quality_import_errors: QualityImportErrorTable;
}

export type ExamRow = Selectable<QualityExamTable>;
export type ExamSubjectRow = Selectable<QualityExamSubjectTable>;
export type ExamItemRow = Selectable<QualityExamItemTable>;
export type QualityJobRow = Selectable<QualityImportJobTable>;
