/**
 * Child process for the kill tests (quality.atomicity.test.ts). Not part of the server.
 *
 *   node --import tsx atomicity.child.ts start <postgres-url | pglite-dir> <storage-dir> <rows>
 *     sets up an exam and a checked import of many rows, queues its commit and runs it on a job
 *     worker (lease 2 s), printing progress, so the parent can SIGKILL it mid-transaction;
 *   node --import tsx atomicity.child.ts recover <target> <storage-dir> <import-id> [--last-attempt]
 *     the restart: a job worker takes the dead instance's job back once its lease runs out (with
 *     --last-attempt the job has no attempt left, so it dies instead) and runs until the import
 *     is committed or failed, printing RESULT <status> <ms>.
 */
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { connect } from '../../db/connection.js';
import { migrateToLatest } from '../../db/migrate.js';
import type { Caller } from '../../http/actor.js';
import { loadConfig } from '../../config.js';
import { loadRegions } from '../registry/regions.service.js';
import { DiskStorage } from '../../storage/blob-storage.js';
import type { JobKind } from '../../contracts/job.js';
import { JobWorker } from '../jobs/worker.js';
import { QualityImportService, type ImportJobPayload } from './import.service.js';
import { importCommit } from './quality.jobs.js';

const [mode = '', target = '', storageDir = '', arg = '', flag = ''] = process.argv.slice(2);
const dbh = await connect(target.startsWith('postgres') ? { databaseUrl: target, poolSize: 4 } : { pgliteDir: target });
const ctx: AppContext = {
  config: loadConfig({ GONGJIN_DATA_DIR: storageDir }),
  dbh,
  db: dbh.db,
  storage: new DiskStorage(storageDir),
};
const LEASE_SECONDS = 2;

if (mode === 'recover') {
  const started = Date.now();
  if (flag === '--last-attempt')
    await sql`update jobs set max_attempts = attempts where kind = ${importCommit.name} and status = 'running'`.execute(
      dbh.db,
    );
  const worker = new JobWorker(ctx, [importCommit as JobKind<unknown>], [], {
    log: (level, message, data) => console.error(`[worker] ${level} ${message} ${JSON.stringify(data)}`),
    pollMs: 200,
    leaseSeconds: LEASE_SECONDS,
  });
  await worker.start();
  for (;;) {
    const open = await sql<{ status: string }>`select status from quality_import_jobs
      where id = ${arg} and status in ('committed', 'failed')`.execute(dbh.db);
    if (open.rows.length) {
      console.log(`RESULT ${open.rows[0]!.status} ${Date.now() - started}`);
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await worker.stop(1000);
  await dbh.close();
  process.exit(0);
}
const rows = Number(arg || '300000');
await migrateToLatest(dbh.db);
await loadRegions(dbh.db);
const db = dbh.db;
const user = await db
  .insertInto('users')
  .values({
    username: `kill${Date.now()}`,
    display_name: 'kill test',
    password_hash: 'x',
    role: 'bureau_admin',
    scope_kind: 'region',
    scope_id: '330481',
    teacher_id: null,
  })
  .returning('id')
  .executeTakeFirstOrThrow();
const school = await db
  .insertInto('schools')
  .values({
    code: `K${Date.now()}`,
    name: '中断测试学校',
    short_name: null,
    region_code: '330481',
    township_code: null,
    level: 'primary',
    location_class: 'rural',
    is_teaching_point: false,
    parent_school_id: null,
    quality_tier: null,
    latitude: null,
    longitude: null,
    address: null,
    principal_name: null,
    phone: null,
    founded_year: null,
    students: null,
    classes: null,
    has_recording_classroom: false,
    has_sync_classroom: false,
  })
  .returning(['id', 'code'])
  .executeTakeFirstOrThrow();
const cls = await db
  .insertInto('quality_classes')
  .values({ school_id: school.id, school_year: 2025, grade: 6, name: '1班' })
  .returning('id')
  .executeTakeFirstOrThrow();
void cls;
const exam = await db
  .insertInto('quality_exams')
  .values({
    name: '中断测试',
    exam_date: '2026-01-20',
    school_year: 2025,
    term: 1,
    grade: 6,
    region_code: '330481',
    owner_school_id: null,
    created_by: user.id,
  })
  .returning('id')
  .executeTakeFirstOrThrow();
const subjects = ['chinese', 'math', 'english'];
for (const s of subjects)
  await db
    .insertInto('quality_exam_subjects')
    .values({ exam_id: exam.id, subject: s, full_mark: 100, pass_line: 60, excellent_line: 85, low_line: 40 })
    .execute();
await db.insertInto('quality_exam_schools').values({ exam_id: exam.id, school_id: school.id }).execute();

const caller: Caller = {
  actor: {
    userId: user.id,
    username: 'kill',
    displayName: 'kill',
    role: 'bureau_admin',
    scope: { kind: 'region', id: '330481' },
    teacherId: null,
  },
  requestId: 'kill-test',
  ip: '127.0.0.1',
};
const service = new QualityImportService(dbh, ctx.storage);
function* csv() {
  yield '学校代码,班级,学生编号,科目,成绩\n';
  for (let i = 0; i < rows; i++) yield `${school.code},1班,K${Math.floor(i / 3)},${subjects[i % 3]},${i % 101}\n`;
}
const job = await service.upload(caller, exam.id, 'student', 'kill.csv', Readable.from(csv()), undefined, {
  queue: false,
});
const checked = await service.check(caller.actor, job.id);
if (checked.status !== 'checked') throw new Error(`check ended ${checked.status}`);
await service.claim(caller, job.id); // queues the commit
console.log(`EXAM ${exam.id} JOB ${job.id}`);
// the queue's own commit job, run by a real worker; the handler only adds progress lines for the parent
const printing: JobKind<ImportJobPayload> = {
  ...importCommit,
  run: ({ importId, caller: c }, { signal, attempt }) =>
    new QualityImportService(dbh, ctx.storage)
      .commit(c, importId, { onProgress: (n) => console.log(`PROGRESS ${n}`), signal, attempt })
      .then(() => console.log('COMMITTED')),
};
await new JobWorker(ctx, [printing as JobKind<unknown>], [], { pollMs: 200, leaseSeconds: LEASE_SECONDS }).start();
