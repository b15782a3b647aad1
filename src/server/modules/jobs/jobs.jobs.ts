import { sql } from 'kysely';
import { z } from 'zod';
import type { JobKind, JobSchedule } from '../../contracts/job.js';

/**
 * The queue keeps what each job did (the jobs page, `result`), but not for ever: every stale
 * dashboard panel and every import adds a row. Done jobs go after `doneDays`; dead ones, which
 * someone may still need to look at, after `deadDays`.
 */
export const pruneFinishedJobs: JobKind<{ doneDays: number; deadDays: number }> = {
  name: 'jobs.prune-finished',
  payload: z.object({ doneDays: z.number().int().positive(), deadDays: z.number().int().positive() }),
  timeoutSeconds: 600,
  async run({ doneDays, deadDays }, { db }) {
    const done =
      await sql`delete from jobs where status = 'done' and finished_at < now() - make_interval(days => ${doneDays})`.execute(
        db,
      );
    const dead =
      await sql`delete from jobs where status = 'dead' and finished_at < now() - make_interval(days => ${deadDays})`.execute(
        db,
      );
    return { done: Number(done.numAffectedRows ?? 0), dead: Number(dead.numAffectedRows ?? 0) };
  },
};

export const jobsJobs = {
  kinds: [pruneFinishedJobs] as JobKind<unknown>[],
  schedules: [
    {
      name: 'jobs.prune-finished',
      kind: pruneFinishedJobs.name,
      everySeconds: 24 * 3600,
      payload: { doneDays: 7, deadDays: 30 },
    },
  ] satisfies JobSchedule[],
};
