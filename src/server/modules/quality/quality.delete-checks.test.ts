import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchool, buildUser, HAINING, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';
import { importCsv, mathExam } from './quality.fixtures.js';

/**
 * Score tables have no foreign keys (quality.migrations.ts), so deleting what scores name is checked
 * in the services: a school or class that exam scores refer to is refused with a 409 that says how
 * many scores refer to it, in Chinese and English, and no score is left behind.
 */
let t: TestApp;
let bureau: Client;
let principal: Client;
const ids: Record<string, number> = {};

const CSV = [
  '学校代码,班级,学生编号,姓名,身份证号,科目,成绩',
  'DCA,1班,D001,赵一,,数学,40',
  'DCA,1班,D002,钱二,,数学,60',
  'DCA,1班,D003,孙三,,数学,85',
].join('\n');

const scoresOf = async (column: 'school_id' | 'class_id', id: number) =>
  (
    await sql<{ n: number }>`select count(*)::int as n from quality_scores where ${sql.ref(column)} = ${id}`.execute(
      t.ctx.db,
    )
  ).rows[0]!.n;

beforeAll(async () => {
  t = await createTestApp({ worker: true });
  const db = t.ctx.db;
  const a = await buildSchool(db, { code: 'DCA', name: '删除检查学校', location_class: 'urban' });
  const empty = await buildSchool(db, { code: 'DCE', name: '无成绩学校' });
  ids.school = a.id;
  ids.empty = empty.id;
  const b = await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING });
  const p = await buildUser(db, 'school_admin', { kind: 'school', id: a.id });
  bureau = await login(t.app, b.username, USER_PASSWORD);
  principal = await login(t.app, p.username, USER_PASSWORD);
  const cls = await principal.post('/api/v1/quality/classes', {
    schoolId: a.id,
    schoolYear: 2025,
    grade: 6,
    name: '1班',
  });
  expect(cls.statusCode, cls.body).toBe(201);
  ids.class = cls.json().id;
  const unused = await principal.post('/api/v1/quality/classes', {
    schoolId: a.id,
    schoolYear: 2025,
    grade: 6,
    name: '2班',
  });
  ids.unusedClass = unused.json().id;
  const exam = await bureau.post('/api/v1/quality/exams', mathExam([a.id]));
  expect(exam.statusCode, exam.body).toBe(201);
  const job = await importCsv(bureau, exam.json().id, CSV);
  expect(job.status, JSON.stringify(job)).toBe('committed');
});
afterAll(async () => {
  await t.close();
});

describe('deleting what exam scores refer to', () => {
  it('a school with scores is refused, naming how many scores refer to it', async () => {
    const res = await bureau.delete(`/api/v1/schools/${ids.school}`);
    expect(res.statusCode, res.body).toBe(409);
    const body = res.json();
    expect(body.code).toBe('in_use');
    expect(body.message).toContain('3 条考试成绩');
    expect(body.messageEn).toContain('3 exam scores');
    expect(await scoresOf('school_id', ids.school!)).toBe(3);
  });

  it('a class with scores is refused, naming how many scores refer to it', async () => {
    const res = await principal.delete(`/api/v1/quality/classes/${ids.class}`);
    expect(res.statusCode, res.body).toBe(409);
    const body = res.json();
    expect(body.message).toContain('3 条考试成绩');
    expect(body.messageEn).toContain('3 exam scores');
    expect(await scoresOf('class_id', ids.class!)).toBe(3);
  });

  it('a class or school nothing refers to is deleted', async () => {
    expect((await principal.delete(`/api/v1/quality/classes/${ids.unusedClass}`)).statusCode).toBe(204);
    expect((await bureau.delete(`/api/v1/schools/${ids.empty}`)).statusCode).toBe(204);
  });
});
