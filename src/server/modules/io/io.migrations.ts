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
  '20261203_1100_xls_import_mapping': {
    async up(db: Kysely<unknown>) {
      await sql`
        alter table import_jobs add column mapping jsonb;
        alter table import_jobs add column options jsonb not null default '{}';
        create table import_column_choices (
          kind text not null,
          scope_kind text not null,
          scope_id text not null,
          header text not null,
          field_key text not null,
          updated_by integer references users(id) on delete set null,
          updated_at timestamptz not null default now(),
          primary key (kind, scope_kind, scope_id, header)
        );
      `.execute(db);
    },
  },
  // the source file of an import holds personal data: when it was deleted (retention.ts)
  '20261203_1100_xls2_import_file_retention': {
    async up(db: Kysely<unknown>) {
      await sql`
        alter table import_jobs add column file_deleted_at timestamptz;
        alter table quality_import_jobs add column file_deleted_at timestamptz;
        create index import_jobs_file_kept_idx on import_jobs (status, committed_at) where file_deleted_at is null;
        create index quality_import_jobs_file_kept_idx on quality_import_jobs (status, committed_at) where file_deleted_at is null;
      `.execute(db);
    },
  },
};
