import { z } from 'zod';
import type { JobKind, JobSchedule } from '../../contracts/job.js';
import { sweepImportFiles } from './retention.js';
import { IMPORT_COMMIT, ImportService, importKindsOf, type ImportCommitPayload } from './import.service.js';

/** Writes a previewed spreadsheet (import.service.ts runCommit); a run cut short wrote nothing. */
export const importCommitJob: JobKind<ImportCommitPayload> = {
  ...IMPORT_COMMIT,
  async run({ importId, caller }, { db, storage, modules }) {
    return new ImportService(db, storage, importKindsOf(modules)).runCommit(caller, importId);
  },
  async onDead({ importId }, { db, storage, modules }, reason) {
    await new ImportService(db, storage, importKindsOf(modules)).abandonCommit(importId, reason);
  },
};

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
  kinds: [sweepImportFilesJob, importCommitJob] as JobKind<unknown>[],
  schedules: [
    { name: 'io.sweep-import-files', kind: sweepImportFilesJob.name, everySeconds: 6 * 3600 },
  ] satisfies JobSchedule[],
};
