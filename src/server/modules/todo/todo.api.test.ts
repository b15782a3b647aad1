import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity, buildSchool, buildTeacher, buildUser, HAINING, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';

/** 10:00 in Beijing on 10 Nov 2026: "today" is 2026-11-10. */
const NOW = new Date('2026-11-10T02:00:00Z');

let t: TestApp;
const c: Record<string, Client> = {};
const ids: Record<string, number> = {};

interface Item {
  kind: string;
  title: string;
  titleEn: string;
  dueDate: string | null;
  count: number;
  link: string;
}
const todo = async (who: string, query = ''): Promise<{ items: Item[]; counts: Record<string, number> }> => {
  const res = await c[who]!.get(`/api/v1/todo${query}`);
  expect(res.statusCode).toBe(200);
  return res.json();
};
const ofKind = (items: Item[], kind: string) => items.filter((i) => i.kind === kind);

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
  Object.assign(ids, { s1: s1.id, s2: s2.id, s3: s3.id, community: community.id });
  const users = {
    teacherA: await buildUser(db, 'teacher', { kind: 'school', id: s1.id }, { teacherId: tA.id }),
    principal1: await buildUser(db, 'school_admin', { kind: 'school', id: s1.id }),
    principal3: await buildUser(db, 'school_admin', { kind: 'school', id: s3.id }),
    lead: await buildUser(db, 'community_lead', { kind: 'community', id: community.id }),
    assessor: await buildUser(db, 'assessor', { kind: 'region', id: HAINING }),
    otherAssessor: await buildUser(db, 'assessor', { kind: 'region', id: HAINING }),
  };
  for (const [k, u] of Object.entries(users)) {
    ids[k] = u.id;
    c[k] = await login(t.app, u.username, USER_PASSWORD);
  }

  // minutes circulated for the signature of 硖石小学 (its principal signs)
  const meeting = await sql<{ id: number }>`insert into meetings (community_id, kind, title, starts_at, place)
    values (${community.id}, 'regular', '秋季联席会议', '2026-10-15T06:30:00Z', '会议室') returning id`.execute(db);
  ids.meeting = meeting.rows[0]!.id;
  const rev = await sql<{ id: number }>`insert into meeting_minutes_revisions
      (meeting_id, revision, status, body, body_sha256, round, circulated_at)
    values (${ids.meeting}, 1, 'circulated', '纪要', ${'a'.repeat(64)}, 1, now()) returning id`.execute(db);
  await sql`insert into meeting_minutes_signers (revision_id, round, school_id, school_name, school_role, user_id, signer_name, status)
    values (${rev.rows[0]!.id}, 1, ${s1.id}, '硖石小学', 'core', null, '校长', 'pending')`.execute(db);
  await sql`insert into meeting_action_items (meeting_id, community_id, title, owner_kind, owner_name, owner_teacher_id, owner_school_id, due_date, done_at)
    values (${ids.meeting}, ${community.id}, '提交课例', 'person', '张老师', ${tA.id}, null, '2026-11-12', null),
           (${ids.meeting}, ${community.id}, '远期事项', 'person', '张老师', ${tA.id}, null, '2026-12-30', null)`.execute(
    db,
  );
  // an exchange ending within two weeks, from 周王庙小学 to 硖石小学
  await sql`insert into exchange_assignments (teacher_id, kind, from_school_id, to_school_id, start_date, end_date, workload, status)
    values (${tB.id}, 'rotation', ${s2.id}, ${s1.id}, '2025-09-01', '2026-11-20', 'full_time', 'active')`.execute(db);

  // an evaluation with the assessor for scoring, assigned to one assessor only
  const scheme = await sql<{ id: number }>`insert into assessment_schemes (region_code, year, name, definition)
    values (${HAINING}, 2026, '2026 年度考核', '{}'::jsonb) returning id`.execute(db);
  const ev = await sql<{ id: number }>`insert into assessment_evaluations (scheme_id, community_id, status)
    values (${scheme.rows[0]!.id}, ${community.id}, 'assessor_scoring') returning id`.execute(db);
  ids.evaluation = ev.rows[0]!.id;
  await sql`insert into assessment_assignments (scheme_id, community_id, assessor_user_id)
    values (${scheme.rows[0]!.id}, ${community.id}, ${users.assessor.id})`.execute(db);

  // the lead's import finished yesterday
  await sql`insert into import_jobs (id, kind, status, file_key, file_name, file_size, valid_rows, created_by, scope_kind, scope_id, committed_at)
    values ('job-1', 'schools', 'committed', 'k', '学校名单.xlsx', 100, 12, ${users.lead.id}, 'community', ${String(community.id)}, '2026-11-09T03:00:00Z')`.execute(
    db,
  );
});
afterAll(async () => t?.close());

describe('GET /api/v1/todo', () => {
  it('shows the principal the minutes their school must sign, one click from the minutes', async () => {
    const { items, counts } = await todo('principal1');
    const sign = ofKind(items, 'minutes_signature');
    expect(sign).toHaveLength(1);
    expect(sign[0]).toMatchObject({
      title: expect.stringContaining('秋季联席会议'),
      titleEn: expect.stringContaining('Sign the minutes'),
      count: 1,
      link: `/meetings/${ids.meeting}?tab=minutes`,
    });
    expect(counts.minutes_signature).toBe(1);
    // the exchange ending at the principal's school, with its end date
    expect(ofKind(items, 'exchange_ending')).toEqual([expect.objectContaining({ dueDate: '2026-11-20' })]);
  });

  it('shows a principal of another school none of it', async () => {
    const { items } = await todo('principal3');
    expect(items).toEqual([]);
  });

  it('shows the assigned assessor the evaluation to score; another assessor does not see it', async () => {
    const mine = ofKind((await todo('assessor')).items, 'evaluation_scoring');
    expect(mine).toEqual([
      expect.objectContaining({
        title: expect.stringContaining('硖石教共体'),
        link: `/assessment/evaluations/${ids.evaluation}`,
      }),
    ]);
    expect((await todo('otherAssessor')).items).toEqual([]);
  });

  it('shows a teacher their action item due within three days, not the far one', async () => {
    const due = ofKind((await todo('teacherA')).items, 'action_item_due');
    expect(due).toEqual([
      expect.objectContaining({ dueDate: '2026-11-12', link: `/meetings/${ids.meeting}?tab=items` }),
    ]);
    expect(ofKind((await todo('teacherA')).items, 'minutes_signature')).toEqual([]);
  });

  it('shows the lead their finished import', async () => {
    const { items } = await todo('lead');
    expect(ofKind(items, 'import_finished')).toEqual([
      expect.objectContaining({ title: expect.stringContaining('学校名单.xlsx'), link: '/imports' }),
    ]);
    expect(ofKind(items, 'minutes_signature')).toEqual([]);
  });

  it('filters by kind and refuses an unknown kind with 400', async () => {
    expect((await todo('principal1', '?kind=exchange_ending')).items.map((i) => i.kind)).toEqual(['exchange_ending']);
    const bad = await c.principal1!.get('/api/v1/todo?kind=bogus');
    expect(bad.statusCode).toBe(400);
    expect((await c.principal1!.get('/api/v1/todo?asOf=2026-13-01')).statusCode).toBe(400);
  });

  it('answers nobody signed out', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/todo' })).statusCode).toBe(401);
  });
});
