import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity, buildSchool, buildUser, HAINING, USER_PASSWORD } from '../src/server/test/factories.js';
import { startE2E, type E2E } from './harness.js';

/**
 * A village-school teacher uploads a small recorded lesson (a WebM the browser records from a
 * canvas, so no binary fixture is needed), finds it by a few Chinese words, and plays it: the video
 * streams through HTTP range requests and the view is counted once.
 */
let e: E2E;
const title = '七年级数学《一元一次方程》课堂实录';
const ranges: { status: number; range: string | undefined }[] = [];

beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      const core = await buildSchool(ctx.db, { name: '海宁市第一中学' });
      const village = await buildSchool(ctx.db, { name: '袁花镇初级中学', location_class: 'rural' });
      await buildCommunity(
        ctx.db,
        [
          { schoolId: core.id, role: 'core' },
          { schoolId: village.id, role: 'member' },
        ],
        { name: '一中教共体' },
      );
      await buildUser(ctx.db, 'teacher', { kind: 'school', id: village.id }, { username: 'teacher_e2e' });
      await buildUser(ctx.db, 'bureau_admin', { kind: 'region', id: HAINING }, { username: 'bureau_e2e' });
    },
  });
  e.page.on('response', (res) => {
    if (/\/api\/v1\/resources\/\d+\/file/.test(res.url()))
      ranges.push({ status: res.status(), range: res.request().headers().range });
  });
});
afterAll(async () => {
  await e?.close();
});

/**
 * Records ~1.5 s of an animated canvas with MediaRecorder and returns the WebM as base64. Written
 * as a string because it runs in the page (the test project compiles without DOM types).
 */
const RECORD_WEBM = `(async () => {
  const canvas = document.createElement('canvas');
  canvas.width = 160;
  canvas.height = 120;
  const g = canvas.getContext('2d');
  const recorder = new MediaRecorder(canvas.captureStream(15), { mimeType: 'video/webm' });
  const parts = [];
  recorder.ondataavailable = (ev) => parts.push(ev.data);
  const stopped = new Promise((resolve) => (recorder.onstop = resolve));
  recorder.start(250);
  const started = performance.now();
  await new Promise((resolve) => {
    const draw = () => {
      const t = performance.now() - started;
      g.fillStyle = 'hsl(' + ((t / 5) % 360) + ' 70% 50%)';
      g.fillRect(0, 0, 160, 120);
      g.fillStyle = '#fff';
      g.fillText('数学 ' + Math.round(t), 20, 60);
      if (t < 1500) requestAnimationFrame(draw);
      else resolve();
    };
    draw();
  });
  recorder.stop();
  await stopped;
  const buf = new Uint8Array(await new Blob(parts, { type: 'video/webm' }).arrayBuffer());
  let s = '';
  for (const b of buf) s += String.fromCharCode(b);
  return btoa(s);
})()`;

/** Plays the detail page's video muted until 0.3 s have played (however long a loaded machine takes). */
const PLAY_VIDEO = `(async () => {
  const v = document.querySelector('[data-testid="resource-video"]');
  v.muted = true;
  await v.play();
  if (v.currentTime < 0.3) {
    await new Promise((resolve) => {
      const check = () => { if (v.currentTime >= 0.3 || v.error || v.ended) { v.removeEventListener('timeupdate', check); resolve(); } };
      v.addEventListener('timeupdate', check);
      v.addEventListener('ended', check);
      check();
    });
  }
  return { currentTime: v.currentTime, error: v.error ? v.error.code : null, width: v.videoWidth };
})()`;

async function recordWebm(e: E2E): Promise<Buffer> {
  return Buffer.from(await e.page.evaluate<string>(RECORD_WEBM), 'base64');
}

describe('resource library in the browser', () => {
  it('uploads a recorded lesson with progress and publishes it to the community', async () => {
    const { page } = e;
    await e.login('teacher_e2e', USER_PASSWORD);
    await page.goto('/resources/new');
    const webm = await recordWebm(e);
    expect(webm.length).toBeGreaterThan(1000);
    expect(webm.subarray(0, 4).toString('hex')).toBe('1a45dfa3'); // EBML magic
    await page
      .getByTestId('resource-file')
      .setInputFiles({ name: '一元一次方程.webm', mimeType: 'video/webm', buffer: webm });
    await page.getByTestId('resource-title').fill(title);
    await page.getByTestId('resource-subject').click();
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: '数学' })
      .first()
      .click();
    // the member school's community is preselected from the teacher's school
    await expect.poll(() => page.getByTestId('resource-form').textContent()).toContain('一中教共体');
    await page.getByTestId('resource-submit').click();
    await page.waitForURL(/\/resources\/\d+$/);
    await expect.poll(() => page.getByTestId('resource-detail-title').textContent()).toBe(title);
    const row = await e.ctx.db
      .selectFrom('resource_versions')
      .select(['mime_type', 'size_bytes', 'file_name'])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ mime_type: 'video/webm', size_bytes: webm.length, file_name: '一元一次方程.webm' });
  });

  it('plays the video in the browser through range requests and counts one view', async () => {
    const { page } = e;
    const video = page.getByTestId('resource-video');
    await video.waitFor();
    // opening the page is not a play
    await expect.poll(() => page.locator('body').textContent()).toContain('点播 0');
    expect((await e.ctx.db.selectFrom('resources').select(['view_count']).executeTakeFirstOrThrow()).view_count).toBe(
      0,
    );
    const played = await page.evaluate<{ currentTime: number; error: number | null; width: number }>(PLAY_VIDEO);
    expect(played.error).toBeNull();
    expect(played.width).toBe(160);
    expect(played.currentTime).toBeGreaterThan(0.3);
    // the play moves 点播 on the page, without a reload
    await expect.poll(() => page.locator('body').textContent()).toContain('点播 1');
    await e.screenshot('resources-video-playing');
    // the version table beside the player keeps the file name on one line (it wrapped a few characters a line)
    const fileCell = await page.locator('td', { hasText: '一元一次方程.webm' }).first().boundingBox();
    expect(fileCell!.height).toBeLessThan(50);
    // Chromium asks for the media with a Range header and gets 206 Partial Content
    expect(ranges.some((r) => r.status === 206 && r.range?.startsWith('bytes='))).toBe(true);
    await page.reload();
    await page.getByTestId('resource-video').waitFor();
    const counted = await e.ctx.db.selectFrom('resources').select(['view_count']).executeTakeFirstOrThrow();
    expect(counted.view_count).toBe(1);
  });

  it('finds the lesson by a few Chinese words with facets', async () => {
    const { page } = e;
    await page.goto('/resources');
    await page.getByTestId('resource-search').locator('input').fill('一元一次 方程');
    await page.getByTestId('resource-search').locator('input').press('Enter');
    await expect.poll(() => page.getByTestId('resource-results').textContent()).toContain(title);
    await expect.poll(() => page.getByTestId('resource-facets').textContent()).toContain('数学');
    await e.screenshot('resources-library-search');
  });

  it('shows an uploaded photo as its thumbnail in the library, the video as an icon', async () => {
    const { page } = e;
    await page.goto('/resources/new');
    const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#2a7ab8' } })
      .png()
      .toBuffer();
    await page.getByTestId('resource-file').setInputFiles({ name: '板书.png', mimeType: 'image/png', buffer: png });
    await page.getByTestId('resource-title').fill('勾股定理板书照片');
    await page.getByTestId('resource-subject').click();
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: '数学' })
      .first()
      .click();
    await page.getByTestId('resource-submit').click();
    await page.waitForURL(/\/resources\/\d+$/);
    // the worker makes the thumbnail in the background
    await expect
      .poll(
        async () =>
          (
            await e.ctx.db
              .selectFrom('resource_versions')
              .select('thumb_key')
              .where('file_name', '=', '板书.png')
              .executeTakeFirst()
          )?.thumb_key ?? null,
      )
      .not.toBeNull();
    await page.goto('/resources');
    const thumb = page
      .getByTestId('resource-item')
      .filter({ hasText: '勾股定理板书照片' })
      .getByTestId('resource-thumbnail');
    await expect
      .poll(() => thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(320);
    const video = page.getByTestId('resource-item').filter({ hasText: title });
    expect(await video.getByTestId('resource-thumbnail').count()).toBe(0);
    await e.screenshot('resources-library-thumbnails');
  });

  it('offers a bureau only the visibilities it may use, and says 请选择 and what is missing before uploading', async () => {
    const { page } = e;
    await e.context.clearCookies();
    await e.login('bureau_e2e', USER_PASSWORD);
    await page.goto('/resources/new');
    const form = page.getByTestId('resource-form');
    // a bureau has no community: 本区县, not 本教共体 which the server refuses without one
    await expect.poll(() => page.getByTestId('resource-visibility').textContent()).toContain('本区县');
    await page.getByTestId('resource-title').fill('区县教研资料');
    await page.getByTestId('resource-submit').click();
    await expect.poll(() => form.textContent()).toContain('请选择学科');
    expect(await form.textContent()).not.toContain('请输入学科');
    // 所属学校 is optional for a bureau: left empty, the county owns the resource
    expect(await form.textContent()).not.toContain('请选择所属学校');
    // without a school or a community it offers only what the server accepts: not 本校, not 本教共体
    await page.getByTestId('resource-visibility').click();
    const options = page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)')
      .last()
      .locator('.ant-select-item-option');
    await expect.poll(() => options.allTextContents()).toEqual(['本区县', '公开']);
    await page.keyboard.press('Escape');
    await e.screenshot('resources-upload-rules');
    const bureauUploads = await e.ctx.db
      .selectFrom('resource_uploads as u')
      .innerJoin('users as x', 'x.id', 'u.user_id')
      .select('u.id')
      .where('x.username', '=', 'bureau_e2e')
      .execute();
    expect(bureauUploads).toHaveLength(0);
  });

  it('lets a bureau publish a file for its county, with no school', async () => {
    const { page } = e;
    await page.goto('/resources/new');
    await page.getByTestId('resource-file').setInputFiles({
      name: '县级教研通知.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
    });
    await page.getByTestId('resource-title').fill('县级教研活动通知');
    await page.getByTestId('resource-subject').click();
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: '数学' })
      .first()
      .click();
    await expect.poll(() => page.getByTestId('resource-visibility').textContent()).toContain('本区县');
    await page.getByTestId('resource-submit').click();
    await page.waitForURL(/\/resources\/\d+$/);
    await expect.poll(() => page.getByTestId('resource-detail-title').textContent()).toBe('县级教研活动通知');
    await expect.poll(() => page.locator('main').textContent()).toContain('区县发布');
    const row = await e.ctx.db
      .selectFrom('resources')
      .select(['school_id', 'region_code', 'visibility', 'community_id'])
      .where('title', '=', '县级教研活动通知')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ school_id: null, region_code: HAINING, visibility: 'region', community_id: null });
    await e.screenshot('resources-bureau-upload');
  });
});
