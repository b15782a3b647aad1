import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseTotals } from '../../../shared/resources.schemas.js';
import type { Dashboard, Figure } from '../../../shared/dashboard.schemas.js';
import { buildSchool, HAINING } from '../../test/factories.js';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAdmin(t.app);
  const db = t.ctx.db;
  const owner = await buildSchool(db, { name: '课程主办校' });
  const a = await buildSchool(db, { name: '选课学校甲' });
  const b = await buildSchool(db, { name: '选课学校乙' });
  const course = async (title: string) =>
    (
      await db
        .insertInto('shared_courses')
        .values({
          title,
          description: null,
          subject: 'math',
          target_grades: [3],
          owner_school_id: owner.id,
          community_id: null,
          school_year: 2025,
          created_by: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const c1 = await course('趣味数学');
  const c2 = await course('科学探究');
  // class 三(1)班 of school A takes both courses: 30 pupils, 60 enrolments
  await db
    .insertInto('shared_course_enrolments')
    .values([
      { course_id: c1, school_id: a.id, class_name: '三(1)班', students: 30 },
      { course_id: c2, school_id: a.id, class_name: '三(1)班', students: 30 },
      { course_id: c1, school_id: a.id, class_name: '三(2)班', students: 28 },
      { course_id: c1, school_id: b.id, class_name: '三(1)班', students: 25 },
    ])
    .execute();
});
afterAll(async () => {
  await t.close();
});

describe('shared-course reach counts distinct pupils and schools (issue 16)', () => {
  it('the totals API gives distinct students, enrolments (人次) and schools', async () => {
    const res = await admin.get('/api/v1/shared-courses/totals?groupBy=school&schoolYear=2025');
    expect(res.statusCode).toBe(200);
    const totals = JSON.parse(res.body) as CourseTotals;
    expect(totals.total).toMatchObject({ courses: 2, students: 83, studentTimes: 113, schools: 2 });
    expect(totals.rows).toHaveLength(1);
    expect(totals.rows[0]).toMatchObject({ students: 83, studentTimes: 113, schools: 2 });
  });

  it('the dashboard figure "受益学生" is the distinct count, with the enrolments beside it', async () => {
    const res = await admin.get(`/api/v1/dashboard?region=${HAINING}&schoolYear=2025`);
    expect(res.statusCode, res.body).toBe(200);
    const d = JSON.parse(res.body) as Dashboard;
    const f = d.panels.flatMap((p) => p.figures as Figure[]).find((x) => x.key === 'sharedStudents')!;
    expect(f.value).toBe(83);
    expect(f.label.zh).toContain('去重');
    expect(f.hint?.zh).toContain('113 人次');
  });
});
