import { z } from 'zod';
import type { JobKind, JobSchedule } from '../../contracts/job.js';
import { GENERATE, markFailed, runReport, sweepExpiredReports, type GeneratePayload } from './reports.service.js';

/** Writes one report's file; its last failure (or a lost worker) leaves the report visibly failed. */
export const generateReport: JobKind<GeneratePayload> = {
  ...GENERATE,
  run: runReport,
  async onDead({ reportId, lang }, { db }, reason) {
    await markFailed(db, reportId, lang === 'en' ? `Generation failed: ${reason}` : `生成失败：${reason}`);
  },
};

/** Report files are kept REPORT_RETENTION_DAYS, then deleted (with their rows). */
export const sweepExpired: JobKind<Record<string, never>> = {
  name: 'reports.sweep-expired',
  payload: z.object({}).strict(),
  timeoutSeconds: 600,
  async run(_p, { db, storage }) {
    return { reports: await sweepExpiredReports(db, storage) };
  },
};

export const reportsJobs = {
  kinds: [generateReport, sweepExpired],
  schedules: [{ name: 'reports.sweep-expired', kind: sweepExpired.name, everySeconds: 3600 }] satisfies JobSchedule[],
};
