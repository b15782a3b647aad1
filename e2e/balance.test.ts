import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchool, buildUser, HAINING, USER_PASSWORD } from '../src/server/test/factories.js';
import { startE2E, type E2E } from './harness.js';

/** Issue 16: the balance page shows a nine-year school's primary and junior sections with the enrolment used, and explains verdicts. */
let e: E2E;
let nineId = 0;
beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      const nine = await buildSchool(ctx.db, { name: '海宁市九年一贯制学校', level: 'nine_year', students: 1000 });
      nineId = nine.id;
      const grades = { 1: 90, 2: 90, 3: 80, 4: 80, 5: 80, 6: 80, 7: 170, 8: 170, 9: 160 };
      await ctx.db
        .insertInto('school_year_stats')
        .values({
          school_id: nine.id,
          school_year: 2025,
          students_total: 1000,
          classes_total: 24,
          teachers_total: 90,
          students_by_grade: JSON.stringify(grades),
          classes_by_size_band: '{}',
          teachers_by_qualification: '{}',
          teachers_by_honour: '{}',
          teachers_by_subject: '{}',
          teachers_above_qualification: 60,
          backbone_teachers: 20,
          pe_art_teachers: 9,
          building_area: null,
          teaching_aux_area: 6000,
          sports_ground_area: 11000,
          equipment_value: 3_000_000,
          multimedia_classrooms: 30,
          recording_classrooms: 0,
          is_standardized: true,
        })
        .execute();
      await buildUser(ctx.db, 'bureau_admin', { kind: 'region', id: HAINING }, { username: 'e2e-balance' });
    },
  });
});
afterAll(async () => {
  await e?.close();
});

describe('balance page', () => {
  it('shows the nine-year school as a primary and a junior section with the grade enrolment used, and explains the verdict', async () => {
    const { page } = e;
    await e.login('e2e-balance', USER_PASSWORD);
    await page.goto('/assessment/balance');
    const primary = page.getByTestId(`balance-enrolment-${nineId}-primary`);
    const junior = page.getByTestId(`balance-enrolment-${nineId}-junior`);
    await expect.poll(() => primary.textContent(), { timeout: 15_000 }).toContain('1–6');
    expect(await primary.textContent()).toContain('1000');
    expect(await junior.textContent()).toContain('7–9');
    const rows = page.getByTestId('balance-schools').locator('tr', { hasText: '海宁市九年一贯制学校' });
    expect(await rows.count()).toBe(2);
    expect(await rows.first().textContent()).toContain('500');
    // 9 PE/art teachers for 1,000 pupils: exactly 0.9, shown 0.90, met
    expect(await rows.first().textContent()).toContain('0.90');
    await rows.first().locator('.ant-table-row-expand-icon').click();
    await expect
      .poll(() => page.getByTestId(`balance-explain-${nineId}-primary`).textContent())
      .toContain('0.90 ≥ 0.9');
    await e.screenshot('balance-nine-year');
  });
});
