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
  /**
   * The balance indicators cached per county and school year. A write to schools or school_year_stats
   * bumps `version` of the counties it touches (a statement-level trigger with transition tables); a
   * result is current while `computed_version = version`. The writer's upsert holds the row until it
   * commits, so a computation that started before the write cannot store itself as current.
   */
  '20261204_1520_balance_cache': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table balance_county_results (
          county_code text not null,
          school_year integer not null,
          version bigint not null default 0,
          computed_version bigint,
          computed_at timestamptz,
          summary jsonb,
          stages jsonb,
          sums jsonb,
          excluded jsonb,
          primary key (county_code, school_year)
        );
        create index balance_county_results_year_idx on balance_county_results (school_year, county_code);

        create table balance_school_results (
          county_code text not null,
          school_year integer not null,
          school_id integer not null,
          stage text not null check (stage in ('primary', 'junior')),
          ord integer not null,
          school_name text not null,
          level text not null,
          students integer not null,
          met integer not null,
          meets_standard boolean not null,
          detail jsonb not null,
          primary key (county_code, school_year, school_id, stage)
        );
        create index balance_school_results_ord_idx on balance_school_results (county_code, school_year, ord);

        create function balance_touch_counties(counties text[], years integer[]) returns void language plpgsql as $$
        begin
          insert into balance_county_results as r (county_code, school_year)
          select c, y from unnest(counties, years) as t(c, y) group by c, y order by c, y
          on conflict (county_code, school_year) do update set version = r.version + 1;
        end $$;

        create function balance_stats_changed() returns trigger language plpgsql as $$
        declare counties text[]; years integer[];
        begin
          if tg_op = 'INSERT' then
            select array_agg(left(s.region_code, 6)), array_agg(n.school_year) into counties, years
            from balance_new n join schools s on s.id = n.school_id;
          elsif tg_op = 'DELETE' then
            select array_agg(left(s.region_code, 6)), array_agg(o.school_year) into counties, years
            from balance_old o join schools s on s.id = o.school_id;
          else
            select array_agg(left(s.region_code, 6)), array_agg(x.school_year) into counties, years
            from (select school_id, school_year from balance_new union select school_id, school_year from balance_old) x
            join schools s on s.id = x.school_id;
          end if;
          if counties is not null then perform balance_touch_counties(counties, years); end if;
          return null;
        end $$;
        create trigger balance_stats_insert after insert on school_year_stats
          referencing new table as balance_new for each statement execute function balance_stats_changed();
        create trigger balance_stats_update after update on school_year_stats
          referencing new table as balance_new old table as balance_old for each statement execute function balance_stats_changed();
        create trigger balance_stats_delete after delete on school_year_stats
          referencing old table as balance_old for each statement execute function balance_stats_changed();

        -- a school's name, level, county or activity changes every year's result of its counties
        create function balance_schools_changed() returns trigger language plpgsql as $$
        declare ids integer[]; regions text[]; counties text[]; years integer[];
        begin
          if tg_op = 'INSERT' then
            select array_agg(id), array_agg(region_code) into ids, regions from balance_new;
          elsif tg_op = 'DELETE' then
            select array_agg(id), array_agg(region_code) into ids, regions from balance_old;
          else
            -- only the columns the evaluation reads
            select array_agg(x.id), array_agg(x.region_code) into ids, regions from (
              select n.id, n.region_code from balance_new n join balance_old o on o.id = n.id
              where (n.name, n.level, n.is_teaching_point, n.is_active, n.region_code)
                is distinct from (o.name, o.level, o.is_teaching_point, o.is_active, o.region_code)
              union all
              select o.id, o.region_code from balance_new n join balance_old o on o.id = n.id
              where n.region_code is distinct from o.region_code
            ) x;
          end if;
          if ids is null then return null; end if;
          with changed as (select * from unnest(ids, regions) as t(id, region_code)),
          pairs as (
            select left(c.region_code, 6) as county, st.school_year
            from changed c join school_year_stats st on st.school_id = c.id
            union
            select r.county_code, r.school_year from balance_county_results r
            where r.county_code in (select left(region_code, 6) from changed)
          )
          select array_agg(county), array_agg(school_year) into counties, years from pairs;
          if counties is not null then perform balance_touch_counties(counties, years); end if;
          return null;
        end $$;
        create trigger balance_schools_insert after insert on schools
          referencing new table as balance_new for each statement execute function balance_schools_changed();
        create trigger balance_schools_update after update on schools
          referencing new table as balance_new old table as balance_old for each statement execute function balance_schools_changed();
        create trigger balance_schools_delete after delete on schools
          referencing old table as balance_old for each statement execute function balance_schools_changed();
      `.execute(db);
    },
  },
  '20261207_1000_public_result_pages': {
    async up(db: Kysely<unknown>) {
      // a bureau's public results page of a region and school year; withdrawn pages keep their row
      await sql`
        create table assessment_public_pages (
          region_code text not null references regions(code),
          year integer not null check (year between 2000 and 2100),
          published_at timestamptz not null default now(),
          published_by integer references users(id) on delete set null,
          withdrawn_at timestamptz,
          withdrawn_by integer references users(id) on delete set null,
          primary key (region_code, year)
        );
      `.execute(db);
    },
  },
};
