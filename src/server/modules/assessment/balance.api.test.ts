import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Balance } from '../../../shared/assessment.schemas.js';
import { buildSchool, buildUser, HAINING, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, loginAdmin, type Client, type TestApp } from '../../test/harness.js';

let t: TestApp;
let bureau: Client, admin: Client;
let nineYearId: number;
beforeAll(async () => {
  t = await createTestApp();
  const db = t.ctx.db;
  admin = await loginAdmin(t.app);
  const user = await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING });
  bureau = await login(t.app, user.username, USER_PASSWORD);
  const nine = await buildSchool(db, { name: '九年一贯制学校', level: 'nine_year', students: 1000 });
  nineYearId = nine.id;
  const junior = await buildSchool(db, { name: '城区初中', level: 'junior', students: 800 });
  const point = await buildSchool(db, { name: '村教学点', level: 'primary', is_teaching_point: true, students: 30 });
  const stats = (schoolId: number, studentsTotal: number, studentsByGrade: Record<string, number>, peArt: number) => ({
    schoolId,
    schoolYear: 2025,
    studentsTotal,
    classesTotal: 20,
    teachersTotal: 90,
    studentsByGrade,
    teachersAboveQualification: Math.ceil(studentsTotal * 0.06),
    backboneTeachers: Math.ceil(studentsTotal * 0.02),
    peArtTeachers: peArt,
    teachingAuxArea: studentsTotal * 6,
    sportsGroundArea: studentsTotal * 11,
    equipmentValue: studentsTotal * 3000,
    multimediaClassrooms: Math.ceil(studentsTotal * 0.03),
  });
  // entered through the statistics API with its grade keys '1'…'9': 500 primary and 500 junior pupils (not 6 : 3)
  const grades = { 1: 90, 2: 90, 3: 80, 4: 80, 5: 80, 6: 80, 7: 170, 8: 170, 9: 160 };
  for (const body of [
    stats(nine.id, 1000, grades, 9),
    stats(junior.id, 800, {}, 10),
    stats(point.id, 30, { 1: 10, 2: 10, 3: 10 }, 1),
  ]) {
    const res = await admin.post('/api/v1/school-year-stats', body);
    expect(res.statusCode, res.body).toBe(201);
  }
});
afterAll(async () => {
  await t.close();
});

describe('balance per stage (issue 16)', () => {
  it('splits a nine-year school entered through the API by its grade enrolment, and shows the enrolment used', async () => {
    const res = await bureau.get(`/api/v1/balance?region=${HAINING}&year=2025`);
    expect(res.statusCode).toBe(200);
    const b = JSON.parse(res.body) as Balance;
    const sections = b.schools.filter((s) => s.schoolId === nineYearId);
    expect(sections.map((s) => [s.stage, s.students, s.enrolmentSource, s.schoolStudents])).toEqual([
      ['primary', 500, 'grades', 1000],
      ['junior', 500, 'grades', 1000],
    ]);
    // 9 PE/art teachers for 1,000 pupils is exactly the 0.9 standard: shown 0.90 and met
    for (const s of sections) {
      expect(s.valuesShown.pe_art_teachers).toBe('0.90');
      expect(s.verdicts.pe_art_teachers).toBe('met');
    }
    // the junior coefficient is weighted by the 500 junior pupils, not 333
    expect(b.stages.junior.find((x) => x.indicator === 'pe_art_teachers')).toMatchObject({ schools: 2 });
    // the 30-pupil teaching point is left out, with its reason
    expect(b.excluded.map((e) => [e.schoolName, e.students])).toEqual([['村教学点', 30]]);
    expect(b.excluded[0]!.reasonZh).toContain('不足 50 人');
  });

  it('gives every shown value the verdict it reads as', async () => {
    const b = JSON.parse((await bureau.get(`/api/v1/balance?region=${HAINING}&year=2025`)).body) as Balance;
    for (const s of b.schools) {
      for (const st of [b.stages[s.stage]]) {
        for (const x of st) {
          const shown = s.valuesShown[x.indicator];
          if (shown === null || shown === undefined) continue;
          expect(Number(shown) >= x.threshold, `${s.schoolName} ${x.indicator}`).toBe(
            s.verdicts[x.indicator] === 'met',
          );
        }
      }
    }
  });
});
