import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchool, buildUser, HAINING } from '../../test/factories.js';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import type { Actor, Caller } from '../../http/actor.js';
import { QualityImportService } from '../quality/import.service.js';
import { mathExam } from '../quality/quality.fixtures.js';
import { JobWorker } from '../jobs/worker.js';
import { ioJobs } from './io.jobs.js';
import { sweepImportFiles } from './retention.js';

/**
 * Import files hold personal data: they go when the job fails or is discarded (a score file also when
 * refused), and GONGJIN_IMPORT_RETENTION_DAYS after a commit or upload. The clock is injected; the job rows say what to delete.
 */
let t: TestApp;
let admin: Client;
let bureau: Actor;
let examId: number;
const DAY = 86400000;

beforeAll(async () => {
  t = await createTestApp({ worker: true });
  admin = await loginAdmin(t.app);
  const s = await buildSchool(t.ctx.db, { code: 'RET01' });
  const user = await buildUser(t.ctx.db, 'bureau_admin', { kind: 'region', id: HAINING });
  bureau = {
    userId: user.id,
    username: user.username,
    displayName: user.username,
    role: 'bureau_admin',
    scope: { kind: 'region', id: HAINING },
    teacherId: null,
  };
  await admin.post('/api/v1/quality/classes', { schoolId: s.id, schoolYear: 2025, grade: 6, name: '1班' });
  examId = (await admin.post('/api/v1/quality/exams', mathExam([s.id]))).json().id;
});
afterAll(async () => {
  await t.close();
});

async function upload(kind: string, fileName: string, content: string) {
  const boundary = '----gongjin-ret';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/imports?kind=${kind}`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: admin.cookie },
    payload,
  });
}
const registryJob = (id: string) =>
  t.ctx.db
    .selectFrom('import_jobs')
    .select(['file_key', 'file_deleted_at', 'status'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
const scoreJob = (id: string) =>
  t.ctx.db
    .selectFrom('quality_import_jobs')
    .select(['file_key', 'file_deleted_at', 'status'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
const exists = async (key: string) => (await t.ctx.storage.stat(key)) !== null;
const STATS = (year: string, students: string) =>
  `学校代码,学年,学生数,班级数,教师数\nRET01,${year},${students},6,18\n`;

describe('registry import files', () => {
  it('a preview with row errors keeps its file only for re-checking, and not past the retention days', async () => {
    const job = (await upload('school-year-stats', 'bad.csv', STATS('2025-2026', '-5'))).json();
    expect(job.status).toBe('invalid');
    const row = await registryJob(job.id);
    // the user may re-check it with another column mapping or header row (POST /imports/:id/options)
    expect(await exists(row.file_key)).toBe(true);
    const created = new Date(job.createdAt);
    await sweepImportFiles(t.ctx.db, t.ctx.storage, { now: new Date(created.getTime() + 29 * DAY), retentionDays: 30 });
    expect(await exists(row.file_key)).toBe(true);
    await sweepImportFiles(t.ctx.db, t.ctx.storage, {
      now: new Date(created.getTime() + 30 * DAY + 1000),
      retentionDays: 30,
    });
    expect(await exists(row.file_key)).toBe(false);
    expect((await registryJob(job.id)).file_deleted_at).not.toBeNull();
  });

  it('a committed file is kept for the retention days, then deleted by the sweep', async () => {
    const job = (await upload('school-year-stats', 'ok.csv', STATS('2024-2025', '270'))).json();
    expect((await admin.post(`/api/v1/imports/${job.id}/commit`)).json().status).toBe('committed');
    const row = await registryJob(job.id);
    const committedAt = new Date(
      (
        await t.ctx.db
          .selectFrom('import_jobs')
          .select('committed_at')
          .where('id', '=', job.id)
          .executeTakeFirstOrThrow()
      ).committed_at!,
    );
    await sweepImportFiles(t.ctx.db, t.ctx.storage, {
      now: new Date(committedAt.getTime() + 29 * DAY),
      retentionDays: 30,
    });
    expect(await exists(row.file_key)).toBe(true);
    expect((await registryJob(job.id)).file_deleted_at).toBeNull();
    await sweepImportFiles(t.ctx.db, t.ctx.storage, {
      now: new Date(committedAt.getTime() + 30 * DAY + 1000),
      retentionDays: 30,
    });
    expect(await exists(row.file_key)).toBe(false);
    expect((await registryJob(job.id)).file_deleted_at).not.toBeNull();
  });

  it('a preview nobody commits is deleted after the retention days; the scheduled sweep runs at start', async () => {
    const job = (await upload('school-year-stats', 'waiting.csv', STATS('2023-2024', '270'))).json();
    expect(job.status).toBe('validated');
    const row = await registryJob(job.id);
    const created = new Date(job.createdAt);
    await sweepImportFiles(t.ctx.db, t.ctx.storage, { now: new Date(created.getTime() + 10 * DAY), retentionDays: 30 });
    expect(await exists(row.file_key)).toBe(true);
    // what a server start does: the queue's schedule is due at once (then every six hours)
    const later = { ...t.ctx, now: () => new Date(created.getTime() + 31 * DAY) };
    await new JobWorker(later, ioJobs.kinds, ioJobs.schedules).drain();
    expect(await exists(row.file_key)).toBe(false);
    const run = await t.ctx.db
      .selectFrom('jobs')
      .select(['status', 'result'])
      .where('kind', '=', 'io.sweep-import-files')
      .executeTakeFirstOrThrow();
    expect(run).toEqual({ status: 'done', result: { files: 1 } });
    // committing it now says why it cannot, rather than failing on the missing file
    const late = await admin.post(`/api/v1/imports/${job.id}/commit`);
    expect(late.statusCode).toBe(409);
    expect(late.json().message).toContain('上传的文件已超过保留期限');
  });
});

describe('score import files', () => {
  const service = () => new QualityImportService(t.ctx.dbh, t.ctx.storage);
  const caller = (): Caller => ({ actor: bureau, requestId: 'ret', ip: '127.0.0.1' });
  const csv = (score: string, key = 'R1') =>
    `学校代码,班级,学生编号,姓名,身份证号,科目,成绩\nRET01,1班,${key},张三,11010519491231002X,数学,${score}\n`;

  it('a file with errors is deleted when the check fails it', async () => {
    const job = await service().upload(
      caller(),
      examId,
      'student',
      'bad.csv',
      Readable.from([Buffer.from(csv('abc'))]),
      undefined,
      { queue: false },
    );
    expect(await exists((await scoreJob(job.id)).file_key)).toBe(true);
    expect((await service().check(bureau, job.id)).status).toBe('invalid');
    const row = await scoreJob(job.id);
    expect(await exists(row.file_key)).toBe(false);
    expect(row.file_deleted_at).not.toBeNull();
  });

  it('a file the reader refuses is deleted with the failed job', async () => {
    const job = await service().upload(
      caller(),
      examId,
      'student',
      'nohead.csv',
      Readable.from([Buffer.from('甲,乙\n1,2\n')]),
      undefined,
      { queue: false },
    );
    expect((await service().check(bureau, job.id)).status).toBe('failed');
    expect(await exists((await scoreJob(job.id)).file_key)).toBe(false);
  });

  it('a discarded job takes its file with it', async () => {
    const job = await service().upload(
      caller(),
      examId,
      'student',
      'd.csv',
      Readable.from([Buffer.from(csv('80', 'R2'))]),
      undefined,
      { queue: false },
    );
    expect((await service().check(bureau, job.id)).status).toBe('checked');
    const key = (await scoreJob(job.id)).file_key;
    await service().discard(caller(), job.id);
    expect(await exists(key)).toBe(false);
  });

  it('a committed score file is deleted GONGJIN_IMPORT_RETENTION_DAYS after the commit', async () => {
    const s = service();
    const job = await s.upload(
      caller(),
      examId,
      'student',
      'ok.csv',
      Readable.from([Buffer.from(csv('90', 'R3'))]),
      undefined,
      { queue: false },
    );
    expect((await s.check(bureau, job.id)).status).toBe('checked');
    await s.claim(caller(), job.id, { queue: false });
    expect((await s.commit(caller(), job.id)).status).toBe('committed');
    const row = await t.ctx.db
      .selectFrom('quality_import_jobs')
      .select(['status', 'committed_at', 'file_key'])
      .where('id', '=', job.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('committed');
    const at = new Date(row.committed_at!).getTime();
    await sweepImportFiles(t.ctx.db, t.ctx.storage, { now: new Date(at + 6 * DAY), retentionDays: 7 });
    expect(await exists(row.file_key)).toBe(true);
    await sweepImportFiles(t.ctx.db, t.ctx.storage, { now: new Date(at + 7 * DAY), retentionDays: 7 });
    expect(await exists(row.file_key)).toBe(false);
  });
});
