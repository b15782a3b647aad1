import { contentDisposition } from '../../http/file-response.js';
import { PassThrough, type Writable } from 'node:stream';
import { loadExcelJS } from '../../excel.js';
import type { FastifyReply } from 'fastify';
import type { Lang } from '../../../shared/messages.js';

export interface ExportColumn<T> {
  zh: string;
  en: string;
  width?: number;
  value: (row: T) => string | number | boolean | null | undefined;
}

export interface XlsxExport<T> {
  sheetName: string;
  columns: ExportColumn<T>[];
  batches: AsyncIterable<T[]>;
  lang?: Lang;
}

/** One sheet of a workbook: its rows come in batches (an array of rows is one batch). */
export interface XlsxSheet<T> {
  sheetName: string;
  columns: ExportColumn<T>[];
  batches: AsyncIterable<T[]> | Iterable<T[]>;
}

/** Erases a sheet's row type so sheets of different rows can go into one workbook. */
export function xlsxSheet<T>(sheet: XlsxSheet<T>): XlsxSheet<unknown> {
  return sheet as unknown as XlsxSheet<unknown>;
}

/**
 * Streams sheets into one xlsx written to `out` (ExcelJS streaming writer): memory stays flat however
 * long the lists. Headers are Chinese unless English was asked for.
 */
export async function writeXlsxSheets(
  out: Writable,
  opts: { sheets: XlsxSheet<unknown>[]; lang?: Lang | undefined },
): Promise<void> {
  const workbook = new (await loadExcelJS()).stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  for (const s of opts.sheets) {
    const sheet = workbook.addWorksheet(s.sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = s.columns.map((c) => ({ header: opts.lang === 'en' ? c.en : c.zh, width: c.width ?? 14 }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    for await (const batch of s.batches) {
      for (const row of batch) sheet.addRow(s.columns.map((c) => c.value(row) ?? null)).commit();
    }
    sheet.commit();
  }
  await workbook.commit();
}

/** One sheet, streamed (see writeXlsxSheets). */
export function writeXlsx<T>(out: Writable, opts: XlsxExport<T>): Promise<void> {
  return writeXlsxSheets(out, { sheets: [xlsxSheet(opts)], lang: opts.lang });
}

function sendWorkbook(reply: FastifyReply, fileName: string, write: (out: Writable) => Promise<void>): FastifyReply {
  const out = new PassThrough();
  reply
    .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', contentDisposition('attachment', `${fileName}.xlsx`, 'export.xlsx'));
  write(out).catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return reply.send(out);
}

/** Sends an xlsx download, streaming as rows are read. */
export function sendXlsx<T>(reply: FastifyReply, opts: XlsxExport<T> & { fileName: string }): FastifyReply {
  return sendWorkbook(reply, opts.fileName, (out) => writeXlsx(out, opts));
}

/** Sends a workbook of several sheets (one per table), streaming as rows are read. */
export function sendXlsxSheets(
  reply: FastifyReply,
  opts: { fileName: string; sheets: XlsxSheet<unknown>[]; lang?: Lang | undefined },
): FastifyReply {
  return sendWorkbook(reply, opts.fileName, (out) => writeXlsxSheets(out, opts));
}

export function labelOf(labels: Record<string, { zh: string; en: string }>, lang: Lang) {
  return (code: string | null | undefined) => (code ? (labels[code]?.[lang] ?? code) : '');
}
export function labelsOf(labels: Record<string, { zh: string; en: string }>, lang: Lang) {
  const one = labelOf(labels, lang);
  return (codes: string[]) => codes.map(one).join(lang === 'zh' ? '、' : ', ');
}
