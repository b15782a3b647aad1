import type { ReportKind } from '../../contracts/report.js';
import { archiveQuery, type ArchiveQuery } from '../../../shared/activities.schemas.js';
import { archiveAccess, ArchiveService } from './archive.service.js';
import { PlansService } from './plans.service.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The community archive (档案) as background reports, written by the same ArchiveService as the
 * synchronous downloads (/api/v1/activity-archive.xlsx|pdf): loading is the first fifth of the bar,
 * the rest follows the rows (xlsx) or entries and photos (PDF) written.
 */
function archiveReport(format: 'xlsx' | 'pdf'): ReportKind<ArchiveQuery> {
  return {
    name: `activities.archive-${format}`,
    label:
      format === 'xlsx'
        ? { zh: '活动档案（Excel）', en: 'Activity archive (xlsx)' }
        : { zh: '工作档案汇编（PDF）', en: 'Archive booklet (PDF)' },
    params: archiveQuery,
    async authorize(actor, params, db) {
      await archiveAccess(db, actor, params.communityId);
    },
    async generate(params, ctx) {
      const archive = new ArchiveService(ctx.db, ctx.storage, new PlansService(ctx.db));
      const lang = params.lang ?? ctx.lang;
      const data = await archive.load(ctx.actor, { ...params, lang });
      ctx.onProgress(20);
      const progress = (done: number) => ctx.onProgress(20 + done * 79);
      if (format === 'xlsx')
        return {
          fileName: `${data.communityName}-${data.periodLabel}-${lang === 'en' ? 'archive' : '活动档案'}.xlsx`,
          contentType: XLSX,
          buffer: await archive.xlsx(data, lang, progress),
        };
      return {
        fileName: `${data.communityName}-${data.periodLabel}-${lang === 'en' ? 'archive' : '工作档案'}.pdf`,
        contentType: 'application/pdf',
        buffer: await archive.pdf(data, lang, progress),
      };
    },
  };
}

export const activitiesReports = [archiveReport('xlsx'), archiveReport('pdf')];
