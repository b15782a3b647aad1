import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../demo/demo.service.js';
import { createTestApp, login, type TestApp } from '../../test/harness.js';
import { DEMO_PASSWORD } from '../demo/demo.service.js';
import { demoDisplayToken, seedDashboardDemo } from './dashboard.demo.js';

/** The demo county comes alive on the dashboard: registry figures, and a working demo screen. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.ctx.dbh, {});
});
afterAll(async () => {
  await t.close();
});

describe('dashboard on the demo county', () => {
  it('seeds one display link, once', async () => {
    expect(await seedDashboardDemo(t.ctx.dbh, {})).toEqual({ displayLinks: 1 });
    expect(await seedDashboardDemo(t.ctx.dbh, {})).toEqual({ displayLinks: 0 });
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/display/${demoDisplayToken()}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().scope.name).toBe('海宁市');
  });

  it('the bureau sees the whole county with full coverage', async () => {
    const bureau = await login(t.app, 'bureau', DEMO_PASSWORD);
    const d = (await bureau.get('/api/v1/dashboard')).json();
    const f = Object.fromEntries(d.panels.flatMap((p: { figures: { key: string; value: number }[] }) => p.figures).map((x: { key: string; value: number }) => [x.key, x.value]));
    expect(f.schools).toBeGreaterThan(30);
    expect(f.teachers).toBeGreaterThan(1000);
    expect(f.communities).toBeGreaterThan(10);
    expect(f.coverage).toBeGreaterThan(90);
    expect(d.unavailable).toEqual([]);
    const alerts = await bureau.get('/api/v1/dashboard/alerts');
    expect(alerts.statusCode).toBe(200);
  });
});
