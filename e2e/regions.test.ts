import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, HAINING, USER_PASSWORD } from '../src/server/test/factories.js';
import { startE2E, type E2E } from './harness.js';

/**
 * Loading a county's townships (乡镇/街道) had only an API (POST /regions/:code/townships): the
 * county's bureau now loads them from the regions page; a viewer of the county sees no button.
 */
let e: E2E;
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 90_000, interval: 200 });

beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      await buildUser(ctx.db, 'bureau_admin', { kind: 'region', id: HAINING }, { username: 'bureau_regions' });
      await buildUser(ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'viewer_regions' });
    },
  });
});
afterAll(async () => {
  await e?.close();
});

describe('townships of a county', () => {
  it('a viewer of the county sees no loading button', async () => {
    const { page } = e;
    await e.login('viewer_regions', USER_PASSWORD);
    await page.goto(`/regions?parent=${HAINING}`);
    await poll(() => page.locator('.ant-breadcrumb').textContent()).toContain('海宁市');
    expect(await page.getByTestId('load-townships').count()).toBe(0);
  });

  it('the county bureau loads them from the regions page, audited', async () => {
    const { page } = e;
    await e.context.clearCookies();
    await e.login('bureau_regions', USER_PASSWORD);
    // not on the city above the county
    await page.goto('/regions?parent=330400');
    await poll(() => page.locator('.ant-breadcrumb').textContent()).toContain('嘉兴市');
    expect(await page.getByTestId('load-townships').count()).toBe(0);
    await page.goto(`/regions?parent=${HAINING}`);
    await page.getByTestId('load-townships').click();
    await poll(() => page.locator('.ant-table').textContent()).toContain('硖石街道');
    const loaded = await e.ctx.db
      .selectFrom('regions')
      .select('code')
      .where('parent_code', '=', HAINING)
      .where('level', '=', 4)
      .execute();
    expect(loaded.length).toBeGreaterThan(0);
    expect(
      await e.ctx.db.selectFrom('audit_log').select('entity_id').where('action', '=', 'load_townships').execute(),
    ).toEqual([{ entity_id: HAINING }]);
  });
});
