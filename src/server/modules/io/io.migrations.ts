import { sql, type Kysely, type Migration } from 'kysely';

export const ioMigrations: Record<string, Migration> = {
  '20261123_0400_io': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table import_jobs (
          id text primary key,
          kind text not null,
          status text not null,
          file_key text not null,
          file_name text not null,
          file_size bigint not null,
          total_rows integer not null default 0,
          valid_rows integer not null default 0,
          error_count integer not null default 0,
          errors jsonb not null default '[]',
          result jsonb,
          created_by integer not null references users(id),
          scope_kind text not null,
          scope_id text not null,
          created_at timestamptz not null default now(),
          committed_at timestamptz
        );
        create index import_jobs_creator_idx on import_jobs (created_by, created_at desc);
      `.execute(db);
    },
  },
};
