import { BALANCE_INDICATORS, type Balance, type BalanceSchool } from '../../../shared/assessment.schemas.js';
import { toFixedDirected } from '../../../shared/exact.js';
import { regionPrefix } from '../../../shared/regions.js';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { ForbiddenError } from '../../http/errors.js';
import { assessmentPolicy } from './assessment.policy.js';
import {
  BALANCE_LEVELS,
  checkStandard,
  MIN_STUDENTS_FOR_CV,
  resourceRatiosExact,
  sectionsOf,
  showValue,
  stageCoefficients,
  VALUE_DIGITS,
  type StageSchool,
} from './balance.rules.js';

export const BALANCE_METHOD = [
  '依据《县域义务教育优质均衡发展督导评估办法》（教督〔2017〕6号）：七项资源配置指标按学校计算，与标准的比较按精确分数进行；每校至少六项达标、其余一项不低于标准的 85%；',
  '差异系数 CV = √(Σ Pi(Xi − X̄)² / N) ÷ X̄，X̄ = Σ Pi·Xi / N，Pi 为学段学生数，N = Σ Pi；小学 ≤ 0.50、初中 ≤ 0.45。',
  '九年一贯制、十二年一贯制学校按 1–6 年级学生计入小学段、7–9 年级学生计入初中段（完全中学计初中段），教师、面积、设备按各学段学生数比例分摊；',
  '学生不足 50 人的学校（含教学点）不参加资源配置评估。详见 docs/balance.md。',
].join('');

/** The county's balanced-development indicators from the annual school statistics. */
export async function balanceOf(db: Db, actor: Actor, regionCode: string, year: number): Promise<Balance> {
  if (!assessmentPolicy.readBalance(actor, regionCode)) throw new ForbiddenError();
  const rows = await db
    .selectFrom('schools as s')
    .innerJoin('school_year_stats as st', (j) => j.onRef('st.school_id', '=', 's.id').on('st.school_year', '=', year))
    .select([
      's.id',
      's.name',
      's.level',
      's.is_teaching_point',
      'st.students_total',
      'st.students_by_grade',
      'st.teachers_above_qualification',
      'st.backbone_teachers',
      'st.pe_art_teachers',
      'st.teaching_aux_area',
      'st.sports_ground_area',
      'st.equipment_value',
      'st.multimedia_classrooms',
    ])
    .where('s.region_code', 'like', `${regionPrefix(regionCode)}%`)
    .where('s.level', 'in', [...BALANCE_LEVELS])
    .where('s.is_active', '=', true)
    .orderBy('s.level')
    .orderBy('s.name')
    .execute();

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
  const passes = (xs: typeof primary) =>
    xs.every((x) => x.passes === null) ? null : xs.every((x) => x.passes !== false);
  const schoolIds = new Set(schools.map((s) => s.schoolId));
  const failing = new Set(schools.filter((s) => !s.meetsStandard).map((s) => s.schoolId));
  return {
    regionCode,
    year,
    method: BALANCE_METHOD,
    schools,
    excluded,
    stages: { primary, junior },
    summary: {
      schools: schoolIds.size,
      meeting: schoolIds.size - failing.size,
      primaryPasses: passes(primary),
      juniorPasses: passes(junior),
    },
  };
}
