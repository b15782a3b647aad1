import type { ReportKind } from '../../contracts/report.js';
import { reportQuery } from '../../../shared/dashboard.schemas.js';
import type { z } from 'zod';
import { dashboardContributions } from './dashboard.contributions.js';
import { DashboardService } from './dashboard.service.js';
import { reportPdf, reportTitle, reportXlsx } from './report.documents.js';
import { ReportService } from './report.service.js';

type ReportParams = z.infer<typeof reportQuery>;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The annual report as background reports, written by the same code as the synchronous downloads
 * (/api/v1/dashboard/report.pdf|xlsx). Its panels report no progress of their own: the bar moves
 * when the figures are in and when the file is written.
 */
function annualReport(format: 'pdf' | 'xlsx'): ReportKind<ReportParams> {
  return {
    name: `dashboard.report-${format}`,
    label:
      format === 'pdf'
        ? { zh: '年度报告（PDF）', en: 'Annual report (PDF)' }
        : { zh: '年度报告（Excel）', en: 'Annual report (xlsx)' },
    params: reportQuery,
    async authorize(actor, params, db, modules) {
      // the scope check of the dashboard itself: a region or community outside the actor's scope
      await new DashboardService(db, dashboardContributions(modules)).context(actor, params);
    },
    async generate(params, ctx) {
      const lang = params.lang ?? ctx.lang;
      const data = await new ReportService(ctx.db, dashboardContributions(ctx.modules)).load(ctx.actor, params);
      ctx.onProgress(60);
      const title = reportTitle(data, lang);
      return format === 'pdf'
        ? { fileName: `${title}.pdf`, contentType: 'application/pdf', buffer: await reportPdf(data, lang) }
        : { fileName: `${title}.xlsx`, contentType: XLSX, buffer: await reportXlsx(data, lang) };
    },
  };
}

export const dashboardReports = [annualReport('pdf'), annualReport('xlsx')];
