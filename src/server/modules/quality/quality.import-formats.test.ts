import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchool, buildUser, HAINING, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, type TestApp } from '../../test/harness.js';
import type { Actor, Caller } from '../../http/actor.js';
import type { ImportLevel, ImportRowError } from '../../../shared/quality.schemas.js';
import { QualityImportService } from './import.service.js';
import { mathExam } from './quality.fixtures.js';

/**
 * A CSV and an xlsx are read by different readers (and padded cells, quotes, a ragged row or a
 * GB18030 file reach the rules differently), then go through the same rules. Both must find the
 * same problems and say them in the same words: the same rows go through both and the error lists
 * are compared whole.
 */
let t: TestApp;
let examId: number;
let bureau: Actor;
let principal: Actor;

beforeAll(async () => {
  t = await createTestApp();
  const db = t.ctx.db;
  const a = await buildSchool(db, { code: 'PA' });
  const b = await buildSchool(db, { code: 'PB', location_class: 'rural' });
  await buildSchool(db, { code: 'PO' });
  const bureauUser = await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING });
  const principalUser = await buildUser(db, 'school_admin', { kind: 'school', id: a.id });
  const client = await login(t.app, bureauUser.username, USER_PASSWORD);
  for (const s of [a, b])
    for (const name of ['1班', '2班'])
      await client.post('/api/v1/quality/classes', { schoolId: s.id, schoolYear: 2025, grade: 6, name });
  const res = await client.post(
    '/api/v1/quality/exams',
    mathExam([a.id, b.id], {
      subjects: [
        { subject: 'math', fullMark: 100, passLine: 60, excellentLine: 85, lowLine: 40, items: [] },
        {
          subject: 'chinese',
          fullMark: 10.5,
          passLine: 6,
          excellentLine: 8.5,
          lowLine: 4,
          items: [
            { itemNo: '1', fullMark: 4.5, knowledgePoints: ['拼音'] },
            { itemNo: '2', fullMark: 6, knowledgePoints: ['阅读'] },
          ],
        },
      ],
    }),
  );
  expect(res.statusCode, res.body).toBe(201);
  examId = res.json().id;
  const actor = (u: { id: number; username: string; role: Actor['role']; scope: Actor['scope'] }): Actor => ({
    userId: u.id,
    username: u.username,
    displayName: u.username,
    role: u.role,
    scope: u.scope,
    teacherId: null,
  });
  bureau = actor({ ...bureauUser, role: 'bureau_admin', scope: { kind: 'region', id: HAINING } });
  principal = actor({ ...principalUser, role: 'school_admin', scope: { kind: 'school', id: String(a.id) } });
});
afterAll(async () => {
  await t.close();
});

const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const toCsv = (rows: string[][]) => rows.map((r) => r.map(q).join(',')).join('\r\n') + '\r\n';
async function toXlsx(rows: string[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('成绩');
  for (const r of rows) ws.addRow(r.map((v) => (v === '' ? null : v)));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Uploads and checks through the service; returns every error. */
async function check(actor: Actor, fileName: string, content: string | Buffer, level: ImportLevel) {
  const service = new QualityImportService(t.ctx.dbh, t.ctx.storage);
  const caller: Caller = { actor, requestId: 'formats', ip: '127.0.0.1' };
  const job = await service.upload(
    caller,
    examId,
    level,
    fileName,
    Readable.from([typeof content === 'string' ? Buffer.from(content) : content]),
    undefined,
    { queue: false },
  );
  const checked = await service.check(actor, job.id);
  const all = await service.errors(actor, job.id, { page: 1, pageSize: 1000 });
  await service.discard(caller, job.id);
  return { job: checked, errors: all.items };
}

const sorted = (e: ImportRowError[]) =>
  [...e].sort((x, y) => x.row - y.row || x.column.localeCompare(y.column) || x.code.localeCompare(y.code));

const HEADER = ['学校代码', '班级', '学生编号', '姓名', '身份证号', '科目', '成绩'];
const STUDENT_ROWS: string[][] = [
  HEADER,
  ['PA', '1班', 'K1', '张三', '', '数学', '90'], // fine
  ['NOPE', '1班', 'K2', '', '', '数学', '90'], // unknown school
  ['PO', '1班', 'K3', '', '', '数学', '90'], // did not sit
  ['PA', '9班', 'K4', '', '', '数学', '90'], // unknown class
  ['PA', '1班', 'K5', '', '', '数学', '100.5'], // above full mark
  ['PA', '1班', 'K6', '', '', '数学', '-1'], // negative
  ['PA', '1班', 'K7', '', '', '物理', '50'], // unknown subject
  ['PA', '1班', 'K8', '', '', '数学', ''], // empty score
  ['PA', '1班', 'K 9', '', '', '数学', '60'], // invalid key
  ['PA', '1班', 'K10', '欧阳'.repeat(21), '', '数学', '60'], // name of 42 characters
  ['PA', '1班', 'K11', '', '12345', '数学', '60'], // bad ID number
  ['PA', '1班', 'K12', '', '', '数学', 'abc'], // not a number
  ['PA', '1班', 'K13', '', '', '数学', '87.555'], // three decimals
  ['  PA\u3000', ' 2班 ', ' K14 ', '', '11010519491231002X', ' MATH ', '+095.50'], // padded, upper case, signed: fine
  ['', '', '', '', '', '', ''], // an empty row is skipped
  ['', '', 'K15', '', '', '', ''], // school, class, subject, score all missing
  ['PB', '1班', 'K16', '', '', 'chinese', '10.75'], // above the fractional full mark 10.5
  ['PA', '1班', 'K1', '', '', 'math', '80'], // duplicate of row 2 (found set-based)
  ['PA', '2班', 'K1', '', '', '语文', '8'], // the same student in another class
  ['PA', '1班', 'K17', '"引号"', '', '数学', '70'], // quotes inside a cell: fine
];

describe('csv and xlsx', () => {
  it('report the same problems of a student-level file in the same words', async () => {
    const csv = await check(bureau, 'scores.csv', toCsv(STUDENT_ROWS), 'student');
    const xlsx = await check(bureau, 'scores.xlsx', await toXlsx(STUDENT_ROWS), 'student');
    expect(csv.job.status).toBe('invalid');
    expect(csv.job.rowsTotal).toBe(STUDENT_ROWS.length - 2); // header and the empty row
    expect(xlsx.job.rowsTotal).toBe(csv.job.rowsTotal);
    expect(sorted(csv.errors)).toEqual(sorted(xlsx.errors));
    const byRow = (row: number) =>
      csv.errors
        .filter((e) => e.row === row)
        .map((e) => e.code)
        .sort();
    expect(byRow(3)).toEqual(['unknown_school']);
    expect(byRow(6)).toEqual(['above_full_mark']);
    expect(byRow(11)).toEqual(['too_long']);
    expect(byRow(15)).toEqual([]);
    expect(byRow(17)).toEqual(['required', 'required', 'required', 'required']);
    expect(csv.errors.find((e) => e.row === 18)).toMatchObject({
      message: '成绩 10.75 超过满分 10.5',
      messageEn: 'Score 10.75 is above the full mark 10.5',
    });
    expect(csv.errors.find((e) => e.row === 5)).toMatchObject({ message: '学校“PA”没有班级“9班”（本学年本年级）' });
    expect(byRow(21)).toEqual([]);
  });

  it('report the same problems of an item-level file', async () => {
    const rows = [
      ['学校代码', '班级', '学生编号', '科目', '题号', '成绩'],
      ['PA', '1班', 'I1', '语文', '1', '4.5'], // fine: at the item's full mark
      ['PA', '1班', 'I2', '语文', '1', '4.75'], // above the item's full mark
      ['PA', '1班', 'I3', '语文', '9', '1'], // unknown item
      ['PA', '1班', 'I4', '语文', '', '1'], // item missing
      ['PA', '1班', 'I5', '历史', '1', '1'], // unknown subject (no item check then)
      ['PA', '1班', 'I1', '语文', '1', '2'], // duplicate student, subject and item
    ];
    const csv = await check(bureau, 'items.csv', toCsv(rows), 'item');
    const xlsx = await check(bureau, 'items.xlsx', await toXlsx(rows), 'item');
    expect(sorted(csv.errors)).toEqual(sorted(xlsx.errors));
    expect(csv.errors.map((e) => [e.row, e.code]).sort()).toEqual(
      [
        [3, 'above_full_mark'],
        [4, 'unknown_item'],
        [5, 'required'],
        [6, 'unknown_subject'],
        [7, 'duplicate'],
      ].sort(),
    );
  });

  it('name a school the caller may not import the same way', async () => {
    const rows = [HEADER, ['PA', '1班', 'S1', '', '', '数学', '90'], ['PB', '1班', 'S2', '', '', '数学', '90']];
    const csv = await check(principal, 's.csv', toCsv(rows), 'student');
    const xlsx = await check(principal, 's.xlsx', await toXlsx(rows), 'student');
    expect(csv.errors).toEqual([
      expect.objectContaining({ row: 3, code: 'school_out_of_scope', message: '无权导入学校“PB”的成绩' }),
    ]);
    expect(sorted(csv.errors)).toEqual(sorted(xlsx.errors));
  });

  it('a CSV with a short row and a blank line: each row is still named', async () => {
    const ragged =
      toCsv(STUDENT_ROWS.slice(0, 4)) + 'PA,1班\r\n\r\n' + toCsv([['PA', '1班', 'R1', '', '', '数学', '200']]);
    const r = await check(bureau, 'ragged.csv', ragged, 'student');
    expect(r.errors.map((e) => [e.row, e.code]).sort()).toEqual(
      [
        [3, 'unknown_school'],
        [4, 'school_not_in_exam'],
        [5, 'required'],
        [5, 'required'],
        [5, 'required'],
        [7, 'above_full_mark'],
      ].sort(),
    );
  });

  it('reads a GB18030 file (Excel on Chinese Windows)', async () => {
    const utf8 = toCsv([HEADER, ['PA', '1班', 'G1', '', '', '数学', '88'], ['PA', '1班', 'G2', '', '', '地理', '88']]);
    const gbk = encodeGb18030(utf8);
    expect(gbk.length).toBeLessThan(Buffer.byteLength(utf8)); // two bytes a character, not three
    const r = await check(bureau, 'gb.csv', gbk, 'student');
    expect(r.errors).toEqual([expect.objectContaining({ row: 3, message: '本次考试没有科目“地理”' })]);
  });
});

/** GB18030 bytes for the text: Node ships a decoder only, so invert it over the two-byte range. */
function encodeGb18030(text: string): Buffer {
  const decoder = new TextDecoder('gb18030');
  const bytes = new Map<string, number[]>();
  for (let hi = 0x81; hi <= 0xfe; hi++)
    for (let lo = 0x40; lo <= 0xfe; lo++) if (lo !== 0x7f) bytes.set(decoder.decode(Uint8Array.of(hi, lo)), [hi, lo]);
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const b = code < 0x80 ? [code] : bytes.get(ch);
    if (!b) throw new Error(`no GB18030 bytes for ${ch}`);
    out.push(...b);
  }
  return Buffer.from(out);
}
