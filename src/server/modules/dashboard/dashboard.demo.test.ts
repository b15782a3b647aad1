import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../demo/demo.service.js';
import { createTestApp, DEMO_TEST_PASSWORD, login, type TestApp } from '../../test/harness.js';
import { seedQualityDemo } from '../quality/quality.demo.js';
import type { Alerts, Dashboard } from '../../../shared/dashboard.schemas.js';
import { demoDisplayToken, seedDashboardDemo } from './dashboard.demo.js';

/** The demo county comes alive on the dashboard: registry figures, exam gaps, and a working demo screen. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.ctx.dbh, { password: DEMO_TEST_PASSWORD });
  await seedQualityDemo(t.ctx.dbh, {});
}, 240_000);
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
    const bureau = await login(t.app, 'bureau', DEMO_TEST_PASSWORD);
    const d = (await bureau.get('/api/v1/dashboard')).json();
    const f = Object.fromEntries(
      d.panels
        .flatMap((p: { figures: { key: string; value: number }[] }) => p.figures)
        .map((x: { key: string; value: number }) => [x.key, x.value]),
    );
    expect(f.schools).toBeGreaterThan(30);
    expect(f.teachers).toBeGreaterThan(1000);
    expect(f.communities).toBeGreaterThan(10);
    expect(f.coverage).toBeGreaterThan(90);
    expect(d.unavailable).toEqual([]);
    const alerts = await bureau.get('/api/v1/dashboard/alerts');
    expect(alerts.statusCode).toBe(200);
  });

  it('the quality panel shows the demo exams: a rural–urban gap that narrows', async () => {
    const bureau = await login(t.app, 'bureau', DEMO_TEST_PASSWORD);
    // 2025–2026: the January and June grade-6 exams
    const d = (await bureau.get('/api/v1/dashboard?schoolYear=2025')).json() as Dashboard;
    const p = d.panels.find((x) => x.key === 'quality.gaps')!;
    const f = Object.fromEntries(p.figures.map((x) => [x.key, x]));
    for (const s of ['chinese', 'math', 'english']) {
      expect(f[`qualityMeanGap.${s}`]!.value, s).toBeGreaterThan(0); // rural schools are behind
      expect(f[`qualityPassGap.${s}`]!.value, s).toBeGreaterThan(0);
      expect(f[`qualityMeanGap.${s}`]!.hint?.zh, s).toMatch(/^2026-06-26 六年级；城区 [\d,]+ 人 \/ 乡村 [\d,]+ 人$/);
      expect(f[`qualityMeanGapChange.${s}`]!.hint?.zh, s).toMatch(/^上次 2026-01-16：/);
    }
    const trend = p.charts.find((c) => c.key === 'qualityGapTrend')!;
    expect(trend.points.map((pt) => pt.name.zh)).toEqual(['2026-01-16', '2026-06-26']);
    // member schools catch up year by year: the maths gap is narrower than in the first demo year
    const first = (await bureau.get('/api/v1/dashboard?schoolYear=2020')).json() as Dashboard;
    const then = first.panels
      .find((x) => x.key === 'quality.gaps')!
      .figures.find((x) => x.key === 'qualityMeanGap.math')!.value!;
    expect(f['qualityMeanGap.math']!.value!).toBeLessThan(then);
    // this school year: the November mid-term against June
    const now = (await bureau.get('/api/v1/dashboard')).json() as Dashboard;
    const latest = now.panels.find((x) => x.key === 'quality.gaps')!;
    expect(latest.figures.find((x) => x.key === 'qualityMeanGap.math')!.hint?.zh).toMatch(/^2026-11-10 六年级/);
    expect(latest.figures.find((x) => x.key === 'qualityMeanGapChange.math')!.value).not.toBeNull();
    expect(JSON.stringify([d, first, now])).not.toMatch(/NaN|Infinity/);
  });

  it('alerts come a page at a time, most severe first, with the total of all', async () => {
    const bureau = await login(t.app, 'bureau', DEMO_TEST_PASSWORD);
    const all = (await bureau.get(`/api/v1/dashboard/alerts?pageSize=200`)).json();
    expect(all.total).toBeGreaterThanOrEqual(2);
    expect(all.items).toHaveLength(all.total);
    const rank = { high: 0, medium: 1, low: 2 } as Record<string, number>;
    const order = (all.items as { severity: string; since: string | null }[]).map((a) => [
      rank[a.severity]!,
      a.since ?? '',
    ]);
    expect(order).toEqual(
      [...order].sort((a, b) => Number(a[0]) - Number(b[0]) || (a[1]! < b[1]! ? -1 : a[1]! > b[1]! ? 1 : 0)),
    );
    const first = (await bureau.get(`/api/v1/dashboard/alerts?pageSize=1`)).json();
    const second = (await bureau.get(`/api/v1/dashboard/alerts?pageSize=1&page=2`)).json();
    expect([...first.items, ...second.items]).toEqual(all.items.slice(0, 2));
    expect([first.total, second.total, first.page, second.page]).toEqual([all.total, all.total, 1, 2]);
    // the card's page when none is asked for
    const card = (await bureau.get(`/api/v1/dashboard/alerts`)).json();
    expect([card.pageSize, card.items.length]).toEqual([8, Math.min(8, all.total)]);
    expect((await bureau.get(`/api/v1/dashboard/alerts?pageSize=201`)).statusCode).toBe(400);
  });

  it('every alert comes with its English title: no Chinese in it but the names from the data', async () => {
    const bureau = await login(t.app, 'bureau', DEMO_TEST_PASSWORD);
    const all = (await bureau.get(`/api/v1/dashboard/alerts?pageSize=200`)).json() as Alerts;
    // what an English title may quote as it is written: the names of schools, teachers,
    // communities, meetings and action items
    const names = (
      await sql<{ name: string }>`
        select name from schools union select name from teachers union select name from communities
        union select title from meetings union select title from meeting_action_items`.execute(t.ctx.db)
    ).rows
      .map((r) => r.name)
      .sort((a, b) => b.length - a.length);
    expect(all.items.length).toBeGreaterThan(0);
    for (const a of all.items) {
      expect(a.titleEn, a.key).not.toBe('');
      expect(a.titleEn, a.key).not.toBe(a.title);
      const template = names.reduce((s, n) => s.split(n).join(''), a.titleEn);
      expect(template, a.titleEn).not.toMatch(/\p{Script=Han}/u);
    }
  });
});
