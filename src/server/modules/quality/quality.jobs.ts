import { sql } from 'kysely';
import { z } from 'zod';
import type { JobKind, JobSchedule } from '../../contracts/job.js';
import { IMPORT_CHECK, IMPORT_COMMIT, QualityImportService, type ImportJobPayload } from './import.service.js';

const STAGE = /^quality_stage_(?:students_)?([0-9a-f]{32})$/;
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
      where schemaname = current_schema() and tablename like 'quality\\_stage\\_%'`.execute(db);
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
  async run({ importId, caller }, { dbh, storage, attempt }) {
    const service = new QualityImportService(dbh, storage);
    if (!(await service.exists(importId))) return { discarded: true };
    const job = await service.check(caller.actor, importId, attempt);
    return { status: job.status, rows: job.rowsChecked, errors: job.errorCount };
  },
  async onDead({ importId }, { dbh, storage }, reason) {
    await new QualityImportService(dbh, storage).abandon(importId, 'check', reason);
  },
};

/** Writes a checked sheet in one transaction; a run cut short wrote nothing and runs again. */
export const importCommit: JobKind<ImportJobPayload> = {
  ...IMPORT_COMMIT,
  async run({ importId, caller }, { dbh, storage, attempt, signal }) {
    const service = new QualityImportService(dbh, storage);
    if (!(await service.exists(importId))) return { discarded: true };
    const job = await service.commit(caller, importId, { attempt, signal });
    return { status: job.status, rows: job.rowsWritten };
  },
  async onDead({ importId }, { dbh, storage }, reason) {
    await new QualityImportService(dbh, storage).abandon(importId, 'commit', reason);
  },
};

export const qualityJobs = {
  kinds: [dropStaleStaging, importCheck, importCommit] as JobKind<unknown>[],
  schedules: [
    { name: 'quality.drop-stale-staging', kind: dropStaleStaging.name, everySeconds: 6 * 3600 },
  ] satisfies JobSchedule[],
};
