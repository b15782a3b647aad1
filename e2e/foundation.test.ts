import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchool, buildTeacher } from '../src/server/test/factories.js';
import { startE2E, type E2E } from './harness.js';

/**
 * The foundation walk-through: sign in, create a community with two member schools, import a
 * teacher file with one bad row, see it reported, fix it, import, find the teachers.
 */
let e: E2E;
const codes = { core: '3304815001', a: '3304815002', b: '3304815003' };
/** a teacher of the core school, named 组长 when the community is created */
const HEAD = '陈晓红';

beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      const core = await buildSchool(ctx.db, { code: codes.core, name: '海宁市实验小学', quality_tier: 'strong' });
      await buildTeacher(ctx.db, core.id, { name: HEAD });
      await buildSchool(ctx.db, {
        code: codes.a,
        name: '袁花镇中心小学',
        location_class: 'town',
        quality_tier: 'potential',
      });
      await buildSchool(ctx.db, {
        code: codes.b,
        name: '黄湾镇中心小学',
        location_class: 'rural',
        quality_tier: 'weak',
      });
    },
  });
});
afterAll(async () => {
  await e?.close();
});

async function pickOption(page: Page, testId: string, search: string, option: string) {
  const select = page.getByTestId(testId);
  // the option is looked up in this select's own listbox (aria-controls), never in another select's
  // dropdown that may still be closing on top of it; if the dropdown closed before the click landed,
  // open it again (a few attempts, each waiting for states, not for a fixed time)
  for (let attempt = 1; ; attempt++) {
    const input = select.locator('input').first();
    await select.click();
    await input.fill(''); // a retry starts from an empty search
    await page.keyboard.type(search);
    const listId = await input.getAttribute('aria-controls');
    const dropdown = page.locator('.ant-select-dropdown').filter({ has: page.locator(`[id="${listId}"]`) });
    try {
      await dropdown.locator('.ant-select-item-option', { hasText: option }).first().click({ timeout: 30_000 });
      await expect.poll(() => select.textContent(), { timeout: 30_000 }).toContain(option);
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

async function teacherFile(rows: (string | number)[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('教师');
  ws.addRow(['教师编号', '姓名', '性别', '出生年份', '学校代码', '任教学科', '职称']);
  for (const r of rows) ws.addRow(r);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gj-e2e-')), '教师名册.xlsx');
  await wb.xlsx.writeFile(file);
  return file;
}

describe('foundation in the browser', () => {
  it('signs in and shows the home page in Chinese', async () => {
    await e.login();
    await expect.poll(() => e.page.getByTestId('side-menu').textContent()).toContain('教共体');
    await e.screenshot('foundation-home');
  });

  it('creates a community with two member schools and its leader in one go', async () => {
    const { page } = e;
    await page.goto('/communities');
    await page.getByTestId('community-create').click();
    await page.getByTestId('community-code').fill('HN-E2E-01');
    await page.getByTestId('community-name').fill('实验小学教共体');
    await pickOption(page, 'community-region', '海宁', '海宁市');
    await pickOption(page, 'community-core-schools', '实验', '海宁市实验小学');
    await pickOption(page, 'community-member-schools', '袁花', '袁花镇中心小学');
    await pickOption(page, 'community-member-schools', '黄湾', '黄湾镇中心小学');
    await page.keyboard.press('Escape');
    // the leadership group in the same form: a teacher of the core school as 组长
    await page.getByTestId('leader-row-add').click();
    await expect.poll(() => page.getByTestId('leader-role-0').textContent()).toContain('组长');
    await pickOption(page, 'leader-teacher-0', HEAD, `${HEAD}（海宁市实验小学）`);
    // typed into the pre-filled 成立日期 without selecting today's date first: the typed date is saved
    await page.getByTestId('community-founded').click();
    await page.keyboard.type('2024-09-01');
    await page.getByTestId('community-name').click();
    await e.screenshot('foundation-community-form');
    await page.getByTestId('community-form-submit').click();
    await page.waitForURL(/\/communities\/\d+/);
    // the toast says what happened, not a bare 已保存
    await expect.poll(() => page.locator('.ant-message-success').allTextContents()).toContain('已创建教共体');
    const members = page.getByTestId('member-table');
    await expect.poll(() => members.textContent()).toContain('袁花镇中心小学');
    expect(await members.textContent()).toContain('黄湾镇中心小学');
    await e.screenshot('foundation-community');
    const row = await e.ctx.db
      .selectFrom('communities')
      .select(['id', 'founded_on'])
      .where('code', '=', 'HN-E2E-01')
      .executeTakeFirstOrThrow();
    const founded = row.founded_on as unknown as string | Date;
    expect(typeof founded === 'string' ? founded.slice(0, 10) : founded.toISOString().slice(0, 10)).toBe('2024-09-01');
    const count = await e.ctx.db
      .selectFrom('community_memberships')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('community_id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(3);
    const leaders = await e.ctx.db
      .selectFrom('leadership_members')
      .select(['person_name', 'role', 'start_date'])
      .where('community_id', '=', row.id)
      .execute();
    expect(leaders.map((l) => [l.person_name, l.role])).toEqual([[HEAD, 'leader']]);
    await expect.poll(() => page.getByRole('tab', { name: /领导小组（1）/ }).count()).toBe(1);
  });

  it('imports teachers: reports the bad row, then imports the fixed file, and finds them', async () => {
    const { page } = e;
    const bad = await teacherFile([
      ['T8800000001', '沈一鸣', '男', 1979, codes.a, '数学', '一级教师'],
      ['T8800000002', '顾晓雯', '女', 1991, '0000000000', '英语', '二级教师'],
      ['T8800000003', '陆家豪', '男', 1986, codes.b, '语文', '高级教师'],
    ]);
    await page.goto('/imports');
    await page.getByTestId('import-kind-teachers').click();
    await page.getByTestId('import-next').click();
    await page.getByTestId('import-upload').setInputFiles(bad);
    const errors = page.getByTestId('import-errors');
    await expect.poll(() => errors.textContent(), { timeout: 90_000 }).toContain('0000000000');
    expect(await errors.textContent()).toContain('学校代码');
    expect(await page.getByTestId('import-error-count').textContent()).toContain('1');
    await e.screenshot('foundation-import-errors');
    // nothing was written
    expect(
      (await e.ctx.db.selectFrom('teachers').select('id').where('teacher_code', 'like', 'T88%').execute()).length,
    ).toBe(0);

    const fixed = await teacherFile([
      ['T8800000001', '沈一鸣', '男', 1979, codes.a, '数学', '一级教师'],
      ['T8800000002', '顾晓雯', '女', 1991, codes.a, '英语', '二级教师'],
      ['T8800000003', '陆家豪', '男', 1986, codes.b, '语文', '高级教师'],
    ]);
    await page.getByTestId('import-reupload').click();
    await page.getByTestId('import-upload').setInputFiles(fixed);
    await page.getByTestId('import-commit').click();
    await expect.poll(() => page.getByTestId('import-result').textContent(), { timeout: 90_000 }).toContain('3');

    await page.goto('/teachers');
    await page.getByTestId('teacher-search').locator('input').fill('顾晓雯');
    await page.getByTestId('teacher-search').locator('input').press('Enter');
    await expect.poll(() => page.getByTestId('teacher-table').textContent()).toContain('袁花镇中心小学');
    await e.screenshot('foundation-teachers');
  });

  it('finds a school and a teacher from the header search and opens them', async () => {
    const page = e.page;
    await page.goto('/');
    const search = page.getByTestId('global-search').locator('input');
    await search.fill('袁花');
    const school = page.getByTestId('search-hit-school').filter({ hasText: '袁花镇中心小学' });
    await school.first().click();
    await page.waitForURL(/\/schools\/\d+/);
    await expect.poll(() => page.locator('main').textContent()).toContain('袁花镇中心小学');

    await search.fill('顾晓雯');
    await page.getByTestId('search-hit-teacher').filter({ hasText: '顾晓雯' }).first().click();
    await page.waitForURL(/\/teachers\?search=/);
    await expect.poll(() => page.getByTestId('teacher-table').textContent()).toContain('顾晓雯');
    await e.screenshot('foundation-global-search');
  });
});
