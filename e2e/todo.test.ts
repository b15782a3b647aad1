import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity, buildSchool, buildUser, USER_PASSWORD } from '../src/server/test/factories.js';
import { startE2E, type E2E } from './harness.js';

/**
 * 待办 on the home page (issue 20): a principal whose school must sign circulated minutes sees
 * 待签署会议纪要 and reaches the minutes in one click; a principal with nothing to do sees 暂无待办.
 */
let e: E2E;
let meetingId = 0;

beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      const db = ctx.db;
      const s1 = await buildSchool(db, { name: '硖石小学' });
      const s2 = await buildSchool(db, { name: '长安小学' });
      const community = await buildCommunity(db, [{ schoolId: s1.id, role: 'core' }], { name: '硖石教共体' });
      await buildUser(db, 'school_admin', { kind: 'school', id: s1.id }, { username: 'todo-principal' });
      await buildUser(db, 'school_admin', { kind: 'school', id: s2.id }, { username: 'todo-idle' });
      const meeting = await sql<{ id: number }>`insert into meetings (community_id, kind, title, starts_at, place)
        values (${community.id}, 'regular', '秋季联席会议', '2026-10-15T06:30:00Z', '会议室') returning id`.execute(db);
      meetingId = meeting.rows[0]!.id;
      const rev = await sql<{ id: number }>`insert into meeting_minutes_revisions
          (meeting_id, revision, status, body, body_sha256, round, circulated_at)
        values (${meetingId}, 1, 'circulated', '纪要正文', ${'a'.repeat(64)}, 1, now()) returning id`.execute(db);
      await sql`insert into meeting_minutes_signers (revision_id, round, school_id, school_name, school_role, user_id, signer_name, status)
        values (${rev.rows[0]!.id}, 1, ${s1.id}, '硖石小学', 'core', null, '校长', 'pending')`.execute(db);
    },
  });
});
afterAll(async () => {
  await e?.close();
});

describe('待办 on the home page', () => {
  it('shows the principal the minutes to sign and opens them in one click', async () => {
    const { page } = e;
    await e.login('todo-principal', USER_PASSWORD);
    const card = page.getByTestId('todo-card');
    await card.getByTestId('todo-count-minutes_signature').waitFor();
    expect(await card.textContent()).toContain('待签署会议纪要');
    expect(await card.textContent()).toContain('秋季联席会议');
    await e.screenshot('todo-principal');
    await card.getByTestId('todo-item-minutes_signature').getByTestId('todo-link').click();
    await page.waitForURL((u) => u.pathname === `/meetings/${meetingId}`);
    await page.getByTestId('minutes-status').waitFor();
    expect(await page.locator('.ant-tabs-tab-active').textContent()).toContain('纪要');
    // the breadcrumb leads back to the meetings list
    const crumbs = page.getByTestId('breadcrumb');
    expect(await crumbs.textContent()).toContain('首页');
    await crumbs.getByText('联席会议').click();
    await page.waitForURL((u) => u.pathname === '/meetings');
  });

  it('shows 暂无待办 when nothing waits', async () => {
    const { page } = e;
    await e.context.clearCookies();
    await e.login('todo-idle', USER_PASSWORD);
    await page.getByTestId('todo-empty').waitFor();
    expect(await page.getByTestId('todo-card').textContent()).toContain('暂无待办');
  });
});
