import { sql, type Kysely, type Migration } from 'kysely';
import { keepGinPendingListsShort } from '../../db/gin.js';

/** Applied migrations are never edited; add a new entry instead. */
export const resourcesMigrations: Record<string, Migration> = {
  '20261124_1400_resources_library': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table resources (
          id integer generated always as identity primary key,
          title text not null,
          description text,
          kind text not null check (kind in ('courseware', 'lesson_plan', 'exercise', 'recorded_lesson', 'micro_lesson', 'other')),
          subject text not null,
          grade smallint check (grade between 1 and 12),
          textbook_edition text,
          unit text,
          tags text[] not null default '{}',
          school_id integer not null references schools(id),
          community_id integer references communities(id),
          region_code text not null references regions(code),
          visibility text not null check (visibility in ('school', 'community', 'region', 'public')),
          license_note text,
          owner_user_id integer references users(id) on delete set null,
          activity_id integer,
          recommended boolean not null default false,
          recommended_at timestamptz,
          recommended_by integer references users(id) on delete set null,
          current_version_id integer,
          view_count integer not null default 0,
          download_count integer not null default 0,
          rating_sum integer not null default 0,
          rating_count integer not null default 0,
          comment_count integer not null default 0,
          -- lexemes built in TypeScript (resources.search.ts): Han bigrams + Latin words, weighted
          search_vec tsvector not null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          check (visibility <> 'community' or community_id is not null)
        );
        create index resources_search_idx on resources using gin (search_vec);
        create index resources_school_idx on resources (school_id, created_at desc);
        create index resources_community_idx on resources (community_id, created_at desc);
        create index resources_region_idx on resources (region_code text_pattern_ops);
        create index resources_facets_idx on resources (subject, grade, kind);
        create index resources_owner_idx on resources (owner_user_id, created_at desc);
        create index resources_created_idx on resources (created_at desc, id desc);
        create index resources_popular_idx on resources ((view_count + download_count) desc, id desc);
        create index resources_activity_idx on resources (activity_id) where activity_id is not null;

        create table resource_versions (
          id integer generated always as identity primary key,
          resource_id integer not null references resources(id) on delete cascade,
          version_no integer not null,
          storage_key text,
          url text,
          file_name text,
          mime_type text,
          size_bytes bigint,
          sha256 text,
          note text,
          created_by integer references users(id) on delete set null,
          created_at timestamptz not null default now(),
          unique (resource_id, version_no),
          check ((storage_key is null) <> (url is null))
        );

        -- chunked, resumable uploads: the state lives here so any instance can take the next chunk
        create table resource_uploads (
          id uuid primary key,
          user_id integer not null references users(id) on delete cascade,
          file_name text not null,
          mime_type text not null,
          size bigint not null check (size > 0),
          received_bytes bigint not null default 0,
          chunk_count integer not null default 0,
          status text not null default 'open' check (status in ('open', 'complete', 'used', 'failed')),
          storage_key text,
          sha256 text,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          check (received_bytes <= size)
        );
        create index resource_uploads_user_idx on resource_uploads (user_id, created_at);
        create table resource_upload_chunks (
          upload_id uuid not null references resource_uploads(id) on delete cascade,
          idx integer not null,
          byte_offset bigint not null,
          bytes bigint not null,
          storage_key text not null,
          primary key (upload_id, idx)
        );

        -- one row per (resource, user, kind): a view counts again only after the window has passed
        create table resource_view_marks (
          resource_id integer not null references resources(id) on delete cascade,
          user_id integer not null references users(id) on delete cascade,
          kind text not null check (kind in ('view', 'download')),
          last_at timestamptz not null,
          primary key (resource_id, user_id, kind)
        );
        create table resource_usage_daily (
          resource_id integer not null references resources(id) on delete cascade,
          day date not null,
          views integer not null default 0,
          downloads integer not null default 0,
          primary key (resource_id, day)
        );
        create index resource_usage_day_idx on resource_usage_daily (day, resource_id);

        create table resource_ratings (
          resource_id integer not null references resources(id) on delete cascade,
          user_id integer not null references users(id) on delete cascade,
          stars smallint not null check (stars between 1 and 5),
          updated_at timestamptz not null default now(),
          primary key (resource_id, user_id)
        );
        create table resource_comments (
          id integer generated always as identity primary key,
          resource_id integer not null references resources(id) on delete cascade,
          user_id integer references users(id) on delete set null,
          body text not null,
          created_at timestamptz not null default now()
        );
        create index resource_comments_resource_idx on resource_comments (resource_id, created_at);
      `.execute(db);
    },
  },
  '20261124_1410_resources_courses': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table shared_courses (
          id integer generated always as identity primary key,
          title text not null,
          description text,
          subject text not null,
          target_grades integer[] not null default '{}',
          owner_school_id integer not null references schools(id),
          community_id integer references communities(id),
          school_year integer not null,
          created_by integer references users(id) on delete set null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create index shared_courses_owner_idx on shared_courses (owner_school_id, school_year);
        create index shared_courses_community_idx on shared_courses (community_id, school_year);
        create table shared_course_schools (
          course_id integer not null references shared_courses(id) on delete cascade,
          school_id integer not null references schools(id),
          primary key (course_id, school_id)
        );
        create index shared_course_schools_school_idx on shared_course_schools (school_id);
        -- activity_id links a shared_course activity of the activities module (no FK: modules stay independent)
        create table shared_course_sessions (
          id integer generated always as identity primary key,
          course_id integer not null references shared_courses(id) on delete cascade,
          held_on date not null,
          class_hours numeric(4, 1) not null check (class_hours > 0),
          topic text not null,
          activity_id integer,
          created_at timestamptz not null default now()
        );
        create index shared_course_sessions_course_idx on shared_course_sessions (course_id, held_on);
        create table shared_course_enrolments (
          id integer generated always as identity primary key,
          course_id integer not null references shared_courses(id) on delete cascade,
          school_id integer not null references schools(id),
          class_name text not null,
          students integer not null check (students > 0),
          created_at timestamptz not null default now(),
          unique (course_id, school_id, class_name)
        );
        create index shared_course_enrolments_school_idx on shared_course_enrolments (school_id);
      `.execute(db);
    },
  },
  '20261206_1000_resource_thumbnails': {
    async up(db: Kysely<unknown>) {
      // per version: a new version of an image gets its own thumbnail; the job fills it in later
      await sql`alter table resource_versions add column thumb_key text`.execute(db);
    },
  },
  // a bureau's own resource (a county notice, a regional lesson collection) belongs to no school
  '20261206_1010_resources_region_owned': {
    async up(db: Kysely<unknown>) {
      await sql`alter table resources alter column school_id drop not null`.execute(db);
    },
  },
  // searches read a GIN index's whole pending list: keep it short (db/gin.ts)
  '20261206_1200_resources_gin_pending_lists': {
    async up(db: Kysely<unknown>) {
      await keepGinPendingListsShort(db, ['resources_search_idx']);
    },
  },
};
