import { NOTIFICATION_KINDS } from '../../../shared/notifications.schemas.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobKind } from '../../contracts/job.js';
import { buildCommunity, buildSchool, buildTeacher, buildUser, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';
import { enqueueJob } from '../jobs/index.js';
import { JobWorker } from '../jobs/worker.js';
import { notify } from './index.js';
import { scanNotifications } from './notifications.scan.js';

/** 10:00 in Beijing on 10 Nov 2026: the scan's "today" is 2026-11-10. */
const NOW = new Date('2026-11-10T02:00:00Z');

let t: TestApp;
const c: Record<string, Client> = {};
const u: Record<string, { id: number; username: string }> = {};
const ids: Record<string, number> = {};

const sample = (userId: number, key: string) => ({
  userId,
  kind: 'action_item_due' as const,
  dedupeKey: key,
  title: key,
  titleEn: key,
  body: key,
  bodyEn: key,
});
const note = (userId: number, key: string, o: Partial<Parameters<typeof notify>[1]> = {}) =>
  notify(t.ctx.db, {
    userId,
    kind: 'action_item_due',
    dedupeKey: key,
    title: `标题 ${key}`,
    titleEn: `Title ${key}`,
    body: '内容',
    bodyEn: 'Body',
    link: '/meetings',
    ...o,
  });

beforeAll(async () => {
  t = await createTestApp({ now: () => NOW });
  const db = t.ctx.db;
  const s1 = await buildSchool(db, { name: '硖石小学' });
  const s2 = await buildSchool(db, { name: '周王庙小学' });
  const s3 = await buildSchool(db, { name: '长安小学' });
  const community = await buildCommunity(
    db,
    [
      { schoolId: s1.id, role: 'core' },
      { schoolId: s2.id, role: 'member' },
    ],
    { name: '硖石教共体' },
  );
  const tA = await buildTeacher(db, s1.id, { name: '张老师' });
  const tB = await buildTeacher(db, s2.id, { name: '李老师' });
  const tC = await buildTeacher(db, s3.id, { name: '王老师' });
  Object.assign(ids, { s1: s1.id, s2: s2.id, s3: s3.id, community: community.id, tA: tA.id, tB: tB.id });
  Object.assign(u, {
    a: await buildUser(db, 'teacher', { kind: 'school', id: s1.id }, { teacherId: tA.id }),
    b: await buildUser(db, 'teacher', { kind: 'school', id: s2.id }, { teacherId: tB.id }),
    c: await buildUser(db, 'teacher', { kind: 'school', id: s3.id }, { teacherId: tC.id }),
    p1: await buildUser(db, 'school_admin', { kind: 'school', id: s1.id }),
    p2: await buildUser(db, 'school_admin', { kind: 'school', id: s2.id }),
    p3: await buildUser(db, 'school_admin', { kind: 'school', id: s3.id }),
    lead: await buildUser(db, 'community_lead', { kind: 'community', id: community.id }),
    county: await buildUser(db, 'bureau_admin', { kind: 'region', id: '330481' }),
  });
  for (const k of ['a', 'b', 'p1', 'lead']) c[k] = await login(t.app, u[k]!.username, USER_PASSWORD);
});
afterAll(async () => t?.close());

describe('my notifications', () => {
  let aFirst: number;
  let bOnly: number;
  beforeAll(async () => {
    aFirst = (await note(u.a!.id, 'a-1'))!;
    await note(u.a!.id, 'a-2');
    bOnly = (await note(u.b!.id, 'b-1'))!;
  });

  it('lists only the caller’s own, newest first, with the unread count', async () => {
    const res = await c.a!.get('/api/v1/notifications');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items.map((n: { title: string }) => n.title)).toEqual(['标题 a-2', '标题 a-1']);
    expect(body).toMatchObject({ total: 2, unread: 2 });
    expect(body.items[0]).toMatchObject({ titleEn: 'Title a-2', link: '/meetings', readAt: null, deliveries: [] });
    expect((await c.b!.get('/api/v1/notifications')).json()).toMatchObject({ total: 1, unread: 1 });
  });

  it('inside a caller’s transaction, commits or rolls back with it', async () => {
    await expect(
      t.ctx.db.transaction().execute(async (tx) => {
        expect(await notify(tx, sample(u.a!.id, 'rolled-back'))).not.toBeNull();
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(
      await t.ctx.db.selectFrom('notifications').select('id').where('dedupe_key', '=', 'rolled-back').execute(),
    ).toEqual([]);
  });

  it('a repeated key adds nothing', async () => {
    expect(await note(u.a!.id, 'a-1')).toBeNull();
    expect((await c.a!.get('/api/v1/notifications')).json().total).toBe(2);
  });

  it('user A cannot mark user B’s notification read (answered as missing), and B’s stays unread', async () => {
    const res = await c.a!.post(`/api/v1/notifications/${bOnly}/read`);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ message: '通知不存在', messageEn: 'No such notification' });
    expect((await c.b!.get('/api/v1/notifications')).json().unread).toBe(1);
  });

  it('marks one read, then all; B’s are untouched', async () => {
    expect((await c.a!.post(`/api/v1/notifications/${aFirst}/read`)).statusCode).toBe(204);
    let mine = (await c.a!.get('/api/v1/notifications')).json();
    expect(mine.unread).toBe(1);
    expect(mine.items.find((n: { id: number }) => n.id === aFirst).readAt).not.toBeNull();
    expect((await c.a!.get('/api/v1/notifications?unread=true')).json().total).toBe(1);
    expect((await c.a!.post('/api/v1/notifications/read-all')).json()).toEqual({ marked: 1 });
    mine = (await c.a!.get('/api/v1/notifications')).json();
    expect(mine.unread).toBe(0);
    expect((await c.b!.get('/api/v1/notifications')).json().unread).toBe(1);
  });

  it('refuses bad input in both languages, and strangers', async () => {
    const bad = await c.a!.post('/api/v1/notifications/abc/read');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().messageEn).toBeTruthy();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/notifications' })).statusCode).toBe(401);
  });
});

describe('preferences', () => {
  it('start as: everything in the bell, nothing sent elsewhere, channels unavailable until configured', async () => {
    const p = (await c.p1!.get('/api/v1/notifications/preferences')).json();
    expect(p.channels.map((x: { channel: string }) => x.channel)).toEqual(['in_app', 'email', 'dingtalk', 'wecom']);
    expect(p.channels[0].kinds).toEqual([...NOTIFICATION_KINDS]);
    expect(p.channels[1]).toMatchObject({ kinds: [], digest: 'immediate', address: null, available: false });
    expect(p.channels[0].available).toBe(true);
  });

  it('e-mail needs an address (a bilingual field error)', async () => {
    const res = await c.p1!.request('PUT', '/api/v1/notifications/preferences', {
      channels: [{ channel: 'email', kinds: ['minutes_signature'], digest: 'daily' }],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().details[0]).toMatchObject({
      field: 'body.channels.0.address',
      message: '接收邮件需填写有效的邮箱地址',
    });
    const unknown = await c.p1!.request('PUT', '/api/v1/notifications/preferences', {
      channels: [{ channel: 'fax', kinds: [] }],
    });
    expect(unknown.statusCode).toBe(400);
  });

  it('are the caller’s own: saving queues deliveries for the chosen channel and hides kinds from the bell', async () => {
    const res = await c.p1!.request('PUT', '/api/v1/notifications/preferences', {
      channels: [
        { channel: 'email', kinds: ['minutes_signature'], digest: 'daily', address: 'p1@school.example' },
        { channel: 'in_app', kinds: ['minutes_signature'] },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().channels[1]).toMatchObject({
      kinds: ['minutes_signature'],
      digest: 'daily',
      address: 'p1@school.example',
    });
    // A's preferences did not change
    expect((await c.a!.get('/api/v1/notifications/preferences')).json().channels[1].kinds).toEqual([]);

    await note(u.p1!.id, 'p1-sign', { kind: 'minutes_signature' });
    await note(u.p1!.id, 'p1-item', { kind: 'action_item_due' });
    const list = (await c.p1!.get('/api/v1/notifications')).json();
    expect(list.items.map((n: { kind: string }) => n.kind)).toEqual(['minutes_signature']);
    expect(list.items[0].deliveries).toEqual([
      { channel: 'email', status: 'pending', attempts: 0, lastError: null, sentAt: null },
    ]);
  });
});

describe('the scan', () => {
  const planKey = (kind: string, school: string) => `work-plan:${ids.plan}:${kind}:${school}:::2026-10`;
  const scan = async () => {
    await enqueueJob(t.ctx.db, scanNotifications, {});
    await new JobWorker(t.ctx, [scanNotifications] as JobKind<unknown>[]).drain();
  };
  const keysOf = async (userId: number) =>
    (
      await t.ctx.db
        .selectFrom('notifications')
        .select('dedupe_key')
        .where('user_id', '=', userId)
        .where('dedupe_key', 'not like', 'a-%')
        .where('dedupe_key', 'not like', 'b-%')
        .where('dedupe_key', 'not like', 'p1-%')
        .orderBy('dedupe_key')
        .execute()
    ).map((r) => r.dedupe_key);

  beforeAll(async () => {
    const db = t.ctx.db;
    const meeting = await sql<{ id: number }>`insert into meetings (community_id, kind, title, starts_at, place)
      values (${ids.community}, 'regular', '秋季联席会议', '2026-10-15T06:30:00Z', '会议室') returning id`.execute(db);
    const m = meeting.rows[0]!.id;
    ids.meeting = m;
    const rev = await sql<{
      id: number;
    }>`insert into meeting_minutes_revisions (meeting_id, revision, status, body, body_sha256, round, circulated_at)
      values (${m}, 1, 'circulated', '纪要', ${'a'.repeat(64)}, 1, now()) returning id`.execute(db);
    const r = rev.rows[0]!.id;
    const signers = await sql<{
      id: number;
    }>`insert into meeting_minutes_signers (revision_id, round, school_id, school_name, school_role, user_id, signer_name, status)
      values (${r}, 1, ${ids.s1}, '硖石小学', 'core', null, '校长', 'pending'),
             (${r}, 1, ${ids.s2}, '周王庙小学', 'member', ${u.b!.id}, '李老师', 'pending'),
             (${r}, 0, ${ids.s2}, '周王庙小学', 'member', ${u.p2!.id}, '旧轮次', 'pending')
      returning id`.execute(db);
    ids.signer1 = signers.rows[0]!.id;
    ids.signer2 = signers.rows[1]!.id;
    const items = await sql<{
      id: number;
    }>`insert into meeting_action_items (meeting_id, community_id, title, owner_kind, owner_name, owner_teacher_id, owner_school_id, due_date, done_at)
      values (${m}, ${ids.community}, '提交课例', 'person', '张老师', ${ids.tA}, null, '2026-11-12', null),
             (${m}, ${ids.community}, '整理档案', 'school', '周王庙小学', null, ${ids.s2}, '2026-11-01', null),
             (${m}, ${ids.community}, '远期事项', 'person', '张老师', ${ids.tA}, null, '2026-12-30', null),
             (${m}, ${ids.community}, '已完成', 'person', '张老师', ${ids.tA}, null, '2026-11-01', now())
      returning id`.execute(db);
    ids.itemDue = items.rows[0]!.id;
    ids.itemOverdue = items.rows[1]!.id;
    const assignment = await sql<{
      id: number;
    }>`insert into exchange_assignments (teacher_id, kind, from_school_id, to_school_id, start_date, end_date, workload, status)
      values (${ids.tB}, 'rotation', ${ids.s2}, ${ids.s1}, '2025-09-01', '2026-11-20', 'full_time', 'active'),
             (${ids.tB}, 'rotation', ${ids.s2}, ${ids.s1}, '2025-09-01', '2027-06-30', 'full_time', 'active') returning id`.execute(
      db,
    );
    ids.exchange = assignment.rows[0]!.id;
    const pair = await sql<{
      id: number;
    }>`insert into mentorships (mentor_teacher_id, apprentice_teacher_id, signed_on, goals, observations_per_month)
      values (${ids.tA}, ${ids.tB}, '2026-09-01', '每月听课', 1) returning id`.execute(db);
    ids.pair = pair.rows[0]!.id;
    // a work plan whose October targets were missed (one the member school's, one the community's)
    const plan = await c.lead!.post('/api/v1/work-plans', {
      communityId: ids.community,
      semester: '2026-2027-1',
      title: '秋季工作计划',
      targets: [
        { kind: 'lecture', count: 1, month: '2026-10', schoolId: ids.s2 },
        { kind: 'joint_prep', count: 1, month: '2026-10' },
      ],
    });
    expect(plan.statusCode).toBe(201);
    ids.plan = plan.json().id;
    await scan();
  });

  it('a teacher hears about their own action items and mentor pair', async () => {
    expect(await keysOf(u.a!.id)).toEqual([`action-item:${ids.itemDue}:due`, `mentorship:${ids.pair}:2026-11`]);
  });

  it('a signer with an account hears about the minutes; so does a teacher whose posting ends', async () => {
    expect(await keysOf(u.b!.id)).toEqual([`exchange:${ids.exchange}:ending`, `minutes-signer:${ids.signer2}`]);
  });

  it('a principal hears about their school’s signature, items, postings, mentors and plan targets — not another school’s', async () => {
    expect(await keysOf(u.p1!.id)).toEqual([
      `exchange:${ids.exchange}:ending`,
      `mentorship:${ids.pair}:2026-11`,
      `minutes-signer:${ids.signer1}`,
      planKey('joint_prep', ''),
    ]);
    expect(await keysOf(u.p2!.id)).toEqual([
      `action-item:${ids.itemOverdue}:overdue`,
      `exchange:${ids.exchange}:ending`,
      planKey('joint_prep', ''),
      planKey('lecture', '周王庙小学'),
    ]);
    expect(await keysOf(u.p3!.id)).toEqual([]);
    expect(await keysOf(u.c!.id)).toEqual([]);
  });

  it('the community lead hears about every open item and lagging plan target of the community; the county bureau nothing', async () => {
    expect(await keysOf(u.lead!.id)).toEqual([
      `action-item:${ids.itemDue}:due`,
      `action-item:${ids.itemOverdue}:overdue`,
      planKey('joint_prep', ''),
      planKey('lecture', '周王庙小学'),
    ]);
    expect(await keysOf(u.county!.id)).toEqual([]);
  });

  it('texts are bilingual, and a second scan adds nothing', async () => {
    const overdue = await t.ctx.db
      .selectFrom('notifications')
      .selectAll()
      .where('dedupe_key', '=', `action-item:${ids.itemOverdue}:overdue`)
      .where('user_id', '=', u.p2!.id)
      .executeTakeFirstOrThrow();
    expect(overdue).toMatchObject({
      kind: 'action_item_overdue',
      title: '待办事项已逾期',
      title_en: 'Action item overdue',
      body: '硖石教共体：「整理档案」应于 2026-11-01 完成',
      link: `/meetings/${ids.meeting}`,
    });
    const count = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from notifications`.execute(t.ctx.db)).rows[0]!.n;
    const before = await count();
    await scan();
    expect(await count()).toBe(before);
    const job = await t.ctx.db
      .selectFrom('jobs')
      .select(['status', 'result'])
      .where('kind', '=', 'notifications.scan')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'done', result: { created: 0 } });
  });
});
