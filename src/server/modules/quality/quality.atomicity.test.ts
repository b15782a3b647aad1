import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { connect, type DbHandle } from '../../db/connection.js';

/**
 * Kill the process in the middle of a commit: nothing of the exam's scores may survive. The child
 * commits 300,000 rows in chunks and prints its progress; after the first chunk is written inside
 * the transaction, it is SIGKILLed. Then the database is opened again and checked.
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
  if (!usePostgres) return path.join(tmp, 'pglite');
  const base = process.env.TEST_DATABASE_URL!;
  const name = `gongjin_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  dropDatabase = async () => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

it('a commit killed mid-transaction leaves no partial exam', { timeout: 240_000 }, async () => {
  const where = await target();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, 'atomicity.child.ts'), where, path.join(tmp, 'files'), '300000'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const killedAfter = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PROGRESS (\d+)/.exec(out);
      if (m) {
        child.kill('SIGKILL');
        resolve(Number(m[1]));
      }
      if (out.includes('COMMITTED')) reject(new Error('the commit finished before it could be killed'));
    });
    child.on('exit', (code) => reject(new Error(`child exited ${code} before any progress: ${out} ${err}`)));
  });
  await new Promise((r) => child.once('exit', r));
  expect(killedAfter).toBeGreaterThan(0);
  const [, examId, jobId] = /EXAM (\d+) JOB (\S+)/.exec(out)!;

  const dbh: DbHandle = await connect(usePostgres ? { databaseUrl: where, poolSize: 2 } : { pgliteDir: where });
  try {
    const db = dbh.db;
    const scores = await db
      .selectFrom('quality_scores')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('exam_id', '=', Number(examId))
      .executeTakeFirstOrThrow();
    expect(Number(scores.n)).toBe(0);
    const students = await db
      .selectFrom('quality_students')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(students.n)).toBe(0);
    const job = await db
      .selectFrom('quality_import_jobs')
      .select(['status', 'committed_at'])
      .where('id', '=', jobId!)
      .executeTakeFirstOrThrow();
    expect(job.status).toBe('committing'); // reported as failed once stale; never 'committed'
    expect(job.committed_at).toBeNull();
    const audit = await db.selectFrom('audit_log').select('id').where('entity', '=', 'exam_scores').execute();
    expect(audit).toHaveLength(0);
  } finally {
    await dbh.close();
  }
});
