import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { semesterOfDate, shanghaiDate, shanghaiDateTime } from '../src/shared/activities.semester.js';
import { buildUser, USER_PASSWORD } from '../src/server/test/factories.js';
import { pdfText } from '../src/server/test/pdf-text.js';
import { buildAlliance } from '../src/server/modules/activities/activities.test-helpers.js';
import { startE2E, type E2E } from './harness.js';

/**
 * A community lead logs yesterday's sync class with a photo on the quick-entry form, then finds it
 * in the calendar, in the work plan's compliance and in the archive booklet.
 */
let e: E2E;
let communityId: number;
const day = shanghaiDate(new Date(Date.now() - 86400_000));
const semester = semesterOfDate(day)!;
const title = '三年级数学同步课堂：认识分数';

beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      const w = await buildAlliance(ctx.db);
      communityId = w.community.id;
      await buildUser(ctx.db, 'community_lead', { kind: 'community', id: communityId }, { username: 'lead_e2e' });
      // a teacher of the rural member school, who is mentored by the core school's 王芳
      await buildUser(
        ctx.db,
        'teacher',
        { kind: 'school', id: w.m1.id },
        { username: 'teacher_e2e', teacherId: w.ruralTeacher.id },
      );
      const plan = await ctx.db
        .insertInto('work_plans')
        .values({ community_id: communityId, semester, title: '本学期工作计划', notes: null, created_by: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      await ctx.db
        .insertInto('work_plan_targets')
        .values([
          {
            plan_id: plan.id,
            kind: 'sync_class',
            target_count: 4,
            cadence: 'monthly',
            school_id: null,
            grade: null,
            subject: null,
            month: null,
            note: null,
          },
          {
            plan_id: plan.id,
            kind: 'lecture',
            target_count: 2,
            cadence: 'semester',
            school_id: w.m1.id,
            grade: null,
            subject: null,
            month: null,
            note: null,
          },
        ])
        .execute();
    },
  });
});
afterAll(async () => {
  await e?.close();
});

async function pick(page: Page, testId: string, option: string, search?: string) {
  await page.getByTestId(testId).click();
  if (search) await page.keyboard.type(search);
  // the newest dropdown is the last in the page: an earlier one may still be fading out, listing the same names
  await page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)')
    .last()
    .locator('.ant-select-item-option', { hasText: option })
    .first()
    .click();
}

describe('activities in the browser', () => {
  it('logs a sync class with a photo in the quick-entry form', async () => {
    const { page } = e;
    await e.login('lead_e2e', USER_PASSWORD);
    await page.goto('/activities');
    await page.getByTestId('activity-create').click();
    const form = page.getByTestId('activity-form');
    // the lead's own community is preselected, by name
    await expect.poll(() => form.textContent()).toContain('实验小学教共体');
    await pick(page, 'f-organizer', '海宁市实验小学', '实验');
    await page.getByTestId('f-title').fill(title);
    const date = page.getByTestId('f-date');
    await date.click();
    await date.fill(day);
    await date.press('Enter');
    await pick(page, 'f-hostTeacherId', '王芳', '王芳');
    await page.getByTestId('f-hostClass').fill('三(2)班');
    await pick(page, 'f-subject', '数学');
    await pick(page, 'f-grade', '三年级');
    await pick(page, 'f-receiving-0-school', '周王庙镇中心小学', '周王庙');
    await page.getByTestId('f-receiving-0-class').fill('三(1)班');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gj-e2e-'));
    const photoFile = path.join(dir, '课堂照片.jpg');
    await sharp({ create: { width: 640, height: 480, channels: 3, background: '#4a8' } })
      .jpeg()
      .toFile(photoFile);
    await form.locator('input[type=file]').setInputFiles(photoFile);
    await e.screenshot('activities-form');
    await page.getByTestId('activity-form-submit').click();
    const detail = page.getByTestId('activity-detail');
    await expect.poll(() => detail.textContent(), { timeout: 90_000 }).toContain('课堂照片.jpg');
    expect(await detail.textContent()).toContain('周王庙镇中心小学');
    // what was taught, by whom, to which class; teachers and students apart, attendance not yet taken
    const shown = (await detail.textContent())!;
    for (const s of [
      '主讲教师王芳',
      '学科数学',
      '年级三年级',
      '主讲班级三(2)班',
      '周王庙镇中心小学 三(1)班：应到 40，实到未记录',
    ])
      expect(shown).toContain(s);
    expect(shown).toContain('参与教师2 人');
    expect(shown).toContain('学生40 人');
    expect(shown).not.toMatch(/\d+ \/ \d+/);
    await expect.poll(() => detail.locator('img').count()).toBeGreaterThan(0);
    await e.screenshot('activities-detail');
  });

  it('opens the record at its own address, as the assessment explanation links it', async () => {
    const { page } = e;
    const found = await e.ctx.db
      .selectFrom('activities')
      .select('id')
      .where('title', '=', title)
      .executeTakeFirstOrThrow();
    await page.goto(`/activities/${found.id}`);
    const detail = page.getByTestId('activity-detail');
    await expect.poll(() => detail.textContent(), { timeout: 90_000 }).toContain(title);
    expect(await page.locator('body').textContent()).not.toContain('404');
  });

  it('finds it in the calendar', async () => {
    const { page } = e;
    await page.goto(`/activities/calendar?date=${day}&view=week`);
    const week = page.getByTestId('cal-week');
    await expect.poll(() => week.textContent(), { timeout: 90_000 }).toContain('数学');
    await expect.poll(() => page.locator('[data-testid^="cal-event-"]').count()).toBe(1);
    // the class's Beijing time, on a device in UTC (it showed 8 hours early)
    const row = await e.ctx.db
      .selectFrom('activities')
      .select('starts_at')
      .where('title', '=', title)
      .executeTakeFirstOrThrow();
    const beijing = shanghaiDateTime(new Date(row.starts_at).toISOString()).slice(11, 16);
    expect(await page.locator('[data-testid^="cal-event-"]').first().textContent()).toContain(beijing);
    await e.screenshot('activities-calendar');
  });

  it('counts it in the work plan’s compliance, with drill-down', async () => {
    const { page } = e;
    await page.goto(`/activities/plans?semester=${semester}`);
    const table = page.getByTestId('compliance-table');
    await expect.poll(() => table.textContent(), { timeout: 90_000 }).toContain('同步课堂');
    expect(await table.textContent()).toContain(`${day.slice(5, 7)}: 1/4`);
    await table.locator('tr', { hasText: '同步课堂' }).first().click();
    await expect.poll(() => page.getByTestId('compliance-drill').textContent()).toContain(title);
    await e.screenshot('activities-compliance');
  });

  it('puts it in the archive workbook and booklet', async () => {
    const { page } = e;
    await page.goto(`/activities/plans?semester=${semester}`); // without the drill-down dialog
    // the buttons run the archive as a background report and download it when done (e2e/reports.test.ts)
    const downloaded = async (testId: string) => {
      const download = page.waitForEvent('download');
      await page.getByTestId(testId).click();
      const file = fs.readFileSync((await (await download).path())!);
      await page.getByTestId(`${testId}-close`).click();
      await page.getByTestId(`${testId}-dialog`).waitFor({ state: 'hidden' });
      return file;
    };
    const text = await pdfText(await downloaded('plan-archive-pdf'));
    expect(text).toContain(title);
    expect(text).toContain('活动照片');
    expect(text).toContain('照片 1 张');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await downloaded('plan-archive-xlsx')) as unknown as ArrayBuffer);
    expect(wb.getWorksheet('同步课堂')!.getColumn(3).values).toContain(title);
  });

  it('lets a teacher of a rural school log an observation with a mentor from the core school', async () => {
    const { page } = e;
    await e.context.clearCookies();
    await e.login('teacher_e2e', USER_PASSWORD);
    await page.goto('/activities');
    await page.getByTestId('activity-create').click();
    const form = page.getByTestId('activity-form');
    await pick(page, 'f-kind', '听课评课');
    await pick(page, 'f-community', '实验小学教共体', '实验');
    await pick(page, 'f-organizer', '周王庙镇中心小学', '周王庙');
    await page.getByTestId('f-title').fill('跨校听课：王芳老师示范课');
    const date = page.getByTestId('f-date');
    await date.click();
    await date.fill(day);
    await date.press('Enter');
    await pick(page, 'f-observerTeacherId', '张敏', '张敏');
    // the mentor teaches at the core school: offered by name, not 无匹配结果
    await pick(page, 'f-observedTeacherId', '王芳（海宁市实验小学）', '王芳');
    await pick(page, 'f-subject', '数学');
    await pick(page, 'f-grade', '三年级');
    await page.getByTestId('f-lessonTitle').fill('认识分数');
    const rates = form.locator('.ant-rate');
    for (let i = 0; i < (await rates.count()); i++) await rates.nth(i).locator('li').nth(3).click();
    await form.locator('textarea').first().fill('情境导入自然，分层练习设计合理，值得借鉴。');
    await e.screenshot('activities-observation-form');
    await page.getByTestId('activity-form-submit').click();
    const detail = page.getByTestId('activity-detail');
    await expect.poll(() => detail.textContent(), { timeout: 90_000 }).toContain('跨校听课：王芳老师示范课');
    const saved = await e.ctx.db
      .selectFrom('activities')
      .select(['details', 'created_by'])
      .where('title', '=', '跨校听课：王芳老师示范课')
      .executeTakeFirstOrThrow();
    const mentor = await e.ctx.db
      .selectFrom('teachers')
      .select('id')
      .where('name', '=', '王芳')
      .executeTakeFirstOrThrow();
    expect((saved.details as { observedTeacherId: number }).observedTeacherId).toBe(mentor.id);
    await e.screenshot('activities-observation-detail');
  });

  it('shows the archive buttons disabled, saying what to choose, until a community is chosen', async () => {
    const { page } = e;
    await e.context.clearCookies();
    await e.login();
    await page.goto('/activities/plans');
    const hint = page.getByTestId('plan-archive-disabled');
    await expect.poll(() => hint.textContent()).toContain('先选择教共体和学期');
    expect(await page.getByTestId('plan-archive-pdf').isDisabled()).toBe(true);
    expect(await page.getByTestId('plan-archive-xlsx').isDisabled()).toBe(true);
    await e.screenshot('activities-archive-hint');
  });
});
