/**
 * Child process for the kill test (quality.atomicity.test.ts): sets up an exam and a checked import
 * of many rows, starts the commit and reports progress on stdout, so the parent can SIGKILL it in
 * the middle of the transaction. Not part of the server.
 *
 *   node --import tsx atomicity.child.ts <postgres-url | pglite-dir> <storage-dir> <rows>
 */
import { Readable } from 'node:stream';
import { connect } from '../../db/connection.js';
import { migrateToLatest } from '../../db/migrate.js';
import type { Caller } from '../../http/actor.js';
import { loadRegions } from '../registry/regions.service.js';
import { DiskStorage } from '../../storage/blob-storage.js';
import { QualityImportService } from './import.service.js';

const [target = '', storageDir = '', rowsArg = '300000'] = process.argv.slice(2);
const rows = Number(rowsArg);
const dbh = await connect(target.startsWith('postgres') ? { databaseUrl: target, poolSize: 4 } : { pgliteDir: target });
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
const storage = new DiskStorage(storageDir);
const service = new QualityImportService(dbh, storage);
function* csv() {
  yield '学校代码,班级,学生编号,科目,成绩\n';
  for (let i = 0; i < rows; i++) yield `${school.code},1班,K${Math.floor(i / 3)},${subjects[i % 3]},${i % 101}\n`;
}
const job = await service.upload(caller, exam.id, 'student', 'kill.csv', Readable.from(csv()));
const checked = await service.check(caller.actor, job.id);
if (checked.status !== 'checked') throw new Error(`check ended ${checked.status}`);
await service.claim(caller, job.id);
console.log(`EXAM ${exam.id} JOB ${job.id}`);
await service.commit(caller, job.id, (n) => console.log(`PROGRESS ${n}`));
console.log('COMMITTED');
await dbh.close();
