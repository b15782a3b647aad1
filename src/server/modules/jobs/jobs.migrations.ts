import { sql, type Kysely, type Migration } from 'kysely';

export const jobsMigrations: Record<string, Migration> = {
  /**
   * The job queue: one table claimed with FOR UPDATE SKIP LOCKED (several instances never take the
   * same job), leases that expire when a worker dies, and schedules advanced by a conditional update
   * (one instance enqueues each period).
   */
  '20261204_0200_jobs': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table jobs (
          id bigserial primary key,
          kind text not null,
          payload jsonb not null default '{}',
          status text not null default 'queued' check (status in ('queued', 'running', 'done', 'dead')),
          run_at timestamptz not null default now(),
          attempts integer not null default 0,
          max_attempts integer not null check (max_attempts > 0),
          timeout_seconds integer not null check (timeout_seconds > 0),
          locked_by text,
          locked_until timestamptz,
          last_error text,
          result jsonb,
          singleton_key text,
          created_at timestamptz not null default now(),
          started_at timestamptz,
          finished_at timestamptz
        );
        create index jobs_due_idx on jobs (run_at, id) where status = 'queued';
        create index jobs_lease_idx on jobs (locked_until) where status = 'running';
        create index jobs_list_idx on jobs (status, id desc);
        create unique index jobs_singleton_idx on jobs (singleton_key) where status in ('queued', 'running');
        create table job_schedules (
          name text primary key,
          kind text not null,
          every_seconds integer not null check (every_seconds > 0),
          payload jsonb not null default '{}',
          next_run_at timestamptz not null default now()
        );
      `.execute(db);
    },
  },
};
