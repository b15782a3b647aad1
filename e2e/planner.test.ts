import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from './harness.js';

let e: E2E;
beforeAll(async () => {
  e = await startE2E({ demo: true });
  await e.login();
});
afterAll(async () => {
  await e?.close();
});

describe('planner', () => {
  it('plans the demo county: map, proposal table, totals, lock and re-plan', async () => {
    const page = e.page;
    await page.goto('/planner');
    await page.getByTestId('plan-create').click();
    await page.getByTestId('plan-name').fill('海宁 2027 结对方案');
    const region = page.locator('.ant-modal .ant-select').first();
    await region.click();
    await page.keyboard.type('海宁');
    await page.locator('.ant-select-item-option', { hasText: '海宁市（330481）' }).click();
    await page.getByTestId('plan-create-submit').click();

    await page.waitForURL(/\/planner\/\d+$/);
    await page.getByTestId('plan-map').locator('canvas').first().waitFor();
    const rows = page.getByTestId('proposal-table').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(10);
    await expect.poll(() => page.getByTestId('plan-status').textContent()).toContain('已证明最优');
    const worst = await page.getByTestId('figure-worst').textContent();
    expect(worst).toMatch(/公里/);
    await e.screenshot('planner-map');

    // lock the first pair: it comes back marked as locked after re-planning
    const firstMember = await rows.first().locator('td').first().textContent();
    await rows.first().getByRole('button', { name: '锁定' }).click();
    await expect
      .poll(() =>
        page
          .getByTestId('proposal-table')
          .locator('tbody tr', { hasText: firstMember ?? '' })
          .first()
          .textContent(),
      )
      .toContain('已锁定');
  });
});
