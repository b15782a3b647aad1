/**
 * The app on a slow phone connection: Chromium with DevTools' "Fast 3G" throttling (CDP
 * Network.emulateNetworkConditions) against a local server with the demo county.
 *
 *   npm run build:web && npx tsx scripts/fast3g.ts
 *
 * Prints: the first load of the login page (bytes transferred, time until the form can be used), a
 * repeat load (browser cache + service worker), and the time to save an activity record with one phone
 * photo (resized on the device) from 保存 until the form closes. Only loopback traffic.
 */
import sharp from 'sharp';
import type { CDPSession, Page } from 'playwright-core';
import { startE2E } from '../e2e/harness.js';
import { DEMO_TEST_PASSWORD } from '../src/server/test/harness.js';

/** Chrome DevTools' Fast 3G preset (1.6 Mbps down, 750 kbps up, 150 ms RTT, with its 0.9 / 3.75 factors). */
const FAST_3G = {
  offline: false,
  latency: 150 * 3.75,
  downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9,
  uploadThroughput: ((750 * 1000) / 8) * 0.9,
};

function countBytes(cdp: CDPSession) {
  let bytes = 0;
  let requests = 0;
  cdp.on('Network.loadingFinished', (ev: { encodedDataLength: number }) => {
    bytes += ev.encodedDataLength;
    requests++;
  });
  return {
    reset: () => {
      bytes = 0;
      requests = 0;
    },
    get: () => ({ bytes, requests }),
  };
}

async function loginInteractive(page: Page) {
  const t0 = performance.now();
  await page.goto('/login', { waitUntil: 'commit' });
  // interactive: the form is rendered and its button enabled (React has hydrated the lazy page)
  await page.getByTestId('login-submit').waitFor({ state: 'visible' });
  await page.waitForFunction(`!document.querySelector('[data-testid="login-submit"]').disabled`);
  return performance.now() - t0;
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const e = await startE2E({ demo: true });
try {
  const page = e.page;
  const cdp = await e.context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', FAST_3G);
  const traffic = countBytes(cdp);

  const first = await loginInteractive(page);
  const firstTraffic = traffic.get();
  console.log(
    `first load of /login: ${kb(firstTraffic.bytes)} in ${firstTraffic.requests} requests, interactive after ${s(first)}`,
  );
  // the service worker precaches the app shell in the background after the first load
  await page.evaluate(`navigator.serviceWorker.ready.then(() => true)`);
  await page.waitForLoadState('networkidle', { timeout: 600_000 });
  console.log(`  + service worker precache (background): total ${kb(traffic.get().bytes)}`);

  traffic.reset();
  const again = await loginInteractive(page);
  console.log(`repeat load of /login: ${kb(traffic.get().bytes)} over the network, interactive after ${s(again)}`);

  await page.getByTestId('login-username').fill('teacher');
  await page.getByTestId('login-password').fill(DEMO_TEST_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.goto('/activities');
  await page.getByTestId('activity-create').click();
  const form = page.getByTestId('activity-form');
  const pick = async (testId: string, option: string, search = false) => {
    await page.getByTestId(testId).click();
    if (search) await page.keyboard.type(option);
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: option })
      .first()
      .click();
  };
  const scope = await e.ctx.db
    .selectFrom('users')
    .select('scope_id')
    .where('username', '=', 'teacher')
    .executeTakeFirstOrThrow();
  const teacher = await e.ctx.db
    .selectFrom('schools')
    .innerJoin('community_memberships', 'community_memberships.school_id', 'schools.id')
    .innerJoin('communities', 'communities.id', 'community_memberships.community_id')
    .select(['schools.name as school', 'communities.name as community'])
    .where('schools.id', '=', Number(scope.scope_id))
    .where('community_memberships.end_date', 'is', null)
    .executeTakeFirstOrThrow();
  await pick('f-kind', '专题讲座');
  await pick('f-community', teacher.community, true);
  await page.waitForFunction(`!document.querySelector('[data-testid="f-organizer"]')?.closest('.ant-select-disabled')`);
  await pick('f-organizer', teacher.school, true);
  await page.getByTestId('f-title').fill('弱网记录：专题讲座');
  await page.getByTestId('f-speaker').fill('王老师');
  await page.getByTestId('f-topic').fill('新课标下的作业设计');
  await page.getByTestId('f-audience').fill('全体数学教师');
  // a 12-megapixel phone photo (a smooth picture with some grain, ~3 MB as the camera saves it)
  const w = 4000;
  const h = 3000;
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const grain = ((x * 7919 + y * 104729) % 23) - 11;
      raw[i] = Math.min(255, Math.max(0, ((x / w) * 200 + grain) | 0));
      raw[i + 1] = Math.min(255, Math.max(0, ((y / h) * 180 + grain) | 0));
      raw[i + 2] = Math.min(255, Math.max(0, (120 + grain) | 0));
    }
  const photo = await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
  await form
    .locator('input[type=file]')
    .setInputFiles([{ name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: photo }]);
  traffic.reset();
  const t0 = performance.now();
  await page.getByTestId('activity-form-submit').click();
  await form.waitFor({ state: 'hidden' });
  const saved = performance.now() - t0;
  const stored = await e.ctx.db
    .selectFrom('activity_attachments')
    .innerJoin('activities', 'activities.id', 'activity_attachments.activity_id')
    .select('activity_attachments.size_bytes')
    .where('activities.title', '=', '弱网记录：专题讲座')
    .executeTakeFirstOrThrow();
  console.log(
    `record submission (1 photo: ${kb(photo.length)} from the camera, ${kb(stored.size_bytes)} sent after resizing): ${s(saved)}`,
  );
} finally {
  await e.close();
}
