import { sql, type Kysely, type Migration } from 'kysely';

/** SSO sign-in state and TOTP second factor (tables in identity.tables.ts). */
export const identityMigrations: Record<string, Migration> = {
  '20261203_1000_identity_oidc_totp': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table oidc_login_requests (
          state_hash text primary key,
          nonce text not null,
          code_verifier text not null,
          redirect_uri text not null,
          return_to text,
          created_at timestamptz not null default now(),
          expires_at timestamptz not null,
          used_at timestamptz
        );
        create index oidc_login_requests_expiry_idx on oidc_login_requests (expires_at);
        create table oidc_sessions (
          session_id text primary key references sessions(id) on delete cascade,
          issuer text not null,
          subject text not null,
          id_token text not null
        );
        create table user_totp (
          user_id integer primary key references users(id) on delete cascade,
          secret text not null,
          enabled_at timestamptz,
          last_time_step bigint,
          created_at timestamptz not null default now()
        );
        create table totp_recovery_codes (
          id integer generated always as identity primary key,
          user_id integer not null references users(id) on delete cascade,
          code_hash text not null,
          used_at timestamptz
        );
        create index totp_recovery_codes_user_idx on totp_recovery_codes (user_id);
        create table login_challenges (
          id text primary key,
          user_id integer not null references users(id) on delete cascade,
          kind text not null check (kind in ('totp', 'enrol')),
          via text not null check (via in ('password', 'oidc')),
          return_to text,
          oidc_issuer text,
          oidc_subject text,
          oidc_id_token text,
          attempts integer not null default 0,
          ip text,
          user_agent text,
          created_at timestamptz not null default now(),
          expires_at timestamptz not null
        );
        create index login_challenges_user_idx on login_challenges (user_id);
        create table totp_attempts (
          id integer generated always as identity primary key,
          user_id integer not null references users(id) on delete cascade,
          ip text,
          succeeded boolean not null,
          at timestamptz not null default now()
        );
        create index totp_attempts_user_idx on totp_attempts (user_id, at);
      `.execute(db);
    },
  },
};
