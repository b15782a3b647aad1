import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import {
  buildCommunity,
  buildSchool,
  buildTeacher,
  buildUser,
  HAINING,
  USER_PASSWORD,
  YUNHE,
} from '../../test/factories.js';
import { directionOf } from './exchange.rules.js';

let t: TestApp;
let admin: Client;
let leadA: Client;
let leadB: Client;
let principalR: Client;
const s = {} as Record<'U' | 'R' | 'T' | 'X', number>;
const tc = {} as Record<'english' | 'rural' | 'urban2' | 'town', number>;
let communityA = 0;

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAdmin(t.app);
  const db = t.ctx.db;
  s.U = (await buildSchool(db, { name: '海宁市城区实验小学', location_class: 'urban' })).id;
  s.R = (await buildSchool(db, { name: '海宁市黄湾乡村小学', location_class: 'rural', quality_tier: 'weak' })).id;
  s.T = (await buildSchool(db, { name: '海宁市某镇中心小学', location_class: 'town' })).id;
  s.X = (await buildSchool(db, { name: '海宁市另一小学', location_class: 'rural' })).id;
  communityA = (
    await buildCommunity(db, [
      { schoolId: s.U, role: 'core' },
      { schoolId: s.R, role: 'member' },
    ])
  ).id;
  const communityB = (
    await buildCommunity(db, [
      { schoolId: s.T, role: 'core' },
      { schoolId: s.X, role: 'member' },
    ])
  ).id;
  tc.english = (
    await buildTeacher(db, s.U, {
      name: '英语走教老师',
      gender: 'M',
      birth_year: 1980,
      subjects: ['english'],
      major_subject: 'english',
      honours: ['famous_city'],
    })
  ).id;
  tc.rural = (await buildTeacher(db, s.R, { name: '乡村跟岗老师', gender: 'F', birth_year: 1990 })).id;
  tc.urban2 = (
    await buildTeacher(db, s.U, { name: '支教老师', gender: 'F', birth_year: 1985, honours: ['backbone_county'] })
  ).id;
  tc.town = (await buildTeacher(db, s.T, { name: '镇区老师' })).id;
  const users = {
    leadA: await buildUser(db, 'community_lead', { kind: 'community', id: communityA }),
    leadB: await buildUser(db, 'community_lead', { kind: 'community', id: communityB }),
    principalR: await buildUser(db, 'school_admin', { kind: 'school', id: s.R }),
  };
  leadA = await login(t.app, users.leadA.username, USER_PASSWORD);
  leadB = await login(t.app, users.leadB.username, USER_PASSWORD);
  principalR = await login(t.app, users.principalR.username, USER_PASSWORD);
});
afterAll(async () => {
  await t.close();
});

const count = async () =>
  Number(
    (
      await t.ctx.db
        .selectFrom('exchange_assignments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const itinerant = (o: Record<string, unknown> = {}) => ({
  teacherId: tc.english,
  kind: 'itinerant',
  toSchoolId: s.R,
  startDate: '2025-09-01',
  endDate: '2026-01-16',
  workload: 'part_time',
  partTimeFraction: 0.2,
  status: 'active',
  slots: [{ weekday: 5, startTime: '13:30', endTime: '15:00', subject: 'english', className: '四(1)班' }],
  ...o,
});

describe('exchange assignments', () => {
  let itinerantId = 0;
  it('plans an itinerant assignment with a weekly timetable and computes its hours', async () => {
    const res = await admin.post('/api/v1/exchange/assignments', itinerant());
    expect(res.statusCode).toBe(201);
    const a = res.json();
    itinerantId = a.id;
    // 20 Fridays in 1 Sep 2025 – 16 Jan 2026, 1.5 h each
    expect(a).toMatchObject({
      kind: 'itinerant',
      fromSchoolId: s.U,
      toSchoolId: s.R,
      computedHours: 30,
      hours: 30,
      direction: 'to_rural',
      honourLevel: 'master',
    });
    expect(a.slots).toHaveLength(1);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'exchange_assignment')
      .where('entity_id', '=', String(a.id))
      .execute();
    expect(audit.map((x) => x.action)).toEqual(['create']);
  });

  it('refuses itinerant slots that clash with the home timetable or leave school hours, writing nothing', async () => {
    const entry = await admin.post('/api/v1/exchange/timetable-entries', {
      teacherId: tc.english,
      weekday: 2,
      startTime: '08:00',
      endTime: '08:40',
      subject: 'english',
      className: '五(2)班',
    });
    expect(entry.statusCode).toBe(201);
    const before = await count();
    const clash = await admin.post(
      '/api/v1/exchange/assignments',
      itinerant({
        startDate: '2026-02-23',
        endDate: '2026-07-03',
        slots: [{ weekday: 2, startTime: '08:20', endTime: '09:00' }],
      }),
    );
    expect(clash.statusCode).toBe(409);
    expect(clash.json().details[0]).toMatchObject({ field: 'body.slots.0.startTime', code: 'home_clash' });
    expect(clash.json().details[0].message).toContain('冲突');
    expect(clash.json().details[0].messageEn).toContain('clashes');
    const early = await admin.post(
      '/api/v1/exchange/assignments',
      itinerant({
        startDate: '2026-02-23',
        endDate: '2026-07-03',
        slots: [{ weekday: 3, startTime: '06:30', endTime: '07:10' }],
      }),
    );
    expect(early.statusCode).toBe(422);
    expect(early.json().details[0]).toMatchObject({ code: 'outside_hours' });
    const none = await admin.post('/api/v1/exchange/assignments', itinerant({ slots: [] }));
    expect(none.statusCode).toBe(422);
    expect(await count()).toBe(before);
  });

  it('refuses end before start, the same school at both ends, and a teacher of another scope', async () => {
    const before = await count();
    const dates = await admin.post(
      '/api/v1/exchange/assignments',
      itinerant({ startDate: '2026-03-01', endDate: '2026-02-01' }),
    );
    expect(dates.statusCode).toBe(422);
    expect(dates.json().details.map((d: { field: string }) => d.field)).toContain('body.endDate');
    const same = await admin.post('/api/v1/exchange/assignments', itinerant({ toSchoolId: s.U }));
    expect(same.statusCode).toBe(422);
    expect(same.json().details[0]).toMatchObject({ field: 'body.toSchoolId', code: 'same_school' });
    const foreign = await leadB.post('/api/v1/exchange/assignments', itinerant({ toSchoolId: s.X }));
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().details[0]).toMatchObject({ field: 'body.teacherId', code: 'out_of_scope' });
    const shape = await admin.post('/api/v1/exchange/assignments', { teacherId: 'x', kind: 'holiday' });
    expect(shape.statusCode).toBe(400);
    expect(await count()).toBe(before);
  });

  it('keeps a teacher out of two full-time postings at once, but allows part-time alongside', async () => {
    const first = await leadA.post('/api/v1/exchange/assignments', {
      teacherId: tc.urban2,
      kind: 'support_teaching',
      toSchoolId: s.R,
      startDate: '2025-09-01',
      endDate: '2026-07-10',
      status: 'active',
      allowanceYuan: 12000,
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ workload: 'full_time', computedHours: 1800 }); // 225 school days × 8 h
    const before = await count();
    const overlap = await leadA.post('/api/v1/exchange/assignments', {
      teacherId: tc.urban2,
      kind: 'rotation',
      toSchoolId: s.R,
      startDate: '2026-07-01',
      endDate: '2027-01-31',
      status: 'planned',
    });
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json().message).toContain('2025-09-01');
    expect(await count()).toBe(before);
    const part = await leadA.post('/api/v1/exchange/assignments', {
      teacherId: tc.urban2,
      kind: 'rotation',
      toSchoolId: s.R,
      startDate: '2026-03-02',
      endDate: '2026-03-06',
      workload: 'part_time',
      partTimeFraction: 0.5,
      status: 'completed',
    });
    expect(part.statusCode).toBe(201);
    expect(part.json().computedHours).toBe(20); // 5 school days × 8 h × 0.5
  });

  it('overrides hours only with a reason', async () => {
    const noReason = await admin.patch(`/api/v1/exchange/assignments/${itinerantId}`, { hoursOverride: 28 });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json().details[0].field).toBe('body.overrideReason');
    const ok = await admin.patch(`/api/v1/exchange/assignments/${itinerantId}`, {
      hoursOverride: 28,
      overrideReason: '国庆假期停课一次',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ computedHours: 30, hoursOverride: 28, hours: 28 });
  });

  it('adds up send-lesson sessions', async () => {
    const a = (
      await admin.post('/api/v1/exchange/assignments', {
        teacherId: tc.english,
        kind: 'send_lesson',
        toSchoolId: s.R,
        startDate: '2025-10-01',
        endDate: '2025-12-31',
        workload: 'part_time',
        partTimeFraction: 0.1,
        status: 'active',
      })
    ).json();
    expect(a.computedHours).toBe(0);
    await admin.post(`/api/v1/exchange/assignments/${a.id}/sessions`, {
      heldOn: '2025-10-15',
      hours: 2,
      topic: 'Unit 3 示范课',
    });
    const two = await principalR.post(`/api/v1/exchange/assignments/${a.id}/sessions`, {
      heldOn: '2025-11-12',
      hours: 1.5,
    });
    expect(two.statusCode).toBe(201);
    expect(two.json()).toMatchObject({ computedHours: 3.5, hours: 3.5 });
    const outside = await admin.post(`/api/v1/exchange/assignments/${a.id}/sessions`, {
      heldOn: '2026-01-05',
      hours: 1,
    });
    expect(outside.statusCode).toBe(422);
    const wrongKind = await admin.post(`/api/v1/exchange/assignments/${itinerantId}/sessions`, {
      heldOn: '2025-10-15',
      hours: 1,
    });
    expect(wrongKind.statusCode).toBe(422);
  });

  it('scopes reads and writes: another community sees and changes nothing', async () => {
    expect((await leadB.get(`/api/v1/exchange/assignments/${itinerantId}`)).statusCode).toBe(403);
    expect((await leadB.get('/api/v1/exchange/assignments')).json().total).toBe(0);
    expect((await leadB.patch(`/api/v1/exchange/assignments/${itinerantId}`, { note: 'x' })).statusCode).toBe(403);
    expect((await leadB.get(`/api/v1/exchange/teachers/${tc.english}/history`)).statusCode).toBe(403);
    expect((await leadA.get('/api/v1/exchange/assignments')).json().total).toBeGreaterThanOrEqual(4);
    // the receiving school's principal reads the postings to it, but cannot plan them
    expect((await principalR.get(`/api/v1/exchange/assignments/${itinerantId}`)).statusCode).toBe(200);
    expect((await principalR.patch(`/api/v1/exchange/assignments/${itinerantId}`, { note: 'x' })).statusCode).toBe(403);
  });

  it('evaluates only after the end and deletes only what has not started', async () => {
    const planned = (
      await admin.post('/api/v1/exchange/assignments', {
        teacherId: tc.rural,
        kind: 'shadowing',
        toSchoolId: s.U,
        startDate: '2027-03-01',
        endDate: '2027-03-31',
        status: 'planned',
      })
    ).json();
    expect(planned.direction).toBe('to_urban');
    expect(
      (await admin.post(`/api/v1/exchange/assignments/${planned.id}/evaluation`, { grade: 'good' })).statusCode,
    ).toBe(409);
    expect((await admin.delete(`/api/v1/exchange/assignments/${itinerantId}`)).statusCode).toBe(409);
    expect((await admin.delete(`/api/v1/exchange/assignments/${planned.id}`)).statusCode).toBe(204);
    const ev = await principalR.post(`/api/v1/exchange/assignments/${itinerantId}/evaluation`, {
      grade: 'excellent',
      comment: '学生英语口语明显进步',
      evaluatedOn: '2026-01-20',
    });
    expect(ev.statusCode).toBe(200);
    expect(ev.json()).toMatchObject({ evaluationGrade: 'excellent', evaluatedAt: '2026-01-20' });
  });
});

describe('totals, history and the provincial report', () => {
  it('finds assignments by a substring of the teacher name, totals included', async () => {
    const list = (await admin.get('/api/v1/exchange/assignments?status=active,completed&pageSize=500')).json();
    const name: string = list.items[0].teacherName;
    const term = [...name].slice(-2).join('');
    const found = (
      await admin.get(
        `/api/v1/exchange/assignments?status=active,completed&pageSize=500&search=${encodeURIComponent(term)}`,
      )
    ).json();
    const expected = list.items.filter((a: { teacherName: string }) => a.teacherName.includes(term));
    expect(found.items.map((a: { id: number }) => a.id)).toEqual(expected.map((a: { id: number }) => a.id));
    expect(found.total).toBe(expected.length);
  });

  it('totals by every dimension agree with the register', async () => {
    const list = (await admin.get('/api/v1/exchange/assignments?status=active,completed&pageSize=500')).json();
    const hours = list.items.reduce((sum: number, a: { hours: number }) => sum + a.hours, 0);
    for (const by of ['teacher', 'school', 'community', 'region', 'year', 'kind', 'direction', 'honour']) {
      const res = await admin.get(`/api/v1/exchange/totals?by=${by}`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.total.hours).toBeCloseTo(hours, 2);
      expect(body.total.personTimes).toBe(list.total);
      expect(body.rows.reduce((n: number, r: { personTimes: number }) => n + r.personTimes, 0)).toBe(list.total);
    }
    // SQL direction = the TypeScript rule
    const byDirection = (await admin.get('/api/v1/exchange/totals?by=direction')).json();
    for (const r of byDirection.rows) {
      const expected = list.items.filter(
        (a: { fromLocationClass: string; toLocationClass: string }) =>
          directionOf(a.fromLocationClass, a.toLocationClass) === r.key,
      ).length;
      expect(r.personTimes).toBe(expected);
    }
    const byCommunity = (await admin.get('/api/v1/exchange/totals?by=community')).json();
    expect(byCommunity.rows[0].key).toBe(String(communityA));
    const byYear = (await admin.get('/api/v1/exchange/totals?by=year')).json();
    expect(byYear.rows.map((r: { key: string }) => r.key)).toEqual(['2025']);
    // one teacher's people count once however many assignments
    const byTeacher = (await admin.get(`/api/v1/exchange/totals?by=kind&teacherId=${tc.urban2}`)).json();
    expect(byTeacher.total).toEqual({ people: 1, personTimes: 2, hours: 1800 + 20 });
  });

  it('shows a teacher’s history with the promotion credit', async () => {
    const h = (await leadA.get(`/api/v1/exchange/teachers/${tc.urban2}/history`)).json();
    expect(h.assignments).toHaveLength(2);
    expect(h.credit).toEqual({ months: 0, requiredMonths: 12, meets: false }); // the year is still active
    const english = (await admin.get(`/api/v1/exchange/teachers/${tc.english}/history`)).json();
    expect(english.timetable).toHaveLength(1);
  });

  it('exports the register and a summary sheet', async () => {
    const res = await admin.get('/api/v1/exchange/report.xlsx');
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const [register, summary] = wb.worksheets;
    expect(register!.name).toBe('交流名册');
    const total = (await admin.get('/api/v1/exchange/assignments?status=active,completed')).json().total;
    expect(register!.actualRowCount).toBe(total + 1);
    expect(register!.getRow(1).getCell(5).value).toBe('交流形式');
    expect(summary!.name).toBe('汇总');
    const labels = summary!.getColumn(1).values.filter(Boolean);
    expect(labels).toEqual(
      expect.arrayContaining(['按交流形式', '走教', '支教', '按流向', '城→乡', '按荣誉层级', '名师/学科带头人']),
    );
  });
});

describe('cycle rules and the due list', () => {
  it('lists who must shadow under a rule with gender-specific age limits', async () => {
    const db = t.ctx.db;
    const urban = (await buildSchool(db, { region_code: YUNHE, name: '云和县城区小学', location_class: 'urban' })).id;
    const rural = (await buildSchool(db, { region_code: YUNHE, name: '云和县乡村小学', location_class: 'rural' })).id;
    const mk = (name: string, gender: string, birth_year: number, school = rural) =>
      buildTeacher(db, school, { name, gender, birth_year });
    const m49 = await mk('男49', 'M', 1977);
    await mk('男50', 'M', 1976);
    const f44 = await mk('女44', 'F', 1982);
    await mk('女45', 'F', 1981);
    await mk('女47', 'F', 1979);
    const m47 = await mk('男47', 'M', 1979);
    await mk('城区男30', 'M', 1996, urban);
    const rule = await admin.post('/api/v1/exchange/rules', {
      regionCode: YUNHE,
      name: '农村教师三年一轮跟岗',
      kinds: ['shadowing'],
      cycleYears: 3,
      cycleStartYear: 2024,
      maleMaxAge: 50,
      femaleMaxAge: 45,
      locationClasses: ['rural', 'town'],
    });
    expect(rule.statusCode).toBe(201);
    const shadow = (teacherId: number, status: string, startDate: string, endDate: string) =>
      admin.post('/api/v1/exchange/assignments', {
        teacherId,
        kind: 'shadowing',
        toSchoolId: urban,
        startDate,
        endDate,
        status,
      });
    expect((await shadow(m49.id, 'completed', '2025-03-03', '2025-03-28')).statusCode).toBe(201);
    expect((await shadow(f44.id, 'planned', '2027-03-01', '2027-03-26')).statusCode).toBe(201);
    // m47 shadowed in the previous cycle only: due again
    expect((await shadow(m47.id, 'completed', '2023-03-06', '2023-03-31')).statusCode).toBe(201);

    const due = (await admin.get(`/api/v1/exchange/due?ruleId=${rule.json().id}&on=2026-11-23`)).json();
    expect(due.window).toEqual({ firstYear: 2024, lastYear: 2026, start: '2024-09-01', end: '2027-08-31' });
    expect(due.counts).toEqual({ due: 1, scheduled: 1, done: 1 });
    expect(due.items.map((i: { teacherName: string; state: string }) => `${i.teacherName}:${i.state}`)).toEqual([
      '男47:due',
      '女44:scheduled',
      '男49:done',
    ]);
    expect(due.items[0]).toMatchObject({ age: 47, neverMoved: false, lastExchangeDate: '2023-03-06' });
    const onlyDue = (await admin.get(`/api/v1/exchange/due?ruleId=${rule.json().id}&on=2026-11-23&state=due`)).json();
    expect(onlyDue.total).toBe(1);
    // a Haining community lead sees no Yunhe teachers and cannot change the rule
    expect((await leadA.get(`/api/v1/exchange/due?ruleId=${rule.json().id}`)).statusCode).toBe(403);
    expect((await leadA.patch(`/api/v1/exchange/rules/${rule.json().id}`, { cycleYears: 2 })).statusCode).toBe(403);
  });

  it('settings are configurable per region and inherited down the hierarchy', async () => {
    const bad = await admin.post(`/api/v1/exchange/settings/330400`, {
      dayHours: 6,
      schoolDayStart: '08:00',
      schoolDayEnd: '07:00',
      observationsPerMonth: 2,
      structureFloor: 0.15,
      promotionMonths: 12,
    });
    expect(bad.statusCode).toBe(400);
    const ok = await admin.post(`/api/v1/exchange/settings/330400`, {
      dayHours: 6,
      schoolDayStart: '08:00',
      schoolDayEnd: '17:00',
      observationsPerMonth: 2,
      structureFloor: 0.15,
      promotionMonths: 12,
    });
    expect(ok.statusCode).toBe(200);
    expect((await admin.get(`/api/v1/exchange/settings/${HAINING}`)).json()).toMatchObject({
      appliesFrom: '330400',
      dayHours: 6,
    });
    expect((await leadA.post(`/api/v1/exchange/settings/${HAINING}`, ok.json())).statusCode).toBe(403);
    // a posting planned now counts 6-hour days: 5 days × 6 h
    const a = await admin.post('/api/v1/exchange/assignments', {
      teacherId: tc.town,
      kind: 'rotation',
      toSchoolId: s.X,
      startDate: '2026-11-23',
      endDate: '2026-11-27',
    });
    expect(a.json().computedHours).toBe(30);
  });
});
