/**
 * Registry at province scale: list/search latency of schools, teachers and communities, and a
 * 50,000-row teacher import (validate + commit) with the server's memory growth.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import {
  GENDER_LABELS,
  QUALIFICATION_LABELS,
  SUBJECT_LABELS,
  TEACHER_HONOUR_LABELS,
  TEACHER_POST_LABELS,
  TEACHER_TITLE_LABELS,
  type Gender,
  type Qualification,
  type Subject,
  type TeacherHonour,
  type TeacherPost,
  type TeacherTitle,
} from '../src/shared/enums.js';
import type { ImportJob } from '../src/shared/io.schemas.js';
import { Random } from '../src/server/demo/demo.random.js';
import { MB, round, rssSampler, timeGet, timeGetConcurrent, type BenchEnv, type BenchFigure } from './lib.js';

const REQUEST_TARGET_MS = 200;
/** lists under load: 50 users at once, p95 */
const LOADED_TARGET_MS = 300;
const CONNECTIONS = 50;
const SEED_TARGET_S = 120;
const IMPORT_ROWS = 50_000;
const IMPORT_TARGET_S = 30;

export async function run(env: BenchEnv): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [
    {
      name: `seedDemo ${env.setup.summary.schools} schools / ${env.setup.summary.teachers} teachers`,
      value: round(env.setup.seedMs / 1000),
      unit: 's',
      target: SEED_TARGET_S,
      pass: env.setup.seedMs / 1000 < SEED_TARGET_S,
    },
  ];

  // ids to ask for: a large school, a community with members
  const school = await env.db
    .selectFrom('schools')
    .select('id')
    .orderBy('students', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const community = await env.db
    .selectFrom('communities as c')
    .select('c.id')
    .where(sql<boolean>`(select count(*) from community_memberships m where m.community_id = c.id) >= 3`)
    .orderBy('c.id')
    .limit(1)
    .executeTakeFirstOrThrow();

  const requests: [string, string][] = [
    ['schools page 1', '/api/v1/schools?page=1&pageSize=20'],
    [
      'schools search=中心 level=primary',
      `/api/v1/schools?page=1&pageSize=20&search=${encodeURIComponent('中心')}&level=primary`,
    ],
    ['teachers page 1', '/api/v1/teachers?page=1&pageSize=20'],
    ['teachers search=王', `/api/v1/teachers?page=1&pageSize=20&search=${encodeURIComponent('王')}`],
    ['teachers search=王丽', `/api/v1/teachers?page=1&pageSize=20&search=${encodeURIComponent('王丽')}`],
    ['teachers schoolId', `/api/v1/teachers?page=1&pageSize=20&schoolId=${school.id}`],
    [
      'teachers subject=english honour=backbone_county',
      '/api/v1/teachers?page=1&pageSize=20&subject=english&honour=backbone_county',
    ],
    ['teachers page 500', '/api/v1/teachers?page=500&pageSize=20'],
    ['communities page 1', '/api/v1/communities?page=1&pageSize=20'],
    ['community detail', `/api/v1/communities/${community.id}`],
  ];
  // the floor: the cheapest signed-in request, timed the same way in the same run; list figures are
  // also given as a multiple of it, which says more than milliseconds on a shared, noisy machine
  const floor = await timeGet(env, 'floor: GET /auth/me', '/api/v1/auth/me', REQUEST_TARGET_MS);
  figures.push(floor);
  const floorP50 = Number(floor.detail?.p50) || NaN;
  const ratio = (f: BenchFigure) => {
    if (f.detail && typeof f.detail.p50 === 'number') f.detail.xFloor = round(f.detail.p50 / floorP50);
    return f;
  };
  for (const [name, url] of requests) {
    const f = ratio(await timeGet(env, name, url, REQUEST_TARGET_MS));
    figures.push(f);
    console.log(`  ${name}: ${f.detail?.error ?? `p50 ${f.detail?.p50} ms, p95 ${f.detail?.p95} ms`}`);
  }

  // the same lists with 50 users at once: a per-page cost that grows with the table shows here first
  const loadedFloor = await timeGetConcurrent(
    env,
    'floor ×50: GET /auth/me',
    '/api/v1/auth/me',
    LOADED_TARGET_MS,
    CONNECTIONS,
    2,
  );
  figures.push(loadedFloor);
  const loaded = ['schools page 1', 'teachers page 1', 'teachers search=王丽', 'communities page 1'];
  for (const [name, url] of requests.filter(([n]) => loaded.includes(n))) {
    const f = await timeGetConcurrent(env, `${name} ×${CONNECTIONS}`, url, LOADED_TARGET_MS, CONNECTIONS, 2);
    if (f.detail && typeof f.detail.p50 === 'number')
      f.detail.xFloor = round(f.detail.p50 / (Number(loadedFloor.detail?.p50) || NaN));
    figures.push(f);
    console.log(`  ${f.name}: ${f.detail?.error ?? `p50 ${f.detail?.p50} ms, p95 ${f.detail?.p95} ms`}`);
  }

  figures.push(...(await importBench(env)));
  return figures;
}

/** Reads the header row of the server's own template, so the file is what a bureau would fill in. */
async function templateHeader(env: BenchEnv): Promise<{ header: string[]; sheetName: string }> {
  const res = await fetch(`${env.baseUrl}/api/v1/imports/templates/teachers.xlsx?lang=zh`, {
    headers: { cookie: env.cookie },
  });
  if (!res.ok) throw new Error(`template: ${res.status} ${await res.text()}`);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const ws = wb.worksheets[0];
  if (!ws) throw new Error('template has no sheet');
  const values = ws.getRow(1).values as unknown[];
  return { header: values.slice(1).map((v) => String(v ?? '')), sheetName: ws.name };
}

const label = <K extends string>(labels: Record<K, { zh: string }>, k: K) => labels[k].zh;

/** Writes `rows` teachers with the streaming writer (memory stays flat), in the template's layout. */
async function writeTeacherFile(
  file: string,
  header: string[],
  sheetName: string,
  schoolCodes: string[],
  rows: number,
) {
  const rng = new Random(50_000);
  const stamp = Date.now().toString(36).toUpperCase();
  const subjects: Subject[] = ['chinese', 'math', 'english', 'science', 'pe', 'music', 'art', 'it'];
  const titles: TeacherTitle[] = ['none', 'second', 'first', 'senior'];
  const quals: Qualification[] = ['junior_college', 'bachelor', 'master'];
  const honours: TeacherHonour[] = ['backbone_county', 'rising_star', 'leader_county'];
  const posts: TeacherPost[] = ['teacher', 'head_teacher'];
  const surnames = ['王', '李', '张', '陈', '刘', '沈', '徐', '周', '朱', '金'];
  const given = ['晓梅', '建国', '丽', '伟', '静怡', '志强', '雨涵', '俊杰', '婷', '磊'];
  const valueOf: Record<string, (i: number) => string | number | null> = {
    教师编号: (i) => `B${stamp}${String(i).padStart(6, '0')}`,
    姓名: () => `${rng.pick(surnames)}${rng.pick(given)}`,
    性别: () => label(GENDER_LABELS, rng.pick<Gender>(['M', 'F'])),
    出生年份: () => rng.int(1966, 2000),
    学校代码: (i) => schoolCodes[i % schoolCodes.length] ?? null,
    任教学科: () => label(SUBJECT_LABELS, rng.pick(subjects)),
    所学专业: () => label(SUBJECT_LABELS, rng.pick(subjects)),
    职称: () => label(TEACHER_TITLE_LABELS, rng.pick(titles)),
    荣誉: () => (rng.chance(0.1) ? label(TEACHER_HONOUR_LABELS, rng.pick(honours)) : null),
    职务: () => label(TEACHER_POST_LABELS, rng.pick(posts)),
    最高学历: () => label(QUALIFICATION_LABELS, rng.pick(quals)),
    参加工作年份: () => 2022,
    联系电话: () => null,
    状态: () => null,
  };
  const keys = header.map((h) => h.replace(/^\*/, '').trim());
  const unknown = keys.filter((k) => !(k in valueOf));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: false, useSharedStrings: false });
  const ws = wb.addWorksheet(sheetName);
  ws.addRow(header).commit();
  for (let i = 1; i <= rows; i++) ws.addRow(keys.map((k) => valueOf[k]?.(i) ?? null)).commit();
  ws.commit();
  await wb.commit();
  return { unknownHeaders: unknown };
}

async function importBench(env: BenchEnv): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const { header, sheetName } = await templateHeader(env);
  const codes = (
    await env.db.selectFrom('schools').select('code').where('is_teaching_point', '=', false).orderBy('code').execute()
  ).map((r) => r.code);
  const file = path.join(env.tmpDir, `teachers-${IMPORT_ROWS}.xlsx`);
  let t0 = performance.now();
  const { unknownHeaders } = await writeTeacherFile(file, header, sheetName, codes, IMPORT_ROWS);
  const size = fs.statSync(file).size;
  figures.push({
    name: `write ${IMPORT_ROWS} rows xlsx (bench side)`,
    value: round((performance.now() - t0) / 1000, 2),
    unit: 's',
    detail: { MB: round(size / MB), ...(unknownHeaders.length ? { unfilledHeaders: unknownHeaders.join('、') } : {}) },
  });

  const before = await env.db
    .selectFrom('teachers')
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  const content = fs.readFileSync(file);
  const form = new FormData();
  form.append(
    'file',
    new Blob([content], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }),
    '教师名册-基准.xlsx',
  );

  // the server runs in this process: its resident set is ours
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage().rss;
  const sampler = rssSampler(100);
  t0 = performance.now();
  let job: ImportJob | undefined;
  let validateS = NaN;
  let commitS = NaN;
  let error: string | undefined;
  try {
    const up = await fetch(`${env.baseUrl}/api/v1/imports?kind=teachers`, {
      method: 'POST',
      headers: { cookie: env.cookie },
      body: form,
    });
    validateS = (performance.now() - t0) / 1000;
    if (up.status !== 201) throw new Error(`upload → ${up.status} ${(await up.text()).slice(0, 500)}`);
    job = (await up.json()) as ImportJob;
    if (job.status !== 'validated')
      throw new Error(
        `upload → ${job.status}, ${job.errorCount} errors, first: ${JSON.stringify(job.errors.slice(0, 3))}`,
      );
    const t1 = performance.now();
    const commit = await fetch(`${env.baseUrl}/api/v1/imports/${job.id}/commit`, {
      method: 'POST',
      headers: { cookie: env.cookie },
    });
    commitS = (performance.now() - t1) / 1000;
    if (!commit.ok) throw new Error(`commit → ${commit.status} ${(await commit.text()).slice(0, 500)}`);
    job = (await commit.json()) as ImportJob;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const totalS = (performance.now() - t0) / 1000;
  const peak = sampler.stop();
  const after = await env.db
    .selectFrom('teachers')
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  const created = after.n - before.n;

  figures.push({ name: `import ${IMPORT_ROWS} teachers: upload + validate`, value: round(validateS, 2), unit: 's' });
  figures.push({ name: `import ${IMPORT_ROWS} teachers: commit`, value: round(commitS, 2), unit: 's' });
  figures.push({
    name: `import ${IMPORT_ROWS} teachers: total`,
    value: round(totalS, 2),
    unit: 's',
    target: IMPORT_TARGET_S,
    pass: !error && created === IMPORT_ROWS && totalS < IMPORT_TARGET_S,
    detail: { rowsWritten: created, status: job?.status ?? 'none', ...(error ? { error } : {}) },
  });
  figures.push({
    name: 'import: peak RSS growth (server in-process)',
    value: round((peak - baseline) / MB),
    unit: 'MB',
    detail: { baselineMB: round(baseline / MB), peakMB: round(peak / MB), fileMB: round(size / MB) },
  });
  return figures;
}
