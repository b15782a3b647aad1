import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchool, buildUser, HAINING, TONGXIANG, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';

/**
 * Bulk class import (班级) through the import page's engine: a template whose headers it accepts, a
 * preview of every bad row with row, column and reason in Chinese, all-or-nothing commit, and a
 * second import of the same file that adds nothing.
 */
let t: TestApp;
let bureau: Client;
let principal: Client;
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApp({ worker: true });
  const db = t.ctx.db;
  const a = await buildSchool(db, { code: '3304810201', name: '海宁市班级导入小学' });
  const b = await buildSchool(db, { code: '3304810202', name: '海宁市班级导入中学' });
  await buildSchool(db, { code: '3304830201', name: '桐乡学校', region_code: TONGXIANG });
  ids.a = a.id;
  ids.b = b.id;
  const u = await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING });
  const p = await buildUser(db, 'school_admin', { kind: 'school', id: a.id });
  bureau = await login(t.app, u.username, USER_PASSWORD);
  principal = await login(t.app, p.username, USER_PASSWORD);
});
afterAll(async () => {
  await t.close();
});

function multipart(fileName: string, content: Buffer) {
  const boundary = '----gongjin-class-import';
  return {
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
async function upload(client: Client, content: Buffer) {
  const m = multipart('班级.xlsx', content);
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/imports?kind=classes',
    headers: { ...m.headers, cookie: client.cookie },
    payload: m.payload,
  });
}
async function xlsx(rows: unknown[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('班级');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
const classCount = async () =>
  (
    await t.ctx.db
      .selectFrom('quality_classes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n;

const HEADER = ['学校代码', '学校名称', '学年', '年级', '班级名称'];

describe('class import', () => {
  it('offers a template whose headers it accepts', async () => {
    const res = await bureau.get('/api/v1/imports/templates/classes.xlsx');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('班级导入模板'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const header = (wb.worksheets[0]!.getRow(1).values as string[]).slice(1);
    expect(header).toEqual(['*学校代码', '学校名称', '*学年', '*年级', '*班级名称']);
    wb.worksheets[0]!.addRow(['3304810201', '海宁市班级导入小学', '2025-2026', '六年级', '模板班']);
    const job = (await upload(bureau, Buffer.from(await wb.xlsx.writeBuffer()))).json();
    expect(job).toMatchObject({ status: 'validated', totalRows: 1, errorCount: 0 });
  });

  it('previews every bad row with row, column and reason, writes nothing, then imports the fixed file', async () => {
    const before = await classCount();
    const rows = [
      HEADER,
      ['3304810201', '海宁市班级导入小学', '2025-2026', '六年级', '1班'],
      ['9999999999', '', '2025-2026', 6, '1班'],
      ['3304830201', '桐乡学校', '2025', 6, '1班'],
      ['3304810202', '海宁市班级导入中学', '2025-2026', '十三年级', '1班'],
      ['3304810202', '别的学校', '2025-2026', '初一', '1班'],
      ['3304810201', '', '2025-2026', 6, '1班'],
      ['3304810202', '', '2025', '初一', '2班'],
    ];
    const res = await upload(bureau, await xlsx(rows));
    expect(res.statusCode, res.body).toBe(201);
    const job = res.json();
    expect(job).toMatchObject({ status: 'invalid', totalRows: 7, errorCount: 5 });
    expect(job.errors).toEqual([
      expect.objectContaining({ row: 3, column: '学校代码', message: expect.stringContaining('不存在') }),
      expect.objectContaining({ row: 4, column: '学校代码', message: expect.stringContaining('管理范围') }),
      expect.objectContaining({ row: 5, column: '年级', message: expect.stringContaining('十三年级') }),
      expect.objectContaining({ row: 6, column: '学校名称', message: expect.stringContaining('不符') }),
      expect.objectContaining({ row: 7, column: expect.any(String), message: expect.stringContaining('第 2 行') }),
    ]);
    const commit = await bureau.post(`/api/v1/imports/${job.id}/commit`);
    expect(commit.statusCode).toBe(422);
    expect(await classCount()).toBe(before);

    const fixed = [rows[0]!, rows[1]!, rows[7]!, ['3304810202', '海宁市班级导入中学', '2025-2026', 7, '1班']];
    const ok = (await upload(bureau, await xlsx(fixed))).json();
    expect(ok).toMatchObject({ status: 'validated', totalRows: 3, errorCount: 0 });
    const done = await bureau.post(`/api/v1/imports/${ok.id}/commit`);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'committed', result: { created: 3, updated: 0 } });
    const list = (await bureau.get(`/api/v1/quality/classes?schoolId=${ids.b}`)).json();
    expect(list.items.map((c: { grade: number; name: string }) => `${c.grade}/${c.name}`).sort()).toEqual([
      '7/1班',
      '7/2班',
    ]);

    // the same file again adds nothing
    const again = (await upload(bureau, await xlsx(fixed))).json();
    const redo = (await bureau.post(`/api/v1/imports/${again.id}/commit`)).json();
    expect(redo.result).toEqual({ created: 0, updated: 3 });
    expect(await classCount()).toBe(before + 3);
  });

  it("a school admin imports its own school's classes only", async () => {
    const job = (
      await upload(
        principal,
        await xlsx([HEADER, ['3304810201', '', '2026', 1, '3班'], ['3304810202', '', '2026', 1, '3班']]),
      )
    ).json();
    expect(job).toMatchObject({ status: 'invalid', errorCount: 1 });
    expect(job.errors[0]).toMatchObject({ row: 3, column: '学校代码' });
  });
});
