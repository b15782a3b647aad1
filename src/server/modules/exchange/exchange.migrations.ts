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
};
