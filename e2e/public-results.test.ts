import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TEST_PASSWORD } from '../src/server/test/harness.js';
import { HAINING } from '../src/server/test/factories.js';
import { publishedResults } from '../src/server/modules/assessment/results.service.js';
import { SCREENSHOTS, startE2E, type E2E } from './harness.js';

/**
 * Issue 22: on the demo county the bureau publishes the 2025 results from the results page, the
 * link stays on the page, and a browser that never signed in opens it and sees the ranking; a viewer
 * sees the link but cannot withdraw it; the bureau withdraws it and the address answers 404.
 */
let e: E2E;
const fresh: BrowserContext[] = [];
beforeAll(async () => {
  e = await startE2E({ demo: true });
}, 240_000);
afterAll(async () => {
  for (const c of fresh) await c.close();
  await e?.close();
});

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 90_000, interval: 250 });

async function newPage(): Promise<Page> {
  const context = await e.browser.newContext({ baseURL: e.baseUrl, locale: 'zh-CN', timezoneId: 'UTC' });
  context.setDefaultTimeout(120_000);
  fresh.push(context);
  return context.newPage();
}

describe('public results page', () => {
  let url = '';

  it('the bureau publishes the year from the results page and the link stays on the page', async () => {
    const { page } = e;
    const results = await publishedResults(e.ctx.db, HAINING, 2025);
    expect(results.communities.length).toBeGreaterThan(5);
    await e.login('bureau', DEMO_TEST_PASSWORD);
    await page.goto('/assessment/results');
    await poll(() => page.getByTestId('results-table').textContent()).toContain(results.communities[0]!.communityName);
    expect(await page.getByTestId('public-page-link').count()).toBe(0);
    await page.getByTestId('public-page-publish').click();
    const link = page.getByTestId('public-page-link');
    await poll(() => link.count()).toBe(1);
    url = (await link.getAttribute('href'))!;
    expect(url).toBe(`${e.baseUrl}/public/results/${HAINING}/2025`);
    expect(await link.textContent()).toBe(url);
    // still there after a reload: the page reads it from the server, not from the toast
    await page.reload();
    await poll(() => page.getByTestId('public-page-link').textContent()).toBe(url);
    await expect(page.getByTestId('public-page-withdraw').isVisible()).resolves.toBe(true);
  });

  it('a browser that never signed in opens the link and sees the ranking, with no CSP violation', async () => {
    const results = await publishedResults(e.ctx.db, HAINING, 2025);
    const page = await newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const res = await page.goto(url);
    expect(res!.status()).toBe(200);
    const ranking = page.getByTestId('public-ranking');
    await poll(() => ranking.locator('tbody tr').count()).toBe(results.communities.length);
    const first = await ranking.locator('tbody tr').first().locator('td').allTextContents();
    const top = results.communities[0]!;
    expect(first.slice(0, 3)).toEqual([String(top.rank), top.communityName, top.total.toFixed(2)]);
    await expect(page.getByTestId('public-region-index').textContent()).resolves.toBe(results.regionIndex!.toFixed(2));
    await expect(page.locator('h1').textContent()).resolves.toContain('2025–2026 学年');
    expect(page.url()).not.toContain('/login');
    await page.screenshot({ path: `${SCREENSHOTS}/public-results.png`, fullPage: true });
    // English, from the page's own switch
    await page.getByRole('link', { name: 'English' }).click();
    await poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    await expect(page.locator('h1').textContent()).resolves.toContain('2025–2026');
    expect(errors).toEqual([]);
  });

  it('a viewer sees the link read-only', async () => {
    const page = await newPage();
    await page.goto('/login');
    await page.getByTestId('login-username').fill('viewer');
    await page.getByTestId('login-password').fill(DEMO_TEST_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.goto('/assessment/results');
    await poll(() => page.getByTestId('public-page-link').textContent()).toBe(url);
    expect(await page.getByTestId('public-page-withdraw').count()).toBe(0);
    expect(await page.getByTestId('public-page-publish').count()).toBe(0);
  });

  it('the bureau withdraws it and the address answers 404', async () => {
    const { page } = e;
    await page.getByTestId('public-page-withdraw').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await poll(() => page.getByTestId('public-page-publish').count()).toBe(1);
    expect(await page.getByTestId('public-page-link').count()).toBe(0);
    const anonymous = await newPage();
    const res = await anonymous.goto(url);
    expect(res!.status()).toBe(404);
    await expect(anonymous.locator('h1').textContent()).resolves.toBe('此公开页不存在或已撤回');
  });
});
