import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../http/actor.js';
import { buildSchool } from '../../test/factories.js';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { modules } from '../index.js';
import { jobContributions } from '../jobs/jobs.contributions.js';
import { claimJob } from '../jobs/queue.js';
import { JobWorker } from '../jobs/worker.js';
import { ImportService, importKindsOf } from './import.service.js';

/**
 * A registry import's commit runs on the job queue. Its worker dying mid-commit (simulated: a worker
 * claims the job and never answers) must not leave the import `committing` for ever: once the lease
 * runs out another worker runs it again, or, on its last attempt, the import ends failed with why.
 */
let t: TestApp;
let admin: Client;
let caller: Caller;
let schoolCode: string;
const HEADER = ['教师编号', '姓名', '性别', '出生年份', '学校代码', '任教学科', '所学专业', '职称', '荣誉'];

beforeAll(async () => {
  // no worker of its own: the test runs them; every file through the API is checked on the queue
  t = await createTestApp({ env: { GONGJIN_IMPORT_QUEUE_CHECK_MB: '0' } });
  admin = await loginAdmin(t.app);
  schoolCode = (await buildSchool(t.ctx.db, { code: '3304810109', name: '海宁市队列测试小学' })).code;
  const me = (await admin.get('/api/v1/auth/me')).json();
  caller = {
    actor: {
      userId: me.id,
      username: me.username,
      displayName: me.displayName,
      role: me.role,
      scope: me.scope,
      teacherId: null,
    },
    requestId: 'queue-test',
    ip: '127.0.0.1',
  };
});
afterAll(async () => t?.close());

const service = () => new ImportService(t.ctx.db, t.ctx.storage, importKindsOf(modules));
const worker = () => new JobWorker(t.ctx, jobContributions(modules).kinds, [], { modules });

async function teachersFile(rows: unknown[][], opts: { hidden?: boolean } = {}) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('教师');
  if (opts.hidden) ws.state = 'hidden';
  ws.addRow(HEADER);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function previewed(teacherNo: string) {
  const file = await teachersFile([[teacherNo, '钱七', '女', 1990, schoolCode, '语文', '', '', '']]);
  const job = await service().upload(caller, 'teachers', '教师.xlsx', Readable.from([file]));
  expect(job.status).toBe('validated');
  return job.id;
}

/** Commits through the queue, and a worker takes the job and dies: its lease simply runs out. */
async function commitAndDie(importId: string) {
  const job = await service().commit(caller, importId, { waitMs: 0 });
  expect(job.status).toBe('committing');
  const claimed = await claimJob(t.ctx.db, ['io.import-commit'], 'dead-worker:1');
  expect(claimed).not.toBeNull();
  await sql`update jobs set locked_until = now() - interval '1 second' where id = ${claimed!.id}`.execute(t.ctx.db);
  return claimed!.id;
}
const teacherCount = async (no: string) =>
  (await t.ctx.db.selectFrom('teachers').select('id').where('teacher_code', '=', no).execute()).length;

describe('registry import commits on the job queue', () => {
  it('runs the commit again when its worker died, and writes the file once', async () => {
    const importId = await previewed('T2000000001');
    const jobId = await commitAndDie(importId);
    await worker().drain(); // the lease ran out: back to the queue, after a back-off
    await sql`update jobs set run_at = now() where id = ${jobId}`.execute(t.ctx.db);
    await worker().drain();
    const job = (await admin.get(`/api/v1/imports/${importId}`)).json();
    expect(job).toMatchObject({ status: 'committed', result: { created: 1, updated: 0 } });
    expect(await teacherCount('T2000000001')).toBe(1);
    const queued = await t.ctx.db
      .selectFrom('jobs')
      .select(['status', 'attempts'])
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow();
    expect(queued).toEqual({ status: 'done', attempts: 2 });
  });

  it('ends failed, saying why, when the worker dies on the last attempt; nothing is written', async () => {
    const importId = await previewed('T2000000002');
    const jobId = await commitAndDie(importId);
    await sql`update jobs set max_attempts = 1 where id = ${jobId}`.execute(t.ctx.db);
    await worker().drain();
    const job = (await admin.get(`/api/v1/imports/${importId}`)).json();
    expect(job.status).toBe('failed');
    expect(job.errors[0]).toMatchObject({ row: 0, messageEn: expect.stringContaining('lease expired') });
    expect(await teacherCount('T2000000002')).toBe(0);
    // a failed import cannot be committed again; the file must be uploaded anew
    expect((await admin.post(`/api/v1/imports/${importId}/commit`)).statusCode).toBe(409);
  });
});

/** A large file's check runs on the queue (every file here: the threshold is 0 bytes). */
const queuedService = () =>
  new ImportService(t.ctx.db, t.ctx.storage, importKindsOf(modules), undefined, { queueCheckBytes: 0, waitMs: 0 });

describe('registry import checks of large files on the job queue', () => {
  const rows = () => [
    ['T2100000001', '孙八', '男', 1985, schoolCode, '数学', '', '', ''],
    ['T2100000002', '周九', '女', 1992, '9999999999', '英语', '', '', ''], // no such school
  ];
  const view = (j: { status: string; totalRows: number; validRows: number; errorCount: number; errors: unknown }) => ({
    status: j.status,
    totalRows: j.totalRows,
    validRows: j.validRows,
    errorCount: j.errorCount,
    errors: j.errors,
  });

  it('answers `checking`, and the queued check gives the same preview as a check in the request', async () => {
    const file = await teachersFile(rows());
    const inline = await service().upload(caller, 'teachers', '教师.xlsx', Readable.from([file]));
    const queued = await queuedService().upload(caller, 'teachers', '教师.xlsx', Readable.from([file]));
    expect(queued.status).toBe('checking');
    expect((await admin.post(`/api/v1/imports/${queued.id}/commit`)).statusCode).toBe(409);
    await worker().drain();
    const checked = (await admin.get(`/api/v1/imports/${queued.id}`)).json();
    expect(inline.status).toBe('invalid');
    expect(view(checked)).toEqual(view(inline));
    expect(checked.errors[0]).toMatchObject({ row: 3, column: '学校代码' });
  });

  it('checks through the API on the queue, then re-checks with a new preview choice the same way', async () => {
    const w = worker();
    await w.start();
    try {
      const boundary = '----gongjin-queue-test';
      const upload = await t.app.inject({
        method: 'POST',
        url: '/api/v1/imports?kind=teachers',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: admin.cookie },
        payload: Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="teachers.xlsx"\r\n` +
              'Content-Type: application/octet-stream\r\n\r\n',
          ),
          await teachersFile(rows()),
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
      });
      expect(upload.statusCode).toBe(201);
      expect(upload.json()).toMatchObject({ status: 'invalid', totalRows: 2, validRows: 1, errorCount: 1 });
      const again = await admin.post(`/api/v1/imports/${upload.json().id}/options`, { blankClears: true });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ status: 'invalid', totalRows: 2, options: { blankClears: true } });
      const jobs = await t.ctx.db
        .selectFrom('jobs')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('kind', '=', 'io.import-check')
        .where('status', '=', 'done')
        .executeTakeFirstOrThrow();
      expect(jobs.n).toBeGreaterThanOrEqual(2);
    } finally {
      await w.stop(1000);
    }
  });

  it('checks again when its worker died, then the import commits', async () => {
    const queued = await queuedService().upload(
      caller,
      'teachers',
      '教师.xlsx',
      Readable.from([await teachersFile([rows()[0]!])]),
    );
    const claimed = await claimJob(t.ctx.db, ['io.import-check'], 'dead-worker:2');
    expect(claimed).not.toBeNull();
    await sql`update jobs set locked_until = now() - interval '1 second' where id = ${claimed!.id}`.execute(t.ctx.db);
    await worker().drain(); // the lease ran out: back to the queue, after a back-off
    expect((await admin.get(`/api/v1/imports/${queued.id}`)).json().status).toBe('checking');
    await sql`update jobs set run_at = now() where id = ${claimed!.id}`.execute(t.ctx.db);
    await worker().drain();
    expect((await admin.get(`/api/v1/imports/${queued.id}`)).json()).toMatchObject({
      status: 'validated',
      totalRows: 1,
    });
    const done = await service().commit(caller, queued.id, { inline: true });
    expect(done.status).toBe('committed');
    expect(await teacherCount('T2100000001')).toBe(1);
  });

  it('ends failed, saying why, when the worker dies on the last attempt, and keeps no file', async () => {
    const queued = await queuedService().upload(
      caller,
      'teachers',
      '教师.xlsx',
      Readable.from([await teachersFile([['T2100000003', '吴十', '男', 1980, schoolCode, '语文', '', '', '']])]),
    );
    const claimed = await claimJob(t.ctx.db, ['io.import-check'], 'dead-worker:3');
    await sql`update jobs set locked_until = now() - interval '1 second', max_attempts = 1 where id = ${claimed!.id}`.execute(
      t.ctx.db,
    );
    await worker().drain();
    const job = (await admin.get(`/api/v1/imports/${queued.id}`)).json();
    expect(job.status).toBe('failed');
    expect(job.errors[0]).toMatchObject({ row: 0, messageEn: expect.stringContaining('lease expired') });
    const row = await t.ctx.db
      .selectFrom('import_jobs')
      .select(['file_deleted_at', 'file_key'])
      .where('id', '=', queued.id)
      .executeTakeFirstOrThrow();
    expect(row.file_deleted_at).not.toBeNull();
    expect(await t.ctx.storage.stat(row.file_key)).toBeNull();
    expect((await admin.post(`/api/v1/imports/${queued.id}/commit`)).statusCode).toBe(409);
  });

  it('ends failed with the reason when the queued check cannot read the workbook', async () => {
    const file = await teachersFile([['T2100000004', '郑一', '女', 1991, schoolCode, '语文', '', '', '']], {
      hidden: true,
    });
    const queued = await queuedService().upload(caller, 'teachers', '教师.xlsx', Readable.from([file]));
    expect(queued.status).toBe('checking');
    await worker().drain();
    const job = (await admin.get(`/api/v1/imports/${queued.id}`)).json();
    expect(job.status).toBe('failed');
    expect(job.errors[0]).toMatchObject({ row: 0, message: '表格无法读取：工作簿没有可见的工作表' });
  });
});
