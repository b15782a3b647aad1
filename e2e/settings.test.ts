import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity, buildSchool, buildUser, HAINING, USER_PASSWORD } from '../src/server/test/factories.js';
import { startE2E, type E2E } from './harness.js';

/**
 * Settings that had only an API get a screen: a county bureau edits its exchange cycle rule and its
 * regional settings and sees them saved; a viewer of the same county reads them without a form. The
 * bureau corrects a support-ledger entry, and imports classes (班级) for exam scores from xlsx.
 */
let e: E2E;
let ruleId: number;
let entryId: number;
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 90_000, interval: 200 });

beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      const core = await buildSchool(ctx.db, {
        code: '3304817701',
        name: '海宁市设置测试小学',
        location_class: 'urban',
      });
      const member = await buildSchool(ctx.db, { code: '3304817702', name: '海宁市设置测试村小' });
      const c = await buildCommunity(ctx.db, [
        { schoolId: core.id, role: 'core' },
        { schoolId: member.id, role: 'member' },
      ]);
      const entry = await ctx.db
        .insertInto('support_ledger')
        .values({
          community_id: c.id,
          recipient_school_id: member.id,
          donor_type: 'core_school',
          donor_school_id: core.id,
          category: 'books',
          item: '课外读物',
          value_yuan: 1200,
          given_on: '2026-09-10',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      entryId = entry.id;
      const rule = await ctx.db
        .insertInto('exchange_rules')
        .values({
          region_code: HAINING,
          name: '海宁市交流轮岗规则',
          kinds: ['rotation'],
          cycle_years: 6,
          cycle_start_year: 2024,
          male_max_age: 55,
          female_max_age: 50,
          location_classes: ['urban', 'town'],
          is_active: true,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ruleId = rule.id;
      await buildUser(ctx.db, 'bureau_admin', { kind: 'region', id: HAINING }, { username: 'bureau_settings' });
      await buildUser(ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'viewer_settings' });
    },
  });
});
afterAll(async () => {
  await e?.close();
});

describe('exchange settings', () => {
  it('a bureau edits its cycle rule and its regional settings and sees them saved', async () => {
    const { page } = e;
    await e.login('bureau_settings', USER_PASSWORD);
    await page.goto('/exchange');
    await page.getByTestId('exchange-tab-settings').click();
    await page.waitForURL((u) => u.pathname === '/exchange/settings');
    const table = page.getByTestId('rules-table');
    await poll(() => table.textContent()).toContain('海宁市交流轮岗规则');
    await page.getByTestId(`rule-edit-${ruleId}`).click();
    const name = page.getByTestId('rule-name');
    await name.fill('海宁市交流轮岗规则（2026修订）');
    const years = page.getByTestId('rule-cycle-years');
    await years.fill('5');
    await page.getByTestId('rule-form-submit').click();
    await poll(() => table.textContent()).toContain('海宁市交流轮岗规则（2026修订）');
    await poll(() => table.textContent()).toContain('每 5 年一轮');
    const saved = await e.ctx.db
      .selectFrom('exchange_rules')
      .select(['name', 'cycle_years'])
      .where('id', '=', ruleId)
      .executeTakeFirstOrThrow();
    expect(saved).toEqual({ name: '海宁市交流轮岗规则（2026修订）', cycle_years: 5 });
    expect(
      await e.ctx.db
        .selectFrom('audit_log')
        .select('id')
        .where('entity', '=', 'exchange_rule')
        .where('action', '=', 'update')
        .execute(),
    ).toHaveLength(1);

    // regional settings: the defaults until the bureau sets its own
    const settings = page.getByTestId('region-settings');
    await poll(() => settings.textContent()).toContain('系统默认');
    await page.getByTestId('region-settings-edit').click();
    await page.getByTestId('settings-observations').fill('3');
    await page.getByTestId('settings-save').click();
    await poll(() => page.getByTestId('settings-observations-value').textContent()).toBe('3');
    await poll(() => settings.textContent()).toContain('本地区设置');
    await e.screenshot('settings-exchange');
  });

  it('a viewer reads the rules and settings without a form', async () => {
    const { page } = e;
    await e.context.clearCookies();
    await e.login('viewer_settings', USER_PASSWORD);
    await page.goto('/exchange/settings');
    await poll(() => page.getByTestId('rules-table').textContent()).toContain('海宁市交流轮岗规则（2026修订）');
    await poll(() => page.getByTestId('settings-observations-value').textContent()).toBe('3');
    expect(await page.getByTestId('rule-create').count()).toBe(0);
    expect(await page.getByTestId(`rule-edit-${ruleId}`).count()).toBe(0);
    expect(await page.getByTestId('region-settings-edit').count()).toBe(0);
  });
});

async function classesFile(rows: unknown[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('班级');
  ws.addRow(['学校代码', '学校名称', '学年', '年级', '班级名称']);
  for (const r of rows) ws.addRow(r);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gj-e2e-')), '班级.xlsx');
  await wb.xlsx.writeFile(file);
  return file;
}

describe('support ledger and class import', () => {
  it('a bureau corrects a support-ledger entry, audited', async () => {
    const { page } = e;
    await e.context.clearCookies();
    await e.login('bureau_settings', USER_PASSWORD);
    await page.goto('/activities/ledger');
    const table = page.getByTestId('ledger-table');
    await poll(() => table.textContent()).toContain('课外读物');
    await page.getByTestId(`ledger-edit-${entryId}`).click();
    const item = page.getByTestId('ledger-form').locator('#item');
    await item.fill('课外读物（更正）');
    await page.getByTestId('ledger-form-submit').click();
    await poll(() => table.textContent()).toContain('课外读物（更正）');
    const audit = await e.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'support_entry')
      .where('entity_id', '=', String(entryId))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['update']);
  });

  it('a bureau imports classes: every bad row shown, nothing written, then the fixed file', async () => {
    const { page } = e;
    // from the classes page: its 批量导入 opens the import page with 班级 chosen
    await page.goto('/quality/classes');
    await page.getByTestId('class-import').click();
    await page.waitForURL((u) => u.pathname === '/imports');
    await poll(() => page.getByTestId('import-kind-classes').isChecked()).toBe(true);
    await page.getByTestId('import-next').click();
    await page.getByTestId('import-upload').setInputFiles(
      await classesFile([
        ['3304817701', '', '2025-2026', '六年级', '1班'],
        ['9999999999', '', '2025-2026', '六年级', '1班'],
      ]),
    );
    const errors = page.getByTestId('import-errors');
    await poll(() => errors.textContent()).toContain('学校代码“9999999999”不存在');
    expect(await errors.textContent()).toContain('3');
    expect(await e.ctx.db.selectFrom('quality_classes').select('id').execute()).toHaveLength(0);
    await page.getByTestId('import-reupload').click();
    await page.getByTestId('import-upload').setInputFiles(
      await classesFile([
        ['3304817701', '', '2025-2026', '六年级', '1班'],
        ['3304817702', '', '2025-2026', '六年级', '1班'],
      ]),
    );
    await page.getByTestId('import-commit').click();
    await poll(() => page.getByTestId('import-result').textContent()).toContain('2');
    const classes = await e.ctx.db.selectFrom('quality_classes').select(['grade', 'name']).execute();
    expect(classes).toEqual([
      { grade: 6, name: '1班' },
      { grade: 6, name: '1班' },
    ]);

    // a class no score names can be deleted from the classes page
    const [first] = await e.ctx.db.selectFrom('quality_classes').select('id').orderBy('id').execute();
    await page.goto('/quality/classes');
    await page.getByTestId(`class-delete-${first!.id}`).click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await poll(async () => (await e.ctx.db.selectFrom('quality_classes').select('id').execute()).length).toBe(1);
  });
});

describe('planner travel times', () => {
  it('a bureau uploads a travel-time table from the planner page: bad rows shown, then committed', async () => {
    const { page } = e;
    await page.goto('/planner');
    await page.getByTestId('travel-times-import').click();
    await page.waitForURL((u) => u.pathname === '/imports');
    await poll(() => page.getByTestId('import-kind-travel-times').isChecked()).toBe(true);
    await page.getByTestId('import-next').click();
    const file = async (rows: unknown[][]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('通行时间');
      ws.addRow(['成员校代码', '核心校代码', '通行时间（分钟）']);
      for (const r of rows) ws.addRow(r);
      const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gj-e2e-')), '通行时间.xlsx');
      await wb.xlsx.writeFile(f);
      return f;
    };
    await page.getByTestId('import-upload').setInputFiles(
      await file([
        ['3304817702', '3304817701', 15],
        ['3304817702', '3304817701', 'abc'],
      ]),
    );
    await poll(() => page.getByTestId('import-errors').textContent()).toContain('abc');
    expect(await e.ctx.db.selectFrom('planner_travel_times').select('minutes').execute()).toHaveLength(0);
    await page.getByTestId('import-reupload').click();
    await page.getByTestId('import-upload').setInputFiles(await file([['3304817702', '3304817701', 15]]));
    await page.getByTestId('import-commit').click();
    await poll(() => page.getByTestId('import-result').textContent()).toContain('1');
    const saved = await e.ctx.db.selectFrom('planner_travel_times').select('minutes').execute();
    expect(saved.map((r) => Number(r.minutes))).toEqual([15]);
  });
});
