import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { buildCommunity, buildSchool } from '../../test/factories.js';
import { pdfText } from '../../test/pdf-text.js';
import { meetingBody, meetingWorld } from './meetings.test-setup.js';

let t: TestApp;
let admin: Client;
let w: Awaited<ReturnType<typeof meetingWorld>>;
beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAdmin(t.app);
  w = await meetingWorld(t);
});
afterAll(() => t.close());

describe('meetings', () => {
  it("schedules, lists, edits and deletes a meeting within the lead's community", async () => {
    const res = await w.lead.post(
      '/api/v1/meetings',
      meetingBody(w.community.id, { link: 'https://meeting.tencent.com/dm/abc', place: null }),
    );
    expect(res.statusCode).toBe(201);
    const m = res.json();
    expect(m).toMatchObject({
      communityName: '硖石教共体',
      kind: 'regular',
      minutesStatus: 'none',
      link: 'https://meeting.tencent.com/dm/abc',
      can: { manage: true, propose: true, signForSchoolId: null },
    });

    const list = (
      await w.lead.get(`/api/v1/meetings?communityId=${w.community.id}&from=2026-09-15&to=2026-09-15`)
    ).json();
    expect(list.items.map((x: { id: number }) => x.id)).toContain(m.id);
    const patched = await w.lead.patch(`/api/v1/meetings/${m.id}`, {
      title: '改期后的联席会议',
      startsAt: '2026-09-16T06:30:00Z',
    });
    expect(patched.json()).toMatchObject({ title: '改期后的联席会议', startsAt: '2026-09-16T06:30:00.000Z' });
    expect((await w.lead.delete(`/api/v1/meetings/${m.id}`)).statusCode).toBe(204);
    expect((await w.lead.get(`/api/v1/meetings/${m.id}`)).statusCode).toBe(404);
  });

  it('explains bad input in both languages and writes nothing', async () => {
    const res = await w.lead.post('/api/v1/meetings', {
      communityId: w.community.id,
      kind: 'weekly',
      title: '',
      startsAt: '明天',
      place: null,
      link: 'javascript:alert(1)',
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.kind', 'body.title', 'body.startsAt', 'body.link']));
    const noPlace = await w.lead.post('/api/v1/meetings', meetingBody(w.community.id, { place: null }));
    expect(noPlace.statusCode).toBe(400);
    expect(noPlace.json().details[0]).toMatchObject({
      field: 'body.place',
      message: '请填写会议地点或线上会议链接',
      messageEn: 'Give a place or an online meeting link',
    });
    const backwards = await w.lead.post(
      '/api/v1/meetings',
      meetingBody(w.community.id, { endsAt: '2026-09-15T05:00:00Z' }),
    );
    expect(backwards.statusCode).toBe(400);
    const unknown = await admin.post('/api/v1/meetings', meetingBody(999999));
    expect(unknown.statusCode).toBe(422);
    expect((await w.lead.get('/api/v1/meetings?search=明天')).json().total).toBe(0);
  });

  it('keeps communities apart: others can neither read nor change a meeting', async () => {
    const m = (await w.lead.post('/api/v1/meetings', meetingBody(w.community.id, { title: '保密测试' }))).json();
    // the other community's lead and principal see nothing of it
    expect((await w.otherLead.get(`/api/v1/meetings/${m.id}`)).statusCode).toBe(403);
    expect((await w.otherPrincipal.get(`/api/v1/meetings/${m.id}/minutes`)).statusCode).toBe(403);
    expect((await w.otherLead.get('/api/v1/meetings?search=保密测试')).json().total).toBe(0);
    expect((await w.otherLead.patch(`/api/v1/meetings/${m.id}`, { title: 'x' })).statusCode).toBe(403);
    expect((await w.otherLead.post('/api/v1/meetings', meetingBody(w.community.id))).statusCode).toBe(403);
    expect((await w.otherPrincipal.post(`/api/v1/meetings/${m.id}/agenda`, { topic: '插一个议题' })).statusCode).toBe(
      403,
    );
    // member principals read but do not manage
    expect((await w.memberPrincipal.get(`/api/v1/meetings/${m.id}`)).json().can).toMatchObject({
      manage: false,
      propose: true,
    });
    expect((await w.memberPrincipal.patch(`/api/v1/meetings/${m.id}`, { title: 'x' })).statusCode).toBe(403);
    expect((await w.memberPrincipal.patch(`/api/v1/meetings/${m.id}/minutes`, { body: 'x' })).statusCode).toBe(403);
    expect((await w.teacher.post(`/api/v1/meetings/${m.id}/agenda`, { topic: 'x' })).statusCode).toBe(403);
    expect(
      await t.ctx.db.selectFrom('meeting_agenda_items').select('id').where('meeting_id', '=', m.id).execute(),
    ).toHaveLength(0);
  });

  it('records proposals by principals for their own school, and attendees and observers', async () => {
    const m = (await w.lead.post('/api/v1/meetings', meetingBody(w.community.id, { title: '议题测试' }))).json();
    const byMember = await w.memberPrincipal.post(`/api/v1/meetings/${m.id}/agenda`, {
      topic: '请核心校派英语教师走教',
      proposerSchoolId: w.core.id,
    });
    expect(byMember.statusCode).toBe(201);
    // a principal always proposes for their own school, whatever the body says
    expect(byMember.json()).toMatchObject({
      proposerSchoolId: w.member.id,
      proposerSchoolName: '周王庙小学',
      position: 1,
    });
    const byLead = await w.lead.post(`/api/v1/meetings/${m.id}/agenda`, {
      topic: '审议秋季学期工作计划',
      proposerName: '硖石小学校长',
      proposerSchoolId: w.core.id,
    });
    expect(byLead.json()).toMatchObject({ proposerName: '硖石小学校长', position: 2 });
    const foreign = await w.lead.post(`/api/v1/meetings/${m.id}/agenda`, { topic: 'x', proposerSchoolId: w.other.id });
    expect(foreign.statusCode).toBe(422);

    for (const [category, personName] of [
      ['attendee', '王校长'],
      ['teacher_rep', '李老师'],
      ['parent_rep', '陈女士'],
      ['community_rep', '社区主任'],
    ] as const) {
      expect(
        (
          await w.lead.post(`/api/v1/meetings/${m.id}/attendees`, {
            category,
            personName,
            schoolId: category === 'attendee' ? w.core.id : null,
          })
        ).statusCode,
      ).toBe(201);
    }
    const detail = (await w.memberPrincipal.get(`/api/v1/meetings/${m.id}`)).json();
    expect(detail.agenda.map((a: { topic: string }) => a.topic)).toEqual([
      '请核心校派英语教师走教',
      '审议秋季学期工作计划',
    ]);
    // the two principals were pre-filled when the meeting was created (issue 20), then the four added here
    expect(detail.attendees.map((a: { category: string }) => a.category)).toEqual([
      'attendee',
      'attendee',
      'attendee',
      'teacher_rep',
      'parent_rep',
      'community_rep',
    ]);
    expect(
      (await w.lead.post(`/api/v1/meetings/${m.id}/attendees`, { category: 'guest', personName: 'x' })).statusCode,
    ).toBe(400);
  });
});

describe('action items', () => {
  it('creates items, refuses one due before the meeting, computes overdue, and lets the owner school report progress', async () => {
    const m = (
      await w.lead.post(
        '/api/v1/meetings',
        meetingBody(w.community.id, { title: '事项测试', startsAt: '2026-03-10T02:00:00Z' }),
      )
    ).json();
    const early = await w.lead.post(`/api/v1/meetings/${m.id}/action-items`, {
      title: '太早',
      ownerKind: 'school',
      ownerSchoolId: w.member.id,
      dueDate: '2026-03-09',
    });
    expect(early.statusCode).toBe(422);
    expect(early.json().details[0]).toMatchObject({ field: 'body.dueDate', code: 'before_meeting' });
    const noOwner = await w.lead.post(`/api/v1/meetings/${m.id}/action-items`, {
      title: '无人负责',
      ownerKind: 'school',
      dueDate: '2026-04-01',
    });
    expect(noOwner.statusCode).toBe(400);

    const item = (
      await w.lead.post(`/api/v1/meetings/${m.id}/action-items`, {
        title: '开设英语同步课堂',
        ownerKind: 'school',
        ownerSchoolId: w.member.id,
        dueDate: '2026-04-30',
        activityIds: [11, 11, 12],
      })
    ).json();
    expect(item).toMatchObject({ ownerName: '周王庙小学', status: 'overdue', activityIds: [11, 12] });
    const person = (
      await w.lead.post(`/api/v1/meetings/${m.id}/action-items`, {
        title: '修订教研制度',
        ownerKind: 'person',
        ownerName: '张主任',
        dueDate: '2099-01-01',
      })
    ).json();
    expect(person.status).toBe('open');

    // the owner school's principal reports progress and closes it; the core principal may not
    expect(
      (await w.corePrincipal.post(`/api/v1/meeting-action-items/${item.id}/notes`, { note: '我来替他们写' }))
        .statusCode,
    ).toBe(403);
    expect(
      (await w.memberPrincipal.patch(`/api/v1/meeting-action-items/${item.id}`, { title: '改标题' })).statusCode,
    ).toBe(403);
    const noted = await w.memberPrincipal.post(`/api/v1/meeting-action-items/${item.id}/notes`, {
      note: '已开课 6 次，学生 42 人参加',
      done: true,
    });
    expect(noted.statusCode).toBe(201);
    expect(noted.json()).toMatchObject({ status: 'done', notes: [{ note: '已开课 6 次，学生 42 人参加' }] });
    expect((await w.otherLead.get(`/api/v1/meeting-action-items?meetingId=${m.id}`)).json().total).toBe(0);
    const overdue = (
      await w.lead.get(`/api/v1/meeting-action-items?communityId=${w.community.id}&status=overdue&asOf=2099-06-01`)
    ).json();
    expect(overdue.items.map((i: { id: number }) => i.id)).toEqual([person.id]);
  });

  it("carries unfinished items onto the next meeting's agenda automatically, once", async () => {
    const c = await buildCommunity(t.ctx.db, [{ schoolId: w.core.id, role: 'core' }], { name: '结转测试教共体' });
    const first = (
      await admin.post(
        '/api/v1/meetings',
        meetingBody(c.id, { title: '春季联席会议', startsAt: '2026-03-01T02:00:00Z' }),
      )
    ).json();
    const open = (
      await admin.post(`/api/v1/meetings/${first.id}/action-items`, {
        title: '共建科学实验室',
        ownerKind: 'school',
        ownerSchoolId: w.core.id,
        dueDate: '2026-06-30',
      })
    ).json();
    const done = (
      await admin.post(`/api/v1/meetings/${first.id}/action-items`, {
        title: '已完成的事',
        ownerKind: 'person',
        ownerName: '赵老师',
        dueDate: '2026-04-30',
      })
    ).json();
    await admin.patch(`/api/v1/meeting-action-items/${done.id}`, { done: true });

    const next = (
      await admin.post(
        '/api/v1/meetings',
        meetingBody(c.id, { title: '秋季联席会议', startsAt: '2026-09-01T02:00:00Z' }),
      )
    ).json();
    expect(next.agenda).toHaveLength(1);
    expect(next.agenda[0]).toMatchObject({
      topic: expect.stringContaining('共建科学实验室'),
      proposerName: '系统（自动结转）',
      carriedActionItem: { id: open.id, status: 'overdue', meetingId: first.id },
    });
    // an item added later is picked up by an explicit carry-over, and nothing is doubled
    await admin.post(`/api/v1/meetings/${first.id}/action-items`, {
      title: '补充事项',
      ownerKind: 'person',
      ownerName: '钱老师',
      dueDate: '2026-12-31',
    });
    const again = (await admin.post(`/api/v1/meetings/${next.id}/agenda/carry-over`)).json();
    expect(again.map((a: { carriedActionItem: { id: number } | null }) => a.carriedActionItem?.id)).toHaveLength(2);
    expect((await admin.post(`/api/v1/meetings/${next.id}/agenda/carry-over`)).json()).toHaveLength(2);
    // a meeting whose items sit on a later agenda is part of the record
    expect((await admin.delete(`/api/v1/meetings/${first.id}`)).statusCode).toBe(409);
  });
});

describe('reminders', () => {
  it('lists communities without a meeting in six months, pending signatures and overdue items, bureau-wide and per community', async () => {
    const quiet = await buildSchool(t.ctx.db, { name: '久未开会小学' });
    const silent = await buildCommunity(t.ctx.db, [{ schoolId: quiet.id, role: 'core' }], {
      name: '沉默教共体',
      founded_on: '2021-09-01',
    });
    await admin.post(
      '/api/v1/meetings',
      meetingBody(silent.id, { title: '很久以前', startsAt: '2026-04-01T02:00:00Z' }),
    );
    const fresh = await buildCommunity(t.ctx.db, [], { name: '新成立教共体', founded_on: '2026-10-01' });

    const m = (
      await w.lead.post(
        '/api/v1/meetings',
        meetingBody(w.community.id, { title: '提醒测试', startsAt: '2026-11-02T02:00:00Z' }),
      )
    ).json();
    await w.lead.patch(`/api/v1/meetings/${m.id}/minutes`, { body: '提醒测试纪要' });
    const c = (await w.lead.post(`/api/v1/meetings/${m.id}/minutes/circulate`, {})).json().current;
    await w.corePrincipal.post(`/api/v1/meetings/${m.id}/minutes/sign`, { revision: 1, sha256: c.sha256 });
    await w.lead.post(`/api/v1/meetings/${m.id}/action-items`, {
      title: '提醒测试事项',
      ownerKind: 'school',
      ownerSchoolId: w.member.id,
      dueDate: '2026-11-10',
    });

    const all = (await admin.get('/api/v1/meetings/reminders?asOf=2026-11-23')).json();
    const due = all.meetingsDue.map((d: { communityName: string }) => d.communityName);
    expect(due).toContain('沉默教共体');
    expect(due).not.toContain('硖石教共体');
    expect(due).not.toContain('新成立教共体');
    expect(all.meetingsDue.find((d: { communityId: number }) => d.communityId === silent.id)).toMatchObject({
      daysSince: 236,
    });
    expect(all.pendingSignatures.filter((p: { meetingId: number }) => p.meetingId === m.id)).toEqual([
      expect.objectContaining({ schoolName: '周王庙小学', revision: 1 }),
    ]);
    expect(all.overdueItems.find((o: { title: string }) => o.title === '提醒测试事项')).toMatchObject({
      daysOverdue: 13,
    });

    // per community, and a lead sees only their own
    const mine = (await w.lead.get('/api/v1/meetings/reminders?asOf=2026-11-23')).json();
    expect(mine.meetingsDue.map((d: { communityId: number }) => d.communityId)).not.toContain(silent.id);
    expect(mine.pendingSignatures.every((p: { communityId: number }) => p.communityId === w.community.id)).toBe(true);
    const one = (await admin.get(`/api/v1/meetings/reminders?asOf=2026-11-23&communityId=${silent.id}`)).json();
    expect(one).toMatchObject({ pendingSignatures: [], overdueItems: [] });
    expect(one.meetingsDue).toHaveLength(1);
    expect(fresh.id).toBeGreaterThan(0);
  });
});

describe('export and files', () => {
  it('exports the meeting record to PDF with signatures and their hashes', async () => {
    const m = (await w.lead.post('/api/v1/meetings', meetingBody(w.community.id, { title: 'PDF导出测试会议' }))).json();
    await w.lead.post(`/api/v1/meetings/${m.id}/agenda`, { topic: '审议共建课程方案' });
    await w.lead.post(`/api/v1/meetings/${m.id}/action-items`, {
      title: '制定课程方案',
      ownerKind: 'school',
      ownerSchoolId: w.core.id,
      dueDate: '2026-12-31',
    });
    await w.lead.patch(`/api/v1/meetings/${m.id}/minutes`, { body: '# 纪要\n一、**同意**共建课程方案。' });
    const c = (await w.lead.post(`/api/v1/meetings/${m.id}/minutes/circulate`, {})).json().current;
    await w.corePrincipal.post(`/api/v1/meetings/${m.id}/minutes/sign`, { revision: 1, sha256: c.sha256 });
    await w.memberPrincipal.post(`/api/v1/meetings/${m.id}/minutes/sign`, { revision: 1, sha256: c.sha256 });
    const res = await w.memberPrincipal.get(`/api/v1/meetings/${m.id}/export.pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = (await pdfText(res.rawPayload)).replace(/\s+/g, '');
    for (const s of [
      'PDF导出测试会议',
      '审议共建课程方案',
      '同意共建课程方案',
      '已会签锁定',
      '制定课程方案',
      '硖石小学',
      '周王庙小学',
      c.sha256.slice(0, 16),
    ])
      expect(text).toContain(s);
    expect((await w.otherLead.get(`/api/v1/meetings/${m.id}/export.pdf`)).statusCode).toBe(403);
  });

  it('stores attachments through storage, sniffs their type and keeps others out', async () => {
    const m = (await w.lead.post('/api/v1/meetings', meetingBody(w.community.id, { title: '附件测试' }))).json();
    const upload = (client: Client, name: string, bytes: Buffer) => {
      const boundary = '----gongjin';
      const payload = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        ),
        bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      return t.app.inject({
        method: 'POST',
        url: `/api/v1/meetings/${m.id}/attachments`,
        headers: { cookie: client.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload,
      });
    };
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const ok = await upload(w.lead, '签到表.png', png);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ fileName: '签到表.png', contentType: 'image/png', size: png.length });
    expect((await upload(w.lead, 'evil.pdf', Buffer.from('<script>alert(1)</script>'))).statusCode).toBe(415);
    expect((await upload(w.memberPrincipal, 'x.png', png)).statusCode).toBe(403);
    const got = await w.memberPrincipal.get(`/api/v1/meetings/${m.id}/attachments/${ok.json().id}`);
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload.equals(png)).toBe(true);
    expect((await w.otherPrincipal.get(`/api/v1/meetings/${m.id}/attachments/${ok.json().id}`)).statusCode).toBe(403);
    expect((await w.lead.delete(`/api/v1/meetings/${m.id}/attachments/${ok.json().id}`)).statusCode).toBe(204);
    expect((await w.lead.get(`/api/v1/meetings/${m.id}`)).json().attachments).toEqual([]);
  });
});
