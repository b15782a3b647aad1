import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { buildSchool, buildTeacher, HAINING } from '../../test/factories.js';

/** Issue 15: what happens to headers and rows after reading — codes, dates, mapping, absent columns, round trip. */
let t: TestApp;
let admin: Client;
let school: { id: number; code: string };
beforeAll(async () => {
  t = await createTestApp({ worker: true });
  admin = await loginAdmin(t.app);
  school = await buildSchool(t.ctx.db, { code: '3304815501', name: '海宁市映射测试小学' });
});
afterAll(async () => {
  await t.close();
});

async function upload(kind: string, fileName: string, content: Buffer) {
  const boundary = '----gongjin-mapping';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/imports?kind=${kind}`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: admin.cookie },
    payload,
  });
}

async function xlsx(rows: unknown[][], merges: string[] = []) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('教师');
  for (const r of rows) ws.addRow(r);
  for (const m of merges) ws.mergeCells(m);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const commit = async (id: string) => (await admin.post(`/api/v1/imports/${id}/commit`)).json();
const teacher = (code: string) =>
  t.ctx.db.selectFrom('teachers').selectAll().where('teacher_code', '=', code).executeTakeFirstOrThrow();

describe('long codes are text', () => {
  it('refuses an ID number typed into a number cell, saying how to fix it, and keeps a text one exactly', async () => {
    const rows = [
      ['教师编号', '姓名', '性别', '学校代码'],
      [Number('330481198004240022'), '数字编号', '女', school.code], // Excel kept 330481198004240000
      ['330481198004240038', '文本编号', '男', school.code],
      [3304810001, '短编号', '男', Number(school.code)], // 10 digits fit a number cell exactly
    ];
    const job = (await upload('teachers', 'ids.xlsx', await xlsx(rows))).json();
    expect(job).toMatchObject({ status: 'invalid', errorCount: 1 });
    expect(job.errors[0]).toMatchObject({ row: 2, column: '教师编号' });
    expect(job.errors[0].message).toContain('330481198004240000');
    expect(job.errors[0].message).toContain('将该列设置为"文本"格式后重新录入，或使用模板');
    const sci = (
      await upload(
        'teachers',
        'sci.csv',
        Buffer.from(`教师编号,姓名,性别,学校代码\n3.30481E+17,科学计数,女,${school.code}\n`),
      )
    ).json();
    expect(sci.errors[0]).toMatchObject({ row: 2, column: '教师编号', message: expect.stringContaining('科学计数法') });
    const fixed = (await upload('teachers', 'ids.xlsx', await xlsx([rows[0]!, rows[2]!, rows[3]!]))).json();
    expect(fixed).toMatchObject({ status: 'validated', errorCount: 0 });
    expect((await commit(fixed.id)).result).toEqual({ created: 2, updated: 0 });
    expect((await teacher('330481198004240038')).name).toBe('文本编号');
    expect((await teacher('3304810001')).school_id).toBe(school.id);
  });
});

describe('column mapping before anything is written', () => {
  it('reads header variants, dates in year columns, 1/2 genders, and lists used, ignored and missing columns', async () => {
    const rows = [
      ['教师编号', '姓名', '性别', '出生日期', '学校代码', '学科', '参加工作时间', '备注', '家庭住址'],
      [
        'T5500000001',
        '日期单元格',
        1,
        new Date(Date.UTC(1980, 3, 24)),
        school.code,
        '语文、数学',
        '2002.9',
        '',
        '某街',
      ],
      ['T5500000002', '文字日期', 2, '1985年7月3日', school.code, '英语', '200709', '新调入', ''],
      ['T5500000003', '序列号', '女', 32000, school.code, '音乐', '2010/8/30', '', ''],
    ];
    const job = (await upload('teachers', 'variants.xlsx', await xlsx(rows))).json();
    expect(job.errors).toEqual([]);
    expect(job.mapping.headerRows).toEqual([1]);
    expect(job.mapping.used).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ column: 'D', header: '出生日期', key: 'birthYear', field: '出生年份' }),
        expect.objectContaining({ column: 'F', header: '学科', key: 'subjects', field: '任教学科' }),
        expect.objectContaining({ column: 'G', header: '参加工作时间', key: 'hireYear', field: '参加工作年份' }),
      ]),
    );
    expect(job.mapping.ignored).toEqual([
      { column: 'H', header: '备注' },
      { column: 'I', header: '家庭住址' },
    ]);
    expect(job.mapping.missingOptional.map((m: { field: string }) => m.field)).toEqual([
      '所学专业',
      '职称',
      '荣誉',
      '职务',
      '最高学历',
      '联系电话',
      '状态',
    ]);
    await commit(job.id);
    expect(await teacher('T5500000001')).toMatchObject({
      gender: 'M',
      birth_year: 1980,
      hire_year: 2002,
      subjects: ['chinese', 'math'],
    });
    expect(await teacher('T5500000002')).toMatchObject({
      gender: 'F',
      birth_year: 1985,
      hire_year: 2007,
      subjects: ['english'],
    });
    expect(await teacher('T5500000003')).toMatchObject({ birth_year: 1987, hire_year: 2010 }); // serial 32000 is 1987-08-10
  });

  it('finds the header under a title row and reads a two-level header', async () => {
    const rows = [
      ['海宁市2025年教师花名册', null, null, null, null, null],
      ['教师编号', '姓名', '性别', '出生年月', '任职情况', null],
      [null, null, null, null, '学校代码', '任教学科'],
      ['T5500000011', '两级表头', '女', '1990-05', school.code, '科学'],
    ];
    const job = (
      await upload(
        'teachers',
        'two-level.xlsx',
        await xlsx(rows, ['A1:F1', 'A2:A3', 'B2:B3', 'C2:C3', 'D2:D3', 'E2:F2']),
      )
    ).json();
    expect(job).toMatchObject({ status: 'validated', totalRows: 1 });
    expect(job.mapping.headerRows).toEqual([2, 3]);
    await commit(job.id);
    expect(await teacher('T5500000011')).toMatchObject({ birth_year: 1990, subjects: ['science'] });
  });

  it('names both headers when two columns mean the same field', async () => {
    const res = await upload(
      'teachers',
      'dup.xlsx',
      await xlsx([
        ['教师编号', '姓名', '性别', '出生年份', '出生日期', '学校代码'],
        ['T5500000021', '甲', '男', 1980, '1980-01-01', school.code],
      ]),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toContain(
      '“出生年份”（D 列）和“出生日期”（E 列）都对应“出生年份”，请删除或改名其中一列',
    );
  });

  it('lets the user map an unknown column to a field, remembered for the next file of the same importer', async () => {
    const rows = [
      ['教师编号', '姓名', '性别', '学校代码', '毕业学历'],
      ['T5500000031', '自定义列', '女', school.code, '硕士'],
    ];
    const first = (await upload('teachers', 'custom.xlsx', await xlsx(rows))).json();
    expect(first.mapping.ignored).toEqual([{ column: 'E', header: '毕业学历' }]);
    const bad = await admin.post(`/api/v1/imports/${first.id}/options`, { custom: { 毕业学历: 'nonsense' } });
    expect(bad.statusCode).toBe(422);
    const mapped = (
      await admin.post(`/api/v1/imports/${first.id}/options`, { custom: { 毕业学历: 'qualification' } })
    ).json();
    expect(mapped.mapping.ignored).toEqual([]);
    expect(mapped.mapping.used).toContainEqual({
      column: 'E',
      header: '毕业学历',
      key: 'qualification',
      field: '最高学历',
      fieldEn: 'Qualification',
    });
    const again = (await upload('teachers', 'custom2.xlsx', await xlsx(rows))).json();
    expect(again.mapping.ignored).toEqual([]);
    await commit(again.id);
    expect((await teacher('T5500000031')).qualification).toBe('master');
    // the choice is a mutation: audited
    const audit = (await admin.get('/api/v1/audit-log?entity=import_column_choice')).json();
    expect(audit.items[0]?.after).toEqual({ 毕业学历: 'qualification' });
  });

  it('lists a column with data under an empty header cell as ignored, even when its data starts far below the header', async () => {
    const rows: unknown[][] = [
      ['教师编号', '姓名', '性别', '学校代码', null, '备注', null, null],
      ['T5500000051', '无列名甲', '女', school.code, '借调中', '', null, null],
    ];
    for (let i = 2; i <= 14; i++)
      rows.push([`T55000000${50 + i}`, `无列名${i}`, '男', school.code, null, '', null, null]);
    rows.push(['T5500000070', '无列名末', '男', school.code, null, '', null, '第 H 列的数据']);
    const job = (await upload('teachers', 'unnamed.xlsx', await xlsx(rows))).json();
    expect(job.errors).toEqual([]);
    expect(job.mapping.ignored).toEqual([
      { column: 'E', header: '第 E 列（无列名）', unnamed: true },
      { column: 'F', header: '备注' },
      { column: 'H', header: '第 H 列（无列名）', unnamed: true },
    ]);
  });

  it('lets the user pick the header row', async () => {
    const rows = [
      ['教师编号', '姓名'],
      ['教师编号', '姓名', '性别', '学校代码'],
      ['T5500000041', '选表头', '男', school.code],
    ];
    const job = (await upload('teachers', 'pick.xlsx', await xlsx(rows))).json();
    expect(job.mapping.headerRows).toEqual([2]);
    const wrong = await admin.post(`/api/v1/imports/${job.id}/options`, { headerRow: 1 });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().message).toContain('缺少必填列');
  });
});

describe('absent means unchanged', () => {
  it('an update touches only present columns; a blank keeps the stored value unless blank clears', async () => {
    await buildTeacher(t.ctx.db, school.id, {
      teacher_code: 'T5500000051',
      name: '原姓名',
      phone: '13900000051',
      birth_year: 1981,
      hire_year: 2003,
      subjects: ['math'],
      title: 'senior',
      honours: ['backbone_county'],
    });
    const noPhone = (
      await upload(
        'teachers',
        'absent.xlsx',
        await xlsx([
          ['教师编号', '姓名', '性别', '学校代码'],
          ['T5500000051', '新姓名', '女', school.code],
        ]),
      )
    ).json();
    expect((await commit(noPhone.id)).result).toEqual({ created: 0, updated: 1 });
    expect(await teacher('T5500000051')).toMatchObject({
      name: '新姓名',
      phone: '13900000051',
      birth_year: 1981,
      hire_year: 2003,
      subjects: ['math'],
      title: 'senior',
      honours: ['backbone_county'],
    });

    const rows = [
      ['教师编号', '姓名', '性别', '学校代码', '联系电话', '职称', '任教学科'],
      ['T5500000051', '新姓名', '女', school.code, null, null, null],
    ];
    const blank = (await upload('teachers', 'blank.xlsx', await xlsx(rows))).json();
    await commit(blank.id);
    expect(await teacher('T5500000051')).toMatchObject({ phone: '13900000051', title: 'senior', subjects: ['math'] });

    const clears = (await upload('teachers', 'blank.xlsx', await xlsx(rows))).json();
    const chosen = (await admin.post(`/api/v1/imports/${clears.id}/options`, { blankClears: true })).json();
    expect(chosen.options).toEqual({ blankClears: true });
    await commit(clears.id);
    expect(await teacher('T5500000051')).toMatchObject({ phone: null, title: 'none', subjects: [] });
  });
});

describe('round trip', () => {
  it('exports schools, teachers and annual statistics, imports them back, and finds the database unchanged', async () => {
    const centre = await buildSchool(t.ctx.db, {
      code: '3304816601',
      name: '往返中心小学',
      township_code: null,
      quality_tier: 'strong',
      founded_year: 1956,
      phone: '0573-87000001',
      address: '海洲街道',
    });
    await buildSchool(t.ctx.db, {
      code: '3304816602',
      name: '往返教学点',
      is_teaching_point: true,
      parent_school_id: centre.id,
      location_class: 'rural',
      quality_tier: 'weak',
      students: 30,
      classes: 3,
    });
    await buildTeacher(t.ctx.db, centre.id, {
      teacher_code: '330481198004240022',
      name: '往返教师',
      gender: 'M',
      birth_year: 1980,
      phone: '13800000066',
      subjects: ['chinese', 'politics'],
      honours: ['backbone_county'],
      posts: ['head_teacher'],
      title: 'senior',
      qualification: 'master',
      hire_year: 2002,
    });
    await buildTeacher(t.ctx.db, centre.id, {
      teacher_code: 'T5500006602',
      name: '往返教师二',
      subjects: [],
      honours: [],
      posts: [],
      qualification: null,
      hire_year: null,
      birth_year: null,
    });
    const stats = await admin.post('/api/v1/school-year-stats', {
      schoolId: centre.id,
      schoolYear: 2025,
      studentsTotal: 300,
      classesTotal: 8,
      teachersTotal: 20,
      studentsByGrade: { 1: 150, 2: 150 },
      classesBySizeBand: { le45: 8 },
      teachersByQualification: { master: 3 },
      buildingArea: 3200.5,
      equipmentValue: 680000,
      isStandardized: true,
      backboneTeachers: 2,
    });
    expect(stats.statusCode).toBe(201);

    const snapshot = async () => ({
      schools: await t.ctx.db
        .selectFrom('schools')
        .select([
          'code',
          'name',
          'short_name',
          'region_code',
          'township_code',
          'level',
          'location_class',
          'is_teaching_point',
          'parent_school_id',
          'quality_tier',
          'latitude',
          'longitude',
          'address',
          'principal_name',
          'phone',
          'founded_year',
          'students',
          'classes',
          'has_recording_classroom',
          'has_sync_classroom',
        ])
        .orderBy('code')
        .execute(),
      teachers: await t.ctx.db
        .selectFrom('teachers')
        .select([
          'teacher_code',
          'school_id',
          'name',
          'gender',
          'birth_year',
          'phone',
          'subjects',
          'major_subject',
          'title',
          'honours',
          'posts',
          'qualification',
          'hire_year',
          'status',
        ])
        .orderBy('teacher_code')
        .execute(),
      stats: await t.ctx.db
        .selectFrom('school_year_stats')
        .select([
          'school_id',
          'school_year',
          'students_total',
          'classes_total',
          'teachers_total',
          'students_by_grade',
          'classes_by_size_band',
          'teachers_by_qualification',
          'teachers_by_honour',
          'teachers_by_subject',
          'teachers_above_qualification',
          'backbone_teachers',
          'pe_art_teachers',
          'building_area',
          'teaching_aux_area',
          'sports_ground_area',
          'equipment_value',
          'multimedia_classrooms',
          'recording_classrooms',
          'is_standardized',
        ])
        .orderBy('school_id')
        .execute(),
    });
    const before = await snapshot();
    for (const [kind, url] of [
      ['schools', `/api/v1/schools/export.xlsx?region=${HAINING}`],
      ['teachers', '/api/v1/teachers/export.xlsx'],
      ['school-year-stats', '/api/v1/school-year-stats/export.xlsx'],
    ] as const) {
      const file = await admin.get(url);
      expect(file.statusCode, url).toBe(200);
      const job = (await upload(kind, `${kind}.xlsx`, file.rawPayload)).json();
      expect(job.errors, kind).toEqual([]);
      expect(
        job.mapping.used.map((u: { key: string }) => u.key),
        kind,
      ).toContain(kind === 'schools' ? 'code' : 'schoolCode');
      const done = await commit(job.id);
      expect(done.status, kind).toBe('committed');
    }
    expect(await snapshot()).toEqual(before);
  });
});
