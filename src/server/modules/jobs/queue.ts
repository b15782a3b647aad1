import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { JobKind, JobSchedule } from '../../contracts/job.js';
import { afterFailure, RETRY_BASE_SECONDS, RETRY_MAX_SECONDS } from './jobs.rules.js';

export const DEFAULT_TIMEOUT_SECONDS = 60;
export const DEFAULT_MAX_ATTEMPTS = 5;
/**
 * A running job's lease: its worker renews it while the job runs, so a worker that dies (crash,
 * kill -9, a machine gone) loses its jobs to the other instances within this many seconds, however
 * long the job itself may take (its timeout is separate).
 */
export const DEFAULT_LEASE_SECONDS = 30;

export interface JobRow {
  id: number;
  kind: string;
  payload: unknown;
  status: string;
  attempts: number;
  max_attempts: number;
  timeout_seconds: number;
  locked_by: string | null;
}

export interface EnqueueOptions {
  /** not before this instant */
  runAt?: Date;
  /** skip when a job with this key is already queued or running */
  singletonKey?: string;
}

/**
 * Queues a job of a declared kind, its payload checked now (a caller's mistake fails here, not in
 * the worker). Returns the job id, or null when `singletonKey` is already queued or running.
 */
export async function enqueueJob<P>(
  db: Db,
  kind: Pick<JobKind<P>, 'name' | 'payload' | 'maxAttempts' | 'timeoutSeconds'>,
  payload: P,
  opts: EnqueueOptions = {},
): Promise<number | null> {
  const parsed = kind.payload.parse(payload);
  const r = await sql<{ id: number }>`
    insert into jobs (kind, payload, run_at, max_attempts, timeout_seconds, singleton_key)
    values (${kind.name}, ${JSON.stringify(parsed ?? {})}::jsonb, ${(opts.runAt ?? new Date()).toISOString()}::timestamptz,
      ${kind.maxAttempts ?? DEFAULT_MAX_ATTEMPTS}, ${kind.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS}, ${opts.singletonKey ?? null})
    on conflict (singleton_key) where status in ('queued', 'running') do nothing
    returning id`.execute(db);
  return r.rows[0] ? Number(r.rows[0].id) : null;
}

/**
 * Takes the next due job of the given kinds, if any: SKIP LOCKED, so concurrent workers (in one
 * process or many) each get a different job; the lease runs for the job's timeout.
 */
export async function claimJob(
  db: Db,
  kinds: readonly string[],
  lease: string,
  leaseSeconds = DEFAULT_LEASE_SECONDS,
): Promise<JobRow | null> {
  if (!kinds.length) return null;
  const r = await sql<JobRow>`
    with next as (
      select id from jobs where status = 'queued' and run_at <= now() and kind = any(${[...kinds]}::text[])
      order by run_at, id limit 1 for update skip locked)
    update jobs j set status = 'running', attempts = j.attempts + 1, locked_by = ${lease},
      locked_until = now() + make_interval(secs => ${leaseSeconds}), started_at = now()
    from next where j.id = next.id
    returning j.id, j.kind, j.payload, j.status, j.attempts, j.max_attempts, j.timeout_seconds, j.locked_by`.execute(
    db,
  );
  const row = r.rows[0];
  return row ? { ...row, id: Number(row.id) } : null;
}

/** The run finished: done, with what it did. Ignored when the lease was lost meanwhile. */
export async function completeJob(db: Db, job: JobRow, result: unknown): Promise<boolean> {
  const r =
    await sql`update jobs set status = 'done', result = ${JSON.stringify(result ?? null)}::jsonb, finished_at = now(),
      locked_by = null, locked_until = null
    where id = ${job.id} and locked_by = ${job.locked_by} and status = 'running'`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** The run failed: retried after a back-off, or dead after its last attempt (`permanent`: dead at once). */
export async function failJob(
  db: Db,
  job: JobRow,
  error: string,
  permanent = false,
): Promise<'queued' | 'dead' | null> {
  const next = permanent ? { status: 'dead' as const, delaySeconds: 0 } : afterFailure(job.attempts, job.max_attempts);
  const r = await sql`update jobs set status = ${next.status}, last_error = ${error.slice(0, 4000)},
      run_at = now() + make_interval(secs => ${next.delaySeconds}), locked_by = null, locked_until = null,
      finished_at = ${next.status === 'dead' ? sql`now()` : sql`null`}
    where id = ${job.id} and locked_by = ${job.locked_by} and status = 'running'`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0 ? next.status : null;
}

/** A stopping worker hands a job back untouched (the attempt does not count). */
export async function releaseJob(db: Db, job: JobRow): Promise<void> {
  await sql`update jobs set status = 'queued', attempts = greatest(attempts - 1, 0), locked_by = null, locked_until = null, run_at = now()
    where id = ${job.id} and locked_by = ${job.locked_by} and status = 'running'`.execute(db);
}

/** The worker is alive: its running jobs keep their leases. */
export async function renewLeases(db: Db, leases: readonly string[], leaseSeconds = DEFAULT_LEASE_SECONDS) {
  if (!leases.length) return;
  await sql`update jobs set locked_until = now() + make_interval(secs => ${leaseSeconds})
    where status = 'running' and locked_by = any(${[...leases]}::text[])`.execute(db);
}

export interface ReapedJob {
  id: number;
  kind: string;
  status: 'queued' | 'dead';
  payload: unknown;
  last_error: string;
}

/**
 * Jobs whose lease ran out — their worker crashed, was killed or froze — go back to the queue after a
 * back-off, or die after their last attempt. Any instance may do this; each job is taken once. A
 * worker never reaps its own jobs (`workerId`): on the embedded database one long transaction can
 * hold back its renewals, and it times out its own jobs itself.
 */
export async function reapExpiredLeases(db: Db, workerId = ''): Promise<ReapedJob[]> {
  const r = await sql<ReapedJob>`
    update jobs set
      status = case when attempts >= max_attempts then 'dead' else 'queued' end,
      -- retryDelaySeconds(attempts) of jobs.rules.ts, in SQL: each expired job has its own count
      run_at = now() + make_interval(secs => least(${RETRY_MAX_SECONDS}::float8, ${RETRY_BASE_SECONDS}::float8 * power(2::float8, greatest(attempts, 1) - 1))),
      last_error = 'the worker stopped answering: its lease expired (crash, kill or freeze)',
      finished_at = case when attempts >= max_attempts then now() end,
      locked_by = null, locked_until = null
    where status = 'running' and locked_until < now() and (${workerId} = '' or locked_by not like ${`${workerId}:%`})
    returning id, kind, status, payload, last_error`.execute(db);
  return r.rows.map((x) => ({ ...x, id: Number(x.id) }));
}

/** Writes the manifests' schedules (a new period applies from the next run). */
export async function syncSchedules(db: Db, schedules: readonly JobSchedule[]): Promise<void> {
  for (const s of schedules) {
    await sql`insert into job_schedules (name, kind, every_seconds, payload) values (${s.name}, ${s.kind}, ${s.everySeconds}, ${JSON.stringify(s.payload ?? {})}::jsonb)
      on conflict (name) do update set kind = excluded.kind, every_seconds = excluded.every_seconds, payload = excluded.payload`.execute(
      db,
    );
  }
}

/** Schedules that are due, moved to their next period in the same statement: one instance gets each. */
export async function takeDueSchedules(db: Db): Promise<{ name: string; kind: string; payload: unknown }[]> {
  const r = await sql<{ name: string; kind: string; payload: unknown }>`
    update job_schedules set next_run_at = now() + make_interval(secs => every_seconds)
    where next_run_at <= now() returning name, kind, payload`.execute(db);
  return r.rows;
}

/**
 * Drops a job that is waiting (queued, or retrying after a back-off) or dead, for a module whose
 * user gave up what it was for (a discarded import). A running job is left alone: 'running'.
 */
export async function cancelJob(db: Db, id: number): Promise<'cancelled' | 'running' | 'absent'> {
  const r = await sql<{
    status: string;
  }>`delete from jobs where id = ${id} and status in ('queued', 'dead') returning status`.execute(db);
  if (r.rows.length) return 'cancelled';
  const left = await sql<{ status: string }>`select status from jobs where id = ${id}`.execute(db);
  return left.rows[0]?.status === 'running' ? 'running' : 'absent';
}
