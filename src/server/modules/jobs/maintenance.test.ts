import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { modules } from '../index.js';
import { jobContributions } from './jobs.contributions.js';
import { JobWorker } from './worker.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const exists = async (table: string) =>
  (await sql<{ t: string | null }>`select to_regclass(${table})::text as t`.execute(t.ctx.db)).rows[0]!.t !== null;

describe('scheduled maintenance', () => {
  it('runs every schedule of the installed modules at start, each logged with what it removed', async () => {
    const db = t.ctx.db;
    const admin = await db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
    // an expired and a live session, an old and a fresh throttle row, an expired challenge
    await sql`insert into sessions (id, user_id, expires_at) values ('old', ${admin.id}, now() - interval '1 hour'), ('live', ${admin.id}, now() + interval '1 day')`.execute(
      db,
    );
    await sql`insert into login_throttle (key, failures, last_failure_at) values ('ip:old', 3, now() - interval '2 days'), ('ip:new', 3, now())`.execute(
      db,
    );
    await sql`insert into login_challenges (id, user_id, kind, via, expires_at) values ('ch', ${admin.id}, 'totp', 'password', now() - interval '1 minute')`.execute(
      db,
    );
    // a dashboard snapshot nobody refreshed for a month, and one of today
    await sql`insert into dashboard_snapshots (cache_key, change_version, payload, computed_at) values
      ('old', '1', '{}', now() - interval '30 days'), ('new', '1', '{}', now())`.execute(db);
    // a kept total and a kept answer two days old (go), and fresh ones (kept)
    await sql`insert into list_totals (key, versions, total, exact, computed_at) values
      ('old', '1', 5, true, now() - interval '2 days'), ('fresh', '1', 5, true, now())`.execute(db);
    await sql`insert into kept_results (key, versions, payload, computed_at) values
      ('old', '1', '[]', now() - interval '2 days'), ('fresh', '1', '[]', now())`.execute(db);
    // a score-import staging table whose job is gone
    const orphan = `quality_stage_${randomUUID().replace(/-/g, '')}`;
    await sql`create unlogged table ${sql.table(orphan)} (row_no int)`.execute(db);
    // finished jobs: done a month ago (goes), dead a week ago (kept: someone may look), done today (kept)
    await sql`insert into jobs (kind, status, max_attempts, timeout_seconds, finished_at) values
      ('x.old-done', 'done', 1, 60, now() - interval '30 days'), ('x.recent-dead', 'dead', 1, 60, now() - interval '7 days'),
      ('x.recent-done', 'done', 1, 60, now())`.execute(db);

    const { kinds, schedules } = jobContributions(modules);
    expect(schedules.map((s) => s.name).sort()).toEqual([
      'auth.expire-sign-ins',
      'dashboard.prune-snapshots',
      'io.sweep-import-files',
      'jobs.prune-finished',
      'notifications.deliver',
      'notifications.scan',
      'quality.drop-stale-staging',
      'reports.sweep-expired',
    ]);
    const lines: { message: string; data: Record<string, unknown> }[] = [];
    await new JobWorker(t.ctx, kinds, schedules, { log: (_l, message, data) => lines.push({ message, data }) }).drain();

    const jobs = await db.selectFrom('jobs').select(['kind', 'status', 'result']).orderBy('kind').execute();
    expect(jobs).toEqual([
      {
        kind: 'auth.expire-sign-ins',
        status: 'done',
        result: { sessions: 1, loginThrottle: 1, challenges: 1, oidcRequests: 0 },
      },
      {
        kind: 'dashboard.prune-snapshots',
        status: 'done',
        result: { snapshots: 1, keptTotals: 1, keptAnswers: 1 },
      },
      { kind: 'io.sweep-import-files', status: 'done', result: { files: 0 } },
      { kind: 'jobs.prune-finished', status: 'done', result: { done: 1, dead: 0 } },
      // nothing to notify about, no channel configured
      { kind: 'notifications.deliver', status: 'done', result: { sent: 0, waiting: 0 } },
      { kind: 'notifications.scan', status: 'done', result: { found: 0, created: 0 } },
      { kind: 'quality.drop-stale-staging', status: 'done', result: { tables: 1 } },
      { kind: 'reports.sweep-expired', status: 'done', result: { reports: 0 } },
      { kind: 'x.recent-dead', status: 'dead', result: null },
      { kind: 'x.recent-done', status: 'done', result: null },
    ]);
    expect((await sql<{ id: string }>`select id from sessions`.execute(db)).rows.map((r) => r.id)).toEqual(['live']);
    expect(await exists(orphan)).toBe(false);
    const logged = lines.filter((l) => l.message === 'job done').map((l) => [l.data.kind, l.data.result]);
    expect(logged).toContainEqual([
      'auth.expire-sign-ins',
      { sessions: 1, loginThrottle: 1, challenges: 1, oidcRequests: 0 },
    ]);
  });
});
