import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConsoleMessage } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDisplayToken, seedDashboardDemo } from '../src/server/modules/dashboard/dashboard.demo.js';
import { DEMO_TEST_PASSWORD } from '../src/server/test/harness.js';
import { buildApp } from '../src/server/app.js';
import { startE2E, WEB_ROOT, type E2E } from './harness.js';

/**
 * The app under its Content-Security-Policy in Chromium: login, the dashboard's charts (with a
 * tooltip), a list with its table, a form drawer and a modal, the big screen, the display link and
 * the API docs. Every console message and every `securitypolicyviolation` event is collected; there
 * must be none, and each page must have rendered. Last, another site tries to post forms to the app
 * (refused) and to frame it (only the display page, only for GONGJIN_FRAME_ANCESTORS).
 */
let e: E2E;
let evil: http.Server;
let evilOrigin = '';
let framedApp: Awaited<ReturnType<typeof buildApp>> | undefined;
const messages: string[] = [];
const violations: string[] = [];

beforeAll(async () => {
  e = await startE2E({ demo: true, seed: async (ctx) => void (await seedDashboardDemo(ctx.dbh, {})) });
  // every page reports its CSP violations through a binding that survives navigation
  await e.context.exposeBinding('__reportCsp', (_src, v: string) => void violations.push(v));
  // (a string: this file is typed for node, the script runs in the page)
  await e.context.addInitScript(`document.addEventListener('securitypolicyviolation', (ev) => {
    window.__reportCsp(ev.violatedDirective + ' blocked ' + (ev.blockedURI || 'inline') + ' at ' + ev.sourceFile + ':' + ev.lineNumber + ' on ' + location.pathname);
  });`);
  e.page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error' || m.type() === 'warning')
      messages.push(`[${m.type()}] ${m.text()} (${m.location().url})`);
  });
  e.page.on('pageerror', (err) => messages.push(`[pageerror] ${err.message}`));
  // another site with a form that posts to the app as soon as it loads
  evil = http.createServer((req, res) => {
    if (req.url?.startsWith('/frame?')) {
      const src = new URL(req.url, 'http://x').searchParams.get('src') ?? '';
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><iframe id="f" src="${src.replace(/"/g, '&quot;')}" width="960" height="540"></iframe>`);
      return;
    }
    const [, kind = 'text', ...rest] = (req.url ?? '/').split('/');
    const target = `${e.baseUrl}/${rest.join('/')}`;
    const enctype =
      kind === 'multipart'
        ? 'multipart/form-data'
        : kind === 'urlencoded'
          ? 'application/x-www-form-urlencoded'
          : 'text/plain';
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(
      `<!doctype html><form id="f" method="POST" action="${target}" enctype="${enctype}"><input name="a" value="1"></form><script>document.getElementById('f').submit()</script>`,
    );
  });
  await new Promise<void>((resolve) => evil.listen(0, 'localhost', resolve));
  evilOrigin = `http://localhost:${(evil.address() as AddressInfo).port}`;
}, 300_000);
afterAll(async () => {
  await framedApp?.close();
  await new Promise((resolve) => evil?.close(resolve));
  await e?.close();
});

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 30_000, interval: 250 });

/**
 * Nothing in the console, no violation reported, since the last check. The one expected line: the
 * signed-out app asks who is signed in (`/api/v1/auth/me` → 401), which Chromium logs as a failed load.
 */
function expectClean(where: string) {
  const seen = {
    where,
    violations: [...violations],
    messages: messages.filter((m) => !/status of 401 .*\/api\/v1\/auth\/me\)$/.test(m)),
  };
  violations.length = 0;
  messages.length = 0;
  expect(seen).toEqual({ where, violations: [], messages: [] });
}

describe('the app under its CSP', () => {
  it('serves the login page with a nonce and signs in', async () => {
    const { page } = e;
    const res = await page.goto('/login');
    const header = res?.headers()['content-security-policy'] ?? '';
    expect(header).toContain("script-src 'self'");
    expect(header).toMatch(/style-src 'self' 'nonce-[^']+'/);
    await poll(() => page.getByTestId('login-form').isVisible()).toBe(true);
    // antd wrote its styles into nonce'd <style> tags, and they apply (the button is styled)
    await poll(() => page.locator('style[data-css-hash], style[data-rc-order]').count()).toBeGreaterThan(0);
    await expect(
      page.evaluate<string>(`getComputedStyle(document.querySelector('[data-testid="login-submit"]')).backgroundColor`),
    ).resolves.not.toBe('rgba(0, 0, 0, 0)');
    await page.getByTestId('login-username').fill('bureau');
    await page.getByTestId('login-password').fill(DEMO_TEST_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    expectClean('login');
  });

  it('draws the dashboard charts and their tooltips', async () => {
    const { page } = e;
    await page.goto('/');
    await poll(() => page.getByTestId('figure-schools-value').textContent()).toMatch(/\d+所/);
    const chart = page.locator('[data-testid="chart-masterShareByCommunity"]');
    await poll(() => chart.locator('canvas').count()).toBeGreaterThan(0);
    await poll(() => page.locator('[data-testid="dashboard-map"] canvas').count()).toBeGreaterThan(0);
    // an ECharts tooltip is HTML with inline style attributes
    const box = (await chart.locator('canvas').first().boundingBox())!;
    for (const fx of [0.3, 0.5, 0.7])
      await page.mouse.move(box.x + box.width * fx, box.y + box.height * 0.6, { steps: 4 });
    const tooltip = () =>
      chart.evaluate((el) =>
        [...el.querySelectorAll('div')]
          .filter((d) => !d.querySelector('canvas') && (d.textContent ?? '').trim() !== '')
          .map((d) => `${d.getAttribute('style') ?? ''} | ${d.textContent}`),
      );
    await poll(async () => (await tooltip()).length).toBeGreaterThan(0);
    expectClean('dashboard');
  });

  it('shows a list with its table, a form drawer and a modal', async () => {
    const { page } = e;
    await page.goto('/schools');
    await poll(() => page.getByTestId('school-table').locator('tbody tr[data-row-key]').count()).toBeGreaterThan(5);
    // the 所属教共体 header reads on one line (it was crushed to a character per line)
    const header = await page
      .getByTestId('school-table')
      .locator('th', { hasText: '所属教共体' })
      .first()
      .boundingBox();
    expect(header!.height).toBeLessThan(60);
    expect(header!.width).toBeGreaterThan(120);
    await page.getByTestId('school-create').click();
    await poll(() => page.getByTestId('school-form').isVisible()).toBe(true);
    await page.getByTestId('school-form-submit').click(); // empty: the form shows its messages
    await poll(() => page.locator('.ant-form-item-explain-error').count()).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('school-form').isVisible()).toBe(false);
    // a filter nothing matches: the empty list says so and clears the filters
    await page.goto('/schools?search=%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E5%AD%A6%E6%A0%A1');
    const empty = page.getByTestId('list-empty');
    await poll(() => empty.textContent()).toContain('没有符合筛选条件的记录');
    await empty.getByRole('button', { name: '清除筛选' }).click();
    await poll(() => page.getByTestId('school-table').locator('tbody tr[data-row-key]').count()).toBeGreaterThan(5);
    expect(new URL(page.url()).searchParams.get('search')).toBeNull();
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '修改密码' }).click();
    const modal = page.getByRole('dialog', { name: '修改密码' });
    await poll(() => modal.isVisible()).toBe(true);
    await page.getByRole('button', { name: /取\s*消/ }).click();
    await poll(() => modal.isVisible()).toBe(false);
    expectClean('schools');
  });

  it('shows the big screen and the display link', async () => {
    const { page } = e;
    await page.goto('/dashboard/big-screen');
    await poll(() => page.getByTestId('big-screen').locator('canvas').count()).toBeGreaterThan(2);
    expectClean('big screen');
    const res = await page.goto(`/display/${demoDisplayToken()}`);
    expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await poll(() => page.getByTestId('display-screen').locator('svg').count()).toBeGreaterThan(2);
    // its stylesheet applied: the dark background
    await expect(page.evaluate<string>('getComputedStyle(document.body).backgroundColor')).resolves.toBe(
      'rgb(5, 11, 26)',
    );
    expectClean('display page');
  });

  it('shows the API docs', async () => {
    const { page } = e;
    await page.goto('/api/docs');
    await poll(() => page.locator('.swagger-ui .info .title').textContent()).toContain('Gongjin');
    // swagger-ui renders the first tags of the long list at once, the rest as one scrolls
    await poll(() => page.locator('.swagger-ui .opblock-tag').count()).toBeGreaterThan(2);
    await poll(() => page.locator('.swagger-ui .opblock').count()).toBeGreaterThan(5);
    await page.locator('.swagger-ui .opblock-summary').first().click();
    await poll(() => page.locator('.swagger-ui .opblock-body').count()).toBeGreaterThan(0);
    expectClean('api docs');
  });

  it('refuses form posts from another site, whatever their encoding, and the session survives', async () => {
    const { page } = e;
    for (const kind of ['text', 'urlencoded', 'multipart']) {
      for (const target of ['api/v1/auth/logout', 'api/v1/activities/1/attachments']) {
        const answer = page.waitForResponse((r) => r.url() === `${e.baseUrl}/${target}`);
        await page.goto(`${evilOrigin}/${kind}/${target}`);
        const res = await answer;
        expect(res.status(), `${kind} ${target}`).toBe(403);
        expect(await res.json()).toMatchObject({ code: 'cross_origin_request' });
      }
    }
    // Chromium logs the refused navigations (403) in the console; nothing else may be there
    expect(messages.every((m) => m.includes('403'))).toBe(true);
    messages.length = 0;
    await page.goto('/');
    await poll(() => page.getByTestId('user-menu').isVisible()).toBe(true);
    expectClean('after the cross-site posts');
  });

  it('lets only the configured origins frame the display page, and nobody the app', async () => {
    const { page } = e;
    // the same server with GONGJIN_FRAME_ANCESTORS naming the other site
    framedApp = await buildApp(
      { ...e.ctx, config: { ...e.ctx.config, frameAncestors: [evilOrigin] } },
      { logger: false, webRoot: WEB_ROOT },
    );
    await framedApp.listen({ port: 0, host: '127.0.0.1' });
    const framedBase = `http://127.0.0.1:${(framedApp.server.address() as AddressInfo).port}`;
    const frame = async (src: string) => {
      await page.goto(`${evilOrigin}/frame?src=${encodeURIComponent(src)}`);
      return page.frameLocator('#f');
    };
    const allowed = await frame(`${framedBase}/display/${demoDisplayToken()}`);
    await poll(() => allowed.getByTestId('display-screen').locator('svg').count()).toBeGreaterThan(2);
    expectClean('display page framed by a configured origin');

    for (const src of [`${e.baseUrl}/display/${demoDisplayToken()}`, `${framedBase}/login`, `${e.baseUrl}/`]) {
      await frame(src);
      // Chromium refuses the frame and says so in the console; the frame shows none of the page
      await poll(() => messages.some((m) => /frame-ancestors|X-Frame-Options|refused to connect/i.test(m))).toBe(true);
      const inner = page.frames().find((fr) => fr !== page.mainFrame());
      expect(
        (await inner?.locator('[data-testid="display-screen"], [data-testid="login-form"], #root > *').count()) ?? 0,
        src,
      ).toBe(0);
      messages.length = 0;
      violations.length = 0;
    }
  });
});
