import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/server/app.js';
import type { AppContext } from '../src/server/context.js';
import { ADMIN_PASSWORD, createTestContext, DEMO_TEST_PASSWORD } from '../src/server/test/harness.js';
import { modules } from '../src/server/modules/index.js';
import { jobContributions } from '../src/server/modules/jobs/jobs.contributions.js';
import { JobWorker } from '../src/server/modules/jobs/worker.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_ROOT = path.join(root, 'dist/web');
export const SCREENSHOTS = path.join(root, 'e2e/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Builds the web app once when it is missing (CI builds it before the tests). */
export function ensureWebBuild() {
  if (fs.existsSync(path.join(WEB_ROOT, 'index.html'))) return;
  execFileSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' });
}

export interface E2E {
  baseUrl: string;
  ctx: AppContext;
  app: FastifyInstance;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Signs in through the login form. */
  login(username?: string, password?: string): Promise<void>;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real server (fresh database, optionally the demo county) on a free port, and Debian's Chromium
 * driven by playwright-core. Nothing is mocked.
 */
export async function startE2E(
  opts: { demo?: boolean; seed?: (ctx: AppContext) => Promise<void>; now?: () => Date } = {},
): Promise<E2E> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk`);
  ensureWebBuild();
  const ctx = await createTestContext(opts.now ? { now: opts.now } : {});
  if (opts.demo) {
    const { seedDemoCounty } = await import('../src/server/demo/seed-all.js');
    await seedDemoCounty(ctx.dbh, { password: DEMO_TEST_PASSWORD, storage: ctx.storage });
  }
  await opts.seed?.(ctx);
  const app = await buildApp(ctx, { logger: false, webRoot: WEB_ROOT });
  // like a real server: background work (imports, reports) runs on the job queue in this process
  const worker = new JobWorker(ctx, jobContributions(modules).kinds, [], { pollMs: 200, modules });
  await worker.start();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const context = await browser.newContext({
    baseURL: baseUrl,
    locale: 'zh-CN',
    // a device outside China: every time the app shows must still be Beijing time
    timezoneId: 'UTC',
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  // actions wait for the page's state, never a fixed time: a loaded CI machine may render slowly
  context.setDefaultTimeout(120_000);
  context.setDefaultNavigationTimeout(120_000);
  const page = await context.newPage();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    baseUrl,
    ctx,
    app,
    browser,
    context,
    page,
    async login(username = 'admin', password = ADMIN_PASSWORD) {
      await page.goto('/login');
      await page.getByTestId('login-username').fill(username);
      await page.getByTestId('login-password').fill(password);
      await page.getByTestId('login-submit').click();
      await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    },
    async screenshot(name) {
      const file = path.join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: false });
      return file;
    },
    async close() {
      await browser.close();
      await worker.stop(1000);
      await app.close();
      await ctx.cleanup();
    },
  };
}
