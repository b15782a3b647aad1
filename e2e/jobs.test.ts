import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from './harness.js';
import { buildUser, HAINING, USER_PASSWORD } from '../src/server/test/factories.js';

/** The job queue's page: a failed job shows why, and the national administrator queues it again (and it runs). */
let e: E2E;
let deadId = 0;

beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      await buildUser(ctx.db, 'bureau_admin', { kind: 'region', id: HAINING }, { username: 'e2e-county-jobs' });
      const row = await ctx.db
        .insertInto('jobs')
        .values({
          kind: 'io.sweep-import-files',
          payload: '{}',
          status: 'dead',
          attempts: 5,
          max_attempts: 5,
          timeout_seconds: 600,
          last_error: 'ENOSPC: no space left on device',
          finished_at: new Date().toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      deadId = Number(row.id);
    },
  });
});
afterAll(() => e?.close());

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 30_000, interval: 250 });

describe('background jobs page', () => {
  it('shows a dead job with its reason and queues it again', async () => {
    const { page } = e;
    await e.login();
    await page.goto('/jobs?status=dead');
    const table = page.getByTestId('job-table');
    await poll(() => table.textContent()).toContain('删除超期的导入文件');
    expect(await table.textContent()).toContain('ENOSPC: no space left on device');
    await page.getByTestId(`job-retry-${deadId}`).click();
    // queued again, and this server's worker (as in production) runs it
    await poll(
      async () =>
        (await e.ctx.db.selectFrom('jobs').select('status').where('id', '=', deadId).executeTakeFirstOrThrow()).status,
    ).toBe('done');
  });

  it('is not in the menu of a county administrator', async () => {
    const { page } = e;
    await page.context().clearCookies();
    await e.login('e2e-county-jobs', USER_PASSWORD);
    await page.goto('/');
    await poll(() => page.getByRole('menuitem', { name: /审计日志/ }).count()).toBeGreaterThan(0);
    expect(await page.getByRole('menuitem', { name: /后台任务/ }).count()).toBe(0);
  });
});
