import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<string, string | undefined, string>;

/** One started SSO sign-in: what the callback must find (state, nonce, PKCE verifier), used once. */
export interface OidcLoginRequestTable {
  state_hash: string; // sha256 of the state sent to the provider and kept in the browser's cookie
  nonce: string;
  code_verifier: string;
  redirect_uri: string;
  return_to: string | null;
  created_at: Timestamp;
  expires_at: string;
  used_at: string | null;
}

/** A Gongjin session opened through SSO, with the ID token the provider's logout needs. */
export interface OidcSessionTable {
  session_id: string;
  issuer: string;
  subject: string;
  id_token: string;
}

/** A user's TOTP secret; enabled_at is null while an enrolment awaits its first code. */
export interface UserTotpTable {
  user_id: number;
  secret: string;
  enabled_at: string | null;
  last_time_step: string | null; // bigint: the step of the last accepted code (no code works twice)
  created_at: Timestamp;
}

export interface TotpRecoveryCodeTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  used_at: string | null;
}

/** Password (or SSO) accepted, second step pending: the browser holds the token in a cookie. */
export interface LoginChallengeTable {
  id: string; // sha256 of the cookie token
  user_id: number;
  kind: string; // totp | enrol
  via: string; // password | oidc
  return_to: string | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  oidc_id_token: string | null;
  attempts: Generated<number>;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  expires_at: string;
}

export interface TotpAttemptTable {
  id: Generated<number>;
  user_id: number;
  ip: string | null;
  succeeded: boolean;
  at: Timestamp;
}

export interface IdentityTables {
  oidc_login_requests: OidcLoginRequestTable;
  oidc_sessions: OidcSessionTable;
  user_totp: UserTotpTable;
  totp_recovery_codes: TotpRecoveryCodeTable;
  login_challenges: LoginChallengeTable;
  totp_attempts: TotpAttemptTable;
}
