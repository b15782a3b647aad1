import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity, buildSchool, buildTeacher, buildUser, USER_PASSWORD } from '../src/server/test/factories.js';
import { startE2E, type E2E } from './harness.js';

/**
 * A community lead plans an English teacher's itinerant teaching (走教) at a village school every
 * Friday afternoon, sees the hours the timetable gives before saving, and finds them in the register.
 */
let e: E2E;
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 90_000, interval: 200 });

beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      const urban = await buildSchool(ctx.db, { name: '海宁市城区实验小学', location_class: 'urban' });
      const village = await buildSchool(ctx.db, {
        name: '海宁市周王庙村小',
        location_class: 'rural',
        quality_tier: 'weak',
      });
      const teacher = await buildTeacher(ctx.db, urban.id, {
        name: '沈英语',
        subjects: ['english'],
        major_subject: 'english',
        honours: ['backbone_city'],
      });
      const c = await buildCommunity(
        ctx.db,
        [
          { schoolId: urban.id, role: 'core' },
          { schoolId: village.id, role: 'member' },
        ],
        { name: '城区实验小学教共体' },
      );
      await buildUser(ctx.db, 'community_lead', { kind: 'community', id: c.id }, { username: 'lead_exchange' });
      await buildUser(
        ctx.db,
        'teacher',
        { kind: 'school', id: urban.id },
        { username: 'teacher_exchange', teacherId: teacher.id },
      );
    },
  });
});
afterAll(async () => {
  await e?.close();
});

async function pick(page: Page, testId: string, option: string, search?: string) {
  await page.getByTestId(testId).click();
  if (search) await page.keyboard.type(search);
  await page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: option })
    .first()
    .click();
}

async function date(page: Page, testId: string, value: string) {
  const input = page.getByTestId(testId);
  await input.click();
  await input.fill(value);
  await input.press('Enter');
}

describe('exchange in the browser', () => {
  it('creates an itinerant assignment with a weekly timetable and sees its hours', async () => {
    const { page } = e;
    await e.login('lead_exchange', USER_PASSWORD);
    await page.goto('/exchange');
    await page.getByTestId('assignment-create').click();
    await pick(page, 'assignment-teacher', '沈英语', '沈');
    await pick(page, 'assignment-kind', '走教');
    await pick(page, 'assignment-to-school', '周王庙村小', '周王庙');
    await pick(page, 'assignment-status', '进行中');
    await date(page, 'assignment-start', '2025-09-01');
    await date(page, 'assignment-end', '2026-01-16');
    await page.getByTestId('assignment-workload').getByText('兼职').click();
    await page.getByTestId('assignment-fraction').fill('0.2');
    // one slot every Friday 13:30–15:00 (the new slot defaults to Friday)
    await page.getByTestId('slot-add').click();
    await page.getByTestId('slot-0-start').fill('13:30');
    await page.getByTestId('slot-0-end').fill('15:00');
    await page.getByTestId('slot-0-class').fill('四(1)班');
    // 20 Fridays between 1 Sep 2025 and 16 Jan 2026 × 1.5 h
    await poll(() => page.getByTestId('hours-preview').textContent()).toContain('30');
    await e.screenshot('exchange-itinerant-form');
    await page.getByTestId('assignment-form-submit').click();

    const table = page.getByTestId('assignment-table');
    await poll(() => table.textContent()).toContain('沈英语');
    await poll(() => table.locator('[data-testid^="assignment-hours-"]').first().textContent()).toBe('30.0');
    expect(await table.textContent()).toContain('城→乡');
    // the teacher's name stays in view while the wide roster scrolls sideways
    expect(await table.locator('td.ant-table-cell-fix-start', { hasText: '沈英语' }).count()).toBeGreaterThan(0);

    // the detail shows the timetable and the stored hours
    await table.getByText('沈英语').click();
    const detail = page.getByTestId('assignment-detail');
    await poll(() => detail.getByTestId('detail-hours').textContent()).toBe('30.0');
    await poll(() => detail.textContent()).toContain('13:30–15:00');
    await e.screenshot('exchange-itinerant-detail');
  });

  it('shows a clash with the home timetable on the slot, and saves nothing', async () => {
    const { page } = e;
    const teacher = await e.ctx.db
      .selectFrom('teachers')
      .select(['id', 'school_id'])
      .where('name', '=', '沈英语')
      .executeTakeFirstOrThrow();
    await e.ctx.db
      .insertInto('teacher_timetable_entries')
      .values({
        teacher_id: teacher.id,
        school_id: teacher.school_id,
        weekday: 5,
        start_time: '08:00',
        end_time: '08:40',
        subject: 'english',
        class_name: '六(2)班',
      })
      .execute();
    await page.goto('/exchange');
    await page.getByTestId('assignment-create').click();
    await pick(page, 'assignment-teacher', '沈英语', '沈');
    await pick(page, 'assignment-kind', '走教');
    await pick(page, 'assignment-to-school', '周王庙村小', '周王庙');
    await date(page, 'assignment-start', '2026-02-23');
    await date(page, 'assignment-end', '2026-07-03');
    await page.getByTestId('assignment-workload').getByText('兼职').click();
    await page.getByTestId('assignment-fraction').fill('0.2');
    await page.getByTestId('slot-add').click();
    await page.getByTestId('slot-0-start').fill('08:20');
    await page.getByTestId('slot-0-end').fill('09:00');
    await page.getByTestId('assignment-form-submit').click();
    await poll(() => page.getByTestId('assignment-form').textContent()).toContain('冲突');
    expect(await e.ctx.db.selectFrom('exchange_assignments').select('id').execute()).toHaveLength(1);
  });

  it('does not offer 签订结对 to a teacher, who may not sign a pair; the lead sees it', async () => {
    const { page } = e;
    await e.context.clearCookies();
    await e.login('teacher_exchange', USER_PASSWORD);
    await page.goto('/exchange/mentorships');
    await page.getByTestId('mentorship-table').or(page.locator('.ant-table')).first().waitFor();
    expect(await page.getByTestId('mentorship-create').count()).toBe(0);
    await e.context.clearCookies();
    await e.login('lead_exchange', USER_PASSWORD);
    await page.goto('/exchange/mentorships');
    await page.getByTestId('mentorship-create').waitFor();
  });
});
