import { z } from 'zod';
import { SCHOOL_LEVELS, SUBJECTS } from './enums.js';
import { EXCHANGE_KINDS, WORKLOADS } from './exchange.enums.js';
import { isSemesterKey } from './activities.semester.js';
import { bi, isoDate, pageQuery } from './validation.js';

/**
 * The planner's API shapes: pairing instances and settings, exchange-matching settings, their
 * results, and saved plans. Shared by the server (validation, serialisation) and the web app.
 */

const latitude = z
  .number()
  .min(3, { message: bi('纬度超出中国范围（3–54）', 'Latitude outside China (3–54)') })
  .max(54, { message: bi('纬度超出中国范围（3–54）', 'Latitude outside China (3–54)') });
const longitude = z
  .number()
  .min(73, { message: bi('经度超出中国范围（73–136）', 'Longitude outside China (73–136)') })
  .max(136, { message: bi('经度超出中国范围（73–136）', 'Longitude outside China (73–136)') });
/** School ids of an imported instance may be codes or numbers; the planner treats them as text. */
const plannerId = z.union([z.string().trim().min(1).max(64), z.number().int()]).transform(String);
const countyCode = z
  .string()
  .trim()
  .regex(/^\d{6}$/, { message: bi('地区代码应为 6 位数字', 'Region code must be 6 digits') });
/** Instance size limits: a province has a few thousand schools per side. */
export const MAX_SCHOOLS_PER_SIDE = 5000;
/** Support units one member may need from one core (a week's visits, lessons or teachers). */
export const MAX_MEMBER_LOAD = 100;
/**
 * A core's capacity is bounded by the domain, not an arbitrary cap: it can never use more than every
 * member at its largest load (5,000 × 100); anything above that means "no limit" and is refused as a typo.
 */
export const MAX_CORE_CAPACITY = MAX_SCHOOLS_PER_SIDE * MAX_MEMBER_LOAD;
const capacity = z
  .number()
  .int()
  .min(0, { message: bi('容量不能为负数', 'Capacity cannot be negative') })
  .max(MAX_CORE_CAPACITY, {
    message: bi(
      `容量不能超过 ${MAX_CORE_CAPACITY}（全部成员校的最大帮扶量）`,
      `Capacity at most ${MAX_CORE_CAPACITY} (every member at its largest load)`,
    ),
  });

export const PAIRING_MODES = ['flat', 'tree'] as const;
export type PairingMode = (typeof PAIRING_MODES)[number];
export const PAIRING_MODELS = ['basic', 'gap'] as const;
export type PairingModel = (typeof PAIRING_MODELS)[number];

// Request objects are strict: a field the planner does not know is refused (400), never silently dropped.
const schoolPoint = z.strictObject({
  id: plannerId,
  name: z.string().trim().max(100).optional(),
  latitude,
  longitude,
  level: z.enum(SCHOOL_LEVELS).optional(),
  regionCode: countyCode.optional(),
});
export const coreInput = schoolPoint.extend({ capacity });
export const memberInput = schoolPoint.extend({
  /** support units the member needs (generalised assignment); 1 in the basic model */
  demand: z
    .number()
    .int()
    .min(1, { message: bi('需求至少为 1', 'Demand must be at least 1') })
    .max(MAX_MEMBER_LOAD)
    .default(1),
  /** the core it is paired with today; changing it costs the change penalty */
  currentCoreId: plannerId.nullable().optional(),
  /** tree mode: a township centre pairs with a core, a village school with a centre */
  kind: z.enum(['centre', 'village']).optional(),
});
export type CoreInput = z.infer<typeof coreInput>;
export type MemberInput = z.infer<typeof memberInput>;

export const pairRef = z.strictObject({ memberId: plannerId, coreId: plannerId });
export type PairRef = z.infer<typeof pairRef>;

/** Travel times in minutes, one row per member and one column per core (replaces distances). */
export const travelMatrix = z.strictObject({
  memberIds: z.array(plannerId).min(1),
  coreIds: z.array(plannerId).min(1),
  minutes: z.array(
    z.array(
      z
        .number()
        .min(0, { message: bi('通行时间不能为负', 'Travel time cannot be negative') })
        .max(10000)
        .nullable(),
    ),
  ),
});
export type TravelMatrix = z.infer<typeof travelMatrix>;

/**
 * Per-pair load (generalised assignment): the support units a core spends on a member when they are
 * paired — travel time adds to an itinerant teacher's week, a far member costs a core more visits.
 * Pairs not listed use the member's demand. Only the 'gap' model reads loads.
 */
export const pairLoad = z.strictObject({
  memberId: plannerId,
  coreId: plannerId,
  load: z.number().int().min(0).max(MAX_MEMBER_LOAD),
});
export const pairingInstance = z.strictObject({
  cores: z
    .array(coreInput)
    .min(1, { message: bi('至少需要一所核心校', 'At least one core school is needed') })
    .max(MAX_SCHOOLS_PER_SIDE),
  members: z
    .array(memberInput)
    .min(1, { message: bi('至少需要一所成员校', 'At least one member school is needed') })
    .max(MAX_SCHOOLS_PER_SIDE),
  travelMatrix: travelMatrix.optional(),
  pairLoads: z
    .array(pairLoad)
    .max(MAX_SCHOOLS_PER_SIDE * 50)
    .optional(),
});
export type PairingInstance = z.infer<typeof pairingInstance>;

export const pairingSettings = z.strictObject({
  mode: z.enum(PAIRING_MODES).default('flat'),
  /** basic: every member one unit, solved exactly (min-cost flow); gap: members' demands vs. capacities, a MIP in HiGHS */
  model: z.enum(PAIRING_MODELS).default('basic'),
  detourFactor: z
    .number()
    .min(1, { message: bi('绕行系数不小于 1', 'Detour factor at least 1') })
    .max(3)
    .default(1.3),
  /** added to the cost of every pair that differs from today's (km, or minutes with a travel matrix) */
  changePenalty: z.number().min(0).max(100000).default(5),
  sameLevel: z.boolean().default(true),
  allowCrossRegion: z.boolean().default(false),
  maxDistanceKm: z.number().positive().max(5000).nullable().default(null),
  /** capacity of every core without an override (1+X: X) */
  defaultCapacity: capacity.default(2),
  /** tree mode: villages per township centre */
  villageCapacity: capacity.default(3),
  timeLimitSeconds: z.number().min(0.1).max(60).default(10),
  locks: z.array(pairRef).max(5000).default([]),
  forbidden: z.array(pairRef).max(20000).default([]),
  /** per-core capacity overrides, by core id */
  capacities: z.record(z.string(), capacity).default({}),
  /** registry instances: also pair 潜力 (potential) schools as members */
  includePotential: z.boolean().default(false),
});
export type PairingSettings = z.infer<typeof pairingSettings>;
/** The same settings as the server answers them (ids already text; response schemas cannot hold transforms). */
const pairRefOut = z.object({ memberId: z.string(), coreId: z.string() });
export const pairingSettingsOut = pairingSettings.extend({
  locks: z.array(pairRefOut),
  forbidden: z.array(pairRefOut),
});
export type PairingSettingsInput = z.input<typeof pairingSettings>;

export const pairingRequest = z
  .strictObject({
    region: countyCode.optional(),
    instance: pairingInstance.optional(),
    settings: pairingSettings.prefault({}),
  })
  .refine((b) => (b.region === undefined) !== (b.instance === undefined), {
    path: ['region'],
    message: bi('请提供地区代码或完整实例（二选一）', 'Give either a region code or an instance, not both'),
  });
export type PairingRequest = z.infer<typeof pairingRequest>;

// ---------- results ----------
export const bilingual = z.object({ zh: z.string(), en: z.string() });
export type Bilingual = z.infer<typeof bilingual>;

export const WHY_CODES = ['locked', 'nearest', 'kept', 'capacity', 'only_option'] as const;
export type WhyCode = (typeof WHY_CODES)[number];
export const pairingWhy = z.object({
  code: z.enum(WHY_CODES),
  /** the cheapest eligible core when it is not the chosen one */
  altCoreId: z.string().nullable(),
  altCoreName: z.string().nullable(),
  /** cost of the chosen pair minus the cheapest eligible one (km or minutes) */
  extra: z.number(),
});
export type PairingWhy = z.infer<typeof pairingWhy>;

export const CHANGE_KINDS = ['kept', 'changed', 'new'] as const;
export const pairingAssignment = z.object({
  memberId: z.string(),
  memberName: z.string(),
  coreId: z.string(),
  coreName: z.string(),
  /** tree mode: 1 = centre → core, 2 = village → centre */
  tier: z.number().int(),
  distanceKm: z.number(),
  /** travel cost in the instance's unit, without the change penalty */
  cost: z.number(),
  demand: z.number().int(),
  locked: z.boolean(),
  previousCoreId: z.string().nullable(),
  previousCoreName: z.string().nullable(),
  change: z.enum(CHANGE_KINDS),
  why: pairingWhy,
});
export type PairingAssignment = z.infer<typeof pairingAssignment>;

export const planPoint = z.object({
  id: z.string(),
  name: z.string(),
  latitude: z.number(),
  longitude: z.number(),
  role: z.enum(['core', 'member', 'centre', 'village']),
  level: z.string().nullable(),
  regionCode: z.string().nullable(),
  capacity: z.number().int().nullable(),
  load: z.number().int(),
});
export type PlanPoint = z.infer<typeof planPoint>;

export const INFEASIBILITY_CODES = [
  'capacity_short',
  'member_unreachable',
  'hall_violation',
  'locked_over_capacity',
  'lock_forbidden',
  'demand_exceeds_capacity',
  'mip_infeasible',
  'time_limit',
] as const;
export const infeasibility = z.object({
  code: z.enum(INFEASIBILITY_CODES),
  memberIds: z.array(z.string()),
  coreIds: z.array(z.string()),
  /** how many more slots (or units) the named cores would need */
  shortBy: z.number(),
  message: bilingual,
  /** which constraint to relax, most useful first */
  relax: z.array(bilingual),
});
export type Infeasibility = z.infer<typeof infeasibility>;

export const timings = z.object({ buildMs: z.number(), solveMs: z.number(), totalMs: z.number() });

export const pairingResult = z.object({
  status: z.enum(['optimal', 'feasible', 'infeasible']),
  provenOptimal: z.boolean(),
  solver: z.enum(['ssp', 'highs-mip']),
  costUnit: z.enum(['km', 'min']),
  /** Σ cost + change penalties (the minimised figure) */
  objective: z.number().nullable(),
  /** relative MIP gap reported by HiGHS; 0 for the exact solver */
  gap: z.number().nullable(),
  assignments: z.array(pairingAssignment),
  points: z.array(planPoint),
  totals: z.object({
    members: z.number().int(),
    cores: z.number().int(),
    totalDistanceKm: z.number(),
    worstDistanceKm: z.number(),
    worstMemberId: z.string().nullable(),
    averageDistanceKm: z.number(),
    kept: z.number().int(),
    changed: z.number().int(),
    added: z.number().int(),
    penalty: z.number(),
  }),
  infeasibility: infeasibility.nullable(),
  timings,
});
export type PairingResult = z.infer<typeof pairingResult>;

// ---------- exchange matching ----------
export const EXCHANGE_SUBJECTS = [
  'english',
  'music',
  'art',
  'pe',
  'science',
  'it',
  'physics',
  'chemistry',
  'biology',
  'history',
  'geography',
] as const;
export const exchangeSettings = z.strictObject({
  subjects: z
    .array(z.enum(SUBJECTS))
    .min(1)
    .default([...EXCHANGE_SUBJECTS]),
  maxDistanceKm: z.number().positive().max(500).default(40),
  detourFactor: z.number().min(1).max(3).default(1.3),
  /** weekly itinerant days one spare teacher can give */
  slotsPerTeacher: z.number().int().min(1).max(5).default(2),
  /** full weekly teaching load of a teacher, in periods */
  periodsPerTeacher: z.number().int().min(8).max(30).default(16),
  /** a shortage needing at least this many days a week gets 支教 (support teaching) instead of 走教 */
  supportThresholdSlots: z.number().int().min(1).max(10).default(4),
  includePotential: z.boolean().default(false),
  /** shortage key `${schoolId}:${subject}` → supplier school id */
  locks: z
    .array(z.object({ shortageKey: z.string().max(80), supplierSchoolId: z.number().int().positive() }))
    .max(5000)
    .default([]),
  forbidden: z
    .array(z.object({ shortageKey: z.string().max(80), supplierSchoolId: z.number().int().positive() }))
    .max(20000)
    .default([]),
});
export type ExchangeSettings = z.infer<typeof exchangeSettings>;
export type ExchangeSettingsInput = z.input<typeof exchangeSettings>;

export const exchangeShortage = z.object({
  key: z.string(),
  schoolId: z.number().int(),
  schoolName: z.string(),
  subject: z.enum(SUBJECTS),
  reason: z.enum(['no_teacher', 'non_specialist']),
  slotsNeeded: z.number().int(),
  slotsMatched: z.number().int(),
  unmatchedReason: z.enum(['no_supply_in_range', 'supply_exhausted', 'all_forbidden']).nullable(),
});
export const exchangeSupply = z.object({
  key: z.string(),
  schoolId: z.number().int(),
  schoolName: z.string(),
  subject: z.enum(SUBJECTS),
  spareTeachers: z.number().int(),
  slots: z.number().int(),
  slotsUsed: z.number().int(),
});
export const exchangeAssignment = z.object({
  shortageKey: z.string(),
  schoolId: z.number().int(),
  schoolName: z.string(),
  supplierSchoolId: z.number().int(),
  supplierName: z.string(),
  subject: z.enum(SUBJECTS),
  slots: z.number().int(),
  distanceKm: z.number(),
  kind: z.enum(['itinerant', 'support_teaching']),
  locked: z.boolean(),
  /** a teacher the supplier could send (a specialist of the subject, not a school leader) */
  suggestedTeacherId: z.number().int().nullable(),
  suggestedTeacherName: z.string().nullable(),
  why: z.object({
    code: z.enum(['locked', 'nearest', 'capacity']),
    altSchoolName: z.string().nullable(),
    extraKm: z.number(),
  }),
});
export type ExchangeAssignment = z.infer<typeof exchangeAssignment>;
export const exchangeResult = z.object({
  status: z.enum(['optimal', 'infeasible']),
  provenOptimal: z.boolean(),
  solver: z.literal('ssp'),
  objectiveKm: z.number(),
  shortages: z.array(exchangeShortage),
  supplies: z.array(exchangeSupply),
  assignments: z.array(exchangeAssignment),
  points: z.array(planPoint),
  totals: z.object({
    shortageSlots: z.number().int(),
    matchedSlots: z.number().int(),
    totalDistanceKm: z.number(),
    worstDistanceKm: z.number(),
  }),
  infeasibility: infeasibility.nullable(),
  timings,
});
export type ExchangeResult = z.infer<typeof exchangeResult>;
export type ExchangeShortage = z.infer<typeof exchangeShortage>;
export type ExchangeSupply = z.infer<typeof exchangeSupply>;

export const exchangeRequest = z.strictObject({ region: countyCode, settings: exchangeSettings.prefault({}) });

// ---------- saved plans ----------
export const PLAN_KINDS = ['pairing', 'exchange'] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];
export const PLAN_STATUSES = ['draft', 'accepted'] as const;

export const planCreate = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('pairing'),
    name: z.string().trim().min(1).max(100),
    regionCode: countyCode,
    settings: pairingSettings.prefault({}),
  }),
  z.object({
    kind: z.literal('exchange'),
    name: z.string().trim().min(1).max(100),
    regionCode: countyCode,
    settings: exchangeSettings.prefault({}),
  }),
]);
export type PlanCreate = z.infer<typeof planCreate>;
/** Settings edits (locks, forbidden pairs, capacities …) replace the named fields and re-plan. */
export const planPatch = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});
export type PlanPatch = z.infer<typeof planPatch>;
/** What may be chosen for a posted row; an absent field defaults from the plan (or the whole accept's choice). */
const exchangeRowChoice = z.strictObject({
  kind: z.enum(EXCHANGE_KINDS).optional(),
  workload: z.enum(WORKLOADS).optional(),
  /** share of a school week for part-time postings; default: the plan's weekly days / 5 */
  partTimeFraction: z
    .number()
    .gt(0, { message: bi('兼职比例应在 0–1 之间', 'Part-time share must be within 0–1') })
    .max(1, { message: bi('兼职比例应在 0–1 之间', 'Part-time share must be within 0–1') })
    .optional(),
  endDate: isoDate.optional(),
  /** 挂职 needs the post held (e.g. 副校长) */
  postHeld: z.string().trim().min(1).max(50).optional(),
});
/**
 * How an accepted exchange plan is posted to the exchange register: choices for every row, a
 * term (学期, which bounds the dates: the end date defaults to the term's last day), and per-row
 * overrides by the row's index in the plan. Absent fields default from the plan.
 */
export const exchangeAcceptOptions = exchangeRowChoice.extend({
  term: z
    .string()
    .refine(isSemesterKey, { message: bi('学期格式应为 2025-2026-1', 'Term looks like 2025-2026-1') })
    .optional(),
  rows: z
    .array(exchangeRowChoice.extend({ index: z.number().int().min(0) }))
    .max(5000)
    .optional(),
});
export type ExchangeAcceptOptions = z.infer<typeof exchangeAcceptOptions>;
export type ExchangeRowChoice = z.infer<typeof exchangeRowChoice>;
export const planAccept = z.object({ effectiveDate: isoDate, exchange: exchangeAcceptOptions.optional() });

const planBase = z.object({
  id: z.number().int(),
  name: z.string(),
  regionCode: z.string(),
  regionName: z.string().nullable(),
  status: z.enum(PLAN_STATUSES),
  createdBy: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  effectiveDate: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const planSummary = planBase.extend({
  kind: z.enum(PLAN_KINDS),
  resultStatus: z.string().nullable(),
  objective: z.number().nullable(),
  provenOptimal: z.boolean().nullable(),
});
export type PlanSummary = z.infer<typeof planSummary>;
export const planDetail = z.discriminatedUnion('kind', [
  planBase.extend({
    kind: z.literal('pairing'),
    settings: pairingSettingsOut,
    result: pairingResult.nullable(),
    createdCommunityIds: z.array(z.number().int()),
  }),
  planBase.extend({
    kind: z.literal('exchange'),
    settings: exchangeSettings,
    result: exchangeResult.nullable(),
    createdCommunityIds: z.array(z.number().int()),
  }),
]);
export type PlanDetail = z.infer<typeof planDetail>;
export const planListQuery = pageQuery.extend({
  kind: z.enum(PLAN_KINDS).optional(),
  region: z.string().trim().max(12).optional(),
  status: z.enum(PLAN_STATUSES).optional(),
});
export type PlanListQuery = z.infer<typeof planListQuery>;

export const plannedExchangeSchema = z.object({
  id: z.number().int(),
  planId: z.number().int(),
  fromSchoolId: z.number().int(),
  fromSchoolName: z.string(),
  toSchoolId: z.number().int(),
  toSchoolName: z.string(),
  subject: z.enum(SUBJECTS),
  /** the kind it was posted as (chosen when accepting; the plan suggests itinerant or support teaching) */
  kind: z.enum(EXCHANGE_KINDS),
  weeklySlots: z.number().int(),
  teacherId: z.number().int().nullable(),
  teacherName: z.string().nullable(),
  startDate: z.string(),
  status: z.string(),
  /** the exchange register's assignment this row was posted as */
  exchangeAssignmentId: z.number().int().nullable(),
});
export type PlannedExchange = z.infer<typeof plannedExchangeSchema>;
