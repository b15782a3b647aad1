import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection.js';
import type { Caller } from '../../http/actor.js';
import { ConflictError, fieldIssue } from '../../http/errors.js';
import { recordAudit } from '../audit/index.js';
import { hashPassword } from './passwords.js';

/** Letters and digits that cannot be mistaken for each other when read out or copied by hand. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

/** A random one-time password (14 characters, ~81 bits). */
export function oneTimePassword(length = 14): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (const b of bytes) {
    if (b >= 256 - (256 % ALPHABET.length)) continue; // no modulo bias
    out += ALPHABET[b % ALPHABET.length];
    if (out.length === length) return out;
  }
  return out + oneTimePassword(length - out.length);
}

export interface PrincipalInvitation {
  schoolId: number;
  displayName: string;
  /** the sign-in name: the principal's mobile number */
  username: string;
  /** why the account is made outside user administration, for the audit log (e.g. `meeting:12`) */
  via: string;
}

/**
 * Opens a school administrator (principal) account for a school on behalf of another module's flow
 * (the meetings module's co-signing: a member school without a principal blocks circulation). The
 * caller has decided the actor may do so; this makes the account with a one-time password, returned
 * once and never stored in clear, and the account must choose its own password at first sign-in.
 */
export async function invitePrincipal(
  db: Db,
  caller: Caller,
  input: PrincipalInvitation,
): Promise<{ userId: number; username: string; displayName: string; oneTimePassword: string }> {
  const taken = await db.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
  if (taken)
    throw new ConflictError('duplicate', { field: '用户名', fieldEn: 'Username', value: input.username }, [
      fieldIssue('body.phone', 'duplicate', '该手机号已是某个账号的用户名', 'This mobile number is already a username'),
    ]);
  const password = oneTimePassword();
  const row = await db
    .insertInto('users')
    .values({
      username: input.username,
      display_name: input.displayName,
      password_hash: await hashPassword(password),
      role: 'school_admin',
      scope_kind: 'school',
      scope_id: String(input.schoolId),
      teacher_id: null,
      last_login_at: null,
      must_change_password: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(db, caller, {
    action: 'create',
    entity: 'user',
    entityId: row.id,
    after: {
      username: input.username,
      displayName: input.displayName,
      role: 'school_admin',
      scope: { kind: 'school', id: String(input.schoolId) },
      invitedVia: input.via,
      mustChangePassword: true,
    },
  });
  return { userId: row.id, username: input.username, displayName: input.displayName, oneTimePassword: password };
}
