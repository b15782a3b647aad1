import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchool, buildUser, HAINING, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';
import type { ClassReport, QualityJob } from '../../../shared/quality.schemas.js';
import { importCsv, mathExam, settle, upload } from './quality.fixtures.js';

/** Score imports: every bad row reported, nothing half-written, csv and xlsx, student and item level. */
let t: TestApp;
let bureau: Client;
let examId: number;
let schoolA: number;

const scoreCount = async (exam: number) =>
  Number(
    (await sql<{ n: number }>`select count(*)::int as n from quality_scores where exam_id = ${exam}`.execute(t.ctx.db))
      .rows[0]!.n,
  );

beforeAll(async () => {
  t = await createTestApp({ worker: true });
  const db = t.ctx.db;
  const a = await buildSchool(db, { code: 'IMA' });
  const b = await buildSchool(db, { code: 'IMB', location_class: 'rural' });
  await buildSchool(db, { code: 'IMO' });
  schoolA = a.id;
  bureau = await login(
    t.app,
    (await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING })).username,
    USER_PASSWORD,
  );
  for (const s of [a, b])
    for (const name of ['1班', '2班'])
      await bureau.post('/api/v1/quality/classes', { schoolId: s.id, schoolYear: 2025, grade: 6, name });
  const exam = mathExam([a.id, b.id], {
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
  });
  const res = await bureau.post('/api/v1/quality/exams', exam);
  expect(res.statusCode, res.body).toBe(201);
  examId = res.json().id;
});
afterAll(async () => {
  await t.close();
});

describe('bad input', () => {
  it('reports every bad row with its reason and commits nothing', async () => {
    const csv = [
      '学校代码,班级,学生编号,科目,成绩',
      'IMA,1班,K1,数学,90', // row 2 fine
      'NOPE,1班,K2,数学,90', // 3 unknown school
      'IMO,1班,K3,数学,90', // 4 did not sit
      'IMA,9班,K4,数学,90', // 5 unknown class
      'IMA,1班,K5,数学,100.5', // 6 above full mark
      'IMA,1班,K6,数学,-1', // 7 negative
      'IMA,1班,K1,math,80', // 8 duplicate of row 2
      'IMA,2班,K1,语文,8', // 9 same student in another class
      'IMA,1班,K7,物理,50', // 10 unknown subject
      'IMA,1班,K8,数学,', // 11 empty score
      '', // blank lines are skipped
      'IMA,1班,K9,数学,60', // 13 fine
    ].join('\n');
    const res = await upload(bureau, examId, 'bad.csv', csv);
    expect(res.statusCode).toBe(202);
    const job = await settle(bureau, res.json().id);
    expect(job.status).toBe('invalid');
    expect(job.rowsTotal).toBe(11);
    const byRow = Object.fromEntries(job.errors.map((e) => [e.row, e.code]));
    expect(byRow).toEqual({
      3: 'unknown_school',
      4: 'school_not_in_exam',
      5: 'unknown_class',
      6: 'above_full_mark',
      7: 'negative_score',
      8: 'duplicate',
      9: 'duplicate',
      10: 'unknown_subject',
      11: 'required',
    });
    expect(job.errors.find((e) => e.row === 8)!.message).toBe('与第 2 行重复（同一学生、同一科目）');
    expect(job.errors.find((e) => e.row === 6)!.message).toContain('超过满分 100');
    expect(job.errorCount).toBe(9);
    const commit = await bureau.post(`/api/v1/quality/imports/${job.id}/commit`);
    expect(commit.statusCode).toBe(422);
    expect(commit.json().message).toContain('9 行错误');
    expect(await scoreCount(examId)).toBe(0);
  });

  it('a long file with one bad row at the end: the row is named, nothing written', async () => {
    const lines = ['学校代码,班级,学生编号,科目,成绩'];
    for (let i = 0; i < 30000; i++) lines.push(`IMA,1班,L${i},数学,${i % 101}`);
    lines.push('IMA,1班,LAST,数学,101');
    const job = await importCsv(bureau, examId, lines.join('\n'));
    expect(job.status).toBe('invalid');
    expect(job.rowsTotal).toBe(30001);
    expect(job.errors).toEqual([expect.objectContaining({ row: 30002, code: 'above_full_mark' })]);
    expect(await scoreCount(examId)).toBe(0);
    // every error is reachable, page by page
    const page = await bureau.get(`/api/v1/quality/imports/${job.id}/errors?page=1&pageSize=10`);
    expect(page.json()).toMatchObject({ total: 1, items: [{ row: 30002 }] });
  });

  it('a file without the required columns, or not a spreadsheet, is refused as a whole', async () => {
    const job = await settle(bureau, (await upload(bureau, examId, 'h.csv', '学校,姓名\nIMA,张三\n')).json().id);
    expect(job.status).toBe('failed');
    expect(job.message).toContain('缺少必填列');
    const notXlsx = await upload(bureau, examId, 'fake.xlsx', 'not a workbook');
    expect(notXlsx.statusCode).toBe(415);
    expect((await upload(bureau, 999999, 'x.csv', 'a\n')).statusCode).toBe(404);
    const notMultipart = await bureau.app.inject({
      method: 'POST',
      url: `/api/v1/quality/exams/${examId}/imports`,
      headers: { cookie: bureau.cookie, 'content-type': 'application/json' },
      payload: {},
    });
    expect(notMultipart.statusCode).toBe(400);
  });
});

describe('good input', () => {
  let committed: QualityJob;
  it('commits a csv, and the same rows again are refused as already imported', async () => {
    const csv = `学校代码,班级,学生编号,科目,成绩\nIMA,1班,G1,数学,90\nIMB,1班,G2,数学,55\n`;
    committed = await importCsv(bureau, examId, csv);
    expect(committed.status).toBe('committed');
    expect(await scoreCount(examId)).toBe(2);
    const again = await importCsv(bureau, examId, csv);
    expect(again.status).toBe('invalid');
    expect(again.errors.map((e) => e.code)).toEqual(['already_imported', 'already_imported']);
    expect(await scoreCount(examId)).toBe(2);
    expect((await bureau.post(`/api/v1/quality/imports/${committed.id}/commit`)).statusCode).toBe(409);
  });

  it('tells the importer how each run ended, on the bell', async () => {
    // the worker notifies after it recorded the outcome: poll the bell, not a clock
    await expect
      .poll(async () => {
        const list = (await bureau.get('/api/v1/notifications?pageSize=50')).json() as {
          items: { kind: string; titleEn: string }[];
        };
        return list.items.filter((n) => n.kind === 'import_finished').map((n) => n.titleEn);
      })
      .toEqual(
        expect.arrayContaining(['Scores imported', 'Score sheet checked: ready to commit', 'Score sheet has bad rows']),
      );
  });

  it('reads xlsx', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('成绩');
    ws.addRow(['学校代码', '班级', '学生编号', '科目', '成绩']);
    ws.addRow(['IMB', '2班', 'X1', '数学', 77.5]);
    ws.addRow(['IMB', '2班', 'X2', 'math', 61]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await upload(bureau, examId, 'scores.xlsx', buf);
    const job = await settle(bureau, res.json().id);
    expect(job.status, JSON.stringify(job.errors)).toBe('checked');
    await bureau.post(`/api/v1/quality/imports/${job.id}/commit`);
    expect((await settle(bureau, job.id)).status).toBe('committed');
    expect(await scoreCount(examId)).toBe(4);
  });

  it('imports item scores, sums them into the subject score, and analyses the items', async () => {
    // Chinese: item 1 (4 points, 拼音), item 2 (6 points, 阅读理解 + 拼音). Four students of IMA 2班.
    const rows = [
      ['I1', 4, 6],
      ['I2', 4, 3],
      ['I3', 2, 3],
      ['I4', 0, 0],
    ];
    const csv = [
      '学校代码,班级,学生编号,科目,题号,成绩',
      ...rows.flatMap(([k, a, b]) => [`IMA,2班,${k},语文,1,${a}`, `IMA,2班,${k},语文,2,${b}`]),
    ].join('\n');
    const job = await importCsv(bureau, examId, csv, 'item');
    expect(job.status, JSON.stringify(job.errors)).toBe('committed');
    const classes = (await bureau.get(`/api/v1/quality/classes?schoolId=${schoolA}`)).json().items as {
      id: number;
      name: string;
    }[];
    const imaClass = classes.find((c) => c.name === '2班')!;
    const class1 = classes.find((c) => c.name === '1班')!;
    const res = await bureau.get(`/api/v1/quality/exams/${examId}/classes/${imaClass.id}/report?subject=chinese`);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as ClassReport;
    expect(r.stats).toMatchObject({ n: 4, mean: 5.5, passRate: 0.5, lowRate: 0.25 }); // totals 10, 7, 5, 0
    expect(r.hasItems).toBe(true);
    expect(r.items.map((i) => [i.itemNo, i.difficulty, i.discrimination])).toEqual([
      ['1', 0.625, 1],
      ['2', 0.5, 1],
    ]);
    expect(r.weakPoints.map((w) => [w.tag, w.rate])).toEqual([
      ['阅读理解', 0.5],
      ['拼音', 0.55],
    ]);
    // the math report of a class without item data has no item analysis
    const math = (
      await bureau.get(`/api/v1/quality/exams/${examId}/classes/${class1.id}/report?subject=math`)
    ).json() as ClassReport;
    expect(math.hasItems).toBe(false);
    expect(math.items).toEqual([]);
    expect(
      (await bureau.get(`/api/v1/quality/exams/${examId}/classes/${imaClass.id}/report?subject=math`)).statusCode,
    ).toBe(404);
  });
});
