import { z } from 'zod';
import type { JobKind, JobSchedule } from '../../contracts/job.js';
import { sweepImportFiles } from './retention.js';
import { notifierOf } from '../../contracts/notify.js';
import {
  IMPORT_CHECK,
  IMPORT_COMMIT,
  ImportService,
  importKindsOf,
  type ImportCheckPayload,
  type ImportCommitPayload,
} from './import.service.js';

/** Checks a large previewed file (import.service.ts runCheck); writes nothing to the registry. */
export const importCheckJob: JobKind<ImportCheckPayload> = {
  ...IMPORT_CHECK,
  async run({ importId, caller }, { db, storage, modules }) {
    return new ImportService(db, storage, importKindsOf(modules)).runCheck(caller, importId);
  },
  async onDead({ importId }, { db, storage, modules }, reason) {
    await new ImportService(db, storage, importKindsOf(modules)).abandonCheck(importId, reason);
  },
};

/** Writes a previewed spreadsheet (import.service.ts runCommit); a run cut short wrote nothing. */
export const importCommitJob: JobKind<ImportCommitPayload> = {
  ...IMPORT_COMMIT,
  async run({ importId, caller }, { db, storage, modules }) {
    const done = await new ImportService(db, storage, importKindsOf(modules)).runCommit(caller, importId);
    if (done.status === 'committed' || done.status === 'invalid')
      await notifierOf(modules)(db, {
        userId: caller.actor.userId,
        kind: 'import_finished',
        dedupeKey: `import:${importId}:${done.status}`,
        ...(done.status === 'committed'
          ? {
              title: '导入已完成',
              titleEn: 'Import written',
              body: `已写入 ${done.rows} 行。`,
              bodyEn: `${done.rows} rows written.`,
            }
          : {
              title: '导入未写入：数据已变化',
              titleEn: 'Import not written: the data changed',
              body: '预览之后数据已变化，有行不再有效，未写入任何数据。',
              bodyEn: 'The data changed since the preview; some rows are no longer valid; nothing was written.',
            }),
        link: '/imports',
      });
    return done;
  },
  async onDead({ importId, caller }, { db, storage, modules }, reason) {
    await new ImportService(db, storage, importKindsOf(modules)).abandonCommit(importId, reason);
    await notifierOf(modules)(db, {
      userId: caller.actor.userId,
      kind: 'import_finished',
      dedupeKey: `import:${importId}:failed`,
      title: '导入失败',
      titleEn: 'Import failed',
      body: '未写入任何数据，详见导入记录。',
      bodyEn: 'Nothing was written; see the import.',
      link: '/imports',
    });
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
  kinds: [sweepImportFilesJob, importCheckJob, importCommitJob] as JobKind<unknown>[],
  schedules: [
    { name: 'io.sweep-import-files', kind: sweepImportFilesJob.name, everySeconds: 6 * 3600 },
  ] satisfies JobSchedule[],
};
