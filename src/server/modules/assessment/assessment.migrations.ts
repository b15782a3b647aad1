import { sql, type Kysely, type Migration } from 'kysely';

/** Applied migrations are never edited; add a new entry instead. */
export const assessmentMigrations: Record<string, Migration> = {
  '20261124_1700_assessment_core': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table assessment_schemes (
          id integer generated always as identity primary key,
          region_code text not null references regions(code),
          year integer not null check (year between 2000 and 2100),
          name text not null,
          description text,
          version integer not null default 1 check (version >= 1),
          definition jsonb not null,
          created_by integer references users(id) on delete set null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          unique (region_code, year)
        );
        create index assessment_schemes_year_idx on assessment_schemes (year, region_code);

        create table assessment_scheme_versions (
          scheme_id integer not null references assessment_schemes(id) on delete cascade,
          version integer not null,
          definition jsonb not null,
          created_by integer references users(id) on delete set null,
          created_at timestamptz not null default now(),
          primary key (scheme_id, version)
        );

        create table assessment_evaluations (
          id integer generated always as identity primary key,
          scheme_id integer not null references assessment_schemes(id),
          community_id integer not null references communities(id),
          status text not null check (status in ('self_assessment', 'assessor_scoring', 'review', 'published', 'rescoring')),
          revision integer not null default 0,
          total double precision,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          unique (scheme_id, community_id)
        );
        create index assessment_evaluations_community_idx on assessment_evaluations (community_id);
        create index assessment_evaluations_status_idx on assessment_evaluations (scheme_id, status);

        create table assessment_assignments (
          id integer generated always as identity primary key,
          scheme_id integer not null references assessment_schemes(id) on delete cascade,
          community_id integer not null references communities(id),
          assessor_user_id integer not null references users(id) on delete cascade,
          created_at timestamptz not null default now(),
          unique (scheme_id, community_id, assessor_user_id)
        );
        create index assessment_assignments_user_idx on assessment_assignments (assessor_user_id, scheme_id);

        create table assessment_scores (
          evaluation_id integer not null references assessment_evaluations(id) on delete cascade,
          indicator_key text not null,
          stage text not null check (stage in ('self', 'assessor')),
          level_key text,
          points double precision not null check (points >= 0),
          comment text,
          evidence jsonb not null default '[]',
          scored_by integer references users(id) on delete set null,
          scored_by_name text,
          scored_at timestamptz not null default now(),
          primary key (evaluation_id, indicator_key, stage)
        );

        create table assessment_results (
          id integer generated always as identity primary key,
          evaluation_id integer not null references assessment_evaluations(id) on delete cascade,
          revision integer not null check (revision >= 1),
          scheme_version integer not null,
          scheme_snapshot jsonb not null,
          total double precision not null,
          dimensions jsonb not null,
          schools jsonb not null,
          explanation jsonb not null,
          series_values jsonb not null default '{}',
          published_by integer references users(id) on delete set null,
          published_at timestamptz not null default now(),
          unique (evaluation_id, revision)
        );

        create table assessment_appeals (
          id integer generated always as identity primary key,
          evaluation_id integer not null references assessment_evaluations(id) on delete cascade,
          indicator_key text not null,
          reason text not null,
          status text not null default 'open' check (status in ('open', 'accepted', 'rejected', 'resolved')),
          response text,
          filed_by integer references users(id) on delete set null,
          filed_by_name text,
          decided_by integer references users(id) on delete set null,
          created_at timestamptz not null default now(),
          decided_at timestamptz
        );
        create index assessment_appeals_evaluation_idx on assessment_appeals (evaluation_id, status);
      `.execute(db);
    },
  },
};
