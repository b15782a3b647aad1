import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { detectEncoding, readCsvRows } from './csv-reader.js';

export type Cell = string | number | boolean | Date | null;
export interface SheetRow {
  /** Row number as the spreadsheet shows it (the header is row 1). */
  row: number;
  cells: Cell[];
}

/** A file-level problem (not a row's): wrong type, extra sheets, merged or blank headers. */
export class SpreadsheetError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
    /** 415 when the file is not a spreadsheet at all, 422 when its content is unusable. */
    readonly status: 415 | 422 = 422,
  ) {
    super(en);
  }
}

export type SpreadsheetType = 'xlsx' | 'csv';

/** Decides the type from the name and the first bytes; a file that is not what its extension says is refused. */
export function detectType(fileName: string, head: Buffer): SpreadsheetType {
  const lower = fileName.toLowerCase();
  const isZip = head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  if (lower.endsWith('.xlsx')) {
    if (!isZip) throw new SpreadsheetError('文件扩展名为 .xlsx，但内容不是 Excel 工作簿', 'The file is named .xlsx but is not an Excel workbook', 415);
    return 'xlsx';
  }
  if (lower.endsWith('.csv') || lower.endsWith('.txt') || lower.endsWith('.tsv')) {
    // UTF-16 text (Excel's "Unicode text") has zero bytes; any other text has none
    if (isZip || (head.includes(0) && !detectEncoding(head).startsWith('utf-16'))) throw new SpreadsheetError('文件扩展名为 .csv，但内容不是文本', 'The file is named .csv but is not text', 415);
    return 'csv';
  }
  if (lower.endsWith('.xls')) throw new SpreadsheetError('不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx', 'Legacy .xls is not supported; save as .xlsx', 415);
  throw new SpreadsheetError('只支持 .xlsx、.csv 或 .txt（Unicode 文本）文件', 'Only .xlsx, .csv or .txt (Unicode text) files are accepted', 415);
}

function normalize(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: string; result?: unknown; error?: string };
    if (v.richText) return normalize(v.richText.map((r) => r.text).join(''));
    if ('result' in v) return normalize(v.result);
    if (typeof v.text === 'string') return normalize(v.text);
    if (v.error) return null;
  }
  return normalize(String(value));
}

/** Streams the rows of the first worksheet (xlsx) or of a csv, with constant memory. */
export async function* readRows(stream: Readable, type: SpreadsheetType): AsyncGenerator<SheetRow> {
  if (type === 'csv') {
    yield* readCsvRows(stream);
    return;
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', entries: 'emit' });
  let sheetIndex = 0;
  try {
    for await (const worksheet of reader) {
      sheetIndex += 1;
      if (sheetIndex === 1) {
        for await (const r of worksheet as AsyncIterable<ExcelJS.Row>) {
          const values = (r.values as unknown[]).slice(1); // ExcelJS rows are 1-based
          yield { row: r.number, cells: values.map(normalize) };
        }
      } else {
        // a second sheet with data is ambiguous: which one should be imported?
        for await (const r of worksheet as AsyncIterable<ExcelJS.Row>) {
          if ((r.values as unknown[]).some((v) => normalize(v) !== null)) {
            throw new SpreadsheetError(`文件包含多个有数据的工作表（第 ${sheetIndex} 个工作表也有数据），请只保留要导入的工作表`, `The workbook has more than one sheet with data (sheet ${sheetIndex}); keep only the sheet to import`);
          }
        }
      }
    }
  } catch (e) {
    if (e instanceof SpreadsheetError) throw e;
    throw new SpreadsheetError(`Excel 文件已损坏或无法读取（${(e as Error).message}）`, `The workbook is damaged or unreadable (${(e as Error).message})`);
  }
}

/** Header text as users write it: without the required-field star, spaces or a trailing note. */
export function cleanHeader(cell: Cell): string {
  return String(cell ?? '').replace(/[*＊\s]/g, '').replace(/[（(].*[)）]$/, '');
}
