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
  t = await createTestApp(); // no worker of its own: the test runs them
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

async function previewed(teacherNo: string) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('教师');
  ws.addRow(HEADER);
  ws.addRow([teacherNo, '钱七', '女', 1990, schoolCode, '语文', '', '', '']);
  const file = Buffer.from(await wb.xlsx.writeBuffer());
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
