import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchool, buildUser, HAINING, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, openTestDatabase, type Client, type TestApp } from '../../test/harness.js';
import { migrateTo, migrateToLatest } from '../../db/migrate.js';
import { importCsv, mathExam } from './quality.fixtures.js';
import { ensureScorePartition, scorePartition, writeExamScores } from './score-partitions.js';

/**
 * Scores live in one partition per exam (score-partitions.ts): the first import of an exam loads a
 * fresh table and attaches it, later ones insert into it, and deleting the exam drops it. What a
 * user sees must not change: counts, statistics, refusals, and the dashboard noticing new scores.
 */
let t: TestApp;
let bureau: Client;
let schools: number[];

const partitionOf = async (examId: number) =>
  (
    await sql<{ name: string }>`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'quality_scores'::regclass and c.relname = ${scorePartition(examId)}`.execute(t.ctx.db)
  ).rows.map((r) => r.name);
const rowsIn = async (table: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(t.ctx.db)).rows[0]!.n;
const changeCounter = async () =>
  (await sql<{ v: string }>`select last_value::text as v from dashboard_change_quality`.execute(t.ctx.db)).rows[0]!.v;

async function newExam() {
  const res = await bureau.post('/api/v1/quality/exams', mathExam(schools));
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as number;
}

beforeAll(async () => {
  t = await createTestApp({ worker: true });
  const db = t.ctx.db;
  const a = await buildSchool(db, { code: 'PTA' });
  const b = await buildSchool(db, { code: 'PTB', location_class: 'rural' });
  schools = [a.id, b.id];
  bureau = await login(
    t.app,
    (await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING })).username,
    USER_PASSWORD,
  );
  for (const s of [a, b])
    await bureau.post('/api/v1/quality/classes', { schoolId: s.id, schoolYear: 2025, grade: 6, name: '1班' });
});
afterAll(async () => {
  await t.close();
});

describe('one partition per exam', () => {
  it('the first import attaches a fresh partition; the next inserts into it; statistics read both', async () => {
    const examId = await newExam();
    expect(await partitionOf(examId)).toEqual([]);
    const before = await changeCounter();
    const first = await importCsv(
      bureau,
      examId,
      '学校代码,班级,学生编号,科目,成绩\nPTA,1班,P1,数学,90\nPTB,1班,P2,数学,50\n',
    );
    expect(first.status).toBe('committed');
    expect(await partitionOf(examId)).toEqual([scorePartition(examId)]);
    expect(await rowsIn(scorePartition(examId))).toBe(2);
    expect(await changeCounter()).not.toBe(before); // the dashboard's cache learns of the new scores
    const second = await importCsv(bureau, examId, '学校代码,班级,学生编号,科目,成绩\nPTA,1班,P3,数学,70\n');
    expect(second.status).toBe('committed');
    expect(await rowsIn(scorePartition(examId))).toBe(3);
    const again = await importCsv(bureau, examId, '学校代码,班级,学生编号,科目,成绩\nPTA,1班,P3,数学,71\n');
    expect(again.errors.map((e) => e.code)).toEqual(['already_imported']);
    const stats = await bureau.get(`/api/v1/quality/exams/${examId}/stats?subject=math&by=school`);
    expect(stats.statusCode, stats.body).toBe(200);
    const rows = stats.json().rows as { n: number; mean: number }[];
    expect(rows.map((r) => [r.n, r.mean]).sort()).toEqual([
      [1, 50],
      [2, 80],
    ]);
  });

  it('the indexes of a fresh partition are the parent’s, and a row of another exam cannot enter it', async () => {
    const examId = await newExam();
    await importCsv(bureau, examId, '学校代码,班级,学生编号,科目,成绩\nPTA,1班,Q1,数学,90\n');
    const indexes = await sql<{
      def: string;
    }>`select indexdef as def from pg_indexes where tablename = ${scorePartition(examId)} order by 1`.execute(t.ctx.db);
    expect(indexes.rows.map((r) => r.def.replace(/^.* USING /, '')).sort()).toEqual([
      'btree (class_id, exam_subject_id)',
      'btree (exam_subject_id, student_id, exam_id)',
      'btree (student_id)',
    ]);
    const attachedIndexes = await sql<{
      n: number;
    }>`select count(*)::int as n from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where c.relname like ${`${scorePartition(examId)}%`} and c.relkind = 'i'`.execute(t.ctx.db);
    expect(attachedIndexes.rows[0]!.n).toBe(3); // adopted by the parent's indexes, not built twice
    await expect(
      sql`insert into ${sql.table(scorePartition(examId))} (exam_id, exam_subject_id, student_id, school_id, class_id, score) values (${examId + 1000}, 1, 1, 1, 1, 1)`.execute(
        t.ctx.db,
      ),
    ).rejects.toThrow();
  });

  it('writers of a few rows and deleting the exam', async () => {
    const examId = await newExam();
    const subject = await t.ctx.db
      .selectFrom('quality_exam_subjects')
      .select('id')
      .where('exam_id', '=', examId)
      .executeTakeFirstOrThrow();
    const cls = await t.ctx.db
      .selectFrom('quality_classes')
      .select('id')
      .where('school_id', '=', schools[0]!)
      .executeTakeFirstOrThrow();
    const student = await t.ctx.db
      .insertInto('quality_students')
      .values({ student_key: 'W1', school_id: schools[0]! })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.ctx.db.transaction().execute(async (tx) => {
      await ensureScorePartition(tx, examId);
      await ensureScorePartition(tx, examId); // twice is fine
      const n = await writeExamScores(
        tx,
        examId,
        sql`select ${examId}, ${subject.id}, ${student.id}, ${schools[0]!}, ${cls.id}, 88`,
      );
      expect(n).toBe(1);
    });
    expect(await rowsIn(scorePartition(examId))).toBe(1);
    expect((await bureau.delete(`/api/v1/quality/exams/${examId}`)).statusCode).toBe(204);
    expect(await partitionOf(examId)).toEqual([]);
    expect(
      (await sql<{ t: string | null }>`select to_regclass(${scorePartition(examId)})::text as t`.execute(t.ctx.db))
        .rows[0]!.t,
    ).toBeNull();
  });
});

describe('the migration to partitions', () => {
  it('moves the scores of each exam into its partition and keeps the dashboard trigger', async () => {
    const { dbh, dropDatabase } = await openTestDatabase();
    try {
      const db = dbh.db;
      await migrateTo(db, '20261124_1902_dashboard_quality_changes');
      // scores as the unpartitioned table held them (it has no foreign keys), two exams
      await sql`insert into quality_scores (exam_id, exam_subject_id, student_id, school_id, class_id, score)
        select e, e * 10 + s, g, 1, 1, g % 100 from generate_series(1, 2) e, generate_series(1, 3) s, generate_series(1, 50) g`.execute(
        db,
      );
      const applied = await migrateToLatest(db);
      expect(applied.applied).toContain('20261125_0900_quality_scores_by_exam');
      for (const exam of [1, 2]) {
        const n = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(scorePartition(exam))}`.execute(
          db,
        );
        expect(n.rows[0]!.n).toBe(150);
      }
      const total = await sql<{
        n: number;
        s: number;
      }>`select count(*)::int as n, sum(score)::float8 as s from quality_scores`.execute(db);
      expect(total.rows[0]).toEqual({
        n: 300,
        s: 2 * 3 * Array.from({ length: 50 }, (_v, i) => (i + 1) % 100).reduce((a, b) => a + b, 0),
      });
      const before = await sql<{ v: string }>`select last_value::text as v from dashboard_change_quality`.execute(db);
      await sql`delete from quality_scores where exam_id = 2`.execute(db);
      const after = await sql<{ v: string }>`select last_value::text as v from dashboard_change_quality`.execute(db);
      expect(after.rows[0]!.v).not.toBe(before.rows[0]!.v);
      const collation = await sql<{
        c: string;
      }>`select collation_name as c from information_schema.columns where table_name = 'quality_students' and column_name = 'student_key'`.execute(
        db,
      );
      expect(collation.rows[0]!.c).toBe('C');
    } finally {
      await dbh.close();
      await dropDatabase();
    }
  });
});

describe('students and their schools (checked per statement, not per row)', () => {
  it('a student of a school that does not exist is refused, and a school with students cannot be deleted', async () => {
    const db = t.ctx.db;
    await expect(
      db.insertInto('quality_students').values({ student_key: 'NOSCHOOL', school_id: 999_999 }).execute(),
    ).rejects.toMatchObject({ code: '23503' });
    const lone = await buildSchool(db, { code: 'PTL' });
    const st = await db
      .insertInto('quality_students')
      .values({ student_key: 'LONE1', school_id: lone.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      db.updateTable('quality_students').set({ school_id: 999_999 }).where('id', '=', st.id).execute(),
    ).rejects.toMatchObject({ code: '23503' });
    const refused = await bureau.delete(`/api/v1/schools/${lone.id}`);
    expect(refused.statusCode, refused.body).toBe(409);
    // the registry counts what refers to the school (its students here) before the database would refuse
    expect(refused.json()).toMatchObject({ code: 'in_use' });
    await db.deleteFrom('quality_students').where('id', '=', st.id).execute();
    expect((await bureau.delete(`/api/v1/schools/${lone.id}`)).statusCode).toBe(204);
  });
});
