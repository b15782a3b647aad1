import { sql } from 'kysely';
import { z } from 'zod';
import type { JobKind, JobSchedule } from '../../contracts/job.js';

/** Snapshots keep their day in the key, so old ones are never read again; those not refreshed for a week go. */
export const pruneSnapshots: JobKind<{ keepDays: number }> = {
  name: 'dashboard.prune-snapshots',
  payload: z.object({ keepDays: z.number().int().positive().default(7) }),
  async run({ keepDays }, { db }) {
    const r =
      await sql`delete from dashboard_snapshots where computed_at < now() - make_interval(days => ${keepDays})`.execute(
        db,
      );
    return { snapshots: Number(r.numAffectedRows ?? 0) };
  },
};

export const dashboardJobs = {
  kinds: [pruneSnapshots],
  schedules: [
    { name: 'dashboard.prune-snapshots', kind: pruneSnapshots.name, everySeconds: 6 * 3600, payload: { keepDays: 7 } },
  ] satisfies JobSchedule[],
};
