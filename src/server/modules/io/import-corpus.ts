import {
  encryptedWorkbook,
  sheetXml,
  workbook,
  workbookParts,
  zerosDeflated,
  zip,
  type CellSpec,
} from './xlsx-fixtures.js';

/**
 * The import corpus: bureau-style files in the encodings and workbook structures bureaus really
 * send, for every import kind. scripts/make-import-corpus.ts writes them to fixtures/corpus/
 * (checked in); import.corpus.test.ts imports each one through every kind it applies to and
 * asserts the exact outcome.
 *
 * LibreOffice is not installed on the build machines, so the "LibreOffice" workbooks are built by
 * hand to match the structure Calc writes when it saves xlsx (workbook, rels, styles with its
 * numFmts, inline or shared strings, no calcChain), plus the variants other tools produce.
 */

export type CorpusKind = 'schools' | 'teachers' | 'school-year-stats' | 'scores';
export const CORPUS_KINDS: CorpusKind[] = ['schools', 'teachers', 'school-year-stats', 'scores'];

/** Codes the corpus refers to; the test creates these schools and the class. */
export const CORPUS_SCHOOLS = ['3304810201', '3304810202'];

/** The same realistic table per kind: three records. */
export const TABLES: Record<CorpusKind, string[][]> = {
  schools: [
    ['学校代码', '学校名称', '区县代码', '学段', '城乡类别', '校长'],
    ['3304810301', '海宁市许村镇中心小学', '330481', '小学', '镇区', '沈建华'],
    ['3304810302', '海宁市长安镇第二小学', '330481', '小学', '镇区', '钱丽萍'],
    ['3304810303', '海宁市丁桥镇初级中学', '330481', '初中', '乡村', '陆国强'],
  ],
  teachers: [
    ['教师编号', '姓名', '性别', '学校代码', '任教学科', '职称'],
    ['T330481001', '欧阳晓梅', '女', '3304810201', '语文', '一级教师'],
    ['T330481002', '诸葛建国', '男', '3304810201', '数学', '高级教师'],
    ['T330481003', '褚燕', '女', '3304810202', '英语、音乐', '二级教师'],
  ],
  'school-year-stats': [
    ['学校代码', '学年', '学生数', '班级数', '教师数'],
    ['3304810201', '2024-2025', '812', '18', '46'],
    ['3304810202', '2024-2025', '455', '12', '30'],
    ['3304810201', '2023-2024', '798', '18', '45'],
  ],
  scores: [
    ['学校代码', '班级', '学生编号', '姓名', '科目', '成绩'],
    ['3304810201', '1班', 'S20250001', '张子涵', '数学', '92'],
    ['3304810201', '1班', 'S20250002', '李梓萱', '数学', '78.5'],
    ['3304810201', '1班', 'S20250003', '王浩宇', '数学', '66'],
  ],
};

/** GBK/GB18030 bytes of text (the encoder is built from the decoder: Node has no GBK encoder). */
export function gbk(text: string): Buffer {
  const decoder = new TextDecoder('gb18030');
  const table = new Map<string, number[]>();
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const c = decoder.decode(Uint8Array.of(hi, lo));
      if (c.length === 1 && !table.has(c)) table.set(c, [hi, lo]);
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else {
      const b = table.get(ch);
      if (!b) throw new Error(`no GBK code for ${ch}`);
      out.push(...b);
    }
  }
  return Buffer.from(out);
}

const numeric = (s: string) => /^\d+(\.\d+)?$/.test(s) && s.length < 8; // counts and scores, not codes
const asCells = (rows: string[][]): CellSpec[][] =>
  rows.map((r, i) => r.map((v) => (i > 0 && numeric(v) ? Number(v) : v)));

/** Shared-string parts for a table (LibreOffice writes every text cell as a shared string). */
function shared(rows: string[][], opts: { rich?: boolean } = {}) {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const cells = rows.map((r, i) =>
    r.map((v): CellSpec => {
      if (i > 0 && numeric(v)) return Number(v);
      if (!index.has(v)) {
        index.set(v, strings.length);
        // rich text: the name split into runs, the second bold, as a clerk's highlighting leaves it
        const runs =
          opts.rich && v.length > 2
            ? `<r><t>${v.slice(0, 2)}</t></r><r><rPr><b val="true"/><sz val="10"/></rPr><t>${v.slice(2)}</t></r>`
            : `<t xml:space="preserve">${v}</t>`;
        strings.push(runs);
      }
      return { s: index.get(v)! };
    }),
  );
  return { strings, cells };
}

/** What the score importer says about an empty file and a title row (its own header rules). */
export const EMPTY = '文件为空';
export const TITLE_ROW_SCORES = '缺少必填列：学校代码、班级、学生编号、科目、成绩';

export interface CorpusFile {
  name: string;
  /** The kinds it is imported as (a file-level problem applies to all). */
  kinds: CorpusKind[];
  build(): Buffer;
  /** Rows stored (per kind), or the message (zh) every kind shows. */
  expect: { rows: number } | { message: string };
}

const perKind = (
  variant: string,
  ext: string,
  build: (k: CorpusKind) => Buffer,
  expect: (k: CorpusKind) => CorpusFile['expect'],
): CorpusFile[] =>
  CORPUS_KINDS.map((k) => ({ name: `${k}-${variant}.${ext}`, kinds: [k], build: () => build(k), expect: expect(k) }));

const csvText = (rows: string[][], sep = ',') => rows.map((r) => r.join(sep)).join('\r\n') + '\r\n';
const three = () => ({ rows: 3 });

/** Where the third-row merge or error lands: column B, row 3. */
const errorAt = (rows: string[][]): CellSpec[][] =>
  asCells(rows).map((r, i) => (i === 2 ? r.map((c, j) => (j === 1 ? { e: '#REF!' } : c)) : r));

export const CORPUS: CorpusFile[] = [
  // CSV as Excel on Chinese Windows saves it (GBK), and Excel's "Unicode text" (UTF-16 LE, tabs)
  ...perKind('gbk', 'csv', (k) => gbk(csvText(TABLES[k])), three),
  ...perKind('unicode-text', 'txt', (k) => Buffer.from(`\uFEFF${csvText(TABLES[k], '\t')}`, 'utf16le'), three),
  ...perKind('utf8-bom', 'csv', (k) => Buffer.from(`\uFEFF${csvText(TABLES[k])}`), three),
  // workbooks as LibreOffice writes them: shared strings, its styles, upper-case sheet part
  ...perKind(
    'libreoffice-upper-sheet',
    'xlsx',
    (k) => {
      const s = shared(TABLES[k]);
      return workbook({
        sharedStrings: s.strings,
        sheets: [{ name: 'Sheet1', part: 'worksheets/Sheet1.xml', xml: sheetXml(s.cells) }],
      });
    },
    three,
  ),
  ...perKind(
    'rich-text',
    'xlsx',
    (k) => {
      const s = shared(TABLES[k], { rich: true });
      return workbook({ sharedStrings: s.strings, sheets: [{ name: 'Sheet1', xml: sheetXml(s.cells) }] });
    },
    three,
  ),
  // inline strings (what many export tools write), no styles part at all
  ...perKind(
    'inline-no-styles',
    'xlsx',
    (k) => workbook({ styles: null, sheets: [{ name: 'Sheet1', xml: sheetXml(asCells(TABLES[k])) }] }),
    three,
  ),
  // a hidden first sheet (the drop-down lists of a bureau's own template), data on the second
  ...perKind(
    'hidden-first-sheet',
    'xlsx',
    (k) =>
      workbook({
        sheets: [
          {
            name: '字典',
            hidden: true,
            xml: sheetXml([
              ['男', '女'],
              ['小学', '初中'],
            ]),
          },
          { name: '数据', xml: sheetXml(asCells(TABLES[k])) },
        ],
      }),
    three,
  ),
  // a formula column: the last column computed with a shared formula, read by its cached value
  ...perKind(
    'shared-formula',
    'xlsx',
    (k) => {
      const rows = asCells(TABLES[k]).map((r, i) => {
        if (i === 0) return r;
        const last = r.length - 1;
        const v = r[last]!;
        const f: CellSpec =
          typeof v === 'number'
            ? {
                f: i === 1 ? `ROUND(${v},1)` : '',
                v,
                shared:
                  i === 1
                    ? { si: 0, ref: `${String.fromCharCode(65 + last)}2:${String.fromCharCode(65 + last)}4` }
                    : { si: 0 },
              }
            : { f: `TRIM("${v as string}")`, v: v as string };
        return [...r.slice(0, last), f];
      });
      return workbook({ sheets: [{ name: 'Sheet1', xml: sheetXml(rows) }] });
    },
    three,
  ),
  // a broken reference left by a deleted sheet
  ...perKind(
    'ref-error',
    'xlsx',
    (k) => workbook({ sheets: [{ name: 'Sheet1', xml: sheetXml(errorAt(TABLES[k])) }] }),
    () => ({ message: '第 3 行 B 列（B3）是错误值 #REF!（公式出错）：请修正公式，或复制后“选择性粘贴为数值”再导入' }),
  ),
  // the same value typed once and merged down over two rows
  ...perKind(
    'merged-cells',
    'xlsx',
    (k) => {
      const rows = asCells(TABLES[k]).map((r, i) => (i === 3 ? r.map((c, j) => (j === 1 ? null : c)) : r));
      return workbook({ sheets: [{ name: 'Sheet1', xml: sheetXml(rows, { merges: ['B3:B4'] }) }] });
    },
    () => ({
      message:
        '第 3–4 行的 B3:B4 是合并单元格：合并后只有第一格有值，其余格会当作空白。请取消合并，并在每一格填上值后再导入',
    }),
  ),
  // formatting (and one stray value) down to the sheet's last row, 1,048,576
  ...perKind(
    'rows-1048576',
    'xlsx',
    (k) =>
      workbook({
        sheets: [{ name: 'Sheet1', xml: sheetXml([...asCells(TABLES[k]), { r: 1048576, cells: ['x', 'x'] }]) }],
      }),
    () => ({
      message:
        '工作表“Sheet1”的第 1048576 行仍有数据：每个文件最多导入 1000000 行，请分成几个文件导入（或删除表格下方多余的内容）',
    }),
  ),
  // a title row above the header: the registry importers find the header below it; the score importer asks for it on row 1
  ...perKind(
    'title-row',
    'xlsx',
    (k) =>
      workbook({
        sheets: [
          { name: 'Sheet1', xml: sheetXml([['2025 学年海宁市统计表'], ...asCells(TABLES[k])], { merges: ['A1:F1'] }) },
        ],
      }),
    (k) => (k === 'scores' ? { message: TITLE_ROW_SCORES } : { rows: 3 }),
  ),
  // file-level problems: the same for every kind
  {
    name: 'encrypted.xlsx',
    kinds: CORPUS_KINDS,
    build: encryptedWorkbook,
    expect: { message: '文件已加密，请取消密码后再导入' },
  },
  {
    name: 'legacy-xls-renamed.xlsx',
    kinds: CORPUS_KINDS,
    build: () => {
      const b = encryptedWorkbook();
      b.fill(0, 1024, 1536); // a compound file without EncryptionInfo: an .xls workbook
      return b;
    },
    expect: { message: '文件是旧版 .xls 格式（扩展名却是 .xlsx），请在 Excel 中另存为 .xlsx' },
  },
  {
    // declares 1.5 GB for its sheet (refused from the zip directory, before inflating); the data
    // itself is 2 MB of zeros so that the checked-in file stays small
    name: 'bomb-declared.xlsx',
    kinds: CORPUS_KINDS,
    build: () => bomb(2, 1536 * 1048576),
    expect: { message: '文件解压后超过 200 MB，无法导入：请删除无关的工作表、图片和空白格式，或分成几个文件导入' },
  },
  {
    // declares 4 KB but inflates to 8 MB: stopped at the declared size
    name: 'bomb-lying.xlsx',
    kinds: CORPUS_KINDS,
    build: () => bomb(8, 4096),
    expect: { message: 'Excel 文件已损坏或无法读取（xl/worksheets/sheet1.xml 比声明的大）' },
  },
  { name: 'empty.csv', kinds: CORPUS_KINDS, build: () => Buffer.alloc(0), expect: { message: EMPTY } },
];

function bomb(mb: number, declaredSize: number): Buffer {
  const parts = workbookParts({ sheets: [{ name: 'Sheet1', xml: sheetXml([['学校代码']]) }] });
  const last = parts.length - 1;
  parts[last] = { name: parts[last]!.name, data: '', raw: { deflated: zerosDeflated(mb), declaredSize } };
  return zip(parts);
}
