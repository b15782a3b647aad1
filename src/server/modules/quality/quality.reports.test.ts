import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCommunity,
  buildSchool,
  buildTeacher,
  buildUser,
  HAINING,
  TONGXIANG,
  USER_PASSWORD,
} from '../../test/factories.js';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';
import { pdfText } from '../../test/pdf-text.js';
import type { ClassReport, GapsResponse, StudentReport } from '../../../shared/quality.schemas.js';
import { importCsv, mathExam } from './quality.fixtures.js';

/**
 * The student report (JSON and PDF) and the workbooks of the gaps page and the class report.
 *
 * Urban core school A and rural member school B, one community. Two exams of grade 6:
 * - midterm 2025-11-10, math: A 80, 60; B 赵小明 45, 钱小红 75, 孙小刚 30.
 * - final 2026-01-20, math: A 90, 70; B 52.5, 85, 35; and Chinese by item (B only): item 1 (4 points,
 *   拼音), item 2 (6 points, 阅读理解 + 拼音): 赵小明 1 + 2 = 3, 钱小红 4 + 6 = 10, 孙小刚 2 + 3 = 5.
 * 赵小明 by hand: math 45 (class mean 50, everyone 58) → 52.5 (class 57.5, everyone 66.5); Chinese 3
 * (class 6, everyone 6). Weak points: 拼音 (1 + 2) / 10 = 0.3, everyone 18 / 30 = 0.6; 阅读理解 2 / 6,
 * everyone 11 / 18.
 */
let t: TestApp;
const c: Record<string, Client> = {};
const ids: Record<string, number> = {};
const NAMES = ['赵小明', '钱小红', '孙小刚', '周大A', '吴大B'];
const ID_NUMBER = '330481201403031234';

beforeAll(async () => {
  t = await createTestApp({ worker: true });
  const db = t.ctx.db;
  const a = await buildSchool(db, { code: 'SRA', name: '城区核心校', location_class: 'urban' });
  const b = await buildSchool(db, { code: 'SRB', name: '乡村成员校', location_class: 'rural' });
  await buildCommunity(db, [
    { schoolId: a.id, role: 'core' },
    { schoolId: b.id, role: 'member' },
  ]);
  const tb = await buildTeacher(db, b.id);
  const users = {
    bureau: await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING }),
    tongxiang: await buildUser(db, 'bureau_admin', { kind: 'region', id: TONGXIANG }),
    principalA: await buildUser(db, 'school_admin', { kind: 'school', id: a.id }),
    teacherB: await buildUser(db, 'teacher', { kind: 'school', id: b.id }, { teacherId: tb.id }),
  };
  for (const [k, u] of Object.entries(users)) c[k] = await login(t.app, u.username, USER_PASSWORD);
  for (const s of [a, b]) {
    const res = await c.bureau!.post('/api/v1/quality/classes', {
      schoolId: s.id,
      schoolYear: 2025,
      grade: 6,
      name: '1班',
    });
    expect(res.statusCode, res.body).toBe(201);
    ids[s === a ? 'classA' : 'classB'] = res.json().id;
  }
  const midterm = await c.bureau!.post(
    '/api/v1/quality/exams',
    mathExam([a.id, b.id], { name: '六年级期中', examDate: '2025-11-10' }),
  );
  expect(midterm.statusCode, midterm.body).toBe(201);
  ids.midterm = midterm.json().id;
  const final = await c.bureau!.post(
    '/api/v1/quality/exams',
    mathExam([a.id, b.id], {
      name: '六年级期末',
      examDate: '2026-01-20',
      subjects: [
        { subject: 'math', fullMark: 100, passLine: 60, excellentLine: 85, lowLine: 40, items: [] },
        {
          subject: 'chinese',
          fullMark: 10,
          passLine: 6,
          excellentLine: 8.5,
          lowLine: 4,
          items: [
            { itemNo: '1', fullMark: 4, knowledgePoints: ['拼音'] },
            { itemNo: '2', fullMark: 6, knowledgePoints: ['阅读理解', '拼音'] },
          ],
        },
      ],
    }),
  );
  expect(final.statusCode, final.body).toBe(201);
  ids.final = final.json().id;

  const sheet = (scores: [string, string, string, number][]) =>
    [
      '学校代码,班级,学生编号,姓名,身份证号,科目,成绩',
      ...scores.map(
        ([school, key, name, score]) =>
          `${school},1班,${key},${name},${name === '赵小明' ? ID_NUMBER : ''},数学,${score}`,
      ),
    ].join('\n');
  const mid = await importCsv(
    c.bureau!,
    ids.midterm!,
    sheet([
      ['SRA', 'A1', '周大A', 80],
      ['SRA', 'A2', '吴大B', 60],
      ['SRB', 'B1', '赵小明', 45],
      ['SRB', 'B2', '钱小红', 75],
      ['SRB', 'B3', '孙小刚', 30],
    ]),
  );
  expect(mid.status, JSON.stringify(mid.errors)).toBe('committed');
  const fin = await importCsv(
    c.bureau!,
    ids.final!,
    sheet([
      ['SRA', 'A1', '', 90],
      ['SRA', 'A2', '', 70],
      ['SRB', 'B1', '', 52.5],
      ['SRB', 'B2', '', 85],
      ['SRB', 'B3', '', 35],
    ]),
  );
  expect(fin.status, JSON.stringify(fin.errors)).toBe('committed');
  const items = [
    '学校代码,班级,学生编号,科目,题号,成绩',
    ...[
      ['B1', 1, 2],
      ['B2', 4, 6],
      ['B3', 2, 3],
    ].flatMap(([k, i1, i2]) => [`SRB,1班,${k},语文,1,${i1}`, `SRB,1班,${k},语文,2,${i2}`]),
  ].join('\n');
  const job = await importCsv(c.bureau!, ids.final!, items, 'item');
  expect(job.status, JSON.stringify(job.errors)).toBe('committed');

  const students = (await c.teacherB!.get('/api/v1/quality/students?search=B1')).json().items as {
    id: number;
    studentKey: string;
  }[];
  expect(students.map((s) => s.studentKey)).toEqual(['B1']);
  ids.student = students[0]!.id;
});
afterAll(async () => {
  await t?.close();
});

async function workbook(client: Client, url: string) {
  const res = await client.get(url);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  expect(res.headers['content-type']).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return wb;
}
/** Rows of a sheet as arrays of cell values (header first). */
const rowsOf = (wb: ExcelJS.Workbook, name: string) => {
  const ws = wb.getWorksheet(name);
  expect(ws, `sheet ${name} in ${wb.worksheets.map((w) => w.name).join(', ')}`).toBeDefined();
  return ws!
    .getSheetValues()
    .slice(1)
    .map((r) => (r as unknown[]).slice(1));
};

describe('the student report', () => {
  it('gives the own school the scores over time, class and overall means, and weak points with the overall rate', async () => {
    const res = await c.teacherB!.get(`/api/v1/quality/students/${ids.student}/report`);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as StudentReport;
    expect(r.student).toMatchObject({
      studentKey: 'B1',
      name: '赵小明',
      idNumberMasked: '330481********1234',
      className: '1班',
    });
    expect(r.scores.map((s) => [s.examName, s.subject, s.score, s.classMean, s.regionMean])).toEqual([
      ['六年级期中', 'math', 45, 50, 58],
      ['六年级期末', 'chinese', 3, 6, 6],
      ['六年级期末', 'math', 52.5, 57.5, 66.5],
    ]);
    expect(r.weakPoints.map((w) => [w.tag, w.rate, w.regionRate, w.items])).toEqual([
      ['拼音', 0.3, 0.6, 2],
      ['阅读理解', 0.3333, 0.6111, 1],
    ]);
    expect(res.body).not.toContain(ID_NUMBER);
  });

  it('as a PDF holds the scores, the means and the weak points, with the ID number masked', async () => {
    const res = await c.teacherB!.get(`/api/v1/quality/students/${ids.student}/report.pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(res.rawPayload);
    expect(text).toContain('赵小明（B1） 学生学情报告');
    // the table rows: date, exam, subject, score, full mark, class mean, mean of everyone
    const flat = text.replace(/\s+/g, ' ');
    for (const row of [
      '2025-11-10 六年级期中 数学 45 100 50.00 58.00',
      '2026-01-20 六年级期末 语文 3 10 6.00 6.00',
      '2026-01-20 六年级期末 数学 52.5 100 57.50 66.50',
      '拼音 30.0% 60.0% 2',
      '阅读理解 33.3% 61.1% 1',
    ])
      expect(flat, row).toContain(row);
    expect(flat).toContain(
      '最近一次 52.5 分（满分 100），比班级平均低 5.0 分；得分率从 45.0%（2025-11-10）到 52.5%（2026-01-20）',
    );
    expect(text).toContain('330481********1234');
    expect(text).not.toContain(ID_NUMBER);
    // the other students of the class are not in it
    for (const name of NAMES.filter((n) => n !== '赵小明')) expect(text).not.toContain(name);
  });

  it('a bureau user gets neither the report nor the PDF, and no name in the answer', async () => {
    for (const url of [
      `/api/v1/quality/students/${ids.student}/report`,
      `/api/v1/quality/students/${ids.student}/report.pdf`,
    ]) {
      const res = await c.bureau!.get(url);
      expect(res.statusCode, url).toBe(403);
      expect(res.headers['content-type']).toContain('json');
      for (const name of NAMES) expect(res.body).not.toContain(name);
      expect(res.body).not.toContain('3304812014');
    }
  });

  it("another school's user gets 403, an unknown student 404", async () => {
    for (const suffix of ['report', 'report.pdf']) {
      const res = await c.principalA!.get(`/api/v1/quality/students/${ids.student}/${suffix}`);
      expect(res.statusCode, suffix).toBe(403);
      expect(res.body).not.toContain('赵小明');
      expect((await c.teacherB!.get(`/api/v1/quality/students/999999/${suffix}`)).statusCode, suffix).toBe(404);
    }
  });
});

describe('the gaps workbook', () => {
  const query = () => `subject=math&examIds=${ids.final},${ids.midterm}`;

  it('holds the same figures as the gaps endpoint, a sheet per table', async () => {
    const json = (await c.bureau!.get(`/api/v1/quality/gaps?${query()}`)).json() as GapsResponse;
    expect(json.exams.map((e) => e.ruralUrban.meanGap)).toEqual([70 - 50, 80 - 57.5]);
    const wb = await workbook(c.bureau!, `/api/v1/quality/gaps/export.xlsx?${query()}`);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['各次考试差距', '各教共体差距', '差距变化']);

    const [head, ...rows] = rowsOf(wb, '各次考试差距');
    expect(rows).toHaveLength(2);
    const col = (name: string) => {
      const i = head!.indexOf(name);
      expect(i, name).toBeGreaterThanOrEqual(0);
      return i;
    };
    json.exams.forEach((e, k) => {
      const row = rows[k]!;
      expect(row[col('考试日期')]).toBe(e.examDate);
      expect(row[col('考试')]).toBe(e.name);
      expect(row[col('城区人数')]).toBe(e.ruralUrban.reference.n);
      expect(row[col('城区平均分')]).toBe(e.ruralUrban.reference.mean);
      expect(row[col('乡村人数')]).toBe(e.ruralUrban.focal.n);
      expect(row[col('乡村平均分')]).toBe(e.ruralUrban.focal.mean);
      expect(row[col('城乡均分差')]).toBe(e.ruralUrban.meanGap);
      expect(row[col('城乡及格率差(百分点)')]).toBeCloseTo(e.ruralUrban.passGap! * 100, 6);
      expect(row[col('核心−成员均分差')]).toBe(e.memberCore.meanGap);
      expect(row[col('核心−成员低分率差(百分点)')]).toBeCloseTo(e.memberCore.lowGap! * 100, 6);
    });
    // midterm: urban 70 vs rural 50, pass 100% vs 1/3
    expect(rows[0]!.slice(col('城区人数'), col('城乡均分差') + 2)).toEqual([2, 70, 100, 3, 50, 33.33, 20, 66.67]);

    const community = rowsOf(wb, '各教共体差距');
    expect(community.slice(1).map((r) => [r[0], r[3], r[6], r[9]])).toEqual(
      json.exams.map((e) => [
        e.examDate,
        e.communities[0]!.gap.reference.n,
        e.communities[0]!.gap.focal.n,
        e.communities[0]!.gap.meanGap,
      ]),
    );

    const change = rowsOf(wb, '差距变化');
    expect(change.slice(1).map((r) => r.slice(1, 3))).toEqual([
      [json.change!.ruralUrban.meanGap, Math.round(json.change!.ruralUrban.passGap! * 10000) / 100],
      [json.change!.memberCore.meanGap, Math.round(json.change!.memberCore.passGap! * 10000) / 100],
    ]);
    expect(json.change!.ruralUrban.meanGap).toBe(2.5);
  });

  it('speaks English when asked, and keeps the scope and validation of the endpoint', async () => {
    const wb = await workbook(c.bureau!, `/api/v1/quality/gaps/export.xlsx?${query()}&lang=en`);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Gaps by exam', 'Gaps by community', 'Change']);
    expect(rowsOf(wb, 'Gaps by exam')[0]!.slice(0, 5)).toEqual([
      'Exam date',
      'Exam',
      'Grade',
      'Full mark',
      'Urban students',
    ]);
    expect((await c.tongxiang!.get(`/api/v1/quality/gaps/export.xlsx?${query()}`)).statusCode).toBe(403);
    expect((await c.bureau!.get('/api/v1/quality/gaps/export.xlsx?subject=math&examIds=')).statusCode).toBe(422);
    expect(
      (await c.bureau!.get(`/api/v1/quality/gaps/export.xlsx?subject=physics&examIds=${ids.final}`)).statusCode,
    ).toBe(422);
  });
});

describe('the class report workbook', () => {
  const report = async (client: Client, subject: string) => {
    const res = await client.get(`/api/v1/quality/exams/${ids.final}/classes/${ids.classB}/report?subject=${subject}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as ClassReport;
  };
  const url = (subject: string, extra = '') =>
    `/api/v1/quality/exams/${ids.final}/classes/${ids.classB}/report.xlsx?subject=${subject}${extra}`;

  it('has the comparison, items, weak points and low-score students of the JSON report', async () => {
    const r = await report(c.teacherB!, 'chinese');
    expect(r.hasItems).toBe(true);
    const wb = await workbook(c.teacherB!, url('chinese'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['比较', '小题分析', '薄弱知识点', '低分学生']);

    const comparison = rowsOf(wb, '比较');
    expect(comparison[0]!.slice(0, 3)).toEqual(['范围', '人数', '平均分']);
    expect(comparison.slice(1).map((row) => row.slice(1, 3))).toEqual([
      [r.stats.n, r.stats.mean],
      ...r.comparison.map((x) => [x.n, x.mean]),
    ]);
    expect(comparison[1]![0]).toBe('本班（1班）');
    expect(comparison[1]!.slice(1, 3)).toEqual([3, 6]);

    const items = rowsOf(wb, '小题分析');
    expect(items.slice(1).map((row) => row.slice(0, 6))).toEqual(
      r.items.map((i) => [i.itemNo, i.fullMark, i.n, i.difficulty, i.regionDifficulty, i.discrimination]),
    );
    expect(items.slice(1).map((row) => row[3])).toEqual([0.5833, 0.6111]); // (1 + 4 + 2) / 12, (2 + 6 + 3) / 18

    const weak = rowsOf(wb, '薄弱知识点');
    expect(weak.slice(1)).toEqual(
      r.weakPoints.map((w) => [
        w.tag,
        Math.round(w.rate * 10000) / 100,
        w.regionRate === null ? null : Math.round(w.regionRate * 10000) / 100,
        w.items,
      ]),
    );
    expect(weak.slice(1).map((row) => row.slice(0, 2))).toEqual([
      ['拼音', 60],
      ['阅读理解', 61.11],
    ]);

    const low = rowsOf(wb, '低分学生');
    expect(low).toEqual([
      ['学生编号', '姓名', '成绩', '班内名次'],
      ...r.lowStudents!.map((s) => [s.studentKey, s.name, s.score, s.rank]),
    ]);
    expect(low[1]).toEqual(['B1', '赵小明', 3, 3]);
  });

  it('gives a bureau user the count of low-score students, never their names', async () => {
    const r = await report(c.bureau!, 'math');
    expect(r.lowStudents).toBeNull();
    const res = await c.bureau!.get(url('math'));
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['比较', '低分学生']); // no item scores in math
    expect(rowsOf(wb, '低分学生')).toEqual([
      ['说明'],
      [`共 ${r.lowStudentCount} 名学生低于低分线 40 分（学生名单仅本校可见）`],
    ]);
    const all = JSON.stringify(wb.worksheets.map((w) => w.getSheetValues()));
    for (const name of NAMES) expect(all).not.toContain(name);
    expect(r.lowStudentCount).toBe(1);
  });

  it('speaks English when asked and refuses a class out of scope', async () => {
    const wb = await workbook(c.teacherB!, url('chinese', '&lang=en'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Comparison', 'Items', 'Weak points', 'Low-score students']);
    expect(rowsOf(wb, 'Comparison')[1]![0]).toBe('This class (1班)');
    expect((await c.principalA!.get(url('chinese'))).statusCode).toBe(403);
    expect((await c.tongxiang!.get(url('math'))).statusCode).toBe(403);
  });
});
