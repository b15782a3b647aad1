import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { buildSchool, buildTeacher, buildUser, HAINING, USER_PASSWORD } from '../../test/factories.js';

let t: TestApp;
let admin: Client;
let schoolCode: string;
let schoolId: number;
beforeAll(async () => {
  t = await createTestApp({ worker: true });
  admin = await loginAdmin(t.app);
  const s = await buildSchool(t.ctx.db, { code: '3304810101', name: '海宁市导入测试小学' });
  schoolCode = s.code;
  schoolId = s.id;
});
afterAll(async () => {
  await t.close();
});

function multipart(fileName: string, content: Buffer, contentType = 'application/octet-stream') {
  const boundary = '----gongjin-test-boundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, content, tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

async function upload(client: Client, kind: string, fileName: string, content: Buffer) {
  const m = multipart(fileName, content);
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/imports?kind=${kind}`,
    headers: { ...m.headers, cookie: client.cookie },
    payload: m.payload,
  });
}

async function xlsx(rows: unknown[][], opts: { extraSheet?: boolean; mergeHeader?: boolean } = {}) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('教师');
  for (const r of rows) ws.addRow(r);
  if (opts.mergeHeader) ws.mergeCells('A1:C1');
  if (opts.extraSheet) wb.addWorksheet('备注').addRow(['这一页也有数据']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const HEADER = ['教师编号', '姓名', '性别', '出生年份', '学校代码', '任教学科', '所学专业', '职称', '荣誉'];

describe('teacher import', () => {
  it('offers a template whose headers it accepts', async () => {
    const res = await admin.get('/api/v1/imports/templates/teachers.xlsx');
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['教师', '说明', '选项']); // data, instructions, hidden lists
    const header = (wb.worksheets[0]!.getRow(1).values as string[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['*教师编号', '*姓名', '*性别']);
    // the template itself, filled with one row, imports cleanly
    wb.worksheets[0]!.addRow(['T9900000001', '模板教师', '女', 1990, schoolCode]);
    const job = await upload(admin, 'teachers', 'template.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    expect(job.json()).toMatchObject({ status: 'validated', totalRows: 1, errorCount: 0 });
  });

  it('previews every bad row with row, column and reason, writes nothing, then imports the fixed file', async () => {
    const before = await t.ctx.db
      .selectFrom('teachers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rows = [
      HEADER,
      ['T1000000001', '张三', '男', 1980, schoolCode, '数学', '数学', '一级教师', '县骨干教师'],
      ['T1000000002', '李四', '女', 1985, '9999999999', '英语', '语文', '二级教师', ''],
      ['T1000000003', '王五', '未知', 'abc', schoolCode, '物理', '', '', ''],
      ['T1000000001', '张三重复', '男', 1980, schoolCode, '', '', '', ''],
      ['T1000000005', '赵六', '女', 1992, schoolCode, '英语、音乐', '英语', '高级', '市名师'],
    ];
    const res = await upload(admin, 'teachers', '教师名册.xlsx', await xlsx(rows));
    expect(res.statusCode).toBe(201);
    const job = res.json();
    expect(job).toMatchObject({ status: 'invalid', totalRows: 5, errorCount: 4 });
    expect(job.errors).toEqual([
      expect.objectContaining({ row: 3, column: '学校代码', message: expect.stringContaining('9999999999') }),
      expect.objectContaining({ row: 4, column: '性别' }),
      expect.objectContaining({ row: 4, column: '出生年份', message: expect.stringContaining('abc') }),
      expect.objectContaining({ row: 5, column: '教师编号', message: expect.stringContaining('第 2 行') }),
    ]);
    const commit = await admin.post(`/api/v1/imports/${job.id}/commit`);
    expect(commit.statusCode).toBe(422);
    expect(commit.json().code).toBe('import_has_errors');
    const after = await t.ctx.db
      .selectFrom('teachers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);

    const fixed = [
      rows[0]!,
      rows[1]!,
      [...rows[2]!.slice(0, 4), schoolCode, ...rows[2]!.slice(5)],
      ['T1000000003', '王五', '男', 1988, schoolCode, '物理', '', '', ''],
      rows[5]!,
    ];
    const ok = (await upload(admin, 'teachers', '教师名册.xlsx', await xlsx(fixed))).json();
    expect(ok).toMatchObject({ status: 'validated', totalRows: 4, errorCount: 0 });
    const done = await admin.post(`/api/v1/imports/${ok.id}/commit`);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'committed', result: { created: 4, updated: 0 } });
    const found = (await admin.get(`/api/v1/teachers?schoolId=${schoolId}&search=赵六`)).json();
    expect(found.items[0]).toMatchObject({ subjects: ['english', 'music'], title: 'senior', honours: ['famous_city'] });

    // a second commit of the same job is refused; re-importing the same file updates, not duplicates
    expect((await admin.post(`/api/v1/imports/${ok.id}/commit`)).statusCode).toBe(409);
    const again = (await upload(admin, 'teachers', '教师名册.xlsx', await xlsx(fixed))).json();
    const redo = (await admin.post(`/api/v1/imports/${again.id}/commit`)).json();
    expect(redo.result).toEqual({ created: 0, updated: 4 });
    expect((await admin.get(`/api/v1/teachers?schoolId=${schoolId}`)).json().total).toBe(4 + 0);

    const audit = (await admin.get('/api/v1/audit-log?action=import')).json();
    expect(audit.items[0].after).toMatchObject({ importJob: again.id, created: 0, updated: 4 });
  });

  it('imports csv with a BOM, as Excel saves it', async () => {
    const csv = `\uFEFF${HEADER.join(',')}\nT1000000101,钱七,女,1991,${schoolCode},语文,语文,二级教师,\n`;
    const job = (await upload(admin, 'teachers', 'teachers.csv', Buffer.from(csv))).json();
    expect(job).toMatchObject({ status: 'validated', totalRows: 1 });
  });

  it('refuses files that are not spreadsheets, merged headers and extra sheets with a clear 4xx', async () => {
    const fake = await upload(admin, 'teachers', 'evil.xlsx', Buffer.from('this is not a zip'));
    expect(fake.statusCode).toBe(415);
    expect(fake.json().message).toContain('不是 Excel');
    const exe = await upload(admin, 'teachers', 'run.exe', Buffer.from('MZ'));
    expect(exe.statusCode).toBe(415);
    // a merged title row above the header is skipped: the header is found below it
    const merged = await upload(
      admin,
      'teachers',
      'merged.xlsx',
      await xlsx([['2025年教师花名册', null, null], HEADER], { mergeHeader: true }),
    );
    expect(merged.statusCode).toBe(201);
    expect(merged.json().mapping.headerRows).toEqual([2]);
    const noHeader = await upload(
      admin,
      'teachers',
      'noheader.xlsx',
      await xlsx([['2025年教师花名册'], ['填表人：张三']]),
    );
    expect(noHeader.statusCode).toBe(422);
    expect(noHeader.json().message).toContain('找不到表头');
    const extra = await upload(
      admin,
      'teachers',
      'extra.xlsx',
      await xlsx([HEADER, ['T1000000201', '孙八', '男', 1980, schoolCode]], { extraSheet: true }),
    );
    expect(extra.statusCode).toBe(422);
    expect(extra.json().message).toContain('多个');
    const missing = await upload(
      admin,
      'teachers',
      'missing.xlsx',
      await xlsx([
        ['姓名', '性别'],
        ['孙八', '男'],
      ]),
    );
    expect(missing.statusCode).toBe(422);
    expect(missing.json().message).toContain('教师编号');
  });

  it('refuses oversized uploads with 413', async () => {
    const big = Buffer.alloc(6 * 1024 * 1024, 0x41);
    const res = await upload(admin, 'teachers', 'big.csv', big);
    expect(res.statusCode).toBe(413);
  });

  it("does not let a school admin import into another school or take over another school's teacher", async () => {
    const mine = await buildSchool(t.ctx.db, { code: '3304810202' });
    const theirs = await buildSchool(t.ctx.db, { code: '3304810203' });
    const foreignTeacher = await buildTeacher(t.ctx.db, theirs.id, { teacher_code: 'T5555500001' });
    const u = await buildUser(t.ctx.db, 'school_admin', { kind: 'school', id: mine.id });
    const principal = await login(t.app, u.username, USER_PASSWORD);
    const job = (
      await upload(
        principal,
        'teachers',
        'x.xlsx',
        await xlsx([
          HEADER,
          ['T5555500002', '甲', '男', 1980, theirs.code],
          [foreignTeacher.teacher_code, '乙', '男', 1980, mine.code],
        ]),
      )
    ).json();
    expect(job.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
      [2, '学校代码'],
      [3, '教师编号'],
    ]);
    // a job is visible only to whoever uploaded it
    expect((await admin.get(`/api/v1/imports/${job.id}`)).statusCode).toBe(403);
  });
});

describe('school import', () => {
  it('imports schools with teaching points and updates on re-import', async () => {
    const header = [
      '学校代码',
      '学校名称',
      '区县代码',
      '学段',
      '城乡类别',
      '教学点',
      '上级学校代码',
      '办学水平',
      '学生数',
    ];
    const rows = [
      header,
      ['3304817001', '海宁市某镇中心小学', HAINING, '小学', '镇区', '否', '', '潜力', 600],
      ['3304817002', '某村教学点', HAINING, '小学', '乡村', '是', '3304817001', '薄弱', 30],
    ];
    // the teaching point references a centre school in the same file: import centre first, then the point
    const first = (await upload(admin, 'schools', 's.xlsx', await xlsx(rows.slice(0, 2)))).json();
    expect(first).toMatchObject({ status: 'validated', errors: [] });
    const committed = await admin.post(`/api/v1/imports/${first.id}/commit`);
    expect(committed.json()).toMatchObject({ status: 'committed', result: { created: 1, updated: 0 } });
    const second = (await upload(admin, 'schools', 's.xlsx', await xlsx(rows))).json();
    expect(second.errorCount).toBe(0);
    expect((await admin.post(`/api/v1/imports/${second.id}/commit`)).json().result).toEqual({ created: 1, updated: 1 });
    const point = (await admin.get('/api/v1/schools?search=3304817002')).json().items[0];
    expect(point).toMatchObject({ isTeachingPoint: true, locationClass: 'rural', qualityTier: 'weak' });
  });
});

describe('large files', () => {
  it('reads thousands of Chinese rows through the streaming reader without corrupting characters', async () => {
    // ExcelJS's streaming reader used to turn a character split across two chunks into U+FFFD
    // (patched in patches/exceljs+4.4.0.patch); 6,000 rows of Chinese cross many chunk boundaries.
    const digits = (n: number) => String(n).replace(/\d/g, (d) => '零一二三四五六七八九'[Number(d)]!);
    const rows: unknown[][] = [HEADER];
    for (let i = 0; i < 6000; i++) {
      // unique names: the shared-strings part spans many chunks, mostly 3-byte characters
      rows.push([
        `T77${String(i).padStart(8, '0')}`,
        `欧阳${digits(i)}`,
        i % 2 ? '男' : '女',
        1970 + (i % 30),
        schoolCode,
        '语文、道德与法治',
        '语文',
        '一级教师',
        '县骨干教师',
      ]);
    }
    const job = (await upload(admin, 'teachers', 'big.xlsx', await xlsx(rows))).json();
    expect(job.errors).toEqual([]);
    expect(job).toMatchObject({ status: 'validated', totalRows: 6000, errorCount: 0 });
    expect((await admin.post(`/api/v1/imports/${job.id}/commit`)).json().result).toEqual({ created: 6000, updated: 0 });
    const stored = await t.ctx.db
      .selectFrom('teachers')
      .select(['teacher_code', 'name'])
      .where('teacher_code', 'like', 'T77%')
      .execute();
    const wrong = stored.filter((r) => r.name !== `欧阳${digits(Number(r.teacher_code.slice(3)))}`);
    expect(wrong).toEqual([]);
  });
});
