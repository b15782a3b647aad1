import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchool } from '../src/server/test/factories.js';
import { startE2E, type E2E } from './harness.js';

/**
 * Issue 15 in the browser: before committing, the import page shows how each column is read and
 * warns about ignored columns; mapping an ignored column to a field re-checks the file.
 */
let e: E2E;
const code = '3304816101';

beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      await buildSchool(ctx.db, { code, name: '海宁市映射小学' });
    },
  });
});
afterAll(async () => {
  await e?.close();
});

async function rosterFile() {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('花名册');
  ws.addRow(['海宁市映射小学教师花名册']);
  ws.addRow([
    '教师编号',
    '姓名',
    '性别',
    '出生日期',
    '学校代码',
    '学科',
    '参加工作时间',
    '备注',
    '毕业学历',
    '家庭住址',
  ]);
  ws.addRow(['T6100000001', '周一鸣', '男', '1982.3.5', code, '数学', '2004年9月', '', '本科', '某街 1 号']);
  ws.addRow(['T6100000002', '吴晓雯', '女', '1990/7/1', code, '英语', '2012-09', '新调入', '硕士', '']);
  ws.mergeCells('A1:J1');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gj-e2e-')), '教师花名册.xlsx');
  await wb.xlsx.writeFile(file);
  return file;
}

describe('import column mapping in the browser', () => {
  it('shows the mapping and the ignored-columns warning before committing, and maps a column on request', async () => {
    const { page } = e;
    await e.login();
    await page.goto('/imports');
    await page.getByTestId('import-kind-teachers').click();
    await page.getByTestId('import-next').click();
    await page.getByTestId('import-upload').setInputFiles(await rosterFile());

    const mapping = page.getByTestId('import-mapping');
    await expect.poll(() => mapping.textContent(), { timeout: 20_000 }).toContain('出生日期');
    const text = (await mapping.textContent()) ?? '';
    expect(text).toContain('表头在第 2 行');
    expect(text).toContain('出生年份'); // 出生日期 → 出生年份
    expect(text).toContain('参加工作年份'); // 参加工作时间 → 参加工作年份
    expect(await page.getByTestId('import-ignored').textContent()).toContain('3 列将被忽略');
    expect(await page.getByTestId('import-commit').isVisible()).toBe(true);
    await e.screenshot('imports-mapping');

    // 毕业学历 (column I) means 最高学历: choose it, check again, and the warning counts two
    await page.getByTestId('import-map-I').click();
    await page
      .locator('.ant-select-dropdown .ant-select-item-option', { hasText: '最高学历' })
      .filter({ visible: true })
      .first()
      .click();
    await page.getByTestId('import-apply-mapping').click();
    await expect
      .poll(() => page.getByTestId('import-ignored').textContent(), { timeout: 20_000 })
      .toContain('2 列将被忽略');

    await page.getByTestId('import-commit').click();
    await expect.poll(() => page.getByTestId('import-result').textContent(), { timeout: 20_000 }).toContain('2');
    const stored = await e.ctx.db
      .selectFrom('teachers')
      .select(['teacher_code', 'birth_year', 'hire_year', 'qualification'])
      .where('teacher_code', 'like', 'T61%')
      .orderBy('teacher_code')
      .execute();
    expect(stored).toEqual([
      { teacher_code: 'T6100000001', birth_year: 1982, hire_year: 2004, qualification: 'bachelor' },
      { teacher_code: 'T6100000002', birth_year: 1990, hire_year: 2012, qualification: 'master' },
    ]);
  });
});
