import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<string, string | undefined, string>;
/** jsonb of counts; written as JSON text so both drivers store the same thing. */
type JsonCounts = ColumnType<Record<string, number>, string, string>;

export interface RegionTable {
  code: string; // GB/T 2260 (or statistical code for development zones); townships 9 digits
  name: string;
  level: number; // 1 province, 2 city, 3 county, 4 township
  parent_code: string | null;
  is_statistical: boolean; // development zone with a statistical code, not a GB/T 2260 county
}

export interface SchoolTable {
  id: Generated<number>;
  code: string;
  name: string;
  short_name: string | null;
  region_code: string;
  township_code: string | null;
  level: string;
  location_class: string;
  is_teaching_point: boolean;
  parent_school_id: number | null;
  quality_tier: string | null;
  latitude: number | null;
  longitude: number | null;
  address: string | null;
  principal_name: string | null;
  phone: string | null;
  founded_year: number | null;
  students: number | null;
  classes: number | null;
  has_recording_classroom: boolean;
  has_sync_classroom: boolean;
  is_active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TeacherTable {
  id: Generated<number>;
  teacher_code: string; // 教师编号 (national teacher management system ID or the bureau's own)
  school_id: number;
  /** the county of the school (schools.region_code), kept by triggers: the county bureau's list index */
  county_code: Generated<string>;
  name: string;
  gender: string;
  birth_year: number | null;
  phone: string | null;
  subjects: string[]; // subjects taught
  major_subject: string | null; // trained subject (非专业代课 when not among subjects)
  title: string;
  honours: string[];
  posts: string[];
  qualification: string | null;
  hire_year: number | null;
  status: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CommunityTable {
  id: Generated<number>;
  code: string;
  name: string;
  type: string;
  model: string;
  region_code: string; // the region that runs it (the lead side of a cross-region pair)
  is_cross_region: boolean;
  partner_region_code: string | null;
  founded_on: string;
  dissolved_on: string | null;
  description: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MembershipTable {
  id: Generated<number>;
  community_id: number;
  school_id: number;
  role: string; // core | member
  start_date: string;
  end_date: string | null;
  note: string | null;
  created_at: Timestamp;
}

export interface LeadershipMemberTable {
  id: Generated<number>;
  community_id: number;
  person_name: string;
  teacher_id: number | null;
  school_id: number | null;
  role: string; // leader | deputy | member
  position: string | null; // e.g. 校长, 教导主任
  work_group: string | null; // e.g. 教学管理组, 德育研究组
  start_date: string;
  end_date: string | null;
  created_at: Timestamp;
}

export interface SchoolYearStatsTable {
  id: Generated<number>;
  school_id: number;
  school_year: number; // 2025 means 2025–2026
  students_total: number;
  classes_total: number;
  teachers_total: number;
  students_by_grade: JsonCounts;
  classes_by_size_band: JsonCounts;
  teachers_by_qualification: JsonCounts;
  teachers_by_honour: JsonCounts;
  teachers_by_subject: JsonCounts;
  teachers_above_qualification: number | null;
  backbone_teachers: number | null;
  pe_art_teachers: number | null;
  building_area: number | null;
  teaching_aux_area: number | null;
  sports_ground_area: number | null;
  equipment_value: number | null;
  multimedia_classrooms: number | null;
  recording_classrooms: number | null;
  is_standardized: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Each school's active teachers by what the indicator engine counts (kept by triggers on teachers). */
export interface SchoolTeacherCountsTable {
  school_id: number;
  active: number;
  master: number;
  backbone: number;
  with_major: number;
  non_specialist: number;
}

export interface RegistryTables {
  regions: RegionTable;
  schools: SchoolTable;
  teachers: TeacherTable;
  communities: CommunityTable;
  community_memberships: MembershipTable;
  leadership_members: LeadershipMemberTable;
  school_year_stats: SchoolYearStatsTable;
  school_teacher_counts: SchoolTeacherCountsTable;
}

export type SchoolRow = Selectable<SchoolTable>;
export type NewSchool = Insertable<SchoolTable>;
export type SchoolUpdate = Updateable<SchoolTable>;
export type TeacherRow = Selectable<TeacherTable>;
export type NewTeacher = Insertable<TeacherTable>;
export type CommunityRow = Selectable<CommunityTable>;
export type MembershipRow = Selectable<MembershipTable>;
export type LeadershipMemberRow = Selectable<LeadershipMemberTable>;
export type SchoolYearStatsRow = Selectable<SchoolYearStatsTable>;
