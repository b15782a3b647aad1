import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<string, string | undefined, string>;
/** tsvector travels as its text literal (built in resources.search.ts). */
type TsVector = ColumnType<string, string, string>;

export interface ResourceTable {
  id: Generated<number>;
  title: string;
  description: string | null;
  kind: string;
  subject: string;
  grade: number | null;
  textbook_edition: string | null;
  unit: string | null;
  tags: string[];
  /** null: the county (region_code) owns it, published by its bureau */
  school_id: number | null;
  community_id: number | null;
  region_code: string;
  visibility: string;
  license_note: string | null;
  owner_user_id: number | null;
  activity_id: number | null;
  recommended: Generated<boolean>;
  recommended_at: string | null;
  recommended_by: number | null;
  current_version_id: number | null;
  view_count: Generated<number>;
  download_count: Generated<number>;
  rating_sum: Generated<number>;
  rating_count: Generated<number>;
  comment_count: Generated<number>;
  search_vec: TsVector;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ResourceVersionTable {
  id: Generated<number>;
  resource_id: number;
  version_no: number;
  storage_key: string | null;
  url: string | null;
  file_name: string | null;
  mime_type: string | null;
  size_bytes: number | null;
  sha256: string | null;
  note: string | null;
  created_by: number | null;
  created_at: Timestamp;
  /** the image's thumbnail in storage, written by the resources.thumbnail job (null until then) */
  thumb_key: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ResourceUploadTable {
  id: string;
  user_id: number;
  file_name: string;
  mime_type: string;
  size: number;
  received_bytes: Generated<number>;
  chunk_count: Generated<number>;
  status: Generated<string>;
  storage_key: string | null;
  sha256: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ResourceUploadChunkTable {
  upload_id: string;
  idx: number;
  byte_offset: number;
  bytes: number;
  storage_key: string;
}

export interface ResourceViewMarkTable {
  resource_id: number;
  user_id: number;
  kind: string;
  last_at: string;
}

export interface ResourceUsageDailyTable {
  resource_id: number;
  day: string;
  views: Generated<number>;
  downloads: Generated<number>;
}

export interface ResourceRatingTable {
  resource_id: number;
  user_id: number;
  stars: number;
  updated_at: Timestamp;
}

export interface ResourceCommentTable {
  id: Generated<number>;
  resource_id: number;
  user_id: number | null;
  body: string;
  created_at: Timestamp;
}

export interface SharedCourseTable {
  id: Generated<number>;
  title: string;
  description: string | null;
  subject: string;
  target_grades: number[];
  owner_school_id: number;
  community_id: number | null;
  school_year: number;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SharedCourseSchoolTable {
  course_id: number;
  school_id: number;
}

export interface SharedCourseSessionTable {
  id: Generated<number>;
  course_id: number;
  held_on: string;
  class_hours: number;
  topic: string;
  activity_id: number | null;
  created_at: Timestamp;
}

export interface SharedCourseEnrolmentTable {
  id: Generated<number>;
  course_id: number;
  school_id: number;
  class_name: string;
  students: number;
  created_at: Timestamp;
}

export interface ResourcesTables {
  resources: ResourceTable;
  resource_versions: ResourceVersionTable;
  resource_uploads: ResourceUploadTable;
  resource_upload_chunks: ResourceUploadChunkTable;
  resource_view_marks: ResourceViewMarkTable;
  resource_usage_daily: ResourceUsageDailyTable;
  resource_ratings: ResourceRatingTable;
  resource_comments: ResourceCommentTable;
  shared_courses: SharedCourseTable;
  shared_course_schools: SharedCourseSchoolTable;
  shared_course_sessions: SharedCourseSessionTable;
  shared_course_enrolments: SharedCourseEnrolmentTable;
}

export type ResourceRow = Selectable<ResourceTable>;
export type ResourceVersionRow = Selectable<ResourceVersionTable>;
export type ResourceUploadRow = Selectable<ResourceUploadTable>;
export type SharedCourseRow = Selectable<SharedCourseTable>;
