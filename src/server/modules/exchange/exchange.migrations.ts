import { sql, type Kysely, type Migration } from 'kysely';

/** Applied migrations are never edited; add a new entry instead. */
export const exchangeMigrations: Record<string, Migration> = {
  '20261124_1200_exchange_core': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table exchange_settings (
          region_code text primary key references regions(code),
          day_hours double precision not null default 8 check (day_hours > 0 and day_hours <= 12),
          school_day_start text not null default '07:30' check (school_day_start ~ '^[0-2][0-9]:[0-5][0-9]$'),
          school_day_end text not null default '17:30' check (school_day_end ~ '^[0-2][0-9]:[0-5][0-9]$'),
          observations_per_month integer not null default 1 check (observations_per_month between 1 and 20),
          structure_floor double precision not null default 0.15 check (structure_floor between 0 and 1),
          promotion_months integer not null default 12 check (promotion_months between 0 and 120),
          updated_at timestamptz not null default now(),
          check (school_day_end > school_day_start)
        );

        create table exchange_rules (
          id integer generated always as identity primary key,
          region_code text not null references regions(code),
          name text not null,
          kinds text[] not null,
          cycle_years integer not null check (cycle_years between 1 and 10),
          cycle_start_year integer not null check (cycle_start_year between 2000 and 2100),
          male_max_age integer check (male_max_age between 18 and 70),
          female_max_age integer check (female_max_age between 18 and 70),
          location_classes text[] not null,
          is_active boolean not null default true,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create index exchange_rules_region_idx on exchange_rules (region_code text_pattern_ops);

        create table exchange_assignments (
          id integer generated always as identity primary key,
          teacher_id integer not null references teachers(id),
          kind text not null check (kind in ('support_teaching','rotation','secondment','shadowing','itinerant','send_lesson')),
          from_school_id integer not null references schools(id),
          to_school_id integer not null references schools(id),
          start_date date not null,
          end_date date not null,
          workload text not null check (workload in ('full_time','part_time')),
          part_time_fraction double precision check (part_time_fraction > 0 and part_time_fraction <= 1),
          status text not null check (status in ('planned','active','completed','cancelled')),
          post_held text,
          allowance_yuan double precision check (allowance_yuan >= 0),
          computed_hours double precision not null default 0 check (computed_hours >= 0),
          hours_override double precision check (hours_override >= 0),
          override_reason text,
          evaluation_grade text check (evaluation_grade in ('excellent','good','pass','fail')),
          evaluation_comment text,
          evaluated_at date,
          note text,
          created_by integer references users(id) on delete set null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          check (end_date >= start_date),
          check (to_school_id <> from_school_id),
          check (hours_override is null or override_reason is not null)
        );
        create index exchange_assignments_teacher_idx on exchange_assignments (teacher_id, start_date);
        create index exchange_assignments_from_idx on exchange_assignments (from_school_id, start_date);
        create index exchange_assignments_to_idx on exchange_assignments (to_school_id, start_date);
        create index exchange_assignments_filters_idx on exchange_assignments (kind, status, start_date);

        create table exchange_slots (
          id integer generated always as identity primary key,
          assignment_id integer not null references exchange_assignments(id) on delete cascade,
          weekday smallint not null check (weekday between 1 and 7),
          start_time text not null,
          end_time text not null,
          subject text,
          class_name text,
          check (end_time > start_time)
        );
        create index exchange_slots_assignment_idx on exchange_slots (assignment_id);

        create table exchange_sessions (
          id integer generated always as identity primary key,
          assignment_id integer not null references exchange_assignments(id) on delete cascade,
          held_on date not null,
          hours double precision not null check (hours > 0 and hours <= 12),
          topic text,
          created_at timestamptz not null default now()
        );
        create index exchange_sessions_assignment_idx on exchange_sessions (assignment_id, held_on);

        create table teacher_timetable_entries (
          id integer generated always as identity primary key,
          teacher_id integer not null references teachers(id) on delete cascade,
          school_id integer not null references schools(id),
          weekday smallint not null check (weekday between 1 and 7),
          start_time text not null,
          end_time text not null,
          subject text,
          class_name text,
          created_at timestamptz not null default now(),
          check (end_time > start_time)
        );
        create index teacher_timetable_teacher_idx on teacher_timetable_entries (teacher_id, weekday);

        create table mentorships (
          id integer generated always as identity primary key,
          community_id integer references communities(id),
          mentor_teacher_id integer not null references teachers(id),
          apprentice_teacher_id integer not null references teachers(id),
          signed_on date not null,
          ends_on date,
          goals text not null,
          observations_per_month integer not null default 1 check (observations_per_month between 1 and 20),
          status text not null default 'active' check (status in ('active','completed','terminated')),
          created_by integer references users(id) on delete set null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          check (mentor_teacher_id <> apprentice_teacher_id),
          check (ends_on is null or ends_on >= signed_on)
        );
        create index mentorships_mentor_idx on mentorships (mentor_teacher_id);
        create index mentorships_apprentice_idx on mentorships (apprentice_teacher_id);
        create index mentorships_community_idx on mentorships (community_id);

        create table mentorship_evaluations (
          id integer generated always as identity primary key,
          mentorship_id integer not null references mentorships(id) on delete cascade,
          semester text not null check (semester ~ '^[0-9]{4}-[0-9]{4}-[12]$'),
          grade text not null check (grade in ('excellent','good','pass','fail')),
          comment text,
          evaluated_by integer references users(id) on delete set null,
          evaluated_at timestamptz not null default now(),
          unique (mentorship_id, semester)
        );

        create table master_studios (
          id integer generated always as identity primary key,
          name text not null,
          region_code text not null references regions(code),
          community_id integer references communities(id),
          leader_teacher_id integer not null references teachers(id),
          subject text,
          founded_on date not null,
          description text,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create index master_studios_region_idx on master_studios (region_code text_pattern_ops);

        create table master_studio_members (
          studio_id integer not null references master_studios(id) on delete cascade,
          teacher_id integer not null references teachers(id),
          joined_on date not null,
          primary key (studio_id, teacher_id)
        );
        create index master_studio_members_teacher_idx on master_studio_members (teacher_id);
      `.execute(db);
    },
  },
  // the mentor's observations and demonstration lessons are activities (activities module), linked to the pair
  '20261124_1210_exchange_mentorship_activities': {
    async up(db: Kysely<unknown>) {
      await sql`
        alter table activities add column mentorship_id integer references mentorships(id) on delete set null;
        create index activities_mentorship_idx on activities (mentorship_id, kind, starts_at) where mentorship_id is not null;
      `.execute(db);
    },
  },
  /**
   * Summaries the statistics read instead of scanning every assignment or teacher: exchange totals
   * per community (postings under way or done) and the teacher structure per school (active
   * teachers). Statement-level triggers with transition tables recompute the keys a statement
   * touched, under a transaction advisory lock per key so two writers cannot leave a stale row.
   */
  '20261204_1530_exchange_summaries': {
    async up(db: Kysely<unknown>) {
      await sql`
        -- the community an assignment counts for: the sending school's at the time, preferring one the receiving school shares
        create function exchange_assignment_community(from_id integer, to_id integer, starts date, ends date)
        returns integer language sql stable as $$
          select m.community_id from community_memberships m
          where m.school_id = from_id and m.start_date <= ends and (m.end_date is null or m.end_date >= starts)
          order by (exists (select 1 from community_memberships m2 where m2.community_id = m.community_id and m2.school_id = to_id)) desc,
            m.community_id
          limit 1
        $$;

        create table exchange_community_totals (
          community_id integer primary key references communities(id) on delete cascade,
          people integer not null,
          person_times integer not null,
          hours double precision not null
        );

        create function exchange_refresh_community_totals(ids integer[]) returns void language plpgsql as $$
        declare k integer;
        begin
          for k in select distinct u from unnest(ids) u where u is not null order by 1 loop
            perform pg_advisory_xact_lock(7301, k);
          end loop;
          delete from exchange_community_totals where community_id = any(ids);
          insert into exchange_community_totals (community_id, people, person_times, hours)
          select c, count(distinct teacher_id)::int, count(*)::int, coalesce(sum(h), 0)::float8
          from (
            select exchange_assignment_community(a.from_school_id, a.to_school_id, a.start_date, a.end_date) as c,
              a.teacher_id, coalesce(a.hours_override, a.computed_hours) as h
            from exchange_assignments a
            where a.status in ('active', 'completed')
              and a.from_school_id in (select m.school_id from community_memberships m where m.community_id = any(ids))
          ) x
          where c = any(ids)
          group by c;
        end $$;

        create function exchange_assignments_summary_trg() returns trigger language plpgsql as $$
        begin
          if tg_op = 'INSERT' then
            perform exchange_refresh_community_totals(array(
              select distinct exchange_assignment_community(n.from_school_id, n.to_school_id, n.start_date, n.end_date)
              from n where n.status in ('active', 'completed')));
          elsif tg_op = 'DELETE' then
            perform exchange_refresh_community_totals(array(
              select distinct exchange_assignment_community(o.from_school_id, o.to_school_id, o.start_date, o.end_date)
              from o where o.status in ('active', 'completed')));
          else
            perform exchange_refresh_community_totals(array(
              select distinct exchange_assignment_community(r.from_school_id, r.to_school_id, r.start_date, r.end_date)
              from (
                select o.* from o join n using (id)
                where (o.teacher_id, o.from_school_id, o.to_school_id, o.start_date, o.end_date, o.status, o.computed_hours, o.hours_override)
                  is distinct from (n.teacher_id, n.from_school_id, n.to_school_id, n.start_date, n.end_date, n.status, n.computed_hours, n.hours_override)
                union all
                select n.* from o join n using (id)
                where (o.teacher_id, o.from_school_id, o.to_school_id, o.start_date, o.end_date, o.status, o.computed_hours, o.hours_override)
                  is distinct from (n.teacher_id, n.from_school_id, n.to_school_id, n.start_date, n.end_date, n.status, n.computed_hours, n.hours_override)
              ) r where r.status in ('active', 'completed')));
          end if;
          return null;
        end $$;
        create trigger exchange_assignments_summary_ins after insert on exchange_assignments
          referencing new table as n for each statement execute function exchange_assignments_summary_trg();
        create trigger exchange_assignments_summary_upd after update on exchange_assignments
          referencing old table as o new table as n for each statement execute function exchange_assignments_summary_trg();
        create trigger exchange_assignments_summary_del after delete on exchange_assignments
          referencing old table as o for each statement execute function exchange_assignments_summary_trg();

        -- a membership change can move the assignments sent from, or received by, its school to another community
        create function exchange_memberships_summary_trg() returns trigger language plpgsql as $$
        begin
          if tg_op = 'INSERT' then
            perform exchange_refresh_community_totals(array(
              select n.community_id from n
              union select m.community_id from community_memberships m where m.school_id in (
                select a.from_school_id from exchange_assignments a
                where a.from_school_id in (select n.school_id from n) or a.to_school_id in (select n.school_id from n))));
          elsif tg_op = 'DELETE' then
            perform exchange_refresh_community_totals(array(
              select o.community_id from o
              union select m.community_id from community_memberships m where m.school_id in (
                select a.from_school_id from exchange_assignments a
                where a.from_school_id in (select o.school_id from o) or a.to_school_id in (select o.school_id from o))));
          else
            perform exchange_refresh_community_totals(array(
              select o.community_id from o union select n.community_id from n
              union select m.community_id from community_memberships m where m.school_id in (
                select a.from_school_id from exchange_assignments a
                where a.from_school_id in (select o.school_id from o union select n.school_id from n)
                   or a.to_school_id in (select o.school_id from o union select n.school_id from n))));
          end if;
          return null;
        end $$;
        create trigger exchange_memberships_summary_ins after insert on community_memberships
          referencing new table as n for each statement execute function exchange_memberships_summary_trg();
        create trigger exchange_memberships_summary_upd after update on community_memberships
          referencing old table as o new table as n for each statement execute function exchange_memberships_summary_trg();
        create trigger exchange_memberships_summary_del after delete on community_memberships
          referencing old table as o for each statement execute function exchange_memberships_summary_trg();

        create table teacher_structure_school (
          school_id integer primary key references schools(id) on delete cascade,
          total integer not null,
          master integer not null,
          backbone integer not null,
          honours jsonb not null,
          aged integer not null,
          birth_year_sum bigint not null
        );

        -- master = 名师 honours, backbone = every honour but rising_star (MASTER_HONOURS / BACKBONE_HONOURS as of this migration)
        create function teacher_structure_refresh(ids integer[]) returns void language plpgsql as $$
        declare k integer;
        begin
          for k in select distinct u from unnest(ids) u where u is not null order by 1 loop
            perform pg_advisory_xact_lock(7302, k);
          end loop;
          delete from teacher_structure_school where school_id = any(ids);
          insert into teacher_structure_school (school_id, total, master, backbone, honours, aged, birth_year_sum)
          select t.school_id, count(*)::int,
            (count(*) filter (where t.honours && array['special_grade','famous_provincial','famous_city','leader_city','leader_county']::text[]))::int,
            (count(*) filter (where t.honours && array['special_grade','famous_provincial','famous_city','leader_city','leader_county','backbone_city','backbone_county']::text[]))::int,
            coalesce((select jsonb_object_agg(h.h, h.n) from (
              select x.h, count(*)::int as n from teachers t2 cross join unnest(t2.honours) as x(h)
              where t2.school_id = t.school_id and t2.status = 'active' group by x.h) h), '{}'::jsonb),
            count(t.birth_year)::int, coalesce(sum(t.birth_year), 0)::bigint
          from teachers t
          where t.status = 'active' and t.school_id = any(ids)
          group by t.school_id;
        end $$;

        create function teacher_structure_summary_trg() returns trigger language plpgsql as $$
        begin
          if tg_op = 'INSERT' then
            perform teacher_structure_refresh(array(select distinct n.school_id from n where n.status = 'active'));
          elsif tg_op = 'DELETE' then
            perform teacher_structure_refresh(array(select distinct o.school_id from o where o.status = 'active'));
          else
            perform teacher_structure_refresh(array(
              select o.school_id from o join n using (id)
              where (o.school_id, o.status, o.honours, o.birth_year) is distinct from (n.school_id, n.status, n.honours, n.birth_year)
              union
              select n.school_id from o join n using (id)
              where (o.school_id, o.status, o.honours, o.birth_year) is distinct from (n.school_id, n.status, n.honours, n.birth_year)));
          end if;
          return null;
        end $$;
        create trigger teacher_structure_summary_ins after insert on teachers
          referencing new table as n for each statement execute function teacher_structure_summary_trg();
        create trigger teacher_structure_summary_upd after update on teachers
          referencing old table as o new table as n for each statement execute function teacher_structure_summary_trg();
        create trigger teacher_structure_summary_del after delete on teachers
          referencing old table as o for each statement execute function teacher_structure_summary_trg();

        -- backfill
        select exchange_refresh_community_totals(array(select id from communities));
        select teacher_structure_refresh(array(select id from schools));
      `.execute(db);
    },
  },
};
