import { sql, type Kysely, type Migration } from 'kysely';
import { keepGinPendingListsShort } from '../../db/gin.js';

/** Applied migrations are never edited; add a new entry instead. */
export const registryMigrations: Record<string, Migration> = {
  '20261123_0100_registry': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table regions (
          code text primary key,
          name text not null,
          level smallint not null check (level between 0 and 4),
          parent_code text references regions(code),
          is_statistical boolean not null default false
        );
        create index regions_parent_idx on regions (parent_code);
        create index regions_name_idx on regions (name);

        create table schools (
          id integer generated always as identity primary key,
          code text not null unique,
          name text not null,
          short_name text,
          region_code text not null references regions(code),
          township_code text references regions(code),
          level text not null,
          location_class text not null,
          is_teaching_point boolean not null default false,
          parent_school_id integer references schools(id),
          quality_tier text,
          latitude double precision check (latitude between -90 and 90),
          longitude double precision check (longitude between -180 and 180),
          address text,
          principal_name text,
          phone text,
          founded_year integer,
          students integer check (students >= 0),
          classes integer check (classes >= 0),
          has_recording_classroom boolean not null default false,
          has_sync_classroom boolean not null default false,
          is_active boolean not null default true,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create index schools_region_idx on schools (region_code text_pattern_ops);
        create index schools_name_idx on schools (name);
        create index schools_filters_idx on schools (level, location_class);

        create table teachers (
          id integer generated always as identity primary key,
          teacher_code text not null unique,
          school_id integer not null references schools(id),
          name text not null,
          gender char(1) not null check (gender in ('M', 'F')),
          birth_year integer check (birth_year between 1930 and 2020),
          phone text,
          subjects text[] not null default '{}',
          major_subject text,
          title text not null default 'none',
          honours text[] not null default '{}',
          posts text[] not null default '{}',
          qualification text,
          hire_year integer,
          status text not null default 'active',
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create index teachers_school_idx on teachers (school_id, name);
        create index teachers_name_idx on teachers (name);
        create index teachers_subjects_idx on teachers using gin (subjects);
        create index teachers_honours_idx on teachers using gin (honours);

        create table communities (
          id integer generated always as identity primary key,
          code text not null unique,
          name text not null,
          type text not null,
          model text not null,
          region_code text not null references regions(code),
          is_cross_region boolean not null default false,
          partner_region_code text references regions(code),
          founded_on date not null,
          dissolved_on date,
          description text,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          check (dissolved_on is null or dissolved_on >= founded_on)
        );
        create index communities_region_idx on communities (region_code text_pattern_ops);
        create index communities_partner_idx on communities (partner_region_code text_pattern_ops);

        create table community_memberships (
          id integer generated always as identity primary key,
          community_id integer not null references communities(id) on delete cascade,
          school_id integer not null references schools(id),
          role text not null check (role in ('core', 'member')),
          start_date date not null,
          end_date date,
          note text,
          created_at timestamptz not null default now(),
          check (end_date is null or end_date >= start_date)
        );
        create index memberships_community_idx on community_memberships (community_id, start_date);
        create index memberships_school_idx on community_memberships (school_id, start_date);

        create table leadership_members (
          id integer generated always as identity primary key,
          community_id integer not null references communities(id) on delete cascade,
          person_name text not null,
          teacher_id integer references teachers(id),
          school_id integer references schools(id),
          role text not null check (role in ('leader', 'deputy', 'member')),
          position text,
          work_group text,
          start_date date not null,
          end_date date,
          created_at timestamptz not null default now(),
          check (end_date is null or end_date >= start_date)
        );
        create index leadership_community_idx on leadership_members (community_id);

        create table school_year_stats (
          id integer generated always as identity primary key,
          school_id integer not null references schools(id),
          school_year integer not null check (school_year between 1990 and 2100),
          students_total integer not null check (students_total >= 0),
          classes_total integer not null check (classes_total >= 0),
          teachers_total integer not null check (teachers_total >= 0),
          students_by_grade jsonb not null default '{}',
          classes_by_size_band jsonb not null default '{}',
          teachers_by_qualification jsonb not null default '{}',
          teachers_by_honour jsonb not null default '{}',
          teachers_by_subject jsonb not null default '{}',
          teachers_above_qualification integer check (teachers_above_qualification >= 0),
          backbone_teachers integer check (backbone_teachers >= 0),
          pe_art_teachers integer check (pe_art_teachers >= 0),
          building_area double precision check (building_area >= 0),
          teaching_aux_area double precision check (teaching_aux_area >= 0),
          sports_ground_area double precision check (sports_ground_area >= 0),
          equipment_value double precision check (equipment_value >= 0),
          multimedia_classrooms integer check (multimedia_classrooms >= 0),
          recording_classrooms integer check (recording_classrooms >= 0),
          is_standardized boolean not null default false,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          unique (school_id, school_year)
        );
      `.execute(db);
    },
  },
  /**
   * Issue 16: pupils by grade are keyed '1'…'12' (src/shared/grades.ts). The demo generator wrote
   * 'g1'…; rename those keys. Where a record holds both forms of one grade the plain key wins;
   * keys that are neither form of a grade 1–12 cannot be read by anything and are dropped.
   */
  '20261203_0700_num_grade_keys': {
    async up(db: Kysely<unknown>) {
      await sql`
        update school_year_stats s
        set students_by_grade = coalesce((
          select jsonb_object_agg(k, v)
          from (
            select distinct on (k) k, v
            from (
              select regexp_replace(key, '^[gG]', '') as k, value as v, key ~ '^[gG]' as old
              from jsonb_each(s.students_by_grade)
            ) e
            where k ~ '^(1[0-2]|[1-9])$'
            order by k, old
          ) d
        ), '{}'::jsonb)
        where exists (select 1 from jsonb_object_keys(s.students_by_grade) key where key !~ '^(1[0-2]|[1-9])$')
      `.execute(db);
    },
  },
  /**
   * Name search an index can serve at province scale, in Chinese too (see db/grams.ts): the 1- and
   * 2-character substrings of a name, lower-cased, behind GIN expression indexes; and an index on
   * teachers' phone so a teacher search (name, code or phone) is a bitmap OR, not a sequential scan.
   */
  '20261204_1500_list_search_grams': {
    async up(db: Kysely<unknown>) {
      await sql`
        -- a loop is the cheapest body (a set-returning SQL body costs three times as much per row);
        -- the high cost tells the planner to reach rows through the index (where a containment test
        -- is not rechecked) rather than compute grams row by row, and to test like first when it must
        create function gongjin_grams(t text) returns text[]
        language plpgsql immutable strict parallel safe cost 1000
        as $$
        declare
          l text := lower(t);
          n int := char_length(l);
          r text[] := '{}';
        begin
          for i in 1..n loop
            r := r || substr(l, i, 1);
            if i < n then r := r || substr(l, i, 2); end if;
          end loop;
          return r;
        end
        $$;
        create function gongjin_grams_query(q text) returns text[]
        language sql immutable strict parallel safe
        as $$
          select case when char_length(q) <= 1 then array_remove(array[lower(q)], '')
            else (select array_agg(distinct substr(lower(q), i, 2)) from generate_series(1, char_length(q) - 1) as i)
          end
        $$;
        create index teachers_name_grams_idx on teachers using gin (gongjin_grams(name));
        create index teachers_phone_idx on teachers (phone);
        create index schools_name_grams_idx on schools using gin (gongjin_grams(name));
        create index schools_short_name_grams_idx on schools using gin (gongjin_grams(short_name));
        create index schools_code_pattern_idx on schools (code text_pattern_ops);
        create index communities_name_grams_idx on communities using gin (gongjin_grams(name));
        create index communities_code_grams_idx on communities using gin (gongjin_grams(code));
      `.execute(db);
    },
  },
  /**
   * Kept list totals (db/totals.ts `changesOf`): a total counted for one list, scope and filter is
   * reused until a table under it changes. Each tracked table takes a number from its own sequence
   * at every writing statement (no row lock: writers never wait on each other), and a kept total is
   * current while those numbers are the ones it was counted at. Other modules track their tables
   * with `gongjin_track_list_changes(table)`.
   */
  '20261205_2300_list_totals': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table list_totals (
          key text primary key,
          versions text not null,
          total bigint not null,
          exact boolean not null,
          computed_at timestamptz not null default now()
        );
        create function list_change_touch() returns trigger language plpgsql as $$
        begin
          perform nextval(TG_ARGV[0]::regclass);
          return null;
        end $$;
        create function gongjin_track_list_changes(tbl text) returns void language plpgsql as $$
        begin
          execute format('create sequence if not exists %I', 'list_change_' || tbl);
          execute format('create trigger list_change after insert or update or delete or truncate on %I '
            'for each statement execute function list_change_touch(%L)', tbl, 'list_change_' || tbl);
        end $$;
        select gongjin_track_list_changes('schools');
        select gongjin_track_list_changes('teachers');
        select gongjin_track_list_changes('communities');
        select gongjin_track_list_changes('community_memberships');
        select gongjin_track_list_changes('school_year_stats');
      `.execute(db);
    },
  },
  /** the school years present, newest first, found by the index (statistics list, page by page) */
  '20261205_2310_school_year_stats_year': {
    async up(db: Kysely<unknown>) {
      await sql`create index school_year_stats_year_idx on school_year_stats (school_year)`.execute(db);
    },
  },
  /**
   * The county of a teacher's school, kept on the teacher (by triggers, whatever writes the rows), so
   * a county bureau's teacher list reads its own teachers in list order from an index instead of the
   * whole province's teachers, filtered by school, until a page is found.
   */
  '20261205_2320_teachers_county_code': {
    async up(db: Kysely<unknown>) {
      await sql`
        alter table teachers add column county_code text;
        update teachers t set county_code = s.region_code from schools s where s.id = t.school_id;
        alter table teachers alter column county_code set not null;
        create function teachers_set_county() returns trigger language plpgsql as $$
        begin
          new.county_code := (select s.region_code from schools s where s.id = new.school_id);
          return new;
        end $$;
        create trigger teachers_county before insert or update of school_id on teachers
          for each row execute function teachers_set_county();
        create function schools_move_teachers() returns trigger language plpgsql as $$
        begin
          update teachers set county_code = new.region_code where school_id = new.id;
          return null;
        end $$;
        create trigger schools_county after update of region_code on schools
          for each row when (old.region_code is distinct from new.region_code)
          execute function schools_move_teachers();
        create index teachers_county_code_idx on teachers (county_code, teacher_code);
        create index teachers_county_name_idx on teachers (county_code, name, id);
      `.execute(db);
    },
  },
  /**
   * The counties each community touches — its own region, its partner region and every member
   * school's county — kept by triggers, so "communities a region bureau may see" is one indexed read
   * instead of a union over communities, memberships and schools on every request.
   */
  '20261205_2330_community_regions': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table community_regions (
          community_id int not null references communities(id) on delete cascade,
          -- byte order, so a region's prefix (33%, 3304%) is a range of the primary key
          region_code text collate "C" not null,
          primary key (region_code, community_id)
        );
        create index community_regions_community_idx on community_regions (community_id);
        create function community_regions_refresh(cid int) returns void language plpgsql as $$
        begin
          delete from community_regions where community_id = cid;
          insert into community_regions (community_id, region_code)
          select cid, r from (
            select c.region_code as r from communities c where c.id = cid
            union select c.partner_region_code from communities c where c.id = cid and c.partner_region_code is not null
            union select s.region_code from community_memberships m join schools s on s.id = m.school_id
              where m.community_id = cid
          ) codes where r is not null;
        end $$;
        create function community_regions_of_community() returns trigger language plpgsql as $$
        begin
          perform community_regions_refresh(new.id);
          return null;
        end $$;
        create trigger community_regions_community after insert or update of region_code, partner_region_code
          on communities for each row execute function community_regions_of_community();
        create function community_regions_of_membership() returns trigger language plpgsql as $$
        begin
          if tg_op in ('UPDATE', 'DELETE') then perform community_regions_refresh(old.community_id); end if;
          if tg_op in ('INSERT', 'UPDATE') then perform community_regions_refresh(new.community_id); end if;
          return null;
        end $$;
        create trigger community_regions_membership after insert or update or delete
          on community_memberships for each row execute function community_regions_of_membership();
        create function community_regions_of_school() returns trigger language plpgsql as $$
        begin
          perform community_regions_refresh(m.community_id)
            from (select distinct community_id from community_memberships where school_id = new.id) m;
          return null;
        end $$;
        create trigger community_regions_school after update of region_code on schools
          for each row when (old.region_code is distinct from new.region_code)
          execute function community_regions_of_school();
        insert into community_regions (community_id, region_code)
        select id, region_code from communities
        union select id, partner_region_code from communities where partner_region_code is not null
        union select m.community_id, s.region_code from community_memberships m join schools s on s.id = m.school_id;
      `.execute(db);
    },
  },
  '20261205_2340_teachers_school_status': {
    async up(db) {
      // the schools list counts each school's active teachers: an index-only count, not a visit to
      // every teacher row of the page's schools (about 2,000 at 100 teachers a school)
      await sql`create index teachers_school_status_idx on teachers (school_id, status)`.execute(db);
    },
  },
  /** read-only answers kept as JSON text until a table they read is written (db/kept.ts) */
  '20261206_0100_kept_results': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table kept_results (
          key text primary key,
          versions text not null,
          payload text not null,
          computed_at timestamptz not null default now()
        )`.execute(db);
    },
  },
  // searches read a GIN index's whole pending list: keep it short (db/gin.ts)
  '20261206_1200_registry_gin_pending_lists': {
    async up(db: Kysely<unknown>) {
      await keepGinPendingListsShort(db, [
        'teachers_subjects_idx',
        'teachers_honours_idx',
        'teachers_name_grams_idx',
        'schools_name_grams_idx',
        'schools_short_name_grams_idx',
        'communities_name_grams_idx',
        'communities_code_grams_idx',
      ]);
    },
  },
  /**
   * Each school's active teachers counted by what the indicator engine asks of them (名师, 骨干,
   * teaching outside their major), kept by statement triggers on teachers: the assessment of a
   * province reads 5,000 rows instead of scanning 300,000 teachers once per series and scope.
   */
  '20261206_1300_school_teacher_counts': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table school_teacher_counts (
          school_id integer primary key references schools(id) on delete cascade,
          active integer not null,
          master integer not null,
          backbone integer not null,
          with_major integer not null,
          non_specialist integer not null
        );

        -- master = 名师 honours, backbone = every honour but rising_star (MASTER_HONOURS /
        -- BACKBONE_HONOURS as of this migration); non-specialist = a major that is none of the subjects taught
        create function school_teacher_counts_refresh(ids integer[]) returns void language plpgsql as $$
        declare k integer;
        begin
          -- one refresh of a school at a time: two writers' deletes and inserts never interleave
          for k in select distinct u from unnest(ids) u where u is not null order by 1 loop
            perform pg_advisory_xact_lock(7303, k);
          end loop;
          delete from school_teacher_counts where school_id = any(ids);
          insert into school_teacher_counts (school_id, active, master, backbone, with_major, non_specialist)
          select t.school_id, count(*)::int,
            (count(*) filter (where t.honours && array['special_grade','famous_provincial','famous_city','leader_city','leader_county']::text[]))::int,
            (count(*) filter (where t.honours && array['special_grade','famous_provincial','famous_city','leader_city','leader_county','backbone_city','backbone_county']::text[]))::int,
            (count(*) filter (where t.major_subject is not null))::int,
            (count(*) filter (where t.major_subject is not null and not (t.major_subject = any(t.subjects))))::int
          from teachers t
          where t.status = 'active' and t.school_id = any(ids)
          group by t.school_id;
        end $$;

        create function school_teacher_counts_trg() returns trigger language plpgsql as $$
        begin
          if tg_op = 'INSERT' then
            perform school_teacher_counts_refresh(array(select distinct n.school_id from n where n.status = 'active'));
          elsif tg_op = 'DELETE' then
            perform school_teacher_counts_refresh(array(select distinct o.school_id from o where o.status = 'active'));
          else
            perform school_teacher_counts_refresh(array(
              select o.school_id from o join n using (id)
              where (o.school_id, o.status, o.honours, o.major_subject, o.subjects)
                is distinct from (n.school_id, n.status, n.honours, n.major_subject, n.subjects)
              union
              select n.school_id from o join n using (id)
              where (o.school_id, o.status, o.honours, o.major_subject, o.subjects)
                is distinct from (n.school_id, n.status, n.honours, n.major_subject, n.subjects)));
          end if;
          return null;
        end $$;
        create trigger school_teacher_counts_ins after insert on teachers
          referencing new table as n for each statement execute function school_teacher_counts_trg();
        create trigger school_teacher_counts_upd after update on teachers
          referencing old table as o new table as n for each statement execute function school_teacher_counts_trg();
        create trigger school_teacher_counts_del after delete on teachers
          referencing old table as o for each statement execute function school_teacher_counts_trg();

        select school_teacher_counts_refresh(array(select id from schools));
      `.execute(db);
    },
  },
};
