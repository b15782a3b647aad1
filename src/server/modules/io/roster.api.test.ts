import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { buildSchool } from '../../test/factories.js';
import { generateRoster } from './fixtures/roster.js';

/**
 * Issue 15's 2,000-row roster: title row, two-level header, ID numbers in number cells, dates typed
 * in several ways. The import stores every field exactly or refuses the rows it cannot store
 * exactly — checked field by field against the generator's own record of the file.
 */
let t: TestApp;
let admin: Client;
const schoolCodes = ['3304819101', '3304819102', '3304819103'];
const schoolIds = new Map<string, number>();
beforeAll(async () => {
  t = await createTestApp({ worker: true });
  admin = await loginAdmin(t.app);
  for (const code of schoolCodes) schoolIds.set(code, (await buildSchool(t.ctx.db, { code })).id);
});
afterAll(async () => {
  await t.close();
});

async function upload(fileName: string, content: Buffer) {
  const boundary = '----gongjin-roster';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/imports?kind=teachers',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: admin.cookie },
    payload,
  });
}

describe('the 2,000-row roster', () => {
  it('refuses exactly the rows whose ID a number cell could not hold, saying how to fix them, and writes nothing', async () => {
    const roster = await generateRoster({ rows: 2000, seed: 15, schoolCodes });
    expect(roster.numberIdRows.length).toBeGreaterThan(500);
    const job = (await upload('花名册.xlsx', roster.buffer)).json();
    expect(job.mapping.headerRows).toEqual([2, 3]);
    expect(job.mapping.ignored.map((i: { header: string }) => i.header)).toEqual(['序号', '备注']);
    expect(job).toMatchObject({
      status: 'invalid',
      totalRows: 2000,
      errorCount: roster.numberIdRows.length,
      validRows: 2000 - roster.numberIdRows.length,
    });
    expect(job.errors.map((e: { row: number }) => e.row)).toEqual(roster.numberIdRows.slice(0, 1000));
    for (const e of job.errors) {
      expect(e.column).toBe('教师编号');
      expect(e.message).toContain('将该列设置为"文本"格式后重新录入，或使用模板');
    }
    const commit = await admin.post(`/api/v1/imports/${job.id}/commit`);
    expect(commit.statusCode).toBe(422);
    expect((await t.ctx.db.selectFrom('teachers').select('id').execute()).length).toBe(0);
  });

  it('once the ID column is text, stores every field of every row exactly', async () => {
    const roster = await generateRoster({ rows: 2000, seed: 15, schoolCodes, numberIds: false });
    const job = (await upload('花名册-文本.xlsx', roster.buffer)).json();
    expect(job.errors).toEqual([]);
    expect(job).toMatchObject({ status: 'validated', totalRows: 2000 });
    const done = (await admin.post(`/api/v1/imports/${job.id}/commit`)).json();
    expect(done.result).toEqual({ created: 2000, updated: 0 });
    const stored = new Map(
      (await t.ctx.db.selectFrom('teachers').selectAll().execute()).map((r) => [r.teacher_code, r]),
    );
    const wrong: string[] = [];
    for (const x of roster.expected) {
      const s = stored.get(x.teacherCode);
      const got = s && {
        name: s.name,
        gender: s.gender,
        birthYear: s.birth_year,
        schoolId: s.school_id,
        subjects: s.subjects,
        title: s.title,
        hireYear: s.hire_year,
        phone: s.phone,
      };
      const want = {
        name: x.name,
        gender: x.gender,
        birthYear: x.birthYear,
        schoolId: schoolIds.get(x.schoolCode),
        subjects: x.subjects,
        title: x.title,
        hireYear: x.hireYear,
        phone: x.phone,
      };
      if (JSON.stringify(got) !== JSON.stringify(want))
        wrong.push(`row ${x.row}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
    }
    expect(wrong).toEqual([]);
    expect(stored.size).toBe(2000);
  });
});
