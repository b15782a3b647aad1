import { BALANCE_INDICATORS, type Balance, type BalanceSchool } from '../../../shared/assessment.schemas.js';
import { toFixedDirected } from '../../../shared/exact.js';
import {
  checkStandard,
  MIN_STUDENTS_FOR_CV,
  resourceRatiosExact,
  sectionsOf,
  showValue,
  stageCoefficients,
  stageSums,
  VALUE_DIGITS,
  type StageSchool,
  type StageSums,
} from './balance.rules.js';

/** One school with its annual statistics, as the balance evaluation reads it. */
export interface BalanceInputRow {
  id: number;
  name: string;
  level: string;
  is_teaching_point: boolean;
  students_total: number;
  students_by_grade: Partial<Record<string, number>>;
  teachers_above_qualification: number | null;
  backbone_teachers: number | null;
  pe_art_teachers: number | null;
  teaching_aux_area: number | null;
  sports_ground_area: number | null;
  equipment_value: number | null;
  multimedia_classrooms: number | null;
}

export interface BalanceEvaluation {
  schools: BalanceSchool[];
  excluded: Balance['excluded'];
  stages: Balance['stages'];
  summary: Balance['summary'];
  /** what a larger region's coefficients are summed from */
  sums: { primary: StageSums; junior: StageSums };
}

/**
 * Judges a group of schools (a county) from their statistics: each school's sections, their seven
 * ratios and verdicts, the schools left out and why, and each stage's coefficients. A plain function
 * of its rows; the rows come ordered as the list is shown (by level, then name).
 */
export function evaluateBalance(rows: readonly BalanceInputRow[]): BalanceEvaluation {
  const schools: BalanceSchool[] = [];
  const excluded: Balance['excluded'] = [];
  const sections: StageSchool[] = [];
  for (const r of rows) {
    const base = { schoolId: r.id, schoolName: r.name, level: r.level, students: r.students_total };
    if (r.students_total < MIN_STUDENTS_FOR_CV) {
      excluded.push({
        ...base,
        reasonZh: `学生数 ${r.students_total} 人，不足 50 人${r.is_teaching_point ? '的教学点' : ''}不参加资源配置评估`,
        reasonEn: `${r.students_total} pupils: schools${r.is_teaching_point ? ' (teaching points)' : ''} under 50 are not evaluated`,
      });
      continue;
    }
    const secs = sectionsOf(r.level, r.students_total, r.students_by_grade);
    if (secs.length === 0) {
      excluded.push({
        ...base,
        reasonZh: '缺少分年级学生数，无法划分小学段与初中段',
        reasonEn: 'No pupils by grade: the primary and junior sections cannot be told apart',
      });
      continue;
    }
    // Resources are apportioned to the sections by their share of the school's pupils, so each
    // section's ratio (resource × share ÷ section pupils) equals the whole school's ratio.
    const values = resourceRatiosExact({
      students: r.students_total,
      teachersAboveQualification: r.teachers_above_qualification,
      backboneTeachers: r.backbone_teachers,
      peArtTeachers: r.pe_art_teachers,
      teachingAuxArea: r.teaching_aux_area,
      sportsGroundArea: r.sports_ground_area,
      equipmentValue: r.equipment_value,
      multimediaClassrooms: r.multimedia_classrooms,
    });
    const shown = Object.fromEntries(BALANCE_INDICATORS.map((k) => [k, showValue(values[k])]));
    for (const sec of secs) {
      const check = checkStandard(values, sec.stage);
      sections.push({ stage: sec.stage, students: sec.students, values });
      schools.push({
        schoolId: r.id,
        schoolName: r.name,
        stage: sec.stage,
        students: sec.students,
        level: r.level,
        schoolStudents: r.students_total,
        enrolmentSource: sec.source,
        values: Object.fromEntries(
          BALANCE_INDICATORS.map((k) => [
            k,
            values[k] === null ? null : Number(toFixedDirected(values[k], VALUE_DIGITS + 1, 'floor')),
          ]),
        ),
        valuesShown: shown,
        verdicts: check.verdicts,
        met: check.met,
        meetsStandard: check.meetsStandard,
        inCoefficient: sec.students >= MIN_STUDENTS_FOR_CV,
        shortfalls: check.shortfalls,
      });
    }
  }
  const primary = stageCoefficients('primary', sections);
  const junior = stageCoefficients('junior', sections);
  const schoolIds = new Set(schools.map((s) => s.schoolId));
  const failing = new Set(schools.filter((s) => !s.meetsStandard).map((s) => s.schoolId));
  return {
    schools,
    excluded,
    stages: { primary, junior },
    summary: {
      schools: schoolIds.size,
      meeting: schoolIds.size - failing.size,
      primaryPasses: stagePasses(primary),
      juniorPasses: stagePasses(junior),
    },
    sums: { primary: stageSums('primary', sections), junior: stageSums('junior', sections) },
  };
}

/** A stage passes when every indicator with a coefficient passes; null when none has one. */
export const stagePasses = (xs: readonly { passes: boolean | null }[]) =>
  xs.every((x) => x.passes === null) ? null : xs.every((x) => x.passes !== false);
