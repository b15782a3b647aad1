import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { AppError, UnauthenticatedError, ValidationError, fieldIssue } from '../../http/errors.js';
import type { Role, ScopeKind } from '../../../shared/enums.js';
import type { User } from '../../../shared/auth.schemas.js';
import { NATION_CODE } from '../../../shared/regions.js';
import { recordAudit } from '../audit/audit.service.js';
import type { UserRow } from './auth.tables.js';
import { loadUser } from './users.service.js';

export const SESSION_COOKIE = 'gongjin_session';
const FAILED_LOGIN_WINDOW_MINUTES = 15;
const MAX_FAILED_PER_USERNAME = 10;
const MAX_FAILED_PER_IP = 50;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

function toActor(u: Pick<UserRow, 'id' | 'username' | 'display_name' | 'role' | 'scope_kind' | 'scope_id' | 'teacher_id'>): Actor {
  return {
    userId: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role as Role,
    scope: { kind: u.scope_kind as ScopeKind, id: u.scope_id },
    teacherId: u.teacher_id,
  };
}

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly sessionDays: number,
  ) {}

  /** Verifies credentials, throttling repeated failures per username and per address (state in the database). */
  async login(username: string, password: string, ip: string, userAgent: string | null) {
    const failures = await this.db
      .selectFrom('login_attempts')
      .select([
        sql<number>`count(*) filter (where username = ${username})`.as('by_user'),
        sql<number>`count(*) filter (where ip = ${ip})`.as('by_ip'),
      ])
      .where('succeeded', '=', false)
      .where(sql<boolean>`at > now() - make_interval(mins => ${FAILED_LOGIN_WINDOW_MINUTES})`)
      .where((eb) => eb.or([eb('username', '=', username), eb('ip', '=', ip)]))
      .executeTakeFirstOrThrow();
    if (failures.by_user >= MAX_FAILED_PER_USERNAME || failures.by_ip >= MAX_FAILED_PER_IP) {
      throw new AppError(429, 'too_many_attempts', { minutes: FAILED_LOGIN_WINDOW_MINUTES });
    }
    const user = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    const ok = user !== undefined && user.is_active && (await argon2.verify(user.password_hash, password));
    await this.db.insertInto('login_attempts').values({ username, ip, succeeded: ok }).execute();
    if (!ok || !user) throw new UnauthenticatedError('invalid_credentials');

    const token = randomBytes(32).toString('base64url');
    const expires = new Date(Date.now() + this.sessionDays * 86_400_000).toISOString();
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('sessions').values({ id: hashToken(token), user_id: user.id, expires_at: expires, ip, user_agent: userAgent }).execute();
      await tx.updateTable('users').set({ last_login_at: new Date().toISOString() }).where('id', '=', user.id).execute();
      await recordAudit(tx, { actor: toActor(user), requestId: '', ip }, { action: 'login', entity: 'user', entityId: user.id });
    });
    return { token, expires, actor: toActor(user) };
  }

  async actorForToken(token: string): Promise<Actor | null> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id', 'users.username', 'users.display_name', 'users.role', 'users.scope_kind', 'users.scope_id', 'users.teacher_id'])
      .where('sessions.id', '=', hashToken(token))
      .where('sessions.expires_at', '>', sql<string>`now()`)
      .where('users.is_active', '=', true)
      .executeTakeFirst();
    return row ? toActor(row) : null;
  }

  async logout(token: string, caller: Caller | null) {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('sessions').where('id', '=', hashToken(token)).execute();
      if (caller) await recordAudit(tx, caller, { action: 'logout', entity: 'user', entityId: caller.actor.userId });
    });
  }

  /** Creates the bootstrap administrator once; returns the generated password when none was configured. */
  async ensureBootstrapAdmin(configuredPassword: string | undefined): Promise<{ created: boolean; generatedPassword?: string }> {
    const existing = await this.db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirst();
    if (existing) return { created: false };
    const generated = configuredPassword ? undefined : randomBytes(12).toString('base64url');
    const password = configuredPassword ?? generated!;
    await this.db
      .insertInto('users')
      .values({
        username: 'admin',
        display_name: '系统管理员',
        password_hash: await hashPassword(password),
        role: 'bureau_admin',
        scope_kind: 'region',
        scope_id: NATION_CODE,
        teacher_id: null,
        last_login_at: null,
      })
      .onConflict((oc) => oc.column('username').doNothing())
      .execute();
    return generated ? { created: true, generatedPassword: generated } : { created: true };
  }

  async me(actor: Actor): Promise<User> {
    return loadUser(this.db, actor.userId);
  }

  async changePassword(caller: Caller, current: string, next: string) {
    const user = await this.db.selectFrom('users').selectAll().where('id', '=', caller.actor.userId).executeTakeFirstOrThrow();
    if (!(await argon2.verify(user.password_hash, current))) {
      throw new ValidationError([fieldIssue('body.currentPassword', 'wrong_password', '当前密码不正确', 'Current password is wrong')]);
    }
    await this.db.transaction().execute(async (tx) => {
      await tx.updateTable('users').set({ password_hash: await hashPassword(next), must_change_password: false, updated_at: new Date().toISOString() }).where('id', '=', user.id).execute();
      await recordAudit(tx, caller, { action: 'change_password', entity: 'user', entityId: user.id });
    });
  }
}
