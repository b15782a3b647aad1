import { sql, type Kysely, type Migration } from 'kysely';
import { keepGinPendingListsShort } from '../../db/gin.js';

/** Applied migrations are never edited; add a new entry instead (block 1000–1099). */
export const activitiesMigrations: Record<string, Migration> = {
  '20261124_1000_activities_core': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table activities (
          id integer generated always as identity primary key,
          community_id integer not null references communities(id),
          organizer_school_id integer not null references schools(id),
          kind text not null check (kind in ('sync_class','joint_prep','research','lecture','demo_lesson','observation',
            'shared_course','student_exchange','culture','management_visit','training')),
          title text not null,
          description text,
          starts_at timestamptz not null,
          ends_at timestamptz not null,
          semester text not null check (semester ~ '^[0-9]{4}-[0-9]{4}-[12]$'),
          teacher_count integer not null default 0 check (teacher_count between 0 and 3000),
          student_count integer not null default 0 check (student_count between 0 and 20000),
          details jsonb not null default '{}',
          created_by integer references users(id) on delete set null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          check (ends_at > starts_at)
        );
        create index activities_community_idx on activities (community_id, starts_at);
        create index activities_semester_idx on activities (semester, community_id, kind);
        create index activities_kind_time_idx on activities (kind, starts_at);
        create index activities_organizer_idx on activities (organizer_school_id, starts_at);
        create index activities_created_by_idx on activities (created_by);

        create table activity_schools (
          activity_id integer not null references activities(id) on delete cascade,
          school_id integer not null references schools(id),
          role text not null check (role in ('organizer', 'participant')),
          primary key (activity_id, school_id)
        );
        create index activity_schools_school_idx on activity_schools (school_id, activity_id);

        create table activity_attachments (
          id integer generated always as identity primary key,
          activity_id integer not null references activities(id) on delete cascade,
          group_id text not null,
          version integer not null check (version >= 1),
          category text not null check (category in ('photo', 'document')),
          file_key text not null unique,
          thumb_key text,
          file_name text not null,
          mime_type text not null,
          size_bytes integer not null check (size_bytes >= 0),
          caption text,
          uploaded_by integer references users(id) on delete set null,
          uploaded_at timestamptz not null default now(),
          unique (group_id, version)
        );
        create index activity_attachments_activity_idx on activity_attachments (activity_id, group_id, version);

        create table work_plans (
          id integer generated always as identity primary key,
          community_id integer not null references communities(id),
          semester text not null check (semester ~ '^[0-9]{4}-[0-9]{4}-[12]$'),
          title text not null,
          notes text,
          created_by integer references users(id) on delete set null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          unique (community_id, semester)
        );
        create index work_plans_semester_idx on work_plans (semester);

        create table work_plan_targets (
          id integer generated always as identity primary key,
          plan_id integer not null references work_plans(id) on delete cascade,
          kind text not null,
          target_count integer not null check (target_count between 1 and 1000),
          cadence text not null check (cadence in ('semester', 'monthly')),
          school_id integer references schools(id),
          grade smallint check (grade between 1 and 9),
          subject text,
          month text check (month ~ '^[0-9]{4}-[0-9]{2}$'),
          note text
        );
        create index work_plan_targets_plan_idx on work_plan_targets (plan_id);

        create table support_ledger (
          id integer generated always as identity primary key,
          community_id integer not null references communities(id),
          recipient_school_id integer not null references schools(id),
          donor_type text not null check (donor_type in ('core_school', 'member_school', 'bureau', 'donor')),
          donor_school_id integer references schools(id),
          donor_name text,
          category text not null,
          item text not null,
          quantity numeric(14, 2) check (quantity >= 0),
          unit text,
          value_yuan numeric(14, 2) not null check (value_yuan >= 0),
          given_on date not null,
          note text,
          evidence_key text,
          evidence_name text,
          evidence_mime text,
          evidence_size integer,
          created_by integer references users(id) on delete set null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create index support_ledger_community_idx on support_ledger (community_id, given_on);
        create index support_ledger_recipient_idx on support_ledger (recipient_school_id, given_on);
      `.execute(db);
    },
  },
  '20261124_1001_activities_time_index': {
    async up(db: Kysely<unknown>) {
      // the activity list sorts everything a bureau sees by time
      await sql`create index activities_starts_idx on activities (starts_at desc, id desc)`.execute(db);
    },
  },
  /**
   * Summaries the statistics read instead of the activities table: per community, organising school,
   * kind, semester and month (the first day of the month in Asia/Shanghai), and the same per
   * participating school. Kept current inside the writing transaction by statement-level triggers
   * with transition tables; see docs/activity-summaries.md.
   *
   * activity_summary takes the signed difference of the statement's old and new rows. The per-school
   * summary is rebuilt for the schools a statement touches: a deleted activity's participant rows go
   * by cascade after the activities trigger has run, when the activity they belonged to is gone, so a
   * difference cannot be taken there. A rebuild takes an advisory lock per school so that two
   * transactions rebuilding one school see each other's committed rows.
   */
  '20261205_2010_offline_activity_client_id': {
    async up(db) {
      await sql
        .raw(
          `alter table activities add column client_id uuid;
           create unique index activities_client_id on activities (created_by, client_id) where client_id is not null;
           alter table activity_attachments add column client_id uuid;
           create unique index activity_attachments_client_id on activity_attachments (uploaded_by, client_id)
             where client_id is not null;`,
        )
        .execute(db);
    },
  },
  '20261204_1010_activity_summaries': {
    async up(db: Kysely<unknown>) {
      const month = (t: string) => `date_trunc('month', ${t}.starts_at at time zone 'Asia/Shanghai')::date`;
      const sessions = (t: string) =>
        `case when ${t}.kind = 'sync_class' then greatest(case when jsonb_typeof(${t}.details->'receiving') = 'array'
          then jsonb_array_length(${t}.details->'receiving') else 0 end, 1) else 1 end`;
      const delta = (t: string, sign: number) =>
        `select ${t}.community_id, ${t}.organizer_school_id, ${t}.kind, ${t}.semester, ${month(t)} as month,
          ${sign} as activities, ${sign} * (${sessions(t)}) as sessions,
          ${sign} * ${t}.teacher_count as teacher_times, ${sign} * ${t}.student_count as student_times from ${t}`;
      // the upsert hands back the communities where a key fell to nothing; those rows go
      const apply = (rows: string) => `
        with d as (
          select community_id, organizer_school_id, kind, semester, month, sum(activities)::int as activities,
            sum(sessions)::bigint as sessions, sum(teacher_times)::bigint as teacher_times,
            sum(student_times)::bigint as student_times
          from (${rows}) r group by 1, 2, 3, 4, 5
        ), up as (
          insert into activity_summary as s (community_id, organizer_school_id, kind, semester, month,
            activities, sessions, teacher_times, student_times)
          select * from d where activities <> 0 or sessions <> 0 or teacher_times <> 0 or student_times <> 0
          order by 1, 2, 3, 4, 5
          on conflict (community_id, kind, month, organizer_school_id, semester) do update set
            activities = s.activities + excluded.activities, sessions = s.sessions + excluded.sessions,
            teacher_times = s.teacher_times + excluded.teacher_times,
            student_times = s.student_times + excluded.student_times
          returning s.community_id, s.activities
        )
        select array_agg(distinct community_id) into emptied from up where activities = 0;
        if emptied is not null then
          delete from activity_summary where community_id = any(emptied) and activities = 0;
        end if;`;
      await sql
        .raw(
          `
        create table activity_summary (
          community_id integer not null,
          organizer_school_id integer not null,
          kind text not null,
          semester text not null,
          month date not null,
          activities integer not null,
          sessions bigint not null,
          teacher_times bigint not null,
          student_times bigint not null,
          primary key (community_id, kind, month, organizer_school_id, semester)
        );
        create index activity_summary_month_idx on activity_summary (month, kind);

        create table activity_school_summary (
          school_id integer not null,
          community_id integer not null,
          organizer_school_id integer not null,
          kind text not null,
          semester text not null,
          month date not null,
          activities integer not null,
          sessions bigint not null,
          teacher_times bigint not null,
          student_times bigint not null,
          primary key (school_id, kind, month, community_id, organizer_school_id, semester)
        );
        create index activity_school_summary_community_idx on activity_school_summary (community_id, month);

        create function activity_school_summary_rebuild(ids integer[]) returns void language plpgsql as $fn$
        begin
          if ids is null or cardinality(ids) = 0 then
            return;
          end if;
          perform pg_advisory_xact_lock(hashtext('activity_school_summary'), id)
            from (select distinct unnest(ids) as id) i order by id;
          delete from activity_school_summary where school_id = any(ids);
          insert into activity_school_summary (school_id, community_id, organizer_school_id, kind, semester, month,
            activities, sessions, teacher_times, student_times)
          select x.school_id, a.community_id, a.organizer_school_id, a.kind, a.semester, ${month('a')},
            count(*)::int, sum(${sessions('a')}), sum(a.teacher_count), sum(a.student_count)
          from activity_schools x join activities a on a.id = x.activity_id
          where x.school_id = any(ids)
          group by 1, 2, 3, 4, 5, 6;
        end $fn$;

        create function activity_summary_on_activities() returns trigger language plpgsql as $fn$
        declare
          emptied integer[];
        begin
          if TG_OP = 'INSERT' then
            ${apply(delta('new_rows', 1))}
            -- participant rows reference the activity, so a new activity has none yet
          elsif TG_OP = 'DELETE' then
            ${apply(delta('old_rows', -1))}
            -- its participant rows go by cascade, and their trigger rebuilds those schools
          else
            ${apply(`${delta('new_rows', 1)} union all ${delta('old_rows', -1)}`)}
            perform activity_school_summary_rebuild(array(
              select distinct x.school_id from new_rows n join old_rows o on o.id = n.id
              join activity_schools x on x.activity_id = n.id
              where (n.community_id, n.organizer_school_id, n.kind, n.semester, ${month('n')}, ${sessions('n')},
                n.teacher_count, n.student_count) is distinct from (o.community_id, o.organizer_school_id, o.kind,
                o.semester, ${month('o')}, ${sessions('o')}, o.teacher_count, o.student_count)));
          end if;
          return null;
        end $fn$;

        create function activity_summary_on_activity_schools() returns trigger language plpgsql as $fn$
        begin
          if TG_OP = 'INSERT' then
            perform activity_school_summary_rebuild(array(select school_id from new_rows));
          elsif TG_OP = 'DELETE' then
            perform activity_school_summary_rebuild(array(select school_id from old_rows));
          else
            perform activity_school_summary_rebuild(array(select school_id from new_rows
              union select school_id from old_rows));
          end if;
          return null;
        end $fn$;

        create function activity_summary_on_truncate() returns trigger language plpgsql as $fn$
        begin
          if TG_TABLE_NAME = 'activities' then
            delete from activity_summary;
          end if;
          delete from activity_school_summary;
          return null;
        end $fn$;

        create trigger activity_summary_insert after insert on activities
          referencing new table as new_rows for each statement execute function activity_summary_on_activities();
        create trigger activity_summary_update after update on activities
          referencing old table as old_rows new table as new_rows
          for each statement execute function activity_summary_on_activities();
        create trigger activity_summary_delete after delete on activities
          referencing old table as old_rows for each statement execute function activity_summary_on_activities();
        create trigger activity_summary_truncate after truncate on activities
          for each statement execute function activity_summary_on_truncate();
        create trigger activity_summary_insert after insert on activity_schools
          referencing new table as new_rows for each statement execute function activity_summary_on_activity_schools();
        create trigger activity_summary_update after update on activity_schools
          referencing old table as old_rows new table as new_rows
          for each statement execute function activity_summary_on_activity_schools();
        create trigger activity_summary_delete after delete on activity_schools
          referencing old table as old_rows for each statement execute function activity_summary_on_activity_schools();
        create trigger activity_summary_truncate after truncate on activity_schools
          for each statement execute function activity_summary_on_truncate();

        insert into activity_summary (community_id, organizer_school_id, kind, semester, month,
          activities, sessions, teacher_times, student_times)
        select a.community_id, a.organizer_school_id, a.kind, a.semester, ${month('a')},
          count(*)::int, sum(${sessions('a')}), sum(a.teacher_count), sum(a.student_count)
        from activities a group by 1, 2, 3, 4, 5;
        insert into activity_school_summary (school_id, community_id, organizer_school_id, kind, semester, month,
          activities, sessions, teacher_times, student_times)
        select x.school_id, a.community_id, a.organizer_school_id, a.kind, a.semester, ${month('a')},
          count(*)::int, sum(${sessions('a')}), sum(a.teacher_count), sum(a.student_count)
        from activity_schools x join activities a on a.id = x.activity_id group by 1, 2, 3, 4, 5, 6;
        analyze activity_summary;
        analyze activity_school_summary;
      `,
        )
        .execute(db);
    },
  },
  '20261205_1000_activities_title_grams': {
    async up(db: Kysely<unknown>) {
      // a title search (教研, 同步课堂) answered through the registry's 1- and 2-character grams
      // (gongjin_grams, migration 20261204_1500) instead of reading a million titles
      await sql`create index activities_title_grams_idx on activities using gin (gongjin_grams(title))`.execute(db);
    },
  },
  '20261205_2100_activity_video_evidence': {
    async up(db: Kysely<unknown>) {
      // a sync class's recording may be attached as evidence (and is then published to the library)
      await sql`
        alter table activity_attachments drop constraint activity_attachments_category_check;
        alter table activity_attachments add constraint activity_attachments_category_check
          check (category in ('photo', 'document', 'video'));
      `.execute(db);
    },
  },
  // a filtered activities list keeps its total until an activity changes (registry migration 20261205_2300)
  '20261205_2301_activities_list_totals': {
    async up(db: Kysely<unknown>) {
      await sql`select gongjin_track_list_changes('activities'); select gongjin_track_list_changes('activity_schools')`.execute(
        db,
      );
    },
  },
  // searches read a GIN index's whole pending list: keep it short (db/gin.ts)
  '20261206_1200_activities_gin_pending_lists': {
    async up(db: Kysely<unknown>) {
      await keepGinPendingListsShort(db, ['activities_title_grams_idx']);
    },
  },
};
