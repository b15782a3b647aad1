/**
 * Phase timings of one 1,000,000-row csv score import, through the service (no HTTP), on a fresh
 * PostgreSQL database (`--pg`, default) or PGlite (`--pglite`). For working on the import's speed;
 * the benchmark (`npm run bench -- --only quality`) is the figure of record.
 *
 * Also printed: a bare COPY of the same file into an unindexed unlogged table (PostgreSQL, the
 * floor), and the health query's (`select 1`, what /api/health runs) p99 while the commit runs,
 * over its p99 alone in the same process (PGlite has one connection: a long statement or
 * transaction makes it wait).
 *
 *   npx tsx bench/quality-phases.ts [--pglite] [--runs 2] [--students 60000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { healthProbe, percentile } from './lib.js';
import { connect } from '../src/server/db/connection.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import type { Caller } from '../src/server/http/actor.js';
import { QualityImportService } from '../src/server/modules/quality/import.service.js';
import { loadRegions } from '../src/server/modules/registry/regions.service.js';
import { DiskStorage } from '../src/server/storage/blob-storage.js';

const SCHOOLS = 200;
const value = (flag: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const STUDENTS = Number(value('--students') ?? 200_000);
const SUBJECTS = ['chinese', 'math', 'english', 'science', 'politics'];
const args = process.argv.slice(2);
const onPglite = args.includes('--pglite');
const runs = Number(value('--runs') ?? 1) || 1;
const admin = process.env.PROFILE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function bareCopy(url: string, csv: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('create unlogged table bench_bare_copy (school text, cls text, k text, subject text, score numeric)');
    const t0 = performance.now();
    await pipeline(
      fs.createReadStream(csv),
      c.query(copyFrom('copy bench_bare_copy from stdin with (format csv, header true)')),
    );
    return (performance.now() - t0) / 1000;
  } finally {
    await c.query('drop table if exists bench_bare_copy');
    await c.end();
  }
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gj-phases-'));
  let url: string | undefined;
  if (!onPglite) {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query('drop database if exists gj_phases');
    await c.query('create database gj_phases');
    await c.end();
    url = admin.replace(/\/[^/]*$/, '/gj_phases');
  }
  const dbh = await connect(url ? { databaseUrl: url } : {});
  const db = dbh.db;
  await migrateToLatest(db);
  await loadRegions(db);
  const user = await db
    .insertInto('users')
    .values({
      username: 'phases',
      display_name: 'phases',
      password_hash: 'x',
      role: 'bureau_admin',
      scope_kind: 'region',
      scope_id: '330000',
      teacher_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const county = await db
    .selectFrom('regions')
    .select('code')
    .where('code', 'like', '3304%')
    .where('level', '=', 3)
    .orderBy('code')
    .executeTakeFirstOrThrow();
  const codes = Array.from({ length: SCHOOLS }, (_, i) => `P${String(i).padStart(4, '0')}`);
  await db
    .insertInto('schools')
    .values(
      codes.map((code, i) => ({
        code,
        name: `学校${i}`,
        short_name: null,
        region_code: county.code,
        township_code: null,
        level: 'primary',
        location_class: i % 2 ? 'rural' : 'urban',
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
      })),
    )
    .execute();
  const schools = await db.selectFrom('schools').select(['id', 'code']).orderBy('id').execute();
  await sql`insert into quality_classes (school_id, school_year, grade, name)
    select s, 2025, 6, n || '班' from unnest(${schools.map((s) => s.id)}::int4[]) as s, generate_series(1, 10) as n`.execute(
    db,
  );
  const service = new QualityImportService(dbh, new DiskStorage(path.join(tmp, 'files')));
  const phases: [string, number][] = [];
  service.onPhase = (p, ms) => phases.push([p, ms]);
  const caller: Caller = {
    actor: {
      userId: user.id,
      username: 'phases',
      displayName: 'phases',
      role: 'bureau_admin',
      scope: { kind: 'region', id: '330000' },
      teacherId: null,
    },
    requestId: 'phases',
    ip: '127.0.0.1',
  };
  for (let run = 1; run <= runs; run++) {
    const csv = path.join(tmp, `scores${run}.csv`);
    // written a piece at a time: a million strings kept alive would slow the garbage collector during the import
    const fd = fs.openSync(csv, 'w');
    fs.writeSync(fd, '学校代码,班级,学生编号,科目,成绩\n');
    for (let from = 0; from < STUDENTS; from += 10_000) {
      let piece = '';
      for (let s = from; s < from + 10_000; s++)
        for (let j = 0; j < SUBJECTS.length; j++)
          piece += `${codes[s % SCHOOLS]},${(Math.floor(s / SCHOOLS) % 10) + 1}班,R${run}S${s},${SUBJECTS[j]},${(s * 7 + j * 13) % 101}\n`;
      fs.writeSync(fd, piece);
    }
    fs.closeSync(fd);
    const exam = await db
      .insertInto('quality_exams')
      .values({
        name: `phases ${run}`,
        exam_date: '2026-01-20',
        school_year: 2025,
        term: 1,
        grade: 6,
        region_code: county.code,
        owner_school_id: null,
        created_by: user.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const s of SUBJECTS)
      await db
        .insertInto('quality_exam_subjects')
        .values({ exam_id: exam.id, subject: s, full_mark: 100, pass_line: 60, excellent_line: 85, low_line: 40 })
        .execute();
    await db
      .insertInto('quality_exam_schools')
      .values(schools.map((s) => ({ exam_id: exam.id, school_id: s.id })))
      .execute();
    const floorS = url ? await bareCopy(url, csv) : NaN;
    const alone = healthProbe(db);
    await new Promise((r) => setTimeout(r, 2000));
    const healthAlone = await alone();
    phases.length = 0;
    const t0 = performance.now();
    const up = await service.upload(caller, exam.id, 'student', 'scores.csv', fs.createReadStream(csv), undefined, {
      queue: false,
    });
    const checked = await service.check(caller.actor, up.id);
    const t1 = performance.now();
    if (checked.status !== 'checked')
      throw new Error(`check ended ${checked.status} ${JSON.stringify(checked.errors.slice(0, 3))}`);
    await service.claim(caller, up.id, { queue: false });
    const during = healthProbe(db);
    const done = await service.commit(caller, up.id);
    const t2 = performance.now();
    const healthDuring = await during();
    if (done.status !== 'committed') throw new Error(`commit ended ${done.status}`);
    console.log(
      `run ${run} on ${dbh.kind}: check ${((t1 - t0) / 1000).toFixed(2)} s, commit ${((t2 - t1) / 1000).toFixed(2)} s, total ${((t2 - t0) / 1000).toFixed(2)} s`,
    );
    for (const [p, ms] of phases) console.log(`  ${p.padEnd(48)} ${(ms / 1000).toFixed(2)} s`);
    if (url)
      console.log(
        `  bare COPY of the file ${floorS.toFixed(2)} s; import ${((t2 - t0) / 1000 / floorS).toFixed(1)}× it (check ${((t1 - t0) / 1000 / floorS).toFixed(1)}×, commit ${((t2 - t1) / 1000 / floorS).toFixed(1)}×)`,
      );
    const p99 = (ms: number[]) => percentile(ms, 99);
    console.log(
      `  health query p99 alone ${p99(healthAlone).toFixed(1)} ms (n ${healthAlone.length}); during the commit ${p99(healthDuring).toFixed(1)} ms (max ${healthDuring.at(-1)!.toFixed(0)} ms, n ${healthDuring.length}), ${(p99(healthDuring) / p99(healthAlone)).toFixed(1)}× alone`,
    );
    console.log(
      `  load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  }
  await dbh.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}

await main();
