import { BALANCE_INDICATORS, type BalanceIndicator } from '../../../shared/assessment.schemas.js';
import {
  add,
  cmp,
  div,
  gte,
  mul,
  rat,
  sqrtCeilFixed,
  sub,
  toFixedDirected,
  toNumber,
  type Rational,
} from '../../../shared/exact.js';
import { JUNIOR_GRADES, PRIMARY_GRADES, pupilsIn, type StudentGrade } from '../../../shared/grades.js';

/**
 * County 优质均衡 supervision (教育部《县域义务教育优质均衡发展督导评估办法》, 教督〔2017〕6号): seven
 * resource indicators per school, the thresholds for primary and junior schools, the "six met, the
 * seventh at ≥ 85%" rule, and the county's inter-school difference coefficient per indicator:
 *
 *   X̄ = Σ Pi·Xi / N,   S = sqrt( Σ Pi·(Xi − X̄)² / N ),   CV = S / X̄,   N = Σ Pi
 *
 * with Pi the students of school section i. Every comparison with a standard is exact (BigInt
 * rationals, src/shared/exact.ts); CV ≤ limit is decided as Σ Pi(Xi − X̄)²/N ≤ limit²·X̄². The rules for
 * nine-/twelve-year schools and small schools are in docs/balance.md.
 */
export type Stage = 'primary' | 'junior';

export const BALANCE_THRESHOLDS: Record<Stage, Record<BalanceIndicator, number>> = {
  primary: {
    qualified_teachers: 4.2,
    backbone_teachers: 1,
    pe_art_teachers: 0.9,
    teaching_area: 4.5,
    sports_area: 7.5,
    equipment_value: 2000,
    multimedia_rooms: 2.3,
  },
  junior: {
    qualified_teachers: 5.3,
    backbone_teachers: 1,
    pe_art_teachers: 0.9,
    teaching_area: 5.8,
    sports_area: 10.2,
    equipment_value: 2500,
    multimedia_rooms: 2.4,
  },
};
export const CV_LIMITS: Record<Stage, number> = { primary: 0.5, junior: 0.45 };
/** Schools (教学点 included) with fewer pupils are left out of the resource evaluation. */
export const MIN_STUDENTS_FOR_CV = 50;
/** The one indicator a school may miss must still reach this share of its threshold (85/100, exact). */
export const NEAR_MISS_SHARE = 0.85;
const NEAR_MISS = rat(85n, 100n);
/** Decimals a value is printed with: at least the standards' precision (one decimal), rounded toward the verdict. */
export const VALUE_DIGITS = 2;
export const CV_DIGITS = 4;

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

const per =
  (scale: bigint) =>
  (x: number | null, n: number): Rational | null =>
    x === null || n <= 0 ? null : mul(rat(x), rat(scale, BigInt(n)));
const per100 = per(100n);
const per1 = per(1n);

/** The seven ratios of one school, exactly (null where the input is missing or the school has no pupils). */
export function resourceRatiosExact(r: SchoolResources): Record<BalanceIndicator, Rational | null> {
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

/** The seven ratios as floating-point numbers (for charts; verdicts use resourceRatiosExact). */
export function resourceRatios(r: SchoolResources): Record<BalanceIndicator, number | null> {
  const ex = resourceRatiosExact(r);
  return Object.fromEntries(BALANCE_INDICATORS.map((k) => [k, ex[k] === null ? null : toNumber(ex[k])])) as Record<
    BalanceIndicator,
    number | null
  >;
}

/** A ratio printed so that "printed ≥ standard" exactly when the ratio meets it. */
export const showValue = (v: Rational | null) => (v === null ? null : toFixedDirected(v, VALUE_DIGITS, 'floor'));

export type IndicatorVerdict = 'met' | 'near' | 'missed' | 'missing';
export interface StandardCheck {
  met: number;
  meetsStandard: boolean;
  /** per indicator: met, reached ≥ 85% (near), below 85% (missed) or no data (missing) */
  verdicts: Record<BalanceIndicator, IndicatorVerdict>;
  /** indicators not met, with their share of the threshold printed toward the verdict (floor, 3 decimals) */
  shortfalls: { indicator: BalanceIndicator; ratio: number }[];
}

type Value = Rational | number | null;
const asRat = (v: Value): Rational | null => (v === null ? null : typeof v === 'number' ? rat(v) : v);

/** At least six of seven at their threshold and the rest at ≥ 85% of it; a missing value counts as missed. */
export function checkStandard(values: Record<BalanceIndicator, Value>, stage: Stage): StandardCheck {
  const shortfalls: StandardCheck['shortfalls'] = [];
  const verdicts = {} as Record<BalanceIndicator, IndicatorVerdict>;
  let met = 0;
  for (const ind of BALANCE_INDICATORS) {
    const v = asRat(values[ind]);
    const t = rat(BALANCE_THRESHOLDS[stage][ind]);
    if (v !== null && gte(v, t)) {
      met++;
      verdicts[ind] = 'met';
      continue;
    }
    const share = v === null ? rat(0) : div(v, t);
    verdicts[ind] = v === null ? 'missing' : gte(share, NEAR_MISS) ? 'near' : 'missed';
    shortfalls.push({ indicator: ind, ratio: Number(toFixedDirected(share, 3, 'floor')) });
  }
  const meetsStandard = met >= 6 && BALANCE_INDICATORS.every((i) => verdicts[i] === 'met' || verdicts[i] === 'near');
  return { met, meetsStandard, verdicts, shortfalls };
}

export interface CoefficientResult {
  mean: number;
  /** CV printed with CV_DIGITS decimals rounded up, so cv ≤ limit exactly when the exact CV is */
  cv: number;
  cvShown: string;
  passes: (limit: number) => boolean;
}

/** Student-weighted coefficient of variation, exactly; null when there is no school or the mean is zero. */
export function differenceCoefficient(rows: readonly { students: number; value: Value }[]): CoefficientResult | null {
  const xs = rows.flatMap((r) => (r.value === null ? [] : [{ p: rat(r.students), x: asRat(r.value)! }]));
  const n = xs.reduce((s, r) => add(s, r.p), rat(0));
  if (xs.length === 0 || n.n <= 0n) return null;
  const mean = div(
    xs.reduce((s, r) => add(s, mul(r.p, r.x)), rat(0)),
    n,
  );
  if (mean.n === 0n) return null;
  const variance = div(
    xs.reduce((s, r) => {
      const d = sub(r.x, mean);
      return add(s, mul(r.p, mul(d, d)));
    }, rat(0)),
    n,
  );
  const cv2 = div(variance, mul(mean, mean));
  const cvShown = sqrtCeilFixed(cv2, CV_DIGITS);
  return {
    mean: toNumber(mean),
    cv: Number(cvShown),
    cvShown,
    passes: (limit) => {
      const l = rat(limit);
      return cmp(cv2, mul(l, l)) <= 0;
    },
  };
}

export interface StageSchool {
  stage: Stage;
  students: number;
  values: Record<BalanceIndicator, Value>;
}

/** Per indicator of one stage: the coefficient over the sections with ≥ 50 pupils and a value, against its limit. */
export function stageCoefficients(stage: Stage, schools: readonly StageSchool[]) {
  const eligible = schools.filter((s) => s.stage === stage && s.students >= MIN_STUDENTS_FOR_CV);
  return BALANCE_INDICATORS.map((indicator) => {
    const rows = eligible.flatMap((s) =>
      s.values[indicator] === null ? [] : [{ students: s.students, value: s.values[indicator] }],
    );
    const r = differenceCoefficient(rows);
    return {
      indicator,
      threshold: BALANCE_THRESHOLDS[stage][indicator],
      schools: rows.length,
      mean: r ? Math.round(r.mean * 1000) / 1000 : null,
      cv: r ? r.cv : null,
      cvShown: r ? r.cvShown : null,
      limit: CV_LIMITS[stage],
      passes: r ? r.passes(CV_LIMITS[stage]) : null,
    };
  });
}

export interface Section {
  stage: Stage;
  students: number;
  source: 'level' | 'grades' | 'estimated';
}

/** School levels whose pupils fall (partly) in the compulsory stages, and the stages they hold. */
export const BALANCE_LEVELS = ['primary', 'junior', 'nine_year', 'twelve_year', 'complete_secondary'] as const;
const STAGE_GRADES: Record<Stage, readonly StudentGrade[]> = { primary: PRIMARY_GRADES, junior: JUNIOR_GRADES };
const LEVEL_STAGES: Record<string, readonly Stage[]> = {
  primary: ['primary'],
  junior: ['junior'],
  nine_year: ['primary', 'junior'],
  twelve_year: ['primary', 'junior'],
  complete_secondary: ['junior'],
};

/**
 * Splits a school into its compulsory stage sections. A primary or junior school is one section of
 * all its pupils. A nine-year (九年一贯制) or twelve-year (十二年一贯制) school and a complete secondary
 * school (完全中学) count their grade 1–6 pupils as a primary section and grade 7–9 pupils as a junior
 * section (senior grades 10–12 are outside compulsory education). Without a grade breakdown a
 * nine-year school is estimated 6 : 3 by grade count (marked 'estimated'); a twelve-year or complete
 * secondary school cannot be split and yields no section.
 */
export function sectionsOf(level: string, students: number, byGrade: Partial<Record<string, number>>): Section[] {
  const stages = LEVEL_STAGES[level];
  if (!stages) return [];
  if (level === 'primary' || level === 'junior') return [{ stage: stages[0]!, students, source: 'level' }];
  const counts = stages.map((st) => pupilsIn(byGrade, STAGE_GRADES[st]));
  if (counts.some((c) => c > 0)) {
    return stages.flatMap((stage, i) =>
      counts[i]! > 0 ? [{ stage, students: counts[i]!, source: 'grades' as const }] : [],
    );
  }
  if (level !== 'nine_year') return [];
  const primary = Math.round((students * 6) / 9);
  return [
    ...(primary > 0 ? [{ stage: 'primary' as const, students: primary, source: 'estimated' as const }] : []),
    ...(students - primary > 0
      ? [{ stage: 'junior' as const, students: students - primary, source: 'estimated' as const }]
      : []),
  ];
}

/**
 * What a stage's coefficient needs from one group of sections (a county), kept so that a larger
 * region's coefficient is the exact sum of its counties' without reading every school again:
 * the number of sections with a value, N = Σ Pi, A = Σ Pi·Xi and B = Σ Pi·Xi², exact rationals
 * written `n/d`. Then X̄ = A/N and Σ Pi(Xi − X̄)²/N = B/N − X̄², the same rational as the direct sum.
 */
export interface IndicatorSums {
  schools: number;
  n: string;
  a: string;
  b: string;
}
export type StageSums = Record<BalanceIndicator, IndicatorSums>;

const ratText = (r: Rational) => `${r.n}/${r.d}`;
function ratOf(text: string): Rational {
  const [n, d] = text.split('/');
  return rat(BigInt(n!), BigInt(d ?? '1'));
}

/** The sums of one stage over the sections with ≥ 50 pupils and a value (as stageCoefficients counts them). */
export function stageSums(stage: Stage, schools: readonly StageSchool[]): StageSums {
  const eligible = schools.filter((s) => s.stage === stage && s.students >= MIN_STUDENTS_FOR_CV);
  return Object.fromEntries(
    BALANCE_INDICATORS.map((indicator) => {
      let count = 0;
      let n = rat(0);
      let a = rat(0);
      let b = rat(0);
      for (const s of eligible) {
        const x = asRat(s.values[indicator]);
        if (x === null) continue;
        const p = rat(s.students);
        const px = mul(p, x);
        count++;
        n = add(n, p);
        a = add(a, px);
        b = add(b, mul(px, x));
      }
      return [indicator, { schools: count, n: ratText(n), a: ratText(a), b: ratText(b) }];
    }),
  ) as StageSums;
}

/**
 * Adds the sums of groups (counties) of one stage, one group at a time: a province's exact sums have
 * denominators of thousands of digits, so a caller can yield to the event loop between groups.
 */
export class StageSumsAccumulator {
  private readonly acc = new Map<BalanceIndicator, { schools: number; n: Rational; a: Rational; b: Rational }>(
    BALANCE_INDICATORS.map((k) => [k, { schools: 0, n: rat(0), a: rat(0), b: rat(0) }]),
  );
  add(part: StageSums): this {
    for (const k of BALANCE_INDICATORS) {
      const t = this.acc.get(k)!;
      const s = part[k];
      t.schools += s.schools;
      t.n = add(t.n, ratOf(s.n));
      t.a = add(t.a, ratOf(s.a));
      t.b = add(t.b, ratOf(s.b));
    }
    return this;
  }
  sums(): StageSums {
    return Object.fromEntries(
      BALANCE_INDICATORS.map((k) => {
        const t = this.acc.get(k)!;
        return [k, { schools: t.schools, n: ratText(t.n), a: ratText(t.a), b: ratText(t.b) }];
      }),
    ) as StageSums;
  }
}

/** Adds the sums of several groups (counties) of one stage. */
export function addStageSums(parts: readonly StageSums[]): StageSums {
  const acc = new StageSumsAccumulator();
  for (const p of parts) acc.add(p);
  return acc.sums();
}

/** The coefficient from sums: equal, to the last digit, to differenceCoefficient over the same sections. */
export function coefficientFromSums(s: IndicatorSums): CoefficientResult | null {
  const n = ratOf(s.n);
  if (s.schools === 0 || n.n <= 0n) return null;
  const mean = div(ratOf(s.a), n);
  if (mean.n === 0n) return null;
  const variance = sub(div(ratOf(s.b), n), mul(mean, mean));
  const cv2 = div(variance, mul(mean, mean));
  const cvShown = sqrtCeilFixed(cv2, CV_DIGITS);
  return {
    mean: toNumber(mean),
    cv: Number(cvShown),
    cvShown,
    passes: (limit) => {
      const l = rat(limit);
      return cmp(cv2, mul(l, l)) <= 0;
    },
  };
}

/** A stage's per-indicator results from its sums (the shape stageCoefficients returns). */
export function stageFromSums(stage: Stage, sums: StageSums) {
  return BALANCE_INDICATORS.map((indicator) => {
    const r = coefficientFromSums(sums[indicator]);
    return {
      indicator,
      threshold: BALANCE_THRESHOLDS[stage][indicator],
      schools: sums[indicator].schools,
      mean: r ? Math.round(r.mean * 1000) / 1000 : null,
      cv: r ? r.cv : null,
      cvShown: r ? r.cvShown : null,
      limit: CV_LIMITS[stage],
      passes: r ? r.passes(CV_LIMITS[stage]) : null,
    };
  });
}
