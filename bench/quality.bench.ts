/**
 * Score import at scale (issue 8): 1,000,000 score rows (200,000 students × 5 subjects in 200
 * schools) from CSV, validated and committed, on PostgreSQL (through the HTTP API, as a bureau
 * would) and on PGlite (through the service, in-process); and the same rows from xlsx on
 * PostgreSQL. Also reported: peak resident memory above the baseline, the slowest health-check
 * answer while the file was being checked, a bare COPY of the same rows for scale, and on PGlite
 * the health query's p99 while the commit runs, over its p99 alone in the same run.
 *
 *   npm run bench -- --only quality            (the runner: tsx bench/run.ts)
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { connect, type Db } from '../src/server/db/connection.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import type { Caller } from '../src/server/http/actor.js';
import { QualityImportService } from '../src/server/modules/quality/import.service.js';
import { loadRegions } from '../src/server/modules/registry/regions.service.js';
import { DiskStorage } from '../src/server/storage/blob-storage.js';
import type { QualityJob } from '../src/shared/quality.schemas.js';
import { healthProbe, MB, percentile, round, rssSampler, type BenchEnv, type BenchFigure } from './lib.js';

const SCHOOLS = 200;
const CLASSES = 10;
const STUDENTS = 200_000;
const SUBJECTS = ['chinese', 'math', 'english', 'science', 'politics'] as const;
const ROWS = STUDENTS * SUBJECTS.length;

/** Streams the score sheet: one row per student per subject; deterministic scores. */
function* sheetLines(codes: string[], prefix: string, students = STUDENTS) {
  yield '学校代码,班级,学生编号,科目,成绩\n';
  for (let s = 0; s < students; s++) {
    const school = codes[s % codes.length]!;
    const cls = `${(Math.floor(s / codes.length) % CLASSES) + 1}班`;
    for (let j = 0; j < SUBJECTS.length; j++)
      yield `${school},${cls},${prefix}${s},${SUBJECTS[j]},${(s * 7 + j * 13) % 101}\n`;
  }
}

async function writeCsv(file: string, codes: string[], prefix: string, students = STUDENTS) {
  const lines = sheetLines(codes, prefix, students);
  // join lines into ~1 MB chunks so the write is not a million tiny writes
  async function* chunks() {
    let buf: string[] = [];
    for (const l of lines) {
      buf.push(l);
      if (buf.length >= 20000) {
        yield buf.join('');
        buf = [];
      }
    }
    if (buf.length) yield buf.join('');
  }
  await pipeline(Readable.from(chunks()), fs.createWriteStream(file));
}

async function writeXlsx(file: string, codes: string[], prefix: string) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('成绩');
  let first = true;
  for (const line of sheetLines(codes, prefix)) {
    const cells = line.trimEnd().split(',');
    ws.addRow(first ? cells : [cells[0], cells[1], cells[2], cells[3], Number(cells[4])]).commit();
    first = false;
  }
  ws.commit();
  await wb.commit();
}

/** Schools, classes and an exam for the import; returns the exam id and school codes. */
async function prepare(db: Db, createdBy: number, region: string, tag: string) {
  const schools = await db
    .selectFrom('schools')
    .select(['id', 'code'])
    .where('region_code', 'like', `${region.slice(0, 2)}%`)
    .orderBy('id')
    .limit(SCHOOLS)
    .execute();
  if (schools.length < SCHOOLS) throw new Error(`need ${SCHOOLS} schools, found ${schools.length}`);
  await sql`insert into quality_classes (school_id, school_year, grade, name)
    select s, 2025, 6, n || '班' from unnest(${schools.map((s) => s.id)}::int4[]) as s, generate_series(1, ${CLASSES}) as n
    on conflict do nothing`.execute(db);
  const exam = await db
    .insertInto('quality_exams')
    .values({
      name: `基准测试 ${tag}`,
      exam_date: '2026-01-20',
      school_year: 2025,
      term: 1,
      grade: 6,
      region_code: region,
      owner_school_id: null,
      created_by: createdBy,
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
  return { examId: exam.id, codes: schools.map((s) => s.code) };
}

interface Timed {
  checkS: number;
  commitS: number;
  totalS: number;
  job: QualityJob;
  healthMaxMs: number;
  peakRssMB: number;
  progressSamples: number;
  /** PGlite: the health query's latencies (ms, sorted) alone and during the commit. */
  health?: { alone: number[]; during: number[] };
}

/** Through the HTTP API: upload, poll while checking (and probe /api/health), commit, poll. */
async function viaHttp(env: BenchEnv, examId: number, file: string, name: string): Promise<Timed> {
  const base = process.memoryUsage().rss;
  const rss = rssSampler(100);
  const headers = { cookie: env.cookie };
  const started = performance.now();
  const form = new FormData();
  form.append('file', await fs.openAsBlob(file), name);
  const up = await fetch(`${env.baseUrl}/api/v1/quality/exams/${examId}/imports?level=student`, {
    method: 'POST',
    headers,
    body: form,
  });
  if (up.status !== 202) throw new Error(`upload ${up.status} ${await up.text()}`);
  let job = (await up.json()) as QualityJob;
  let healthMax = 0;
  let samples = 0;
  const poll = async (until: (j: QualityJob) => boolean, probe: boolean) => {
    while (!until(job)) {
      await new Promise((r) => setTimeout(r, 200));
      if (probe) {
        const h0 = performance.now();
        await (await fetch(`${env.baseUrl}/api/health`)).arrayBuffer();
        healthMax = Math.max(healthMax, performance.now() - h0);
      }
      job = (await (await fetch(`${env.baseUrl}/api/v1/quality/imports/${job.id}`, { headers })).json()) as QualityJob;
      samples += 1;
    }
  };
  await poll((j) => j.status !== 'checking', true);
  const checked = performance.now();
  if (job.status !== 'checked')
    throw new Error(`check ended ${job.status}: ${job.message ?? ''} ${JSON.stringify(job.errors.slice(0, 3))}`);
  const c = await fetch(`${env.baseUrl}/api/v1/quality/imports/${job.id}/commit`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: '{}',
  });
  if (c.status !== 202) throw new Error(`commit ${c.status} ${await c.text()}`);
  job = (await c.json()) as QualityJob;
  await poll((j) => j.status !== 'committing', false);
  const done = performance.now();
  if (job.status !== 'committed') throw new Error(`commit ended ${job.status}: ${job.message ?? ''}`);
  return {
    checkS: (checked - started) / 1000,
    commitS: (done - checked) / 1000,
    totalS: (done - started) / 1000,
    job,
    healthMaxMs: healthMax,
    peakRssMB: (rss.stop() - base) / MB,
    progressSamples: samples,
  };
}

/** PGlite in this process: the same service, no HTTP. */
async function onPglite(env: BenchEnv, csv: string): Promise<Timed> {
  const dbh = await connect({});
  try {
    await migrateToLatest(dbh.db);
    await loadRegions(dbh.db);
    const user = await dbh.db
      .insertInto('users')
      .values({
        username: 'bench_pglite',
        display_name: 'bench',
        password_hash: 'x',
        role: 'bureau_admin',
        scope_kind: 'region',
        scope_id: '330000',
        teacher_id: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const codes = await env.db
      .selectFrom('schools')
      .select(['code', 'name', 'region_code', 'level', 'location_class'])
      .where('region_code', 'like', '33%')
      .orderBy('id')
      .limit(SCHOOLS)
      .execute();
    await dbh.db
      .insertInto('schools')
      .values(
        codes.map((s) => ({
          ...s,
          short_name: null,
          township_code: null,
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
    const { examId } = await prepare(dbh.db, user.id, '330000', 'pglite');
    const service = new QualityImportService(dbh, new DiskStorage(path.join(env.tmpDir, 'pglite-files')));
    const caller: Caller = {
      actor: {
        userId: user.id,
        username: 'bench_pglite',
        displayName: 'bench',
        role: 'bureau_admin',
        scope: { kind: 'region', id: '330000' },
        teacherId: null,
      },
      requestId: 'bench',
      ip: '127.0.0.1',
    };
    const base = process.memoryUsage().rss;
    const rss = rssSampler(100);
    const started = performance.now();
    const uploaded = await service.upload(
      caller,
      examId,
      'student',
      'scores.csv',
      fs.createReadStream(csv),
      undefined,
      {
        queue: false,
      },
    );
    let job = await service.check(caller.actor, uploaded.id);
    const checked = performance.now();
    if (job.status !== 'checked') throw new Error(`pglite check ended ${job.status}`);
    await service.claim(caller, job.id, { queue: false });
    let samples = 0;
    const stopAlone = healthProbe(dbh.db);
    await new Promise((r) => setTimeout(r, 2000));
    const alone = await stopAlone();
    const stopDuring = healthProbe(dbh.db);
    const committing = performance.now();
    job = await service.commit(caller, job.id, { onProgress: () => (samples += 1) });
    const done = performance.now();
    const during = await stopDuring();
    if (job.status !== 'committed') throw new Error(`pglite commit ended ${job.status}`);
    return {
      checkS: (checked - started) / 1000,
      commitS: (done - committing) / 1000,
      totalS: (done - started - (committing - checked)) / 1000,
      job,
      healthMaxMs: NaN,
      peakRssMB: (rss.stop() - base) / MB,
      progressSamples: samples,
      health: { alone, during },
    };
  } finally {
    await dbh.close();
  }
}

/** A bare COPY of the rows into an unindexed table: the floor any import sits above. */
async function bareCopy(env: BenchEnv, csv: string): Promise<number> {
  const pool = env.dbh.pool!;
  await pool.query(
    'create unlogged table if not exists bench_bare_copy (school text, cls text, k text, subject text, score numeric)',
  );
  const client = await pool.connect();
  try {
    const started = performance.now();
    await pipeline(
      fs.createReadStream(csv),
      client.query(copyFrom('copy bench_bare_copy from stdin with (format csv, header true)')),
    );
    return (performance.now() - started) / 1000;
  } finally {
    client.release();
    await pool.query('drop table if exists bench_bare_copy');
  }
}

/**
 * `floorMultiple`: the import's time over the bare COPY's. The issue set its targets on a machine
 * where that COPY took 0.35 s; on a slower or busier one the multiple says more than the seconds.
 */
const figure = (name: string, t: Timed, target: number, floorS: number, rows = ROWS): BenchFigure[] => [
  {
    name: `${name}: ${rows.toLocaleString('en')} rows checked + committed`,
    value: round(t.totalS, 2),
    unit: 's',
    target,
    pass: t.totalS < target && t.job.rowsWritten === rows,
    detail: {
      checkS: round(t.checkS, 2),
      commitS: round(t.commitS, 2),
      floorMultiple: round(t.totalS / floorS, 1),
      rowsWritten: t.job.rowsWritten,
      progressPolls: t.progressSamples,
      ...(Number.isNaN(t.healthMaxMs) ? {} : { healthMaxMs: round(t.healthMaxMs) }),
    },
  },
  { name: `${name}: peak RSS above baseline`, value: round(t.peakRssMB), unit: 'MB' },
  ...(t.health
    ? [
        {
          // what /api/health runs, in the same process: PGlite has one connection, run synchronously
          name: `${name}: health query p99 during the commit`,
          value: round(percentile(t.health.during, 99)),
          unit: 'ms' as const,
          target: 500,
          pass: percentile(t.health.during, 99) < 500,
          detail: {
            aloneP99Ms: round(percentile(t.health.alone, 99), 1),
            ratioToAlone: round(percentile(t.health.during, 99) / percentile(t.health.alone, 99), 1),
            maxMs: round(t.health.during.at(-1) ?? NaN),
            samples: t.health.during.length,
          },
        },
      ]
    : []),
];

export async function run(env: BenchEnv): Promise<BenchFigure[]> {
  const me = await env.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'bench_bureau')
    .executeTakeFirstOrThrow();
  const figures: BenchFigure[] = [];
  const pgCsv = await prepare(env.db, me.id, '330000', 'csv');
  const csv = path.join(env.tmpDir, 'scores.csv');
  await writeCsv(csv, pgCsv.codes, 'C');
  figures.push({ name: 'csv file size', value: round(fs.statSync(csv).size / MB), unit: 'MB' });
  const floorS = await bareCopy(env, csv);
  figures.push({ name: 'bare COPY of the same csv (floor)', value: round(floorS, 2), unit: 's' });
  figures.push(...figure('PostgreSQL csv', await viaHttp(env, pgCsv.examId, csv, 'scores.csv'), 10, floorS));

  figures.push(...figure('PGlite csv', await onPglite(env, csv), 30, floorS));
  // the case: a 300,000-row commit on PGlite, other requests served meanwhile
  const csv300 = path.join(env.tmpDir, 'scores-300k.csv');
  await writeCsv(csv300, pgCsv.codes, 'D', 60_000);
  const floor300 = await bareCopy(env, csv300);
  figures.push({ name: 'bare COPY of the 300,000-row csv (floor)', value: round(floor300, 2), unit: 's' });
  figures.push(...figure('PGlite csv', await onPglite(env, csv300), 10, floor300, 300_000));

  const pgXlsx = await prepare(env.db, me.id, '330000', 'xlsx');
  const xlsx = path.join(env.tmpDir, 'scores.xlsx');
  const t0 = performance.now();
  await writeXlsx(xlsx, pgXlsx.codes, 'X');
  figures.push({
    name: 'xlsx file written (setup)',
    value: round((performance.now() - t0) / 1000, 1),
    unit: 's',
    detail: { sizeMB: round(fs.statSync(xlsx).size / MB) },
  });
  figures.push(...figure('PostgreSQL xlsx', await viaHttp(env, pgXlsx.examId, xlsx, 'scores.xlsx'), 60, floorS));
  return figures;
}
