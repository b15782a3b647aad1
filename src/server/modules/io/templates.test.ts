import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchool } from '../../test/factories.js';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';

/**
 * Every import kind offers a template with an instruction sheet (说明) holding one example row,
 * drop-downs for its vocabularies and code columns formatted as text; the template, filled in,
 * imports as it is (说明 and the hidden lists are not read).
 */
let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAdmin(t.app);
  await buildSchool(t.ctx.db, { code: '3304810001' });
});
afterAll(async () => {
  await t.close();
});

async function load(url: string) {
  const res = await admin.get(url);
  expect(res.statusCode, res.body).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return wb;
}
const headerIndex = (ws: ExcelJS.Worksheet, name: string) =>
  (ws.getRow(1).values as string[]).findIndex((v) => v === name || v === `*${name}`);

const KINDS: { url: string; sheet: string; enums: Record<string, string[]>; codes: string[] }[] = [
  {
    url: '/api/v1/imports/templates/schools.xlsx',
    sheet: '学校',
    enums: { 学段: ['小学', '初中'], 城乡类别: ['城区'], 教学点: ['是', '否'] },
    codes: ['学校代码', '区县代码', '上级学校代码'],
  },
  {
    url: '/api/v1/imports/templates/teachers.xlsx',
    sheet: '教师',
    enums: { 性别: ['男', '女'], 任教学科: ['语文', '数学'], 职称: [] },
    codes: ['教师编号', '学校代码', '联系电话'],
  },
  {
    url: '/api/v1/imports/templates/school-year-stats.xlsx',
    sheet: '学校年报',
    enums: { 标准化学校: ['是', '否'] },
    codes: ['学校代码'],
  },
  {
    url: '/api/v1/quality/imports/template.xlsx?level=student',
    sheet: '成绩',
    enums: { 科目: ['语文', '数学'] },
    codes: ['学校代码', '学生编号', '身份证号'],
  },
  {
    url: '/api/v1/quality/imports/template.xlsx?level=item',
    sheet: '成绩',
    enums: { 科目: ['数学'] },
    codes: ['学校代码', '学生编号', '题号'],
  },
];

describe('import templates', () => {
  for (const k of KINDS) {
    it(`${k.url}: data sheet, 说明 with an example row, drop-downs, text codes`, async () => {
      const wb = await load(k.url);
      expect(wb.worksheets.map((w) => [w.name, w.state])).toEqual([
        [k.sheet, 'visible'],
        ['说明', 'visible'],
        ['选项', 'hidden'],
      ]);
      const ws = wb.worksheets[0]!;
      expect(ws.rowCount).toBe(1); // nothing to delete before filling in
      const help = wb.getWorksheet('说明')!;
      expect(String(help.getRow(1).getCell(1).value)).toBe('填写说明');
      // the example table repeats the headers, then one example row
      let headerAt = 0;
      help.eachRow((row, n) => {
        if (
          !headerAt &&
          (row.values as unknown[]).slice(1).join('|') === (ws.getRow(1).values as unknown[]).slice(1).join('|')
        )
          headerAt = n;
      });
      expect(headerAt).toBeGreaterThan(1);
      expect(
        (help.getRow(headerAt + 1).values as unknown[]).filter((v) => v !== null && v !== undefined).length,
      ).toBeGreaterThan(2);
      for (const [name, some] of Object.entries(k.enums)) {
        const col = headerIndex(ws, name);
        expect(col, name).toBeGreaterThan(0);
        const v = ws.getRow(2).getCell(col).dataValidation;
        expect(v, name).toMatchObject({ type: 'list' });
        const [sheet, range] = String(v.formulae![0]).replace(/'/g, '').split('!');
        const lists = wb.getWorksheet(sheet!)!;
        const column = range!.replace(/\$/g, '').split(':')[0]!.replace(/\d+/g, '');
        const values = (lists.getColumn(column).values as unknown[]).slice(2).filter(Boolean);
        for (const s of some) expect(values, name).toContain(s);
      }
      for (const name of k.codes) {
        const col = headerIndex(ws, name);
        expect(col, name).toBeGreaterThan(0);
        expect(ws.getColumn(col).numFmt, name).toBe('@');
      }
    });
  }

  it('the teachers template in English has the same structure', async () => {
    const wb = await load('/api/v1/imports/templates/teachers.xlsx?lang=en');
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Teachers', 'Instructions', 'Options']);
  });

  it('a filled-in template imports: the instruction and list sheets are not read', async () => {
    const res = await admin.get('/api/v1/imports/templates/schools.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    wb.worksheets[0]!.addRow(['3304810999', '模板小学', null, '330481', null, '小学', '城区']);
    const boundary = '----tpl';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="t.xlsx"\r\n\r\n`),
      Buffer.from(await wb.xlsx.writeBuffer()),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const job = await t.app.inject({
      method: 'POST',
      url: '/api/v1/imports?kind=schools',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: admin.cookie },
      payload,
    });
    expect(job.json()).toMatchObject({ status: 'validated', totalRows: 1, errorCount: 0 });
  });
});
