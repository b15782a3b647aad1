import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import {
  buildCommunity,
  buildSchool,
  buildTeacher,
  buildUser,
  TONGXIANG,
  USER_PASSWORD,
} from '../../test/factories.js';

let t: TestApp;
let admin: Client;
let lead: Client;
let otherLead: Client;
let community = 0;
const s = {} as Record<'Q' | 'P' | 'W' | 'O', number>;
const tc = {} as Record<'apprentice' | 'mentor' | 'masterQ2', number>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAdmin(t.app);
  const db = t.ctx.db;
  const school = (name: string, location_class: string) =>
    buildSchool(db, { region_code: TONGXIANG, name, location_class }).then((x) => x.id);
  s.Q = await school('桐乡市城区小学', 'urban');
  s.P = await school('桐乡市乡村小学', 'rural');
  s.W = await school('桐乡市教学点', 'rural');
  s.O = await school('桐乡市另一小学', 'town');
  community = (
    await buildCommunity(
      db,
      [
        { schoolId: s.Q, role: 'core' },
        { schoolId: s.P, role: 'member' },
      ],
      { region_code: TONGXIANG },
    )
  ).id;
  const other = (
    await buildCommunity(
      db,
      [
        { schoolId: s.O, role: 'core' },
        { schoolId: s.W, role: 'member' },
      ],
      { region_code: TONGXIANG },
    )
  ).id;
  const mk = (school: number, o: Record<string, unknown> = {}) =>
    buildTeacher(db, school, { birth_year: 1980, ...o }).then((x) => x.id);
  // P (rural): 10 teachers, 1 master, 1 further backbone; one teaches English without an English major
  tc.apprentice = await mk(s.P, { name: '徒弟', birth_year: 1998, subjects: ['english'], major_subject: 'chinese' });
  await mk(s.P, { honours: ['famous_city'] });
  await mk(s.P, { honours: ['backbone_county'] });
  for (let i = 0; i < 7; i++) await mk(s.P, { birth_year: 1978 + i });
  // Q (urban): 5 teachers, 2 master, 1 backbone
  tc.mentor = await mk(s.Q, { name: '师傅', honours: ['leader_city', 'backbone_city'] });
  tc.masterQ2 = await mk(s.Q, { honours: ['famous_provincial'] });
  await mk(s.Q, { honours: ['backbone_city'] });
  await mk(s.Q, { honours: ['rising_star'] });
  await mk(s.Q);
  // W (rural teaching point): 4 teachers without honours
  for (let i = 0; i < 4; i++) await mk(s.W, { birth_year: 1970 });
  lead = await login(
    t.app,
    (await buildUser(db, 'community_lead', { kind: 'community', id: community })).username,
    USER_PASSWORD,
  );
  otherLead = await login(
    t.app,
    (await buildUser(db, 'community_lead', { kind: 'community', id: other })).username,
    USER_PASSWORD,
  );
});
afterAll(async () => {
  await t.close();
});

describe('master-teacher structure', () => {
  it('computes shares before and after exchanges against hand-counted data', async () => {
    const posted = await lead.post('/api/v1/exchange/assignments', {
      teacherId: tc.masterQ2,
      kind: 'support_teaching',
      toSchoolId: s.P,
      startDate: '2026-09-01',
      endDate: '2027-07-09',
      status: 'active',
    });
    expect(posted.statusCode).toBe(201);
    const res = await admin.get(`/api/v1/exchange/structure?region=${TONGXIANG}&on=2026-11-23`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const school = (id: number) => body.schools.find((x: { id: number }) => x.id === id);
    expect(school(s.P).before).toEqual({ total: 10, master: 1, backbone: 2, masterShare: 0.1, backboneShare: 0.2 });
    expect(school(s.P).after).toEqual({
      total: 11,
      master: 2,
      backbone: 3,
      masterShare: 0.1818,
      backboneShare: 0.2727,
    });
    expect(school(s.Q).before).toEqual({ total: 5, master: 2, backbone: 3, masterShare: 0.4, backboneShare: 0.6 });
    expect(school(s.Q).after).toEqual({ total: 4, master: 1, backbone: 2, masterShare: 0.25, backboneShare: 0.5 });
    expect(school(s.Q).byHonour).toEqual({ leader_city: 1, backbone_city: 2, famous_provincial: 1, rising_star: 1 });
    expect(school(s.W)).toMatchObject({ belowFloor: true });
    const c = body.communities.find((x: { id: number }) => x.id === community);
    expect(c.before).toEqual({ total: 15, master: 3, backbone: 5, masterShare: 0.2, backboneShare: 0.3333 });
    expect(c.after).toEqual(c.before); // the posting stays inside the community
    const rural = body.byLocation.find((x: { locationClass: string }) => x.locationClass === 'rural');
    expect(rural.before).toMatchObject({ total: 14, master: 1, backbone: 2 });
    expect(rural.after).toMatchObject({ total: 15, master: 2, backbone: 3 });
    // ages on 2026: P = 28, 46, 46, 48…42 (1978–1984), W = 4 × 56
    const ages = [28, 46, 46, 48, 47, 46, 45, 44, 43, 42, 56, 56, 56, 56];
    expect(rural.averageAge).toBeCloseTo(ages.reduce((a, b) => a + b, 0) / ages.length, 2);
    // a week before the posting started, "after" equals "before"
    const earlier = (await admin.get(`/api/v1/exchange/structure?region=${TONGXIANG}&on=2026-08-25`)).json();
    expect(earlier.schools.find((x: { id: number }) => x.id === s.P).after.total).toBe(10);
  });

  it('lists non-specialist teaching by subject', async () => {
    const rows = (await admin.get(`/api/v1/exchange/shortages?region=${TONGXIANG}`)).json();
    expect(rows.find((r: { subject: string }) => r.subject === 'english')).toEqual({
      subject: 'english',
      teachers: 1,
      nonSpecialist: 1,
      share: 1,
      rural: 1,
      town: 0,
      urban: 0,
    });
    expect(rows.find((r: { subject: string }) => r.subject === 'chinese')).toMatchObject({ nonSpecialist: 0 });
  });

  it('shows a community lead only its own community’s schools', async () => {
    const mine = (await lead.get('/api/v1/exchange/structure')).json();
    expect(mine.schools.map((x: { id: number }) => x.id).sort()).toEqual([s.Q, s.P].sort());
    const theirs = (await otherLead.get('/api/v1/exchange/structure')).json();
    expect(theirs.schools.map((x: { id: number }) => x.id)).not.toContain(s.P);
  });
});

describe('mentorships', () => {
  let pairId = 0;
  const observation = async (observer: number, observed: number, startsAt: string) => {
    const row = await t.ctx.db
      .insertInto('activities')
      .values({
        community_id: community,
        organizer_school_id: s.P,
        kind: 'observation',
        title: '师徒听课',
        description: null,
        starts_at: startsAt,
        ends_at: new Date(Date.parse(startsAt) + 40 * 60000).toISOString(),
        semester: '2026-2027-1',
        teacher_count: 2,
        student_count: 0,
        details: JSON.stringify({
          observerTeacherId: observer,
          observedTeacherId: observed,
          subject: 'english',
          grade: 4,
          lessonTitle: 'Unit 2',
          rubric: {},
          feedback: '课堂结构清晰，提问可更开放。',
        }),
        created_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  };

  it('signs a pair with the default quota and refuses bad pairs', async () => {
    const same = await lead.post('/api/v1/exchange/mentorships', {
      mentorTeacherId: tc.mentor,
      apprenticeTeacherId: tc.mentor,
      signedOn: '2026-09-10',
      goals: '一年内独立上好公开课',
    });
    expect(same.statusCode).toBe(422);
    const foreign = await otherLead.post('/api/v1/exchange/mentorships', {
      mentorTeacherId: tc.mentor,
      apprenticeTeacherId: tc.apprentice,
      signedOn: '2026-09-10',
      goals: '一年内独立上好公开课',
    });
    expect(foreign.statusCode).toBe(403);
    const res = await lead.post('/api/v1/exchange/mentorships', {
      mentorTeacherId: tc.mentor,
      apprenticeTeacherId: tc.apprentice,
      signedOn: '2026-09-10',
      goals: '一年内独立上好公开课',
    });
    expect(res.statusCode).toBe(201);
    pairId = res.json().id;
    expect(res.json()).toMatchObject({
      communityId: community,
      observationsPerMonth: 1,
      mentorSchoolName: '桐乡市城区小学',
      apprenticeSchoolName: '桐乡市乡村小学',
    });
    const twice = await lead.post('/api/v1/exchange/mentorships', {
      mentorTeacherId: tc.mentor,
      apprenticeTeacherId: tc.apprentice,
      signedOn: '2026-09-10',
      goals: '一年内独立上好公开课',
    });
    expect(twice.statusCode).toBe(409);
  });

  it('counts the mentor’s linked observations per month against the quota', async () => {
    const sep = await observation(tc.mentor, tc.apprentice, '2026-09-30T15:30:00Z'); // 23:30 on 30 Sep in Shanghai
    const nov = await observation(tc.mentor, tc.apprentice, '2026-11-05T02:00:00Z');
    const octLate = await observation(tc.mentor, tc.apprentice, '2026-10-31T16:30:00Z'); // already 1 Nov in Shanghai
    for (const id of [sep, nov, octLate])
      expect(
        (await lead.post(`/api/v1/exchange/mentorships/${pairId}/activities`, { activityId: id })).statusCode,
      ).toBe(200);
    const wrong = await observation(tc.masterQ2, tc.apprentice, '2026-10-10T02:00:00Z');
    const refused = await lead.post(`/api/v1/exchange/mentorships/${pairId}/activities`, { activityId: wrong });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().details[0].field).toBe('body.activityId');

    const d = (await lead.get(`/api/v1/exchange/mentorships/${pairId}?on=2026-11-23`)).json();
    expect(d.months).toEqual([
      { month: '2026-09', observations: 1, met: true, judged: true },
      { month: '2026-10', observations: 0, met: false, judged: true },
      { month: '2026-11', observations: 2, met: true, judged: false },
    ]);
    expect(d).toMatchObject({ observations: 3, monthsJudged: 2, monthsMet: 1, complianceRate: 0.5, behind: true });
    const behind = (await lead.get('/api/v1/exchange/mentorships?behind=true&on=2026-11-23')).json();
    expect(behind.items.map((m: { id: number }) => m.id)).toEqual([pairId]);
    // with the quota raised to 2, September fails too
    await lead.patch(`/api/v1/exchange/mentorships/${pairId}`, { observationsPerMonth: 2 });
    expect((await lead.get(`/api/v1/exchange/mentorships/${pairId}?on=2026-11-23`)).json()).toMatchObject({
      monthsMet: 0,
      complianceRate: 0,
    });
    // by 1 December, November is judged and met: no longer behind with quota 1
    await lead.patch(`/api/v1/exchange/mentorships/${pairId}`, { observationsPerMonth: 1 });
    expect((await lead.get(`/api/v1/exchange/mentorships/${pairId}?on=2026-12-01`)).json()).toMatchObject({
      monthsJudged: 3,
      monthsMet: 2,
      behind: false,
    });
  });

  it('evaluates each term once (a second evaluation replaces the first) and hides pairs from other scopes', async () => {
    await lead.post(`/api/v1/exchange/mentorships/${pairId}/evaluations`, { semester: '2026-2027-1', grade: 'good' });
    const res = await lead.post(`/api/v1/exchange/mentorships/${pairId}/evaluations`, {
      semester: '2026-2027-1',
      grade: 'excellent',
      comment: '徒弟公开课获县二等奖',
    });
    expect(res.json().evaluations).toEqual([expect.objectContaining({ semester: '2026-2027-1', grade: 'excellent' })]);
    expect(
      (
        await lead.post(`/api/v1/exchange/mentorships/${pairId}/evaluations`, {
          semester: '2024-2025-1',
          grade: 'good',
        })
      ).statusCode,
    ).toBe(422);
    expect((await otherLead.get(`/api/v1/exchange/mentorships/${pairId}`)).statusCode).toBe(403);
    expect((await otherLead.get('/api/v1/exchange/mentorships')).json().total).toBe(0);
    expect((await lead.delete(`/api/v1/exchange/mentorships/${pairId}`)).statusCode).toBe(409);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'mentorship')
      .where('entity_id', '=', String(pairId))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['create', 'link_activity', 'update', 'evaluate']),
    );
  });
});

describe('master-teacher studios', () => {
  it('creates a studio with members, within scope only', async () => {
    const res = await lead.post('/api/v1/exchange/studios', {
      name: '英语名师工作室',
      regionCode: TONGXIANG,
      communityId: community,
      leaderTeacherId: tc.mentor,
      subject: 'english',
      foundedOn: '2026-09-01',
      memberIds: [tc.apprentice],
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().members.map((m: { name: string }) => m.name)).toEqual(['徒弟']);
    const dup = await lead.post(`/api/v1/exchange/studios/${res.json().id}/members`, { teacherId: tc.apprentice });
    expect(dup.statusCode).toBe(409);
    expect(
      (
        await otherLead.post('/api/v1/exchange/studios', {
          name: 'x',
          regionCode: TONGXIANG,
          communityId: community,
          leaderTeacherId: tc.mentor,
          foundedOn: '2026-09-01',
        })
      ).statusCode,
    ).toBe(403);
    expect((await lead.get('/api/v1/exchange/studios')).json().total).toBe(1);
  });
});
