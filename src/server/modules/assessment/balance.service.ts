import type { Balance, BalanceSchool } from '../../../shared/assessment.schemas.js';
import { regionPrefix } from '../../../shared/regions.js';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { ForbiddenError } from '../../http/errors.js';
import { assessmentPolicy } from './assessment.policy.js';
import { checkStandard, MIN_STUDENTS_FOR_CV, resourceRatios, sectionsOf, stageCoefficients, type StageSchool } from './balance.rules.js';

export const BALANCE_METHOD = [
  '依据《县域义务教育优质均衡发展督导评估办法》（2017）：七项资源配置指标按学校计算；每校至少六项达标、其余一项不低于标准的 85%；',
  '差异系数 CV = √(Σ Pi(Xi − X̄)² / N) ÷ X̄，X̄ = Σ Pi·Xi / N，Pi 为学校学生数，N = Σ Pi；学生数不足 50 人的学校不参与差异系数计算；',
  '小学 ≤ 0.50、初中 ≤ 0.45。九年一贯制学校按小学段（1–6 年级学生）和初中段（7–9 年级学生）分别计入，资源未分学段填报时两段沿用全校比值。',
].join('');

/** The county's balanced-development indicators from the annual school statistics. */
export async function balanceOf(db: Db, actor: Actor, regionCode: string, year: number): Promise<Balance> {
  if (!assessmentPolicy.readBalance(actor, regionCode)) throw new ForbiddenError();
  const rows = await db
    .selectFrom('schools as s')
    .innerJoin('school_year_stats as st', (j) => j.onRef('st.school_id', '=', 's.id').on('st.school_year', '=', year))
    .select([
      's.id', 's.name', 's.level', 'st.students_total', 'st.students_by_grade', 'st.teachers_above_qualification', 'st.backbone_teachers', 'st.pe_art_teachers',
      'st.teaching_aux_area', 'st.sports_ground_area', 'st.equipment_value', 'st.multimedia_classrooms',
    ])
    .where('s.region_code', 'like', `${regionPrefix(regionCode)}%`)
    .where('s.level', 'in', ['primary', 'junior', 'nine_year'])
    .where('s.is_active', '=', true)
    .orderBy('s.level').orderBy('s.name')
    .execute();

  const schools: BalanceSchool[] = [];
  const sections: StageSchool[] = [];
  for (const r of rows) {
    const values = resourceRatios({
      students: r.students_total, teachersAboveQualification: r.teachers_above_qualification, backboneTeachers: r.backbone_teachers, peArtTeachers: r.pe_art_teachers,
      teachingAuxArea: r.teaching_aux_area, sportsGroundArea: r.sports_ground_area, equipmentValue: r.equipment_value, multimediaClassrooms: r.multimedia_classrooms,
    });
    for (const sec of sectionsOf(r.level, r.students_total, r.students_by_grade)) {
      const check = checkStandard(values, sec.stage);
      sections.push({ stage: sec.stage, students: sec.students, values });
      schools.push({
        schoolId: r.id, schoolName: r.name, stage: sec.stage, students: sec.students,
        values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === null ? null : Math.round(v * 1000) / 1000])),
        met: check.met, meetsStandard: check.meetsStandard, inCoefficient: sec.students >= MIN_STUDENTS_FOR_CV,
        shortfalls: check.shortfalls.map((s) => ({ indicator: s.indicator, ratio: Math.round(s.ratio * 1000) / 1000 })),
      });
    }
  }
  const primary = stageCoefficients('primary', sections);
  const junior = stageCoefficients('junior', sections);
  const passes = (xs: typeof primary) => (xs.every((x) => x.passes === null) ? null : xs.every((x) => x.passes !== false));
  const schoolIds = new Set(schools.map((s) => s.schoolId));
  const failing = new Set(schools.filter((s) => !s.meetsStandard).map((s) => s.schoolId));
  return {
    regionCode, year, method: BALANCE_METHOD, schools,
    stages: { primary, junior },
    summary: { schools: schoolIds.size, meeting: schoolIds.size - failing.size, primaryPasses: passes(primary), juniorPasses: passes(junior) },
  };
}
