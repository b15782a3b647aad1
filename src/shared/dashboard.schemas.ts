import { z } from 'zod';
import { LOCATION_CLASSES, SCHOOL_LEVELS, type Labelled } from './enums.js';
import { bi, pageQuery, queryBool, queryList } from './validation.js';

/**
 * The dashboard's contract with the web app. Panels come from many modules, so their titles travel
 * as {zh, en} pairs (like the enum labels) and every figure carries the list that produced it.
 */
const SEMESTER = /^(\d{4})-(\d{4})-([12])$/;
export const dashboardSemester = z.string().refine(
  (s) => {
    const m = SEMESTER.exec(s);
    return !!m && Number(m[2]) === Number(m[1]) + 1;
  },
  { message: bi('学期格式应为 2025-2026-1', 'Semester looks like 2025-2026-1') },
);

const dashboardFields = z.object({
  /** school year: 2025 means 2025–2026; the current one when omitted */
  schoolYear: z.coerce.number().int().min(2000).max(2100).optional(),
  semester: dashboardSemester.optional(),
  level: queryList(z.enum(SCHOOL_LEVELS)).optional(),
  locationClass: queryList(z.enum(LOCATION_CLASSES)).optional(),
  /** a region inside the actor's own (bureau view of a county) */
  region: z
    .string()
    .regex(/^\d{6}$/, { message: bi('地区代码应为 6 位数字', 'Region code must be 6 digits') })
    .optional(),
  communityId: z.coerce.number().int().positive().optional(),
  schoolId: z.coerce.number().int().positive().optional(),
  lang: z.enum(['zh', 'en']).optional(),
});
const semesterInYear = <Q extends { semester?: string | undefined; schoolYear?: number | undefined }>(q: Q) =>
  !q.semester || q.schoolYear === undefined || q.semester.startsWith(`${q.schoolYear}-`);
const semesterInYearIssue = {
  message: bi('学期不属于所选学年', 'The semester is not in the chosen school year'),
  path: ['semester'],
};
export const dashboardQuery = dashboardFields.refine(semesterInYear, semesterInYearIssue);
export type DashboardQuery = z.infer<typeof dashboardQuery>;
/** The alerts a page at a time: a province has hundreds, the card shows eight. */
export const alertsQuery = dashboardFields
  .extend({
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(8),
  })
  .refine(semesterInYear, semesterInYearIssue);
export type AlertsQuery = z.infer<typeof alertsQuery>;

export const DASHBOARD_VIEWS = ['region', 'community', 'school'] as const;
export type DashboardView = (typeof DASHBOARD_VIEWS)[number];

export const FILTER_KEYS = ['schoolYear', 'semester', 'level', 'locationClass'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

const labelled = z.object({ zh: z.string(), en: z.string() });
/**
 * `pp`: percentage points (a difference of two rates: 4.32 个百分点); `scoreChange` and `ppChange`:
 * a change between two figures, written with its sign (+0.5分, −2.1个百分点).
 */
export const FIGURE_UNITS = [
  'schools',
  'communities',
  'teachers',
  'percent',
  'sessions',
  'times',
  'hours',
  'people',
  'students',
  'items',
  'views',
  'score',
  'rank',
  'pp',
  'scoreChange',
  'ppChange',
] as const;
export type FigureUnit = (typeof FIGURE_UNITS)[number];

/** A link into the app: the list (path + query) whose count or sum the figure is. */
export const drillDownSchema = z.object({ path: z.string(), query: z.record(z.string(), z.string()) });
export type DrillDown = z.infer<typeof drillDownSchema>;

export const figureSchema = z.object({
  key: z.string(),
  label: labelled,
  /** null: no data yet (shown as an empty state, never NaN) */
  value: z.number().nullable(),
  unit: z.enum(FIGURE_UNITS),
  drillDown: drillDownSchema.nullable(),
  /** e.g. "12 / 40" under a share */
  hint: labelled.nullable().optional(),
});
export type Figure = z.infer<typeof figureSchema>;

export const CHART_KINDS = ['bar', 'pie', 'line', 'rank'] as const;
export const chartPointSchema = z.object({
  name: labelled,
  value: z.number().nullable(),
  drillDown: drillDownSchema.nullable().optional(),
});
export type ChartPoint = z.infer<typeof chartPointSchema>;
/** One line (or one bar per category) of a chart with several: a value per point, in the points' order. */
export const chartSeriesSchema = z.object({
  key: z.string(),
  name: labelled,
  values: z.array(z.number().nullable()),
  /** where a click on this series leads */
  drillDown: drillDownSchema.nullable().optional(),
});
export type ChartSeries = z.infer<typeof chartSeriesSchema>;
export const chartSchema = z.object({
  key: z.string(),
  kind: z.enum(CHART_KINDS),
  title: labelled,
  unit: z.enum(FIGURE_UNITS),
  /** the categories; with `series` their own values are null and the series carry the numbers */
  points: z.array(chartPointSchema),
  /** several lines over the same categories (line and bar charts), e.g. a gap per subject over exams */
  series: z.array(chartSeriesSchema).optional(),
  /** a reference line, e.g. the 15% master-teacher line */
  line: z.object({ value: z.number(), label: labelled }).nullable().optional(),
});
export type Chart = z.infer<typeof chartSchema>;

export const panelSchema = z.object({
  key: z.string(),
  module: z.string(),
  title: labelled,
  figures: z.array(figureSchema),
  charts: z.array(chartSchema),
  /** filters this panel's source cannot apply (the page says so instead of silently ignoring them) */
  ignores: z.array(z.enum(FILTER_KEYS)),
});
export type Panel = z.infer<typeof panelSchema>;

export const mapPointSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  lng: z.number(),
  lat: z.number(),
  locationClass: z.string(),
  communityId: z.number().int().nullable(),
  core: z.boolean(),
});
export const mapSchema = z.object({
  schools: z.array(mapPointSchema),
  /** core school → member school, one per current membership (lines of the community) */
  links: z.array(
    z.object({
      communityId: z.number().int(),
      from: z.tuple([z.number(), z.number()]),
      to: z.tuple([z.number(), z.number()]),
    }),
  ),
  communities: z.array(z.object({ id: z.number().int(), name: z.string() })),
  /** schools left off the map because they have no coordinates */
  withoutCoordinates: z.number().int(),
});
export type DashboardMap = z.infer<typeof mapSchema>;

export const scopeInfoSchema = z.object({ view: z.enum(DASHBOARD_VIEWS), id: z.string(), name: z.string() });
export type ScopeInfo = z.infer<typeof scopeInfoSchema>;

export const dashboardSchema = z.object({
  scope: scopeInfoSchema,
  schoolYear: z.number().int(),
  semester: z.string().nullable(),
  generatedAt: z.string(),
  panels: z.array(panelSchema),
  /** panels whose source failed this time (logged on the server); the rest still show */
  unavailable: z.array(z.string()),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

export const ALERT_SEVERITIES = ['high', 'medium', 'low'] as const;
export const alertSchema = z.object({
  key: z.string(),
  kind: z.string(),
  kindLabel: labelled,
  severity: z.enum(ALERT_SEVERITIES),
  title: z.string(),
  /** the title in English (names from the data stay as they are written) */
  titleEn: z.string(),
  /** who has to act: a school principal, a community lead, an action item's owner */
  owner: z.string().nullable(),
  communityId: z.number().int().nullable(),
  communityName: z.string().nullable(),
  link: z.string(),
  since: z.string().nullable(),
});
export type Alert = z.infer<typeof alertSchema>;
export const alertsSchema = z.object({
  items: z.array(alertSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  unavailable: z.array(z.string()),
});
export type Alerts = z.infer<typeof alertsSchema>;

// ---------- drill-down list the registry lacks: teachers by level/location class, master teachers ----------
export const drillTeachersQuery = pageQuery.extend({
  region: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  communityId: z.coerce.number().int().positive().optional(),
  schoolId: z.coerce.number().int().positive().optional(),
  level: queryList(z.enum(SCHOOL_LEVELS)).optional(),
  locationClass: queryList(z.enum(LOCATION_CLASSES)).optional(),
  master: queryBool.optional(),
});
export type DrillTeachersQuery = z.infer<typeof drillTeachersQuery>;
export const drillTeacherSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  teacherCode: z.string(),
  schoolId: z.number().int(),
  schoolName: z.string(),
  honours: z.array(z.string()),
  title: z.string(),
});

// ---------- display links (数据大屏) ----------
export const displayLinkInput = z.object({
  label: z
    .string()
    .trim()
    .min(1, { message: bi('请填写名称，如“会议室大屏”', 'Give it a name, e.g. "meeting-room screen"') })
    .max(50),
  /** a region inside the creator's, or the creator's community; defaults to the creator's scope */
  regionCode: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  communityId: z.number().int().positive().optional(),
  /** default and maximum: GONGJIN_DISPLAY_LINK_MAX_DAYS (365 unless configured) */
  validDays: z.number().int().min(1).max(3650).optional(),
});
export type DisplayLinkInput = z.infer<typeof displayLinkInput>;
export const displayLinkSchema = z.object({
  id: z.number().int(),
  label: z.string(),
  scopeKind: z.enum(['region', 'community']),
  scopeId: z.string(),
  scopeName: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type DisplayLink = z.infer<typeof displayLinkSchema>;
/** The token is shown once, at creation; the database keeps only its hash. */
export const displayLinkCreated = displayLinkSchema.extend({ token: z.string(), url: z.string() });

export const reportQuery = z.object({
  schoolYear: z.coerce.number().int().min(2000).max(2100).optional(),
  region: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  communityId: z.coerce.number().int().positive().optional(),
  lang: z.enum(['zh', 'en']).optional(),
});

export const label = (zh: string, en: string): Labelled => ({ zh, en });
