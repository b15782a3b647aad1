import type { Client, TestApp } from './harness.js';
import { buildSchool, buildTeacher, HAINING } from './factories.js';

/**
 * The small deterministic dataset of issue 15's LibreOffice round trip: written once by
 * scripts/make-libreoffice-fixtures.ts (export → soffice re-save) and again by
 * import.libreoffice.test.ts before it imports the re-saved files.
 */
export async function seedRoundTrip(t: TestApp, admin: Client): Promise<void> {
  const centre = await buildSchool(t.ctx.db, {
    code: '3304817701',
    name: '往返中心小学',
    township_code: null,
    quality_tier: 'strong',
    founded_year: 1956,
    phone: '0573-87000001',
    address: '海洲街道',
    latitude: 30.5102,
    longitude: 120.6811,
  });
  await buildSchool(t.ctx.db, {
    code: '3304817702',
    name: '往返教学点',
    is_teaching_point: true,
    parent_school_id: centre.id,
    location_class: 'rural',
    quality_tier: 'weak',
    students: 30,
    classes: 3,
  });
  await buildTeacher(t.ctx.db, centre.id, {
    teacher_code: '330481198004240022',
    name: '往返教师',
    gender: 'M',
    birth_year: 1980,
    phone: '13800000066',
    subjects: ['chinese', 'politics'],
    honours: ['backbone_county'],
    posts: ['head_teacher'],
    title: 'senior',
    qualification: 'master',
    hire_year: 2002,
  });
  await buildTeacher(t.ctx.db, centre.id, {
    teacher_code: 'T5500007702',
    name: '往返教师二',
    subjects: [],
    honours: [],
    posts: [],
    qualification: null,
    hire_year: null,
    birth_year: null,
  });
  const stats = await admin.post('/api/v1/school-year-stats', {
    schoolId: centre.id,
    schoolYear: 2025,
    studentsTotal: 300,
    classesTotal: 8,
    teachersTotal: 20,
    studentsByGrade: { 1: 150, 2: 150 },
    classesBySizeBand: { le45: 8 },
    teachersByQualification: { master: 3 },
    buildingArea: 3200.5,
    equipmentValue: 680000,
    isStandardized: true,
    backboneTeachers: 2,
  });
  if (stats.statusCode !== 201) throw new Error(`seeding statistics failed: ${stats.statusCode} ${stats.body}`);
}

/** The exports the round trip re-saves, by importer kind. */
export const ROUND_TRIP_EXPORTS = [
  ['schools', `/api/v1/schools/export.xlsx?region=${HAINING}`],
  ['teachers', '/api/v1/teachers/export.xlsx'],
  ['school-year-stats', '/api/v1/school-year-stats/export.xlsx'],
] as const;

/** Every imported field of schools, teachers and annual statistics, ordered, for comparing before and after. */
export async function roundTripSnapshot(t: TestApp) {
  const db = t.ctx.db;
  return {
    schools: await db
      .selectFrom('schools')
      .select([
        'code',
        'name',
        'short_name',
        'region_code',
        'township_code',
        'level',
        'location_class',
        'is_teaching_point',
        'parent_school_id',
        'quality_tier',
        'latitude',
        'longitude',
        'address',
        'principal_name',
        'phone',
        'founded_year',
        'students',
        'classes',
        'has_recording_classroom',
        'has_sync_classroom',
      ])
      .orderBy('code')
      .execute(),
    teachers: await db
      .selectFrom('teachers')
      .select([
        'teacher_code',
        'school_id',
        'name',
        'gender',
        'birth_year',
        'phone',
        'subjects',
        'major_subject',
        'title',
        'honours',
        'posts',
        'qualification',
        'hire_year',
        'status',
      ])
      .orderBy('teacher_code')
      .execute(),
    stats: await db
      .selectFrom('school_year_stats')
      .select([
        'school_id',
        'school_year',
        'students_total',
        'classes_total',
        'teachers_total',
        'students_by_grade',
        'classes_by_size_band',
        'teachers_by_qualification',
        'teachers_by_honour',
        'teachers_by_subject',
        'teachers_above_qualification',
        'backbone_teachers',
        'pe_art_teachers',
        'building_area',
        'teaching_aux_area',
        'sports_ground_area',
        'equipment_value',
        'multimedia_classrooms',
        'recording_classrooms',
        'is_standardized',
      ])
      .orderBy('school_id')
      .execute(),
  };
}
