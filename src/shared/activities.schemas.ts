import { z } from 'zod';
import { SUBJECTS, type Labelled } from './enums.js';
import { isSemesterKey } from './activities.semester.js';
import { bi, isoDate, pageQuery, patchOf, queryList } from './validation.js';

/** What happens inside a community (DOMAIN.md, "What happens inside a community"). */
export const ACTIVITY_KINDS = [
  'sync_class',
  'joint_prep',
  'research',
  'lecture',
  'demo_lesson',
  'observation',
  'shared_course',
  'student_exchange',
  'culture',
  'management_visit',
  'training',
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export const ACTIVITY_KIND_LABELS: Record<ActivityKind, Labelled> = {
  sync_class: { zh: '同步课堂', en: 'Synchronous class' },
  joint_prep: { zh: '集体备课', en: 'Joint lesson preparation' },
  research: { zh: '教研活动', en: 'Teaching research' },
  lecture: { zh: '专题讲座', en: 'Lecture' },
  demo_lesson: { zh: '示范课/送教', en: 'Demonstration lesson' },
  observation: { zh: '听课评课', en: 'Class observation' },
  shared_course: { zh: '课程共建', en: 'Shared course session' },
  student_exchange: { zh: '学生共育', en: 'Student exchange' },
  culture: { zh: '党建/文化', en: 'Party-building / culture' },
  management_visit: { zh: '管理互访', en: 'Management visit' },
  training: { zh: '教师培训', en: 'Training' },
};

export const SYNC_MODES = ['sync', 'dedicated', 'master', 'dual', 'on_demand'] as const;
export const SYNC_MODE_LABELS: Record<(typeof SYNC_MODES)[number], Labelled> = {
  sync: { zh: '同步课堂', en: 'Synchronous' },
  dedicated: { zh: '专递课堂', en: 'Dedicated remote' },
  master: { zh: '名师课堂', en: 'Master-teacher' },
  dual: { zh: '双师课堂', en: 'Two-teacher' },
  on_demand: { zh: '点播课堂', en: 'On-demand' },
};
export const RESEARCH_FORMATS = ['onsite', 'online', 'same_topic', 'lesson_polish'] as const;
export const RESEARCH_FORMAT_LABELS: Record<(typeof RESEARCH_FORMATS)[number], Labelled> = {
  onsite: { zh: '现场教研', en: 'On site' },
  online: { zh: '网络研修', en: 'Online' },
  same_topic: { zh: '同课异构', en: 'Same topic, different designs' },
  lesson_polish: { zh: '研课磨课', en: 'Lesson polishing' },
};
export const DEMO_LESSON_TYPES = ['demo', 'send_lesson', 'new_lesson', 'review_lesson'] as const;
export const DEMO_LESSON_TYPE_LABELS: Record<(typeof DEMO_LESSON_TYPES)[number], Labelled> = {
  demo: { zh: '示范课', en: 'Demonstration' },
  send_lesson: { zh: '送教', en: 'Lesson sent' },
  new_lesson: { zh: '新授课', en: 'New lesson' },
  review_lesson: { zh: '复习课', en: 'Review lesson' },
};
export const EXCHANGE_FORMATS = ['pairs', 'class_twinning', 'visit', 'festival'] as const;
export const EXCHANGE_FORMAT_LABELS: Record<(typeof EXCHANGE_FORMATS)[number], Labelled> = {
  pairs: { zh: '手拉手结对', en: 'One-to-one pairs' },
  class_twinning: { zh: '班级结对', en: 'Class twinning' },
  visit: { zh: '互访研学', en: 'Visit' },
  festival: { zh: '联合活动节', en: 'Joint festival' },
};
export const CULTURE_FORMATS = ['party', 'culture'] as const;
export const CULTURE_FORMAT_LABELS: Record<(typeof CULTURE_FORMATS)[number], Labelled> = {
  party: { zh: '党建联建', en: 'Party-building' },
  culture: { zh: '校园文化', en: 'School culture' },
};
/** 听课评课 rubric: five criteria scored 1–5. */
export const RUBRIC_CRITERIA = ['objectives', 'content', 'method', 'interaction', 'effect'] as const;
export const RUBRIC_LABELS: Record<(typeof RUBRIC_CRITERIA)[number], Labelled> = {
  objectives: { zh: '教学目标', en: 'Objectives' },
  content: { zh: '教学内容', en: 'Content' },
  method: { zh: '教学方法', en: 'Method' },
  interaction: { zh: '师生互动', en: 'Interaction' },
  effect: { zh: '教学效果', en: 'Effect' },
};

export const SUPPORT_CATEGORIES = [
  'equipment',
  'books',
  'furniture',
  'uniforms',
  'construction',
  'funds',
  'other',
] as const;
export const SUPPORT_CATEGORY_LABELS: Record<(typeof SUPPORT_CATEGORIES)[number], Labelled> = {
  equipment: { zh: '设备', en: 'Equipment' },
  books: { zh: '图书', en: 'Books' },
  furniture: { zh: '课桌椅', en: 'Desks and chairs' },
  uniforms: { zh: '校服', en: 'Uniforms' },
  construction: { zh: '基建经费', en: 'Construction funds' },
  funds: { zh: '资金', en: 'Funds' },
  other: { zh: '其他', en: 'Other' },
};
export const DONOR_TYPES = ['core_school', 'member_school', 'bureau', 'donor'] as const;
export const DONOR_TYPE_LABELS: Record<(typeof DONOR_TYPES)[number], Labelled> = {
  core_school: { zh: '核心校', en: 'Core school' },
  member_school: { zh: '成员校', en: 'Member school' },
  bureau: { zh: '教育局', en: 'Education bureau' },
  donor: { zh: '社会捐赠', en: 'Donor' },
};

export const COMPLIANCE_STATUSES = ['done', 'on_track', 'behind', 'upcoming'] as const;
export type ComplianceStatus = (typeof COMPLIANCE_STATUSES)[number];
export const COMPLIANCE_STATUS_LABELS: Record<ComplianceStatus, Labelled> = {
  done: { zh: '已完成', en: 'Done' },
  on_track: { zh: '进度正常', en: 'On track' },
  behind: { zh: '滞后', en: 'Behind' },
  upcoming: { zh: '未开始', en: 'Upcoming' },
};

// ---------- building blocks ----------
const text = (max: number) => z.string().trim().min(1).max(max);
const optText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : (v ?? null)));
const id = z.number().int().positive();
const grade = z
  .number()
  .int()
  .min(1, { message: bi('年级为 1–9', 'Grade is 1–9') })
  .max(9, { message: bi('年级为 1–9', 'Grade is 1–9') });
const url = z
  .string()
  .trim()
  .max(500)
  .regex(/^https?:\/\/\S+$/, {
    message: bi('链接应以 http:// 或 https:// 开头', 'Links start with http:// or https://'),
  });
const optUrl = url
  .nullable()
  .optional()
  .or(z.literal('').transform(() => null));
/** A class's head count: a real class has at most ~80 pupils (66+ is already 超大班额). */
const classSize = z
  .number()
  .int()
  .min(0)
  .max(80, { message: bi('一个班不超过 80 人', 'A class has at most 80 pupils') });
export const semesterKey = z
  .string()
  .refine(isSemesterKey, { message: bi('学期格式应为 2025-2026-1', 'Semester looks like 2025-2026-1') });

// ---------- typed details per kind ----------
export const receivingClass = z.object({
  schoolId: id,
  className: text(30),
  expectedStudents: classSize,
  /** filled in after the class */
  attended: classSize.nullable().optional(),
});
export const syncClassDetails = z.object({
  mode: z.enum(SYNC_MODES),
  hostTeacherId: id,
  hostClass: text(30),
  subject: z.enum(SUBJECTS),
  grade,
  durationMinutes: z.number().int().min(10).max(240),
  receiving: z
    .array(receivingClass)
    .min(1, { message: bi('至少一个接收班级', 'At least one receiving class') })
    .max(30),
  meetingUrl: optUrl,
  recordingUrl: optUrl,
});
export const jointPrepDetails = z.object({
  grade,
  subject: z.enum(SUBJECTS),
  unit: text(100),
  leadTeacherId: id.nullable().optional(),
});
export const researchDetails = z.object({
  theme: text(200),
  format: z.enum(RESEARCH_FORMATS),
  subject: z.enum(SUBJECTS).nullable().optional(),
});
export const lectureDetails = z.object({
  speaker: text(50),
  speakerTeacherId: id.nullable().optional(),
  topic: text(200),
  audience: text(100),
});
export const demoLessonDetails = z.object({
  type: z.enum(DEMO_LESSON_TYPES),
  teacherId: id,
  subject: z.enum(SUBJECTS),
  grade,
  lessonTitle: text(100),
});
export const rubricSchema = z.object(
  Object.fromEntries(
    RUBRIC_CRITERIA.map((c) => [
      c,
      z
        .number()
        .int()
        .min(1, { message: bi('评分为 1–5', 'Scores are 1–5') })
        .max(5, { message: bi('评分为 1–5', 'Scores are 1–5') }),
    ]),
  ) as Record<(typeof RUBRIC_CRITERIA)[number], z.ZodNumber>,
);
export const observationDetails = z
  .object({
    observerTeacherId: id,
    observedTeacherId: id,
    subject: z.enum(SUBJECTS),
    grade,
    lessonTitle: text(100),
    rubric: rubricSchema,
    feedback: z
      .string()
      .trim()
      .min(10, { message: bi('评课意见至少 10 个字', 'Feedback needs at least 10 characters') })
      .max(4000),
  })
  .refine((d) => d.observerTeacherId !== d.observedTeacherId, {
    message: bi('听课人与授课人不能是同一人', 'Observer and observed teacher must differ'),
    path: ['observedTeacherId'],
  });
export const sharedCourseDetails = z.object({
  courseName: text(100),
  session: z.number().int().min(1).max(200).nullable().optional(),
  classHours: z.number().min(0.5).max(20),
  studentsReached: z.number().int().min(0).max(2000),
});
export const studentExchangeDetails = z.object({
  format: z.enum(EXCHANGE_FORMATS),
  pairs: z.number().int().min(0).max(1000).nullable().optional(),
});
export const cultureDetails = z.object({ format: z.enum(CULTURE_FORMATS), theme: text(200) });
export const managementVisitDetails = z.object({
  theme: text(200),
  regulationsRevised: z.number().int().min(0).max(500).nullable().optional(),
});
export const trainingDetails = z.object({
  topic: text(200),
  trainer: optText(50),
  hours: z.number().min(0.5).max(200),
});

export const DETAIL_SCHEMAS = {
  sync_class: syncClassDetails,
  joint_prep: jointPrepDetails,
  research: researchDetails,
  lecture: lectureDetails,
  demo_lesson: demoLessonDetails,
  observation: observationDetails,
  shared_course: sharedCourseDetails,
  student_exchange: studentExchangeDetails,
  culture: cultureDetails,
  management_visit: managementVisitDetails,
  training: trainingDetails,
} as const satisfies Record<ActivityKind, z.ZodType>;
export type ActivityDetails = { [K in ActivityKind]: z.infer<(typeof DETAIL_SCHEMAS)[K]> };
export type SyncClassDetails = ActivityDetails['sync_class'];

// ---------- activities ----------
const instant = z.iso.datetime({
  offset: true,
  message: bi('时间格式应为 ISO 8601（含时区）', 'Times are ISO 8601 with an offset'),
});
const commonFields = {
  communityId: id,
  organizerSchoolId: id,
  /** other participating schools (the organiser is always a participant) */
  participantSchoolIds: z.array(id).max(60).default([]),
  title: text(200),
  description: optText(4000),
  startsAt: instant,
  endsAt: instant,
  /** semester key; derived from startsAt when omitted */
  semester: semesterKey.optional(),
  teacherCount: z
    .number()
    .int()
    .min(0)
    .max(3000, { message: bi('参与教师人数不超过 3000', 'At most 3,000 teachers') }),
  /** for sync classes, the receiving classes' head counts when omitted */
  studentCount: z
    .number()
    .int()
    .min(0)
    .max(20000, { message: bi('参与学生人数不超过 20000', 'At most 20,000 students') })
    .optional(),
};
const variant = <K extends ActivityKind>(kind: K) =>
  z.object({
    ...commonFields,
    /** generated on the device: a retried create (offline capture) returns the first record */
    clientId: z.uuid({ message: bi('客户端编号须为 UUID', 'Client id must be a UUID') }).optional(),
    kind: z.literal(kind),
    details: DETAIL_SCHEMAS[kind],
  });
export const activityInput = z.discriminatedUnion('kind', [
  variant('sync_class'),
  variant('joint_prep'),
  variant('research'),
  variant('lecture'),
  variant('demo_lesson'),
  variant('observation'),
  variant('shared_course'),
  variant('student_exchange'),
  variant('culture'),
  variant('management_visit'),
  variant('training'),
]);
export type ActivityInput = z.input<typeof activityInput>;
export type ActivityInputParsed = z.infer<typeof activityInput>;
/** An edit keeps the kind; details, when sent, are validated against the record's kind. */
export const activityPatch = z.object({
  ...(Object.fromEntries(Object.entries(commonFields).map(([k, v]) => [k, (v as z.ZodType).optional()])) as {
    [K in keyof typeof commonFields]: z.ZodOptional<(typeof commonFields)[K]>;
  }),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ActivityPatch = z.infer<typeof activityPatch>;
export const syncResultInput = z.object({
  attendance: z
    .array(z.object({ schoolId: id, className: text(30), attended: classSize }))
    .min(1)
    .max(30),
  recordingUrl: optUrl,
});
export type SyncResultInput = z.infer<typeof syncResultInput>;

export const attachmentSchema = z.object({
  id: z.number().int(),
  groupId: z.string(),
  version: z.number().int(),
  category: z.enum(['photo', 'document', 'video']),
  fileName: z.string(),
  mimeType: z.string(),
  sizeBytes: z.number().int(),
  hasThumbnail: z.boolean(),
  caption: z.string().nullable(),
  uploadedBy: z.string().nullable(),
  uploadedAt: z.string(),
  /** earlier versions of this evidence, newest first (corrections never replace) */
  history: z.array(
    z.object({
      id: z.number().int(),
      version: z.number().int(),
      fileName: z.string(),
      sizeBytes: z.number().int(),
      uploadedAt: z.string(),
    }),
  ),
});
export type Attachment = z.infer<typeof attachmentSchema>;

const schoolRef = z.object({ id: z.number().int(), name: z.string() });
export const activitySchema = z.object({
  id: z.number().int(),
  communityId: z.number().int(),
  communityName: z.string(),
  organizerSchoolId: z.number().int(),
  organizerSchoolName: z.string(),
  schools: z.array(schoolRef),
  kind: z.enum(ACTIVITY_KINDS),
  title: z.string(),
  description: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  semester: z.string(),
  teacherCount: z.number().int(),
  studentCount: z.number().int(),
  details: z.record(z.string(), z.unknown()),
  createdBy: z.number().int().nullable(),
  createdByName: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  attachmentCount: z.number().int(),
  /** the caller may edit or delete it */
  canEdit: z.boolean(),
});
export type Activity = z.infer<typeof activitySchema>;
export const activityDetailSchema = activitySchema.extend({
  attachments: z.array(attachmentSchema),
  /** the library resources its recordings were published as (a recorded sync class, 已发布到资源库) */
  libraryResources: z.array(z.object({ id: z.number().int(), title: z.string() })),
  /** names of the teachers named in `details`, by id */
  teacherNames: z.record(z.string(), z.string()),
});
export type ActivityDetail = z.infer<typeof activityDetailSchema>;

export const activityListQuery = pageQuery.extend({
  communityId: z.coerce.number().int().positive().optional(),
  schoolId: z.coerce.number().int().positive().optional(),
  kind: queryList(z.enum(ACTIVITY_KINDS)).optional(),
  semester: semesterKey.optional(),
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  search: z.string().trim().max(50).optional(),
  mine: z.enum(['true', 'false']).optional(),
  ids: queryList(z.coerce.number().int().positive()).optional(),
});
export type ActivityListQuery = z.infer<typeof activityListQuery>;

// ---------- sync-class calendar ----------
export const calendarQuery = z
  .object({
    communityId: z.coerce.number().int().positive().optional(),
    schoolId: z.coerce.number().int().positive().optional(),
    from: isoDate,
    to: isoDate,
  })
  .refine((q) => q.communityId !== undefined || q.schoolId !== undefined, {
    message: bi('请选择教共体或学校', 'Choose a community or a school'),
    path: ['communityId'],
  })
  .refine((q) => q.from <= q.to && Date.parse(q.to) - Date.parse(q.from) <= 62 * 86400000, {
    message: bi('日期范围最长两个月', 'The range is at most two months'),
    path: ['to'],
  });
export const calendarEventSchema = z.object({
  id: z.number().int(),
  communityId: z.number().int(),
  title: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  mode: z.string(),
  subject: z.string(),
  grade: z.number().int(),
  hostTeacherId: z.number().int(),
  hostTeacherName: z.string().nullable(),
  hostSchoolName: z.string(),
  hostClass: z.string(),
  receiving: z.array(
    z.object({
      schoolId: z.number().int(),
      schoolName: z.string(),
      className: z.string(),
      expectedStudents: z.number().int(),
      attended: z.number().int().nullable(),
    }),
  ),
  recordingUrl: z.string().nullable(),
  meetingUrl: z.string().nullable(),
  /** attendance and recording filled in after the class */
  completed: z.boolean(),
  conflicts: z.array(
    z.object({
      withId: z.number().int(),
      withTitle: z.string(),
      reason: z.enum(['teacher', 'class']),
      what: z.string(),
    }),
  ),
});
export type CalendarEvent = z.infer<typeof calendarEventSchema>;

// ---------- work plans ----------
export const CADENCES = ['semester', 'monthly'] as const;
export const planTargetInput = z.object({
  kind: z.enum(ACTIVITY_KINDS),
  count: z.number().int().min(1).max(1000),
  /** 'monthly': `count` in every month of the term; 'semester': `count` over the term */
  cadence: z.enum(CADENCES).default('semester'),
  schoolId: id.nullable().optional(),
  grade: grade.nullable().optional(),
  subject: z.enum(SUBJECTS).nullable().optional(),
  /** a single month 'YYYY-MM' of the term (semester cadence only) */
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .nullable()
    .optional(),
  note: optText(200),
});
export type PlanTargetInput = z.input<typeof planTargetInput>;
export const workPlanInput = z.object({
  communityId: id,
  semester: semesterKey,
  title: text(200),
  notes: optText(4000),
  targets: z.array(planTargetInput).max(200),
});
export type WorkPlanInput = z.input<typeof workPlanInput>;
export const workPlanPatch = workPlanInput.omit({ communityId: true, semester: true }).partial();
export const planTargetSchema = z.object({
  id: z.number().int(),
  kind: z.enum(ACTIVITY_KINDS),
  count: z.number().int(),
  cadence: z.enum(CADENCES),
  schoolId: z.number().int().nullable(),
  schoolName: z.string().nullable(),
  grade: z.number().int().nullable(),
  subject: z.string().nullable(),
  month: z.string().nullable(),
  note: z.string().nullable(),
});
export type PlanTarget = z.infer<typeof planTargetSchema>;
export const workPlanSchema = z.object({
  id: z.number().int(),
  communityId: z.number().int(),
  communityName: z.string(),
  semester: z.string(),
  title: z.string(),
  notes: z.string().nullable(),
  targets: z.array(planTargetSchema),
  updatedAt: z.string(),
  canEdit: z.boolean(),
});
export type WorkPlan = z.infer<typeof workPlanSchema>;
export const workPlanListQuery = pageQuery.extend({
  communityId: z.coerce.number().int().positive().optional(),
  semester: semesterKey.optional(),
});

export const complianceRowSchema = z.object({
  targetId: z.number().int(),
  kind: z.enum(ACTIVITY_KINDS),
  cadence: z.enum(CADENCES),
  schoolId: z.number().int().nullable(),
  schoolName: z.string().nullable(),
  grade: z.number().int().nullable(),
  subject: z.string().nullable(),
  month: z.string().nullable(),
  target: z.number().int(),
  done: z.number().int(),
  due: z.number().int(),
  status: z.enum(COMPLIANCE_STATUSES),
  months: z.array(
    z.object({
      month: z.string(),
      target: z.number().int().nullable(),
      done: z.number().int(),
      status: z.enum(COMPLIANCE_STATUSES).nullable(),
    }),
  ),
  activityIds: z.array(z.number().int()),
});
export type ComplianceRow = z.infer<typeof complianceRowSchema>;
export const complianceSchema = z.object({
  planId: z.number().int(),
  communityId: z.number().int(),
  communityName: z.string(),
  semester: z.string(),
  asOf: z.string(),
  rows: z.array(complianceRowSchema),
  bySchool: z.array(
    z.object({
      schoolId: z.number().int().nullable(),
      schoolName: z.string().nullable(),
      target: z.number().int(),
      done: z.number().int(),
      due: z.number().int(),
      behind: z.number().int(),
    }),
  ),
  byMonth: z.array(
    z.object({ month: z.string(), done: z.number().int(), target: z.number().int(), behind: z.number().int() }),
  ),
  summary: z.object({ targets: z.number().int(), done: z.number().int(), behind: z.number().int(), rate: z.number() }),
});
export type Compliance = z.infer<typeof complianceSchema>;
export const reminderSchema = z.object({
  planId: z.number().int(),
  communityId: z.number().int(),
  communityName: z.string(),
  semester: z.string(),
  kind: z.enum(ACTIVITY_KINDS),
  schoolName: z.string().nullable(),
  grade: z.number().int().nullable(),
  subject: z.string().nullable(),
  month: z.string().nullable(),
  target: z.number().int(),
  due: z.number().int(),
  done: z.number().int(),
  missing: z.number().int(),
  /** Ended months of a monthly target that fell short (YYYY-MM), oldest first. */
  shortMonths: z.array(z.string()),
});
export type Reminder = z.infer<typeof reminderSchema>;

// ---------- support ledger (资源共用) ----------
export const supportInput = z
  .object({
    communityId: id,
    recipientSchoolId: id,
    donorType: z.enum(DONOR_TYPES),
    donorSchoolId: id.nullable().optional(),
    donorName: optText(100),
    category: z.enum(SUPPORT_CATEGORIES),
    item: text(100),
    quantity: z.number().min(0).max(1_000_000).nullable().optional(),
    unit: optText(10),
    valueYuan: z
      .number()
      .min(0, { message: bi('金额不能为负', 'The value cannot be negative') })
      .max(1_000_000_000, { message: bi('金额过大', 'The value is too large') }),
    givenOn: isoDate,
    note: optText(1000),
  })
  .refine((v) => !(v.donorType === 'core_school' || v.donorType === 'member_school') || !!v.donorSchoolId, {
    message: bi('请选择捐赠学校', 'Choose the giving school'),
    path: ['donorSchoolId'],
  })
  .refine((v) => v.donorSchoolId == null || v.donorSchoolId !== v.recipientSchoolId, {
    message: bi('捐赠学校不能是受助学校', 'A school cannot give to itself'),
    path: ['donorSchoolId'],
  });
export type SupportInput = z.input<typeof supportInput>;
/** A correction: any subset of the fields; the merged entry is checked against supportInput. */
export const supportPatch = patchOf(supportInput);
export const supportSchema = z.object({
  id: z.number().int(),
  communityId: z.number().int(),
  communityName: z.string(),
  recipientSchoolId: z.number().int(),
  recipientSchoolName: z.string(),
  donorType: z.enum(DONOR_TYPES),
  donorSchoolId: z.number().int().nullable(),
  donorSchoolName: z.string().nullable(),
  donorName: z.string().nullable(),
  category: z.enum(SUPPORT_CATEGORIES),
  item: z.string(),
  quantity: z.number().nullable(),
  unit: z.string().nullable(),
  valueYuan: z.number(),
  givenOn: z.string(),
  note: z.string().nullable(),
  evidence: z.object({ fileName: z.string(), mimeType: z.string(), sizeBytes: z.number().int() }).nullable(),
  createdAt: z.string(),
});
export type SupportEntry = z.infer<typeof supportSchema>;
export const supportListQuery = pageQuery.extend({
  communityId: z.coerce.number().int().positive().optional(),
  schoolId: z.coerce.number().int().positive().optional(),
  schoolYear: z.coerce.number().int().min(2000).max(2100).optional(),
  category: queryList(z.enum(SUPPORT_CATEGORIES)).optional(),
});
export const supportTotalsSchema = z.object({
  total: z.object({ entries: z.number().int(), valueYuan: z.number() }),
  byCommunity: z.array(
    z.object({
      communityId: z.number().int(),
      communityName: z.string(),
      entries: z.number().int(),
      valueYuan: z.number(),
    }),
  ),
  bySchool: z.array(
    z.object({ schoolId: z.number().int(), schoolName: z.string(), entries: z.number().int(), valueYuan: z.number() }),
  ),
  byYear: z.array(z.object({ schoolYear: z.number().int(), entries: z.number().int(), valueYuan: z.number() })),
  byCategory: z.array(
    z.object({ category: z.enum(SUPPORT_CATEGORIES), entries: z.number().int(), valueYuan: z.number() }),
  ),
});
export type SupportTotals = z.infer<typeof supportTotalsSchema>;

// ---------- statistics ----------
export const STAT_DIMENSIONS = ['kind', 'community', 'school', 'month', 'region'] as const;
export type StatDimension = (typeof STAT_DIMENSIONS)[number];
export const activityStatsQuery = z.object({
  groupBy: queryList(z.enum(STAT_DIMENSIONS)).default(['kind']),
  communityId: z.coerce.number().int().positive().optional(),
  schoolId: z.coerce.number().int().positive().optional(),
  kind: queryList(z.enum(ACTIVITY_KINDS)).optional(),
  semester: semesterKey.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  region: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
});
export type ActivityStatsQuery = z.infer<typeof activityStatsQuery>;
export const activityStatRowSchema = z.object({
  kind: z.enum(ACTIVITY_KINDS).optional(),
  communityId: z.number().int().optional(),
  communityName: z.string().optional(),
  schoolId: z.number().int().optional(),
  schoolName: z.string().optional(),
  month: z.string().optional(),
  regionCode: z.string().optional(),
  regionName: z.string().optional(),
  activities: z.number().int(),
  sessions: z.number().int(),
  teacherTimes: z.number().int(),
  studentTimes: z.number().int(),
  participantTimes: z.number().int(),
});
export type ActivityStatRow = z.infer<typeof activityStatRowSchema>;

export const archiveQuery = z
  .object({
    communityId: z.coerce.number().int().positive(),
    semester: semesterKey.optional(),
    schoolYear: z.coerce.number().int().min(2000).max(2100).optional(),
    lang: z.enum(['zh', 'en']).optional(),
  })
  .refine((q) => (q.semester === undefined) !== (q.schoolYear === undefined), {
    message: bi('请选择学期或学年（二选一）', 'Choose a semester or a school year'),
    path: ['semester'],
  });
export type ArchiveQuery = z.infer<typeof archiveQuery>;
