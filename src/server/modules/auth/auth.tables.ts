import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<string, string | undefined, string>;

export interface UserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  role: string;
  scope_kind: string; // region | community | school
  scope_id: string; // region code, community id or school id
  teacher_id: number | null;
  is_active: Generated<boolean>;
  must_change_password: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_login_at: string | null;
  /** set when GONGJIN_LOGIN_LOCK_AFTER failures in a row locked the account; an administrator clears it */
  locked_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SessionTable {
  id: string; // sha256 of the cookie token: a leaked table does not yield usable cookies
  user_id: number;
  created_at: Timestamp;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  last_seen_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface LoginAttemptTable {
  id: Generated<number>;
  username: string;
  ip: string;
  succeeded: boolean;
  at: Timestamp;
}

/** Failed sign-ins per key: `pair:<username>|<address>`, `ip:<address>` or `user:<username>` (for the hard lock). */
export interface LoginThrottleTable {
  key: string;
  failures: number;
  last_failure_at: string;
}

export interface AuthTables {
  users: UserTable;
  sessions: SessionTable;
  login_attempts: LoginAttemptTable;
  login_throttle: LoginThrottleTable;
}

export type UserRow = Selectable<UserTable>;
