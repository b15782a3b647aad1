import { z } from 'zod';
import type { Labelled } from './enums.js';
import { bi, pageOf, pageQuery, queryBool } from './validation.js';

/**
 * Annual assessment (考核评价): a scheme per region and school year holds dimensions with weights
 * and indicators; communities self-assess, assessors score, the bureau publishes. The scheme
 * definition is one versioned document: every save is a new version, and a published result keeps
 * a copy of the version it was computed with.
 */
export const EVALUATION_STATUSES = ['self_assessment', 'assessor_scoring', 'review', 'published', 'rescoring'] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];
export const EVALUATION_STATUS_LABELS: Record<EvaluationStatus, Labelled> = {
  self_assessment: { zh: '自评中', en: 'Self-assessment' },
  assessor_scoring: { zh: '考核员评分', en: 'Assessor scoring' },
  review: { zh: '待审核', en: 'In review' },
  published: { zh: '已发布', en: 'Published' },
  rescoring: { zh: '申诉复评', en: 'Re-scoring after appeal' },
};

export const INDICATOR_KINDS = ['computed', 'manual', 'bonus', 'deduction'] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];
export const INDICATOR_KIND_LABELS: Record<IndicatorKind, Labelled> = {
  computed: { zh: '数据计算', en: 'Computed' },
  manual: { zh: '评分细则', en: 'Rubric' },
  bonus: { zh: '加分项', en: 'Bonus' },
  deduction: { zh: '扣分项', en: 'Deduction' },
};

export const RULE_TYPES = ['linear', 'bands', 'threshold', 'deduction'] as const;
export const RULE_TYPE_LABELS: Record<(typeof RULE_TYPES)[number], Labelled> = {
  linear: { zh: '按目标线性计分（封顶）', en: 'Linear to a target (capped)' },
  bands: { zh: '分档计分', en: 'Bands' },
  threshold: { zh: '达标计分', en: 'Threshold' },
  deduction: { zh: '按量扣分', en: 'Deduction per unit' },
};

const key = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, {
    message: bi(
      '代码为小写字母开头的字母、数字、下划线（最多 40 位）',
      'Keys: lower-case letter first, then letters, digits, _ (max 40)',
    ),
  });
const name = z.string().trim().min(1).max(60);
const points = z.number().min(0).max(100);

export const scoringRule = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('linear'),
    target: z.number().positive({ message: bi('目标值须大于 0', 'The target must be above 0') }),
  }),
  z.object({
    type: z.literal('bands'),
    bands: z
      .array(z.object({ min: z.number(), points }))
      .min(1)
      .max(10),
  }),
  z.object({ type: z.literal('threshold'), threshold: z.number(), direction: z.enum(['gte', 'lte']).default('gte') }),
  z.object({ type: z.literal('deduction'), perUnit: z.number().positive() }),
]);
export type ScoringRule = z.infer<typeof scoringRule>;

export const rubricLevel = z.object({ key, label: name, points });
export type RubricLevel = z.infer<typeof rubricLevel>;

const indicatorBase = {
  key,
  name,
  nameEn: z.string().trim().max(80).optional(),
  maxPoints: points,
  description: z.string().trim().max(500).optional(),
};
/**
 * A bonus or deduction item is hand-scored (手工评分) unless it names a formula (数据源): then
 * points = value × perUnit, capped at maxPoints, computed for each community; a hand-entered score
 * (with its reason) still overrides the computed one.
 */
const dataDriven = {
  formula: z.string().trim().min(1).max(500).optional(),
  perUnit: z
    .number()
    .positive({ message: bi('每单位分值须大于 0', 'Points per unit must be above 0') })
    .max(100)
    .default(1),
};
export const indicatorDef = z.discriminatedUnion('kind', [
  z.object({
    ...indicatorBase,
    kind: z.literal('computed'),
    formula: z.string().trim().min(1).max(500),
    /** unit of the formula's value as the scheme expects it, e.g. "session/school"; checked on save */
    unit: z.string().trim().max(40).optional(),
    rule: scoringRule,
    /** evaluate the formula for each member school and average the values (per-member-school averaging) */
    perMemberSchool: z.boolean().default(false),
  }),
  z.object({
    ...indicatorBase,
    kind: z.literal('manual'),
    levels: z.array(rubricLevel).min(1).max(10),
    evidenceRequired: z.boolean().default(false),
  }),
  z.object({ ...indicatorBase, kind: z.literal('bonus'), ...dataDriven }),
  z.object({ ...indicatorBase, kind: z.literal('deduction'), ...dataDriven }),
]);
export type IndicatorDef = z.infer<typeof indicatorDef>;

export const dimensionDef = z.object({
  key,
  name,
  nameEn: z.string().trim().max(80).optional(),
  /** points of the dimension out of 100 */
  weight: points,
  indicators: z.array(indicatorDef).min(1).max(30),
});
export type DimensionDef = z.infer<typeof dimensionDef>;

/** 捆绑考核: how a community's schools combine into its score and into each principal's appraisal. */
export const boundConfig = z.object({
  enabled: z.boolean().default(false),
  /** weight of a school by location class; rural schools weigh most (the rural school's progress weighs most) */
  weights: z
    .object({ urban: z.number().min(0).max(10), town: z.number().min(0).max(10), rural: z.number().min(0).max(10) })
    .default({ urban: 1, town: 1.5, rural: 2 }),
  /** share of the community's bound score in each principal's appraisal (the rest is the school's own) */
  principalShare: z.number().min(0).max(1).default(0.3),
});
export type BoundConfig = z.infer<typeof boundConfig>;

export const schemeDefinition = z.object({
  dimensions: z.array(dimensionDef).min(1).max(20),
  bound: boundConfig.default({ enabled: false, weights: { urban: 1, town: 1.5, rural: 2 }, principalShare: 0.3 }),
});
export type SchemeDefinition = z.infer<typeof schemeDefinition>;

const regionCode = z
  .string()
  .trim()
  .regex(/^\d{6}$/, { message: bi('区县代码应为 6 位数字', 'Region code must be 6 digits') });
const schoolYear = z.coerce.number().int().min(2000).max(2100);

export const schemeInput = z.object({
  regionCode,
  year: schoolYear,
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(2000).nullable().optional(),
  definition: schemeDefinition,
});
export type SchemeInput = z.infer<typeof schemeInput>;
export const schemePatch = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().trim().max(2000).nullable().optional(),
  definition: schemeDefinition.optional(),
});
export type SchemePatch = z.infer<typeof schemePatch>;
export const schemeCopyInput = z.object({ year: schoolYear, name: z.string().trim().min(1).max(100).optional() });

export const schemeSchema = z.object({
  id: z.number().int(),
  regionCode: z.string(),
  regionName: z.string().nullable(),
  year: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  version: z.number().int(),
  definition: schemeDefinition,
  evaluationCount: z.number().int(),
  publishedCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Scheme = z.infer<typeof schemeSchema>;
export const schemeListQuery = pageQuery.extend({
  region: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  year: schoolYear.optional(),
});

// ---------- formula check and preview ----------
export const formulaCheckInput = z.object({
  formula: z.string().max(500),
  unit: z.string().trim().max(40).optional(),
  regionCode: regionCode.optional(),
  year: schoolYear.optional(),
  perMemberSchool: z.boolean().default(false),
  rule: scoringRule.optional(),
  maxPoints: points.optional(),
});
export const formulaIssueSchema = z.object({
  code: z.string(),
  at: z.number().int(),
  message: z.string(),
  messageEn: z.string(),
});
export const formulaCheckResult = z.object({
  ok: z.boolean(),
  unit: z.string(),
  series: z.array(z.string()),
  issues: z.array(formulaIssueSchema),
  preview: z.array(
    z.object({
      communityId: z.number().int(),
      communityName: z.string(),
      value: z.number().nullable(),
      points: z.number().nullable(),
    }),
  ),
});
export type FormulaCheckResult = z.infer<typeof formulaCheckResult>;

export const dataSourceSchema = z.object({
  key: z.string(),
  label: z.string(),
  labelEn: z.string(),
  unit: z.string(),
  unitLabel: z.string(),
  schoolScope: z.boolean(),
  available: z.boolean(),
  module: z.string(),
});
export type DataSourceInfo = z.infer<typeof dataSourceSchema>;

// ---------- evaluations ----------
export const evidenceLink = z.object({
  label: z.string().trim().min(1).max(100),
  url: z
    .string()
    .trim()
    .max(500)
    .refine((u) => /^(https?:\/\/|\/)/.test(u), {
      message: bi('证据链接须以 http(s):// 或 / 开头', 'Evidence links start with http(s):// or /'),
    }),
});
export type EvidenceLink = z.infer<typeof evidenceLink>;

export const scoreInput = z.object({
  indicatorKey: key,
  /** the rubric level for manual indicators */
  levelKey: key.optional(),
  /** points for bonus and deduction items */
  points: z.number().min(0).max(100).optional(),
  comment: z.string().trim().max(1000).nullable().optional(),
  evidence: z.array(evidenceLink).max(20).default([]),
});
export type ScoreInput = z.infer<typeof scoreInput>;

export const scoreSchema = z.object({
  indicatorKey: z.string(),
  stage: z.enum(['self', 'assessor']),
  levelKey: z.string().nullable(),
  points: z.number(),
  comment: z.string().nullable(),
  evidence: z.array(evidenceLink),
  scoredBy: z.string().nullable(),
  scoredAt: z.string(),
});
export type Score = z.infer<typeof scoreSchema>;

export interface ExplanationNode {
  key: string;
  label: string;
  labelEn: string;
  points: number | null;
  maxPoints: number | null;
  /** plain Chinese sentence: how the points were earned or lost */
  text: string;
  textEn: string;
  value?: number | null;
  children?: ExplanationNode[];
  records?: { label: string; date?: string | null; href?: string | null }[];
}
export const explanationNode: z.ZodType<ExplanationNode> = z.lazy(() =>
  z.object({
    key: z.string(),
    label: z.string(),
    labelEn: z.string(),
    points: z.number().nullable(),
    maxPoints: z.number().nullable(),
    text: z.string(),
    textEn: z.string(),
    value: z.number().nullable().optional(),
    children: z.array(explanationNode).optional(),
    records: z
      .array(
        z.object({ label: z.string(), date: z.string().nullable().optional(), href: z.string().nullable().optional() }),
      )
      .optional(),
  }),
);
/** Named for OpenAPI: the recursive tree becomes components.schemas.ExplanationNode, referring to itself. */
z.globalRegistry.add(explanationNode, { id: 'ExplanationNode' });

export const schoolBoundSchema = z.object({
  schoolId: z.number().int(),
  schoolName: z.string(),
  role: z.string(),
  locationClass: z.string(),
  weight: z.number(),
  ownScore: z.number(),
  communityScore: z.number(),
  principalAppraisal: z.number(),
});
export type SchoolBound = z.infer<typeof schoolBoundSchema>;

export const resultSchema = z.object({
  revision: z.number().int(),
  schemeVersion: z.number().int(),
  total: z.number(),
  dimensions: z.array(z.object({ key: z.string(), name: z.string(), points: z.number(), weight: z.number() })),
  schools: z.array(schoolBoundSchema),
  explanation: explanationNode,
  publishedAt: z.string().nullable(),
});
export type EvaluationResult = z.infer<typeof resultSchema>;

export const evaluationSchema = z.object({
  id: z.number().int(),
  schemeId: z.number().int(),
  schemeName: z.string(),
  regionCode: z.string(),
  year: z.number().int(),
  communityId: z.number().int(),
  communityName: z.string(),
  status: z.enum(EVALUATION_STATUSES),
  revision: z.number().int(),
  total: z.number().nullable(),
  assessors: z.array(z.object({ userId: z.number().int(), name: z.string() })),
  openAppeals: z.number().int(),
  updatedAt: z.string(),
});
export type Evaluation = z.infer<typeof evaluationSchema>;
export const evaluationListQuery = pageQuery.extend({
  scheme: z.coerce.number().int().positive().optional(),
  status: z.enum(EVALUATION_STATUSES).optional(),
  community: z.coerce.number().int().positive().optional(),
});

export const appealSchema = z.object({
  id: z.number().int(),
  evaluationId: z.number().int(),
  indicatorKey: z.string(),
  reason: z.string(),
  status: z.enum(['open', 'accepted', 'rejected', 'resolved']),
  response: z.string().nullable(),
  filedBy: z.string().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
});
export type Appeal = z.infer<typeof appealSchema>;
export const appealInput = z.object({
  indicatorKey: key,
  reason: z
    .string()
    .trim()
    .min(5, { message: bi('请写明申诉理由（至少 5 个字）', 'Give a reason (at least 5 characters)') })
    .max(2000),
});
export const appealDecision = z.object({ accept: z.boolean(), response: z.string().trim().min(1).max(2000) });

export const evaluationDetailSchema = evaluationSchema.extend({
  definition: schemeDefinition,
  schemeVersion: z.number().int(),
  scores: z.array(scoreSchema),
  /** live computation with the current scheme and data (not yet published) */
  preview: resultSchema.omit({ publishedAt: true, revision: true }).nullable(),
  result: resultSchema.nullable(),
  history: z.array(resultSchema.pick({ revision: true, total: true, publishedAt: true, schemeVersion: true })),
  appeals: z.array(appealSchema),
  can: z.object({
    selfScore: z.boolean(),
    assessorScore: z.boolean(),
    submit: z.boolean(),
    publish: z.boolean(),
    returnToAssessor: z.boolean(),
    appeal: z.boolean(),
    decideAppeal: z.boolean(),
  }),
});
export type EvaluationDetail = z.infer<typeof evaluationDetailSchema>;

export const assignmentInput = z.object({
  communityId: z.number().int().positive(),
  assessorUserId: z.number().int().positive(),
});
export const assignmentSchema = z.object({
  id: z.number().int(),
  schemeId: z.number().int(),
  communityId: z.number().int(),
  communityName: z.string(),
  assessorUserId: z.number().int(),
  assessorName: z.string(),
});
export type Assignment = z.infer<typeof assignmentSchema>;

// ---------- published results ----------
/** Without `year`: the latest year with published results in the region (the page opens on it). */
export const resultsQuery = z.object({
  region: regionCode,
  year: schoolYear.optional(),
  lang: z.enum(['zh', 'en']).optional(),
});
export const rankedResultSchema = z.object({
  evaluationId: z.number().int(),
  communityId: z.number().int(),
  communityName: z.string(),
  total: z.number(),
  rank: z.number().int(),
  previousTotal: z.number().nullable(),
  change: z.number().nullable(),
  dimensions: z.array(z.object({ key: z.string(), name: z.string(), points: z.number(), weight: z.number() })),
  schemeVersion: z.number().int(),
  schemeName: z.string(),
  /**
   * What the previous year's result was computed with, to explain a large year-on-year change:
   * another scheme, another version, or dimensions it had no points for.
   */
  previousScheme: z
    .object({ name: z.string(), version: z.number().int(), missingDimensions: z.array(z.string()) })
    .nullable(),
  publishedAt: z.string().nullable(),
});
export type RankedResult = z.infer<typeof rankedResultSchema>;
export const resultsSchema = z.object({
  regionCode: z.string(),
  year: z.number().int(),
  /** The years with published results in the region, newest first: what the year picker offers. */
  years: z.array(z.number().int()),
  /** 总发展指数: mean of the published community indices (each community counts once) */
  regionIndex: z.number().nullable(),
  previousRegionIndex: z.number().nullable(),
  communities: z.array(rankedResultSchema),
});
export type Results = z.infer<typeof resultsSchema>;

/** The public results page of a region and school year (docs/public-results.md). */
export const publicPageParams = z.object({ region: regionCode, year: schoolYear });
export const publicPageSchema = z.object({
  regionCode: z.string(),
  year: z.number().int(),
  /** the page is live at `url` */
  published: z.boolean(),
  /** when it was last published; kept after a withdrawal */
  publishedAt: z.string().nullable(),
  withdrawnAt: z.string().nullable(),
  /** the page's address: absolute when the server knows its public URL, else a path on this server */
  url: z.string(),
});
export type PublicPage = z.infer<typeof publicPageSchema>;

// ---------- county balanced-development indicators (义务教育优质均衡) ----------
export const balanceQuery = z.object({ region: regionCode, year: schoolYear });
export const BALANCE_INDICATORS = [
  'qualified_teachers',
  'backbone_teachers',
  'pe_art_teachers',
  'teaching_area',
  'sports_area',
  'equipment_value',
  'multimedia_rooms',
] as const;
export type BalanceIndicator = (typeof BALANCE_INDICATORS)[number];
export const BALANCE_INDICATOR_LABELS: Record<BalanceIndicator, Labelled & { unitZh: string; unitEn: string }> = {
  qualified_teachers: {
    zh: '每百名学生拥有高于规定学历教师数',
    en: 'Teachers above the required qualification per 100 students',
    unitZh: '人/百生',
    unitEn: 'per 100 students',
  },
  backbone_teachers: {
    zh: '每百名学生拥有县级以上骨干教师数',
    en: 'County-level-or-above backbone teachers per 100 students',
    unitZh: '人/百生',
    unitEn: 'per 100 students',
  },
  pe_art_teachers: {
    zh: '每百名学生拥有体育、艺术（美术、音乐）专任教师数',
    en: 'PE and art teachers per 100 students',
    unitZh: '人/百生',
    unitEn: 'per 100 students',
  },
  teaching_area: {
    zh: '生均教学及辅助用房面积',
    en: 'Teaching and auxiliary floor area per student',
    unitZh: '㎡/生',
    unitEn: 'm² per student',
  },
  sports_area: {
    zh: '生均体育运动场馆面积',
    en: 'Sports ground area per student',
    unitZh: '㎡/生',
    unitEn: 'm² per student',
  },
  equipment_value: {
    zh: '生均教学仪器设备值',
    en: 'Teaching equipment value per student',
    unitZh: '元/生',
    unitEn: 'yuan per student',
  },
  multimedia_rooms: {
    zh: '每百名学生拥有网络多媒体教室数',
    en: 'Networked multimedia classrooms per 100 students',
    unitZh: '间/百生',
    unitEn: 'per 100 students',
  },
};

const stageResult = z.object({
  indicator: z.enum(BALANCE_INDICATORS),
  threshold: z.number(),
  schools: z.number().int(),
  mean: z.number().nullable(),
  /** the coefficient rounded up at four decimals, so cv ≤ limit exactly when the exact coefficient is */
  cv: z.number().nullable(),
  cvShown: z.string().nullable(),
  limit: z.number(),
  passes: z.boolean().nullable(),
});
export const balanceSchoolSchema = z.object({
  schoolId: z.number().int(),
  schoolName: z.string(),
  stage: z.enum(['primary', 'junior']),
  /** pupils of this stage (a nine-year school appears once per stage) */
  students: z.number().int(),
  /** the school's level and all its pupils; how the stage enrolment was found */
  level: z.string(),
  schoolStudents: z.number().int(),
  enrolmentSource: z.enum(['level', 'grades', 'estimated']),
  /** ratios rounded toward the verdict: a value shown ≥ its threshold is met, and only then */
  values: z.record(z.string(), z.number().nullable()),
  valuesShown: z.record(z.string(), z.string().nullable()),
  verdicts: z.record(z.string(), z.enum(['met', 'near', 'missed', 'missing'])),
  met: z.number().int(),
  meetsStandard: z.boolean(),
  inCoefficient: z.boolean(),
  shortfalls: z.array(z.object({ indicator: z.enum(BALANCE_INDICATORS), ratio: z.number() })),
});
export type BalanceSchool = z.infer<typeof balanceSchoolSchema>;
const stageCvs = z.record(z.string(), z.number().nullable());
export const balanceCountySchema = z.object({
  countyCode: z.string(),
  countyName: z.string(),
  schools: z.number().int(),
  meeting: z.number().int(),
  excluded: z.number().int(),
  primaryPasses: z.boolean().nullable(),
  juniorPasses: z.boolean().nullable(),
  /** each indicator's coefficient (shown figure, rounded up) per stage */
  cv: z.object({ primary: stageCvs, junior: stageCvs }),
  computedAt: z.string(),
  stale: z.boolean(),
});
export type BalanceCounty = z.infer<typeof balanceCountySchema>;
export const balanceSchema = z.object({
  regionCode: z.string(),
  year: z.number().int(),
  method: z.string(),
  schools: z.array(balanceSchoolSchema),
  /** schools left out of the evaluation, with the reason (fewer than 50 pupils; no grade breakdown to split by) */
  excluded: z.array(
    z.object({
      schoolId: z.number().int(),
      schoolName: z.string(),
      level: z.string(),
      students: z.number().int(),
      reasonZh: z.string(),
      reasonEn: z.string(),
    }),
  ),
  stages: z.object({ primary: z.array(stageResult), junior: z.array(stageResult) }),
  summary: z.object({
    schools: z.number().int(),
    meeting: z.number().int(),
    primaryPasses: z.boolean().nullable(),
    juniorPasses: z.boolean().nullable(),
  }),
  /**
   * 'schools': `schools` and `excluded` list every school of the region (a county or smaller);
   * 'counties': a larger region lists only its counties — page through /api/v1/balance/schools.
   */
  detail: z.enum(['schools', 'counties']),
  /** each county's result (one for a county) */
  counties: z.array(balanceCountySchema),
  /** some county is shown as last computed while its refresh runs */
  stale: z.boolean(),
});
export type Balance = z.infer<typeof balanceSchema>;

export const BALANCE_SORTS = ['default', 'name', 'students', '-students', 'met', '-met'] as const;
export const balanceSchoolsQuery = pageQuery.extend({
  region: regionCode,
  year: schoolYear,
  /** one county of the region */
  county: regionCode.optional(),
  stage: z.enum(['primary', 'junior']).optional(),
  /** only the sections that meet (true) or miss (false) the school standard */
  meets: queryBool.optional(),
  /** part of the school's name */
  q: z.string().trim().max(50).optional(),
  sort: z.enum(BALANCE_SORTS).default('default'),
  lang: z.enum(['zh', 'en']).optional(),
});
export const balanceSchoolPageSchema = pageOf(balanceSchoolSchema.extend({ countyCode: z.string() }));
export type BalanceSchoolPage = z.infer<typeof balanceSchoolPageSchema>;
