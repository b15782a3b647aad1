import type { ColumnType, Generated, Selectable } from 'kysely';
import type {
  Balance,
  BalanceSchool,
  EvidenceLink,
  ExplanationNode,
  SchemeDefinition,
  SchoolBound,
} from '../../../shared/assessment.schemas.js';
import type { StageSums } from './balance.rules.js';

type Timestamp = ColumnType<string, string | undefined, string>;
/** jsonb written as JSON text so both drivers store the same thing. */
type Json<T> = ColumnType<T, string, string>;

/** One scheme per region and school year; `definition` is the current version of the document. */
export interface AssessmentSchemeTable {
  id: Generated<number>;
  region_code: string;
  year: number; // 2025 means the 2025–2026 school year
  name: string;
  description: string | null;
  version: number;
  definition: Json<SchemeDefinition>;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Every saved version, never changed: what a published result points at. */
export interface AssessmentSchemeVersionTable {
  scheme_id: number;
  version: number;
  definition: Json<SchemeDefinition>;
  created_by: number | null;
  created_at: Timestamp;
}

/** One community's assessment under one scheme, moving through the workflow. */
export interface AssessmentEvaluationTable {
  id: Generated<number>;
  scheme_id: number;
  community_id: number;
  status: string; // self_assessment | assessor_scoring | review | published | rescoring
  revision: number; // number of published results so far
  total: number | null; // latest published total
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AssessmentAssignmentTable {
  id: Generated<number>;
  scheme_id: number;
  community_id: number;
  assessor_user_id: number;
  created_at: Timestamp;
}

/** A manual, bonus or deduction score of one stage (self or assessor). */
export interface AssessmentScoreTable {
  evaluation_id: number;
  indicator_key: string;
  stage: string; // self | assessor
  level_key: string | null;
  points: number;
  comment: string | null;
  evidence: Json<EvidenceLink[]>;
  scored_by: number | null;
  scored_by_name: string | null;
  scored_at: Timestamp;
}

/** A published result: immutable; a re-scoring after an appeal publishes revision n+1. */
export interface AssessmentResultTable {
  id: Generated<number>;
  evaluation_id: number;
  revision: number;
  scheme_version: number;
  scheme_snapshot: Json<SchemeDefinition>;
  total: number;
  dimensions: Json<{ key: string; name: string; points: number; weight: number }[]>;
  schools: Json<SchoolBound[]>;
  explanation: Json<ExplanationNode>;
  series_values: Json<Record<string, number | null>>;
  published_by: number | null;
  published_at: Timestamp;
}

export interface AssessmentAppealTable {
  id: Generated<number>;
  evaluation_id: number;
  indicator_key: string;
  reason: string;
  status: string; // open | accepted | rejected | resolved
  response: string | null;
  filed_by: number | null;
  filed_by_name: string | null;
  decided_by: number | null;
  created_at: Timestamp;
  decided_at: string | null;
}

/** A region's public results page of a school year (public.service.ts); withdrawn when withdrawn_at is set. */
export interface AssessmentPublicPageTable {
  region_code: string;
  year: number;
  published_at: Timestamp;
  published_by: number | null;
  withdrawn_at: string | null;
  withdrawn_by: number | null;
}

/** The balance indicators of one county and school year, as last computed (balance.repo.ts). */
export interface BalanceCountyResultTable {
  county_code: string;
  school_year: number;
  version: ColumnType<string, string | number | undefined, string | number>;
  computed_version: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  computed_at: string | null;
  summary: Json<Balance['summary']> | null;
  stages: Json<Balance['stages']> | null;
  sums: Json<{ primary: StageSums; junior: StageSums }> | null;
  excluded: Json<Balance['excluded']> | null;
}

/** One school section of a cached county result, for paging, filtering and sorting in SQL. */
export interface BalanceSchoolResultTable {
  county_code: string;
  school_year: number;
  school_id: number;
  stage: 'primary' | 'junior';
  ord: number;
  school_name: string;
  level: string;
  students: number;
  met: number;
  meets_standard: boolean;
  detail: Json<BalanceSchool>;
}

export interface AssessmentTables {
  assessment_schemes: AssessmentSchemeTable;
  assessment_scheme_versions: AssessmentSchemeVersionTable;
  assessment_evaluations: AssessmentEvaluationTable;
  assessment_assignments: AssessmentAssignmentTable;
  assessment_scores: AssessmentScoreTable;
  assessment_results: AssessmentResultTable;
  assessment_appeals: AssessmentAppealTable;
  assessment_public_pages: AssessmentPublicPageTable;
  balance_county_results: BalanceCountyResultTable;
  balance_school_results: BalanceSchoolResultTable;
}

export type SchemeRow = Selectable<AssessmentSchemeTable>;
export type EvaluationRow = Selectable<AssessmentEvaluationTable>;
export type ScoreRow = Selectable<AssessmentScoreTable>;
export type ResultRow = Selectable<AssessmentResultTable>;
export type AppealRow = Selectable<AssessmentAppealTable>;
