import { contentDisposition } from '../../http/file-response.js';
import { PassThrough, type Writable } from 'node:stream';
import type * as Excel from 'exceljs';
import { loadExcelJS } from '../../excel.js';
import type { FastifyReply } from 'fastify';
import type { Lang } from '../../../shared/messages.js';
import { GENDER_LABELS, LOCATION_CLASS_LABELS } from '../../../shared/enums.js';
import {
  DIRECTION_LABELS,
  EVALUATION_GRADE_LABELS,
  EXCHANGE_KIND_LABELS,
  EXCHANGE_STATUS_LABELS,
  HONOUR_LEVEL_LABELS,
  WORKLOAD_LABELS,
} from '../../../shared/exchange.enums.js';
import type { Assignment, Totals } from '../../../shared/exchange.schemas.js';
import { labelOf, type ExportColumn } from '../io/index.js';

/** One row per teacher-assignment, in the column order of the provincial exchange return. */
export function registerColumns(lang: Lang): ExportColumn<Assignment>[] {
  const kind = labelOf(EXCHANGE_KIND_LABELS, lang);
  const loc = labelOf(LOCATION_CLASS_LABELS, lang);
  return [
    { zh: '序号', en: 'No.', width: 8, value: (a) => a.id },
    { zh: '姓名', en: 'Name', width: 10, value: (a) => a.teacherName },
    { zh: '性别', en: 'Gender', width: 6, value: (a) => labelOf(GENDER_LABELS, lang)(a.teacherGender) },
    { zh: '荣誉层级', en: 'Honour level', width: 14, value: (a) => labelOf(HONOUR_LEVEL_LABELS, lang)(a.honourLevel) },
    { zh: '交流形式', en: 'Kind', width: 10, value: (a) => kind(a.kind) },
    { zh: '派出学校', en: 'Sending school', width: 24, value: (a) => a.fromSchoolName },
    { zh: '派出校类别', en: 'Sending location', width: 10, value: (a) => loc(a.fromLocationClass) },
    { zh: '接收学校', en: 'Receiving school', width: 24, value: (a) => a.toSchoolName },
    { zh: '接收校类别', en: 'Receiving location', width: 10, value: (a) => loc(a.toLocationClass) },
    { zh: '流向', en: 'Direction', width: 10, value: (a) => labelOf(DIRECTION_LABELS, lang)(a.direction) },
    { zh: '开始日期', en: 'Start', width: 12, value: (a) => a.startDate },
    { zh: '结束日期', en: 'End', width: 12, value: (a) => a.endDate },
    { zh: '全职/兼职', en: 'Workload', width: 8, value: (a) => labelOf(WORKLOAD_LABELS, lang)(a.workload) },
    { zh: '挂职职务', en: 'Post held', width: 12, value: (a) => a.postHeld },
    { zh: '状态', en: 'Status', width: 8, value: (a) => labelOf(EXCHANGE_STATUS_LABELS, lang)(a.status) },
    { zh: '交流时长（小时）', en: 'Hours', width: 12, value: (a) => a.hours },
    { zh: '系统计算时长', en: 'Computed hours', width: 12, value: (a) => a.computedHours },
    { zh: '调整理由', en: 'Override reason', width: 20, value: (a) => a.overrideReason },
    { zh: '补贴（元）', en: 'Allowance (yuan)', width: 12, value: (a) => a.allowanceYuan },
    {
      zh: '考核等次',
      en: 'Evaluation',
      width: 8,
      value: (a) => labelOf(EVALUATION_GRADE_LABELS, lang)(a.evaluationGrade),
    },
  ];
}

export interface ReportSummary {
  byKind: Totals;
  byDirection: Totals;
  byHonour: Totals;
}

function writeSummary(sheet: Excel.Worksheet, s: ReportSummary, lang: Lang) {
  const head = lang === 'en' ? ['', 'People', 'Person-times', 'Hours'] : ['', '人数', '人次', '时长（小时）'];
  const block = (title: string, t: Totals, labels: Record<string, { zh: string; en: string }>) => {
    sheet.addRow([title]).font = { bold: true };
    sheet.addRow(head).font = { bold: true };
    for (const r of t.rows) sheet.addRow([labels[r.key]?.[lang] ?? r.label, r.people, r.personTimes, r.hours]);
    sheet.addRow([lang === 'en' ? 'Total' : '合计', t.total.people, t.total.personTimes, t.total.hours]).font = {
      bold: true,
    };
    sheet.addRow([]);
  };
  block(lang === 'en' ? 'By kind' : '按交流形式', s.byKind, EXCHANGE_KIND_LABELS);
  block(lang === 'en' ? 'By direction' : '按流向', s.byDirection, DIRECTION_LABELS);
  block(lang === 'en' ? 'By honour level' : '按荣誉层级', s.byHonour, HONOUR_LEVEL_LABELS);
}

/** The register sheet streams batch by batch; the summary (already aggregated in SQL) follows it. */
export async function writeReport(
  out: Writable,
  batches: AsyncIterable<Assignment[]>,
  summary: ReportSummary,
  lang: Lang,
): Promise<void> {
  const workbook = new (await loadExcelJS()).stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const columns = registerColumns(lang);
  const sheet = workbook.addWorksheet(lang === 'en' ? 'Register' : '交流名册', {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = columns.map((c) => ({ header: lang === 'en' ? c.en : c.zh, width: c.width ?? 14 }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for await (const batch of batches)
    for (const a of batch) sheet.addRow(columns.map((c) => c.value(a) ?? null)).commit();
  sheet.commit();
  const sum = workbook.addWorksheet(lang === 'en' ? 'Summary' : '汇总');
  sum.columns = [{ width: 22 }, { width: 10 }, { width: 10 }, { width: 14 }];
  writeSummary(sum, summary, lang);
  sum.commit();
  await workbook.commit();
}

export function sendReport(
  reply: FastifyReply,
  batches: AsyncIterable<Assignment[]>,
  summary: ReportSummary,
  lang: Lang,
): FastifyReply {
  const out = new PassThrough();
  const name = lang === 'en' ? 'teacher-exchange-report.xlsx' : '教师交流情况统计表.xlsx';
  reply
    .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', contentDisposition('attachment', name, 'exchange-report.xlsx'));
  writeReport(out, batches, summary, lang).catch((err: unknown) =>
    out.destroy(err instanceof Error ? err : new Error(String(err))),
  );
  return reply.send(out);
}
