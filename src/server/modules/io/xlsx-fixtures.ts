import { crc32, deflateRawSync, constants } from 'node:zlib';

/**
 * Hand-built workbooks for tests and the import corpus (scripts/make-import-corpus.ts). They mimic
 * the part layout LibreOffice Calc writes when it saves xlsx (no app.xml quirks, inline or shared
 * strings, styles present or not) and the variants other tools produce (upper-case part names,
 * rich-text runs, shared formulas, hidden sheets), so the reader is tested on structures ExcelJS
 * never writes. The zip writer can declare sizes different from the data, to build lying bombs.
 */

export interface ZipPart {
  name: string;
  data: Buffer | string;
  /** Stored rather than deflated. */
  store?: boolean;
  /** Already-deflated bytes (the raw deflate stream) and the size to declare. */
  raw?: { deflated: Buffer; declaredSize: number; crc?: number };
  /** Declares this uncompressed size in both headers instead of the true one. */
  declaredSize?: number;
}

export function zip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, 'utf8');
    const data = typeof p.data === 'string' ? Buffer.from(p.data, 'utf8') : p.data;
    const body = p.raw ? p.raw.deflated : p.store ? data : deflateRawSync(data);
    const method = p.store && !p.raw ? 0 : 8;
    const size = p.raw ? p.raw.declaredSize : (p.declaredSize ?? data.length);
    const crc = p.raw ? (p.raw.crc ?? 0) : crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(Math.min(size, 0xffffffff), 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0800, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(crc >>> 0, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(Math.min(size, 0xffffffff), 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    central.push(cd, name);
    offset += local.length + name.length + body.length;
  }
  const cdBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cdBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBuf, end]);
}

/** A raw deflate stream of `mb` MiB of zeros, built from one repeated block: about 1 KB per MiB. */
export function zerosDeflated(mb: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(1 << 20), { finishFlush: constants.Z_SYNC_FLUSH });
  const last = deflateRawSync(Buffer.alloc(0));
  return Buffer.concat([...Array.from({ length: mb }, () => block), last]);
}

export const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export type CellSpec =
  | string // inline string (LibreOffice writes shared strings; inline is what many generators write)
  | number
  | null
  | { s: number } // shared string index
  | { rich: string[] } // rich text runs, inline
  | { f: string; v: number | string; shared?: { si: number; ref?: string } } // formula with cached value
  | { e: string } // error value (#REF!, #N/A)
  | { date: number; style?: number } // a serial with a date style
  | { v: number; style: number }; // a number with a style

function colName(i: number): string {
  let s = '';
  let n = i + 1;
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

function cellXml(ref: string, c: CellSpec): string {
  if (c === null) return '';
  if (typeof c === 'string') return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${esc(c)}</t></is></c>`;
  if (typeof c === 'number') return `<c r="${ref}"><v>${c}</v></c>`;
  if ('s' in c) return `<c r="${ref}" t="s"><v>${c.s}</v></c>`;
  if ('rich' in c)
    return `<c r="${ref}" t="inlineStr"><is>${c.rich.map((t, i) => `<r>${i % 2 ? '<rPr><b/><sz val="11"/></rPr>' : ''}<t xml:space="preserve">${esc(t)}</t></r>`).join('')}</is></c>`;
  if ('f' in c) {
    const f = c.shared
      ? `<f t="shared" si="${c.shared.si}"${c.shared.ref ? ` ref="${c.shared.ref}"` : ''}>${c.shared.ref ? esc(c.f) : ''}</f>`
      : `<f>${esc(c.f)}</f>`;
    return typeof c.v === 'number'
      ? `<c r="${ref}">${f}<v>${c.v}</v></c>`
      : `<c r="${ref}" t="str">${f}<v>${esc(c.v)}</v></c>`;
  }
  if ('e' in c) return `<c r="${ref}" t="e"><f>#REF!+1</f><v>${esc(c.e)}</v></c>`;
  if ('date' in c) return `<c r="${ref}" s="${c.style ?? 1}"><v>${c.date}</v></c>`;
  return `<c r="${ref}" s="${c.style}"><v>${c.v}</v></c>`;
}

/** Sheet XML from rows of cells (row numbers given when the table does not start at row 1). */
export function sheetXml(
  rows: (CellSpec[] | { r: number; cells: CellSpec[] })[],
  opts: { merges?: string[]; prefix?: string } = {},
): string {
  let r = 0;
  const body = rows
    .map((row) => {
      const { r: rowNo, cells } = Array.isArray(row) ? { r: r + 1, cells: row } : row;
      r = rowNo;
      return `<row r="${rowNo}">${cells.map((c, i) => cellXml(`${colName(i)}${rowNo}`, c)).join('')}</row>`;
    })
    .join('');
  const merges = opts.merges?.length
    ? `<mergeCells count="${opts.merges.length}">${opts.merges.map((m) => `<mergeCell ref="${m}"/>`).join('')}</mergeCells>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetPr filterMode="false"><pageSetUpPr fitToPage="false"/></sheetPr>${opts.prefix ?? ''}<sheetData>${body}</sheetData>${merges}<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`;
}

/** LibreOffice's styles part: cellXfs 0 general, 1 a date (YYYY-MM-DD), 2 text (@). */
export const LIBREOFFICE_STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="YYYY\\-MM\\-DD"/><numFmt numFmtId="165" formatCode="@"/></numFmts><fonts count="1"><font><sz val="10"/><name val="Arial"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border diagonalUp="false" diagonalDown="false"><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="true"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="true"/></cellXfs></styleSheet>`;

export interface WorkbookSpec {
  sheets: { name: string; xml: string; part?: string; hidden?: boolean }[];
  /** Raw <si> bodies of the shared strings part (e.g. `<t>学校</t>` or rich runs). */
  sharedStrings?: string[];
  /** Styles part; null leaves it out (files without number formats). */
  styles?: string | null;
  /** The zip entry names of the sheets, when they differ from the relationship targets (case). */
  entryNames?: string[];
  /** Upper-cases the workbook part name (xl/Workbook.xml) as some generators do. */
  upperWorkbook?: boolean;
}

/** The parts of a workbook in LibreOffice's layout. */
export function workbookParts(spec: WorkbookSpec): ZipPart[] {
  const wbName = spec.upperWorkbook ? 'xl/Workbook.xml' : 'xl/workbook.xml';
  const sheetParts = spec.sheets.map((s, i) => s.part ?? `worksheets/sheet${i + 1}.xml`);
  const styles = spec.styles === undefined ? LIBREOFFICE_STYLES : spec.styles;
  const types = [
    '<Default Extension="xml" ContentType="application/xml"/>',
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
    `<Override PartName="/${wbName}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`,
    ...sheetParts.map(
      (p) =>
        `<Override PartName="/xl/${p}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
    ),
  ];
  const rels = [
    ...sheetParts.map(
      (p, i) =>
        `<Relationship Id="rId${i + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="${p}"/>`,
    ),
    ...(styles !== null
      ? [
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>',
        ]
      : []),
    ...(spec.sharedStrings
      ? [
          `<Relationship Id="rId${sheetParts.length + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`,
        ]
      : []),
  ];
  const parts: ZipPart[] = [
    {
      name: '[Content_Types].xml',
      data: `<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">${types.join('')}</Types>`,
    },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="${wbName}"/></Relationships>`,
    },
    {
      name: wbName,
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><fileVersion appName="Calc"/><workbookPr backupFile="false" showObjects="all" date1904="false"/><bookViews><workbookView activeTab="0"/></bookViews><sheets>${spec.sheets.map((s, i) => `<sheet name="${esc(s.name)}" sheetId="${i + 1}"${s.hidden ? ' state="hidden"' : ''} r:id="rId${i + 2}"/>`).join('')}</sheets><calcPr iterateCount="100" refMode="A1" iterate="false" iterateDelta="0.001"/></workbook>`,
    },
    {
      name: `xl/_rels/${wbName.slice(3)}.rels`,
      data: `<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join('')}</Relationships>`,
    },
  ];
  if (styles !== null) parts.push({ name: 'xl/styles.xml', data: styles });
  if (spec.sharedStrings) {
    parts.push({
      name: 'xl/sharedStrings.xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${spec.sharedStrings.length}" uniqueCount="${spec.sharedStrings.length}">${spec.sharedStrings.map((s) => `<si>${s}</si>`).join('')}</sst>`,
    });
  }
  spec.sheets.forEach((s, i) => parts.push({ name: spec.entryNames?.[i] ?? `xl/${sheetParts[i]}`, data: s.xml }));
  return parts;
}

export const workbook = (spec: WorkbookSpec) => zip(workbookParts(spec));

/**
 * A password-protected workbook as Excel writes it: an OLE compound file (CFB) whose directory
 * holds EncryptionInfo and EncryptedPackage streams. Only the structure the reader looks at is
 * real (header, one directory sector); the encrypted payload is random.
 */
export function encryptedWorkbook(): Buffer {
  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18); // minor version
  header.writeUInt16LE(3, 0x1a); // major version 3: 512-byte sectors
  header.writeUInt16LE(0xfffe, 0x1c); // little-endian
  header.writeUInt16LE(9, 0x1e); // sector shift
  header.writeUInt16LE(6, 0x20); // mini sector shift
  header.writeUInt32LE(1, 0x2c); // FAT sectors
  header.writeUInt32LE(1, 0x30); // first directory sector
  header.writeUInt32LE(0x1000, 0x38); // mini stream cutoff
  header.writeUInt32LE(0xfffffffe, 0x3c);
  header.writeUInt32LE(0xfffffffe, 0x44);
  for (let i = 0x4c; i < 512; i += 4) header.writeUInt32LE(0xffffffff, i);
  header.writeUInt32LE(0, 0x4c); // DIFAT[0]: FAT at sector 0
  const fat = Buffer.alloc(512, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0); // sector 0 is the FAT
  fat.writeUInt32LE(0xfffffffe, 4); // sector 1: directory, end of chain
  fat.writeUInt32LE(0xfffffffe, 8); // sector 2: payload
  const dir = Buffer.alloc(512);
  const entry = (i: number, name: string, type: number, start: number, size: number) => {
    const at = i * 128;
    const n = Buffer.from(`${name}\0`, 'utf16le');
    n.copy(dir, at);
    dir.writeUInt16LE(n.length, at + 0x40);
    dir.writeUInt8(type, at + 0x42);
    dir.writeUInt32LE(0xffffffff, at + 0x44);
    dir.writeUInt32LE(0xffffffff, at + 0x48);
    dir.writeUInt32LE(0xffffffff, at + 0x4c);
    dir.writeUInt32LE(start, at + 0x74);
    dir.writeUInt32LE(size, at + 0x78);
  };
  entry(0, 'Root Entry', 5, 0xfffffffe, 0);
  entry(1, 'EncryptionInfo', 2, 2, 200);
  entry(2, 'EncryptedPackage', 2, 2, 312);
  dir.writeUInt32LE(1, 0x4c); // root's child
  dir.writeUInt32LE(2, 128 + 0x48); // right sibling
  const payload = Buffer.alloc(512);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 7919 + 13) & 0xff;
  return Buffer.concat([header, fat, dir, payload]);
}
