import { sql, type Kysely, type Migration } from 'kysely';

/** Applied migrations are never edited; add a new entry instead. */
export const plannerMigrations: Record<string, Migration> = {
  '20261124_1800_planner_plans': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table planner_plans (
          id integer generated always as identity primary key,
          kind text not null check (kind in ('pairing', 'exchange')),
          name text not null,
          region_code text not null references regions(code),
          status text not null default 'draft' check (status in ('draft', 'accepted')),
          settings jsonb not null,
          result jsonb,
          result_status text,
          objective double precision,
          proven_optimal boolean,
          created_by integer references users(id) on delete set null,
          created_by_name text,
          accepted_at timestamptz,
          accepted_by integer references users(id) on delete set null,
          effective_date date,
          created_community_ids integer[] not null default '{}',
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create index planner_plans_region_idx on planner_plans (region_code text_pattern_ops, created_at desc);
        create index planner_plans_kind_idx on planner_plans (kind, status);

        create table planner_exchange_assignments (
          id integer generated always as identity primary key,
          plan_id integer not null references planner_plans(id) on delete cascade,
          from_school_id integer not null references schools(id),
          to_school_id integer not null references schools(id),
          subject text not null,
          kind text not null check (kind in ('itinerant', 'support_teaching')),
          weekly_slots integer not null check (weekly_slots between 1 and 5),
          teacher_id integer references teachers(id) on delete set null,
          start_date date not null,
          status text not null default 'planned' check (status in ('planned', 'cancelled')),
          created_at timestamptz not null default now()
        );
        create index planner_exchange_plan_idx on planner_exchange_assignments (plan_id);
        create index planner_exchange_to_idx on planner_exchange_assignments (to_school_id, start_date);
        create index planner_exchange_from_idx on planner_exchange_assignments (from_school_id, start_date);
      `.execute(db);
    },
  },
  '20261205_2010_loose_planner_exchange_link': {
    async up(db: Kysely<unknown>) {
      // the exchange register's assignment a planned row was posted as (traceability plan ↔ register)
      await sql`
        alter table planner_exchange_assignments
          add column exchange_assignment_id integer references exchange_assignments(id) on delete set null;
        create index planner_exchange_posted_idx on planner_exchange_assignments (exchange_assignment_id);
      `.execute(db);
    },
  },
  /**
   * Travel times a bureau imports (成员校 → 核心校, minutes, from its map service or its own survey):
   * a region's pairing uses them instead of road-like kilometres when they cover every pair.
   */
  '20261205_2300_planner_travel_times': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table planner_travel_times (
          member_school_id integer not null references schools(id) on delete cascade,
          core_school_id integer not null references schools(id) on delete cascade,
          minutes numeric(7,1) not null check (minutes >= 0 and minutes <= 10000),
          updated_at timestamptz not null default now(),
          primary key (member_school_id, core_school_id)
        );
        create index planner_travel_times_core_idx on planner_travel_times (core_school_id);
      `.execute(db);
    },
  },
  '20261205_2300_planner_exchange_posted_kind': {
    async up(db: Kysely<unknown>) {
      // a planned row keeps the kind it was posted as, which the accept dialog may change (挂职, 跟岗 …)
      await sql`
        alter table planner_exchange_assignments drop constraint planner_exchange_assignments_kind_check;
        alter table planner_exchange_assignments add constraint planner_exchange_assignments_kind_check
          check (kind in ('support_teaching', 'rotation', 'secondment', 'shadowing', 'itinerant', 'send_lesson'));
      `.execute(db);
    },
  },
};
