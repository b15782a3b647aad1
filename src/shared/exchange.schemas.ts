import { z } from 'zod';
import { GENDERS, LOCATION_CLASSES, SUBJECTS } from './enums.js';
import {
  DIRECTIONS,
  DUE_STATES,
  EVALUATION_GRADES,
  EXCHANGE_KINDS,
  EXCHANGE_STATUSES,
  HONOUR_LEVELS,
  TOTALS_DIMENSIONS,
  WORKLOADS,
} from './exchange.enums.js';
import { bi, isoDate, pageQuery, patchOf, queryList } from './validation.js';

const id = z.number().int().positive();
const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v));
export const hhmm = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { message: bi('时间格式应为 HH:MM', 'Time must be HH:MM') });
export const regionCode = z
  .string()
  .regex(/^\d{6}$/, { message: bi('区县代码应为 6 位数字', 'Region code must be 6 digits') });
export const idParam = z.object({ id: z.coerce.number().int().positive() });

// ---------- timetable ----------
export const slotInput = z.object({
  weekday: z.number().int().min(1).max(7),
  startTime: hhmm,
  endTime: hhmm,
  subject: z.enum(SUBJECTS).nullable().optional(),
  className: optionalText(50),
});
export type SlotInput = z.infer<typeof slotInput>;
export const slotSchema = z.object({
  id: z.number().int(),
  weekday: z.number().int(),
  startTime: z.string(),
  endTime: z.string(),
  subject: z.string().nullable(),
  className: z.string().nullable(),
});

export const timetableEntryInput = slotInput.extend({ teacherId: id, schoolId: id.optional() });
export type TimetableEntryInput = z.infer<typeof timetableEntryInput>;
export const timetableEntrySchema = slotSchema.extend({
  teacherId: z.number().int(),
  schoolId: z.number().int(),
  schoolName: z.string(),
});
export type TimetableEntry = z.infer<typeof timetableEntrySchema>;

// ---------- assignments ----------
export const assignmentInput = z.object({
  teacherId: id,
  kind: z.enum(EXCHANGE_KINDS),
  /** The teacher's own school when omitted. */
  fromSchoolId: id.optional(),
  toSchoolId: id,
  startDate: isoDate,
  endDate: isoDate,
  workload: z.enum(WORKLOADS).default('full_time'),
  partTimeFraction: z
    .number()
    .gt(0, { message: bi('兼职比例应在 0–1 之间', 'Part-time share must be within 0–1') })
    .max(1)
    .nullable()
    .optional(),
  status: z.enum(EXCHANGE_STATUSES).default('planned'),
  postHeld: optionalText(50),
  allowanceYuan: z.number().min(0).max(10_000_000).nullable().optional(),
  hoursOverride: z.number().min(0).max(100_000).nullable().optional(),
  overrideReason: optionalText(500),
  note: optionalText(1000),
  slots: z.array(slotInput).max(40).default([]),
});
export type AssignmentInput = z.infer<typeof assignmentInput>;
export const assignmentPatch = patchOf(assignmentInput);
export type AssignmentPatch = z.infer<typeof assignmentPatch>;

export const evaluationInput = z.object({
  grade: z.enum(EVALUATION_GRADES),
  comment: optionalText(2000),
  evaluatedOn: isoDate.optional(),
});
export type EvaluationInput = z.infer<typeof evaluationInput>;

export const sessionInput = z.object({ heldOn: isoDate, hours: z.number().gt(0).max(12), topic: optionalText(200) });
export type SessionInput = z.infer<typeof sessionInput>;
export const sessionSchema = z.object({
  id: z.number().int(),
  heldOn: z.string(),
  hours: z.number(),
  topic: z.string().nullable(),
});

export const assignmentSchema = z.object({
  id: z.number().int(),
  teacherId: z.number().int(),
  teacherName: z.string(),
  teacherGender: z.enum(GENDERS),
  teacherHonours: z.array(z.string()),
  honourLevel: z.enum(HONOUR_LEVELS),
  kind: z.enum(EXCHANGE_KINDS),
  fromSchoolId: z.number().int(),
  fromSchoolName: z.string(),
  fromLocationClass: z.enum(LOCATION_CLASSES),
  toSchoolId: z.number().int(),
  toSchoolName: z.string(),
  toLocationClass: z.enum(LOCATION_CLASSES),
  direction: z.enum(DIRECTIONS),
  startDate: z.string(),
  endDate: z.string(),
  workload: z.enum(WORKLOADS),
  partTimeFraction: z.number().nullable(),
  status: z.enum(EXCHANGE_STATUSES),
  postHeld: z.string().nullable(),
  allowanceYuan: z.number().nullable(),
  computedHours: z.number(),
  hoursOverride: z.number().nullable(),
  overrideReason: z.string().nullable(),
  hours: z.number(),
  evaluationGrade: z.enum(EVALUATION_GRADES).nullable(),
  evaluationComment: z.string().nullable(),
  evaluatedAt: z.string().nullable(),
  note: z.string().nullable(),
  slots: z.array(slotSchema),
  sessions: z.array(sessionSchema),
  createdAt: z.string(),
});
export type Assignment = z.infer<typeof assignmentSchema>;

export const assignmentListQuery = pageQuery.extend({
  search: z.string().trim().max(50).optional(),
  teacherId: z.coerce.number().int().positive().optional(),
  schoolId: z.coerce.number().int().positive().optional(),
  communityId: z.coerce.number().int().positive().optional(),
  kind: queryList(z.enum(EXCHANGE_KINDS)).optional(),
  status: queryList(z.enum(EXCHANGE_STATUSES)).optional(),
  direction: z.enum(DIRECTIONS).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  region: regionCode.optional(),
});
export type AssignmentListQuery = z.infer<typeof assignmentListQuery>;

// ---------- totals ----------
export const totalsQuery = assignmentListQuery.omit({ page: true, pageSize: true }).extend({
  by: z.enum(TOTALS_DIMENSIONS).default('kind'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type TotalsQuery = z.infer<typeof totalsQuery>;
export const totalsRowSchema = z.object({
  key: z.string(),
  label: z.string(),
  people: z.number().int(),
  personTimes: z.number().int(),
  hours: z.number(),
});
export type TotalsRow = z.infer<typeof totalsRowSchema>;
export const totalsSchema = z.object({
  by: z.enum(TOTALS_DIMENSIONS),
  rows: z.array(totalsRowSchema),
  total: totalsRowSchema.omit({ key: true, label: true }),
});
export type Totals = z.infer<typeof totalsSchema>;

// ---------- settings and rules ----------
export const settingsInput = z
  .object({
    dayHours: z.number().gt(0).max(12),
    schoolDayStart: hhmm,
    schoolDayEnd: hhmm,
    observationsPerMonth: z.number().int().min(1).max(20),
    structureFloor: z.number().min(0).max(1),
    promotionMonths: z.number().int().min(0).max(120),
  })
  .refine((s) => s.schoolDayEnd > s.schoolDayStart, {
    message: bi('放学时间应晚于上学时间', 'School day must end after it starts'),
    path: ['schoolDayEnd'],
  });
export type SettingsInput = z.infer<typeof settingsInput>;
export const settingsSchema = z.object({
  regionCode: z.string(),
  appliesFrom: z.string().nullable(),
  dayHours: z.number(),
  schoolDayStart: z.string(),
  schoolDayEnd: z.string(),
  observationsPerMonth: z.number().int(),
  structureFloor: z.number(),
  promotionMonths: z.number().int(),
});
export type Settings = z.infer<typeof settingsSchema>;

export const ruleInput = z.object({
  regionCode,
  name: text(100),
  kinds: z.array(z.enum(EXCHANGE_KINDS)).min(1),
  cycleYears: z.number().int().min(1).max(10),
  cycleStartYear: z.number().int().min(2000).max(2100),
  maleMaxAge: z.number().int().min(18).max(70).nullable().optional(),
  femaleMaxAge: z.number().int().min(18).max(70).nullable().optional(),
  locationClasses: z.array(z.enum(LOCATION_CLASSES)).min(1),
  isActive: z.boolean().default(true),
});
export type RuleInput = z.infer<typeof ruleInput>;
export const rulePatch = patchOf(ruleInput);
export type RulePatch = z.infer<typeof rulePatch>;
export const ruleSchema = z.object({
  id: z.number().int(),
  regionCode: z.string(),
  name: z.string(),
  kinds: z.array(z.enum(EXCHANGE_KINDS)),
  cycleYears: z.number().int(),
  cycleStartYear: z.number().int(),
  maleMaxAge: z.number().int().nullable(),
  femaleMaxAge: z.number().int().nullable(),
  locationClasses: z.array(z.enum(LOCATION_CLASSES)),
  isActive: z.boolean(),
});
export type Rule = z.infer<typeof ruleSchema>;

export const dueQuery = pageQuery.extend({
  ruleId: z.coerce.number().int().positive(),
  state: queryList(z.enum(DUE_STATES)).optional(),
  schoolId: z.coerce.number().int().positive().optional(),
  /** Reference date (today in Asia/Shanghai when omitted). */
  on: isoDate.optional(),
});
export type DueQuery = z.infer<typeof dueQuery>;
export const dueItemSchema = z.object({
  teacherId: z.number().int(),
  teacherName: z.string(),
  gender: z.enum(GENDERS),
  age: z.number().int().nullable(),
  schoolId: z.number().int(),
  schoolName: z.string(),
  locationClass: z.enum(LOCATION_CLASSES),
  state: z.enum(DUE_STATES),
  lastExchangeDate: z.string().nullable(),
  neverMoved: z.boolean(),
});
export type DueItem = z.infer<typeof dueItemSchema>;
export const dueListSchema = z.object({
  rule: ruleSchema,
  window: z.object({ firstYear: z.number().int(), lastYear: z.number().int(), start: z.string(), end: z.string() }),
  counts: z.object({ due: z.number().int(), scheduled: z.number().int(), done: z.number().int() }),
  items: z.array(dueItemSchema),
  total: z.number().int(),
});
export type DueList = z.infer<typeof dueListSchema>;

export const historySchema = z.object({
  teacherId: z.number().int(),
  teacherName: z.string(),
  schoolName: z.string(),
  assignments: z.array(assignmentSchema),
  personTimes: z.number().int(),
  hours: z.number(),
  credit: z.object({ months: z.number(), requiredMonths: z.number().int(), meets: z.boolean() }),
  timetable: z.array(timetableEntrySchema),
});
export type History = z.infer<typeof historySchema>;
