import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchool, buildUser, HAINING } from '../../test/factories.js';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import type { Actor, Caller } from '../../http/actor.js';
import { QualityImportService } from '../quality/import.service.js';
import { mathExam } from '../quality/quality.fixtures.js';
import { readCsvBatches } from './csv-reader.js';
import { readRows, type SheetRow } from './spreadsheet-reader.js';

/**
 * One CSV reader serves every importer. The same content, saved in each encoding Excel and WPS
 * produce on Chinese Windows, must read as the same rows, and must import the same way through
 * every import kind (schools, teachers, annual statistics and scores).
 */

type Encoding = 'utf-8' | 'utf-8-bom' | 'gbk' | 'utf-16le' | 'utf-16be' | 'utf-16le-nobom';
const ENCODINGS: Encoding[] = ['utf-8', 'utf-8-bom', 'gbk', 'utf-16le', 'utf-16be', 'utf-16le-nobom'];

/** GBK bytes of a string made of ASCII and common Hanzi, built from a reverse table of the decoder. */
function gbk(text: string): Buffer {
  const decoder = new TextDecoder('gbk');
  const table = new Map<string, number[]>();
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    if (!table.size) {
      for (let hi = 0x81; hi <= 0xfe; hi++) {
        for (let lo = 0x40; lo <= 0xfe; lo++) {
          if (lo === 0x7f) continue;
          const c = decoder.decode(Uint8Array.of(hi, lo));
          if (c.length === 1 && !table.has(c)) table.set(c, [hi, lo]);
        }
      }
    }
    const bytes = table.get(ch);
    if (!bytes) throw new Error(`no GBK code for ${ch}`);
    out.push(...bytes);
  }
  return Buffer.from(out);
}

function encode(rows: string[][], encoding: Encoding): Buffer {
  // Excel's "Unicode text" is tab-separated; its CSV is comma-separated
  const sep = encoding.startsWith('utf-16') ? '\t' : ',';
  const text = rows.map((r) => r.join(sep)).join('\r\n') + '\r\n';
  switch (encoding) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-8-bom':
      return Buffer.from(`\uFEFF${text}`, 'utf8');
    case 'gbk':
      return gbk(text);
    case 'utf-16le':
      return Buffer.from(`\uFEFF${text}`, 'utf16le');
    case 'utf-16le-nobom':
      return Buffer.from(text, 'utf16le');
    case 'utf-16be':
      return Buffer.from(`\uFEFF${text}`, 'utf16le').swap16();
  }
}

/** Streams a buffer in pieces of `size` bytes, so characters and BOMs are cut across chunks. */
const pieces = (buf: Buffer, size: number) =>
  Readable.from(Array.from({ length: Math.ceil(buf.length / size) }, (_, i) => buf.subarray(i * size, (i + 1) * size)));

async function rowsOf(buf: Buffer, size: number): Promise<SheetRow[]> {
  const out: SheetRow[] = [];
  for await (const r of readRows(pieces(buf, size), 'csv')) out.push(r);
  return out;
}

describe('the csv reader', () => {
  const rows = [
    ['学校代码', '学校名称', '备注'],
    ['3304810101', '海宁市硖石小学', '城区·老校区'],
    ['3304810102', '海宁市袁花镇中心小学', ''],
  ];
  for (const encoding of ENCODINGS) {
    for (const size of [1, 3, 65536]) {
      it(`reads ${encoding} in chunks of ${size} bytes`, async () => {
        expect(await rowsOf(encode(rows, encoding), size)).toEqual([
          { row: 1, cells: ['学校代码', '学校名称', '备注'] },
          { row: 2, cells: ['3304810101', '海宁市硖石小学', '城区·老校区'] },
          { row: 3, cells: ['3304810102', '海宁市袁花镇中心小学', null] },
        ]);
      });
    }
  }

  it('keeps commas inside tab-separated cells and tabs inside quoted comma cells', async () => {
    const tsv = Buffer.from('\uFEFF姓名\t荣誉\r\n张三\t县骨干,市名师\r\n', 'utf16le');
    expect((await rowsOf(tsv, 7)).map((r) => r.cells)).toEqual([
      ['姓名', '荣誉'],
      ['张三', '县骨干,市名师'],
    ]);
    const csv = Buffer.from('姓名,荣誉\n张三,"县骨干\t市名师"\n');
    expect((await rowsOf(csv, 5)).map((r) => r.cells)).toEqual([
      ['姓名', '荣誉'],
      ['张三', '县骨干\t市名师'],
    ]);
  });
});

describe('the row limit of a csv', () => {
  it('refuses data past GONGJIN_IMPORT_MAX_ROWS naming the row; blank lines below do not count', async () => {
    const csv = Buffer.from(['学校代码,学生数', 'A,1', 'B,2', ',', '', 'C,3'].join('\n'));
    const read = async (max: number) => {
      const out: SheetRow[][] = [];
      for await (const b of readCsvBatches(pieces(csv, 4), max)) out.push(b);
      return out.flat();
    };
    await expect(read(3)).rejects.toMatchObject({
      zh: '第 6 行仍有数据：每个文件最多导入 3 行，请分成几个文件导入（或删除表格下方多余的内容）',
    });
    expect(await read(5)).toHaveLength(6);
    const blanksBelow = Buffer.from('学校代码,学生数\nA,1\n,\n,\n');
    const rows: SheetRow[] = [];
    for await (const b of readCsvBatches(pieces(blanksBelow, 3), 1)) rows.push(...b);
    expect(rows).toHaveLength(4);
  });
});

describe('every import kind reads the same file in every encoding', () => {
  let t: TestApp;
  let admin: Client;
  let examId: number;
  let bureau: Actor;
  beforeAll(async () => {
    t = await createTestApp({ worker: true });
    admin = await loginAdmin(t.app);
    const s = await buildSchool(t.ctx.db, { code: 'ENC01' });
    const user = await buildUser(t.ctx.db, 'bureau_admin', { kind: 'region', id: HAINING });
    bureau = {
      userId: user.id,
      username: user.username,
      displayName: user.username,
      role: 'bureau_admin',
      scope: { kind: 'region', id: HAINING },
      teacherId: null,
    };
    await admin.post('/api/v1/quality/classes', { schoolId: s.id, schoolYear: 2025, grade: 6, name: '1班' });
    const res = await admin.post('/api/v1/quality/exams', mathExam([s.id]));
    expect(res.statusCode, res.body).toBe(201);
    examId = res.json().id;
  });
  afterAll(async () => {
    await t.close();
  });

  async function upload(kind: string, fileName: string, content: Buffer) {
    const boundary = '----gongjin-enc';
    const payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return t.app.inject({
      method: 'POST',
      url: `/api/v1/imports?kind=${kind}`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: admin.cookie },
      payload,
    });
  }

  const registry: Record<string, (i: number) => string[][]> = {
    schools: (i) => [
      ['学校代码', '学校名称', '区县代码', '学段', '城乡类别'],
      [`ENCS${i}`, `海宁市编码测试第${i}小学`, HAINING, '小学', '城区'],
    ],
    teachers: (i) => [
      ['教师编号', '姓名', '性别', '学校代码', '任教学科'],
      [`TENC${i}`, '欧阳晓梅', '女', 'ENC01', '语文、数学'],
    ],
    'school-year-stats': (i) => [
      ['学校代码', '学年', '学生数', '班级数', '教师数'],
      ['ENC01', `${2010 + i}-${2011 + i}`, '270', '6', '18'],
    ],
  };

  ENCODINGS.forEach((encoding, i) => {
    const ext = encoding.startsWith('utf-16') ? 'txt' : 'csv';
    for (const [kind, rows] of Object.entries(registry)) {
      it(`${kind}: ${encoding} ${ext} is read and committed`, async () => {
        const res = await upload(kind, `导入.${ext}`, encode(rows(i), encoding));
        expect(res.statusCode, res.body).toBe(201);
        const job = res.json();
        expect(job).toMatchObject({ status: 'validated', totalRows: 1, errorCount: 0 });
        expect((await admin.post(`/api/v1/imports/${job.id}/commit`)).json()).toMatchObject({
          status: 'committed',
          result: { created: 1 },
        });
      });
    }
    it(`scores: ${encoding} ${ext} is read`, async () => {
      const service = new QualityImportService(t.ctx.dbh, t.ctx.storage);
      const caller: Caller = { actor: bureau, requestId: 'enc', ip: '127.0.0.1' };
      const rows = [
        ['学校代码', '班级', '学生编号', '姓名', '科目', '成绩'],
        ['ENC01', '1班', `E${i}`, '欧阳晓梅', '数学', '90'],
      ];
      const job = await service.upload(
        caller,
        examId,
        'student',
        `成绩.${ext}`,
        pieces(encode(rows, encoding), 5),
        undefined,
        { queue: false }, // checked here, not by the worker
      );
      const checked = await service.check(bureau, job.id);
      const errors = await service.errors(bureau, job.id, { page: 1, pageSize: 10 });
      expect(errors.items).toEqual([]);
      expect(checked).toMatchObject({ status: 'checked', rowsTotal: 1, errorCount: 0 });
      await service.discard(caller, job.id);
    });
  });

  it('the teacher stored from a GBK file has its Chinese name and subjects', async () => {
    const found = (await admin.get('/api/v1/teachers?search=欧阳晓梅')).json();
    expect(found.items.length).toBeGreaterThan(0);
    expect(found.items[0]).toMatchObject({ name: '欧阳晓梅', subjects: ['chinese', 'math'] });
  });
});
