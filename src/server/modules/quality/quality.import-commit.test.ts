import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../http/actor.js';
import { buildSchool, buildUser, HAINING } from '../../test/factories.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { ExamsService } from './exams.service.js';
import { QualityImportService } from './import.service.js';
import { notPending } from './import.staging.js';
import { mathExam } from './quality.fixtures.js';

/**
 * How a score import commits (docs/quality-import.md): the new exam's partition is built in chunks
 * outside any transaction and attached in a short one. A failure mid-way leaves nothing visible and
 * no build tables; other queries are served between the chunks (PGlite has one connection); the
 * committed scores are the file's.
 */
let t: TestApp;
let caller: Caller;
let schoolIds: number[];

const STUDENTS = 1200;
const csvFor = (prefix: string) => {
  const lines = ['学校代码,班级,学生编号,科目,成绩'];
  for (let s = 0; s < STUDENTS; s++)
    lines.push(`${s % 2 ? 'ICB' : 'ICA'},${(s % 2) + 1}班,${prefix}${s},数学,${(s * 7) % 101}`);
  return lines.join('\n');
};

async function newExam(name: string) {
  const exam = await new ExamsService(t.ctx.db).create(caller, { ...mathExam(schoolIds), name } as never);
  return exam.id;
}

/** Upload and check through the service; returns a job ready to commit. */
async function checked(service: QualityImportService, examId: number, csv: string) {
  const up = await service.upload(caller, examId, 'student', 's.csv', Readable.from([Buffer.from(csv)]), undefined, {
    queue: false,
  });
  const job = await service.check(caller.actor, up.id);
  expect(job.status, JSON.stringify(job.errors.slice(0, 3))).toBe('checked');
  await service.claim(caller, up.id, { queue: false });
  return up.id;
}

const scoresOf = async (examId: number) =>
  (
    await sql<{ key: string; score: number }>`select st.student_key as key, q.score::float8 as score
      from quality_scores q join quality_students st on st.id = q.student_id where q.exam_id = ${examId} order by 1`.execute(
      t.ctx.db,
    )
  ).rows;
const studentsLike = async (prefix: string) =>
  Number(
    (
      await sql<{
        n: number;
      }>`select count(*)::int as n from quality_students where student_key like ${`${prefix}%`}`.execute(t.ctx.db)
    ).rows[0]!.n,
  );
/** Tables an import builds while it commits (besides the checked rows it keeps for a retry). */
const buildTables = async () =>
  (
    await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema()
      and (tablename like 'quality\\_build\\_%' or tablename like 'quality\\_scores\\_e%') order by 1`.execute(t.ctx.db)
  ).rows.map((r) => r.name);
const stageTables = async () =>
  (
    await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema()
      and tablename like 'quality\\_stage\\_%'`.execute(t.ctx.db)
  ).rows.map((r) => r.name);

beforeAll(async () => {
  t = await createTestApp();
  const db = t.ctx.db;
  const a = await buildSchool(db, { code: 'ICA' });
  const b = await buildSchool(db, { code: 'ICB' });
  schoolIds = [a.id, b.id];
  const user = await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING });
  caller = {
    actor: {
      userId: user.id,
      username: user.username,
      displayName: user.username,
      role: 'bureau_admin',
      scope: { kind: 'region', id: HAINING },
      teacherId: null,
    },
    requestId: 'commit-test',
    ip: '127.0.0.1',
  };
  await sql`insert into quality_classes (school_id, school_year, grade, name)
    select s, 2025, 6, n || '班' from unnest(${schoolIds}::int4[]) as s, generate_series(1, 2) as n`.execute(db);
});
afterAll(async () => {
  await t.close();
});

describe('score import commit', () => {
  it('the committed scores are the file, in the exam partition; no build or staging tables stay', async () => {
    const examId = await newExam('commit equals file');
    const service = new QualityImportService(t.ctx.dbh, t.ctx.storage);
    service.commitChunkRows = 250;
    const id = await checked(service, examId, csvFor('EQ'));
    const before = await buildTables();
    const job = await service.commit(caller, id);
    expect(job.status).toBe('committed');
    expect(job.rowsWritten).toBe(STUDENTS);
    const expected = Array.from({ length: STUDENTS }, (_, s) => ({ key: `EQ${s}`, score: (s * 7) % 101 })).sort(
      (x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0),
    );
    expect(await scoresOf(examId)).toEqual(expected);
    expect(await buildTables()).toEqual([...before, `quality_scores_e${examId}`].sort());
    expect(await stageTables()).toEqual([]);
  });

  it('a failure mid-way leaves no score and no student visible and no build tables; run again, it commits', async () => {
    const examId = await newExam('fails mid-way');
    const service = new QualityImportService(t.ctx.dbh, t.ctx.storage);
    service.commitChunkRows = 250;
    const id = await checked(service, examId, csvFor('FM'));
    const before = await buildTables();
    const stage = await stageTables();
    const abort = new AbortController();
    let chunks = 0;
    await expect(
      service.commit(caller, id, {
        signal: abort.signal,
        onProgress: () => {
          chunks += 1;
          if (chunks === 2) abort.abort(new Error('cut short'));
        },
      }),
    ).rejects.toThrow('cut short');
    expect(chunks).toBe(2);
    expect(await scoresOf(examId)).toEqual([]);
    expect(await studentsLike('FM')).toBe(0);
    expect(await buildTables()).toEqual(before);
    // the checked rows stay for the queue's next attempt
    expect(await stageTables()).toEqual(stage);
    const again = await service.commit(caller, id, { attempt: 2 });
    expect(again.status).toBe('committed');
    expect((await scoresOf(examId)).length).toBe(STUDENTS);
    expect(await studentsLike('FM')).toBe(STUDENTS);
  });

  it('given up mid-way, the import leaves no staging or build tables', async () => {
    const examId = await newExam('abandoned');
    const service = new QualityImportService(t.ctx.dbh, t.ctx.storage);
    service.commitChunkRows = 250;
    const id = await checked(service, examId, csvFor('AB'));
    const before = await buildTables();
    const abort = new AbortController();
    await expect(
      service.commit(caller, id, { signal: abort.signal, onProgress: () => abort.abort(new Error('stop')) }),
    ).rejects.toThrow('stop');
    await service.abandon(id, 'commit', 'test');
    expect(await buildTables()).toEqual(before);
    expect(await stageTables()).toEqual([]);
    expect(await scoresOf(examId)).toEqual([]);
    expect(await studentsLike('AB')).toBe(0);
  });

  it('other queries are answered between the chunks of a commit, and see none of its rows', async () => {
    const examId = await newExam('served meanwhile');
    const service = new QualityImportService(t.ctx.dbh, t.ctx.storage);
    service.commitChunkRows = 250;
    const id = await checked(service, examId, csvFor('SV'));
    const order: string[] = [];
    let read: Promise<void> | null = null;
    const job = await service.commit(caller, id, {
      onProgress: (n) => {
        order.push(`chunk ${n}`);
        // a request arriving while the commit runs (what /api/health or a page does)
        read ??= sql<{ n: number; students: number }>`select
            (select count(*)::int from quality_scores where exam_id = ${examId}) as n,
            (select count(*)::int from quality_students st where student_key like 'SV%' and ${notPending}) as students`
          .execute(t.ctx.db)
          .then((r) => void order.push(`read saw ${r.rows[0]!.n} scores, ${r.rows[0]!.students} students`));
      },
    });
    order.push('committed');
    await read;
    expect(job.status).toBe('committed');
    const readAt = order.findIndex((o) => o.startsWith('read'));
    expect(order[readAt]).toBe('read saw 0 scores, 0 students');
    expect(readAt).toBeLessThan(order.indexOf('committed'));
    // answered before the last chunk was written, not after the commit
    expect(readAt).toBeLessThan(order.indexOf(`chunk ${STUDENTS}`));
  });
});
