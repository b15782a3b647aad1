import type {
  Community,
  LeadershipMember,
  Membership,
  Region,
  School,
  SchoolYearStats,
  Teacher,
} from '../../../shared/registry.schemas.js';
import type {
  CommunityRow,
  LeadershipMemberRow,
  RegionTable,
  SchoolRow,
  SchoolYearStatsRow,
  TeacherRow,
} from './registry.tables.js';

/** Row (snake_case) → API object (camelCase). Pure functions. */
export function toRegion(r: RegionTable & { school_count?: number }): Region {
  return {
    code: r.code,
    name: r.name,
    level: r.level,
    parentCode: r.parent_code,
    isStatistical: r.is_statistical,
    ...(r.school_count !== undefined ? { schoolCount: r.school_count } : {}),
  };
}

type SchoolExtras = {
  region_name: string | null;
  township_name: string | null;
  teacher_count: number;
  parent_school_code?: string | null;
  communities: { id: number; name: string; role: string }[];
};
export function toSchool(r: SchoolRow & SchoolExtras): School {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    shortName: r.short_name,
    regionCode: r.region_code,
    regionName: r.region_name,
    townshipCode: r.township_code,
    townshipName: r.township_name,
    level: r.level as School['level'],
    locationClass: r.location_class as School['locationClass'],
    isTeachingPoint: r.is_teaching_point,
    parentSchoolId: r.parent_school_id,
    parentSchoolCode: r.parent_school_code ?? null,
    qualityTier: r.quality_tier as School['qualityTier'],
    latitude: r.latitude,
    longitude: r.longitude,
    address: r.address,
    principalName: r.principal_name,
    phone: r.phone,
    foundedYear: r.founded_year,
    students: r.students,
    classes: r.classes,
    teacherCount: r.teacher_count,
    hasRecordingClassroom: r.has_recording_classroom,
    hasSyncClassroom: r.has_sync_classroom,
    isActive: r.is_active,
    communities: r.communities.map((c) => ({ id: c.id, name: c.name, role: c.role as 'core' | 'member' })),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** 非专业代课: teaching a subject other than the one trained for. */
export function isNonSpecialist(subjects: string[], major: string | null): boolean {
  return major !== null && subjects.length > 0 && !subjects.includes(major);
}

export function toTeacher(r: Omit<TeacherRow, 'county_code'> & { school_name: string; school_code?: string }): Teacher {
  return {
    id: r.id,
    teacherCode: r.teacher_code,
    schoolId: r.school_id,
    schoolName: r.school_name,
    ...(r.school_code !== undefined ? { schoolCode: r.school_code } : {}),
    name: r.name,
    gender: r.gender as Teacher['gender'],
    birthYear: r.birth_year,
    phone: r.phone,
    subjects: r.subjects as Teacher['subjects'],
    majorSubject: r.major_subject as Teacher['majorSubject'],
    nonSpecialist: isNonSpecialist(r.subjects, r.major_subject),
    title: r.title as Teacher['title'],
    honours: r.honours as Teacher['honours'],
    posts: r.posts as Teacher['posts'],
    qualification: r.qualification as Teacher['qualification'],
    hireYear: r.hire_year,
    status: r.status as Teacher['status'],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

type CommunityExtras = {
  region_name: string | null;
  partner_region_name: string | null;
  core_schools: { id: number; name: string }[];
  member_count: number;
};
export function toCommunity(r: CommunityRow & CommunityExtras): Community {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    type: r.type as Community['type'],
    model: r.model as Community['model'],
    regionCode: r.region_code,
    regionName: r.region_name,
    isCrossRegion: r.is_cross_region,
    partnerRegionCode: r.partner_region_code,
    partnerRegionName: r.partner_region_name,
    foundedOn: r.founded_on,
    dissolvedOn: r.dissolved_on,
    description: r.description,
    coreSchools: r.core_schools,
    memberCount: r.member_count,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toMembership(r: {
  id: number;
  community_id: number;
  school_id: number;
  role: string;
  start_date: string;
  end_date: string | null;
  note: string | null;
  school_name: string;
  school_code: string;
  school_level: string;
  location_class: string;
  region_code: string;
  is_current: boolean;
}): Membership {
  return {
    id: r.id,
    communityId: r.community_id,
    schoolId: r.school_id,
    schoolName: r.school_name,
    schoolCode: r.school_code,
    schoolLevel: r.school_level as Membership['schoolLevel'],
    locationClass: r.location_class as Membership['locationClass'],
    regionCode: r.region_code,
    role: r.role as Membership['role'],
    startDate: r.start_date,
    endDate: r.end_date,
    note: r.note,
    isCurrent: r.is_current,
  };
}

export function toLeadershipMember(r: LeadershipMemberRow & { school_name: string | null }): LeadershipMember {
  return {
    id: r.id,
    communityId: r.community_id,
    personName: r.person_name,
    teacherId: r.teacher_id,
    schoolId: r.school_id,
    schoolName: r.school_name,
    role: r.role as LeadershipMember['role'],
    position: r.position,
    workGroup: r.work_group,
    startDate: r.start_date,
    endDate: r.end_date,
  };
}

export function toSchoolYearStats(
  r: SchoolYearStatsRow & { school_name: string; school_code?: string },
): SchoolYearStats {
  return {
    id: r.id,
    schoolId: r.school_id,
    schoolName: r.school_name,
    ...(r.school_code !== undefined ? { schoolCode: r.school_code } : {}),
    schoolYear: r.school_year,
    studentsTotal: r.students_total,
    classesTotal: r.classes_total,
    teachersTotal: r.teachers_total,
    studentsByGrade: gradeKeys(r.students_by_grade),
    classesBySizeBand: r.classes_by_size_band,
    teachersByQualification: r.teachers_by_qualification,
    teachersByHonour: r.teachers_by_honour,
    teachersBySubject: r.teachers_by_subject,
    teachersAboveQualification: r.teachers_above_qualification,
    backboneTeachers: r.backbone_teachers,
    peArtTeachers: r.pe_art_teachers,
    buildingArea: r.building_area,
    teachingAuxArea: r.teaching_aux_area,
    sportsGroundArea: r.sports_ground_area,
    equipmentValue: r.equipment_value,
    multimediaClassrooms: r.multimedia_classrooms,
    recordingClassrooms: r.recording_classrooms,
    isStandardized: r.is_standardized,
    updatedAt: r.updated_at,
  };
}

/** Grades are keyed "1"…"12" by the API; older data (the demo generator) wrote "g1"…"g12". */
export function gradeKeys(byGrade: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(byGrade ?? {})) out[k.replace(/^g/, '')] = v;
  return out;
}
