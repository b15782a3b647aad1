import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsvRows } from '../io/csv-reader.js';
import { gapChange, gapOf } from './gap.engine.js';
import {
  checkScoreRow,
  compileScoreRowCheck,
  HeaderError,
  mapScoreHeader,
  parseScore,
  type ImportLookups,
} from './import.rules.js';
import { maskIdNumber, qualityPolicy } from './quality.policy.js';
import type { Actor } from '../../http/actor.js';
import { distributionBands, itemAnalysis, knowledgePointRates } from './report.engine.js';

async function csv(chunks: (string | Buffer)[]) {
  const out: (string | null)[][] = [];
  for await (const r of readCsvRows(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)))))
    out.push(r.cells as (string | null)[]);
  return out;
}

describe('csv reader', () => {
  it.each([
    [
      'plain',
      ['a,b\n1,2\n'],
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'CRLF and BOM',
      ['\uFEFFa,b\r\n1,2\r\n'],
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'no final newline',
      ['a,b\n1,'],
      [
        ['a', 'b'],
        ['1', null],
      ],
    ],
    ['quotes, commas and newlines inside', ['x,"a, ""b""\nc"\n'], [['x', 'a, "b"\nc']]],
    ['an escaped quote split across chunks', ['x,"a"', '"b"\n'], [['x', 'a"b']]],
    ['a closing quote at a chunk end', ['x,"ab"', ',c\n'], [['x', 'ab', 'c']]],
    [
      'chunks splitting a row',
      ['学校代码,成', '绩\n33,9', '9\n'],
      [
        ['学校代码', '成绩'],
        ['33', '99'],
      ],
    ],
    [
      'quoted and plain lines mixed across chunks',
      ['a,b\n"x,y",2\n3,', '4\n'],
      [
        ['a', 'b'],
        ['x,y', '2'],
        ['3', '4'],
      ],
    ],
    ['a blank line in between', ['a\n\nb\n'], [['a'], [null], ['b']]],
    [
      'padded cells in a later chunk only',
      ['a,b\n1,2\n', ' 3\u3000,\u00a04\t\n5, \n'],
      [
        ['a', 'b'],
        ['1', '2'],
        ['3', '4'],
        ['5', null],
      ],
    ],
  ])('%s', async (_name, chunks, expected) => {
    expect(await csv(chunks)).toEqual(expected);
  });

  it('reads GB18030 (Excel on Chinese Windows)', async () => {
    const gbk = Buffer.from([0xb3, 0xc9, 0xbc, 0xa8, 0x2c, 0x61, 0x0a]); // "成绩,a\n" in GBK
    expect(await csv([gbk])).toEqual([['成绩', 'a']]);
  });
});

describe('score row rules', () => {
  const lk: ImportLookups = {
    schools: new Map([
      ['S1', { id: 1, sat: true, allowed: true }],
      ['S2', { id: 2, sat: true, allowed: false }],
      ['S3', { id: 3, sat: false, allowed: false }],
    ]),
    classes: new Map([['1|1班', 11]]),
    subjects: new Map([
      ['math', { id: 5, fullMark: 100 }],
      ['数学', { id: 5, fullMark: 100 }],
    ]),
    items: new Map([['5|1', { id: 51, fullMark: 4 }]]),
  };
  const header = ['学校代码', '班级', '学生编号', '姓名', '身份证号', '科目', '题号', '成绩'];
  const map = mapScoreHeader(header, 'item');
  const row = (o: Partial<Record<string, string | number | null>>) => {
    const base: Record<string, string | number | null> = {
      s: 'S1',
      c: '1班',
      k: 'K1',
      n: '张三',
      id: null,
      sub: '数学',
      i: null,
      score: 88,
    };
    const v = { ...base, ...o };
    return [v.s, v.c, v.k, v.n, v.id, v.sub, v.i, v.score] as (string | number | null)[];
  };

  it('accepts a good row and maps it to ids', () => {
    expect(checkScoreRow(row({}), map, 'student', lk).record).toEqual({
      schoolId: 1,
      classId: 11,
      studentKey: 'K1',
      studentName: '张三',
      idNumber: null,
      subjectId: 5,
      itemId: null,
      score: 88,
    });
  });

  it.each([
    ['unknown school', { s: 'S9' }, 'unknown_school'],
    ['school that did not sit', { s: 'S3' }, 'school_not_in_exam'],
    ['school outside the actor scope', { s: 'S2' }, 'school_out_of_scope'],
    ['unknown class', { c: '9班' }, 'unknown_class'],
    ['unknown subject', { sub: '物理' }, 'unknown_subject'],
    ['above full mark', { score: 100.5 }, 'above_full_mark'],
    ['negative', { score: -1 }, 'negative_score'],
    ['text score', { score: '八十' }, 'invalid_score'],
    ['three decimals', { score: '80.125' }, 'invalid_score'],
    ['empty score', { score: null }, 'required'],
    ['bad key', { k: '张三' }, 'invalid_key'],
    ['bad id number', { id: '12345' }, 'invalid_id'],
  ])('reports %s', (_n, o, code) => {
    const r = checkScoreRow(row(o), map, 'student', lk);
    expect(r.record).toBeUndefined();
    expect(r.issues.map((i) => i.code)).toContain(code);
    expect(r.issues[0]!.zh.length).toBeGreaterThan(0);
  });

  it('full mark exactly is fine; item rows are checked against the item full mark', () => {
    expect(checkScoreRow(row({ score: 100 }), map, 'student', lk).record?.score).toBe(100);
    expect(checkScoreRow(row({ i: '1', score: 4 }), map, 'item', lk).record?.itemId).toBe(51);
    expect(checkScoreRow(row({ i: '1', score: 5 }), map, 'item', lk).issues.map((i) => i.code)).toEqual([
      'above_full_mark',
    ]);
    expect(checkScoreRow(row({ i: '9', score: 1 }), map, 'item', lk).issues.map((i) => i.code)).toEqual([
      'unknown_item',
    ]);
  });

  it('header problems are file-level errors', () => {
    expect(() => mapScoreHeader(['学校代码', '班级'], 'student')).toThrow(HeaderError);
    expect(() => mapScoreHeader([...header, '成绩'], 'student')).toThrow(/twice/);
    expect(() =>
      mapScoreHeader(
        header.filter((h) => h !== '题号'),
        'item',
      ),
    ).toThrow(/Item/);
    expect(mapScoreHeader(['*学校代码', 'Class', 'student key', 'Subject', '分数（满分100）'], 'student')).toEqual({
      schoolCode: 0,
      className: 1,
      studentKey: 2,
      subject: 3,
      score: 4,
    });
  });

  it('the compiled check accepts exactly the rows checkScoreRow finds no problem in, with the same record', () => {
    // every combination of a good and a bad value per column (3^8 rows per level), plus odd cells
    const choices: Record<string, (string | number | null)[]> = {
      s: ['S1', 'S2', 'S3', 'S9', null],
      c: ['1班', '9班', null],
      k: ['K1', 'K 1', 'k'.repeat(41), null],
      n: ['张三', '欧阳'.repeat(21), null],
      id: [null, '11010519491231002X', '12345'],
      sub: ['数学', 'MATH', '物理', null],
      i: ['1', '9', null],
      score: [88, '4', 4.5, 100, 100.01, -1, 'x', null, '1.005', new Date(0) as never],
    };
    const keys = Object.keys(choices);
    let rows: Record<string, string | number | null>[] = [{}];
    for (const k of keys) rows = rows.flatMap((r) => choices[k]!.map((v) => ({ ...r, [k]: v })));
    let accepted = 0;
    for (const level of ['student', 'item'] as const) {
      const accept = compileScoreRowCheck(map, level, lk);
      for (const r of rows) {
        const cells = row(r);
        const full = checkScoreRow(cells, map, level, lk);
        const fast = accept(cells);
        expect(fast, JSON.stringify({ level, r, issues: full.issues.map((i) => i.code) })).toEqual(
          full.issues.length ? null : full.record,
        );
        if (fast) accepted += 1;
      }
    }
    expect(accepted).toBeGreaterThan(100); // the grid holds good rows too, so both verdicts were compared
  });

  it.each([
    [87.5, 87.5],
    ['60', 60],
    ['0', 0],
    [null, null],
    ['abc', 'invalid'],
    [Infinity, 'invalid'],
  ])('parseScore(%s)', (v, expected) => {
    expect(parseScore(v as never)).toBe(expected);
  });
});

describe('masking ID numbers', () => {
  it.each([
    ['330481201001011234', '330481********1234'],
    ['33048120100101123X', '330481********123X'],
    ['1234567', '***4567'],
    [null, null],
  ])('%s → %s', (id, masked) => expect(maskIdNumber(id)).toBe(masked));
});

describe('gap arithmetic', () => {
  it('reference − focal, and later − earlier (Enshi: the mean gap narrowed by 2.09)', () => {
    const g1 = gapOf(
      { n: 100, mean: 85.5, passRate: 0.95, excellentRate: 0.4, lowRate: 0.01 },
      { n: 80, mean: 78.2, passRate: 0.85, excellentRate: 0.2, lowRate: 0.05 },
    );
    expect(g1.meanGap).toBeCloseTo(7.3, 10);
    expect(g1.passGap).toBeCloseTo(0.1, 10);
    expect(g1.lowGap).toBeCloseTo(-0.04, 10);
    const g2 = gapOf(
      { n: 100, mean: 86, passRate: 0.95, excellentRate: 0.42, lowRate: 0.01 },
      { n: 82, mean: 80.79, passRate: 0.8932, excellentRate: 0.25, lowRate: 0.03 },
    );
    const change = gapChange(g1, g2);
    expect(change.meanGap).toBeCloseTo(-2.09, 10);
    expect(change.passGap).toBeCloseTo(-0.0432, 10);
  });
  it('a missing group gives no gap rather than a wrong one', () => {
    expect(
      gapOf(
        { n: 0, mean: null, passRate: null, excellentRate: null, lowRate: null },
        { n: 3, mean: 50, passRate: 0, excellentRate: 0, lowRate: 0 },
      ).meanGap,
    ).toBeNull();
  });
});

describe('item analysis', () => {
  const items = [
    { id: 1, itemNo: '1', fullMark: 4, knowledgePoints: ['分数'] },
    { id: 2, itemNo: '2', fullMark: 6, knowledgePoints: ['分数', '方程'] },
  ];
  // totals rank the students 1 > 2 > 3 > 4; with 4 students the 27% groups hold one student each
  const s = (id: number, a: number, b: number) => ({
    studentId: id,
    total: a + b,
    scores: new Map([
      [1, a],
      [2, b],
    ]),
  });
  const students = [s(1, 4, 6), s(2, 4, 3), s(3, 2, 3), s(4, 0, 0)];

  it('difficulty is the score rate, discrimination the upper − lower score rate', () => {
    const [i1, i2] = itemAnalysis(items, students);
    expect(i1!.difficulty).toBeCloseTo(10 / 16, 10);
    expect(i2!.difficulty).toBeCloseTo(12 / 24, 10);
    expect(i1!.discrimination).toBeCloseTo(1, 10); // 4/4 − 0/4
    expect(i2!.discrimination).toBeCloseTo(1, 10); // 6/6 − 0/6
  });

  it('knowledge points, weakest first', () => {
    expect(knowledgePointRates(items, students)).toEqual([
      { tag: '方程', rate: 0.5, items: 1 },
      { tag: '分数', rate: 22 / 40, items: 2 },
    ]);
  });

  it('distribution bands put the full mark in the last band', () => {
    const d = distributionBands(100, [
      { band: 9, n: 2 },
      { band: 0, n: 1 },
    ]);
    expect(d).toHaveLength(10);
    expect(d[9]).toEqual({ from: 90, to: 100, n: 2 });
    expect(d[0]).toEqual({ from: 0, to: 10, n: 1 });
  });
});

describe('policy matrix', () => {
  const actor = (role: Actor['role'], kind: Actor['scope']['kind'], id: string): Actor => ({
    userId: 1,
    username: 'u',
    displayName: 'u',
    role,
    scope: { kind, id },
    teacherId: null,
  });
  const school = { id: 7, region_code: '330481' };
  const elsewhere = { id: 8, region_code: '330483' };
  it.each([
    [
      'bureau of the county',
      actor('bureau_admin', 'region', '330481'),
      { create: true, classes: true, students: false, imports: [7] },
    ],
    [
      'bureau of another county',
      actor('bureau_admin', 'region', '330483'),
      { create: false, classes: false, students: false, imports: [8] },
    ],
    [
      'principal of the school',
      actor('school_admin', 'school', '7'),
      { create: true, classes: true, students: true, imports: [7] },
    ],
    [
      'principal of another school',
      actor('school_admin', 'school', '8'),
      { create: false, classes: false, students: false, imports: [8] },
    ],
    [
      'teacher of the school',
      actor('teacher', 'school', '7'),
      { create: false, classes: false, students: true, imports: [] },
    ],
    [
      'community lead',
      actor('community_lead', 'community', '3'),
      { create: false, classes: false, students: false, imports: [] },
    ],
    ['viewer', actor('viewer', 'region', '330481'), { create: false, classes: false, students: false, imports: [] }],
  ])('%s', (_n, a, expected) => {
    expect(qualityPolicy.createExam(a, [school])).toBe(expected.create);
    expect(qualityPolicy.manageClasses(a, school)).toBe(expected.classes);
    expect(qualityPolicy.seeStudents(a, 7)).toBe(expected.students);
    expect([...qualityPolicy.importableSchools(a, [school, elsewhere])]).toEqual(expected.imports);
  });
  it('a school admin creates exams for their own school only', () => {
    expect(
      qualityPolicy.createExam(actor('school_admin', 'school', '7'), [school, { id: 9, region_code: '330481' }]),
    ).toBe(false);
  });
});
