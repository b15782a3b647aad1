import { sql, type Migration } from 'kysely';

export const reportsMigrations: Record<string, Migration> = {
  '20261204_0900_reports_jobs': {
    async up(db) {
      await sql`
        create table report_jobs (
          id uuid primary key,
          kind text not null,
          params jsonb not null,
          status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
          progress integer not null default 0 check (progress between 0 and 100),
          message text,
          file_key text,
          file_name text,
          content_type text,
          size bigint,
          created_by integer not null references users (id) on delete cascade,
          created_at timestamptz not null default now(),
          finished_at timestamptz,
          expires_at timestamptz
        );
        -- "my recent reports", and the sweep of expired files
        create index report_jobs_created_by_idx on report_jobs (created_by, created_at desc);
        create index report_jobs_expires_idx on report_jobs (expires_at) where expires_at is not null;
      `.execute(db);
    },
  },
};
