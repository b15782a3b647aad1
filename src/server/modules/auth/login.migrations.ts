import { sql, type Kysely, type Migration } from 'kysely';

/** Login throttling, account locks and session activity (issue 14). Applied migrations are never edited. */
export const loginMigrations: Record<string, Migration> = {
  '20261203_0700_login_throttle_sessions': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table login_throttle (
          key text primary key,
          failures integer not null,
          last_failure_at timestamptz not null
        );
        create index login_throttle_age_idx on login_throttle (last_failure_at);
        alter table users add column locked_at timestamptz;
        alter table sessions add column last_seen_at timestamptz;
        update sessions set last_seen_at = created_at;
      `.execute(db);
    },
  },
};
