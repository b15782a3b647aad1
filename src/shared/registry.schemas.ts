import { z } from 'zod';
import { studentsByGradeSchema } from './grades.js';
import {
  COMMUNITY_MODELS,
  COMMUNITY_TYPES,
  GENDERS,
  LEADERSHIP_ROLES,
  LOCATION_CLASSES,
  MEMBERSHIP_ROLES,
  QUALIFICATIONS,
  QUALITY_TIERS,
  SCHOOL_LEVELS,
  SUBJECTS,
  TEACHER_HONOURS,
  TEACHER_POSTS,
  TEACHER_STATUSES,
  TEACHER_TITLES,
} from './enums.js';
import { bi, isoDate, pageQuery, patchOf, queryBool, queryList } from './validation.js';

const trimmed = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v));

// ---------- regions ----------
export const regionSchema = z.object({
  code: z.string(),
  name: z.string(),
  level: z.number().int(),
  parentCode: z.string().nullable(),
  isStatistical: z.boolean(),
  schoolCount: z.number().int().optional(),
});
export type Region = z.infer<typeof regionSchema>;
export const regionListQuery = pageQuery.extend({
  parent: z.string().max(12).optional(),
  level: z.coerce.number().int().min(0).max(4).optional(),
  search: z.string().trim().max(50).optional(),
});

// ---------- schools ----------
export const schoolCode = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z]{4,20}$/, { message: bi('学校代码为 4-20 位字母或数字', 'School code: 4–20 letters or digits') });

export const schoolInput = z.object({
  code: schoolCode,
  name: trimmed(100),
  shortName: optionalText(50),
  regionCode: z
    .string()
    .trim()
    .regex(/^\d{6}$/, { message: bi('区县代码应为 6 位数字', 'County code must be 6 digits') }),
  townshipCode: z
    .string()
    .trim()
    .regex(/^\d{9}$/, { message: bi('乡镇代码应为 9 位数字', 'Township code must be 9 digits') })
    .nullable()
    .optional(),
  level: z.enum(SCHOOL_LEVELS),
  locationClass: z.enum(LOCATION_CLASSES),
  isTeachingPoint: z.boolean().default(false),
  parentSchoolId: z.number().int().positive().nullable().optional(),
  qualityTier: z.enum(QUALITY_TIERS).nullable().optional(),
  latitude: z
    .number()
    .min(3, { message: bi('纬度超出中国范围（3–54）', 'Latitude outside China (3–54)') })
    .max(54, { message: bi('纬度超出中国范围（3–54）', 'Latitude outside China (3–54)') })
    .nullable()
    .optional(),
  longitude: z
    .number()
    .min(73, { message: bi('经度超出中国范围（73–136）', 'Longitude outside China (73–136)') })
    .max(136, { message: bi('经度超出中国范围（73–136）', 'Longitude outside China (73–136)') })
    .nullable()
    .optional(),
  address: optionalText(200),
  principalName: optionalText(50),
  phone: optionalText(30),
  foundedYear: z.number().int().min(1800).max(2100).nullable().optional(),
  students: z.number().int().min(0).max(50000).nullable().optional(),
  classes: z.number().int().min(0).max(1000).nullable().optional(),
  hasRecordingClassroom: z.boolean().default(false),
  hasSyncClassroom: z.boolean().default(false),
});
export type SchoolInput = z.infer<typeof schoolInput>;
export const schoolPatch = patchOf(schoolInput).extend({ isActive: z.boolean().optional() });
export type SchoolPatch = z.infer<typeof schoolPatch>;

export const schoolSchema = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  shortName: z.string().nullable(),
  regionCode: z.string(),
  regionName: z.string().nullable(),
  townshipCode: z.string().nullable(),
  townshipName: z.string().nullable(),
  level: z.enum(SCHOOL_LEVELS),
  locationClass: z.enum(LOCATION_CLASSES),
  isTeachingPoint: z.boolean(),
  parentSchoolId: z.number().int().nullable(),
  /** code of the centre school (exports carry it so they re-import) */
  parentSchoolCode: z.string().nullable().optional(),
  qualityTier: z.enum(QUALITY_TIERS).nullable(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  address: z.string().nullable(),
  principalName: z.string().nullable(),
  phone: z.string().nullable(),
  foundedYear: z.number().int().nullable(),
  students: z.number().int().nullable(),
  classes: z.number().int().nullable(),
  teacherCount: z.number().int(),
  hasRecordingClassroom: z.boolean(),
  hasSyncClassroom: z.boolean(),
  isActive: z.boolean(),
  communities: z.array(z.object({ id: z.number().int(), name: z.string(), role: z.enum(MEMBERSHIP_ROLES) })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type School = z.infer<typeof schoolSchema>;

export const SCHOOL_SORTS = ['code', 'name', 'students', 'createdAt'] as const;
export const schoolListQuery = pageQuery.extend({
  search: z.string().trim().max(50).optional(),
  region: z.string().trim().max(12).optional(),
  level: queryList(z.enum(SCHOOL_LEVELS)).optional(),
  locationClass: queryList(z.enum(LOCATION_CLASSES)).optional(),
  qualityTier: queryList(z.enum(QUALITY_TIERS)).optional(),
  isTeachingPoint: queryBool.optional(),
  communityId: z.coerce.number().int().positive().optional(),
  inCommunity: queryBool.optional(),
  sort: z.enum(SCHOOL_SORTS).default('code'),
  order: z.enum(['asc', 'desc']).default('asc'),
});
export type SchoolListQuery = z.infer<typeof schoolListQuery>;

// ---------- teachers ----------
export const teacherInput = z
  .object({
    teacherCode: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z-]{4,32}$/, {
        message: bi('教师编号为 4-32 位字母、数字或横线', 'Teacher ID: 4–32 letters, digits or -'),
      }),
    schoolId: z.number().int().positive(),
    name: trimmed(50),
    gender: z.enum(GENDERS),
    birthYear: z.number().int().min(1940).max(2010).nullable().optional(),
    phone: optionalText(30),
    subjects: z.array(z.enum(SUBJECTS)).max(6).default([]),
    majorSubject: z.enum(SUBJECTS).nullable().optional(),
    title: z.enum(TEACHER_TITLES).default('none'),
    honours: z.array(z.enum(TEACHER_HONOURS)).max(8).default([]),
    posts: z.array(z.enum(TEACHER_POSTS)).max(6).default([]),
    qualification: z.enum(QUALIFICATIONS).nullable().optional(),
    hireYear: z.number().int().min(1950).max(2100).nullable().optional(),
    status: z.enum(TEACHER_STATUSES).default('active'),
  })
  .refine((t) => !t.birthYear || !t.hireYear || t.hireYear - t.birthYear >= 16, {
    path: ['hireYear'],
    message: bi('参加工作年份与出生年份不符（工作时未满 16 岁）', 'Hire year is less than 16 years after birth year'),
  });
export type TeacherInput = z.infer<typeof teacherInput>;
// patch: the same fields, all optional (refinement re-checked in the service against stored values)
export const teacherPatch = z.object({
  teacherCode: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z-]{4,32}$/)
    .optional(),
  schoolId: z.number().int().positive().optional(),
  name: trimmed(50).optional(),
  gender: z.enum(GENDERS).optional(),
  birthYear: z.number().int().min(1940).max(2010).nullable().optional(),
  phone: optionalText(30),
  subjects: z.array(z.enum(SUBJECTS)).max(6).optional(),
  majorSubject: z.enum(SUBJECTS).nullable().optional(),
  title: z.enum(TEACHER_TITLES).optional(),
  honours: z.array(z.enum(TEACHER_HONOURS)).max(8).optional(),
  posts: z.array(z.enum(TEACHER_POSTS)).max(6).optional(),
  qualification: z.enum(QUALIFICATIONS).nullable().optional(),
  hireYear: z.number().int().min(1950).max(2100).nullable().optional(),
  status: z.enum(TEACHER_STATUSES).optional(),
});
export type TeacherPatch = z.infer<typeof teacherPatch>;

export const teacherSchema = z.object({
  id: z.number().int(),
  teacherCode: z.string(),
  schoolId: z.number().int(),
  schoolName: z.string(),
  schoolCode: z.string().optional(),
  name: z.string(),
  gender: z.enum(GENDERS),
  birthYear: z.number().int().nullable(),
  phone: z.string().nullable(),
  subjects: z.array(z.enum(SUBJECTS)),
  majorSubject: z.enum(SUBJECTS).nullable(),
  nonSpecialist: z.boolean(),
  title: z.enum(TEACHER_TITLES),
  honours: z.array(z.enum(TEACHER_HONOURS)),
  posts: z.array(z.enum(TEACHER_POSTS)),
  qualification: z.enum(QUALIFICATIONS).nullable(),
  hireYear: z.number().int().nullable(),
  status: z.enum(TEACHER_STATUSES),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Teacher = z.infer<typeof teacherSchema>;

export const TEACHER_SORTS = ['teacherCode', 'name', 'birthYear', 'createdAt'] as const;
export const teacherListQuery = pageQuery.extend({
  search: z.string().trim().max(50).optional(),
  schoolId: z.coerce.number().int().positive().optional(),
  region: z.string().trim().max(12).optional(),
  communityId: z.coerce.number().int().positive().optional(),
  gender: z.enum(GENDERS).optional(),
  subject: z.enum(SUBJECTS).optional(),
  honour: z.enum(TEACHER_HONOURS).optional(),
  title: z.enum(TEACHER_TITLES).optional(),
  status: z.enum(TEACHER_STATUSES).optional(),
  nonSpecialist: queryBool.optional(),
  sort: z.enum(TEACHER_SORTS).default('teacherCode'),
  order: z.enum(['asc', 'desc']).default('asc'),
});
export type TeacherListQuery = z.infer<typeof teacherListQuery>;

/** A teacher picker's query: teachers the actor may name in a record (see registry.scope.ts). */
export const teacherOptionsQuery = z.object({
  search: z.string().trim().max(50).optional(),
  schoolId: z.coerce.number().int().positive().optional(),
  communityId: z.coerce.number().int().positive().optional(),
  pageSize: z.coerce.number().int().min(1).max(50).default(20),
});
export type TeacherOptionsQuery = z.infer<typeof teacherOptionsQuery>;
export const teacherOptionSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  schoolId: z.number().int(),
  schoolName: z.string(),
});
export type TeacherOption = z.infer<typeof teacherOptionSchema>;

// ---------- communities ----------
const communityBase = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z_-]{2,32}$/, {
      message: bi('编号为 2-32 位字母、数字、下划线或横线', 'Code: 2–32 letters, digits, _ or -'),
    }),
  name: trimmed(100),
  type: z.enum(COMMUNITY_TYPES),
  model: z.enum(COMMUNITY_MODELS),
  regionCode: z
    .string()
    .trim()
    .regex(/^\d{6}$/, { message: bi('区县代码应为 6 位数字', 'County code must be 6 digits') }),
  isCrossRegion: z.boolean().default(false),
  partnerRegionCode: z
    .string()
    .trim()
    .regex(/^\d{6}$/)
    .nullable()
    .optional(),
  foundedOn: isoDate,
  dissolvedOn: isoDate.nullable().optional(),
  description: optionalText(2000),
});
export const memberSeed = z.object({ schoolId: z.number().int().positive(), role: z.enum(MEMBERSHIP_ROLES) });
/** A leadership-group member named while the community is created: a teacher of one of its schools. */
export const leaderSeed = z.object({
  teacherId: z.number().int().positive(),
  role: z.enum(LEADERSHIP_ROLES),
  position: optionalText(50),
});
export const communityInput = communityBase
  .extend({ members: z.array(memberSeed).max(50).default([]), leaders: z.array(leaderSeed).max(30).default([]) })
  .refine((c) => !c.isCrossRegion || !!c.partnerRegionCode, {
    path: ['partnerRegionCode'],
    message: bi('跨区域教共体须填写结对地区', 'A cross-region community needs a partner region'),
  })
  .refine((c) => !c.dissolvedOn || c.dissolvedOn >= c.foundedOn, {
    path: ['dissolvedOn'],
    message: bi('撤销日期不能早于成立日期', 'Dissolution cannot precede founding'),
  })
  .refine((c) => new Set(c.members.map((m) => m.schoolId)).size === c.members.length, {
    path: ['members'],
    message: bi('成员学校重复', 'A school is listed twice'),
  })
  .refine((c) => new Set(c.leaders.map((l) => l.teacherId)).size === c.leaders.length, {
    path: ['leaders'],
    message: bi('领导小组成员重复', 'A person is listed twice in the leadership group'),
  });
export type CommunityInput = z.infer<typeof communityInput>;
export const communityPatch = patchOf(communityBase);
export type CommunityPatch = z.infer<typeof communityPatch>;

export const membershipSchema = z.object({
  id: z.number().int(),
  communityId: z.number().int(),
  schoolId: z.number().int(),
  schoolName: z.string(),
  schoolCode: z.string(),
  schoolLevel: z.enum(SCHOOL_LEVELS),
  locationClass: z.enum(LOCATION_CLASSES),
  regionCode: z.string(),
  role: z.enum(MEMBERSHIP_ROLES),
  startDate: z.string(),
  endDate: z.string().nullable(),
  note: z.string().nullable(),
  isCurrent: z.boolean(),
});
export type Membership = z.infer<typeof membershipSchema>;

export const leadershipMemberSchema = z.object({
  id: z.number().int(),
  communityId: z.number().int(),
  personName: z.string(),
  teacherId: z.number().int().nullable(),
  schoolId: z.number().int().nullable(),
  schoolName: z.string().nullable(),
  role: z.enum(LEADERSHIP_ROLES),
  position: z.string().nullable(),
  workGroup: z.string().nullable(),
  startDate: z.string(),
  endDate: z.string().nullable(),
});
export type LeadershipMember = z.infer<typeof leadershipMemberSchema>;

export const communitySchema = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  type: z.enum(COMMUNITY_TYPES),
  model: z.enum(COMMUNITY_MODELS),
  regionCode: z.string(),
  regionName: z.string().nullable(),
  isCrossRegion: z.boolean(),
  partnerRegionCode: z.string().nullable(),
  partnerRegionName: z.string().nullable(),
  foundedOn: z.string(),
  dissolvedOn: z.string().nullable(),
  description: z.string().nullable(),
  coreSchools: z.array(z.object({ id: z.number().int(), name: z.string() })),
  memberCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Community = z.infer<typeof communitySchema>;
export const communityDetailSchema = communitySchema.extend({
  memberships: z.array(membershipSchema),
  leadership: z.array(leadershipMemberSchema),
});
export type CommunityDetail = z.infer<typeof communityDetailSchema>;

export const communityListQuery = pageQuery.extend({
  search: z.string().trim().max(50).optional(),
  region: z.string().trim().max(12).optional(),
  type: queryList(z.enum(COMMUNITY_TYPES)).optional(),
  model: queryList(z.enum(COMMUNITY_MODELS)).optional(),
  isCrossRegion: queryBool.optional(),
  schoolId: z.coerce.number().int().positive().optional(),
  active: queryBool.optional(),
  sort: z.enum(['code', 'name', 'foundedOn']).default('code'),
  order: z.enum(['asc', 'desc']).default('asc'),
});
export type CommunityListQuery = z.infer<typeof communityListQuery>;

export const membershipInput = z.object({
  schoolId: z.number().int().positive(),
  role: z.enum(MEMBERSHIP_ROLES),
  startDate: isoDate,
  note: optionalText(500),
});
export type MembershipInput = z.infer<typeof membershipInput>;
export const membershipEnd = z.object({ endDate: isoDate, note: optionalText(500) });

export const leadershipInput = z.object({
  personName: trimmed(50),
  teacherId: z.number().int().positive().nullable().optional(),
  schoolId: z.number().int().positive().nullable().optional(),
  role: z.enum(LEADERSHIP_ROLES),
  position: optionalText(50),
  workGroup: optionalText(50),
  startDate: isoDate,
  endDate: isoDate.nullable().optional(),
});
export type LeadershipInput = z.infer<typeof leadershipInput>;

// ---------- annual school statistics (学校年报) ----------
const count = z.number().int().min(0).max(100000);
const area = z.number().min(0).max(10_000_000);
export const schoolYearStatsInput = z.object({
  schoolId: z.number().int().positive(),
  schoolYear: z.number().int().min(1990).max(2100),
  studentsTotal: count,
  classesTotal: count,
  teachersTotal: count,
  studentsByGrade: studentsByGradeSchema.default({}),
  classesBySizeBand: z.partialRecord(z.enum(['le45', 'b46_55', 'b56_65', 'ge66']), count).default({}),
  teachersByQualification: z.partialRecord(z.enum(QUALIFICATIONS), count).default({}),
  teachersByHonour: z.partialRecord(z.enum(TEACHER_HONOURS), count).default({}),
  teachersBySubject: z.partialRecord(z.enum(SUBJECTS), count).default({}),
  teachersAboveQualification: count.nullable().optional(),
  backboneTeachers: count.nullable().optional(),
  peArtTeachers: count.nullable().optional(),
  buildingArea: area.nullable().optional(),
  teachingAuxArea: area.nullable().optional(),
  sportsGroundArea: area.nullable().optional(),
  equipmentValue: z.number().min(0).max(10_000_000_000).nullable().optional(),
  multimediaClassrooms: count.nullable().optional(),
  recordingClassrooms: count.nullable().optional(),
  isStandardized: z.boolean().default(false),
});
export type SchoolYearStatsInput = z.infer<typeof schoolYearStatsInput>;
export const schoolYearStatsPatch = patchOf(schoolYearStatsInput);
export const schoolYearStatsSchema = schoolYearStatsInput.extend({
  id: z.number().int(),
  schoolName: z.string(),
  schoolCode: z.string().optional(),
  studentsByGrade: studentsByGradeSchema,
  classesBySizeBand: z.record(z.string(), z.number()),
  teachersByQualification: z.record(z.string(), z.number()),
  teachersByHonour: z.record(z.string(), z.number()),
  teachersBySubject: z.record(z.string(), z.number()),
  teachersAboveQualification: z.number().nullable(),
  backboneTeachers: z.number().nullable(),
  peArtTeachers: z.number().nullable(),
  buildingArea: z.number().nullable(),
  teachingAuxArea: z.number().nullable(),
  sportsGroundArea: z.number().nullable(),
  equipmentValue: z.number().nullable(),
  multimediaClassrooms: z.number().nullable(),
  recordingClassrooms: z.number().nullable(),
  updatedAt: z.string(),
});
export type SchoolYearStats = z.infer<typeof schoolYearStatsSchema>;
export const schoolYearStatsListQuery = pageQuery.extend({
  schoolId: z.coerce.number().int().positive().optional(),
  schoolYear: z.coerce.number().int().optional(),
  region: z.string().trim().max(12).optional(),
});

export const idParam = z.object({ id: z.coerce.number().int().positive() });
export const auditListQuery = pageQuery.extend({
  entity: z.string().max(50).optional(),
  entityId: z.string().max(50).optional(),
  userId: z.coerce.number().int().optional(),
  action: z.string().max(30).optional(),
});
export type AuditListQuery = z.infer<typeof auditListQuery>;
export const auditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  userId: z.number().nullable(),
  username: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
