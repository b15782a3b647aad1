import { sql, type Kysely, type Migration } from 'kysely';
import { keepGinPendingListsShort } from '../../db/gin.js';

export const authMigrations: Record<string, Migration> = {
  '20261123_0200_auth': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table users (
          id integer generated always as identity primary key,
          username text not null unique,
          display_name text not null,
          password_hash text not null,
          role text not null,
          scope_kind text not null check (scope_kind in ('region', 'community', 'school')),
          scope_id text not null,
          teacher_id integer references teachers(id),
          is_active boolean not null default true,
          must_change_password boolean not null default false,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          last_login_at timestamptz
        );
        create table sessions (
          id text primary key,
          user_id integer not null references users(id) on delete cascade,
          created_at timestamptz not null default now(),
          expires_at timestamptz not null,
          ip text,
          user_agent text
        );
        create index sessions_user_idx on sessions (user_id);
        create index sessions_expiry_idx on sessions (expires_at);
        create table login_attempts (
          id integer generated always as identity primary key,
          username text not null,
          ip text not null,
          succeeded boolean not null,
          at timestamptz not null default now()
        );
        create index login_attempts_lookup_idx on login_attempts (username, at);
        create index login_attempts_ip_idx on login_attempts (ip, at);
      `.execute(db);
    },
  },
  '20261205_1010_users_search_grams': {
    async up(db: Kysely<unknown>) {
      // a province holds an account for most of its 300,000 teachers: a name or username substring is
      // found through the registry's 1- and 2-character grams (gongjin_grams, migration 20261204_1500)
      await sql`
        create index users_display_name_grams_idx on users using gin (gongjin_grams(display_name));
        create index users_username_grams_idx on users using gin (gongjin_grams(username));
      `.execute(db);
    },
  },
  // the users list keeps its total until an account changes (registry migration 20261205_2300)
  '20261205_2301_users_list_totals': {
    async up(db: Kysely<unknown>) {
      await sql`select gongjin_track_list_changes('users')`.execute(db);
    },
  },
  // searches read a GIN index's whole pending list: keep it short (db/gin.ts)
  '20261206_1200_auth_gin_pending_lists': {
    async up(db: Kysely<unknown>) {
      await keepGinPendingListsShort(db, ['users_display_name_grams_idx', 'users_username_grams_idx']);
    },
  },
};
