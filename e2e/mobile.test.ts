import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser } from '../src/server/test/factories.js';
import { DEMO_TEST_PASSWORD } from '../src/server/test/harness.js';
import { SCREENSHOTS, startE2E, type E2E } from './harness.js';

/**
 * The app on a phone (390×844, touch): no page a teacher, principal or community lead uses scrolls
 * sideways, the menu opens as a drawer, an activity is recorded and minutes are signed from the
 * phone. On a 1440×900 desktop the last menu item is not hidden under the sider's collapse bar.
 */
let e: E2E;
let phone: BrowserContext;
let page: Page;
let meetingId: number;
let communityId: number;
let names: { community: string; school: string };

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 90_000, interval: 200 });

/** Signs in through the API as a demo account (cookie for app.inject). */
async function apiSession(username: string) {
  const res = await e.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: DEMO_TEST_PASSWORD },
  });
  expect(res.statusCode).toBe(200);
  const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return (method: 'POST' | 'PATCH', url: string, payload: object) =>
    e.app.inject({ method, url, payload, headers: { cookie } }).then((r) => {
      expect(r.statusCode, r.body).toBeLessThan(300);
      return r.json();
    });
}

beforeAll(async () => {
  e = await startE2E({ demo: true });
  // minutes waiting for the demo principal's signature, written and circulated by the demo lead
  const lead = await e.ctx.db
    .selectFrom('users')
    .select(['scope_id'])
    .where('username', '=', 'lead')
    .executeTakeFirstOrThrow();
  const teacher = await e.ctx.db
    .selectFrom('users')
    .select(['scope_id'])
    .where('username', '=', 'teacher')
    .executeTakeFirstOrThrow();
  const school = await e.ctx.db
    .selectFrom('schools')
    .select('name')
    .where('id', '=', Number(teacher.scope_id))
    .executeTakeFirstOrThrow();
  const community = await e.ctx.db
    .selectFrom('communities')
    .select('name')
    .where('id', '=', Number(lead.scope_id))
    .executeTakeFirstOrThrow();
  names = { community: community.name, school: school.name };
  // the demo has one principal account: the other member schools get one so the minutes can circulate
  const members = await e.ctx.db
    .selectFrom('community_memberships')
    .select('school_id')
    .where('community_id', '=', Number(lead.scope_id))
    .where('end_date', 'is', null)
    .execute();
  for (const m of members) {
    const has = await e.ctx.db
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'school_admin')
      .where('scope_kind', '=', 'school')
      .where('scope_id', '=', String(m.school_id))
      .executeTakeFirst();
    if (!has) await buildUser(e.ctx.db, 'school_admin', { kind: 'school', id: m.school_id });
  }
  const asLead = await apiSession('lead');
  const m = await asLead('POST', '/api/v1/meetings', {
    communityId: Number(lead.scope_id),
    kind: 'regular',
    title: '手机会签测试联席会议',
    startsAt: '2026-11-20T06:30:00Z',
    place: '实验小学会议室',
  });
  meetingId = m.id;
  communityId = Number(lead.scope_id);
  const saved = await asLead('PATCH', `/api/v1/meetings/${m.id}/minutes`, {
    body: '# 会议纪要\n一、**同意**英语教师自12月起每周五到成员校走教。\n二、下学期同步课堂每周二开课。',
  });
  await asLead('POST', `/api/v1/meetings/${m.id}/minutes/circulate`, { sha256: saved.current.sha256 });

  phone = await e.browser.newContext({
    baseURL: e.baseUrl,
    locale: 'zh-CN',
    timezoneId: 'UTC',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  phone.setDefaultTimeout(120_000);
  phone.setDefaultNavigationTimeout(120_000);
  page = await phone.newPage();
});
afterAll(async () => {
  await phone?.close();
  await e?.close();
});

async function signIn(username: string) {
  await phone.clearCookies();
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_TEST_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** The page has loaded its data: no request in flight, no spinner or skeleton left. */
async function settled() {
  await page.waitForLoadState('networkidle');
  await poll(() => page.locator('.ant-spin-spinning, .ant-skeleton-active').count()).toBe(0);
}

/** How far the page is wider than the screen (0 when nothing scrolls sideways). */
const overflow = () =>
  page.evaluate<{ html: number; body: number }>(
    `({ html: document.documentElement.scrollWidth - window.innerWidth, body: document.body.scrollWidth - window.innerWidth })`,
  );

/**
 * What of the page's content sticks out past the screen's right edge (and is cut off or scrolls the
 * page), outside any box that scrolls or clips on its own (a wide table's scroller, the tabs' bar with
 * its 更多 menu); and how wide the content area is (the fixed sider left it ~140 px).
 */
const clipped = () =>
  page.evaluate<{ content: number; out: string[] }>(`(() => {
    const W = window.innerWidth;
    const root = document.querySelector('.ant-layout-content');
    const out = [];
    for (const el of root.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.right <= W + 1) continue;
      let p = el.parentElement, boxed = false;
      for (; p && p !== root; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o !== 'visible') { boxed = true; break; }
      }
      if (!boxed) out.push(el.tagName.toLowerCase() + '.' + String(el.className).split(' ')[0] + ' ' + Math.round(r.right));
    }
    return { content: Math.round(root.getBoundingClientRect().width), out: out.slice(0, 3) };
  })()`);

/** The page on screen: what of it is wider than the phone, if anything (and a screenshot). */
async function problems(name: string): Promise<string[]> {
  await settled();
  const found: string[] = [];
  const o = await overflow();
  if (o.html > 0 || o.body > 0) found.push(`${name}: +${Math.max(o.html, o.body)}px`);
  const c = await clipped();
  if (c.content < 320) found.push(`${name}: content ${c.content}px wide`);
  if (c.out.length) found.push(`${name}: ${c.out.join(', ')}`);
  await page.screenshot({ path: path.join(SCREENSHOTS, `mobile-${name.replace(/[/?=&]+/g, '-')}.png`) });
  return found;
}

async function checkPages(role: string, paths: string[]) {
  const wide: string[] = [];
  for (const p of paths) {
    await page.goto(p);
    wide.push(...(await problems(`${role}${p}`)));
  }
  return wide;
}

async function pick(testId: string, option: string) {
  const select = page.getByTestId(testId);
  // if the list was not open when the option was looked for (the drawer still sliding in on a busy
  // machine), close and open it again: a few attempts, each waiting for states, not for a time
  for (let attempt = 1; ; attempt++) {
    await select.click();
    try {
      await page
        .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: option })
        .first()
        .click({ timeout: 30_000 });
      await expect.poll(() => select.textContent(), { timeout: 30_000 }).toContain(option);
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
}

describe('on a phone (390×844)', () => {
  it('no teacher page scrolls sideways', async () => {
    await signIn('teacher');
    const wide = await checkPages('teacher', [
      '/',
      '/activities',
      '/activities/calendar',
      '/meetings',
      `/meetings/${meetingId}`,
      '/exchange',
      '/exchange/mentorships',
      '/resources',
      '/shared-courses',
      '/notifications',
      '/teachers',
      '/schools',
      '/communities',
    ]);
    // a resource the teacher can see, opened from the library (its player or preview)
    await page.goto('/resources');
    await page.getByTestId('resource-item').first().locator('a').first().click();
    await page.getByTestId('resource-detail-title').waitFor();
    wide.push(...(await problems('teacher-resource-detail')));
    expect(wide).toEqual([]);
  });

  it('fits a 360 px wide phone too', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    try {
      const wide = await checkPages('teacher-360', [
        '/',
        '/activities',
        `/meetings/${meetingId}`,
        '/exchange',
        '/resources',
        '/notifications',
      ]);
      expect(wide).toEqual([]);
    } finally {
      await page.setViewportSize({ width: 390, height: 844 });
    }
  });

  it('opens the menu as a drawer and navigates', async () => {
    await page.goto('/');
    await settled();
    expect(await page.getByTestId('side-menu').isVisible()).toBe(false);
    await page.getByTestId('nav-open').click();
    const menu = page.locator('.ant-drawer [data-testid="side-menu"]');
    await menu.getByText('资源库').click();
    await page.waitForURL(/\/resources$/);
    await poll(() => page.locator('.ant-drawer-open').count()).toBe(0);
  });

  it('searches from the header icon and opens the school it finds', async () => {
    await signIn('teacher');
    await page.goto('/');
    await settled();
    // the header has no room for the search box: an icon opens it, with the cursor already in it
    expect(await page.getByTestId('global-search').count()).toBe(0);
    await page.getByTestId('search-open').click();
    const input = page.locator('.ant-drawer-open [data-testid="global-search"] input');
    await input.waitFor();
    await poll(() => page.evaluate<boolean>(`document.activeElement?.matches('.ant-drawer-open input') ?? false`)).toBe(
      true,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'mobile-search.png') });
    await input.fill(names.school);
    // the options render in a portal, outside the drawer
    const hit = page.getByTestId('search-hit-school').filter({ hasText: names.school }).first();
    await hit.waitFor();
    await hit.click();
    await page.waitForURL(/\/schools\/\d+$/);
    await poll(() => page.locator('main').textContent()).toContain(names.school);
    await poll(() => page.locator('.ant-drawer-open').count()).toBe(0);
    expect((await overflow()).html).toBeLessThanOrEqual(0);
  });

  it('records an activity from the phone', async () => {
    await page.goto('/activities');
    await settled();
    await page.getByTestId('activity-create').click();
    const form = page.getByTestId('activity-form');
    await pick('f-kind', '专题讲座');
    await pick('f-community', names.community);
    await pick('f-organizer', names.school);
    await page.getByTestId('f-title').fill('手机记录：新课标专题讲座');
    await page.getByTestId('f-speaker').fill('王老师');
    await page.getByTestId('f-topic').fill('新课标下的作业设计');
    await page.getByTestId('f-audience').fill('全体数学教师');
    // the drawer fits the screen: its submit button is on it
    const box = await page.getByTestId('activity-form-submit').boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect((await overflow()).html).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'mobile-activity-form.png') });
    await page.getByTestId('activity-form-submit').click();
    await poll(() => form.isVisible()).toBe(false);
    // the saved record opens, and fits the screen too
    await poll(() => page.getByTestId('activity-detail').textContent()).toContain('手机记录：新课标专题讲座');
    expect(await problems('teacher-activity-detail')).toEqual([]);
    await poll(async () =>
      Number(
        (
          await e.ctx.db
            .selectFrom('activities')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('title', '=', '手机记录：新课标专题讲座')
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(1);
  });

  it('no principal or lead page scrolls sideways', async () => {
    await signIn('principal');
    const wide = await checkPages('principal', [
      '/',
      '/activities',
      '/activities/ledger',
      '/meetings',
      '/exchange',
      '/imports',
    ]);
    await signIn('lead');
    wide.push(
      ...(await checkPages('lead', [
        '/',
        '/activities/plans',
        '/activities/calendar',
        '/activities/calendar?view=week',
        '/meetings',
        `/meetings/${meetingId}`,
        `/communities/${communityId}`,
        '/exchange/due',
        '/exchange/report',
      ])),
    );
    expect(wide).toEqual([]);
  });

  it('signs the minutes from the phone, seeing the text and its fingerprint', async () => {
    await signIn('principal');
    await page.goto(`/meetings/${meetingId}`);
    await page.getByTestId('tab-minutes').click();
    await poll(() => page.getByTestId('minutes-status').textContent()).toBe('会签中');
    const minutes = await e.ctx.db
      .selectFrom('meeting_minutes_revisions')
      .select('body_sha256')
      .where('meeting_id', '=', meetingId)
      .executeTakeFirstOrThrow();
    expect(await page.getByTestId('minutes-fingerprint').textContent()).toContain(minutes.body_sha256.slice(0, 8));
    expect(await page.getByTestId('minutes-view').textContent()).toContain('下学期同步课堂每周二开课');
    expect((await overflow()).html).toBeLessThanOrEqual(0);
    const sign = page.getByTestId('minutes-sign');
    await sign.scrollIntoViewIfNeeded();
    const box = await sign.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'mobile-minutes-sign.png') });
    await sign.tap();
    await page.locator('.ant-popconfirm:visible .ant-btn-primary').tap();
    await poll(() => page.getByTestId('minutes-sign').count()).toBe(0);
    await poll(() => page.getByTestId('signers-table').textContent()).toContain('已签');
  });
});

describe('bureau analysis pages on a phone', () => {
  it('stay desktop-first but do not make the page scroll sideways', async () => {
    await signIn('bureau');
    const wide: string[] = [];
    for (const p of ['/', '/assessment', '/quality', '/quality/gaps', '/exchange/report']) {
      await page.goto(p);
      await settled();
      const o = await overflow();
      if (o.html > 0 || o.body > 0) wide.push(`${p}: +${Math.max(o.html, o.body)}px`);
      await page.screenshot({ path: path.join(SCREENSHOTS, `mobile-bureau${p.replace(/\//g, '-')}.png`) });
    }
    expect(wide).toEqual([]);
  });
});

describe('on a 1440×900 desktop', () => {
  it('shows the last menu item above the collapse bar, and it opens its page', async () => {
    const desk = e.page;
    await e.login('bureau', DEMO_TEST_PASSWORD);
    await desk.waitForLoadState('networkidle');
    const last = desk.locator('[data-testid="side-menu"] .ant-menu-item').last();
    await last.scrollIntoViewIfNeeded();
    // what the user would hit at the item's centre is the item itself, not the collapse bar
    const box = (await last.boundingBox())!;
    const hit = await desk.evaluate<string>(
      `document.elementFromPoint(${box.x + box.width / 2}, ${box.y + box.height / 2})?.closest('li, .ant-layout-sider-trigger')?.textContent ?? ''`,
    );
    expect(hit).toBe(await last.textContent());
    await last.click();
    await desk.waitForURL(/\/notifications$/);
    await e.screenshot('desktop-menu-last-item');
  });
});
