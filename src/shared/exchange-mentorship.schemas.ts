import { z } from 'zod';
import { LOCATION_CLASSES, SUBJECTS } from './enums.js';
import { EVALUATION_GRADES, MENTORSHIP_STATUSES } from './exchange.enums.js';
import { bi, isoDate, pageQuery, patchOf, queryBool } from './validation.js';

const id = z.number().int().positive();
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v));

// ---------- mentorships 师徒结对 ----------
export const mentorshipInput = z.object({
  mentorTeacherId: id,
  apprenticeTeacherId: id,
  communityId: id.nullable().optional(),
  signedOn: isoDate,
  endsOn: isoDate.nullable().optional(),
  goals: z
    .string()
    .trim()
    .min(4, { message: bi('请写明结对目标', 'State the goals of the pair') })
    .max(2000),
  /** The region's default (usually 1) when omitted. */
  observationsPerMonth: z.number().int().min(1).max(20).optional(),
  status: z.enum(MENTORSHIP_STATUSES).default('active'),
});
export type MentorshipInput = z.infer<typeof mentorshipInput>;
export const mentorshipPatch = patchOf(mentorshipInput);
export type MentorshipPatch = z.infer<typeof mentorshipPatch>;

export const monthComplianceSchema = z.object({
  month: z.string(),
  observations: z.number().int(),
  met: z.boolean(),
  judged: z.boolean(),
});
export const mentorshipSchema = z.object({
  id: z.number().int(),
  communityId: z.number().int().nullable(),
  communityName: z.string().nullable(),
  mentorTeacherId: z.number().int(),
  mentorName: z.string(),
  mentorSchoolId: z.number().int(),
  mentorSchoolName: z.string(),
  apprenticeTeacherId: z.number().int(),
  apprenticeName: z.string(),
  apprenticeSchoolId: z.number().int(),
  apprenticeSchoolName: z.string(),
  signedOn: z.string(),
  endsOn: z.string().nullable(),
  goals: z.string(),
  observationsPerMonth: z.number().int(),
  status: z.enum(MENTORSHIP_STATUSES),
  observations: z.number().int(),
  demoLessons: z.number().int(),
  monthsJudged: z.number().int(),
  monthsMet: z.number().int(),
  complianceRate: z.number().nullable(),
  behind: z.boolean(),
});
export type Mentorship = z.infer<typeof mentorshipSchema>;

export const linkedActivitySchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  title: z.string(),
  startsAt: z.string(),
  semester: z.string(),
});
export const mentorshipEvaluationSchema = z.object({
  id: z.number().int(),
  semester: z.string(),
  grade: z.enum(EVALUATION_GRADES),
  comment: z.string().nullable(),
  evaluatedAt: z.string(),
});
export const mentorshipDetailSchema = mentorshipSchema.extend({
  months: z.array(monthComplianceSchema),
  activities: z.array(linkedActivitySchema),
  evaluations: z.array(mentorshipEvaluationSchema),
});
export type MentorshipDetail = z.infer<typeof mentorshipDetailSchema>;

export const mentorshipListQuery = pageQuery.extend({
  search: z.string().trim().max(50).optional(),
  communityId: z.coerce.number().int().positive().optional(),
  teacherId: z.coerce.number().int().positive().optional(),
  status: z.enum(MENTORSHIP_STATUSES).optional(),
  behind: queryBool.optional(),
  /** Judge compliance up to this date (today in Asia/Shanghai when omitted). */
  on: isoDate.optional(),
});
export type MentorshipListQuery = z.infer<typeof mentorshipListQuery>;

export const linkActivityInput = z.object({ activityId: id });
export const mentorshipEvaluationInput = z.object({
  semester: z.string().regex(/^\d{4}-\d{4}-[12]$/, { message: bi('学期格式如 2025-2026-1', 'Term like 2025-2026-1') }),
  grade: z.enum(EVALUATION_GRADES),
  comment: optionalText(2000),
});
export type MentorshipEvaluationInput = z.infer<typeof mentorshipEvaluationInput>;

// ---------- studios 名师工作室 ----------
export const studioInput = z.object({
  name: z.string().trim().min(1).max(100),
  regionCode: z.string().regex(/^\d{6}$/, { message: bi('区县代码应为 6 位数字', 'Region code must be 6 digits') }),
  communityId: id.nullable().optional(),
  leaderTeacherId: id,
  subject: z.enum(SUBJECTS).nullable().optional(),
  foundedOn: isoDate,
  description: optionalText(2000),
  memberIds: z.array(id).max(200).default([]),
});
export type StudioInput = z.infer<typeof studioInput>;
export const studioMemberSchema = z.object({
  teacherId: z.number().int(),
  name: z.string(),
  schoolName: z.string(),
  joinedOn: z.string(),
});
export const studioSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  regionCode: z.string(),
  communityId: z.number().int().nullable(),
  communityName: z.string().nullable(),
  leaderTeacherId: z.number().int(),
  leaderName: z.string(),
  leaderSchoolName: z.string(),
  subject: z.string().nullable(),
  foundedOn: z.string(),
  description: z.string().nullable(),
  members: z.array(studioMemberSchema),
});
export type Studio = z.infer<typeof studioSchema>;
export const studioListQuery = pageQuery.extend({
  communityId: z.coerce.number().int().positive().optional(),
  search: z.string().trim().max(50).optional(),
});
export const studioMemberInput = z.object({ teacherId: id, joinedOn: isoDate.optional() });

// ---------- structure ----------
const counts = z.object({
  total: z.number().int(),
  master: z.number().int(),
  backbone: z.number().int(),
  masterShare: z.number().nullable(),
  backboneShare: z.number().nullable(),
});
export const structureQuery = z.object({
  communityId: z.coerce.number().int().positive().optional(),
  region: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  /** The day whose postings count as "after exchanges" (today when omitted). */
  on: isoDate.optional(),
});
export type StructureQuery = z.infer<typeof structureQuery>;
export const structureUnitSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  locationClass: z.enum(LOCATION_CLASSES).nullable(),
  before: counts,
  after: counts,
  belowFloor: z.boolean(),
  byHonour: z.record(z.string(), z.number().int()),
});
export const structureSchema = z.object({
  on: z.string(),
  floor: z.number(),
  communities: z.array(structureUnitSchema),
  schools: z.array(structureUnitSchema),
  byLocation: z.array(
    z.object({
      locationClass: z.enum(LOCATION_CLASSES),
      before: counts,
      after: counts,
      averageAge: z.number().nullable(),
    }),
  ),
});
export type Structure = z.infer<typeof structureSchema>;
export type StructureUnit = z.infer<typeof structureUnitSchema>;

export const shortageRowSchema = z.object({
  subject: z.string(),
  teachers: z.number().int(),
  nonSpecialist: z.number().int(),
  share: z.number().nullable(),
  rural: z.number().int(),
  town: z.number().int(),
  urban: z.number().int(),
});
export type ShortageRow = z.infer<typeof shortageRowSchema>;
