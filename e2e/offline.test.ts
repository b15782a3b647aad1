import path from 'node:path';
import sharp from 'sharp';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TEST_PASSWORD } from '../src/server/test/harness.js';
import { SCREENSHOTS, startE2E, type E2E } from './harness.js';

/**
 * Recording on a phone (390×844) without a connection (issue 21): the record and its photos wait on
 * the device as 待同步 and reach the server once, with both photos, when the connection returns —
 * also when a sync is cut off midway (each step is idempotent by its device id). A record the server
 * refuses stays on the device with the server's reason. And the app is an installable PWA whose
 * service worker registers and opens the app without a connection.
 */
let e: E2E;
let phone: BrowserContext;
let page: Page;
let names: { community: string; school: string; schoolId: number; communityId: number };
/** the observation's two teachers: one of the teacher's own school, one of another school of the community */
let observer: string;
let observed: string;
let bigPhoto: Buffer;
let smallPhoto: Buffer;

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 90_000, interval: 200 });

beforeAll(async () => {
  e = await startE2E({ demo: true });
  const teacher = await e.ctx.db
    .selectFrom('users')
    .select(['scope_id'])
    .where('username', '=', 'teacher')
    .executeTakeFirstOrThrow();
  const school = await e.ctx.db
    .selectFrom('schools')
    .select(['id', 'name'])
    .where('id', '=', Number(teacher.scope_id))
    .executeTakeFirstOrThrow();
  const membership = await e.ctx.db
    .selectFrom('community_memberships')
    .innerJoin('communities', 'communities.id', 'community_memberships.community_id')
    .select(['communities.id', 'communities.name'])
    .where('community_memberships.school_id', '=', school.id)
    .where('community_memberships.end_date', 'is', null)
    .executeTakeFirstOrThrow();
  names = { community: membership.name, school: school.name, schoolId: school.id, communityId: membership.id };
  const teacherOf = (own: boolean) =>
    e.ctx.db
      .selectFrom('teachers')
      .select('name')
      .where('status', '=', 'active')
      .where(
        'school_id',
        'in',
        e.ctx.db
          .selectFrom('community_memberships')
          .select('school_id')
          .where('community_id', '=', membership.id)
          .where('end_date', 'is', null),
      )
      .where('school_id', own ? '=' : '<>', school.id)
      .orderBy('id')
      .executeTakeFirstOrThrow();
  observer = (await teacherOf(true)).name;
  observed = (await teacherOf(false)).name;
  // a phone photo (3000×2000, noisy so it does not compress to nothing) and a small screenshot
  const noise = Buffer.alloc(3000 * 2000 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  bigPhoto = await sharp(noise, { raw: { width: 3000, height: 2000, channels: 3 } })
    .jpeg({ quality: 95 })
    .toBuffer();
  smallPhoto = await sharp({ create: { width: 320, height: 240, channels: 4, background: '#1677ff' } })
    .png()
    .toBuffer();

  // the queue's own behaviour, without the service worker in between (page.route sees every request)
  phone = await e.browser.newContext({
    baseURL: e.baseUrl,
    locale: 'zh-CN',
    timezoneId: 'UTC',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    serviceWorkers: 'block',
  });
  phone.setDefaultTimeout(120_000);
  phone.setDefaultNavigationTimeout(120_000);
  page = await phone.newPage();
  await page.goto('/login');
  await page.getByTestId('login-username').fill('teacher');
  await page.getByTestId('login-password').fill(DEMO_TEST_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}, 300_000);
afterAll(async () => {
  await phone?.close();
  await e?.close();
});

async function pick(testId: string, option: string, search = false) {
  await page.getByTestId(testId).click();
  // a server-searched picker: type the name, so the option is among the first page of answers
  if (search) await page.keyboard.type(option);
  await page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: option })
    .first()
    .click();
  // the list has closed before the next field is touched (an open one covers the fields below it)
  await poll(() => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden):visible').count()).toBe(0);
}

/**
 * Fills the quick-entry form with two photos — a 听课评课 observation (teachers, subject, grade, the
 * rubric and feedback) or a quicker lecture — and the network goes away before 保存.
 */
async function recordOffline(title: string, kind: 'observation' | 'lecture' = 'lecture') {
  await page.goto('/activities');
  await page.waitForLoadState('networkidle');
  await page.getByTestId('activity-create').click();
  const form = page.getByTestId('activity-form');
  // the drawer has finished sliding in (a click during the animation lands beside its target)
  await poll(() => form.isVisible()).toBe(true);
  await poll(() => page.locator('.ant-drawer-content-wrapper[class*="motion"]').count()).toBe(0);
  await pick('f-kind', kind === 'observation' ? '听课评课' : '专题讲座');
  await pick('f-community', names.community, true);
  const disabled =
    '.ant-select-disabled[data-testid="f-organizer"], .ant-select-disabled:has([data-testid="f-organizer"])';
  await poll(() => page.locator(disabled).count()).toBe(0);
  await pick('f-organizer', names.school, true);
  await page.getByTestId('f-title').fill(title);
  if (kind === 'observation') {
    await pick('f-observerTeacherId', observer, true);
    await pick('f-observedTeacherId', observed, true);
    await pick('f-subject', '数学');
    await pick('f-grade', '三年级');
    await page.getByTestId('f-lessonTitle').fill('认识分数');
    const rates = form.locator('.ant-rate');
    for (let i = 0; i < (await rates.count()); i++) await rates.nth(i).locator('li').nth(3).click();
    await form.locator('textarea').first().fill('情境导入自然，分层练习设计合理，值得借鉴。');
  } else {
    await page.getByTestId('f-speaker').fill('王老师');
    await page.getByTestId('f-topic').fill('新课标下的作业设计');
    await page.getByTestId('f-audience').fill('全体数学教师');
  }
  await form.locator('input[type=file]').setInputFiles([
    { name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: bigPhoto },
    { name: 'screenshot.png', mimeType: 'image/png', buffer: smallPhoto },
  ]);
  await poll(() => form.locator('.ant-upload-list-item').count()).toBe(2);
  await phone.setOffline(true);
  await page.getByTestId('activity-form-submit').click();
  await poll(() => form.isVisible()).toBe(false);
}

async function onServer(title: string) {
  const rows = await e.ctx.db
    .selectFrom('activities')
    .leftJoin('activity_attachments', 'activity_attachments.activity_id', 'activities.id')
    .select(['activities.id', 'activity_attachments.mime_type', 'activity_attachments.size_bytes'])
    .where('activities.title', '=', title)
    .execute();
  return {
    activities: new Set(rows.map((r) => r.id)).size,
    photos: rows.filter((r) => r.mime_type !== null).length,
    rows,
  };
}

/** The queue's list (opened from the header badge): each record's state tag and title. */
async function queueList() {
  const drawer = page.getByTestId('offline-list');
  if (!(await drawer.isVisible())) await page.getByTestId('offline-badge').click();
  await poll(() => drawer.isVisible()).toBe(true);
  return drawer
    .getByTestId('offline-record')
    .evaluateAll((els) =>
      els.map((el) => `${el.querySelector('[data-testid="offline-state"]')?.textContent} ${el.textContent}`),
    );
}

async function closeList() {
  const drawer = page.getByTestId('offline-list');
  if (await drawer.isVisible()) {
    await page.keyboard.press('Escape');
    await poll(() => drawer.isVisible()).toBe(false);
  }
}

describe('recording offline on a phone (390×844)', () => {
  it('keeps an observation and its two photos on the device as 待同步 and sends them once when back online', async () => {
    const title = '离线听课：认识分数';
    await recordOffline(title, 'observation');
    await poll(() => page.getByTestId('offline-badge').isVisible()).toBe(true);
    const list = await queueList();
    expect(list).toHaveLength(1);
    expect(list[0]).toContain('待同步');
    expect(list[0]).toContain(title);
    expect(list[0]).toContain('0/2');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'offline-pending.png') });
    expect((await onServer(title)).activities).toBe(0);
    await closeList();

    await phone.setOffline(false); // the `online` event sends the queue
    await poll(async () => (await onServer(title)).photos).toBe(2);
    const server = await onServer(title);
    expect(server.activities).toBe(1);
    // the photos were made smaller on the phone: JPEG, the 3000×2000 photo well under its size
    expect(server.rows.map((r) => r.mime_type)).toEqual(['image/jpeg', 'image/jpeg']);
    expect(Math.max(...server.rows.map((r) => r.size_bytes!))).toBeLessThan(bigPhoto.length / 2);
    await poll(() => page.getByTestId('offline-badge').count()).toBe(0);
  });

  it('resumes a sync cut off midway without a duplicate record or photo', async () => {
    const title = '离线记录：中断后续传';
    await recordOffline(title);
    // the server stores the create, then the second photo, but each time the answer never reaches
    // the phone (the connection drops after sending): the worst moment to be cut off
    const cut = { create: true, secondPhoto: true };
    let photos = 0;
    const lose = async (route: Route) => {
      await route.fetch();
      await route.abort('internetdisconnected');
    };
    await page.route(
      (u) => u.pathname === '/api/v1/activities',
      async (route) => {
        if (route.request().method() === 'POST' && cut.create) {
          cut.create = false;
          return lose(route);
        }
        return route.fallback();
      },
    );
    await page.route(
      (u) => /^\/api\/v1\/activities\/\d+\/attachments$/.test(u.pathname),
      async (route) => {
        photos++;
        if (photos === 2 && cut.secondPhoto) {
          cut.secondPhoto = false;
          return lose(route);
        }
        return route.fallback();
      },
    );
    await phone.setOffline(false);
    // first sync: the activity is stored, its answer lost; the record waits
    await poll(async () => (await onServer(title)).activities).toBe(1);
    await poll(async () => (await queueList()).join()).toContain('待同步');
    expect((await onServer(title)).photos).toBe(0);
    // second sync: the create is answered with the first record (200), photo 1 goes, photo 2 is
    // stored but its answer lost
    await page.getByTestId('offline-sync-now').click();
    await poll(async () => (await onServer(title)).photos).toBe(2);
    await poll(() => page.getByTestId('offline-sync-now').isEnabled()).toBe(true);
    expect((await queueList()).join()).toContain('1/2');
    // third sync: photo 2 again, answered with the stored one (200); the record leaves the queue
    await page.getByTestId('offline-sync-now').click();
    await poll(() => page.getByTestId('offline-badge').count()).toBe(0);
    const server = await onServer(title);
    expect({ activities: server.activities, photos: server.photos }).toEqual({ activities: 1, photos: 2 });
    expect(photos).toBe(3);
    await page.unrouteAll();
  });

  it('keeps a record the server refuses, with its reason, until the user retries or deletes it', async () => {
    const title = '离线记录：学校已退出教共体';
    await recordOffline(title);
    // while the phone is offline the school leaves the community: the server will refuse the record
    const yesterday = new Date(Date.now() - 86400_000).toISOString().slice(0, 10);
    await e.ctx.db
      .updateTable('community_memberships')
      .set({ end_date: yesterday })
      .where('school_id', '=', names.schoolId)
      .where('community_id', '=', names.communityId)
      .where('end_date', 'is', null)
      .execute();
    await phone.setOffline(false);
    await poll(async () => (await queueList()).join()).toContain('同步失败');
    const reason = await page.getByTestId('offline-reason').textContent();
    expect(reason).toMatch(/成员|权限|范围/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'offline-refused.png') });
    expect((await onServer(title)).activities).toBe(0);
    // 重试 meets the same refusal: the record is still there
    await page.getByTestId('offline-retry').click();
    await poll(() => page.getByTestId('offline-retry').isEnabled()).toBe(true);
    await poll(async () => (await queueList()).join()).toContain('同步失败');
    // a reload (app open) keeps it too: it lives on the device, not in the page
    await page.reload();
    await poll(async () => (await queueList()).join()).toContain(title);
    // 删除 (confirmed) removes it
    await page.getByTestId('offline-delete').click();
    await page.locator('#offline-delete-confirm').click();
    await poll(() => page.getByTestId('offline-badge').count()).toBe(0);
    expect((await onServer(title)).activities).toBe(0);
  });
});

describe('the installable app', () => {
  it('has a manifest, registers its service worker and opens without a connection', async () => {
    const ctx = await e.browser.newContext({
      baseURL: e.baseUrl,
      locale: 'zh-CN',
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    ctx.setDefaultTimeout(120_000);
    try {
      const p = await ctx.newPage();
      await p.goto('/login');
      const manifest = await p.evaluate<{ name: string; icons: { sizes: string }[] }>(
        `fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json())`,
      );
      expect(manifest.name).toContain('共进');
      expect(manifest.icons.map((i) => i.sizes)).toContain('512x512');
      const script = await p.evaluate<string>(`navigator.serviceWorker.ready.then((r) => r.active.scriptURL)`);
      expect(new URL(script).pathname).toBe('/sw.js');
      await p.getByTestId('login-username').fill('teacher');
      await p.getByTestId('login-password').fill(DEMO_TEST_PASSWORD);
      await p.getByTestId('login-submit').click();
      await p.waitForURL((u) => !u.pathname.startsWith('/login'));
      await poll(() => p.evaluate<boolean>('!!navigator.serviceWorker.controller')).toBe(true);
      await p.goto('/activities');
      await p.waitForLoadState('networkidle');
      await ctx.setOffline(true);
      await p.reload();
      await poll(() => p.getByTestId('activity-create').isVisible()).toBe(true);
    } finally {
      await ctx.close();
    }
  });
});
