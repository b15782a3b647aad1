import { z } from 'zod';
import type { JobKind, JobSchedule } from '../../contracts/job.js';
import { sweepImportFiles } from './retention.js';

/** Import source files (personal data) deleted after GONGJIN_IMPORT_RETENTION_DAYS (retention.ts). */
export const sweepImportFilesJob: JobKind<Record<string, never>> = {
  name: 'io.sweep-import-files',
  payload: z.object({}).strict(),
  timeoutSeconds: 600,
  async run(_p, { db, storage, config, now }) {
    return { files: await sweepImportFiles(db, storage, { now: now(), retentionDays: config.importRetentionDays }) };
  },
};

export const ioJobs = {
  kinds: [sweepImportFilesJob],
  schedules: [
    { name: 'io.sweep-import-files', kind: sweepImportFilesJob.name, everySeconds: 6 * 3600 },
  ] satisfies JobSchedule[],
};
