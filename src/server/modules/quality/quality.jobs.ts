import { sql } from 'kysely';
import { z } from 'zod';
import type { JobKind, JobSchedule } from '../../contracts/job.js';
import type { Db } from '../../db/connection.js';
import { notifierOf, type Notifier } from '../../contracts/notify.js';
import { dropPendingStudents } from './import.staging.js';
import { IMPORT_CHECK, IMPORT_COMMIT, QualityImportService, type ImportJobPayload } from './import.service.js';

const STAGE = /^quality_(?:stage_|stage_students_|build_i_|build_s_)([0-9a-f]{32})$/;
const uuidOf = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/**
 * Score-import staging tables left behind: their job is gone or finished, or it has waited (checked,
 * never committed) or hung (checking, committing) longer than the import retention. Live ones stay.
 */
export const dropStaleStaging: JobKind<Record<string, never>> = {
  name: 'quality.drop-stale-staging',
  payload: z.object({}).strict(),
  timeoutSeconds: 600,
  async run(_p, { db, config }) {
    const tables = await sql<{ name: string }>`select tablename as name from pg_tables
      where schemaname = current_schema()
        and (tablename like 'quality\\_stage\\_%' or tablename like 'quality\\_build\\_%')`.execute(db);
    const byJob = new Map<string, string[]>();
    for (const t of tables.rows) {
      const hex = STAGE.exec(t.name)?.[1];
      if (hex) byJob.set(uuidOf(hex), [...(byJob.get(uuidOf(hex)) ?? []), t.name]);
    }
    if (!byJob.size) return { tables: 0 };
    const live = await sql<{ id: string }>`select id::text as id from quality_import_jobs
      where id::text = any(${[...byJob.keys()]}::text[]) and status in ('checking', 'checked', 'committing')
        and updated_at > now() - make_interval(days => ${Math.max(1, Math.ceil(config.importRetentionDays))})`.execute(
      db,
    );
    const keep = new Set(live.rows.map((r) => r.id));
    let dropped = 0;
    for (const [job, names] of byJob) {
      if (keep.has(job)) continue;
      await dropPendingStudents(db, job);
      for (const name of names) {
        await sql`drop table if exists ${sql.table(name)}`.execute(db);
        dropped += 1;
      }
    }
    return { tables: dropped };
  },
};

/** Checks an uploaded score sheet (import.service.ts); a run cut short starts again from the top. */
export const importCheck: JobKind<ImportJobPayload> = {
  ...IMPORT_CHECK,
  async run({ importId, caller }, { dbh, storage, attempt, modules }) {
    const service = new QualityImportService(dbh, storage);
    if (!(await service.exists(importId))) return { discarded: true };
    const job = await service.check(caller.actor, importId, attempt);
    if (job.status === 'checked' || job.status === 'invalid' || job.status === 'failed')
      await tell(notifierOf(modules), dbh.db, caller.actor.userId, importId, job.status, job.fileName, job.errorCount);
    return { status: job.status, rows: job.rowsChecked, errors: job.errorCount };
  },
  async onDead({ importId, caller }, { dbh, storage, modules }, reason) {
    await new QualityImportService(dbh, storage).abandon(importId, 'check', reason);
    await tell(notifierOf(modules), dbh.db, caller.actor.userId, importId, 'failed', '', 0);
  },
};

/** Writes a checked sheet in one transaction; a run cut short wrote nothing and runs again. */
export const importCommit: JobKind<ImportJobPayload> = {
  ...IMPORT_COMMIT,
  async run({ importId, caller }, { dbh, storage, attempt, signal, modules }) {
    const service = new QualityImportService(dbh, storage);
    if (!(await service.exists(importId))) return { discarded: true };
    const job = await service.commit(caller, importId, { attempt, signal });
    if (job.status === 'committed' || job.status === 'invalid')
      await tell(
        notifierOf(modules),
        dbh.db,
        caller.actor.userId,
        importId,
        job.status,
        job.fileName,
        job.errorCount,
        job.rowsWritten,
      );
    return { status: job.status, rows: job.rowsWritten };
  },
  async onDead({ importId, caller }, { dbh, storage, modules }, reason) {
    await new QualityImportService(dbh, storage).abandon(importId, 'commit', reason);
    await tell(notifierOf(modules), dbh.db, caller.actor.userId, importId, 'failed', '', 0);
  },
};

/** The bell (and the user's channels) says how a score import ended: a large file is not watched. */
async function tell(
  notify: Notifier,
  db: Db,
  userId: number,
  importId: string,
  status: 'checked' | 'invalid' | 'failed' | 'committed',
  fileName: string,
  errors: number,
  rows = 0,
) {
  const file = fileName ? `「${fileName}」` : '';
  const fileEn = fileName ? ` "${fileName}"` : '';
  const text = {
    checked: [
      '成绩文件检查通过，可以确认导入',
      'Score sheet checked: ready to commit',
      `${file}没有错误行。`,
      `${fileEn} has no bad rows.`,
    ],
    invalid: [
      '成绩文件有错误行',
      'Score sheet has bad rows',
      `${file}有 ${errors} 处错误，未写入任何数据。`,
      `${fileEn} has ${errors} problems; nothing was written.`,
    ],
    failed: [
      '成绩导入失败',
      'Score import failed',
      `${file}未写入任何数据，详见导入记录。`,
      `${fileEn}: nothing was written; see the import.`,
    ],
    committed: [
      '成绩已导入',
      'Scores imported',
      `${file}已写入 ${rows} 条成绩。`,
      `${fileEn}: ${rows} scores written.`,
    ],
  }[status];
  await notify(db, {
    userId,
    kind: 'import_finished',
    dedupeKey: `quality-import:${importId}:${status}`,
    title: text[0]!,
    titleEn: text[1]!,
    body: text[2]!,
    bodyEn: text[3]!,
    link: '/quality',
  });
}

export const qualityJobs = {
  kinds: [dropStaleStaging, importCheck, importCommit] as JobKind<unknown>[],
  schedules: [
    { name: 'quality.drop-stale-staging', kind: dropStaleStaging.name, everySeconds: 6 * 3600 },
  ] satisfies JobSchedule[],
};
