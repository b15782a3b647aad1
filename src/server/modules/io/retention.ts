import type { Db } from '../../db/connection.js';
import type { BlobStorage } from '../../storage/blob-storage.js';

/**
 * Import source files (registry rosters, score sheets) hold names, 身份证号 and addresses: they are
 * kept only while a job may still need them. A job that failed or was refused for good loses its file at
 * once (the services call `dropImportFile`); a committed job keeps it `retentionDays` days (to
 * answer "what exactly was imported?"), and a preview nobody committed is dropped after as long.
 * Everything the sweep needs is in the job rows (file_deleted_at), so any instance can run it,
 * at start and then periodically, and a restart forgets nothing.
 */

export interface SweepOptions {
  now: Date;
  retentionDays: number;
}

const TABLES = ['import_jobs', 'quality_import_jobs'] as const;
type JobTable = (typeof TABLES)[number];
/**
 * States in which the job will never read its file again. A registry preview with row errors
 * ('invalid') may still be re-checked with another column mapping, so it waits like a preview.
 */
const DONE: Record<JobTable, string[]> = { import_jobs: ['failed'], quality_import_jobs: ['invalid', 'failed'] };
/** States whose file is still needed until it ages out: awaiting commit, or stuck mid-way. */
const WAITING: Record<JobTable, string[]> = {
  import_jobs: ['invalid', 'validated', 'checked', 'checking', 'committing'],
  quality_import_jobs: ['validated', 'checked', 'checking', 'committing'],
};

/** Deletes one job's file and records it; safe to call twice. */
export async function dropImportFile(
  db: Db,
  storage: BlobStorage,
  table: JobTable,
  id: string,
  now: Date = new Date(),
): Promise<void> {
  const row = await db
    .selectFrom(table)
    .select(['file_key', 'file_deleted_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row || row.file_deleted_at) return;
  await storage.delete(row.file_key);
  await db
    .updateTable(table)
    .set({ file_deleted_at: now.toISOString() })
    .where('id', '=', id)
    .where('file_deleted_at', 'is', null)
    .execute();
}

/** One sweep over both job tables; returns how many files were deleted. */
export async function sweepImportFiles(db: Db, storage: BlobStorage, opts: SweepOptions): Promise<number> {
  const cutoff = new Date(opts.now.getTime() - opts.retentionDays * 86400000).toISOString();
  let deleted = 0;
  for (const table of TABLES) {
    // a thousand at a time, until none is due
    for (;;) {
      const rows = await db
        .selectFrom(table)
        .select(['id', 'file_key'])
        .where('file_deleted_at', 'is', null)
        .where((eb) =>
          eb.or([
            eb('status', 'in', DONE[table]),
            eb.and([eb('status', '=', 'committed'), eb('committed_at', '<=', cutoff)]),
            eb.and([eb('status', 'in', WAITING[table]), eb('created_at', '<=', cutoff)]),
          ]),
        )
        .limit(1000)
        .execute();
      for (const r of rows) {
        await storage.delete(r.file_key);
        await db.updateTable(table).set({ file_deleted_at: opts.now.toISOString() }).where('id', '=', r.id).execute();
        deleted += 1;
      }
      if (rows.length < 1000) break;
    }
  }
  return deleted;
}
