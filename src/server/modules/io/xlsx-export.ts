import { PassThrough, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
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

/**
 * Streams rows into an xlsx written to `out` (ExcelJS streaming writer): memory stays flat however
 * long the list. Headers are Chinese unless English was asked for.
 */
export async function writeXlsx<T>(out: Writable, opts: XlsxExport<T>): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(opts.sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = opts.columns.map((c) => ({ header: opts.lang === 'en' ? c.en : c.zh, width: c.width ?? 14 }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for await (const batch of opts.batches) {
    for (const row of batch) sheet.addRow(opts.columns.map((c) => c.value(row) ?? null)).commit();
  }
  sheet.commit();
  await workbook.commit();
}

/** Sends an xlsx download, streaming as rows are read. */
export function sendXlsx<T>(reply: FastifyReply, opts: XlsxExport<T> & { fileName: string }): FastifyReply {
  const out = new PassThrough();
  const fileName = encodeURIComponent(`${opts.fileName}.xlsx`);
  reply
    .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename="export.xlsx"; filename*=UTF-8''${fileName}`);
  writeXlsx(out, opts).catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return reply.send(out);
}

export function labelOf(labels: Record<string, { zh: string; en: string }>, lang: Lang) {
  return (code: string | null | undefined) => (code ? (labels[code]?.[lang] ?? code) : '');
}
export function labelsOf(labels: Record<string, { zh: string; en: string }>, lang: Lang) {
  const one = labelOf(labels, lang);
  return (codes: string[]) => codes.map(one).join(lang === 'zh' ? '、' : ', ');
}
