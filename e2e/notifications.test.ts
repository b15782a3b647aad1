import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from './harness.js';
import { buildSchool, buildUser, USER_PASSWORD } from '../src/server/test/factories.js';
import { notify } from '../src/server/modules/notifications/index.js';

/** The top bar's bell: the unread count and the list after a notification is created; marking read clears it. */
let e: E2E;
let userId = 0;

beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      const school = await buildSchool(ctx.db, { name: '硖石小学' });
      userId = (await buildUser(ctx.db, 'school_admin', { kind: 'school', id: school.id }, { username: 'e2e-bell' }))
        .id;
    },
  });
});
afterAll(() => e?.close());

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 30_000, interval: 250 });

describe('the notification bell', () => {
  it('shows the unread count and the list after a notification is created, and marks it read', async () => {
    const { page } = e;
    await e.login('e2e-bell', USER_PASSWORD);
    const bell = page.getByTestId('notification-bell');
    await bell.waitFor();
    const count = page.locator('[data-testid="notification-count"] .ant-badge-count');
    expect(await count.count()).toBe(0);

    await notify(e.ctx.db, {
      userId,
      kind: 'minutes_signature',
      dedupeKey: 'e2e-minutes-1',
      title: '会议纪要待您签署',
      titleEn: 'Minutes await your signature',
      body: '硖石教共体「秋季联席会议」第 1 版纪要待签署',
      bodyEn: 'revision 1 awaits signature',
      link: '/notifications',
    });
    await page.reload();
    await poll(() => count.getAttribute('title')).toBe('1');
    await e.screenshot('notifications-bell');

    await bell.click();
    const list = page.getByTestId('notification-list');
    await poll(() => list.textContent()).toContain('会议纪要待您签署');
    expect(await list.textContent()).toContain('秋季联席会议');
    await page.getByTestId('notification-mark-read').click();
    await poll(() => count.count()).toBe(0);
    await poll(
      async () => (await e.ctx.db.selectFrom('notifications').select('read_at').executeTakeFirstOrThrow()).read_at,
    ).not.toBeNull();
  });

  it('the notifications page lists it with the preferences per channel', async () => {
    const { page } = e;
    await page.goto('/notifications');
    await poll(() => page.getByTestId('notification-preferences').textContent()).toContain('钉钉群机器人');
    expect(await page.locator('body').textContent()).toContain('会议纪要待您签署');
  });
});
