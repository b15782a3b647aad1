import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { connect, type DbHandle } from '../../db/connection.js';
import type { Caller } from '../../http/actor.js';
import { DiskStorage } from '../../storage/blob-storage.js';
import { ExamsService } from './exams.service.js';
import { QualityImportService } from './import.service.js';
import { notPending } from './import.staging.js';

/**
 * Kill the process in the middle of a commit: nothing of the exam's scores may survive. A child
 * process runs the commit on a job worker and prints its progress; after the first chunk is
 * written inside the transaction, it is SIGKILLed. The database is opened again and checked; then a
 * restarted process (a worker with a short lease) must take the job back and run it again, or, on
 * its last attempt, fail it visibly, so the import can be discarded and the exam deleted.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gongjin-kill-'));
const usePostgres = process.env.GONGJIN_TEST_DB === 'postgres';
let dropDatabase = async () => {};
afterAll(async () => {
  await dropDatabase();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function target(): Promise<string> {
  if (!usePostgres) return fs.mkdtempSync(path.join(tmp, 'pglite-'));
  const base = process.env.TEST_DATABASE_URL!;
  const name = `gongjin_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const dropEarlier = dropDatabase;
  dropDatabase = async () => {
    await dropEarlier();
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

const child = (args: string[]) =>
  spawn(process.execPath, ['--import', 'tsx', path.join(here, 'atomicity.child.ts'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
const caller: Caller = {
  actor: {
    userId: 1,
    username: 'admin',
    displayName: 'admin',
    role: 'bureau_admin',
    scope: { kind: 'region', id: '330481' },
    teacherId: null,
  },
  requestId: 'kill-test',
  ip: '127.0.0.1',
};

/** Starts a commit on a worker in a child process and SIGKILLs it mid-transaction. */
async function killDuringCommit(where: string, rows: number): Promise<{ examId: number; importId: string }> {
  const c = child(['start', where, path.join(tmp, 'files'), String(rows)]);
  let out = '';
  let err = '';
  c.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise((r) => c.once('exit', r));
  const killedAfter = await new Promise<number>((resolve, reject) => {
    c.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PROGRESS ([1-9]\d*)/.exec(out); // once scores are being written
      if (m) {
        c.kill('SIGKILL');
        resolve(Number(m[1]));
      }
      if (out.includes('COMMITTED')) reject(new Error('the commit finished before it could be killed'));
    });
    c.on('exit', (code) => reject(new Error(`child exited ${code} before any progress: ${out} ${err}`)));
  });
  await exited;
  expect(killedAfter).toBeGreaterThan(0);
  const [, examId, importId] = /EXAM (\d+) JOB (\S+)/.exec(out)!;
  return { examId: Number(examId), importId: importId! };
}

/** The restart: a worker in a fresh process, until the import is committed or failed. */
async function restart(where: string, importId: string, lastAttempt = false): Promise<{ status: string; ms: number }> {
  const c = child(['recover', where, path.join(tmp, 'files'), importId, ...(lastAttempt ? ['--last-attempt'] : [])]);
  let out = '';
  let err = '';
  c.stdout.on('data', (d: Buffer) => (out += d.toString()));
  c.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise((r) => c.once('exit', r));
  const m = /RESULT (\w+) (\d+)/.exec(out);
  if (code !== 0 || !m) throw new Error(`recovery exited ${String(code)}: ${out} ${err}`);
  if (process.env.DBG) console.log(out, err);
  return { status: m[1]!, ms: Number(m[2]) };
}

const open = (where: string): Promise<DbHandle> =>
  connect(usePostgres ? { databaseUrl: where, poolSize: 2 } : { pgliteDir: where });
const visibleStudents = async (db: DbHandle['db']) =>
  (await sql<{ n: number }>`select count(*)::int as n from quality_students st where ${notPending}`.execute(db))
    .rows[0]!.n;
const count = async (db: DbHandle['db'], table: 'quality_scores' | 'quality_students', examId?: number) => {
  let q = db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
  if (examId !== undefined && table === 'quality_scores') q = q.where('exam_id', '=', examId);
  return Number((await q.executeTakeFirstOrThrow()).n);
};

it(
  'a commit killed mid-transaction leaves no partial exam; after a restart the queue runs it again, and the exam can be deleted',
  { timeout: 600_000 },
  async () => {
    const where = await target();
    const rows = 300_000;
    const { examId, importId } = await killDuringCommit(where, rows);

    let dbh = await open(where);
    try {
      const db = dbh.db;
      expect(await count(db, 'quality_scores', examId)).toBe(0);
      // its new students are in, pending (invisible) until the commit's transaction or its clean-up
      expect(await visibleStudents(db)).toBe(0);
      const job = await db
        .selectFrom('quality_import_jobs')
        .select(['status', 'committed_at', 'queue_job_id'])
        .where('id', '=', importId)
        .executeTakeFirstOrThrow();
      expect(job).toMatchObject({ status: 'committing', committed_at: null }); // never 'committed'
      expect(await db.selectFrom('audit_log').select('id').where('entity', '=', 'exam_scores').execute()).toHaveLength(
        0,
      );
      // the dead worker's job: its lease, not the commit's hours-long timeout, says when another takes it
      const queued = await sql<{ status: string; within_a_minute: boolean }>`select status,
        locked_until < now() + interval '60 seconds' as within_a_minute from jobs where id = ${job.queue_job_id}`.execute(
        db,
      );
      expect(queued.rows[0]).toEqual({ status: 'running', within_a_minute: true });
    } finally {
      await dbh.close();
    }

    const recovered = await restart(where, importId);
    expect(recovered.status).toBe('committed');
    console.log(`[kill test] restarted: the commit ran again and finished ${recovered.ms} ms after the restart`);

    dbh = await open(where);
    try {
      const db = dbh.db;
      expect(await count(db, 'quality_scores', examId)).toBe(rows);
      const job = await db
        .selectFrom('jobs')
        .select(['status', 'attempts'])
        .where('kind', '=', 'quality.import-commit')
        .executeTakeFirstOrThrow();
      expect(job).toEqual({ status: 'done', attempts: 2 });
      // nothing holds the exam any more: it can be deleted
      await new ExamsService(db).remove(caller, examId);
      expect(await count(db, 'quality_scores', examId)).toBe(0);
    } finally {
      await dbh.close();
    }
  },
);

it(
  'a commit whose worker dies on its last attempt ends failed, with why; the import can be discarded and the exam deleted',
  { timeout: 600_000 },
  async () => {
    const where = await target();
    const { examId, importId } = await killDuringCommit(where, 300_000);
    const recovered = await restart(where, importId, true);
    expect(recovered.status).toBe('failed');

    const dbh = await open(where);
    try {
      const db = dbh.db;
      const job = await db
        .selectFrom('quality_import_jobs')
        .select(['status', 'message', 'created_by'])
        .where('id', '=', importId)
        .executeTakeFirstOrThrow();
      expect(job.status).toBe('failed');
      expect(job.message).toContain('lease expired');
      const queued = await db.selectFrom('jobs').select('status').where('kind', '=', 'quality.import-commit').execute();
      expect(queued.map((j) => j.status)).toEqual(['dead']);
      expect(await count(db, 'quality_scores', examId)).toBe(0);
      // given up: the students it had inserted (pending) are taken back
      expect(await count(db, 'quality_students')).toBe(0);
      const owner: Caller = { ...caller, actor: { ...caller.actor, userId: job.created_by } };
      const storage = new DiskStorage(path.join(tmp, 'files'));
      await new QualityImportService(dbh, storage).discard(owner, importId);
      expect(await db.selectFrom('quality_import_jobs').select('id').where('id', '=', importId).execute()).toHaveLength(
        0,
      );
      await new ExamsService(db).remove(caller, examId);
      expect(await db.selectFrom('quality_exams').select('id').where('id', '=', examId).execute()).toHaveLength(0);
    } finally {
      await dbh.close();
    }
  },
);
