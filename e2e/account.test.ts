import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, HAINING, USER_PASSWORD } from '../src/server/test/factories.js';
import { hashPassword } from '../src/server/modules/auth/auth.service.js';
import { startE2E, type E2E } from './harness.js';

/**
 * Accounts in the browser (issue 14): a password an administrator reset must be changed before the
 * app opens; 会话管理 lists the sessions and signs out everywhere; a locked account shows an unlock
 * button to the administrator.
 */
let e: E2E;

beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      const reset = await buildUser(ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'resetme' });
      await ctx.db
        .updateTable('users')
        .set({ password_hash: await hashPassword('set-by-admin-1'), must_change_password: true })
        .where('id', '=', reset.id)
        .execute();
      await buildUser(ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'lockedout' });
      await ctx.db
        .updateTable('users')
        .set({ locked_at: new Date().toISOString() })
        .where('username', '=', 'lockedout')
        .execute();
    },
  });
});
afterAll(async () => {
  await e?.close();
});

describe('accounts in the browser', () => {
  it('forces a new password after an administrator reset, then opens the app', async () => {
    const { page } = e;
    await page.goto('/login');
    await page.getByTestId('login-username').fill('resetme');
    await page.getByTestId('login-password').fill('set-by-admin-1');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('forced-password').waitFor();
    expect(await page.getByTestId('forced-password').textContent()).toContain('您的密码由管理员设置');
    await page.getByTestId('forced-current').fill('set-by-admin-1');
    await page.getByTestId('forced-new').fill('my-own-password-1');
    await page.getByTestId('forced-confirm').fill('my-own-password-1');
    await page.getByTestId('forced-submit').click();
    await page.getByTestId('side-menu').waitFor();
    await e.screenshot('account-after-forced-change');
  });

  it('lists the sessions in 会话管理 and signs out everywhere', async () => {
    const { page } = e;
    await page.getByTestId('user-menu').hover();
    await page.getByTestId('user-menu-sessions').click();
    const table = page.getByTestId('sessions-table');
    await table.waitFor();
    await expect.poll(() => table.textContent()).toContain('当前');
    expect(await table.textContent()).toContain('127.0.0.1');
    await e.screenshot('account-sessions');
    await page.getByTestId('sessions-signout-all').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await page.waitForURL((u) => u.pathname.startsWith('/login'));
    await page.goto('/');
    await page.waitForURL((u) => u.pathname.startsWith('/login'));
  });

  it('forces a new password on an account an administrator just created, on every page', async () => {
    const { page } = e;
    await e.context.clearCookies();
    await e.login();
    const status = await page.evaluate(async () => {
      const res = await fetch('/api/v1/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          username: 'newcomer',
          displayName: '新同事',
          password: 'set-by-admin-2',
          role: 'viewer',
          scope: { kind: 'region', id: '330481' },
        }),
      });
      return res.status;
    });
    expect(status).toBe(201);
    await e.context.clearCookies();
    await e.login('newcomer', 'set-by-admin-2');
    await page.getByTestId('forced-password').waitFor();
    // another page is no way around it
    await page.goto('/schools');
    await page.getByTestId('forced-password').waitFor();
    expect(await page.getByTestId('side-menu').count()).toBe(0);
    await page.getByTestId('forced-current').fill('set-by-admin-2');
    await page.getByTestId('forced-new').fill('newcomers-own-pass-1');
    await page.getByTestId('forced-confirm').fill('newcomers-own-pass-1');
    await page.getByTestId('forced-submit').click();
    await page.getByTestId('side-menu').waitFor();
    await e.context.clearCookies();
  });

  it('shows a locked account to the administrator, who unlocks it', async () => {
    const { page } = e;
    await e.login();
    await page.goto('/users');
    await page.getByTestId('user-locked-lockedout').waitFor();
    await page.getByTestId('user-unlock-lockedout').click();
    await expect.poll(() => page.getByTestId('user-locked-lockedout').count()).toBe(0);
    const res = await e.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'lockedout', password: USER_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
  });
});
