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
    await page.getByTestId('plan-map').locator('svg').first().waitFor();
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

  it('accepts an exchange plan with a kind chosen in the dialog, and the exchange register shows it', async () => {
    const page = e.page;
    page.setDefaultTimeout(45_000);
    try {
      await page.goto('/planner');
      await page.getByTestId('plan-create').click();
      // check() verifies the radio took the click: a click during the modal's opening must not
      // leave the form on 结对 and create a pairing plan, whose page has no exchange table
      await page.locator('.ant-modal').getByRole('radio', { name: '教师交流' }).check();
      await page.getByTestId('plan-name').fill('海宁 送教方案');
      const region = page.locator('.ant-modal .ant-select').first();
      await region.click();
      await page.keyboard.type('海宁');
      await page.locator('.ant-select-item-option', { hasText: '海宁市（330481）' }).click();
      await page.getByTestId('plan-create-submit').click();
      await page.waitForURL(/\/planner\/\d+$/);
      // an exchange plan's page, then its proposed assignments (say what the page shows if none)
      await page.getByTestId('exchange-table').waitFor({ timeout: 60_000 });
      const rows = page.getByTestId('exchange-table').locator('tbody tr.ant-table-row');
      await expect
        .poll(() => rows.count(), {
          timeout: 60_000,
          message: (await page.getByTestId('exchange-table').textContent()) ?? '',
        })
        .toBeGreaterThan(0);

      await page.getByTestId('plan-accept').click();
      const dialog = page.getByTestId('accept-exchange-form');
      await dialog.waitFor({ timeout: 30_000 });
      // the term is picked from a list, not typed; every row defaults to the plan's kind (走教/支教)
      expect(await page.getByTestId('accept-term').textContent()).toMatch(/学年第[一二]学期/);
      const firstRowKind = page.getByTestId('accept-row-kind-0');
      expect(await firstRowKind.textContent()).toMatch(/走教|支教/);
      await page.getByTestId('accept-kind-all').click();
      await page.keyboard.type('送教');
      await page.keyboard.press('Enter');
      await expect.poll(() => firstRowKind.textContent(), { timeout: 30_000 }).toBe('送教');
      const teacher = (await page
        .getByTestId('accept-rows')
        .locator('tbody tr.ant-table-row td')
        .first()
        .locator('div')
        .first()
        .textContent())!;
      await page.getByTestId('plan-accept-submit').click();
      // accepted (the accept button goes) or refused (the dialog lists each row's reason): say which
      const refused = page.getByTestId('accept-errors');
      await Promise.race([
        page.getByTestId('plan-accept').waitFor({ state: 'detached', timeout: 60_000 }),
        refused.waitFor({ timeout: 60_000 }),
      ]);
      expect(await refused.count(), (await refused.count()) ? ((await refused.textContent()) ?? '') : '').toBe(0);

      // the exchange register lists the teacher's new 送教 assignment
      await page.goto('/exchange');
      await page.getByPlaceholder('按教师姓名搜索').fill(teacher);
      await page.keyboard.press('Enter');
      const posted = page.getByTestId('assignment-table').locator('tbody tr.ant-table-row', { hasText: teacher });
      await expect.poll(() => posted.first().textContent(), { timeout: 60_000 }).toContain('送教');
      await e.screenshot('planner-exchange-accepted');
    } catch (err) {
      await e.screenshot('planner-exchange-accept-failed');
      throw err;
    }
  });

  it('draws the map offline with labels that do not overlap, a legend that matches, and no solver jargon', async () => {
    const page = e.page;
    await page.goto('/planner');
    await page.getByTestId('plan-table').getByText('海宁 2027 结对方案').click();
    await page.waitForURL(/\/planner\/\d+$/);
    const map = page.getByTestId('plan-map');
    // an offline base layer: the schools' area outlined on a neutral background, no tile service
    await map.locator('svg').first().waitFor();
    expect(await map.getAttribute('data-base-layer')).toBe('outline');
    expect(await map.locator('svg path[fill="#eef3f8"]').count()).toBeGreaterThan(0);
    // school names are drawn, and none overlaps another (hideOverlap drops the ones that would)
    const boxes = await map.locator('svg text').evaluateAll((els) =>
      els
        .filter((el) => (el.textContent ?? '').trim() !== '' && el.getBoundingClientRect().width > 0)
        .map((el) => {
          const r = el.getBoundingClientRect();
          return { text: el.textContent ?? '', x: r.x, y: r.y, w: r.width, h: r.height };
        }),
    );
    const names = boxes.filter((b) => /学|校/.test(b.text));
    expect(names.length).toBeGreaterThan(3);
    for (let i = 0; i < names.length; i++)
      for (let j = i + 1; j < names.length; j++) {
        const [a, b] = [names[i]!, names[j]!];
        // the browser's text box is a little taller than the glyphs: count an overlap of a fifth of the smaller name
        const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
        const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
        const shared = w > 0 && h > 0 ? w * h : 0;
        expect(shared / Math.min(a.w * a.h, b.w * b.h), `${a.text} overlaps ${b.text}`).toBeLessThan(0.2);
      }
    // the legend names the shapes in neutral grey and says what the colours mean
    const legend = page.getByTestId('plan-map-legend');
    expect(await legend.textContent()).toContain('核心校');
    expect(await legend.textContent()).toContain('同一颜色为同一教共体');
    // no solver jargon: the method is said in Chinese, and the settings explain themselves
    const status = (await page.getByTestId('plan-status').textContent()) ?? '';
    expect(status).not.toMatch(/SSP|MIP/);
    expect(status).toMatch(/精确最优（最小费用流）|整数规划/);
    await page.getByRole('tab', { name: '规划参数' }).click();
    await expect.poll(() => page.locator('.ant-form-item-tooltip').count()).toBeGreaterThan(5);
    await page.locator('.ant-form-item-tooltip').first().hover();
    await expect.poll(() => page.locator('.ant-tooltip').first().textContent()).toMatch(/[\u4e00-\u9fa5]{6,}/);
  });
});
