import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import {
  buildCommunity,
  buildSchool,
  buildTeacher,
  buildUser,
  HAINING,
  TONGXIANG,
  USER_PASSWORD,
} from '../../test/factories.js';

let t: TestApp;
let admin: Client;
const clients: Record<string, Client> = {};
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAdmin(t.app);
  const db = t.ctx.db;
  // two strong cores in town, three schools to pair; m1 is already paired with coreA
  const coreA = await buildSchool(db, {
    name: '城北实验小学',
    quality_tier: 'strong',
    location_class: 'urban',
    latitude: 30.52,
    longitude: 120.68,
    classes: 24,
  });
  const coreB = await buildSchool(db, {
    name: '城南实验小学',
    quality_tier: 'strong',
    location_class: 'urban',
    latitude: 30.45,
    longitude: 120.7,
    classes: 24,
  });
  const m1 = await buildSchool(db, {
    name: '北村小学',
    quality_tier: 'weak',
    location_class: 'rural',
    latitude: 30.56,
    longitude: 120.69,
    classes: 6,
  });
  const m2 = await buildSchool(db, {
    name: '南村小学',
    quality_tier: 'weak',
    location_class: 'rural',
    latitude: 30.41,
    longitude: 120.71,
    classes: 6,
  });
  const m3 = await buildSchool(db, {
    name: '东镇小学',
    quality_tier: 'potential',
    location_class: 'town',
    latitude: 30.48,
    longitude: 120.78,
    classes: 6,
  });
  const other = await buildSchool(db, {
    name: '桐乡实验小学',
    region_code: TONGXIANG,
    quality_tier: 'strong',
    latitude: 30.63,
    longitude: 120.56,
  });
  const c1 = await buildCommunity(db, [
    { schoolId: coreA.id, role: 'core' },
    { schoolId: m1.id, role: 'member' },
    { schoolId: m2.id, role: 'member' },
  ]);
  Object.assign(ids, { coreA: coreA.id, coreB: coreB.id, m1: m1.id, m2: m2.id, m3: m3.id, other: other.id, c1: c1.id });
  // English: coreA has 5 specialists for 24 classes (needs 3) → 2 spare; the villages have none
  for (let i = 0; i < 5; i++) await buildTeacher(db, coreA.id, { subjects: ['english'], major_subject: 'english' });
  await buildTeacher(db, m1.id, { subjects: ['english'], major_subject: 'chinese' });
  await buildTeacher(db, m2.id, { subjects: ['chinese'], major_subject: 'chinese' });
  const users = {
    tongxiang: await buildUser(db, 'bureau_admin', { kind: 'region', id: TONGXIANG }),
    haining: await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING }),
    viewer: await buildUser(db, 'viewer', { kind: 'region', id: HAINING }),
    principal: await buildUser(db, 'school_admin', { kind: 'school', id: m1.id }),
    lead: await buildUser(db, 'community_lead', { kind: 'community', id: c1.id }),
  };
  for (const [k, u] of Object.entries(users)) clients[k] = await login(t.app, u.username, USER_PASSWORD);
});
afterAll(async () => {
  await t.close();
});

const pt = (id: string, lng: number, o: Record<string, unknown> = {}) => ({
  id,
  name: id,
  latitude: 30.5,
  longitude: 120 + lng,
  ...o,
});

describe('POST /api/v1/planner/pairings', () => {
  it('builds the instance from the registry and keeps the existing pair', async () => {
    const res = await clients.haining!.post('/api/v1/planner/pairings', {
      region: HAINING,
      settings: { defaultCapacity: 1 },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ status: 'optimal', provenOptimal: true, solver: 'ssp', costUnit: 'km' });
    const byMember = Object.fromEntries(
      body.assignments.map((a: { memberId: string; coreId: string; change: string }) => [a.memberId, a]),
    );
    expect(byMember[String(ids.m1)]).toMatchObject({ coreId: String(ids.coreA), change: 'kept' });
    expect(byMember[String(ids.m2)]).toMatchObject({ coreId: String(ids.coreB), change: 'changed' });
    expect(byMember[String(ids.m3)]).toBeUndefined(); // 潜力 schools only with includePotential
    expect(body.points.length).toBe(4); // the other county's school is not in Haining's instance
    expect(body.timings.totalMs).toBeGreaterThanOrEqual(0);
  });

  it('explains an infeasible uploaded instance instead of answering empty', async () => {
    const res = await admin.post('/api/v1/planner/pairings', {
      instance: { cores: [{ ...pt('A', 0), capacity: 1 }], members: [pt('x', 0.1), pt('y', 0.2)] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'infeasible',
      provenOptimal: false,
      assignments: [],
      infeasibility: { code: 'capacity_short', shortBy: 1 },
    });
    expect(res.json().infeasibility.relax.length).toBeGreaterThan(0);
  });

  it.each([
    [
      'negative capacity',
      { instance: { cores: [{ ...pt('A', 0), capacity: -1 }], members: [pt('x', 0.1)] } },
      'body.instance.cores.0.capacity',
      '容量不能为负数',
    ],
    [
      'absurd coordinates',
      { instance: { cores: [{ ...pt('A', 0), capacity: 1, latitude: 95 }], members: [pt('x', 0.1)] } },
      'body.instance.cores.0.latitude',
      '纬度',
    ],
    [
      'both region and instance',
      { region: HAINING, instance: { cores: [{ ...pt('A', 0), capacity: 1 }], members: [pt('x', 0.1)] } },
      'body.region',
      '二选一',
    ],
  ])('400 for %s, naming the field', async (_name, body, field, zh) => {
    const res = await admin.post('/api/v1/planner/pairings', body);
    expect(res.statusCode).toBe(400);
    const detail = res.json().details.find((d: { field: string }) => d.field === field);
    expect(detail?.message).toContain(zh);
  });

  it('422 for a travel matrix with missing cells and for unknown lock references', async () => {
    const res = await admin.post('/api/v1/planner/pairings', {
      instance: {
        cores: [{ ...pt('A', 0), capacity: 2 }],
        members: [pt('x', 0.1), pt('y', 0.2)],
        travelMatrix: { memberIds: ['x', 'y'], coreIds: ['A'], minutes: [[5], [null]] },
      },
      settings: { locks: [{ memberId: 'nobody', coreId: 'A' }] },
    });
    expect(res.statusCode).toBe(422);
    const fields = res.json().details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['body.instance.travelMatrix.minutes', 'body.settings.locks.0.memberId']),
    );
  });

  it('another county, a school or a community lead cannot plan Haining', async () => {
    expect((await clients.tongxiang!.post('/api/v1/planner/pairings', { region: HAINING })).statusCode).toBe(403);
    expect((await clients.principal!.post('/api/v1/planner/pairings', { region: HAINING })).statusCode).toBe(403);
    expect(
      (
        await clients.lead!.post('/api/v1/planner/pairings', {
          instance: { cores: [{ ...pt('A', 0), capacity: 1 }], members: [pt('x', 0.1)] },
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe('saved pairing plans: lock, forbid, capacity, re-plan, accept', () => {
  let planId: number;
  it('creates a plan, re-plans with a lock and a capacity edit, and keeps it within scope', async () => {
    const res = await clients.haining!.post('/api/v1/planner/plans', {
      kind: 'pairing',
      name: '2027 结对方案',
      regionCode: HAINING,
      settings: { defaultCapacity: 1, changePenalty: 0 },
    });
    expect(res.statusCode).toBe(201);
    planId = res.json().id;
    expect(res.json()).toMatchObject({ status: 'draft', kind: 'pairing', result: { status: 'optimal' } });

    // lock m1 to coreB and give coreB room for two: both villages end up with coreB
    const patched = await clients.haining!.patch(`/api/v1/planner/plans/${planId}`, {
      settings: {
        locks: [{ memberId: String(ids.m1), coreId: String(ids.coreB) }],
        capacities: { [String(ids.coreB)]: 2 },
        forbidden: [{ memberId: String(ids.m2), coreId: String(ids.coreA) }],
      },
    });
    expect(patched.statusCode).toBe(200);
    const pairs = Object.fromEntries(
      patched
        .json()
        .result.assignments.map((a: { memberId: string; coreId: string; locked: boolean }) => [
          a.memberId,
          [a.coreId, a.locked],
        ]),
    );
    expect(pairs).toEqual({
      [String(ids.m1)]: [String(ids.coreB), true],
      [String(ids.m2)]: [String(ids.coreB), false],
    });

    const bad = await clients.haining!.patch(`/api/v1/planner/plans/${planId}`, { settings: { defaultCapacity: -3 } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details[0].field).toBe('body.settings.defaultCapacity');

    expect((await clients.viewer!.get(`/api/v1/planner/plans/${planId}`)).statusCode).toBe(200);
    expect((await clients.viewer!.patch(`/api/v1/planner/plans/${planId}`, { settings: {} })).statusCode).toBe(403);
    expect((await clients.tongxiang!.get(`/api/v1/planner/plans/${planId}`)).statusCode).toBe(403);
    expect((await clients.principal!.get(`/api/v1/planner/plans/${planId}`)).statusCode).toBe(403);
    expect((await clients.tongxiang!.get('/api/v1/planner/plans')).json().total).toBe(0);
    expect((await clients.haining!.get('/api/v1/planner/plans?kind=pairing')).json().items[0]).toMatchObject({
      id: planId,
      provenOptimal: true,
    });
  });

  it('accepting creates the community in the registry, moves the members with dates, and audits', async () => {
    const res = await clients.haining!.post(`/api/v1/planner/plans/${planId}/accept`, { effectiveDate: '2027-02-01' });
    expect(res.statusCode).toBe(200);
    const plan = res.json();
    expect(plan).toMatchObject({ status: 'accepted', effectiveDate: '2027-02-01' });
    expect(plan.createdCommunityIds).toHaveLength(1);

    const community = (await admin.get(`/api/v1/communities/${plan.createdCommunityIds[0]}`)).json();
    expect(community).toMatchObject({ foundedOn: '2027-02-01', model: 'one_plus_x' });
    const roles = community.memberships
      .map((m: { schoolId: number; role: string; startDate: string }) => [m.schoolId, m.role, m.startDate])
      .sort();
    expect(roles).toEqual(
      [
        [ids.coreB, 'core', '2027-02-01'],
        [ids.m1, 'member', '2027-02-01'],
        [ids.m2, 'member', '2027-02-01'],
      ].sort(),
    );

    const old = (await admin.get(`/api/v1/communities/${ids.c1}/memberships`)).json();
    for (const m of old.filter((x: { role: string }) => x.role === 'member')) expect(m.endDate).toBe('2027-01-31');

    const audit = (await admin.get('/api/v1/audit-log?pageSize=100')).json();
    const actions = audit.items.map((a: { entity: string; action: string }) => `${a.entity}:${a.action}`);
    expect(actions).toEqual(
      expect.arrayContaining(['planner_plan:accept', 'planner_plan:replan', 'community:create', 'membership:end']),
    );

    expect((await clients.haining!.patch(`/api/v1/planner/plans/${planId}`, { settings: {} })).statusCode).toBe(409);
    expect(
      (await clients.haining!.post(`/api/v1/planner/plans/${planId}/accept`, { effectiveDate: '2027-02-01' }))
        .statusCode,
    ).toBe(409);
  });
});

describe('exchange plans', () => {
  it('matches shortages to spare specialists and records the accepted exchanges', async () => {
    const solved = await clients.haining!.post('/api/v1/planner/exchanges', {
      region: HAINING,
      settings: { subjects: ['english'] },
    });
    expect(solved.statusCode).toBe(200);
    const r = solved.json();
    expect(r.shortages.map((s: { schoolId: number; reason: string }) => [s.schoolId, s.reason]).sort()).toEqual(
      [
        [ids.m1, 'non_specialist'],
        [ids.m2, 'no_teacher'],
      ].sort(),
    );
    expect(r.assignments.every((a: { supplierSchoolId: number }) => a.supplierSchoolId === ids.coreA)).toBe(true);
    expect(r.totals.matchedSlots).toBe(4); // 2 spare teachers × 2 days cover both villages' 2 days

    const created = await clients.haining!.post('/api/v1/planner/plans', {
      kind: 'exchange',
      name: '2027 春季走教',
      regionCode: HAINING,
      settings: { subjects: ['english'] },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect(
      (await clients.haining!.post(`/api/v1/planner/plans/${id}/accept`, { effectiveDate: '2027-02-20' })).statusCode,
    ).toBe(200);
    const planned = (await clients.viewer!.get(`/api/v1/planner/plans/${id}/exchanges`)).json();
    expect(planned.length).toBe(r.assignments.length);
    expect(planned[0]).toMatchObject({
      fromSchoolId: ids.coreA,
      subject: 'english',
      kind: 'itinerant',
      startDate: '2027-02-20',
      status: 'planned',
    });
    expect(planned[0].teacherName).not.toBeNull();
  });
});

describe('accepting an exchange plan fills the exchange register', () => {
  const newPlan = async (name: string) => {
    const res = await clients.haining!.post('/api/v1/planner/plans', {
      kind: 'exchange',
      name,
      regionCode: HAINING,
      settings: { subjects: ['english'] },
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: number; result: { assignments: { suggestedTeacherId: number; schoolId: number }[] } };
  };
  const registerOf = async (teacherId: number) =>
    (await clients.haining!.get(`/api/v1/exchange/assignments?teacherId=${teacherId}&pageSize=50`)).json().items as {
      id: number;
      kind: string;
      workload: string;
      startDate: string;
      endDate: string;
      toSchoolId: number;
      note: string | null;
    }[];

  it('refuses the whole plan when one row breaks an exchange rule, naming that row', async () => {
    const plan = await newPlan('2027 秋季支教（冲突）');
    const rows = plan.result.assignments;
    expect(rows.length).toBe(2);
    const busy = rows[1]!.suggestedTeacherId;
    // the second row's teacher already has a full-time posting over the same term
    const posted = await clients.haining!.post('/api/v1/exchange/assignments', {
      teacherId: busy,
      kind: 'rotation',
      toSchoolId: ids.coreB,
      startDate: '2027-09-01',
      endDate: '2028-01-31',
      workload: 'full_time',
    });
    expect(posted.statusCode).toBe(201);
    const before = await registerOf(rows[0]!.suggestedTeacherId);
    const res = await clients.haining!.post(`/api/v1/planner/plans/${plan.id}/accept`, {
      effectiveDate: '2027-09-01',
      exchange: { kind: 'support_teaching', workload: 'full_time', endDate: '2028-01-31' },
    });
    expect(res.statusCode).toBe(409);
    const details = res.json().details as { field: string; code: string; message: string }[];
    expect(details.map((d) => [d.field, d.code])).toEqual([['body.rows.1', 'overlap']]);
    expect(details[0]!.message).toContain('第 2 行');
    // all or nothing: the first row was not posted and the plan stays a draft
    expect(await registerOf(rows[0]!.suggestedTeacherId)).toEqual(before);
    expect((await clients.haining!.get(`/api/v1/planner/plans/${plan.id}`)).json().status).toBe('draft');
  });

  it('posts each row as the kind, term and workload chosen in the accept dialog (per plan and per row)', async () => {
    const plan = await newPlan('2028 秋季送教与跟岗');
    const rows = plan.result.assignments;
    expect(rows.length).toBe(2);
    const res = await clients.haining!.post(`/api/v1/planner/plans/${plan.id}/accept`, {
      effectiveDate: '2028-09-04',
      exchange: {
        term: '2028-2029-1',
        kind: 'send_lesson',
        rows: [{ index: 1, kind: 'shadowing', workload: 'full_time' }],
      },
    });
    expect(res.statusCode).toBe(200);
    const planned = (await clients.viewer!.get(`/api/v1/planner/plans/${plan.id}/exchanges`)).json() as {
      teacherId: number;
      kind: string;
      exchangeAssignmentId: number;
    }[];
    expect(planned.map((p) => p.kind).sort()).toEqual(['send_lesson', 'shadowing']);
    const byRow = rows.map((r) => planned.find((p) => p.teacherId === r.suggestedTeacherId)!);
    const first = (await registerOf(rows[0]!.suggestedTeacherId)).find((a) => a.id === byRow[0]!.exchangeAssignmentId);
    const second = (await registerOf(rows[1]!.suggestedTeacherId)).find((a) => a.id === byRow[1]!.exchangeAssignmentId);
    // the term's last day is the end date; 送教 is part-time by default, the row's override wins
    expect(first).toMatchObject({
      kind: 'send_lesson',
      workload: 'part_time',
      startDate: '2028-09-04',
      endDate: '2029-01-31',
    });
    expect(second).toMatchObject({ kind: 'shadowing', workload: 'full_time', endDate: '2029-01-31' });
  });

  it('refuses a conflicting row with the teacher named and the reason, in Chinese and English', async () => {
    const plan = await newPlan('2029 春季轮岗（冲突）');
    const rows = plan.result.assignments;
    const busy = rows[0]!;
    const posted = await clients.haining!.post('/api/v1/exchange/assignments', {
      teacherId: busy.suggestedTeacherId,
      kind: 'support_teaching',
      toSchoolId: ids.coreB,
      startDate: '2029-02-01',
      endDate: '2029-07-31',
      workload: 'full_time',
    });
    expect(posted.statusCode).toBe(201);
    const res = await clients.haining!.post(`/api/v1/planner/plans/${plan.id}/accept`, {
      effectiveDate: '2029-02-01',
      exchange: { term: '2028-2029-2', kind: 'rotation', workload: 'full_time' },
    });
    expect(res.statusCode).toBe(409);
    const details = res.json().details as { field: string; code: string; message: string; messageEn: string }[];
    expect(details.map((d) => [d.field, d.code])).toEqual([['body.rows.0', 'overlap']]);
    const name = (plan.result.assignments[0] as { suggestedTeacherName?: string }).suggestedTeacherName!;
    expect(details[0]!.message).toContain(name);
    expect(details[0]!.message).toContain('已有全职支教');
    expect(details[0]!.messageEn).toContain('already has a full-time');
    expect((await clients.haining!.get(`/api/v1/planner/plans/${plan.id}`)).json().status).toBe('draft');
  });

  it('refuses a start date outside the chosen term, an unknown term and a row the plan does not have', async () => {
    const plan = await newPlan('2029 秋季（日期不在学期内）');
    const outside = await clients.haining!.post(`/api/v1/planner/plans/${plan.id}/accept`, {
      effectiveDate: '2029-08-20',
      exchange: { term: '2029-2030-1' },
    });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().details[0]).toMatchObject({ field: 'body.effectiveDate', code: 'outside_term' });
    expect(outside.json().details[0].message).toContain('2029–2030 学年第一学期');
    const badTerm = await clients.haining!.post(`/api/v1/planner/plans/${plan.id}/accept`, {
      effectiveDate: '2029-09-01',
      exchange: { term: '2029-秋' },
    });
    expect(badTerm.statusCode).toBe(400);
    const badRow = await clients.haining!.post(`/api/v1/planner/plans/${plan.id}/accept`, {
      effectiveDate: '2029-09-01',
      exchange: { rows: [{ index: 9, kind: 'rotation' }] },
    });
    expect(badRow.statusCode).toBe(422);
    expect(badRow.json().details[0]).toMatchObject({ code: 'unknown_row' });
  });

  it('posts one assignment per row with the kind, term and workload chosen, linked to the plan', async () => {
    const plan = await newPlan('2028 春季走教');
    const rows = plan.result.assignments;
    const res = await clients.haining!.post(`/api/v1/planner/plans/${plan.id}/accept`, {
      effectiveDate: '2028-03-01',
    });
    expect(res.statusCode).toBe(200);
    const planned = (await clients.viewer!.get(`/api/v1/planner/plans/${plan.id}/exchanges`)).json() as {
      teacherId: number;
      exchangeAssignmentId: number | null;
    }[];
    expect(planned.length).toBe(rows.length);
    for (const p of planned) {
      expect(p.exchangeAssignmentId).not.toBeNull();
      const posted = (await registerOf(p.teacherId)).find((a) => a.id === p.exchangeAssignmentId);
      // defaults from the plan: itinerant, part-time, to the end of the spring term
      expect(posted).toMatchObject({
        kind: 'itinerant',
        workload: 'part_time',
        startDate: '2028-03-01',
        endDate: '2028-07-31',
      });
      expect(posted!.note).toContain(`#${plan.id}`);
    }
    const audited = await t.ctx.db
      .selectFrom('audit_log')
      .select('entity_id')
      .where('entity', '=', 'exchange_assignment')
      .where('action', '=', 'create')
      .execute();
    expect(audited.map((a) => Number(a.entity_id))).toEqual(
      expect.arrayContaining(planned.map((p) => p.exchangeAssignmentId)),
    );
  });
});
