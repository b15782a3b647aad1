import { sql, type Kysely, type Migration } from 'kysely';
import { AUDIT_SCOPE_RESOLVERS, REGION_CODE_ENTITIES } from './audit.scope.js';

export const auditMigrations: Record<string, Migration> = {
  '20261123_0300_audit': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table audit_log (
          id bigint generated always as identity primary key,
          at timestamptz not null default now(),
          user_id integer,
          username text,
          action text not null,
          entity text not null,
          entity_id text,
          before jsonb,
          after jsonb,
          request_id text,
          ip text
        );
        create index audit_log_at_idx on audit_log (at desc);
        create index audit_log_entity_idx on audit_log (entity, entity_id);
        create index audit_log_user_idx on audit_log (user_id, at desc);
      `.execute(db);
    },
  },
  '20261203_1000_users_audit_scope': {
    async up(db: Kysely<unknown>) {
      await sql`
        alter table audit_log add column region_code text, add column school_id integer, add column community_id integer;
        create index audit_log_region_idx on audit_log (region_code text_pattern_ops, id desc);
        create index audit_log_school_idx on audit_log (school_id) where school_id is not null;
        create index audit_log_community_idx on audit_log (community_id) where community_id is not null;
      `.execute(db);
      // backfill: every entity whose row still exists is placed as recordAudit places new entries
      for (const [entity, resolve] of Object.entries(AUDIT_SCOPE_RESOLVERS)) {
        await sql`update audit_log log_row set (region_code, school_id, community_id) = (select * from (${resolve(sql`log_row.entity_id::int`)}) resolved)
          where log_row.entity = ${entity} and log_row.entity_id ~ '^[0-9]{1,9}$'`.execute(db);
      }
      for (const entity of REGION_CODE_ENTITIES) {
        await sql`update audit_log set region_code = entity_id where entity = ${entity} and entity_id ~ '^[0-9]{6,9}$'`.execute(
          db,
        );
      }
      // what is left (deleted rows): the school or community named in the entry's data
      await sql`
        update audit_log a set school_id = (coalesce(a.after, a.before) ->> 'school_id')::int
          where a.region_code is null and coalesce(a.after, a.before) ->> 'school_id' ~ '^[0-9]{1,9}$';
        update audit_log a set school_id = (coalesce(a.after, a.before) ->> 'schoolId')::int
          where a.region_code is null and a.school_id is null and coalesce(a.after, a.before) ->> 'schoolId' ~ '^[0-9]{1,9}$';
        update audit_log a set community_id = (coalesce(a.after, a.before) ->> 'community_id')::int
          where a.region_code is null and coalesce(a.after, a.before) ->> 'community_id' ~ '^[0-9]{1,9}$';
        update audit_log a set community_id = (coalesce(a.after, a.before) ->> 'communityId')::int
          where a.region_code is null and a.community_id is null and coalesce(a.after, a.before) ->> 'communityId' ~ '^[0-9]{1,9}$';
        update audit_log a set region_code = coalesce((select s.region_code from schools s where s.id = a.school_id), (select c.region_code from communities c where c.id = a.community_id))
          where a.region_code is null and (a.school_id is not null or a.community_id is not null);
      `.execute(db);
    },
  },
  // the audit log keeps its total until an entry is written (registry migration 20261205_2300)
  '20261205_2301_audit_list_totals': {
    async up(db: Kysely<unknown>) {
      await sql`select gongjin_track_list_changes('audit_log')`.execute(db);
    },
  },
};
