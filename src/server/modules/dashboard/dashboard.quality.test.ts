import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chart, Dashboard, Figure, Panel } from '../../../shared/dashboard.schemas.js';
import type { Subject } from '../../../shared/enums.js';
import type { GapsResponse, StatsResponse } from '../../../shared/quality.schemas.js';
import { buildCommunity, buildSchool, buildUser, HAINING, TONGXIANG, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { pdfText } from '../../test/pdf-text.js';
import type { Db } from '../../db/connection.js';
import { ensureScorePartition } from '../quality/score-partitions.js';
import { sourceVersion } from './dashboard.cache.js';
import { trackedModules } from './change-tracking.js';
import { modules } from '../index.js';

const tracked = trackedModules(modules);

/**
 * The academic-quality panel against the quality module's own APIs on the same data, by hand for
 * the headline, its empty state, and scope. The county (Haining), all grade-6 primary schools:
 *   A urban, core of X   B rural, member of X   C rural, no community   D town, no community
 *   E rural in Tongxiang (another county)
 * Exams: P0 2025-06-20 (school year 2024), E1 2026-01-16 (2025, term 1), G3 2026-06-20 (grade 3),
 * E2 2026-06-26 (2025, term 2; Chinese, maths, English and science), U 2026-07-05 (no scores yet),
 * T 2026-07-01 (Tongxiang only).
 * E2 maths by hand: urban A 80 90 70 60 → mean 75, pass 4/4; rural B 50 70 65 + C 40 55 → mean 56,
 * pass 2/5: gap 19 points and 60 percentage points, urban 4 / rural 5 students. E1 maths: urban
 * 70 80 → 75; rural 50 60 45 → 51.6667, pass 1/3: gap 23.3333, 66.67 pp; so −4.33 and −6.67 since.
 */
let t: TestApp;
const c: Record<string, Client> = {};
const ids: Record<string, number> = {};

async function buildExam(
  db: Db,
  o: {
    name: string;
    date: string;
    year: number;
    term: 1 | 2;
    grade: number;
    region?: string;
    schools: number[];
    subjects: Subject[];
  },
) {
  const e = await db
    .insertInto('quality_exams')
    .values({
      name: o.name,
      exam_date: o.date,
      school_year: o.year,
      term: o.term,
      grade: o.grade,
      region_code: o.region ?? HAINING,
      owner_school_id: null,
      created_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const subject of o.subjects) {
    await db
      .insertInto('quality_exam_subjects')
      .values({ exam_id: e.id, subject, full_mark: 100, pass_line: 60, excellent_line: 85, low_line: 40 })
      .execute();
  }
  await db
    .insertInto('quality_exam_schools')
    .values(o.schools.map((school_id) => ({ exam_id: e.id, school_id })))
    .execute();
  return e.id;
}

/** Students of one school sitting an exam: the i-th score of each subject belongs to the i-th student. */
async function sit(db: Db, examId: number, schoolId: number, scores: Partial<Record<Subject, number[]>>) {
  const cls = await db
    .insertInto('quality_classes')
    .values({
      school_id: schoolId,
      school_year: 2025,
      grade: 6,
      name: `${examId}-${schoolId}-${Math.random().toString(36).slice(2, 8)}`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const n = Math.max(...Object.values(scores).map((l) => l.length));
  const students = await db
    .insertInto('quality_students')
    .values(
      Array.from({ length: n }, (_, i) => ({
        student_key: `${examId}-${schoolId}-${cls.id}-${i}`,
        school_id: schoolId,
      })),
    )
    .returning('id')
    .execute();
  const subjects = await db
    .selectFrom('quality_exam_subjects')
    .select(['id', 'subject'])
    .where('exam_id', '=', examId)
    .execute();
  for (const [subject, list] of Object.entries(scores)) {
    const sub = subjects.find((s) => s.subject === subject)!;
    await db.transaction().execute((tx) => ensureScorePartition(tx, examId));
    await db
      .insertInto('quality_scores')
      .values(
        list.map((score, i) => ({
          exam_id: examId,
          exam_subject_id: sub.id,
          student_id: students[i]!.id,
          school_id: schoolId,
          class_id: cls.id,
          score,
        })),
      )
      .execute();
  }
}

beforeAll(async () => {
  // a worker refreshes stale snapshots, as in every instance
  t = await createTestApp({ worker: true });
  const db = t.ctx.db;
  const A = await buildSchool(db, { name: '质量甲小学', location_class: 'urban' });
  const B = await buildSchool(db, { name: '质量乙小学', location_class: 'rural', quality_tier: 'weak' });
  const C = await buildSchool(db, { name: '质量丙小学', location_class: 'rural', quality_tier: 'weak' });
  const D = await buildSchool(db, { name: '质量丁小学', location_class: 'town', quality_tier: 'potential' });
  const E = await buildSchool(db, { name: '桐乡戊小学', location_class: 'rural', region_code: TONGXIANG });
  const X = await buildCommunity(
    db,
    [
      { schoolId: A.id, role: 'core' },
      { schoolId: B.id, role: 'member' },
    ],
    { name: '质量教共体' },
  );
  Object.assign(ids, { A: A.id, B: B.id, C: C.id, D: D.id, E: E.id, X: X.id });
  const users = {
    bureau: await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING }),
    tongxiang: await buildUser(db, 'bureau_admin', { kind: 'region', id: TONGXIANG }),
    lead: await buildUser(db, 'community_lead', { kind: 'community', id: X.id }),
    principalB: await buildUser(db, 'school_admin', { kind: 'school', id: B.id }),
    principalC: await buildUser(db, 'school_admin', { kind: 'school', id: C.id }),
  };
  for (const [k, u] of Object.entries(users)) c[k] = await login(t.app, u.username, USER_PASSWORD);
  c.admin = await loginAdmin(t.app);

  const haining = [A.id, B.id, C.id, D.id];
  ids.P0 = await buildExam(db, {
    name: '2024学年第二学期六年级期末',
    date: '2025-06-20',
    year: 2024,
    term: 2,
    grade: 6,
    schools: haining,
    subjects: ['chinese', 'math'],
  });
  await sit(db, ids.P0, A.id, { math: [70, 80, 90], chinese: [80, 82, 84] });
  await sit(db, ids.P0, B.id, { math: [50, 60], chinese: [70, 72] });
  await sit(db, ids.P0, C.id, { math: [40], chinese: [66] });
  ids.E1 = await buildExam(db, {
    name: '2025学年第一学期六年级期末',
    date: '2026-01-16',
    year: 2025,
    term: 1,
    grade: 6,
    schools: haining,
    subjects: ['chinese', 'math'],
  });
  await sit(db, ids.E1, A.id, { math: [70, 80], chinese: [80, 85] });
  await sit(db, ids.E1, B.id, { math: [50, 60], chinese: [70, 75] });
  await sit(db, ids.E1, C.id, { math: [45], chinese: [60] });
  await sit(db, ids.E1, D.id, { math: [65], chinese: [70] });
  ids.G3 = await buildExam(db, {
    name: '2025学年第二学期三年级期末',
    date: '2026-06-20',
    year: 2025,
    term: 2,
    grade: 3,
    schools: haining,
    subjects: ['math'],
  });
  await sit(db, ids.G3, A.id, { math: [90] });
  await sit(db, ids.G3, B.id, { math: [60] });
  ids.E2 = await buildExam(db, {
    name: '2025学年第二学期六年级期末',
    date: '2026-06-26',
    year: 2025,
    term: 2,
    grade: 6,
    schools: haining,
    subjects: ['science', 'english', 'math', 'chinese'],
  });
  await sit(db, ids.E2, A.id, {
    math: [80, 90, 70, 60],
    chinese: [88, 86, 84, 82],
    english: [90, 80, 70, 60],
    science: [80, 80, 80, 80],
  });
  await sit(db, ids.E2, B.id, {
    math: [50, 70, 65],
    chinese: [78, 76, 59],
    english: [55, 65, 60],
    science: [70, 70, 70],
  });
  await sit(db, ids.E2, C.id, { math: [40, 55], chinese: [62, 64], english: [50, 58], science: [60, 60] });
  await sit(db, ids.E2, D.id, { math: [75], chinese: [80], english: [70], science: [75] });
  ids.U = await buildExam(db, {
    name: '尚未导入成绩的考试',
    date: '2026-07-05',
    year: 2025,
    term: 2,
    grade: 6,
    schools: [A.id, B.id],
    subjects: ['math'],
  });
  ids.T = await buildExam(db, {
    name: '桐乡六年级抽测',
    date: '2026-07-01',
    year: 2025,
    term: 2,
    grade: 6,
    region: TONGXIANG,
    schools: [E.id],
    subjects: ['math'],
  });
  await sit(db, ids.T, E.id, { math: [66, 77] });
});
afterAll(async () => {
  await t.close();
});

async function dash(client: Client, query: string): Promise<Dashboard> {
  const res = await client.get(`/api/v1/dashboard?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
const qualityPanel = (d: Dashboard): Panel => {
  const p = d.panels.find((x) => x.key === 'quality.gaps');
  if (!p)
    throw new Error(
      `no quality panel in ${d.panels.map((x) => x.key).join(', ')} (unavailable: ${d.unavailable.join(', ')})`,
    );
  return p;
};
const fig = (p: Panel, key: string): Figure => {
  const f = p.figures.find((x) => x.key === key);
  if (!f) throw new Error(`no figure ${key} in ${p.figures.map((x) => x.key).join(', ')}`);
  return f;
};
const trend = (p: Panel): Chart => p.charts[0]!;
const r2 = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 100) / 100);
const pp = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 10000) / 100);

async function gapsAt(client: Client, query: Record<string, string>): Promise<GapsResponse> {
  const res = await client.get(`/api/v1/quality/gaps?${new URLSearchParams(query).toString()}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Every gap figure and trend value of a panel equals the gaps API at the figure's own link. */
async function expectMatchesGapsApi(client: Client, p: Panel, subjects: Subject[]) {
  for (const s of subjects) {
    const mean = fig(p, `qualityMeanGap.${s}`);
    expect(mean.drillDown?.path).toBe('/quality/gaps');
    expect(mean.drillDown?.query.subject).toBe(s);
    const g = await gapsAt(client, mean.drillDown!.query);
    const last = g.exams[g.exams.length - 1]!;
    expect(last.examId).toBe(ids.E2);
    expect(mean.value, s).toBe(r2(last.ruralUrban.meanGap));
    expect(fig(p, `qualityPassGap.${s}`).value, s).toBe(pp(last.ruralUrban.passGap));
    expect(mean.hint?.zh).toContain(`城区 ${last.ruralUrban.reference.n} 人 / 乡村 ${last.ruralUrban.focal.n} 人`);
    expect(fig(p, `qualityMeanGapChange.${s}`).value, s).toBe(r2(g.change?.ruralUrban.meanGap));
    expect(fig(p, `qualityPassGapChange.${s}`).value, s).toBe(pp(g.change?.ruralUrban.passGap));
    for (const k of ['qualityPassGap', 'qualityMeanGapChange', 'qualityPassGapChange'])
      expect(fig(p, `${k}.${s}`).drillDown).toEqual(mean.drillDown);
  }
  // the trend: each line drills into the gaps page over its exams, with the same values
  const chart = trend(p);
  for (const series of chart.series ?? []) {
    const g = await gapsAt(client, series.drillDown!.query);
    const byDate = new Map(g.exams.map((e) => [e.examDate, r2(e.ruralUrban.meanGap)]));
    expect(series.values, series.key).toEqual(
      chart.points.map((pt) => (byDate.has(pt.name.zh) ? byDate.get(pt.name.zh) : null)),
    );
  }
}

describe('region dashboard (bureau)', () => {
  it('shows the latest exam’s gaps, computed by hand', async () => {
    const p = qualityPanel(await dash(c.bureau!, 'schoolYear=2025'));
    expect(p.ignores).toEqual(['locationClass']);
    // the first three subjects in curriculum order; science is left out
    expect(p.figures.map((f) => f.key)).toEqual(
      ['chinese', 'math', 'english'].flatMap((s) => [
        `qualityMeanGap.${s}`,
        `qualityMeanGapChange.${s}`,
        `qualityPassGap.${s}`,
        `qualityPassGapChange.${s}`,
      ]),
    );
    expect(fig(p, 'qualityMeanGap.math')).toMatchObject({
      value: 19,
      unit: 'score',
      hint: { zh: '2026-06-26 六年级；城区 4 人 / 乡村 5 人' },
    });
    expect(fig(p, 'qualityPassGap.math')).toMatchObject({ value: 60, unit: 'pp' });
    expect(fig(p, 'qualityMeanGapChange.math')).toMatchObject({
      value: -4.33,
      unit: 'scoreChange',
      hint: { zh: '上次 2026-01-16：23.3分（城区 2 人 / 乡村 3 人）' },
    });
    expect(fig(p, 'qualityPassGapChange.math').value).toBe(-6.67);
    expect(fig(p, 'qualityMeanGap.math').drillDown).toEqual({
      path: '/quality/gaps',
      query: { region: HAINING, subject: 'math', examIds: `${ids.E1},${ids.E2}` },
    });
    // English was not in E1 or any earlier grade-6 exam: no change to show, and no NaN
    expect(fig(p, 'qualityMeanGapChange.english')).toMatchObject({ value: null, hint: { zh: '没有可比的上次考试' } });
    expect(fig(p, 'qualityMeanGap.english').drillDown?.query.examIds).toBe(String(ids.E2));
    // trend over the year's grade-6 exams with scores (not grade 3, not the one without scores)
    const chart = trend(p);
    expect(chart).toMatchObject({ key: 'qualityGapTrend', kind: 'line', title: { zh: '城乡均分差走势（六年级）' } });
    expect(chart.points.map((pt) => pt.name.zh)).toEqual(['2026-01-16', '2026-06-26']);
    // Chinese: E1 82.5 − 68.3333, E2 85 − 67.8; English (E2 only): 75 − 57.6
    expect(chart.series?.map((s) => [s.key, s.values])).toEqual([
      ['chinese', [14.17, 17.2]],
      ['math', [23.33, 19]],
      ['english', [null, 17.4]],
    ]);
    expect(JSON.stringify(p)).not.toMatch(/NaN|Infinity/);
  });

  it('every figure and trend value equals the gaps API at its link', async () => {
    const p = qualityPanel(await dash(c.bureau!, 'schoolYear=2025'));
    await expectMatchesGapsApi(c.bureau!, p, ['chinese', 'math', 'english']);
  });

  it('a term: the latest exam of that term, compared with the year before', async () => {
    const p = qualityPanel(await dash(c.bureau!, 'schoolYear=2025&semester=2025-2026-1'));
    expect(p.figures.map((f) => f.key.split('.')[1])).toEqual([
      'chinese',
      'chinese',
      'chinese',
      'chinese',
      'math',
      'math',
      'math',
      'math',
    ]);
    expect(fig(p, 'qualityMeanGap.math').value).toBe(23.33);
    // P0 maths: urban 70 80 90 → 80, rural 50 60 40 → 50: gap 30, so −6.67 since
    expect(fig(p, 'qualityMeanGapChange.math').value).toBe(-6.67);
    expect(fig(p, 'qualityMeanGap.math').drillDown?.query.examIds).toBe(`${ids.P0},${ids.E1}`);
    const g = await gapsAt(c.bureau!, fig(p, 'qualityMeanGap.math').drillDown!.query);
    expect(r2(g.change?.ruralUrban.meanGap)).toBe(-6.67);
    expect(trend(p).points.map((pt) => pt.name.zh)).toEqual(['2026-01-16']);
  });

  it('without exams: an empty state, not zeros or NaN', async () => {
    for (const q of ['schoolYear=2023', 'schoolYear=2025&level=junior', 'region=330424&schoolYear=2025']) {
      const d = await dash(c.admin!, q.startsWith('region') ? q : `region=${HAINING}&${q}`);
      const p = qualityPanel(d);
      expect(
        p.figures.map((f) => [f.key, f.value]),
        q,
      ).toEqual([
        ['qualityMeanGap', null],
        ['qualityPassGap', null],
      ]);
      expect(fig(p, 'qualityMeanGap').hint?.zh).toBe('所选期间暂无考试成绩');
      expect(trend(p).points).toEqual([]);
      expect(JSON.stringify(d)).not.toMatch(/NaN|Infinity/);
      expect(d.unavailable).toEqual([]);
    }
  });

  it('counts only the scope’s schools: another county’s later exam is not Haining’s latest', async () => {
    const admin = qualityPanel(await dash(c.admin!, `region=${HAINING}&schoolYear=2025`));
    const bureau = qualityPanel(await dash(c.bureau!, 'schoolYear=2025'));
    expect(admin.figures).toEqual(bureau.figures);
    // Tongxiang's bureau sees its own exam: rural students only, so no gap — and no NaN
    const tx = qualityPanel(await dash(c.tongxiang!, 'schoolYear=2025'));
    expect(fig(tx, 'qualityMeanGap.math')).toMatchObject({
      value: null,
      hint: { zh: '2026-07-01 六年级；城区 0 人 / 乡村 2 人' },
    });
    expect(fig(tx, 'qualityMeanGap.math').drillDown?.query.examIds).toBe(String(ids.T));
  });
});

describe('community and school scope', () => {
  it("a community lead's panel covers the community, and equals the gaps API for them", async () => {
    const p = qualityPanel(await dash(c.lead!, 'schoolYear=2025'));
    // A 75 against B 61.6667 in maths; E1: 75 against 55
    expect(fig(p, 'qualityMeanGap.math')).toMatchObject({
      value: 13.33,
      hint: { zh: '2026-06-26 六年级；城区 4 人 / 乡村 3 人' },
    });
    expect(fig(p, 'qualityMeanGapChange.math').value).toBe(-6.67);
    await expectMatchesGapsApi(c.lead!, p, ['chinese', 'math', 'english']);
    // the bureau looking at the same community sees the same figures
    const byBureau = qualityPanel(await dash(c.bureau!, `communityId=${ids.X}&schoolYear=2025`));
    expect(byBureau.figures.map((f) => f.value)).toEqual(p.figures.map((f) => f.value));
  });

  it("a principal sees their own school's figures only, never the community's", async () => {
    const p = qualityPanel(await dash(c.principalB!, 'schoolYear=2025'));
    expect(p.figures.some((f) => f.key.includes('Gap'))).toBe(false);
    expect(fig(p, 'qualityMean.math')).toMatchObject({
      value: 61.67,
      unit: 'score',
      hint: { zh: '2026-06-26 六年级；3 人' },
    });
    expect(fig(p, 'qualityPassRate.math')).toMatchObject({ value: 66.67, unit: 'percent' });
    // against E1 (B: 50 60 → 55, pass 1/2)
    expect(fig(p, 'qualityMeanChange.math')).toMatchObject({
      value: 6.67,
      hint: { zh: '上次 2026-01-16：55.0分（2 人）' },
    });
    expect(fig(p, 'qualityPassRateChange.math').value).toBe(16.67);
    // the same figure in the quality module's own statistics of that exam
    const link = fig(p, 'qualityMean.math').drillDown!;
    expect(link).toEqual({ path: `/quality/exams/${ids.E2}`, query: { subject: 'math' } });
    const res = await c.principalB!.get(`/api/v1/quality/exams/${ids.E2}/stats?subject=math&by=school`);
    const row = (res.json() as StatsResponse).rows.find((r) => r.schoolId === ids.B)!;
    expect(fig(p, 'qualityMean.math').value).toBe(r2(row.mean));
    expect(fig(p, 'qualityPassRate.math').value).toBe(pp(row.passRate));
    // the principal's gaps API covers the community (A and B): the panel shows none of A's students
    const g = await gapsAt(c.principalB!, { subject: 'math', examIds: String(ids.E2) });
    expect(g.exams[0]!.ruralUrban.reference.n).toBe(4);
    expect(JSON.stringify(p)).not.toContain('4 人');
    expect(trend(p)).toMatchObject({
      key: 'qualityMeanTrend',
      series: [{ key: 'chinese' }, { key: 'math', values: [55, 61.67] }, { key: 'english', values: [null, 60] }],
    });
    // and cannot widen the scope
    expect((await c.principalB!.get(`/api/v1/dashboard?region=${HAINING}`)).statusCode).toBe(403);
    expect((await c.principalB!.get(`/api/v1/dashboard?schoolId=${ids.C}`)).statusCode).toBe(403);
    const own = qualityPanel(await dash(c.principalC!, 'schoolYear=2025'));
    expect(fig(own, 'qualityMean.math')).toMatchObject({ value: 47.5, hint: { zh: '2026-06-26 六年级；2 人' } });
  });

  it('a school without exam scores gets the empty state', async () => {
    const p = qualityPanel(await dash(c.principalC!, 'schoolYear=2024&semester=2024-2025-1'));
    expect(p.figures.map((f) => [f.key, f.value])).toEqual([
      ['qualityMean', null],
      ['qualityPassRate', null],
    ]);
  });
});

describe('report, screen and snapshots', () => {
  it('the annual report carries the figures and the students behind them', async () => {
    const res = await c.bureau!.get('/api/v1/dashboard/report.xlsx?schoolYear=2025');
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const rows = new Map<string, unknown[]>();
    wb.getWorksheet('主要指标')!.eachRow((row) =>
      rows.set(String(row.getCell(2).value), (row.values as unknown[]).slice(1)),
    );
    expect(rows.get('数学城乡均分差')).toEqual([
      '学业质量与城乡差距',
      '数学城乡均分差',
      19,
      'score',
      '19.0分',
      '2026-06-26 六年级；城区 4 人 / 乡村 5 人',
    ]);
    expect(rows.get('数学均分差较上次')?.slice(2, 5)).toEqual([-4.33, 'scoreChange', '-4.3分']);
    const chartRows: unknown[][] = [];
    wb.getWorksheet('图表数据')!.eachRow((row) => chartRows.push((row.values as unknown[]).slice(1)));
    expect(chartRows).toContainEqual(['城乡均分差走势（六年级）', '2026-06-26 · 数学', 19]);
    // the PDF: the figures with the students behind them, and the trend drawn
    const pdf = await c.bureau!.get('/api/v1/dashboard/report.pdf?schoolYear=2025');
    expect(pdf.statusCode).toBe(200);
    const text = (await pdfText(pdf.rawPayload)).replace(/\s+/g, '');
    for (const s of [
      '学业质量与城乡差距',
      '数学城乡均分差',
      '2026-06-26六年级；城区4人/乡村5人',
      '-4.3分',
      '城乡均分差走势（六年级）',
    ])
      expect(text).toContain(s);
  });

  it('a display link shows the panel without any link to follow', async () => {
    const created = await c.bureau!.post('/api/v1/dashboard/display-links', { label: '质量大屏', regionCode: HAINING });
    expect(created.statusCode, created.body).toBe(201);
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/display/${created.json().token}` });
    expect(res.statusCode).toBe(200);
    const p = qualityPanel(res.json());
    expect(p.figures.length).toBeGreaterThan(0);
    expect(p.figures.every((f) => f.drillDown === null)).toBe(true);
    expect(p.charts.flatMap((ch) => ch.series ?? []).every((s) => s.drillDown === null)).toBe(true);
  });

  it('a new score moves the quality version and the panel catches up', async () => {
    const figure = async () => fig(qualityPanel(await dash(c.bureau!, 'schoolYear=2025')), 'qualityMeanGap.math').value;
    expect(await figure()).toBe(19);
    const before = await sourceVersion(t.ctx.db, tracked, 'quality');
    // one more rural maths score of 86 in E2: rural mean (280 + 86) / 6 = 61, gap 14
    await sit(t.ctx.db, ids.E2!, ids.C!, { math: [86] });
    expect(await sourceVersion(t.ctx.db, tracked, 'quality')).not.toBe(before);
    await expect.poll(figure, { timeout: 90_000, interval: 200 }).toBe(14);
  });
});

describe("a partner county's school in a cross-region community", () => {
  it("counts on neither the region's tile nor the gaps page the tile opens", async () => {
    const db = t.ctx.db;
    // a Tongxiang rural school paired with Haining's urban A: the Haining bureau can see it
    const F = await buildSchool(db, { name: '桐乡己小学', location_class: 'rural', region_code: TONGXIANG });
    await buildCommunity(
      db,
      [
        { schoolId: ids.A!, role: 'core' },
        { schoolId: F.id, role: 'member' },
      ],
      { name: '山海质量结对', partner_region_code: TONGXIANG },
    );
    const exam = await buildExam(db, {
      name: '2025学年第二学期六年级期末',
      date: '2026-07-08',
      year: 2025,
      term: 2,
      grade: 6,
      schools: [ids.A!, ids.B!, F.id],
      subjects: ['math'],
    });
    await sit(db, exam, ids.A!, { math: [90, 80] });
    await sit(db, exam, ids.B!, { math: [60] });
    await sit(db, exam, F.id, { math: [30, 30, 30] });
    // dashboards are cached snapshots: wait until the new exam shows
    const mathGap = async () => fig(qualityPanel(await dash(c.bureau!, 'schoolYear=2025')), 'qualityMeanGap.math');
    await expect
      .poll(async () => (await mathGap()).hint?.zh, { timeout: 90_000, interval: 200 })
      .toContain('2026-07-08');
    const mean = await mathGap();
    // Haining only: urban 85, rural 60
    expect(mean).toMatchObject({ value: 25, hint: { zh: expect.stringContaining('城区 2 人 / 乡村 1 人') } });
    expect(mean.drillDown?.query).toMatchObject({ region: HAINING });
    const atLink = await gapsAt(c.bureau!, mean.drillDown!.query);
    expect(atLink.exams.at(-1)).toMatchObject({ examId: exam, ruralUrban: { meanGap: 25, focal: { n: 1 } } });
    // without the narrowing the page counts the partner school the bureau can see: rural (60 + 3 × 30) / 4
    const { region: _region, ...wide } = mean.drillDown!.query;
    const everyone = await gapsAt(c.bureau!, wide);
    expect(everyone.exams.at(-1)).toMatchObject({ examId: exam, ruralUrban: { meanGap: 47.5, focal: { n: 4 } } });
  });
});
