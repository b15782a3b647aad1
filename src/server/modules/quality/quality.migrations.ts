import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Applied migrations are never edited; add a new entry instead. Per-import staging tables
 * (quality_stage_<job>) are created and dropped by the import service, not here.
 */
export const qualityMigrations: Record<string, Migration> = {
  '20261124_1600_quality_exams': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table quality_classes (
          id integer generated always as identity primary key,
          school_id integer not null references schools(id),
          school_year integer not null check (school_year between 2000 and 2100),
          grade smallint not null check (grade between 1 and 12),
          name text not null,
          created_at timestamptz not null default now(),
          unique (school_id, school_year, grade, name)
        );

        create table quality_students (
          id integer generated always as identity primary key,
          student_key text not null unique,
          school_id integer not null references schools(id),
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create index quality_students_school_idx on quality_students (school_id);

        create table quality_student_identities (
          student_id integer primary key references quality_students(id) on delete cascade,
          name text,
          id_number text,
          updated_at timestamptz not null default now()
        );

        create table quality_exams (
          id integer generated always as identity primary key,
          name text not null,
          exam_date date not null,
          school_year integer not null,
          term smallint not null check (term in (1, 2)),
          grade smallint not null check (grade between 1 and 12),
          region_code text not null references regions(code),
          owner_school_id integer references schools(id),
          created_by integer references users(id),
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create index quality_exams_date_idx on quality_exams (exam_date desc, id);

        create table quality_exam_subjects (
          id integer generated always as identity primary key,
          exam_id integer not null references quality_exams(id) on delete cascade,
          subject text not null,
          full_mark numeric(6,2) not null check (full_mark > 0),
          pass_line numeric(6,2) not null,
          excellent_line numeric(6,2) not null,
          low_line numeric(6,2) not null,
          unique (exam_id, subject),
          check (low_line >= 0 and low_line <= pass_line and pass_line <= excellent_line and excellent_line <= full_mark)
        );

        create table quality_exam_items (
          id integer generated always as identity primary key,
          exam_subject_id integer not null references quality_exam_subjects(id) on delete cascade,
          item_no text not null,
          position integer not null,
          full_mark numeric(6,2) not null check (full_mark > 0),
          knowledge_points text[] not null default '{}',
          unique (exam_subject_id, item_no)
        );

        create table quality_exam_schools (
          exam_id integer not null references quality_exams(id) on delete cascade,
          school_id integer not null references schools(id),
          primary key (exam_id, school_id)
        );
        create index quality_exam_schools_school_idx on quality_exam_schools (school_id);

        -- Score tables carry no foreign keys: a per-row RI check costs more than the rest of a
        -- 1,000,000-row import. The import validates every reference set-based in the same
        -- transaction, and the services delete scores before exams and refuse to delete used classes.
        create table quality_scores (
          exam_id integer not null,
          exam_subject_id integer not null,
          student_id integer not null,
          school_id integer not null,
          class_id integer not null,
          score numeric(6,2) not null check (score >= 0),
          primary key (exam_subject_id, student_id)
        );
        create index quality_scores_class_idx on quality_scores (class_id, exam_subject_id);
        create index quality_scores_student_idx on quality_scores (student_id);

        create table quality_item_scores (
          exam_item_id integer not null,
          student_id integer not null,
          score numeric(6,2) not null check (score >= 0),
          primary key (exam_item_id, student_id)
        );
        create index quality_item_scores_student_idx on quality_item_scores (student_id);

        create table quality_import_jobs (
          id text primary key,
          exam_id integer not null references quality_exams(id) on delete cascade,
          level text not null check (level in ('student', 'item')),
          status text not null,
          file_key text not null,
          file_name text not null,
          file_size bigint not null,
          rows_total integer not null default 0,
          rows_checked integer not null default 0,
          rows_written integer not null default 0,
          error_count integer not null default 0,
          message text,
          created_by integer not null references users(id),
          scope_kind text not null,
          scope_id text not null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          committed_at timestamptz
        );
        create index quality_import_jobs_exam_idx on quality_import_jobs (exam_id, created_at desc);

        create table quality_import_errors (
          job_id text not null references quality_import_jobs(id) on delete cascade,
          row_no integer not null,
          column_name text not null,
          code text not null,
          message text not null,
          message_en text not null
        );
        create index quality_import_errors_job_idx on quality_import_errors (job_id, row_no);
      `.execute(db);
    },
  },
  /**
   * quality_scores partitioned by exam (see score-partitions.ts for why), and student keys in
   * byte order. The primary key gains
   * exam_id, as a partitioned table's keys must hold the partition key; it names no more rows
   * than before, since a subject belongs to one exam.
   */
  '20261125_0900_quality_scores_by_exam': {
    async up(db: Kysely<unknown>) {
      await sql`
        alter table quality_scores rename to quality_scores_unpartitioned;
        alter index quality_scores_pkey rename to quality_scores_unpartitioned_pkey;
        alter index quality_scores_class_idx rename to quality_scores_unpartitioned_class_idx;
        alter index quality_scores_student_idx rename to quality_scores_unpartitioned_student_idx;
        create table quality_scores (
          exam_id integer not null,
          exam_subject_id integer not null,
          student_id integer not null,
          school_id integer not null,
          class_id integer not null,
          score numeric(6,2) not null check (score >= 0),
          primary key (exam_subject_id, student_id, exam_id)
        ) partition by list (exam_id);
        create index quality_scores_class_idx on quality_scores (class_id, exam_subject_id);
        create index quality_scores_student_idx on quality_scores (student_id);
        do $$
        declare
          e integer;
          p text;
        begin
          for e in select distinct exam_id from quality_scores_unpartitioned order by 1 loop
            p := 'quality_scores_e' || e;
            execute format('create table %I (like quality_scores including defaults including constraints)', p);
            execute format('alter table %I add constraint %I check (exam_id = %s)', p, p || '_exam_check', e);
            execute format('insert into %I select exam_id, exam_subject_id, student_id, school_id, class_id, score from quality_scores_unpartitioned where exam_id = %s', p, e);
            execute format('alter table quality_scores attach partition %I for values in (%s)', p, e);
          end loop;
          if to_regclass('dashboard_change_quality') is not null then
            create trigger dashboard_touch after insert or update or delete or truncate on quality_scores
              for each statement execute function dashboard_touch('dashboard_change_quality');
          end if;
        end $$;
        drop table quality_scores_unpartitioned;
        -- student keys compare byte by byte: an import inserts them by the hundred thousand, and
        -- the database's own collation (C.UTF-8 on Debian) would compare every pair through strcoll
        alter table quality_students alter column student_key type text collate "C";
      `.execute(db);
    },
  },
  /**
   * The students' school reference checked per statement instead of per row: a score import adds
   * students by the hundred thousand, and a foreign key's row-by-row check cost it 0.9 s of every
   * 200,000 (PostgreSQL 15 here). The same guarantee, set-based: an insert or update naming a
   * school that does not exist fails, and so does deleting a school that has students, both with
   * the foreign-key error code the API reports as a conflict.
   */
  '20261125_0901_quality_students_school_check': {
    async up(db: Kysely<unknown>) {
      await sql`
        alter table quality_students drop constraint quality_students_school_id_fkey;
        create function quality_students_school_exists() returns trigger language plpgsql as $$
        begin
          if exists (select 1 from quality_changed_students n where not exists (select 1 from schools s where s.id = n.school_id)) then
            raise foreign_key_violation using message = 'quality_students.school_id names no school';
          end if;
          return null;
        end $$;
        create trigger quality_students_school_on_insert after insert on quality_students
          referencing new table as quality_changed_students for each statement execute function quality_students_school_exists();
        create trigger quality_students_school_on_update after update on quality_students
          referencing new table as quality_changed_students for each statement execute function quality_students_school_exists();
        create function quality_school_without_students() returns trigger language plpgsql as $$
        begin
          if exists (select 1 from quality_students where school_id = old.id) then
            raise foreign_key_violation using message = 'the school has students in the score records';
          end if;
          return old;
        end $$;
        create trigger quality_school_without_students before delete on schools
          for each row execute function quality_school_without_students();
      `.execute(db);
    },
  },
  /**
   * Checks and commits run on the job queue: the import remembers its job (to cancel it on discard),
   * and how many rows it staged (a commit run again after a crash checks the staging is whole).
   */
  '20261204_0300_quality_import_queue': {
    async up(db: Kysely<unknown>) {
      await sql`alter table quality_import_jobs add column queue_job_id bigint, add column rows_staged integer`.execute(
        db,
      );
    },
  },
  /**
   * Students an import is committing, not yet visible (docs/quality-import.md): a first import
   * inserts its new students in chunks before its short transaction, which deletes their rows
   * here. The student list and report skip students with a row here.
   */
  '20261205_1930_scores_pending_students': {
    async up(db: Kysely<unknown>) {
      await sql`create table quality_students_pending (job_id text not null, student_id integer not null)`.execute(db);
    },
  },
};
