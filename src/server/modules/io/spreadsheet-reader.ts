import type { Readable } from 'node:stream';
import { AppError, unsupportedMediaType, type FieldIssue } from '../../http/errors.js';
import { detectEncoding, readCsvRows } from './csv-reader.js';
import { readXlsxRows } from './xlsx-reader.js';

export { SpreadsheetError, type Cell, type SheetRow } from './sheet.js';
import { SpreadsheetError, type Cell, type SheetRow } from './sheet.js';

export type SpreadsheetType = 'xlsx' | 'csv';

/** Decides the type from the name and the first bytes; a file that is not what its extension says is refused. */
export function detectType(fileName: string, head: Buffer): SpreadsheetType {
  const lower = fileName.toLowerCase();
  const isZip = head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  // a compound (OLE) file: an encrypted workbook or a renamed .xls; the reader tells them apart
  const isCompound = head.length >= 4 && head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0;
  if (lower.endsWith('.xlsx')) {
    if (!isZip && !isCompound)
      throw new SpreadsheetError(
        '文件扩展名为 .xlsx，但内容不是 Excel 工作簿',
        'The file is named .xlsx but is not an Excel workbook',
        415,
      );
    return 'xlsx';
  }
  if (lower.endsWith('.csv') || lower.endsWith('.txt') || lower.endsWith('.tsv')) {
    // UTF-16 text (Excel's "Unicode text") has zero bytes; any other text has none
    if (isZip || (head.includes(0) && !detectEncoding(head).startsWith('utf-16')))
      throw new SpreadsheetError('文件扩展名为 .csv，但内容不是文本', 'The file is named .csv but is not text', 415);
    return 'csv';
  }
  if (lower.endsWith('.xls'))
    throw new SpreadsheetError(
      '不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx',
      'Legacy .xls is not supported; save as .xlsx',
      415,
    );
  throw new SpreadsheetError(
    '只支持 .xlsx、.csv 或 .txt（Unicode 文本）文件',
    'Only .xlsx, .csv or .txt (Unicode text) files are accepted',
    415,
  );
}

/** Streams the rows of the first worksheet (xlsx) or of a csv, with constant memory. */
export async function* readRows(stream: Readable, type: SpreadsheetType): AsyncGenerator<SheetRow> {
  if (type === 'csv') {
    yield* readCsvRows(stream);
    return;
  }
  // the xlsx reader needs the zip's central directory (at the end) first: the file, at most the
  // upload limit, is held in memory; what it unpacks to is streamed and limited (xlsx-reader.ts)
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  yield* readXlsxRows(Buffer.concat(chunks));
}

/** Header text as users write it: without the required-field star, spaces or a trailing note. */
export function cleanHeader(cell: Cell): string {
  return String(cell ?? '')
    .replace(/[*＊\s]/g, '')
    .replace(/[（(].*[)）]$/, '');
}

/** The refusal a user sees for a file-level problem: 415 when it is no spreadsheet, else 422. */
export function spreadsheetRefusal(e: SpreadsheetError, details: FieldIssue[] = []): AppError {
  if (e.status === 415)
    return unsupportedMediaType(`表格无法读取：${e.zh}`, `The spreadsheet cannot be read: ${e.en}`, details);
  return new AppError(422, 'spreadsheet_invalid', { reason: e.zh, reasonEn: e.en }, details);
}
