import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { buildUser, USER_PASSWORD } from '../../test/factories.js';
import { pdfText } from '../../test/pdf-text.js';
import { buildAlliance, pdfBytes, photo, upload } from './activities.test-helpers.js';

let t: TestApp;
let admin: Client;
let lead: Client;
let otherLead: Client;
let ruralTeacher: Client;
let outsiderAdmin: Client;
let w: Awaited<ReturnType<typeof buildAlliance>>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAdmin(t.app);
  w = await buildAlliance(t.ctx.db);
  const u = async (
    role: Parameters<typeof buildUser>[1],
    scope: Parameters<typeof buildUser>[2],
    o: Parameters<typeof buildUser>[3] = {},
  ) => login(t.app, (await buildUser(t.ctx.db, role, scope, o)).username, USER_PASSWORD);
  lead = await u('community_lead', { kind: 'community', id: w.community.id });
  otherLead = await u('community_lead', { kind: 'community', id: w.otherCommunity.id });
  ruralTeacher = await u('teacher', { kind: 'school', id: w.m1.id }, { teacherId: w.ruralTeacher.id });
  outsiderAdmin = await u('school_admin', { kind: 'school', id: w.other.id });
});
afterAll(async () => {
  await t.close();
});

const syncBody = (o: Record<string, unknown> = {}, d: Record<string, unknown> = {}) => ({
  kind: 'sync_class',
  communityId: w.community.id,
  organizerSchoolId: w.core.id,
  title: '三年级数学同步课堂：两位数乘法',
  startsAt: '2025-10-14T09:00:00+08:00',
  endsAt: '2025-10-14T09:40:00+08:00',
  semester: '2025-2026-1',
  teacherCount: 3,
  details: {
    mode: 'sync',
    hostTeacherId: w.host.id,
    hostClass: '三(2)班',
    subject: 'math',
    grade: 3,
    durationMinutes: 40,
    meetingUrl: 'https://meeting.example.cn/123',
    receiving: [
      { schoolId: w.m1.id, className: '三(1)班', expectedStudents: 32 },
      { schoolId: w.m2.id, className: '三(1)班', expectedStudents: 41 },
    ],
    ...d,
  },
  ...o,
});

describe('logging activities', () => {
  let syncId: number;
  it('logs a sync class, counting the receiving classes as students and their schools as participants', async () => {
    const res = await admin.post('/api/v1/activities', syncBody());
    expect(res.statusCode).toBe(201);
    const a = res.json();
    syncId = a.id;
    expect(a).toMatchObject({
      kind: 'sync_class',
      semester: '2025-2026-1',
      studentCount: 73,
      organizerSchoolName: '海宁市实验小学',
      canEdit: true,
    });
    expect(a.schools.map((s: { id: number }) => s.id).sort()).toEqual([w.core.id, w.m1.id, w.m2.id].sort());
    const audit = await admin.get(`/api/v1/audit-log?entity=activity&entityId=${a.id}`);
    expect(audit.json().items[0]).toMatchObject({ action: 'create' });
  });

  it('refuses a double-booked host teacher or receiving class with 409, naming the other class', async () => {
    const teacher = await admin.post(
      '/api/v1/activities',
      syncBody(
        { startsAt: '2025-10-14T09:20:00+08:00', endsAt: '2025-10-14T10:00:00+08:00' },
        { hostClass: '三(3)班', receiving: [{ schoolId: w.m2.id, className: '四(1)班', expectedStudents: 30 }] },
      ),
    );
    expect(teacher.statusCode).toBe(409);
    expect(teacher.json().message).toContain(`#${syncId}`);
    const klass = await admin.post(
      '/api/v1/activities',
      syncBody(
        { startsAt: '2025-10-14T09:30:00+08:00', endsAt: '2025-10-14T10:10:00+08:00' },
        {
          hostTeacherId: w.host2.id,
          hostClass: '三(4)班',
          receiving: [{ schoolId: w.m1.id, className: '三（1）班', expectedStudents: 32 }],
        },
      ),
    );
    expect(klass.statusCode).toBe(409);
    expect(klass.json().details[0].field).toBe('body.details.receiving');
    const later = await admin.post(
      '/api/v1/activities',
      syncBody({ startsAt: '2025-10-14T09:40:00+08:00', endsAt: '2025-10-14T10:20:00+08:00' }),
    );
    expect(later.statusCode).toBe(201); // back to back is fine
  });

  it.each([
    [
      'a date outside the record’s semester',
      () => syncBody({ startsAt: '2026-02-10T09:00:00+08:00', endsAt: '2026-02-10T09:40:00+08:00' }),
      422,
      'body.startsAt',
    ],
    [
      'a date in the summer holiday',
      () =>
        syncBody({ semester: undefined, startsAt: '2026-08-10T09:00:00+08:00', endsAt: '2026-08-10T09:40:00+08:00' }),
      422,
      'body.startsAt',
    ],
    ['an end before the start', () => syncBody({ endsAt: '2025-10-14T08:00:00+08:00' }), 422, 'body.endsAt'],
    [
      'a receiving school outside the community',
      () => syncBody({}, { receiving: [{ schoolId: 0, className: 'x', expectedStudents: 3 }] }),
      400,
      'body.details.receiving.0.schoolId',
    ],
    [
      '5,000 students in one class',
      () => syncBody({}, { receiving: [{ schoolId: 1, className: '三(1)班', expectedStudents: 5000 }] }),
      400,
      'body.details.receiving.0.expectedStudents',
    ],
    ['a negative teacher count', () => syncBody({ teacherCount: -2 }), 400, 'body.teacherCount'],
    ['an unknown kind', () => ({ ...syncBody(), kind: 'party' }), 400, 'body.kind'],
  ] as const)('refuses %s', async (_name, body, status, field) => {
    const res = await admin.post('/api/v1/activities', body());
    expect(res.statusCode).toBe(status);
    expect(res.json().details.map((d: { field: string }) => d.field)).toContain(field);
    expect(res.json().message).toBeTruthy();
  });

  it('names a receiving school that is not a member', async () => {
    const res = await admin.post(
      '/api/v1/activities',
      syncBody({}, { receiving: [{ schoolId: w.other.id, className: '三(1)班', expectedStudents: 30 }] }),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json().details[0]).toMatchObject({ field: 'body.details.receiving.0.schoolId', code: 'not_member' });
    expect(res.json().details[0].message).toContain('外共同体小学');
  });

  it('logs observations, joint preparations and lectures with their typed details', async () => {
    const obs = await lead.post('/api/v1/activities', {
      kind: 'observation',
      communityId: w.community.id,
      organizerSchoolId: w.m1.id,
      title: '听评课：圆的面积',
      startsAt: '2025-11-05T10:00:00+08:00',
      endsAt: '2025-11-05T10:40:00+08:00',
      teacherCount: 2,
      details: {
        observerTeacherId: w.host.id,
        observedTeacherId: w.ruralTeacher.id,
        subject: 'math',
        grade: 6,
        lessonTitle: '圆的面积',
        rubric: { objectives: 4, content: 4, method: 3, interaction: 4, effect: 4 },
        feedback: '目标明确，练习层次清楚，可加强学生表达。',
      },
    });
    expect(obs.statusCode).toBe(201);
    expect(obs.json().semester).toBe('2025-2026-1');
    const prep = await lead.post('/api/v1/activities', {
      kind: 'joint_prep',
      communityId: w.community.id,
      organizerSchoolId: w.core.id,
      participantSchoolIds: [w.m1.id],
      title: '三年级数学集体备课',
      startsAt: '2025-09-20T14:00:00+08:00',
      endsAt: '2025-09-20T16:00:00+08:00',
      teacherCount: 8,
      details: { grade: 3, subject: 'math', unit: '第二单元' },
    });
    expect(prep.statusCode).toBe(201);
    const lecture = await lead.post('/api/v1/activities', {
      kind: 'lecture',
      communityId: w.community.id,
      organizerSchoolId: w.m1.id,
      title: '作业设计讲座',
      startsAt: '2025-10-09T14:00:00+08:00',
      endsAt: '2025-10-09T15:30:00+08:00',
      teacherCount: 25,
      details: { speaker: '王芳', topic: '双减背景下的作业设计', audience: '成员校全体教师' },
    });
    expect(lecture.statusCode).toBe(201);
    const badTeacher = await lead.post('/api/v1/activities', {
      kind: 'demo_lesson',
      communityId: w.community.id,
      organizerSchoolId: w.core.id,
      title: '送教',
      startsAt: '2025-10-09T09:00:00+08:00',
      endsAt: '2025-10-09T09:40:00+08:00',
      teacherCount: 5,
      details: { type: 'send_lesson', teacherId: w.outsider.id, subject: 'english', grade: 5, lessonTitle: 'Unit 3' },
    });
    expect(badTeacher.statusCode).toBe(422);
    expect(badTeacher.json().details[0].field).toBe('body.details.teacherId');
  });

  it('takes attendance and the recording after the class; refuses classes that were not booked', async () => {
    const bad = await admin.post(`/api/v1/activities/${syncId}/sync-result`, {
      attendance: [{ schoolId: w.m1.id, className: '五(9)班', attended: 30 }],
    });
    expect(bad.statusCode).toBe(422);
    const res = await ruralTeacher.post(`/api/v1/activities/${syncId}/sync-result`, {
      attendance: [
        { schoolId: w.m1.id, className: '三（1）班', attended: 31 },
        { schoolId: w.m2.id, className: '三(1)班', attended: 40 },
      ],
      recordingUrl: 'https://video.example.cn/rec/1',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ studentCount: 71, details: { recordingUrl: 'https://video.example.cn/rec/1' } });
  });
});

describe('scope', () => {
  let adminActivity: number;
  beforeAll(async () => {
    adminActivity = (
      await admin.post('/api/v1/activities', {
        kind: 'culture',
        communityId: w.community.id,
        organizerSchoolId: w.core.id,
        title: '主题党日',
        startsAt: '2025-12-01T14:00:00+08:00',
        endsAt: '2025-12-01T16:00:00+08:00',
        teacherCount: 30,
        details: { format: 'party', theme: '教育家精神' },
      })
    ).json().id;
  });

  it('hides one community’s activities from another community', async () => {
    expect((await otherLead.get(`/api/v1/activities/${adminActivity}`)).statusCode).toBe(403);
    expect((await otherLead.get(`/api/v1/activities?communityId=${w.community.id}`)).json().total).toBe(0);
    expect((await outsiderAdmin.patch(`/api/v1/activities/${adminActivity}`, { title: 'x' })).statusCode).toBe(403);
    expect(
      (await otherLead.get(`/api/v1/sync-calendar?communityId=${w.community.id}&from=2025-10-01&to=2025-10-31`))
        .statusCode,
    ).toBe(403);
    expect(
      (await otherLead.get(`/api/v1/activity-archive.xlsx?communityId=${w.community.id}&semester=2025-2026-1`))
        .statusCode,
    ).toBe(403);
  });

  it('refuses logging into a community the school is not in', async () => {
    const res = await outsiderAdmin.post('/api/v1/activities', {
      kind: 'culture',
      communityId: w.community.id,
      organizerSchoolId: w.core.id,
      title: '越权',
      startsAt: '2025-12-01T14:00:00+08:00',
      endsAt: '2025-12-01T16:00:00+08:00',
      teacherCount: 1,
      details: { format: 'party', theme: 'x' },
    });
    expect(res.statusCode).toBe(403);
  });

  it('offers a teacher the staff of their communities’ member schools as pickers, never other schools', async () => {
    // a rural teacher logging an observation must find the core school's mentor
    const mine = await ruralTeacher.get(
      `/api/v1/teachers/options?communityId=${w.community.id}&search=${encodeURIComponent('王芳')}`,
    );
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items).toEqual([{ id: w.host.id, name: '王芳', schoolId: w.core.id, schoolName: w.core.name }]);
    const all = (await ruralTeacher.get(`/api/v1/teachers/options?communityId=${w.community.id}`)).json().items;
    expect(all.map((x: { id: number }) => x.id).sort()).toEqual([w.host.id, w.host2.id, w.ruralTeacher.id].sort());
    // no phone or other private fields
    expect(Object.keys(all[0]).sort()).toEqual(['id', 'name', 'schoolId', 'schoolName']);
    // another community's school is not offered, however it is asked for
    expect((await ruralTeacher.get(`/api/v1/teachers/options?schoolId=${w.other.id}`)).json().items).toEqual([]);
    expect(
      (await ruralTeacher.get(`/api/v1/teachers/options?communityId=${w.otherCommunity.id}`)).json().items,
    ).toEqual([]);
    expect(
      (await ruralTeacher.get(`/api/v1/teachers/options?search=${encodeURIComponent('外校教师')}`)).json().items,
    ).toEqual([]);
    // the private teacher list stays the teacher's own school
    expect((await ruralTeacher.get(`/api/v1/teachers?schoolId=${w.core.id}`)).json().total).toBe(0);
    // and the observation with the core-school mentor is saved
    const obs = await ruralTeacher.post('/api/v1/activities', {
      kind: 'observation',
      communityId: w.community.id,
      organizerSchoolId: w.m1.id,
      title: '跨校听课：两位数乘法',
      startsAt: '2025-11-04T09:00:00+08:00',
      endsAt: '2025-11-04T09:40:00+08:00',
      semester: '2025-2026-1',
      teacherCount: 2,
      details: {
        observerTeacherId: w.ruralTeacher.id,
        observedTeacherId: w.host.id,
        subject: 'math',
        grade: 3,
        lessonTitle: '两位数乘法',
        rubric: { objectives: 4, content: 5, method: 4, interaction: 4, effect: 4 },
        feedback: '板书清晰，小组活动组织有序，值得学习。',
      },
    });
    expect(obs.statusCode, obs.body).toBe(201);
    expect(obs.json().teacherNames).toEqual({ [w.ruralTeacher.id]: '张敏', [w.host.id]: '王芳' });
    // leave the term's counts to the compliance tests below
    expect((await admin.delete(`/api/v1/activities/${obs.json().id}`)).statusCode).toBe(204);
  });

  it('lets a teacher edit their own record but not someone else’s', async () => {
    const own = await ruralTeacher.post('/api/v1/activities', {
      kind: 'research',
      communityId: w.community.id,
      organizerSchoolId: w.m1.id,
      title: '网络研修',
      startsAt: '2025-11-12T19:00:00+08:00',
      endsAt: '2025-11-12T20:00:00+08:00',
      teacherCount: 12,
      details: { theme: '大单元教学', format: 'online' },
    });
    expect(own.statusCode).toBe(201);
    expect(
      (await ruralTeacher.patch(`/api/v1/activities/${own.json().id}`, { title: '网络研修（更正）' })).json().title,
    ).toBe('网络研修（更正）');
    const other = await ruralTeacher.patch(`/api/v1/activities/${adminActivity}`, { title: '改别人的' });
    expect(other.statusCode).toBe(403);
    expect((await ruralTeacher.delete(`/api/v1/activities/${adminActivity}`)).statusCode).toBe(403);
    expect((await admin.get(`/api/v1/activities/${adminActivity}`)).json().title).toBe('主题党日');
  });
});

describe('evidence', () => {
  let activityId: number;
  beforeAll(async () => {
    activityId = (
      await lead.post('/api/v1/activities', {
        kind: 'student_exchange',
        communityId: w.community.id,
        organizerSchoolId: w.core.id,
        participantSchoolIds: [w.m1.id],
        title: '手拉手研学',
        startsAt: '2025-11-20T09:00:00+08:00',
        endsAt: '2025-11-20T15:00:00+08:00',
        teacherCount: 6,
        studentCount: 80,
        details: { format: 'pairs', pairs: 40 },
      })
    ).json().id;
  });
  const files = async () =>
    (await t.ctx.db.selectFrom('activity_attachments').select('id').where('activity_id', '=', activityId).execute())
      .length;

  it('stores a photo retried with the same client id once, answering 200 with the first attachment', async () => {
    // an activity of its own, so the other evidence tests' counts are untouched
    const own = (
      await lead.post('/api/v1/activities', {
        kind: 'student_exchange',
        communityId: w.community.id,
        organizerSchoolId: w.core.id,
        participantSchoolIds: [w.m1.id],
        title: '离线研学佐证',
        startsAt: '2025-11-21T09:00:00+08:00',
        endsAt: '2025-11-21T15:00:00+08:00',
        teacherCount: 2,
        studentCount: 10,
        details: { format: 'pairs', pairs: 5 },
      })
    ).json().id;
    const count = async () =>
      (await t.ctx.db.selectFrom('activity_attachments').select('id').where('activity_id', '=', own).execute()).length;
    const url = `/api/v1/activities/${own}/attachments?clientId=9b1e4c2a-7d3f-4e8a-a5b6-0c1d2e3f4a5b`;
    const first = await upload(lead, url, '离线.jpg', await photo(120, 90));
    expect(first.statusCode).toBe(201);
    const again = await upload(lead, url, '离线.jpg', await photo(120, 90));
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(await count()).toBe(1);
    const bad = await upload(lead, `/api/v1/activities/${own}/attachments?clientId=x`, 'x.jpg', await photo());
    expect(bad.statusCode).toBe(400);
    expect(await count()).toBe(1);
  });
  it('keeps photos with a thumbnail and documents, checked by content', async () => {
    const res = await upload(
      lead,
      `/api/v1/activities/${activityId}/attachments?caption=${encodeURIComponent('合影')}`,
      '合影.jpg',
      await photo(800, 600),
    );
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      category: 'photo',
      mimeType: 'image/jpeg',
      hasThumbnail: true,
      version: 1,
      caption: '合影',
    });
    const thumb = await lead.get(`/api/v1/activity-attachments/${res.json().id}/thumb`);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect(thumb.rawPayload.length).toBeLessThan(res.json().sizeBytes);
    const doc = await upload(lead, `/api/v1/activities/${activityId}/attachments`, '方案.pdf', pdfBytes());
    expect(doc.json()).toMatchObject({ category: 'document', hasThumbnail: false });
  });

  it('refuses a file that is not what its extension says, an unsupported file, and one over the limit — storing nothing', async () => {
    const before = await files();
    const fake = await upload(lead, `/api/v1/activities/${activityId}/attachments`, '照片.jpg', pdfBytes());
    expect(fake.statusCode).toBe(422);
    expect(fake.json().details[0]).toMatchObject({ code: 'extension_mismatch' });
    expect(fake.json().details[0].message).toContain('PDF');
    const text = await upload(lead, `/api/v1/activities/${activityId}/attachments`, 'notes.txt', Buffer.from('hello'));
    expect(text.statusCode).toBe(422);
    const big = await upload(
      lead,
      `/api/v1/activities/${activityId}/attachments`,
      'big.pdf',
      Buffer.concat([pdfBytes(), Buffer.alloc(6 * 1024 * 1024)]),
    );
    expect(big.statusCode).toBe(413);
    const outsider = await upload(otherLead, `/api/v1/activities/${activityId}/attachments`, 'x.jpg', await photo());
    expect(outsider.statusCode).toBe(403);
    expect(await files()).toBe(before);
  });

  it('keeps the old version when evidence is corrected', async () => {
    const first = await upload(lead, `/api/v1/activities/${activityId}/attachments`, '签到表.pdf', pdfBytes());
    const second = await upload(
      lead,
      `/api/v1/activities/${activityId}/attachments/${first.json().id}/versions`,
      '签到表-更正.pdf',
      pdfBytes(),
    );
    expect(second.statusCode).toBe(201);
    expect(second.json()).toMatchObject({
      version: 2,
      fileName: '签到表-更正.pdf',
      history: [{ id: first.json().id, version: 1, fileName: '签到表.pdf' }],
    });
    expect((await lead.get(`/api/v1/activity-attachments/${first.json().id}/file`)).statusCode).toBe(200);
    const detail = (await lead.get(`/api/v1/activities/${activityId}`)).json();
    expect(detail.attachments).toHaveLength(3);
    expect(detail.attachmentCount).toBe(3);
  });
});

describe('calendar', () => {
  it('shows a community’s sync classes with the conflicts it finds', async () => {
    // a clash that bypassed the form (e.g. an edited partner schedule) is still flagged
    const a = await t.ctx.db
      .insertInto('activities')
      .values({
        community_id: w.community.id,
        organizer_school_id: w.core.id,
        kind: 'sync_class',
        title: '直接写入的冲突课',
        starts_at: '2025-10-21T01:00:00Z',
        ends_at: '2025-10-21T01:40:00Z',
        semester: '2025-2026-1',
        teacher_count: 1,
        student_count: 0,
        details: JSON.stringify({
          mode: 'sync',
          hostTeacherId: w.host2.id,
          hostClass: '五(1)班',
          subject: 'math',
          grade: 5,
          durationMinutes: 40,
          receiving: [{ schoolId: w.m1.id, className: '五(1)班', expectedStudents: 30 }],
        }),
        created_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const b = await t.ctx.db
      .insertInto('activities')
      .values({
        community_id: w.community.id,
        organizer_school_id: w.core.id,
        kind: 'sync_class',
        title: '同一教师',
        starts_at: '2025-10-21T01:20:00Z',
        ends_at: '2025-10-21T02:00:00Z',
        semester: '2025-2026-1',
        teacher_count: 1,
        student_count: 0,
        details: JSON.stringify({
          mode: 'dual',
          hostTeacherId: w.host2.id,
          hostClass: '五(2)班',
          subject: 'math',
          grade: 5,
          durationMinutes: 40,
          receiving: [{ schoolId: w.m2.id, className: '五(1)班', expectedStudents: 30 }],
        }),
        created_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const x of [a.id, b.id])
      await t.ctx.db
        .insertInto('activity_schools')
        .values([
          { activity_id: x, school_id: w.core.id, role: 'organizer' },
          { activity_id: x, school_id: x === a.id ? w.m1.id : w.m2.id, role: 'participant' },
        ])
        .execute();

    const res = await lead.get(`/api/v1/sync-calendar?communityId=${w.community.id}&from=2025-10-01&to=2025-10-31`);
    expect(res.statusCode).toBe(200);
    const events = res.json() as {
      id: number;
      conflicts: { withId: number; reason: string }[];
      completed: boolean;
      hostTeacherName: string;
    }[];
    expect(events.find((e) => e.id === a.id)!.conflicts).toEqual([
      expect.objectContaining({ withId: b.id, reason: 'teacher' }),
    ]);
    expect(events.filter((e) => e.conflicts.length === 0).length).toBeGreaterThanOrEqual(2);
    expect(events.some((e) => e.completed && e.hostTeacherName === '王芳')).toBe(true);
    const bySchool = await ruralTeacher.get(`/api/v1/sync-calendar?schoolId=${w.m2.id}&from=2025-10-01&to=2025-10-31`);
    expect((bySchool.json() as { id: number }[]).map((e) => e.id)).toContain(b.id);
    expect((bySchool.json() as { id: number }[]).map((e) => e.id)).not.toContain(a.id);
    expect(
      (await lead.get(`/api/v1/sync-calendar?communityId=${w.community.id}&from=2025-10-01&to=2026-03-31`)).statusCode,
    ).toBe(400);
  });
});

describe('work plans and compliance', () => {
  let planId: number;
  it('creates a plan once per community and term, checking schools and months', async () => {
    const res = await lead.post('/api/v1/work-plans', {
      communityId: w.community.id,
      semester: '2025-2026-1',
      title: '2025学年第一学期教共体工作计划',
      targets: [
        { kind: 'lecture', count: 2, schoolId: w.m1.id },
        { kind: 'joint_prep', count: 4, grade: 3, subject: 'math' },
        { kind: 'sync_class', count: 2, cadence: 'monthly' },
        { kind: 'observation', count: 1, month: '2025-11' },
      ],
    });
    expect(res.statusCode).toBe(201);
    planId = res.json().id;
    expect(res.json().targets).toHaveLength(4);
    expect(
      (
        await lead.post('/api/v1/work-plans', {
          communityId: w.community.id,
          semester: '2025-2026-1',
          title: 'again',
          targets: [],
        })
      ).statusCode,
    ).toBe(409);
    const bad = await lead.post('/api/v1/work-plans', {
      communityId: w.community.id,
      semester: '2025-2026-2',
      title: 'x',
      targets: [
        { kind: 'lecture', count: 1, schoolId: w.other.id },
        { kind: 'lecture', count: 1, month: '2025-10' },
      ],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details.map((d: { field: string }) => d.field)).toEqual([
      'body.targets.0.schoolId',
      'body.targets.1.month',
    ]);
    expect(
      (
        await ruralTeacher.post('/api/v1/work-plans', {
          communityId: w.community.id,
          semester: '2025-2026-2',
          title: 'x',
          targets: [],
        })
      ).statusCode,
    ).toBe(403);
  });

  it('computes done / due / behind from the logged activities', async () => {
    const res = await lead.get(`/api/v1/work-plans/${planId}/compliance?asOf=2025-11-20T12:00:00%2B08:00`);
    expect(res.statusCode).toBe(200);
    const c = res.json();
    const row = (kind: string) => c.rows.find((r: { kind: string }) => r.kind === kind);
    expect(row('lecture')).toMatchObject({
      target: 2,
      done: 1,
      due: 0,
      status: 'on_track',
      schoolName: '周王庙镇中心小学',
    });
    expect(row('joint_prep')).toMatchObject({ target: 4, done: 1, due: 1, status: 'on_track' });
    // sync classes: September had none (behind), October had 2 via the form + 2 written directly
    expect(
      row('sync_class')
        .months.slice(0, 2)
        .map((m: { done: number; status: string }) => [m.done, m.status]),
    ).toEqual([
      [0, 'behind'],
      [4, 'done'],
    ]);
    expect(row('sync_class').status).toBe('behind');
    expect(row('observation')).toMatchObject({ done: 1, status: 'done' });
    expect(row('observation').activityIds).toHaveLength(1);

    // reminders are as of today: that term is over, so everything short is behind, worst first
    const reminders = await lead.get('/api/v1/work-plan-reminders?semester=2025-2026-1');
    expect(reminders.json().map((r: { kind: string; missing: number }) => [r.kind, r.missing])).toEqual([
      ['sync_class', 8],
      ['joint_prep', 3],
      ['lecture', 1],
    ]);
    expect((await otherLead.get(`/api/v1/work-plans/${planId}/compliance`)).statusCode).toBe(403);
  });
});

describe('support ledger', () => {
  it('records goods and money for a member school and totals them', async () => {
    const base = {
      communityId: w.community.id,
      recipientSchoolId: w.m1.id,
      donorType: 'core_school',
      donorSchoolId: w.core.id,
      givenOn: '2025-10-08',
    };
    const books = await lead.post('/api/v1/support-ledger', {
      ...base,
      category: 'books',
      item: '课外读物',
      quantity: 200,
      unit: '册',
      valueYuan: 6500,
    });
    expect(books.statusCode).toBe(201);
    await lead.post('/api/v1/support-ledger', {
      ...base,
      category: 'furniture',
      item: '课桌椅',
      quantity: 180,
      unit: '套',
      valueYuan: 15000,
    });
    await admin.post('/api/v1/support-ledger', {
      ...base,
      donorType: 'bureau',
      donorSchoolId: null,
      recipientSchoolId: w.m2.id,
      category: 'funds',
      item: '薄弱学校改造经费',
      valueYuan: 208000,
      givenOn: '2026-03-02',
    });
    const totals = (await lead.get(`/api/v1/support-ledger/totals?communityId=${w.community.id}`)).json();
    expect(totals.total).toEqual({ entries: 3, valueYuan: 229500 });
    expect(totals.bySchool.find((s: { schoolId: number }) => s.schoolId === w.m1.id)).toMatchObject({
      entries: 2,
      valueYuan: 21500,
    });
    expect(totals.byYear).toEqual([{ schoolYear: 2025, entries: 3, valueYuan: 229500 }]);

    const neg = await lead.post('/api/v1/support-ledger', { ...base, category: 'books', item: 'x', valueYuan: -5 });
    expect(neg.statusCode).toBe(400);
    const outside = await lead.post('/api/v1/support-ledger', {
      ...base,
      recipientSchoolId: w.other.id,
      category: 'books',
      item: 'x',
      valueYuan: 5,
    });
    expect(outside.statusCode).toBe(422);
    expect((await otherLead.get(`/api/v1/support-ledger/${books.json().id}`)).statusCode).toBe(403);

    const ev = await upload(lead, `/api/v1/support-ledger/${books.json().id}/evidence`, '签收单.jpg', await photo());
    expect(ev.statusCode).toBe(201);
    expect(ev.json().evidence).toMatchObject({ fileName: '签收单.jpg' });
    expect(
      (await upload(lead, `/api/v1/support-ledger/${books.json().id}/evidence`, '另一张.jpg', await photo()))
        .statusCode,
    ).toBe(409);
  });
});

describe('statistics', () => {
  it('counts activities, sessions and participant-times in SQL by kind, month and school', async () => {
    const byKind = (
      await lead.get(`/api/v1/activity-stats?groupBy=kind&communityId=${w.community.id}&semester=2025-2026-1`)
    ).json();
    const sync = byKind.find((r: { kind: string }) => r.kind === 'sync_class');
    // 2 logged (2 receiving classes each) + 2 written directly (1 each)
    expect(sync).toMatchObject({ activities: 4, sessions: 6 });
    expect(sync.participantTimes).toBe(sync.teacherTimes + sync.studentTimes);
    const byMonth = (
      await lead.get(`/api/v1/activity-stats?groupBy=month&communityId=${w.community.id}&kind=sync_class`)
    ).json();
    expect(byMonth).toEqual([expect.objectContaining({ month: '2025-10', activities: 4 })]);
    const bySchool = (await lead.get(`/api/v1/activity-stats?groupBy=school,kind&kind=lecture`)).json();
    expect(bySchool.map((r: { schoolId: number }) => r.schoolId)).toEqual([w.m1.id]);
    expect((await otherLead.get('/api/v1/activity-stats?groupBy=kind')).json()).toEqual([]);
  });
});

describe('archive', () => {
  it('exports an xlsx with one sheet per kind', async () => {
    const res = await lead.get(`/api/v1/activity-archive.xlsx?communityId=${w.community.id}&semester=2025-2026-1`);
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      '概况',
      '同步课堂',
      '集体备课',
      '教研活动',
      '专题讲座',
      '示范课、送教',
      '听课评课',
      '课程共建',
      '学生共育',
      '党建、文化',
      '管理互访',
      '教师培训',
      '联席会议',
    ]);
    const sync = wb.getWorksheet('同步课堂')!;
    expect(sync.getRow(1).values).toEqual(expect.arrayContaining(['日期', '主讲教师', '接收班级']));
    const titles = sync.getColumn(3).values.slice(2);
    expect(titles).toContain('三年级数学同步课堂：两位数乘法');
    // attendance not taken is written out, never "?/40"; grades in words
    const header = sync.getRow(1).values as unknown[];
    const receiving = sync.getColumn(header.indexOf('接收班级')).values.slice(2).join('\n');
    expect(receiving).not.toContain('?');
    expect(receiving).toMatch(/三\(1\)班 未记录（应到 \d+）/);
    expect(sync.getColumn(header.indexOf('年级')).values.slice(2)).toContain('三年级');
    expect(wb.getWorksheet('听课评课')!.getRow(2).values).toEqual(expect.arrayContaining(['王芳', '张敏', 19]));
  });

  it('renders a PDF booklet with cover, contents, chronicle, photos and compliance', async () => {
    const res = await lead.get(`/api/v1/activity-archive.pdf?communityId=${w.community.id}&semester=2025-2026-1`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(res.rawPayload);
    for (const s of [
      '实验小学教共体',
      '教共体工作档案',
      '2025–2026 学年第一学期',
      '目录',
      '月度纪事',
      '2025 年 10 月',
      '三年级数学同步课堂：两位数乘法',
      '活动照片',
      '手拉手研学',
      '计划完成情况',
      '滞后',
    ]) {
      expect(text).toContain(s);
    }
    const bad = await lead.get(`/api/v1/activity-archive.pdf?communityId=${w.community.id}`);
    expect(bad.statusCode).toBe(400);
  });
});

describe('idempotent create with a client id (offline capture retries)', () => {
  const clientId = '3f0c1b9e-8a52-4d7e-9c31-5b2f7e4a1d60';
  // a day of its own per record, so the host teacher is never double-booked
  const at = (day: number) => ({
    startsAt: `2025-10-${day}T15:00:00+08:00`,
    endsAt: `2025-10-${day}T15:40:00+08:00`,
  });
  it('returns the first record, 200, when the same user retries with the same client id', async () => {
    const body = syncBody({ clientId, title: '离线登记：同步课堂重试', ...at(21) }, { hostClass: '三(9)班' });
    const first = await admin.post('/api/v1/activities', body);
    expect(first.statusCode).toBe(201);
    const again = await admin.post('/api/v1/activities', body);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const list = await admin.get(`/api/v1/activities?q=${encodeURIComponent('离线登记：同步课堂重试')}`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.filter((a: { title: string }) => a.title === '离线登记：同步课堂重试')).toHaveLength(1);
  });
  it('keeps records of different users with the same client id apart', async () => {
    const mine = await admin.post('/api/v1/activities', syncBody({ clientId, title: '离线登记：管理员', ...at(22) }));
    const theirs = await lead.post(
      '/api/v1/activities',
      syncBody({ clientId, title: '离线登记：教共体负责人', ...at(23) }, { hostClass: '三(8)班' }),
    );
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().id).not.toBe(mine.json().id);
  });
  it('rejects a client id that is not a uuid', async () => {
    const res = await admin.post('/api/v1/activities', syncBody({ clientId: 'abc', ...at(24) }));
    expect(res.statusCode).toBe(400);
  });
});
