import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity, buildSchool, buildUser, HAINING, TONGXIANG, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';

/**
 * Shared courses and their totals against hand-computed figures.
 *
 *   C1 = A (core) + B + D      course 1 (owner A, C1): sessions 2 + 1.5 h, classes B 40 + B 38 + D 35
 *                              course 2 (owner A, C1): session 1 h, class D 30
 *   C2 = X (core) + Z          course 3 (owner X, C2): sessions 1 + 1 + 1 h, class Z 30
 *   Tongxiang: T (core) + U    course 4 (owner T, C3): session 2 h, class U 25
 *
 *   by community: C1 4.5 h / 143 students / 2 courses; C2 3 h / 30; C3 2 h / 25
 *   by school:    A 4.5 / 143; X 3 / 30; T 2 / 25
 *   by region:    海宁 7.5 / 173; 桐乡 2 / 25 (a provincial bureau sees both)
 */
let t: TestApp;
const s: Record<string, number> = {};
const c: Record<string, number> = {};
let leadC1: Client, leadC2: Client, adminB: Client, adminZ: Client, teacherA: Client, bureau: Client, province: Client;
const course: Record<number, number> = {};

const client = async (
  role: Parameters<typeof buildUser>[1],
  kind: 'region' | 'community' | 'school',
  id: string | number,
) => login(t.app, (await buildUser(t.ctx.db, role, { kind, id })).username, USER_PASSWORD);

beforeAll(async () => {
  t = await createTestApp();
  const db = t.ctx.db;
  for (const k of ['A', 'B', 'D', 'X', 'Z']) s[k] = (await buildSchool(db, { name: `学校${k}` })).id;
  for (const k of ['T', 'U']) s[k] = (await buildSchool(db, { name: `学校${k}`, region_code: TONGXIANG })).id;
  c.C1 = (
    await buildCommunity(
      db,
      [
        { schoolId: s.A!, role: 'core' },
        { schoolId: s.B!, role: 'member' },
        { schoolId: s.D!, role: 'member' },
      ],
      { name: '甲教共体' },
    )
  ).id;
  c.C2 = (
    await buildCommunity(
      db,
      [
        { schoolId: s.X!, role: 'core' },
        { schoolId: s.Z!, role: 'member' },
      ],
      { name: '乙教共体' },
    )
  ).id;
  c.C3 = (
    await buildCommunity(
      db,
      [
        { schoolId: s.T!, role: 'core' },
        { schoolId: s.U!, role: 'member' },
      ],
      { name: '丙教共体', region_code: TONGXIANG },
    )
  ).id;
  leadC1 = await client('community_lead', 'community', c.C1);
  leadC2 = await client('community_lead', 'community', c.C2);
  adminB = await client('school_admin', 'school', s.B!);
  adminZ = await client('school_admin', 'school', s.Z!);
  teacherA = await client('teacher', 'school', s.A!);
  bureau = await client('bureau_admin', 'region', HAINING);
  province = await client('bureau_admin', 'region', '330000');
  const leadC3 = await client('community_lead', 'community', c.C3);

  const make = async (
    who: Client,
    body: Record<string, unknown>,
    sessions: number[],
    enrol: [string, string, number][],
    enroller: Client = who,
  ) => {
    const res = await who.post('/api/v1/shared-courses', {
      subject: 'science',
      targetGrades: [5, 6],
      schoolYear: 2025,
      ...body,
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as number;
    for (const [i, h] of sessions.entries())
      expect(
        (
          await who.post(`/api/v1/shared-courses/${id}/sessions`, {
            heldOn: `2025-10-${String(10 + i).padStart(2, '0')}`,
            classHours: h,
            topic: `第${i + 1}课`,
          })
        ).statusCode,
      ).toBe(201);
    for (const [school, className, students] of enrol) {
      const e = await enroller.post(`/api/v1/shared-courses/${id}/enrolments`, {
        schoolId: s[school],
        className,
        students,
      });
      expect(e.statusCode, e.body).toBe(201);
    }
    return id;
  };
  course[1] = await make(
    leadC1,
    { title: '无人机社团', ownerSchoolId: s.A, communityId: c.C1, openSchoolIds: [s.B, s.D] },
    [2, 1.5],
    [
      ['B', '五(1)班', 40],
      ['B', '五(2)班', 38],
      ['D', '六(1)班', 35],
    ],
  );
  course[2] = await make(
    leadC1,
    { title: 'STEAM 创客', ownerSchoolId: s.A, communityId: c.C1, openSchoolIds: [s.D] },
    [1],
    [['D', '五(1)班', 30]],
  );
  course[3] = await make(
    leadC2,
    { title: '围棋入门', subject: 'other', ownerSchoolId: s.X, communityId: c.C2, openSchoolIds: [s.Z] },
    [1, 1, 1],
    [['Z', '四(1)班', 30]],
    adminZ,
  );
  course[4] = await make(
    leadC3,
    { title: '书法', subject: 'calligraphy', ownerSchoolId: s.T, communityId: c.C3, openSchoolIds: [s.U] },
    [2],
    [['U', '三(1)班', 25]],
  );
});
afterAll(async () => {
  await t.close();
});

const rowsOf = async (who: Client, groupBy: string) => {
  const res = await who.get(`/api/v1/shared-courses/totals?groupBy=${groupBy}&schoolYear=2025`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    rows: { key: string; name: string; courses: number; sessions: number; classHours: number; students: number }[];
    total: { classHours: number; students: number; courses: number };
  };
};

describe('shared-course totals', () => {
  it('by community', async () => {
    const { rows, total } = await rowsOf(bureau, 'community');
    expect(rows).toEqual([
      {
        key: String(c.C1),
        name: '甲教共体',
        courses: 2,
        sessions: 3,
        classHours: 4.5,
        students: 143,
        studentTimes: 143,
        schools: 2,
      },
      {
        key: String(c.C2),
        name: '乙教共体',
        courses: 1,
        sessions: 3,
        classHours: 3,
        students: 30,
        studentTimes: 30,
        schools: 1,
      },
    ]);
    expect(total).toMatchObject({ courses: 3, classHours: 7.5, students: 173 });
  });
  it('by owner school', async () => {
    const { rows } = await rowsOf(bureau, 'school');
    expect(rows.map((r) => [r.name, r.classHours, r.students])).toEqual([
      ['学校A', 4.5, 143],
      ['学校X', 3, 30],
    ]);
  });
  it('by region, for a provincial bureau across counties', async () => {
    const { rows, total } = await rowsOf(province, 'region');
    expect(rows.map((r) => [r.key, r.name, r.classHours, r.students])).toEqual([
      ['330481', '海宁市', 7.5, 173],
      ['330483', '桐乡市', 2, 25],
    ]);
    expect(total).toMatchObject({ classHours: 9.5, students: 198, courses: 4 });
  });
  it('counts only what the caller may see', async () => {
    const { rows } = await rowsOf(leadC2, 'community');
    expect(rows).toEqual([
      {
        key: String(c.C2),
        name: '乙教共体',
        courses: 1,
        sessions: 3,
        classHours: 3,
        students: 30,
        studentTimes: 30,
        schools: 1,
      },
    ]);
    expect((await rowsOf(bureau, 'community')).rows.some((r) => r.name === '丙教共体')).toBe(false);
    const other = await t.app.inject({
      method: 'GET',
      url: '/api/v1/shared-courses/totals?schoolYear=2024',
      headers: { cookie: bureau.cookie },
    });
    expect(other.json().total).toMatchObject({ courses: 0, classHours: 0, students: 0 });
  });
});

describe('shared courses', () => {
  it('lists and details with their totals; hides other communities’ courses', async () => {
    const list = await adminB.get('/api/v1/shared-courses?schoolYear=2025');
    expect(
      list
        .json()
        .items.map((x: { title: string }) => x.title)
        .sort(),
    ).toEqual(['STEAM 创客', '无人机社团']);
    const detail = await adminB.get(`/api/v1/shared-courses/${course[1]}`);
    expect(detail.json()).toMatchObject({
      sessions: 2,
      classHours: 3.5,
      students: 113,
      can: { edit: false, enrolSchoolIds: [s.B] },
    });
    expect(
      detail
        .json()
        .openSchools.map((o: { id: number }) => o.id)
        .sort(),
    ).toEqual([s.B, s.D].sort());
    expect((await leadC2.get(`/api/v1/shared-courses/${course[1]}`)).statusCode).toBe(404);
  });

  it('lets a school enrol only its own classes in courses opened to it', async () => {
    expect(
      (
        await adminB.post(`/api/v1/shared-courses/${course[1]}/enrolments`, {
          schoolId: s.D,
          className: '六(9)班',
          students: 30,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await adminB.post(`/api/v1/shared-courses/${course[2]}/enrolments`, {
          schoolId: s.B,
          className: '五(9)班',
          students: 30,
        })
      ).statusCode,
    ).toBe(422);
    expect(
      (
        await adminB.post(`/api/v1/shared-courses/${course[1]}/enrolments`, {
          schoolId: s.B,
          className: '五(1)班',
          students: 30,
        })
      ).statusCode,
    ).toBe(409);
    expect(
      (
        await adminB.post(`/api/v1/shared-courses/${course[1]}/enrolments`, {
          schoolId: s.B,
          className: '五(3)班',
          students: 0,
        })
      ).statusCode,
    ).toBe(400);
  });

  it('refuses managing courses outside one’s school or community', async () => {
    expect(
      (
        await teacherA.post('/api/v1/shared-courses', {
          title: 'x',
          subject: 'art',
          targetGrades: [3],
          ownerSchoolId: s.A,
          communityId: c.C1,
          schoolYear: 2025,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await leadC2.post('/api/v1/shared-courses', {
          title: 'x',
          subject: 'art',
          targetGrades: [3],
          ownerSchoolId: s.A,
          communityId: c.C1,
          schoolYear: 2025,
        })
      ).statusCode,
    ).toBe(403);
    const notMember = await leadC1.post('/api/v1/shared-courses', {
      title: 'x',
      subject: 'art',
      targetGrades: [3],
      ownerSchoolId: s.A,
      communityId: c.C1,
      schoolYear: 2025,
      openSchoolIds: [s.Z],
    });
    expect(notMember.statusCode).toBe(422);
    expect(notMember.json().details[0].field).toBe('body.openSchoolIds.0');
    expect(
      (
        await leadC2.post(`/api/v1/shared-courses/${course[1]}/sessions`, {
          heldOn: '2025-11-01',
          classHours: 1,
          topic: 'x',
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await adminB.post(`/api/v1/shared-courses/${course[1]}/sessions`, {
          heldOn: '2025-11-01',
          classHours: 1,
          topic: 'x',
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await leadC1.post(`/api/v1/shared-courses/${course[1]}/sessions`, {
          heldOn: '2025-02-30',
          classHours: 1,
          topic: 'x',
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await leadC1.post(`/api/v1/shared-courses/${course[1]}/sessions`, {
          heldOn: '2025-11-01',
          classHours: 0.7,
          topic: 'x',
        })
      ).statusCode,
    ).toBe(400);
  });

  it('keeps an activity link on a session and refuses closing a school with enrolled classes', async () => {
    const res = await leadC1.post(`/api/v1/shared-courses/${course[2]}/sessions`, {
      heldOn: '2025-11-20',
      classHours: 1,
      topic: '同步课堂',
      activityId: 9001,
    });
    expect(res.json().sessionList.at(-1)).toMatchObject({ activityId: 9001, classHours: 1 });
    const closing = await leadC1.patch(`/api/v1/shared-courses/${course[2]}`, { openSchoolIds: [s.B] });
    expect(closing.statusCode).toBe(409);
    const removed = await leadC1.request(
      'DELETE',
      `/api/v1/shared-courses/${course[2]}/sessions/${res.json().sessionList.at(-1).id}`,
    );
    expect(removed.json().classHours).toBe(1);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'shared_course')
      .where('entity_id', '=', String(course[2]))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['create', 'add_session', 'enrol', 'remove_session']),
    );
  });
});
