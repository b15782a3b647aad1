import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../demo/demo.service.js';
import { createTestApp, DEMO_TEST_PASSWORD, login, type TestApp } from '../../test/harness.js';
import { seedResourcesDemo } from './resources.demo.js';

describe('seedResourcesDemo', () => {
  let t: TestApp;
  let counts: Record<string, number>;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemo(t.ctx.dbh, { password: DEMO_TEST_PASSWORD });
    counts = await seedResourcesDemo(t.ctx.dbh, {});
  });
  afterAll(() => t.close());

  it('writes what it reports, near the reported Haining figures', async () => {
    const n = async (table: 'resources' | 'shared_courses' | 'shared_course_sessions' | 'shared_course_enrolments') =>
      (
        await t.ctx.db
          .selectFrom(table)
          .select(sql<number>`count(*)::int`.as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    expect(await n('resources')).toBe(counts.resources);
    expect(await n('shared_courses')).toBe(counts.courses);
    expect(counts.resources).toBeGreaterThan(300);
    expect(counts.classHours2025).toBeGreaterThan(450);
    expect(counts.classHours2025).toBeLessThan(900);
    expect(counts.students2025).toBeGreaterThan(2000);
    expect(counts.students2025).toBeLessThan(4500);
    const usage = await t.ctx.db
      .selectFrom('resource_usage_daily')
      .select(sql<number>`sum(views)::int`.as('v'))
      .executeTakeFirstOrThrow();
    expect(usage.v).toBe(counts.views);
  });

  it('is deterministic for a seed', async () => {
    const again = await createTestApp();
    try {
      await seedDemo(again.ctx.dbh, {});
      expect(await seedResourcesDemo(again.ctx.dbh, {})).toEqual(counts);
    } finally {
      await again.close();
    }
  });

  it('comes alive for the demo accounts: search, totals and most-used', async () => {
    const bureau = await login(t.app, 'bureau', DEMO_TEST_PASSWORD);
    const totals = await bureau.get('/api/v1/shared-courses/totals?groupBy=region&schoolYear=2025');
    // the seed reports enrolments (人次); a class taking two courses is one set of pupils
    expect(totals.json().total).toMatchObject({ classHours: counts.classHours2025, studentTimes: counts.students2025 });
    expect(totals.json().total.students).toBeLessThan(counts.students2025!);
    const teacher = await login(t.app, 'teacher', DEMO_TEST_PASSWORD);
    const found = await teacher.get(`/api/v1/resources?q=${encodeURIComponent('数学')}`);
    expect(found.json().total).toBeGreaterThan(5);
    const top = await bureau.get('/api/v1/resources/most-used?regionCode=330481&days=365');
    expect(top.json().items.length).toBe(10);
  });
});
