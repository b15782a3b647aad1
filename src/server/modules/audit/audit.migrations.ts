import { sql, type Kysely, type Migration } from 'kysely';

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
};
