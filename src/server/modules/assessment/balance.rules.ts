import { BALANCE_INDICATORS, type BalanceIndicator } from '../../../shared/assessment.schemas.js';

/**
 * County 优质均衡 supervision (教育部《县域义务教育优质均衡发展督导评估办法》, 2017): seven resource
 * indicators per school, the thresholds for primary and junior schools, the "six met, the seventh at
 * ≥ 85%" rule, and the county's inter-school difference coefficient per indicator:
 *
 *   X̄ = Σ Pi·Xi / N,   S = sqrt( Σ Pi·(Xi − X̄)² / N ),   CV = S / X̄,   N = Σ Pi
 *
 * with Pi the students of school i. Schools under 50 students stay out of the coefficient (they are
 * still judged against the thresholds). A nine-year school counts as two sections, a primary one
 * weighted by its grade 1–6 pupils and a junior one by its grade 7–9 pupils; as its resources are
 * not reported per section, both sections carry the whole school's ratios.
 */
export type Stage = 'primary' | 'junior';

export const BALANCE_THRESHOLDS: Record<Stage, Record<BalanceIndicator, number>> = {
  primary: { qualified_teachers: 4.2, backbone_teachers: 1, pe_art_teachers: 0.9, teaching_area: 4.5, sports_area: 7.5, equipment_value: 2000, multimedia_rooms: 2.3 },
  junior: { qualified_teachers: 5.3, backbone_teachers: 1, pe_art_teachers: 0.9, teaching_area: 5.8, sports_area: 10.2, equipment_value: 2500, multimedia_rooms: 2.4 },
};
export const CV_LIMITS: Record<Stage, number> = { primary: 0.5, junior: 0.45 };
export const MIN_STUDENTS_FOR_CV = 50;
/** The one indicator a school may miss must still reach this share of its threshold. */
export const NEAR_MISS_SHARE = 0.85;

export interface SchoolResources {
  students: number;
  teachersAboveQualification: number | null;
  backboneTeachers: number | null;
  peArtTeachers: number | null;
  teachingAuxArea: number | null;
  sportsGroundArea: number | null;
  equipmentValue: number | null;
  multimediaClassrooms: number | null;
}

const per100 = (x: number | null, n: number) => (x === null || n <= 0 ? null : (x / n) * 100);
const per1 = (x: number | null, n: number) => (x === null || n <= 0 ? null : x / n);

/** The seven ratios of one school (null where the input is missing or the school has no pupils). */
export function resourceRatios(r: SchoolResources): Record<BalanceIndicator, number | null> {
  const n = r.students;
  return {
    qualified_teachers: per100(r.teachersAboveQualification, n),
    backbone_teachers: per100(r.backboneTeachers, n),
    pe_art_teachers: per100(r.peArtTeachers, n),
    teaching_area: per1(r.teachingAuxArea, n),
    sports_area: per1(r.sportsGroundArea, n),
    equipment_value: per1(r.equipmentValue, n),
    multimedia_rooms: per100(r.multimediaClassrooms, n),
  };
}

export interface StandardCheck {
  met: number;
  meetsStandard: boolean;
  shortfalls: { indicator: BalanceIndicator; ratio: number }[];
}

/** At least six of seven at their threshold and the rest at ≥ 85% of it; a missing value counts as missed. */
export function checkStandard(values: Record<BalanceIndicator, number | null>, stage: Stage): StandardCheck {
  const shortfalls: StandardCheck['shortfalls'] = [];
  let met = 0;
  for (const ind of BALANCE_INDICATORS) {
    const v = values[ind];
    const t = BALANCE_THRESHOLDS[stage][ind];
    if (v !== null && v >= t) met++;
    else shortfalls.push({ indicator: ind, ratio: v === null ? 0 : v / t });
  }
  const meetsStandard = met >= 6 && shortfalls.every((s) => s.ratio >= NEAR_MISS_SHARE);
  return { met, meetsStandard, shortfalls };
}

/** Student-weighted coefficient of variation; null when there is no school or the mean is zero. */
export function differenceCoefficient(rows: readonly { students: number; value: number }[]): { mean: number; cv: number } | null {
  const n = rows.reduce((s, r) => s + r.students, 0);
  if (rows.length === 0 || n <= 0) return null;
  const mean = rows.reduce((s, r) => s + r.students * r.value, 0) / n;
  if (mean === 0) return null;
  const variance = rows.reduce((s, r) => s + r.students * (r.value - mean) ** 2, 0) / n;
  return { mean, cv: Math.sqrt(variance) / mean };
}

export interface StageSchool {
  stage: Stage;
  students: number;
  values: Record<BalanceIndicator, number | null>;
}

/** Per indicator of one stage: the coefficient over the schools with ≥ 50 pupils and a value, against its limit. */
export function stageCoefficients(stage: Stage, schools: readonly StageSchool[]) {
  const eligible = schools.filter((s) => s.stage === stage && s.students >= MIN_STUDENTS_FOR_CV);
  return BALANCE_INDICATORS.map((indicator) => {
    const rows = eligible.flatMap((s) => (s.values[indicator] === null ? [] : [{ students: s.students, value: s.values[indicator]! }]));
    const r = differenceCoefficient(rows);
    return {
      indicator,
      threshold: BALANCE_THRESHOLDS[stage][indicator],
      schools: rows.length,
      mean: r ? r.mean : null,
      cv: r ? r.cv : null,
      limit: CV_LIMITS[stage],
      passes: r ? r.cv <= CV_LIMITS[stage] : null,
    };
  });
}

/** Splits a school into its stage sections: primary/junior as is, nine-year by grade 1–6 and 7–9 pupils. */
export function sectionsOf(level: string, students: number, byGrade: Record<string, number>): { stage: Stage; students: number }[] {
  if (level === 'primary') return [{ stage: 'primary', students }];
  if (level === 'junior') return [{ stage: 'junior', students }];
  if (level !== 'nine_year') return [];
  const grade = (g: number) => byGrade[`g${g}`] ?? byGrade[String(g)] ?? 0; // the API writes "1", old data "g1"
  let primary = [1, 2, 3, 4, 5, 6].reduce((s, g) => s + grade(g), 0);
  let junior = [7, 8, 9].reduce((s, g) => s + grade(g), 0);
  // without a grade breakdown, split by the usual 6 : 3 grade ratio
  if (primary + junior === 0) {
    primary = Math.round((students * 6) / 9);
    junior = students - primary;
  }
  return [
    ...(primary > 0 ? [{ stage: 'primary' as const, students: primary }] : []),
    ...(junior > 0 ? [{ stage: 'junior' as const, students: junior }] : []),
  ];
}
