import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from './harness.js';
import { buildSchool, buildUser, HAINING, TONGXIANG, USER_PASSWORD } from '../src/server/test/factories.js';

/**
 * The users page of a county bureau: it lists only the county's accounts, and trying to
 * deactivate a fellow county administrator shows the server's refusal in Chinese.
 */
let e: E2E;
const users = {
  county: 'e2e-county',
  peer: 'e2e-county-peer',
  principal: 'e2e-hn-principal',
  other: 'e2e-tx-principal',
};

beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      const hn = await buildSchool(ctx.db, { name: '海宁市实验小学' });
      const tx = await buildSchool(ctx.db, { name: '桐乡市实验小学', region_code: TONGXIANG });
      await buildUser(ctx.db, 'bureau_admin', { kind: 'region', id: HAINING }, { username: users.county });
      await buildUser(ctx.db, 'bureau_admin', { kind: 'region', id: HAINING }, { username: users.peer });
      await buildUser(ctx.db, 'school_admin', { kind: 'school', id: hn.id }, { username: users.principal });
      await buildUser(ctx.db, 'school_admin', { kind: 'school', id: tx.id }, { username: users.other });
    },
  });
});
afterAll(() => e?.close());

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 200 });

describe('users page of a county bureau', () => {
  it('lists only its county and shows the 403 reason when it oversteps', async () => {
    const page = e.page;
    await e.login(users.county, USER_PASSWORD);
    await page.goto('/users');
    const table = page.getByTestId('user-table');
    await poll(() => table.locator('tbody tr').count()).toBe(3);
    const text = (await table.textContent()) ?? '';
    expect(text).toContain(users.peer);
    expect(text).toContain(users.principal);
    expect(text).not.toContain(users.other);
    expect(text).not.toContain('系统管理员');
    expect(
      await table
        .locator('td')
        .filter({ hasText: /^admin$/ })
        .count(),
    ).toBe(0);
    await page.getByTestId(`user-deactivate-${users.peer}`).click();
    await page.locator('.ant-popconfirm:visible .ant-btn-primary').click();
    await poll(() => page.locator('.ant-message-error').textContent()).toContain('不能修改与您同级或更高级别的用户');
  });

  it('shows a school administrator a no-permission page, not a form or a 404, where the role may not go', async () => {
    const page = e.page;
    await e.context.clearCookies();
    await e.login(users.principal, USER_PASSWORD);
    await page.goto('/dashboard/screens');
    await page.getByTestId('no-permission').waitFor();
    expect(await page.getByTestId('no-permission').textContent()).toContain('大屏链接只能由教育局管理员或教共体负责人');
    expect(await page.getByTestId('screen-create').count()).toBe(0);
    await page.goto('/users'); // a module of bureau administrators only
    await page.getByTestId('no-permission').waitFor();
    expect(await page.locator('body').textContent()).not.toContain('页面或记录不存在');
  });
});
