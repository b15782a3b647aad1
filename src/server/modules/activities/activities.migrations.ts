import { sql, type Kysely, type Migration } from 'kysely';

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
};
