import { z } from 'zod';
import { SCHOOL_LEVELS, SUBJECTS } from './enums.js';
import { bi, isoDate, pageQuery, queryList } from './validation.js';

/** Academic quality (学业质量): exams, classes, score imports, statistics, gaps, DiD, learning reports. */

export const TERMS = [1, 2] as const;
export const TERM_LABELS: Record<1 | 2, { zh: string; en: string }> = {
  1: { zh: '第一学期', en: 'Autumn term' },
  2: { zh: '第二学期', en: 'Spring term' },
};
export const STAT_GROUPS = ['all', 'school', 'class', 'community', 'location', 'region'] as const;
export type StatGroup = (typeof STAT_GROUPS)[number];
export const STAT_GROUP_LABELS: Record<StatGroup, { zh: string; en: string }> = {
  all: { zh: '全体', en: 'All' },
  school: { zh: '学校', en: 'School' },
  class: { zh: '班级', en: 'Class' },
  community: { zh: '教共体', en: 'Community' },
  location: { zh: '城乡类别', en: 'Location class' },
  region: { zh: '区县', en: 'County' },
};
export const IMPORT_LEVELS = ['student', 'item'] as const;
export type ImportLevel = (typeof IMPORT_LEVELS)[number];
export const QUALITY_JOB_STATUSES = ['checking', 'checked', 'invalid', 'committing', 'committed', 'failed'] as const;
export type QualityJobStatus = (typeof QUALITY_JOB_STATUSES)[number];
export const COMPARISONS = ['member_core', 'rural_urban'] as const;
export type Comparison = (typeof COMPARISONS)[number];

const idParamNum = z.coerce.number().int().positive();
export const idParam = z.object({ id: idParamNum });

// ---------- exams ----------
const score = z.number().min(0).max(1000);
export const examItemInput = z.object({
  itemNo: z.string().trim().min(1).max(20),
  fullMark: z.number().positive().max(1000),
  knowledgePoints: z.array(z.string().trim().min(1).max(40)).max(10).default([]),
});
export type ExamItemInput = z.infer<typeof examItemInput>;

export const examSubjectInput = z
  .object({
    subject: z.enum(SUBJECTS),
    fullMark: z.number().positive().max(1000),
    passLine: score,
    excellentLine: score,
    lowLine: score,
    items: z.array(examItemInput).max(200).default([]),
  })
  .refine((s) => s.lowLine <= s.passLine && s.passLine <= s.excellentLine && s.excellentLine <= s.fullMark, {
    message: bi(
      '分数线应满足 低分线 ≤ 及格线 ≤ 优秀线 ≤ 满分',
      'Lines must satisfy low ≤ pass ≤ excellent ≤ full mark',
    ),
    path: ['passLine'],
  })
  .refine((s) => new Set(s.items.map((i) => i.itemNo)).size === s.items.length, {
    message: bi('题号不能重复', 'Item numbers must be unique'),
    path: ['items'],
  })
  .refine((s) => s.items.length === 0 || Math.abs(s.items.reduce((a, i) => a + i.fullMark, 0) - s.fullMark) < 1e-9, {
    message: bi('各小题满分之和应等于科目满分', 'Item full marks must add up to the subject full mark'),
    path: ['items'],
  });
export type ExamSubjectInput = z.infer<typeof examSubjectInput>;

export const examInput = z.object({
  name: z.string().trim().min(1).max(100),
  examDate: isoDate,
  schoolYear: z.number().int().min(2000).max(2100),
  term: z.union([z.literal(1), z.literal(2)]),
  grade: z.number().int().min(1).max(12),
  subjects: z
    .array(examSubjectInput)
    .min(1)
    .max(20)
    .refine((l) => new Set(l.map((s) => s.subject)).size === l.length, {
      message: bi('科目不能重复', 'Subjects must be unique'),
    }),
  schoolIds: z.array(z.number().int().positive()).min(1).max(10000),
});
export type ExamInput = z.infer<typeof examInput>;

export const examItemSchema = z.object({
  id: z.number().int(),
  itemNo: z.string(),
  fullMark: z.number(),
  knowledgePoints: z.array(z.string()),
});
export const examSubjectSchema = z.object({
  id: z.number().int(),
  subject: z.enum(SUBJECTS),
  fullMark: z.number(),
  passLine: z.number(),
  excellentLine: z.number(),
  lowLine: z.number(),
  items: z.array(examItemSchema),
});
export type ExamSubject = z.infer<typeof examSubjectSchema>;
export const examSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  examDate: z.string(),
  schoolYear: z.number().int(),
  term: z.number().int(),
  grade: z.number().int(),
  regionCode: z.string(),
  schoolCount: z.number().int(),
  scoreCount: z.number().int(),
  subjects: z.array(examSubjectSchema),
  createdAt: z.string(),
});
export type Exam = z.infer<typeof examSchema>;
export const examDetailSchema = examSchema.extend({
  schools: z.array(z.object({ id: z.number().int(), code: z.string(), name: z.string() })),
});
export type ExamDetail = z.infer<typeof examDetailSchema>;
export const examListQuery = pageQuery.extend({
  search: z.string().trim().max(50).optional(),
  grade: z.coerce.number().int().min(1).max(12).optional(),
  schoolYear: z.coerce.number().int().optional(),
});

// ---------- classes ----------
export const classInput = z.object({
  schoolId: z.number().int().positive(),
  schoolYear: z.number().int().min(2000).max(2100),
  grade: z.number().int().min(1).max(12),
  name: z.string().trim().min(1).max(30),
});
export type ClassInput = z.infer<typeof classInput>;
export const classSchema = classInput.extend({
  id: z.number().int(),
  schoolName: z.string(),
  studentCount: z.number().int(),
});
export type SchoolClass = z.infer<typeof classSchema>;
export const classListQuery = pageQuery.extend({
  schoolId: z.coerce.number().int().positive().optional(),
  schoolYear: z.coerce.number().int().optional(),
  grade: z.coerce.number().int().optional(),
});

// ---------- imports ----------
export const importRowErrorSchema = z.object({
  row: z.number().int(),
  column: z.string(),
  code: z.string(),
  message: z.string(),
  messageEn: z.string(),
});
export type ImportRowError = z.infer<typeof importRowErrorSchema>;
export const qualityJobSchema = z.object({
  id: z.string(),
  examId: z.number().int(),
  level: z.enum(IMPORT_LEVELS),
  status: z.enum(QUALITY_JOB_STATUSES),
  fileName: z.string(),
  fileSize: z.number(),
  rowsTotal: z.number().int(),
  rowsChecked: z.number().int(),
  rowsWritten: z.number().int(),
  errorCount: z.number().int(),
  /** the first errors; page through all of them at /errors */
  errors: z.array(importRowErrorSchema),
  message: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  committedAt: z.string().nullable(),
});
export type QualityJob = z.infer<typeof qualityJobSchema>;
export const importUploadQuery = z.object({ level: z.enum(IMPORT_LEVELS).default('student') });

// ---------- statistics ----------
export const statsQuery = z.object({
  subject: z.enum(SUBJECTS),
  by: z.enum(STAT_GROUPS).default('school'),
  schoolId: z.coerce.number().int().positive().optional(),
  lang: z.enum(['zh', 'en']).optional(),
});
export const statRowSchema = z.object({
  key: z.string(),
  label: z.string(),
  schoolId: z.number().int().nullable(),
  n: z.number().int(),
  mean: z.number().nullable(),
  sd: z.number().nullable(),
  passRate: z.number().nullable(),
  excellentRate: z.number().nullable(),
  lowRate: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  p10: z.number().nullable(),
  p25: z.number().nullable(),
  median: z.number().nullable(),
  p75: z.number().nullable(),
  p90: z.number().nullable(),
});
export type StatRow = z.infer<typeof statRowSchema>;
export const statsResponse = z.object({
  examId: z.number().int(),
  subject: z.enum(SUBJECTS),
  by: z.enum(STAT_GROUPS),
  fullMark: z.number(),
  rows: z.array(statRowSchema),
  /** score distribution in bands of 10% of the full mark, over the rows the actor may see */
  distribution: z.array(z.object({ from: z.number(), to: z.number(), n: z.number().int() })),
});
export type StatsResponse = z.infer<typeof statsResponse>;

// ---------- gaps ----------
export const gapQuery = z.object({
  subject: z.enum(SUBJECTS),
  examIds: queryList(z.coerce.number().int().positive()),
  /** Narrow to schools in a region, current members of a community, or of some levels (as the school list does). */
  region: z
    .string()
    .trim()
    .regex(/^\d{2,12}$/)
    .optional(),
  communityId: z.coerce.number().int().positive().optional(),
  level: queryList(z.enum(SCHOOL_LEVELS)).optional(),
});
export type GapFilter = Pick<z.infer<typeof gapQuery>, 'region' | 'communityId' | 'level'>;
const groupFigure = z.object({
  n: z.number().int(),
  mean: z.number().nullable(),
  passRate: z.number().nullable(),
  excellentRate: z.number().nullable(),
  lowRate: z.number().nullable(),
});
export type GroupFigure = z.infer<typeof groupFigure>;
export const gapFigureSchema = z.object({
  reference: groupFigure,
  focal: groupFigure,
  /** reference − focal: positive means the rural (member) schools are behind */
  meanGap: z.number().nullable(),
  passGap: z.number().nullable(),
  excellentGap: z.number().nullable(),
  lowGap: z.number().nullable(),
});
export type GapFigure = z.infer<typeof gapFigureSchema>;
export const gapChangeSchema = z.object({
  meanGap: z.number().nullable(),
  passGap: z.number().nullable(),
  excellentGap: z.number().nullable(),
  lowGap: z.number().nullable(),
});
export const gapsResponse = z.object({
  subject: z.enum(SUBJECTS),
  exams: z.array(
    z.object({
      examId: z.number().int(),
      name: z.string(),
      examDate: z.string(),
      grade: z.number().int(),
      fullMark: z.number(),
      ruralUrban: gapFigureSchema,
      memberCore: gapFigureSchema,
      communities: z.array(z.object({ communityId: z.number().int(), name: z.string(), gap: gapFigureSchema })),
    }),
  ),
  /** last exam minus first exam: negative means the gap narrowed */
  change: z.object({ ruralUrban: gapChangeSchema, memberCore: gapChangeSchema }).nullable(),
});
export type GapsResponse = z.infer<typeof gapsResponse>;

// ---------- difference in differences ----------
export const didQuery = z.object({
  subject: z.enum(SUBJECTS),
  before: z.coerce.number().int().positive(),
  after: z.coerce.number().int().positive(),
  comparison: z.enum(COMPARISONS).default('member_core'),
});
export const didResponse = z.object({
  ok: z.boolean(),
  comparison: z.enum(COMPARISONS),
  subject: z.enum(SUBJECTS),
  before: z.object({ examId: z.number().int(), name: z.string(), examDate: z.string() }),
  after: z.object({ examId: z.number().int(), name: z.string(), examDate: z.string() }),
  treatedSchools: z.number().int(),
  controlSchools: z.number().int(),
  treatedStudents: z.number().int(),
  controlStudents: z.number().int(),
  /** change in gap (points) of schools that joined, minus that of schools that did not change status */
  estimate: z.number().nullable(),
  se: z.number().nullable(),
  ciLow: z.number().nullable(),
  ciHigh: z.number().nullable(),
  pValue: z.number().nullable(),
  groupMeans: z.object({
    treatedBefore: z.number().nullable(),
    treatedAfter: z.number().nullable(),
    controlBefore: z.number().nullable(),
    controlAfter: z.number().nullable(),
  }),
  reading: z.string(),
  readingEn: z.string(),
  refusal: z.object({ code: z.string(), reason: z.string(), reasonEn: z.string() }).nullable(),
});
export type DidResponse = z.infer<typeof didResponse>;

// ---------- reports ----------
export const itemAnalysisSchema = z.object({
  itemNo: z.string(),
  fullMark: z.number(),
  knowledgePoints: z.array(z.string()),
  n: z.number().int(),
  difficulty: z.number().nullable(),
  discrimination: z.number().nullable(),
  regionDifficulty: z.number().nullable(),
});
export type ItemAnalysis = z.infer<typeof itemAnalysisSchema>;
export const knowledgePointSchema = z.object({
  tag: z.string(),
  rate: z.number(),
  regionRate: z.number().nullable(),
  items: z.number().int(),
});
export const reportStudentSchema = z.object({
  studentId: z.number().int(),
  studentKey: z.string(),
  name: z.string().nullable(),
  score: z.number(),
  rank: z.number().int(),
});
export const classReportSchema = z.object({
  exam: z.object({ id: z.number().int(), name: z.string(), examDate: z.string(), grade: z.number().int() }),
  class: z.object({ id: z.number().int(), name: z.string(), schoolId: z.number().int(), schoolName: z.string() }),
  subject: z.enum(SUBJECTS),
  lines: z.object({ fullMark: z.number(), passLine: z.number(), excellentLine: z.number(), lowLine: z.number() }),
  stats: statRowSchema,
  comparison: z.array(statRowSchema),
  /** rank of the class mean among the classes of its community (1 = best), and how many */
  communityRank: z.object({ rank: z.number().int(), of: z.number().int() }).nullable(),
  distribution: z.array(z.object({ from: z.number(), to: z.number(), n: z.number().int() })),
  hasItems: z.boolean(),
  items: z.array(itemAnalysisSchema),
  weakPoints: z.array(knowledgePointSchema),
  /** students below the low-score line; only for users of the student's own school */
  lowStudents: z.array(reportStudentSchema).nullable(),
  lowStudentCount: z.number().int(),
  canSeeStudents: z.boolean(),
});
export type ClassReport = z.infer<typeof classReportSchema>;
export const reportQuery = z.object({ subject: z.enum(SUBJECTS) });

export const studentSchema = z.object({
  id: z.number().int(),
  studentKey: z.string(),
  schoolId: z.number().int(),
  name: z.string().nullable(),
  /** always masked: 330481********1234 */
  idNumberMasked: z.string().nullable(),
  className: z.string().nullable(),
});
export type Student = z.infer<typeof studentSchema>;
export const studentListQuery = pageQuery.extend({
  schoolId: z.coerce.number().int().positive().optional(),
  classId: z.coerce.number().int().positive().optional(),
  search: z.string().trim().max(40).optional(),
});
export const studentReportSchema = z.object({
  student: studentSchema,
  scores: z.array(
    z.object({
      examId: z.number().int(),
      examName: z.string(),
      examDate: z.string(),
      subject: z.enum(SUBJECTS),
      score: z.number(),
      fullMark: z.number(),
      classMean: z.number().nullable(),
      regionMean: z.number().nullable(),
    }),
  ),
  weakPoints: z.array(knowledgePointSchema),
});
export type StudentReport = z.infer<typeof studentReportSchema>;
