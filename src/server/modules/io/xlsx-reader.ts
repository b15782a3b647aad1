import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { SaxesParser } from 'saxes';
import { importLimits, SpreadsheetError, tooManyRows, type Cell, type SheetRow, type XlsxLimits } from './sheet.js';
import { INSTRUCTION_SHEETS } from './template-workbook.js';
import { columnLetter as letters } from './column-letter.js';

/**
 * A small streaming xlsx reader: our own zip directory reader over node:zlib plus the saxes XML
 * parser. ExcelJS's stream reader was replaced because it cannot read what LibreOffice, WPS and
 * bureau tools write and says the wrong thing when it fails: it looks parts up by their exact
 * names (xl/worksheets/Sheet1.xml is "empty"), crashes on some rich-text runs, reads hidden
 * sheets, and inflates a whole part before looking at its size (a 1.5 MB file that unpacks to
 * 1.5 GB took 24 s and 570 MB to refuse). Here every part is found through the workbook's
 * relationships, case-insensitively; declared sizes are checked in the central directory before
 * anything is inflated, and inflated bytes are counted as they come, so a lying archive stops at
 * its declared size or at the limit, whichever is first.
 */

export { importLimits, tooManyRows, type XlsxLimits } from './sheet.js';

interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  offset: number;
}

const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ENCRYPTION_INFO = Buffer.from('EncryptionInfo', 'utf16le');

export const encryptedError = () =>
  new SpreadsheetError(
    '文件已加密，请取消密码后再导入',
    'The file is password-protected; remove the password and import again',
  );

/** A compound (OLE) file under an .xlsx name: an encrypted workbook, or a legacy .xls renamed. */
function refuseCompoundFile(buf: Buffer): never {
  if (buf.includes(ENCRYPTION_INFO)) throw encryptedError();
  throw new SpreadsheetError(
    '文件是旧版 .xls 格式（扩展名却是 .xlsx），请在 Excel 中另存为 .xlsx',
    'The file is a legacy .xls workbook named .xlsx; save it as .xlsx',
    415,
  );
}

const damaged = (why: string, whyEn: string) =>
  new SpreadsheetError(`Excel 文件已损坏或无法读取（${why}）`, `The workbook is damaged or unreadable (${whyEn})`);

function tooLarge(limit: number) {
  const mb = Math.round(limit / 1048576);
  return new SpreadsheetError(
    `文件解压后超过 ${mb} MB，无法导入：请删除无关的工作表、图片和空白格式，或分成几个文件导入`,
    `The workbook unpacks to more than ${mb} MB; remove unrelated sheets, pictures and blank formatting, or split it into several files`,
  );
}

/** Reads the central directory (zip64 included): names, methods and the sizes the archive declares. */
function readDirectory(buf: Buffer): ZipEntry[] {
  const min = Math.max(0, buf.length - 65557);
  let eocd = -1;
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw damaged('找不到 zip 目录', 'no zip directory');
  let count = buf.readUInt16LE(eocd + 10);
  let dirOffset = buf.readUInt32LE(eocd + 16);
  if ((count === 0xffff || dirOffset === 0xffffffff) && eocd >= 20 && buf.readUInt32LE(eocd - 20) === 0x07064b50) {
    const z64 = Number(buf.readBigUInt64LE(eocd - 12));
    if (z64 + 56 > buf.length || buf.readUInt32LE(z64) !== 0x06064b50)
      throw damaged('zip64 目录无效', 'bad zip64 directory');
    count = Number(buf.readBigUInt64LE(z64 + 32));
    dirOffset = Number(buf.readBigUInt64LE(z64 + 48));
  }
  const entries: ZipEntry[] = [];
  let p = dirOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50)
      throw damaged('zip 目录项无效', 'bad zip directory entry');
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const e: ZipEntry = {
      flags: buf.readUInt16LE(p + 8),
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      offset: buf.readUInt32LE(p + 42),
      name: buf.toString('utf8', p + 46, p + 46 + nameLen),
    };
    // zip64: the sizes and offset that do not fit 32 bits follow in extra field 0x0001, in this order
    let x = p + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = buf.readUInt16LE(x);
      const len = buf.readUInt16LE(x + 2);
      if (id === 1) {
        let q = x + 4;
        if (e.size === 0xffffffff && q + 8 <= x + 4 + len) {
          e.size = Number(buf.readBigUInt64LE(q));
          q += 8;
        }
        if (e.compressedSize === 0xffffffff && q + 8 <= x + 4 + len) {
          e.compressedSize = Number(buf.readBigUInt64LE(q));
          q += 8;
        }
        if (e.offset === 0xffffffff && q + 8 <= x + 4 + len) e.offset = Number(buf.readBigUInt64LE(q));
      }
      x += 4 + len;
    }
    entries.push(e);
    p = xEnd + commentLen;
  }
  return entries;
}

class Archive {
  private readonly byName = new Map<string, ZipEntry>();
  private used = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly limits: XlsxLimits,
  ) {
    const entries = readDirectory(buf);
    let declared = 0;
    for (const e of entries) {
      this.byName.set(e.name.replace(/^\//, '').toLowerCase(), e);
      declared += e.size;
    }
    // an honest bomb says what it unpacks to: refuse it before inflating a byte
    if (declared > limits.maxUnpackedBytes) throw tooLarge(limits.maxUnpackedBytes);
    if (entries.some((e) => e.flags & 1)) throw encryptedError();
  }

  /** The entry of a part name, whatever its case (LibreOffice and others differ from Excel). */
  find(name: string): ZipEntry | undefined {
    return this.byName.get(name.replace(/^\//, '').toLowerCase());
  }

  /** The part's bytes as they inflate, counted against its declared size and the limit. */
  async *open(entry: ZipEntry): AsyncGenerator<Buffer> {
    const b = this.buf;
    const at = entry.offset;
    if (at + 30 > b.length || b.readUInt32LE(at) !== 0x04034b50)
      throw damaged(`${entry.name} 无效`, `bad entry ${entry.name}`);
    const start = at + 30 + b.readUInt16LE(at + 26) + b.readUInt16LE(at + 28);
    const data = b.subarray(start, start + entry.compressedSize);
    const count = (n: number, seen: number) => {
      this.used += n;
      // an archive that lies about its sizes stops where it lied, or at the limit
      if (this.used > this.limits.maxUnpackedBytes) throw tooLarge(this.limits.maxUnpackedBytes);
      if (seen > entry.size) throw damaged(`${entry.name} 比声明的大`, `${entry.name} is larger than declared`);
    };
    if (entry.method === 0) {
      count(data.length, data.length);
      yield data;
      return;
    }
    if (entry.method !== 8)
      throw damaged(`不支持的压缩方式 ${entry.method}`, `unsupported compression ${entry.method}`);
    const pieces = function* () {
      for (let i = 0; i < data.length; i += 65536) yield data.subarray(i, i + 65536);
    };
    const inflate = createInflateRaw();
    const source = Readable.from(pieces());
    source.pipe(inflate);
    let seen = 0;
    try {
      for await (const chunk of inflate as AsyncIterable<Buffer>) {
        seen += chunk.length;
        count(chunk.length, seen);
        yield chunk;
      }
    } catch (e) {
      if (e instanceof SpreadsheetError) throw e;
      throw damaged(`${entry.name} 解压失败`, `${entry.name} cannot be inflated`);
    } finally {
      source.unpipe(inflate);
      source.destroy();
      inflate.destroy();
    }
  }

  /** Parses a part with saxes; `setup` adds handlers once and pushes results, handed out between chunks. */
  async *parse<T>(entry: ZipEntry, setup: (p: SaxesParser, push: (item: T) => void) => void): AsyncGenerator<T[]> {
    const parser = new SaxesParser({ xmlns: false });
    let out: T[] = [];
    let failure: Error | null = null;
    parser.on('error', (e) => {
      failure ??= e;
    });
    setup(parser, (item) => out.push(item));
    const fail = (e: Error) => damaged(`${entry.name}: ${e.message}`, `${entry.name}: ${e.message}`);
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of this.open(entry)) {
      parser.write(decoder.decode(chunk, { stream: true }));
      if (failure) throw fail(failure);
      if (out.length) {
        const done = out;
        out = [];
        yield done;
      }
    }
    parser.write(decoder.decode());
    parser.close();
    if (failure) throw fail(failure);
    if (out.length) yield out;
  }

  async text(entry: ZipEntry): Promise<string> {
    const parts: Buffer[] = [];
    for await (const c of this.open(entry)) parts.push(c);
    return Buffer.concat(parts).toString('utf8');
  }
}

/** Resolves a relationship target against the folder of the part that owns it. */
function resolveTarget(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = base.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/');
}

const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
const unescapeXml = (s: string) =>
  s.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-f]+|#\d+);/gi, (m, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()]!;
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });

/** Relationships of a part: id → target part name, and type suffix → target. */
async function relationships(
  zip: Archive,
  part: string,
): Promise<{ byId: Map<string, string>; byType: Map<string, string> }> {
  const relsName = `${part.split('/').slice(0, -1).join('/')}/_rels/${part.split('/').pop()}.rels`.replace(/^\//, '');
  const byId = new Map<string, string>();
  const byType = new Map<string, string>();
  const entry = zip.find(relsName);
  if (!entry) return { byId, byType };
  const xml = await zip.text(entry);
  for (const m of xml.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const id = attr(m[0], 'Id');
    const target = attr(m[0], 'Target');
    const type = attr(m[0], 'Type');
    if (!target || attr(m[0], 'TargetMode') === 'External') continue;
    const resolved = resolveTarget(part, unescapeXml(target));
    if (id) byId.set(id, resolved);
    if (type) byType.set(type.split('/').pop()!, resolved);
  }
  return { byId, byType };
}

interface SheetInfo {
  name: string;
  part: string;
  hidden: boolean;
}

/** Built-in number formats that show dates (including the Chinese ones, 27–36 and 50–58). */
const DATE_FORMAT_IDS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56,
  57, 58,
]);

function isDateFormat(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\\./g, '')
    .replace(/_./g, '')
    .replace(/\*./g, '');
  return /[ymdhs年月日]/i.test(bare) && !/^[#0.,%\s]*$/.test(bare) && !/general/i.test(bare);
}

/** Which cell styles (index into cellXfs) display a date. */
async function dateStyles(zip: Archive, part: string | undefined): Promise<Set<number>> {
  const styles = new Set<number>();
  const entry = part ? zip.find(part) : undefined;
  if (!entry) return styles; // files without styles: numbers stay numbers
  const xml = await zip.text(entry);
  const custom = new Map<number, string>();
  for (const m of xml.matchAll(/<(?:\w+:)?numFmt\b[^>]*>/g)) {
    const id = Number(attr(m[0], 'numFmtId'));
    const code = attr(m[0], 'formatCode');
    if (code !== undefined) custom.set(id, unescapeXml(code));
  }
  const xfs = /<(?:\w+:)?cellXfs\b[^>]*>([\s\S]*?)<\/(?:\w+:)?cellXfs>/.exec(xml)?.[1] ?? '';
  let i = 0;
  for (const m of xfs.matchAll(/<(?:\w+:)?xf\b[^>]*>/g)) {
    const id = Number(attr(m[0], 'numFmtId') ?? 0);
    const code = custom.get(id);
    if (code !== undefined ? isDateFormat(code) : DATE_FORMAT_IDS.has(id)) styles.add(i);
    i += 1;
  }
  return styles;
}

/** The shared strings: each item's text runs joined, phonetic guides (rPh) left out. */
async function sharedStrings(zip: Archive, part: string | undefined): Promise<string[]> {
  const entry = part ? zip.find(part) : undefined;
  if (!entry) return [];
  const strings: string[] = [];
  for await (const _ of zip.parse<never>(entry, (p) => {
    let text: string | null = null;
    let inT = false;
    let phonetic = 0;
    p.on('opentag', (t) => {
      const n = localName(t.name);
      if (n === 'si') text = '';
      else if (n === 'rPh') phonetic += 1;
      else if (n === 't' && !phonetic) inT = true;
    });
    p.on('text', (s) => {
      if (inT && text !== null) text += s;
    });
    p.on('cdata', (s) => {
      if (inT && text !== null) text += s;
    });
    p.on('closetag', (t) => {
      const n = localName(t.name);
      if (n === 't') inT = false;
      else if (n === 'rPh') phonetic -= 1;
      else if (n === 'si') {
        strings.push(text ?? '');
        text = null;
      }
    });
  })) {
    // strings are collected as they come
  }
  return strings;
}

const localName = (n: string) => {
  const i = n.indexOf(':');
  return i < 0 ? n : n.slice(i + 1);
};

/** "AB12" → column index 26 + 1 (0-based) and row 12. */
function splitRef(ref: string): { col: number; row: number } | null {
  const m = /^\$?([A-Z]{1,3})\$?(\d+)$/i.exec(ref);
  if (!m) return null;
  let col = 0;
  for (const ch of m[1]!.toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { col: col - 1, row: Number(m[2]) };
}

/** Excel's serial day number (1900 or 1904 system) as a UTC date. */
function serialToDate(serial: number, date1904: boolean): Date {
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  return new Date(epoch + Math.round(serial * 86400000));
}

function clean(v: string): Cell {
  const t = v.trim();
  return t === '' ? null : t;
}

/** The workbook's sheets in order, with their part names and visibility. */
async function sheetsOf(zip: Archive): Promise<{ sheets: SheetInfo[]; workbook: string; date1904: boolean }> {
  const root = await relationships(zip, '');
  const workbook = root.byType.get('officeDocument') ?? 'xl/workbook.xml';
  const entry = zip.find(workbook);
  if (!entry)
    throw new SpreadsheetError(
      '文件不是 Excel 工作簿（缺少 workbook.xml）',
      'The file is not an Excel workbook (no workbook.xml)',
      415,
    );
  const xml = await zip.text(entry);
  const rels = await relationships(zip, workbook);
  const date1904 = /<(?:\w+:)?workbookPr\b[^>]*\sdate1904="(1|true)"/.test(xml);
  const sheets: SheetInfo[] = [];
  for (const m of xml.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const rid = /\s(?:\w+:)?id="([^"]*)"/.exec(m[0])?.[1];
    const part = rid ? rels.byId.get(rid) : undefined;
    if (!part) continue;
    const state = attr(m[0], 'state');
    sheets.push({
      name: unescapeXml(attr(m[0], 'name') ?? ''),
      part,
      hidden: state === 'hidden' || state === 'veryHidden',
    });
  }
  return { sheets, workbook, date1904 };
}

interface SheetContext {
  strings: string[];
  dates: Set<number>;
  date1904: boolean;
  limits: XlsxLimits;
}

/** One sheet's rows, as they stream; merged data cells are refused once the sheet's end names them. */
async function* sheetRows(
  zip: Archive,
  entry: ZipEntry,
  sheet: SheetInfo,
  ctx: SheetContext,
): AsyncGenerator<SheetRow> {
  const merges: string[] = [];
  let headerRow = 0;
  for await (const rows of zip.parse<SheetRow>(entry, (p, push) => {
    let rowNo = 0;
    let cells: Cell[] = [];
    let cellCol = -1;
    let cellType = 'n';
    let cellStyle = 0;
    let value = '';
    let inV = false;
    let inT = false;
    let inIs = false;
    let phonetic = 0;
    let hasV = false;
    p.on('opentag', (t) => {
      const n = localName(t.name);
      const a = t.attributes as Record<string, string>;
      switch (n) {
        case 'row':
          rowNo = a.r ? Number(a.r) : rowNo + 1;
          cells = [];
          cellCol = -1;
          break;
        case 'c': {
          const ref = a.r ? splitRef(a.r) : null;
          cellCol = ref ? ref.col : cellCol + 1;
          cellType = a.t ?? 'n';
          cellStyle = Number(a.s ?? 0);
          value = '';
          hasV = false;
          break;
        }
        case 'v':
          inV = true;
          hasV = true;
          break;
        case 'is':
          inIs = true;
          hasV = true;
          break;
        case 'rPh':
          phonetic += 1;
          break;
        case 't':
          if (inIs && !phonetic) inT = true;
          break;
        case 'mergeCell':
          if (a.ref) merges.push(a.ref);
          break;
      }
    });
    const onText = (s: string) => {
      if (inV || inT) value += s;
    };
    p.on('text', onText);
    p.on('cdata', onText);
    p.on('closetag', (t) => {
      const n = localName(t.name);
      switch (n) {
        case 'v':
          inV = false;
          break;
        case 't':
          inT = false;
          break;
        case 'rPh':
          phonetic -= 1;
          break;
        case 'is':
          inIs = false;
          break;
        case 'c': {
          if (!hasV || cellCol < 0) break;
          let cell: Cell;
          switch (cellType) {
            case 's': {
              const s = ctx.strings[Number(value)];
              cell = s === undefined ? null : clean(s);
              break;
            }
            case 'inlineStr':
            case 'str':
              cell = clean(value);
              break;
            case 'b':
              cell = value.trim() === '1' || value.trim() === 'true';
              break;
            case 'e': {
              const ref = `${letters(cellCol)}${rowNo}`;
              throw new SpreadsheetError(
                `第 ${rowNo} 行 ${letters(cellCol)} 列（${ref}）是错误值 ${value.trim()}（公式出错）：请修正公式，或复制后“选择性粘贴为数值”再导入`,
                `Row ${rowNo}, column ${letters(cellCol)} (${ref}) holds the error ${value.trim()} (a broken formula); fix the formula or paste the values before importing`,
              );
            }
            case 'd': {
              const d = new Date(value.trim());
              cell = Number.isNaN(d.getTime()) ? clean(value) : d;
              break;
            }
            default: {
              const num = Number(value.trim());
              if (value.trim() === '' || Number.isNaN(num)) cell = clean(value);
              else cell = ctx.dates.has(cellStyle) ? serialToDate(num, ctx.date1904) : num;
            }
          }
          while (cells.length < cellCol) cells.push(null);
          cells[cellCol] = cell;
          break;
        }
        case 'row': {
          const filled = cells.filter((c) => c !== null).length;
          if (filled) {
            if (!headerRow && filled >= 2) headerRow = rowNo;
            if (rowNo > ctx.limits.maxRows + 1) throw tooManyRows(rowNo, ctx.limits.maxRows, sheet.name);
          }
          push({ row: rowNo, cells });
          cells = [];
          break;
        }
      }
    });
  })) {
    for (const r of rows) yield r;
  }
  // merged cells come after the data in the sheet part: a data cell merged over rows or columns
  // leaves all but its first cell blank, which would import as blanks: name the range
  for (const ref of merges) {
    const [from, to] = ref.split(':').map(splitRef);
    if (!from || !to || !headerRow || from.row <= headerRow) continue;
    const rows = from.row === to.row ? `第 ${from.row} 行` : `第 ${from.row}–${to.row} 行`;
    const rowsEn = from.row === to.row ? `row ${from.row}` : `rows ${from.row}–${to.row}`;
    throw new SpreadsheetError(
      `${rows}的 ${ref} 是合并单元格：合并后只有第一格有值，其余格会当作空白。请取消合并，并在每一格填上值后再导入`,
      `${ref} (${rowsEn}) is a merged cell: only its first cell holds the value and the others would import as blank; unmerge it and fill every cell`,
    );
  }
}

/**
 * The rows of the first visible worksheet. A second visible sheet with data is refused (which one
 * should be imported?); hidden sheets are ignored.
 */
export async function* readXlsxRows(buf: Buffer, limits: XlsxLimits = importLimits()): AsyncGenerator<SheetRow> {
  if (buf.subarray(0, 8).equals(CFB_MAGIC)) refuseCompoundFile(buf);
  const zip = new Archive(buf, limits);
  const { sheets, workbook, date1904 } = await sheetsOf(zip);
  const rels = await relationships(zip, workbook);
  const ctx: SheetContext = {
    strings: await sharedStrings(zip, rels.byType.get('sharedStrings')),
    dates: await dateStyles(zip, rels.byType.get('styles')),
    date1904,
    limits,
  };
  // hidden sheets (lists behind drop-downs) and our templates' instruction sheet are not data
  const visible = sheets.filter((s) => !s.hidden && !INSTRUCTION_SHEETS.includes(s.name.trim().toLowerCase()));
  if (!visible.length) throw new SpreadsheetError('工作簿没有可见的工作表', 'The workbook has no visible sheet');
  let index = 0;
  for (const sheet of visible) {
    index += 1;
    const entry = zip.find(sheet.part);
    if (!entry)
      throw damaged(`缺少工作表“${sheet.name}”（${sheet.part}）`, `sheet "${sheet.name}" (${sheet.part}) is missing`);
    if (index === 1) {
      yield* sheetRows(zip, entry, sheet, ctx);
      continue;
    }
    for await (const r of sheetRows(zip, entry, sheet, ctx)) {
      if (r.cells.some((c) => c !== null)) {
        throw new SpreadsheetError(
          `文件包含多个有数据的工作表（“${sheet.name}”也有数据），请只保留要导入的工作表`,
          `The workbook has more than one sheet with data ("${sheet.name}" too); keep only the sheet to import`,
        );
      }
    }
  }
}
