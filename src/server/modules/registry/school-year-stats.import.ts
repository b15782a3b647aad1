import { sql } from 'kysely';
import { GRADE_NAMES_ZH, STUDENT_GRADES, type StudentGrade } from '../../../shared/grades.js';
import { schoolYearStatsInput, type SchoolYearStatsInput } from '../../../shared/registry.schemas.js';
import { code, decimal, integer, schoolYear, yesNo } from '../io/index.js';
import { asWritable, keepStored, validateWith, type ImportColumn, type ImportKindDef } from '../io/index.js';
import { statsIssues, statsRow } from './stats.service.js';
import { loadWritableSchools, type WritableSchools } from './writable-schools.js';

/** One column per contract grade key ('1'…'12'); column `gradeN` fills key 'N'. */
const gradeColumns: ImportColumn[] = STUDENT_GRADES.map((g, i) => ({
  key: `grade${g}`,
  zh: `${GRADE_NAMES_ZH[g]}年级学生数`,
  en: `Grade ${g} pupils`,
  parse: integer,
  example: i < 6 ? 45 : null,
}));

/** The grade columns of one imported row as the statistics contract's keys. */
export function gradesOfRow(v: Record<string, unknown>): Partial<Record<StudentGrade, number>> {
  const out: Partial<Record<StudentGrade, number>> = {};
  for (const g of STUDENT_GRADES) {
    const n = v[`grade${g}`];
    if (typeof n === 'number') out[g] = n;
  }
  return out;
}
const bandColumns: ImportColumn[] = [
  { key: 'band_le45', zh: '45人及以下班级数', en: 'Classes of ≤45', parse: integer, example: 6 },
  { key: 'band_b46_55', zh: '46-55人班级数', en: 'Classes of 46–55', parse: integer, example: 0 },
  { key: 'band_b56_65', zh: '56-65人班级数', en: 'Classes of 56–65', parse: integer, example: 0 },
  { key: 'band_ge66', zh: '66人及以上班级数', en: 'Classes of 66+', parse: integer, example: 0 },
];

const JSON_COLUMNS = [
  'students_by_grade',
  'classes_by_size_band',
  'teachers_by_qualification',
  'teachers_by_honour',
  'teachers_by_subject',
];
/** Database columns each import column fills: an update leaves the others (and the breakdowns not imported) as stored. */
const STATS_COLUMNS: Record<string, string[]> = {
  studentsTotal: ['students_total'],
  classesTotal: ['classes_total'],
  teachersTotal: ['teachers_total'],
  ...Object.fromEntries(STUDENT_GRADES.map((g) => [`grade${g}`, ['students_by_grade']])),
  band_le45: ['classes_by_size_band'],
  band_b46_55: ['classes_by_size_band'],
  band_b56_65: ['classes_by_size_band'],
  band_ge66: ['classes_by_size_band'],
  teachersAboveQualification: ['teachers_above_qualification'],
  backboneTeachers: ['backbone_teachers'],
  peArtTeachers: ['pe_art_teachers'],
  buildingArea: ['building_area'],
  teachingAuxArea: ['teaching_aux_area'],
  sportsGroundArea: ['sports_ground_area'],
  equipmentValue: ['equipment_value'],
  multimediaClassrooms: ['multimedia_classrooms'],
  recordingClassrooms: ['recording_classrooms'],
  isStandardized: ['is_standardized'],
  // not in the import at all: always kept
  notImported: ['teachers_by_qualification', 'teachers_by_honour', 'teachers_by_subject'],
};

export const schoolYearStatsImport: ImportKindDef<SchoolYearStatsInput, WritableSchools> = {
  kind: 'school-year-stats',
  entity: 'school_year_stats',
  sheetName: { zh: '学校年报', en: 'Annual statistics' },
  columns: [
    {
      key: 'schoolCode',
      zh: '学校代码',
      en: 'School code',
      required: true,
      parse: code,
      aliases: ['学校标识码'],
      example: '3304810001',
    },
    { key: 'schoolYear', zh: '学年', en: 'School year', required: true, parse: schoolYear, example: '2025-2026' },
    { key: 'studentsTotal', zh: '学生数', en: 'Students', required: true, parse: integer, example: 270 },
    { key: 'classesTotal', zh: '班级数', en: 'Classes', required: true, parse: integer, example: 6 },
    { key: 'teachersTotal', zh: '教师数', en: 'Teachers', required: true, parse: integer, example: 18 },
    ...gradeColumns,
    ...bandColumns,
    {
      key: 'teachersAboveQualification',
      zh: '高于规定学历教师数',
      en: 'Teachers above required qualification',
      parse: integer,
      example: 15,
    },
    {
      key: 'backboneTeachers',
      zh: '县级以上骨干教师数',
      en: 'Backbone teachers (county+)',
      parse: integer,
      example: 3,
    },
    { key: 'peArtTeachers', zh: '体育艺术教师数', en: 'PE and art teachers', parse: integer, example: 3 },
    { key: 'buildingArea', zh: '校舍建筑面积', en: 'Building area (m²)', parse: decimal, example: 3200 },
    {
      key: 'teachingAuxArea',
      zh: '教学及辅助用房面积',
      en: 'Teaching and auxiliary area (m²)',
      parse: decimal,
      example: 1500,
    },
    { key: 'sportsGroundArea', zh: '运动场地面积', en: 'Sports ground (m²)', parse: decimal, example: 2600 },
    { key: 'equipmentValue', zh: '教学仪器设备值', en: 'Equipment value (yuan)', parse: decimal, example: 680000 },
    {
      key: 'multimediaClassrooms',
      zh: '网络多媒体教室',
      en: 'Networked multimedia classrooms',
      parse: integer,
      example: 7,
    },
    { key: 'recordingClassrooms', zh: '录播教室', en: 'Recording classrooms', parse: integer, example: 1 },
    { key: 'isStandardized', zh: '标准化学校', en: 'Standardised', parse: yesNo, example: '是' },
  ],
  prepare: (db, actor) => loadWritableSchools(db, actor),
  toInput(v, schools) {
    const school = typeof v.schoolCode === 'string' ? schools.byCode.get(v.schoolCode) : undefined;
    if (typeof v.schoolCode === 'string' && !school) {
      return {
        issues: [
          schools.known.has(v.schoolCode)
            ? {
                key: 'schoolCode',
                zh: `学校“${v.schoolCode}”不在您的管理范围内`,
                en: `School ${v.schoolCode} is outside your scope`,
              }
            : { key: 'schoolCode', zh: `学校代码“${v.schoolCode}”不存在`, en: `Unknown school code ${v.schoolCode}` },
        ],
      };
    }
    const studentsByGrade = gradesOfRow(v);
    const classesBySizeBand: Record<string, number> = {};
    for (const band of ['le45', 'b46_55', 'b56_65', 'ge66']) {
      const n = v[`band_${band}`];
      if (typeof n === 'number') classesBySizeBand[band] = n;
    }
    const r = validateWith(
      schoolYearStatsInput,
      {
        schoolId: school?.id,
        schoolYear: v.schoolYear ?? undefined,
        studentsTotal: v.studentsTotal ?? undefined,
        classesTotal: v.classesTotal ?? undefined,
        teachersTotal: v.teachersTotal ?? undefined,
        studentsByGrade,
        classesBySizeBand,
        teachersAboveQualification: v.teachersAboveQualification,
        backboneTeachers: v.backboneTeachers,
        peArtTeachers: v.peArtTeachers,
        buildingArea: v.buildingArea,
        teachingAuxArea: v.teachingAuxArea,
        sportsGroundArea: v.sportsGroundArea,
        equipmentValue: v.equipmentValue,
        multimediaClassrooms: v.multimediaClassrooms,
        recordingClassrooms: v.recordingClassrooms,
        isStandardized: v.isStandardized ?? false,
      },
      { schoolId: 'schoolCode', studentsByGrade: 'grade1', classesBySizeBand: 'band_le45' },
    );
    if (!r.input) return r;
    const consistency = statsIssues(r.input).map((i) => ({
      key: i.field === 'studentsByGrade' ? 'grade1' : i.field === 'classesBySizeBand' ? 'band_le45' : i.field,
      zh: i.zh,
      en: i.en,
    }));
    return consistency.length ? { issues: consistency } : r;
  },
  uniqueKey: (s) => `${s.schoolId}/${s.schoolYear}`,
  async write(db, batch, _ctx, opts) {
    if (batch.length === 0) return { created: 0, updated: 0 };
    const stored = await db
      .selectFrom('school_year_stats')
      .selectAll()
      .where(
        sql<boolean>`(school_id, school_year) in (${sql.join(batch.map((b) => sql`(${b.input.schoolId}::int, ${b.input.schoolYear}::int)`))})`,
      )
      .execute();
    const values = keepStored(
      batch.map(({ input, blanks }) => ({ row: statsRow(input) as Record<string, unknown>, blanks })),
      new Map(
        stored.map((r) => [
          `${r.school_id}/${r.school_year}`,
          asWritable(r as unknown as Record<string, unknown>, JSON_COLUMNS),
        ]),
      ),
      (r) => `${String(r.school_id)}/${String(r.school_year)}`,
      STATS_COLUMNS,
      opts,
    );
    const rows = await db
      .insertInto('school_year_stats')
      .values(values as never)
      .onConflict((oc) =>
        oc.columns(['school_id', 'school_year']).doUpdateSet((eb) => ({
          students_total: eb.ref('excluded.students_total'),
          classes_total: eb.ref('excluded.classes_total'),
          teachers_total: eb.ref('excluded.teachers_total'),
          students_by_grade: eb.ref('excluded.students_by_grade'),
          classes_by_size_band: eb.ref('excluded.classes_by_size_band'),
          teachers_above_qualification: eb.ref('excluded.teachers_above_qualification'),
          backbone_teachers: eb.ref('excluded.backbone_teachers'),
          pe_art_teachers: eb.ref('excluded.pe_art_teachers'),
          building_area: eb.ref('excluded.building_area'),
          teaching_aux_area: eb.ref('excluded.teaching_aux_area'),
          sports_ground_area: eb.ref('excluded.sports_ground_area'),
          equipment_value: eb.ref('excluded.equipment_value'),
          multimedia_classrooms: eb.ref('excluded.multimedia_classrooms'),
          recording_classrooms: eb.ref('excluded.recording_classrooms'),
          is_standardized: eb.ref('excluded.is_standardized'),
          updated_at: sql<string>`now()`,
        })),
      )
      .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
      .execute();
    const created = rows.filter((r) => r.inserted).length;
    return { created, updated: rows.length - created };
  },
};
