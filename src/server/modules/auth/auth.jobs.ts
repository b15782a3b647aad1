import { sql } from 'kysely';
import { z } from 'zod';
import type { JobKind, JobSchedule } from '../../contracts/job.js';

/**
 * Sign-in housekeeping: expired sessions, login throttle rows past their longest wait (an hour; a
 * day is kept), spent or expired second-step challenges and SSO requests.
 */
export const expireSignIns: JobKind<Record<string, never>> = {
  name: 'auth.expire-sign-ins',
  payload: z.object({}).strict(),
  async run(_p, { db }) {
    const count = async (q: Promise<{ numAffectedRows?: bigint }>) => Number((await q).numAffectedRows ?? 0);
    return {
      sessions: await count(sql`delete from sessions where expires_at < now()`.execute(db)),
      loginThrottle: await count(
        sql`delete from login_throttle where last_failure_at < now() - interval '1 day'`.execute(db),
      ),
      challenges: await count(sql`delete from login_challenges where expires_at < now()`.execute(db)),
      oidcRequests: await count(sql`delete from oidc_login_requests where expires_at < now()`.execute(db)),
    };
  },
};

export const authJobs = {
  kinds: [expireSignIns],
  schedules: [{ name: 'auth.expire-sign-ins', kind: expireSignIns.name, everySeconds: 3600 }] satisfies JobSchedule[],
};
