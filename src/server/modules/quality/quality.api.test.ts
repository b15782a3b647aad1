import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCommunity,
  buildSchool,
  buildTeacher,
  buildUser,
  TONGXIANG,
  HAINING,
  USER_PASSWORD,
} from '../../test/factories.js';
import { createTestApp, login, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { pdfText } from '../../test/pdf-text.js';
import type { ClassReport, DidResponse, GapsResponse, StatsResponse } from '../../../shared/quality.schemas.js';
import { importCsv, mathExam, settle, upload } from './quality.fixtures.js';

/**
 * The quality API end to end on a small county: every statistic against numbers computed by hand,
 * the gaps, the privacy rules (a bureau user never receives a student name), scope, and imports.
 *
 * Urban core school A (1班: 40, 59.5, 60, 85, 100), rural member school B (1班: 30, 50, 70), in one
 * community since 2021-09-01. By hand, A: mean 68.9, population SD √445.84 = 21.1149, pass (≥60)
 * 3/5, excellent (≥85) 2/5, low (<40) 0/5 — 40 sits exactly on the low line and 60 on the pass
 * line, so both reach their line; quantiles (percentile_cont) P10 47.8, P25 59.5, median 60,
 * P75 85, P90 94. B: mean 50, pass 1/3, excellent 0, low 1/3.
 */
let t: TestApp;
let ids: Record<string, number>;
const c: Record<string, Client> = {};
let examId: number;

const CSV = [
  '学校代码,班级,学生编号,姓名,身份证号,科目,成绩',
  'SCA,1班,A001,赵一,330481201401011234,数学,40',
  'SCA,1班,A002,钱二,,数学,59.5',
  'SCA,1班,A003,孙三,,数学,60',
  'SCA,1班,A004,李四,,数学,85',
  'SCA,1班,A005,周五,,数学,100',
  'SCB,1班,B001,吴六,33048120140202567X,数学,30',
  'SCB,1班,B002,郑七,,数学,50',
  'SCB,1班,B003,王八,,数学,70',
].join('\n');
const NAMES = ['赵一', '钱二', '孙三', '李四', '周五', '吴六', '郑七', '王八'];

beforeAll(async () => {
  t = await createTestApp({ worker: true });
  const db = t.ctx.db;
  const a = await buildSchool(db, { code: 'SCA', name: '城区核心校', location_class: 'urban' });
  const b = await buildSchool(db, { code: 'SCB', name: '乡村成员校', location_class: 'rural' });
  const other = await buildSchool(db, { code: 'SCO', name: '桐乡学校', region_code: TONGXIANG });
  const community = await buildCommunity(db, [
    { schoolId: a.id, role: 'core' },
    { schoolId: b.id, role: 'member' },
  ]);
  const tb = await buildTeacher(db, b.id);
  ids = { a: a.id, b: b.id, other: other.id, community: community.id };
  const users = {
    bureau: await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING }),
    tongxiang: await buildUser(db, 'bureau_admin', { kind: 'region', id: TONGXIANG }),
    principalA: await buildUser(db, 'school_admin', { kind: 'school', id: a.id }),
    principalB: await buildUser(db, 'school_admin', { kind: 'school', id: b.id }),
    teacherB: await buildUser(db, 'teacher', { kind: 'school', id: b.id }, { teacherId: tb.id }),
    lead: await buildUser(db, 'community_lead', { kind: 'community', id: community.id }),
    viewer: await buildUser(db, 'viewer', { kind: 'region', id: HAINING }),
  };
  for (const [k, u] of Object.entries(users)) c[k] = await login(t.app, u.username, USER_PASSWORD);
  c.admin = await loginAdmin(t.app);

  for (const [school, client] of [
    [a.id, c.principalA],
    [b.id, c.principalB],
  ] as const) {
    const res = await client!.post('/api/v1/quality/classes', {
      schoolId: school,
      schoolYear: 2025,
      grade: 6,
      name: '1班',
    });
    expect(res.statusCode).toBe(201);
    ids[`class${school === a.id ? 'A' : 'B'}`] = res.json().id;
  }
  const exam = await c.bureau!.post('/api/v1/quality/exams', mathExam([a.id, b.id]));
  expect(exam.statusCode).toBe(201);
  examId = exam.json().id;
  const job = await importCsv(c.bureau!, examId, CSV);
  expect(job.status, JSON.stringify(job)).toBe('committed');
  expect(job.rowsWritten).toBe(8);
});
afterAll(async () => {
  await t.close();
});

const stats = async (client: Client, by: string, extra = '') => {
  const res = await client.get(`/api/v1/quality/exams/${examId}/stats?subject=math&by=${by}${extra}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as StatsResponse;
};

describe('statistics computed in SQL match the hand computation', () => {
  it('per school, with rates at exact line values', async () => {
    const r = await stats(c.bureau!, 'school');
    const a = r.rows.find((x) => x.schoolId === ids.a)!;
    expect(a).toMatchObject({
      n: 5,
      mean: 68.9,
      passRate: 0.6,
      excellentRate: 0.4,
      lowRate: 0,
      min: 40,
      max: 100,
      p10: 47.8,
      p25: 59.5,
      median: 60,
      p75: 85,
      p90: 94,
    });
    expect(a.sd).toBeCloseTo(Math.sqrt(445.84), 3);
    const b = r.rows.find((x) => x.schoolId === ids.b)!;
    expect(b).toMatchObject({ n: 3, mean: 50, passRate: 0.3333, excellentRate: 0, lowRate: 0.3333, median: 50 });
    expect(r.fullMark).toBe(100);
    // bands of 10 points: 30 | 40 | 50, 59.5 | 60 | 70 | 85 | 100 in the last band
    expect(r.distribution.map((d) => d.n)).toEqual([0, 0, 0, 1, 1, 2, 1, 1, 1, 1]);
  });

  it('per class, community, location class, region and overall', async () => {
    expect((await stats(c.bureau!, 'class')).rows.map((r) => [r.label, r.n])).toEqual([
      ['城区核心校 1班', 5],
      ['乡村成员校 1班', 3],
    ]);
    const community = (await stats(c.bureau!, 'community')).rows;
    expect(community).toHaveLength(1);
    expect(community[0]).toMatchObject({ key: String(ids.community), n: 8, mean: 61.8125 });
    expect((await stats(c.bureau!, 'location')).rows.map((r) => [r.key, r.n, r.mean])).toEqual([
      ['urban', 5, 68.9],
      ['rural', 3, 50],
    ]);
    expect((await stats(c.bureau!, 'region')).rows.map((r) => [r.key, r.label, r.n])).toEqual([[HAINING, '海宁市', 8]]);
    const all = (await stats(c.bureau!, 'all')).rows[0]!;
    expect(all).toMatchObject({ n: 8, mean: 61.8125, passRate: 0.5, excellentRate: 0.25, lowRate: 0.125 });
  });

  it('exports the table to xlsx', async () => {
    const res = await c.bureau!.get(`/api/v1/quality/exams/${examId}/stats/export.xlsx?subject=math&by=school`);
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const rows = wb.worksheets[0]!.getSheetValues()
      .slice(1)
      .map((r) => (r as unknown[]).slice(1, 4));
    expect(rows).toEqual([
      ['范围', '人数', '平均分'],
      ['城区核心校', 5, 68.9],
      ['乡村成员校', 3, 50],
    ]);
  });

  it('refuses a subject the exam does not have, with a clear 422', async () => {
    const res = await c.bureau!.get(`/api/v1/quality/exams/${examId}/stats?subject=physics&by=school`);
    expect(res.statusCode).toBe(422);
    expect(res.json().details[0].message).toContain('没有该科目');
  });
});

describe('gaps', () => {
  it('rural–urban and member–core gaps with the students behind them', async () => {
    const res = await c.bureau!.get(`/api/v1/quality/gaps?subject=math&examIds=${examId}`);
    expect(res.statusCode, res.body).toBe(200);
    const g = (res.json() as GapsResponse).exams[0]!;
    expect(g.ruralUrban.meanGap).toBeCloseTo(18.9, 6);
    expect(g.ruralUrban.passGap).toBeCloseTo(0.6 - 0.3333, 4);
    expect(g.ruralUrban.reference.n).toBe(5);
    expect(g.ruralUrban.focal.n).toBe(3);
    expect(g.memberCore.meanGap).toBeCloseTo(18.9, 6);
    expect(g.communities).toHaveLength(1);
    expect((res.json() as GapsResponse).change).toBeNull();
  });
});

describe('privacy: the bureau sees aggregates only', () => {
  it('a bureau user never receives a student name or ID number', async () => {
    const bodies: string[] = [];
    for (const url of [
      `/api/v1/quality/exams/${examId}/classes/${ids.classA}/report?subject=math`,
      `/api/v1/quality/exams/${examId}/classes/${ids.classB}/report?subject=math`,
      `/api/v1/quality/exams/${examId}/stats?subject=math&by=class`,
      `/api/v1/quality/exams/${examId}`,
    ]) {
      const res = await c.bureau!.get(url);
      expect(res.statusCode, url).toBe(200);
      bodies.push(res.body);
    }
    const report = JSON.parse(bodies[1]!) as ClassReport;
    expect(report.canSeeStudents).toBe(false);
    expect(report.lowStudents).toBeNull();
    expect(report.lowStudentCount).toBe(1);
    for (const body of bodies) for (const name of NAMES) expect(body).not.toContain(name);
    expect(bodies.join('')).not.toContain('3304812014');
    expect((await c.bureau!.get('/api/v1/quality/students')).statusCode).toBe(403);
    expect((await c.lead!.get('/api/v1/quality/students')).statusCode).toBe(403);
    const pdf = await c.bureau!.get(`/api/v1/quality/exams/${examId}/classes/${ids.classB}/report.pdf?subject=math`);
    expect(pdf.statusCode).toBe(200);
    const text = await pdfText(pdf.rawPayload);
    expect(text).toContain('学情分析报告');
    for (const name of NAMES) expect(text).not.toContain(name);
  });

  it("a school sees its own students by name, ID numbers masked, and never another school's", async () => {
    const res = await c.principalB!.get('/api/v1/quality/students');
    expect(res.statusCode).toBe(200);
    const students = res.json().items as { studentKey: string; name: string; idNumberMasked: string | null }[];
    expect(students.map((s) => s.name)).toEqual(['吴六', '郑七', '王八']);
    expect(students[0]!.idNumberMasked).toBe('330481********567X');
    expect(res.body).not.toContain('33048120140202567X');
    const report = (
      await c.teacherB!.get(`/api/v1/quality/exams/${examId}/classes/${ids.classB}/report?subject=math`)
    ).json() as ClassReport;
    expect(report.lowStudents?.map((s) => [s.name, s.score, s.rank])).toEqual([['吴六', 30, 3]]);
    // the core school's class: out of scope for the member school
    expect(
      (await c.teacherB!.get(`/api/v1/quality/exams/${examId}/classes/${ids.classA}/report?subject=math`)).statusCode,
    ).toBe(403);
    const foreign = (await c.principalA!.get(`/api/v1/quality/students?search=B00`)).json();
    expect(foreign.total).toBe(0);
    const bStudent = students[0] as unknown as { id: number };
    expect((await c.principalA!.get(`/api/v1/quality/students/${bStudent.id}/report`)).statusCode).toBe(403);
    const own = await c.principalB!.get(`/api/v1/quality/students/${bStudent.id}/report`);
    expect(own.statusCode).toBe(200);
    expect(own.json().scores).toEqual([expect.objectContaining({ score: 30, classMean: 50, regionMean: 61.8125 })]);
  });

  it('the students export masks ID numbers', async () => {
    const res = await c.principalA!.get('/api/v1/quality/students/export.xlsx');
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const values = JSON.stringify(wb.worksheets[0]!.getSheetValues());
    expect(values).toContain('330481********1234');
    expect(values).not.toContain('330481201401011234');
    expect(values).not.toContain('吴六');
    expect((await c.bureau!.get('/api/v1/quality/students/export.xlsx')).statusCode).toBe(403);
  });
});

describe('scope', () => {
  it('another county cannot see the exam; a school sees only its own classes', async () => {
    expect((await c.tongxiang!.get(`/api/v1/quality/exams/${examId}`)).statusCode).toBe(403);
    expect((await c.tongxiang!.get(`/api/v1/quality/exams/${examId}/stats?subject=math&by=school`)).statusCode).toBe(
      403,
    );
    expect((await c.tongxiang!.get('/api/v1/quality/exams')).json().total).toBe(0);
    const classes = (
      await c.principalB!.get(`/api/v1/quality/exams/${examId}/stats?subject=math&by=class`)
    ).json() as StatsResponse;
    expect(classes.rows.map((r) => r.label)).toEqual(['乡村成员校 1班']);
  });

  it('a school admin cannot add classes to another school or create an exam for it', async () => {
    expect(
      (
        await c.principalB!.post('/api/v1/quality/classes', {
          schoolId: ids.a,
          schoolYear: 2025,
          grade: 6,
          name: '2班',
        })
      ).statusCode,
    ).toBe(403);
    expect((await c.principalB!.post('/api/v1/quality/exams', mathExam([ids.a!]))).statusCode).toBe(403);
    expect((await c.bureau!.post('/api/v1/quality/exams', mathExam([ids.other!]))).statusCode).toBe(403);
    expect((await c.viewer!.post('/api/v1/quality/exams', mathExam([ids.a!]))).statusCode).toBe(403);
  });

  it("a school admin's import rows for another school are refused row by row", async () => {
    const res = await upload(
      c.principalB!,
      examId,
      'b.csv',
      '学校代码,班级,学生编号,科目,成绩\nSCA,1班,A099,数学,50\n',
    );
    expect(res.statusCode).toBe(202);
    const job = await settle(c.principalB!, res.json().id);
    expect(job.status).toBe('invalid');
    expect(job.errors.map((e) => e.code)).toEqual(['school_out_of_scope']);
    // and the job itself belongs to its creator
    expect((await c.principalA!.get(`/api/v1/quality/imports/${job.id}`)).statusCode).toBe(403);
  });

  it('teachers and viewers cannot import', async () => {
    expect((await upload(c.teacherB!, examId, 'x.csv', 'a\n')).statusCode).toBe(403);
    expect((await upload(c.viewer!, examId, 'x.csv', 'a\n')).statusCode).toBe(403);
  });
});

describe('exam input', () => {
  it('rejects inconsistent lines and items that do not add up, naming the field', async () => {
    const bad = mathExam([ids.a!], {
      subjects: [{ subject: 'math', fullMark: 100, passLine: 90, excellentLine: 85, lowLine: 40, items: [] }],
    });
    const res = await c.bureau!.post('/api/v1/quality/exams', bad);
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0].message).toContain('及格线');
    const items = mathExam([ids.a!], {
      subjects: [
        {
          subject: 'math',
          fullMark: 100,
          passLine: 60,
          excellentLine: 85,
          lowLine: 40,
          items: [{ itemNo: '1', fullMark: 50 }],
        },
      ],
    });
    expect((await c.bureau!.post('/api/v1/quality/exams', items)).json().details[0].message).toContain('满分之和');
  });

  it('records the exam and the import in the audit log', async () => {
    const log = (await c.admin!.get('/api/v1/audit-log?pageSize=100')).json().items as {
      entity: string;
      action: string;
    }[];
    expect(log.some((e) => e.entity === 'exam' && e.action === 'create')).toBe(true);
    expect(log.some((e) => e.entity === 'exam_scores' && e.action === 'import')).toBe(true);
  });
});

describe('difference in differences through the API', () => {
  /*
   * Schools A (core from 2021-09) and B, F (members from 2021-09), C, E (never members). The exam
   * of 2021-06 comes before the community, the exam of 2026-01 after. School means: A 80 → 82;
   * B 60 → 72; F 62 → 73; C 70 → 71; E 65 → 67. Gaps to A: B 20 → 10, F 18 → 9, C 10 → 11, E 15 → 15.
   * DiD = mean(−10, −9) − mean(1, 0) = −10; SE 0.763763 (same residual pattern as the unit test).
   */
  it('estimates the change in the member–core gap with a clustered SE, and refuses when it cannot', async () => {
    const db = t.ctx.db;
    const a = await buildSchool(db, { location_class: 'urban' });
    const [b, f, cc, e] = [
      await buildSchool(db, { location_class: 'rural' }),
      await buildSchool(db, { location_class: 'rural' }),
      await buildSchool(db, { location_class: 'rural' }),
      await buildSchool(db, { location_class: 'rural' }),
    ];
    await buildCommunity(db, [
      { schoolId: a.id, role: 'core' },
      { schoolId: b.id, role: 'member' },
      { schoolId: f.id, role: 'member' },
    ]);
    const schools = [a, b, f, cc, e];
    const exam = async (date: string, year: number) =>
      (
        await c.bureau!.post(
          '/api/v1/quality/exams',
          mathExam(
            schools.map((s) => s.id),
            { examDate: date, schoolYear: year, name: `DiD ${date}` },
          ),
        )
      ).json().id as number;
    const before = await exam('2021-06-20', 2020);
    const after = await exam('2026-01-10', 2025);
    for (const s of schools) {
      for (const year of [2020, 2025])
        await c.bureau!.post('/api/v1/quality/classes', { schoolId: s.id, schoolYear: year, grade: 6, name: '1班' });
    }
    const means: [number, number, number][] = [
      [a.id, 80, 82],
      [b.id, 60, 72],
      [f.id, 62, 73],
      [cc.id, 70, 71],
      [e.id, 65, 67],
    ];
    const sheet = (which: 1 | 2) =>
      [
        '学校代码,班级,学生编号,科目,成绩',
        ...means.flatMap(([id, m1, m2]) => {
          const code = schools.find((s) => s.id === id)!.code;
          const m = which === 1 ? m1 : m2;
          return [`${code},1班,D${id}x,数学,${m - 5}`, `${code},1班,D${id}y,数学,${m + 5}`];
        }),
      ].join('\n');
    expect((await importCsv(c.bureau!, before, sheet(1))).status).toBe('committed');
    expect((await importCsv(c.bureau!, after, sheet(2))).status).toBe('committed');

    const res = await c.bureau!.get(
      `/api/v1/quality/did?subject=math&before=${before}&after=${after}&comparison=member_core`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json() as DidResponse;
    expect(d.ok).toBe(true);
    expect(d.estimate).toBeCloseTo(-10, 6);
    expect(d.se).toBeCloseTo(0.7638, 4);
    expect([d.treatedSchools, d.controlSchools, d.treatedStudents, d.controlStudents]).toEqual([2, 2, 8, 8]);
    expect(d.reading).toContain('多缩小了 10.00 分');

    // rural–urban: the urban schools here are A and the first county's core school; only B and F joined
    const ru = (
      await c.bureau!.get(`/api/v1/quality/did?subject=math&before=${before}&after=${after}&comparison=rural_urban`)
    ).json() as DidResponse;
    expect(ru.ok).toBe(true);
    expect(ru.estimate).toBeCloseTo(-10, 6);

    const reversed = await c.bureau!.get(`/api/v1/quality/did?subject=math&before=${after}&after=${before}`);
    expect(reversed.statusCode).toBe(422);
    // the first exam's schools did not sit the 2021 exam: no core school has scores in both
    const noReference = (
      await c.bureau!.get(`/api/v1/quality/did?subject=math&before=${before}&after=${examId}`)
    ).json() as DidResponse;
    expect(noReference.ok).toBe(false);
    expect(noReference.refusal?.code).toBe('no_reference');
    expect(noReference.reading).toContain('无法估计');
  });
});
