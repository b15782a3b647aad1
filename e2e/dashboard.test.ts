import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TEST_PASSWORD } from '../src/server/test/harness.js';
import { demoDisplayToken, seedDashboardDemo } from '../src/server/modules/dashboard/dashboard.demo.js';
import { SCREENSHOTS, startE2E, type E2E } from './harness.js';

/**
 * The bureau's cockpit in Chromium on the demo county: the dashboard with its figures, charts and
 * map; a figure opens the list behind it; the big screen (signed in) and the display link (no
 * login at all). Every screenshot is decoded and must not be blank.
 */
let e: E2E;
beforeAll(async () => {
  e = await startE2E({ demo: true, seed: async (ctx) => void (await seedDashboardDemo(ctx.dbh, {})) });
}, 240_000);
afterAll(() => e?.close());

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 90_000, interval: 250 });

/** A row of the gaps table by its exam date. */
const gapsRow = (date: string) => e.page.getByTestId('gaps-table').locator('tbody tr[data-row-key]', { hasText: date });

/** The gaps page compares exactly these exams in this subject: in its table and in its selectors. */
async function expectSelection(examIds: string[], subject: string) {
  const { page } = e;
  const rows = page.getByTestId('gaps-table').locator('tbody tr[data-row-key]');
  await poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-row-key')).sort())).toEqual(
    [...examIds].sort(),
  );
  await poll(() => page.getByTestId('gaps-subject').locator('.ant-select-content').textContent()).toBe(subject);
  // the selected exams, labelled as the table names them (date and name); a responsive multiple
  // select keeps tags it has no room for, and its "+ n ..." tag, in the page as aria-hidden
  const names = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')?.textContent ?? ''));
  const tags = page
    .getByTestId('gaps-exams')
    .locator('.ant-select-content-item:not([aria-hidden]) > .ant-select-selection-item');
  await poll(async () => (await tags.evaluateAll((els) => els.map((el) => el.getAttribute('title')))).sort()).toEqual(
    names.sort(),
  );
}

/** Standard deviation of the grey levels: a blank or single-colour screenshot is close to 0. */
async function pixelSpread(file: string): Promise<{ sd: number; width: number; height: number }> {
  const img = sharp(file);
  const meta = await img.metadata();
  const stats = await img.greyscale().stats();
  return { sd: stats.channels[0]?.stdev ?? 0, width: meta.width ?? 0, height: meta.height ?? 0 };
}

describe('dashboard in the browser', () => {
  it('shows the region dashboard with figures, charts and the map', async () => {
    await e.login('bureau', DEMO_TEST_PASSWORD);
    const { page } = e;
    await page.goto('/');
    await poll(() => page.getByTestId('figure-coverage-value').textContent()).toMatch(/%$/);
    await poll(() => page.getByTestId('figure-schools-value').textContent()).toMatch(/\d+所/);
    await poll(() => page.locator('[data-testid="dashboard-map"] canvas').count()).toBeGreaterThan(0);
    await poll(() => page.locator('[data-testid="chart-masterShareByCommunity"] canvas').count()).toBeGreaterThan(0);
    await expect(page.getByTestId('dashboard-page').textContent()).resolves.toContain('海宁市');
    // this school year has no published index yet: the latest one is shown, saying which year it is
    await poll(() => page.getByTestId('figure-regionIndex-value').textContent()).toMatch(/^\d+(\.\d+)?/);
    await expect(page.getByTestId('figure-regionIndex').textContent()).resolves.toContain('2025–2026 学年考核结果');
    const shot = await e.screenshot('dashboard-region');
    const s = await pixelSpread(shot);
    expect(s.sd).toBeGreaterThan(10);
  });

  it('a figure opens the list that produced it, with the same count', async () => {
    const { page } = e;
    const text = (await page.getByTestId('figure-teachers-value').textContent()) ?? '';
    const n = Number(text.replace(/[^\d]/g, ''));
    expect(n).toBeGreaterThan(0);
    await page.getByTestId('figure-teachers').click();
    await page.waitForURL(/\/dashboard\/teachers/);
    await poll(() => page.getByText(`共 ${n} 人`).count()).toBe(1);
  });

  it('shows the academic-quality panel and drills into the gaps page', async () => {
    const { page } = e;
    await page.goto('/');
    const panel = page.getByTestId('panel-quality.gaps');
    await panel.scrollIntoViewIfNeeded();
    // the demo's latest exam this school year: the November grade-6 mid-term, rural schools behind
    await poll(() => page.getByTestId('figure-qualityMeanGap.math-value').textContent()).toMatch(/^\d+(\.\d)?分$/);
    await poll(() => page.getByTestId('figure-qualityPassGap.math-value').textContent()).toMatch(/个百分点$/);
    await poll(() => page.getByTestId('figure-qualityMeanGapChange.math-value').textContent()).toMatch(
      /^[+-]?\d+(\.\d)?分$/,
    );
    await expect(page.getByTestId('figure-qualityMeanGap.math').textContent()).resolves.toMatch(
      /2026-11-10 六年级；城区 [\d,]+ 人 \/ 乡村 [\d,]+ 人/,
    );
    await poll(() => panel.locator('[data-testid="chart-qualityGapTrend"] canvas').count()).toBeGreaterThan(0);
    expect(await panel.textContent()).not.toMatch(/NaN|undefined/);
    await e.screenshot('dashboard-quality-panel');
    await page.getByTestId('figure-qualityMeanGap.math').click();
    // the gaps page with the query of the gaps API: maths, the previous comparable exam and the latest
    await page.waitForURL(
      (u) =>
        u.pathname === '/quality/gaps' &&
        u.searchParams.get('subject') === 'math' &&
        /^\d+,\d+$/.test(u.searchParams.get('examIds') ?? ''),
    );
    const linkIds = new URL(page.url()).searchParams.get('examIds')!.split(',');
    const linkUrl = page.url();
    // exactly the link's exams and subject, not the page's default selection (the last 12 maths exams)
    await expectSelection(linkIds, '数学');
    await expect(gapsRow('2026-11-10').count()).resolves.toBe(1);
    await poll(() => page.getByTestId('gaps-change').count()).toBe(1);
    // narrowed to the dashboard's county, as the tile is; the reader can widen it to everyone they can see
    expect(new URL(linkUrl).searchParams.get('region')).toBe('330481');
    await poll(() => page.getByTestId('gaps-narrowed').count()).toBe(1);
    await e.screenshot('dashboard-quality-drill-gaps');
    await page.getByTestId('gaps-widen').click();
    await page.waitForURL((u) => !u.searchParams.has('region') && u.searchParams.get('examIds') === linkIds.join(','));
    await poll(() => page.getByTestId('gaps-narrowed').count()).toBe(0);
    await page.goBack();
    await page.waitForURL(linkUrl);

    // another subject is a history entry: the URL follows it, and back returns to the link's selection
    await page.getByTestId('gaps-subject').click();
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: '语文' })
      .first()
      .click();
    await page.waitForURL((u) => u.searchParams.get('subject') === 'chinese' && !u.searchParams.has('examIds'));
    await poll(() => page.getByText('语文平均分差距趋势').count()).toBe(1);
    await page.goBack();
    await page.waitForURL(linkUrl);
    await expectSelection(linkIds, '数学');

    // unknown and malformed ids in a link are ignored; the known one is still shown
    await page.goto(`/quality/gaps?subject=math&examIds=${linkIds[1]},987654,abc,-3`);
    await expectSelection([linkIds[1]!], '数学');
    expect(await page.getByTestId('gaps-table').textContent()).toContain('2026-11-10');
    expect(await page.locator('.ant-alert-error, .ant-message-error').count()).toBe(0);
  });

  it('big screen: dark, 16:9, full window', async () => {
    const { page } = e;
    await page.goto('/dashboard/big-screen');
    await poll(() => page.getByTestId('big-screen').locator('canvas').count()).toBeGreaterThan(2);
    const box = await page.getByTestId('big-screen').boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 1440, height: 900 });
    // the charts animate in: shoot until the picture has drawn (no fixed wait, a loaded machine is slower)
    let shot = '';
    await poll(async () => {
      shot = await e.screenshot('dashboard-big-screen');
      return (await pixelSpread(shot)).sd;
    }).toBeGreaterThan(8);
    // dark: the mean grey level is low
    const stats = await sharp(shot).greyscale().stats();
    expect(stats.channels[0]!.mean).toBeLessThan(80);
  });

  it('a display link shows the screen without any login', async () => {
    const context = await e.browser.newContext({
      baseURL: e.baseUrl,
      viewport: { width: 1920, height: 1080 },
      locale: 'zh-CN',
    });
    const page = await context.newPage();
    await page.goto(`/display/${demoDisplayToken()}`);
    await poll(() => page.getByTestId('display-screen').locator('svg').count()).toBeGreaterThan(2);
    expect(page.url()).not.toContain('/login');
    await expect(page.getByTestId('display-screen').textContent()).resolves.toContain('海宁市教共体数据大屏');
    const file = `${SCREENSHOTS}/dashboard-display-link.png`;
    await page.screenshot({ path: file });
    const s = await pixelSpread(file);
    expect(s.sd).toBeGreaterThan(8);
    expect(s.width / s.height).toBeCloseTo(16 / 9, 1);
    await context.close();
  });
});
