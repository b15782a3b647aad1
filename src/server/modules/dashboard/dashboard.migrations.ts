import { sql, type Kysely, type Migration } from 'kysely';

/** Applied migrations are never edited; add a new entry instead. */
export const dashboardMigrations: Record<string, Migration> = {
  '20261124_1900_dashboard_display_links': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table dashboard_display_links (
          id integer generated always as identity primary key,
          token_hash text not null unique,
          label text not null,
          scope_kind text not null check (scope_kind in ('region', 'community')),
          scope_id text not null,
          created_by integer not null references users(id),
          created_at timestamptz not null default now(),
          expires_at timestamptz not null,
          revoked_at timestamptz,
          last_used_at timestamptz
        );
        create index dashboard_display_links_scope_idx on dashboard_display_links (scope_kind, scope_id);
      `.execute(db);
    },
  },
  /**
   * Dashboard snapshots, kept until the data under them changes: a statement-level trigger on each
   * source table takes a number from its module's sequence (no row lock, so writers never wait on
   * each other); a panel's snapshot is current while its sources' numbers are those it was computed
   * at. Tables of modules that are not installed are skipped.
   */
  '20261124_1901_dashboard_snapshots': {
    async up(db: Kysely<unknown>) {
      await sql`
        create sequence dashboard_change_registry;
        create sequence dashboard_change_activities;
        create sequence dashboard_change_exchange;
        create sequence dashboard_change_resources;
        create sequence dashboard_change_assessment;
        create table dashboard_snapshots (
          cache_key text primary key,
          change_version text not null,
          payload jsonb not null,
          computed_at timestamptz not null default now(),
          refreshing_since timestamptz
        );
        create function dashboard_touch() returns trigger language plpgsql as $$
        begin
          perform nextval(TG_ARGV[0]::regclass);
          return null;
        end $$;
        do $$
        declare
          pair text[];
        begin
          foreach pair slice 1 in array array[
            ['schools', 'registry'], ['teachers', 'registry'], ['communities', 'registry'], ['community_memberships', 'registry'], ['regions', 'registry'],
            ['activities', 'activities'], ['activity_schools', 'activities'],
            ['exchange_assignments', 'exchange'], ['mentorships', 'exchange'],
            ['shared_courses', 'resources'], ['shared_course_sessions', 'resources'], ['shared_course_enrolments', 'resources'], ['shared_course_schools', 'resources'], ['resources', 'resources'],
            ['assessment_results', 'assessment'], ['assessment_evaluations', 'assessment'], ['assessment_schemes', 'assessment']]
          loop
            if to_regclass(pair[1]) is not null then
              execute format('create trigger dashboard_touch after insert or update or delete or truncate on %I for each statement execute function dashboard_touch(%L)',
                pair[1], 'dashboard_change_' || pair[2]);
            end if;
          end loop;
        end $$;
      `.execute(db);
    },
  },
  /** The quality panel's sources (exams and their scores), tracked like those of 1901. */
  '20261124_1902_dashboard_quality_changes': {
    async up(db: Kysely<unknown>) {
      await sql`
        create sequence dashboard_change_quality;
        do $$
        declare
          t text;
        begin
          foreach t in array array['quality_exams', 'quality_exam_subjects', 'quality_exam_schools', 'quality_scores']
          loop
            if to_regclass(t) is not null then
              execute format('create trigger dashboard_touch after insert or update or delete or truncate on %I for each statement execute function dashboard_touch(%L)',
                t, 'dashboard_change_quality');
            end if;
          end loop;
        end $$;
      `.execute(db);
    },
  },
  /**
   * Stale snapshots are refreshed by a job queued with the snapshot's key as its singleton key
   * (dashboard.jobs.ts): the queue keeps refreshes from running twice, so the claim column goes.
   */
  '20261204_0400_dashboard_snapshots_refresh_on_queue': {
    async up(db: Kysely<unknown>) {
      await sql`alter table dashboard_snapshots drop column refreshing_since`.execute(db);
    },
  },
};
