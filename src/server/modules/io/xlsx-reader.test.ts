import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readRows, SpreadsheetError, type SheetRow } from './spreadsheet-reader.js';
import { importLimits, readXlsxRows, type XlsxLimits } from './xlsx-reader.js';
import { encryptedWorkbook, sheetXml, workbook, workbookParts, zerosDeflated, zip } from './xlsx-fixtures.js';

async function rows(buf: Buffer, limits?: XlsxLimits): Promise<SheetRow[]> {
  const out: SheetRow[] = [];
  for await (const r of limits ? readXlsxRows(buf, limits) : readRows(Readable.from([buf]), 'xlsx')) out.push(r);
  return out;
}
async function refusal(buf: Buffer, limits?: XlsxLimits): Promise<SpreadsheetError> {
  try {
    await rows(buf, limits);
  } catch (e) {
    if (e instanceof SpreadsheetError) return e;
    throw e;
  }
  throw new Error('the file was read');
}
const cells = (r: SheetRow[]) => r.map((x) => x.cells);

const TABLE = [
  ['学校代码', '学校名称'],
  ['3304810101', '硖石小学'],
];

describe('workbooks as LibreOffice and others write them', () => {
  it('reads a sheet part whose name is upper-case (xl/worksheets/Sheet1.xml)', async () => {
    const buf = workbook({ sheets: [{ name: '学校', part: 'worksheets/Sheet1.xml', xml: sheetXml(TABLE) }] });
    expect(cells(await rows(buf))).toEqual(TABLE);
    // and a zip entry whose case differs from the relationship target
    const odd = workbook({
      sheets: [{ name: '学校', xml: sheetXml(TABLE) }],
      entryNames: ['XL/Worksheets/SHEET1.XML'],
      upperWorkbook: true,
    });
    expect(cells(await rows(odd))).toEqual(TABLE);
  });

  it('joins rich-text runs, shared and inline, and leaves phonetic guides out', async () => {
    const buf = workbook({
      sharedStrings: [
        '<t>学校代码</t>',
        '<r><t>海宁市</t></r><r><rPr><b/></rPr><t>硖石</t></r><r><t>小学</t></r><rPh sb="0" eb="1"><t>xia</t></rPh>',
      ],
      sheets: [
        {
          name: '学校',
          xml: sheetXml([
            [{ s: 0 }, { rich: ['学校', '名称'] }],
            ['3304810101', { s: 1 }],
          ]),
        },
      ],
    });
    expect(cells(await rows(buf))).toEqual([
      ['学校代码', '学校名称'],
      ['3304810101', '海宁市硖石小学'],
    ]);
  });

  it('reads inline strings, shared formulas by their cached values, and files without styles', async () => {
    const xml = sheetXml([
      ['学生数', '班级数', '合计'],
      [120, 4, { f: 'A2+B2', v: 124, shared: { si: 0, ref: 'C2:C3' } }],
      [130, 5, { f: '', v: 135, shared: { si: 0 } }],
      [{ v: 45000, style: 1 }, 1, { f: 'A4&"班"', v: '45000班' }],
    ]);
    const withoutStyles = workbook({ styles: null, sheets: [{ name: 'S', xml }] });
    expect(cells(await rows(withoutStyles))).toEqual([
      ['学生数', '班级数', '合计'],
      [120, 4, 124],
      [130, 5, 135],
      [45000, 1, '45000班'],
    ]);
    // with LibreOffice's styles, style 1 (YYYY-MM-DD) makes the serial a date
    const withStyles = workbook({ sheets: [{ name: 'S', xml }] });
    expect((await rows(withStyles))[3]!.cells[0]).toEqual(new Date(Date.UTC(2023, 2, 15)));
  });

  it('ignores hidden sheets: the first visible sheet is imported', async () => {
    const buf = workbook({
      sheets: [
        {
          name: '字典',
          hidden: true,
          xml: sheetXml([
            ['男', '女'],
            ['小学', '初中'],
          ]),
        },
        { name: '学校', xml: sheetXml(TABLE) },
      ],
    });
    expect(cells(await rows(buf))).toEqual(TABLE);
  });

  it('still refuses a second visible sheet with data', async () => {
    const buf = workbook({
      sheets: [
        { name: '学校', xml: sheetXml(TABLE) },
        { name: '备注', xml: sheetXml([['这一页也有数据']]) },
      ],
    });
    expect((await refusal(buf)).zh).toContain('“备注”也有数据');
  });

  it('reads what ExcelJS writes, as before', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('教师');
    ws.addRow(['教师编号', '出生日期', '在职']);
    ws.addRow(['T1', new Date(Date.UTC(1985, 4, 6)), true]);
    expect(cells(await rows(Buffer.from(await wb.xlsx.writeBuffer())))).toEqual([
      ['教师编号', '出生日期', '在职'],
      ['T1', new Date(Date.UTC(1985, 4, 6)), true],
    ]);
  });
});

describe('cells and files the reader refuses, saying where and why', () => {
  it('an error cell (#REF!, #N/A) names its row, column and value', async () => {
    const buf = workbook({
      sheets: [
        {
          name: 'S',
          xml: sheetXml([
            ['学校代码', '学生数'],
            ['A1', 10],
            ['A2', { e: '#REF!' }],
          ]),
        },
      ],
    });
    const e = await refusal(buf);
    expect(e.zh).toBe('第 3 行 B 列（B3）是错误值 #REF!（公式出错）：请修正公式，或复制后“选择性粘贴为数值”再导入');
    expect(e.en).toContain('Row 3, column B (B3) holds the error #REF!');
    const na = workbook({
      sheets: [
        {
          name: 'S',
          xml: sheetXml([
            ['学校代码', '学生数'],
            [{ e: '#N/A' }, 1],
          ]),
        },
      ],
    });
    expect((await refusal(na)).zh).toContain('第 2 行 A 列（A2）是错误值 #N/A');
  });

  it('merged data cells name the range; a merged title or header is left to the header check', async () => {
    const data = [
      ['学校名称', '教师编号'],
      ['硖石小学', 'T1'],
      [null, 'T2'],
      [null, 'T3'],
    ];
    const e = await refusal(workbook({ sheets: [{ name: 'S', xml: sheetXml(data, { merges: ['A2:A4'] }) }] }));
    expect(e.zh).toBe(
      '第 2–4 行的 A2:A4 是合并单元格：合并后只有第一格有值，其余格会当作空白。请取消合并，并在每一格填上值后再导入',
    );
    expect(e.en).toContain('A2:A4 (rows 2–4) is a merged cell');
    const title = [['2025 学年教师名册'], ['学校名称', '教师编号'], ['硖石小学', 'T1']];
    expect(
      cells(await rows(workbook({ sheets: [{ name: 'S', xml: sheetXml(title, { merges: ['A1:B1'] }) }] }))),
    ).toEqual(title);
  });

  it('a password-protected workbook gets its own message', async () => {
    const e = await refusal(encryptedWorkbook());
    expect(e.zh).toBe('文件已加密，请取消密码后再导入');
    expect(e.en).toBe('The file is password-protected; remove the password and import again');
  });

  it('a legacy .xls renamed .xlsx is told to be saved as .xlsx', async () => {
    const cfb = encryptedWorkbook();
    cfb.fill(0, 1024, 1536); // no EncryptionInfo stream in the directory
    expect((await refusal(cfb)).zh).toContain('旧版 .xls');
  });

  it('a sheet with data down to row 1,048,576 is refused naming the row', async () => {
    const xml = sheetXml([['学校代码', '学生数'], ['A', 1], { r: 1048576, cells: ['Z', 9] }]);
    const e = await refusal(workbook({ sheets: [{ name: '学校', xml }] }));
    expect(e.zh).toBe(
      '工作表“学校”的第 1048576 行仍有数据：每个文件最多导入 1000000 行，请分成几个文件导入（或删除表格下方多余的内容）',
    );
    // the limit is configurable; blank rows below the table (formatting only) do not count
    const small = sheetXml([['学校代码', '学生数'], ['A', 1], ['B', 2], ['C', 3], { r: 5000, cells: [] }]);
    const limits = { ...importLimits({}), maxRows: 2 };
    expect((await refusal(workbook({ sheets: [{ name: '学校', xml: small }] }), limits)).zh).toContain(
      '第 4 行仍有数据：每个文件最多导入 2 行',
    );
    expect(await rows(workbook({ sheets: [{ name: '学校', xml: small }] }), { ...limits, maxRows: 3 })).toHaveLength(5);
  });
});

describe('decompression bombs', () => {
  const limits = importLimits({}); // 200 MB
  const bomb = (declaredSize: number) => {
    const parts = workbookParts({ sheets: [{ name: 'S', xml: sheetXml(TABLE) }] });
    // a 1.5 MB part that inflates to 1.5 GB of zeros, as the sheet
    const last = parts[parts.length - 1]!;
    parts[parts.length - 1] = { name: last.name, data: '', raw: { deflated: zerosDeflated(1536), declaredSize } };
    return zip(parts);
  };

  it('an archive that declares what it unpacks to is refused before inflating', async () => {
    const buf = bomb(1536 * 1048576);
    expect(buf.length).toBeLessThan(2 * 1048576);
    const e = await refusal(buf, limits);
    expect(e.zh).toContain('文件解压后超过 200 MB');
    expect(e.en).toContain('unpacks to more than 200 MB');
  });

  it('an archive that lies about its sizes stops where it lied', async () => {
    const e = await refusal(bomb(4096), limits);
    expect(e.zh).toContain('比声明的大');
  });

  it('an archive that declares sizes under the limit but unpacks beyond it stops at the limit', async () => {
    // a part declaring 3 GB (over 32 bits is not needed: 0xffffffff) would be refused up front,
    // so the limit itself is lowered: 1 MB, with a part that declares and holds 2 MB
    const parts = workbookParts({ sheets: [{ name: 'S', xml: sheetXml(TABLE) }] });
    const last = parts[parts.length - 1]!;
    parts[parts.length - 1] = {
      name: last.name,
      data: '',
      raw: { deflated: zerosDeflated(2), declaredSize: 2 * 1048576 },
    };
    const small = { ...limits, maxUnpackedBytes: 1048576 };
    expect((await refusal(zip(parts), small)).zh).toContain('文件解压后超过 1 MB');
    const inflatedMemory = process.memoryUsage().arrayBuffers;
    const lying = parts.map((p, i) =>
      i === parts.length - 1 ? { ...p, raw: { deflated: zerosDeflated(1536), declaredSize: 1000 } } : p,
    );
    await refusal(zip(lying), limits);
    // nothing of the 1.5 GB was kept
    expect(process.memoryUsage().arrayBuffers - inflatedMemory).toBeLessThan(limits.maxUnpackedBytes);
  });

  it('the limits come from the environment', () => {
    expect(importLimits({ GONGJIN_IMPORT_MAX_UNPACKED_MB: '50', GONGJIN_IMPORT_MAX_ROWS: '2000' })).toEqual({
      maxUnpackedBytes: 50 * 1048576,
      maxRows: 2000,
    });
    expect(importLimits({})).toEqual({ maxUnpackedBytes: 200 * 1048576, maxRows: 1_000_000 });
  });
});
