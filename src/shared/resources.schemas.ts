import { z } from 'zod';
import { SUBJECTS } from './enums.js';
import { GRADES, RESOURCE_KINDS, RESOURCE_VISIBILITIES } from './resources.enums.js';
import { bi, isoDate, pageQuery, queryBool, queryList } from './validation.js';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v));
const grade = z
  .number()
  .int()
  .refine((g) => (GRADES as readonly number[]).includes(g), { message: bi('年级应为 1-9', 'Grade must be 1–9') });
const httpUrl = z
  .string()
  .trim()
  .max(1000)
  .url({ message: bi('链接格式不正确', 'Not a valid link') })
  .refine((u) => /^https?:\/\//i.test(u), {
    message: bi('链接须以 http:// 或 https:// 开头', 'Links must start with http:// or https://'),
  });
const tag = z.string().trim().min(1).max(20);

// ---------- resources ----------
const resourceMeta = z.object({
  title: z.string().trim().min(1).max(200),
  description: optionalText(2000),
  kind: z.enum(RESOURCE_KINDS),
  subject: z.enum(SUBJECTS),
  grade: grade
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  textbookEdition: optionalText(30),
  unit: optionalText(60),
  tags: z.array(tag).max(20).default([]),
  /** absent for a bureau's own resource: its county owns it (the service refuses anyone else without one) */
  schoolId: z.number().int().positive().nullable().optional(),
  communityId: z
    .number()
    .int()
    .positive()
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  visibility: z.enum(RESOURCE_VISIBILITIES),
  licenseNote: optionalText(200),
});

/** A resource is either an uploaded file (a finished upload) or an external link, never both. */
const source = {
  uploadId: z
    .string()
    .uuid({ message: bi('上传编号无效', 'Invalid upload id') })
    .optional(),
  url: httpUrl.optional(),
};
const oneSource = (v: { uploadId?: string | undefined; url?: string | undefined }) =>
  (v.uploadId ? 1 : 0) + (v.url ? 1 : 0) === 1;
const oneSourceMessage = {
  message: bi('请上传文件或填写外部链接（二选一）', 'Give either an uploaded file or an external link'),
  path: ['uploadId'],
};

export const resourceInput = resourceMeta.extend(source).refine(oneSource, oneSourceMessage);
export type ResourceInput = z.infer<typeof resourceInput>;
export const resourcePatch = resourceMeta.partial();
export type ResourcePatch = z.infer<typeof resourcePatch>;
export const versionInput = z.object({ ...source, note: optionalText(200) }).refine(oneSource, oneSourceMessage);
export type VersionInput = z.infer<typeof versionInput>;

export const versionSchema = z.object({
  id: z.number().int(),
  versionNo: z.number().int(),
  source: z.enum(['file', 'link']),
  url: z.string().nullable(),
  fileName: z.string().nullable(),
  mimeType: z.string().nullable(),
  mediaClass: z.enum(['video', 'audio', 'image', 'pdf', 'document', 'link']),
  sizeBytes: z.number().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
  createdByName: z.string().nullable(),
});
export type ResourceVersion = z.infer<typeof versionSchema>;

export const resourceSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string().nullable(),
  kind: z.enum(RESOURCE_KINDS),
  subject: z.enum(SUBJECTS),
  grade: z.number().int().nullable(),
  textbookEdition: z.string().nullable(),
  unit: z.string().nullable(),
  tags: z.array(z.string()),
  /** null for a resource its county owns (published by the bureau) */
  schoolId: z.number().int().nullable(),
  schoolName: z.string().nullable(),
  communityId: z.number().int().nullable(),
  communityName: z.string().nullable(),
  regionCode: z.string(),
  visibility: z.enum(RESOURCE_VISIBILITIES),
  licenseNote: z.string().nullable(),
  ownerUserId: z.number().int().nullable(),
  ownerName: z.string().nullable(),
  activityId: z.number().int().nullable(),
  recommended: z.boolean(),
  recommendedAt: z.string().nullable(),
  viewCount: z.number().int(),
  downloadCount: z.number().int(),
  ratingAvg: z.number().nullable(),
  ratingCount: z.number().int(),
  commentCount: z.number().int(),
  current: versionSchema.nullable(),
  /** the current version is an image whose thumbnail is ready (GET /api/v1/resources/:id/thumbnail) */
  hasThumbnail: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** relevance of a search hit (ts_rank); null when listing without a query */
  rank: z.number().nullable(),
});
export type Resource = z.infer<typeof resourceSchema>;

export const resourceDetailSchema = resourceSchema.extend({
  versions: z.array(versionSchema),
  myRating: z.number().int().nullable(),
  can: z.object({ edit: z.boolean(), recommend: z.boolean(), rate: z.boolean() }),
});
export type ResourceDetail = z.infer<typeof resourceDetailSchema>;

export const RESOURCE_SORTS = ['relevance', 'newest', 'popular'] as const;
export const resourceSearchQuery = pageQuery.extend({
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  q: z.string().trim().max(100).optional(),
  kind: queryList(z.enum(RESOURCE_KINDS)).optional(),
  subject: queryList(z.enum(SUBJECTS)).optional(),
  grade: queryList(z.coerce.number().int().min(1).max(9)).optional(),
  schoolId: queryList(z.coerce.number().int().positive()).optional(),
  communityId: queryList(z.coerce.number().int().positive()).optional(),
  textbookEdition: z.string().trim().max(30).optional(),
  unit: z.string().trim().max(60).optional(),
  recommended: queryBool.optional(),
  mine: queryBool.optional(),
  sort: z.enum(RESOURCE_SORTS).default('relevance'),
});
export type ResourceSearchQuery = z.infer<typeof resourceSearchQuery>;

const facetBucket = z.object({ value: z.string(), label: z.string().nullable(), count: z.number().int() });
export type FacetBucket = z.infer<typeof facetBucket>;
export const FACETS = ['subject', 'grade', 'kind', 'school', 'community'] as const;
export type Facet = (typeof FACETS)[number];
export const searchResultSchema = z.object({
  items: z.array(resourceSchema),
  total: z.number().int(),
  facets: z.object({
    subject: z.array(facetBucket),
    grade: z.array(facetBucket),
    kind: z.array(facetBucket),
    school: z.array(facetBucket),
    community: z.array(facetBucket),
  }),
});
export type SearchResult = z.infer<typeof searchResultSchema>;

// ---------- uploads ----------
export const uploadInput = z.object({
  fileName: z.string().min(1).max(200),
  size: z
    .number()
    .int()
    .min(1, { message: bi('文件不能为空', 'The file is empty') }),
  mimeType: z.string().trim().min(1).max(120),
});
export type UploadInput = z.infer<typeof uploadInput>;
export const uploadSchema = z.object({
  id: z.string(),
  fileName: z.string(),
  size: z.number(),
  mimeType: z.string(),
  receivedBytes: z.number(),
  status: z.enum(['open', 'complete', 'used', 'failed']),
  chunkBytes: z.number().int(),
  createdAt: z.string(),
});
export type Upload = z.infer<typeof uploadSchema>;
export const chunkQuery = z.object({ offset: z.coerce.number().int().min(0) });

// ---------- curation ----------
export const ratingInput = z.object({ stars: z.number().int().min(1).max(5) });
export const commentInput = z.object({ body: z.string().trim().min(1).max(1000) });
export const commentSchema = z.object({
  id: z.number().int(),
  resourceId: z.number().int(),
  userId: z.number().int().nullable(),
  userName: z.string().nullable(),
  schoolName: z.string().nullable(),
  body: z.string(),
  createdAt: z.string(),
  canDelete: z.boolean(),
});
export type ResourceComment = z.infer<typeof commentSchema>;
export const recommendInput = z.object({ recommended: z.boolean(), note: optionalText(200) });

// ---------- usage ----------
export const mostUsedQuery = z.object({
  communityId: z.coerce.number().int().positive().optional(),
  regionCode: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  days: z.coerce.number().int().min(1).max(730).default(30),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export const mostUsedSchema = z.object({
  items: z.array(z.object({ resource: resourceSchema, views: z.number().int(), downloads: z.number().int() })),
});
export type MostUsed = z.infer<typeof mostUsedSchema>;

// ---------- shared courses ----------
export const courseInput = z.object({
  title: z.string().trim().min(1).max(100),
  description: optionalText(2000),
  subject: z.enum(SUBJECTS),
  targetGrades: z.array(grade).min(1).max(9),
  ownerSchoolId: z.number().int().positive(),
  communityId: z
    .number()
    .int()
    .positive()
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  schoolYear: z.number().int().min(2015).max(2100),
  openSchoolIds: z.array(z.number().int().positive()).max(50).default([]),
});
export type CourseInput = z.infer<typeof courseInput>;
/** A correction: fields left out stay as they are (no defaults: an absent list must not clear the open schools). */
export const coursePatch = courseInput
  .extend({
    communityId: z.number().int().positive().nullable(),
    openSchoolIds: z.array(z.number().int().positive()).max(50),
  })
  .partial();
export type CoursePatch = z.infer<typeof coursePatch>;

export const sessionInput = z.object({
  heldOn: isoDate,
  classHours: z
    .number()
    .min(0.5)
    .max(8)
    .refine((h) => Number.isInteger(h * 2), { message: bi('课时以 0.5 为单位', 'Class hours come in steps of 0.5') }),
  topic: z.string().trim().min(1).max(200),
  activityId: z
    .number()
    .int()
    .positive()
    .nullable()
    .optional()
    .transform((v) => v ?? null),
});
export type SessionInput = z.infer<typeof sessionInput>;
export const enrolmentInput = z.object({
  schoolId: z.number().int().positive(),
  className: z.string().trim().min(1).max(30),
  students: z.number().int().min(1).max(200),
});
export type EnrolmentInput = z.infer<typeof enrolmentInput>;

const named = z.object({ id: z.number().int(), name: z.string() });
export const courseSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string().nullable(),
  subject: z.enum(SUBJECTS),
  targetGrades: z.array(z.number().int()),
  ownerSchoolId: z.number().int(),
  ownerSchoolName: z.string(),
  communityId: z.number().int().nullable(),
  communityName: z.string().nullable(),
  schoolYear: z.number().int(),
  openSchools: z.array(named),
  sessions: z.number().int(),
  classHours: z.number(),
  students: z.number().int(),
  createdAt: z.string(),
});
export type Course = z.infer<typeof courseSchema>;
export const sessionSchema = z.object({
  id: z.number().int(),
  courseId: z.number().int(),
  heldOn: z.string(),
  classHours: z.number(),
  topic: z.string(),
  activityId: z.number().int().nullable(),
});
export type CourseSession = z.infer<typeof sessionSchema>;
export const enrolmentSchema = z.object({
  id: z.number().int(),
  courseId: z.number().int(),
  schoolId: z.number().int(),
  schoolName: z.string(),
  className: z.string(),
  students: z.number().int(),
});
export type Enrolment = z.infer<typeof enrolmentSchema>;
export const courseDetailSchema = courseSchema.extend({
  sessionList: z.array(sessionSchema),
  enrolments: z.array(enrolmentSchema),
  can: z.object({ edit: z.boolean(), enrolSchoolIds: z.array(z.number().int()) }),
});
export type CourseDetail = z.infer<typeof courseDetailSchema>;

export const courseListQuery = pageQuery.extend({
  q: z.string().trim().max(50).optional(),
  schoolYear: z.coerce.number().int().min(2015).max(2100).optional(),
  communityId: z.coerce.number().int().positive().optional(),
  schoolId: z.coerce.number().int().positive().optional(),
  subject: queryList(z.enum(SUBJECTS)).optional(),
});
export type CourseListQuery = z.infer<typeof courseListQuery>;

export const COURSE_TOTAL_GROUPS = ['community', 'school', 'region'] as const;
export const courseTotalsQuery = z.object({
  groupBy: z.enum(COURSE_TOTAL_GROUPS).default('community'),
  schoolYear: z.coerce.number().int().min(2015).max(2100).optional(),
});
const totalsRow = z.object({
  key: z.string(),
  name: z.string(),
  courses: z.number().int(),
  sessions: z.number().int(),
  classHours: z.number(),
  /** distinct pupils reached (each enrolled class once) */
  students: z.number().int(),
  /** enrolments added up: a class in two courses counts twice (人次) */
  studentTimes: z.number().int(),
  /** distinct schools with an enrolled class */
  schools: z.number().int(),
});
export type CourseTotalsRow = z.infer<typeof totalsRow>;
export const courseTotalsSchema = z.object({ rows: z.array(totalsRow), total: totalsRow });
export type CourseTotals = z.infer<typeof courseTotalsSchema>;
