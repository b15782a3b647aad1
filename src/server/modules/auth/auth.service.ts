import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
  fieldIssue,
} from '../../http/errors.js';
import type { Role, ScopeKind } from '../../../shared/enums.js';
import type { Me, SessionView } from '../../../shared/auth.schemas.js';
import { NATION_CODE } from '../../../shared/regions.js';
import { recordAudit } from '../audit/index.js';
import type { UserRow } from './auth.tables.js';
import { loadUser, usersInScopeCondition, UsersService } from './users.service.js';
import { mayListUsers } from './users.policy.js';
import { LoginThrottle, userKey } from './login-throttle.js';
import { hashPassword } from './passwords.js';
import { RecentReads } from '../../db/recent-reads.js';
import { writeGeneration } from '../../db/write-watch.js';

export const SESSION_COOKIE = 'gongjin_session';
/** last_seen_at is written at most this often per session */
const LAST_SEEN_EVERY_MS = 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Password hashing lives in passwords.ts (users.service.ts needs it without this file). */
export { hashPassword };

export function toActor(
  u: Pick<UserRow, 'id' | 'username' | 'display_name' | 'role' | 'scope_kind' | 'scope_id' | 'teacher_id'>,
): Actor {
  return {
    userId: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role as Role,
    scope: { kind: u.scope_kind as ScopeKind, id: u.scope_id },
    teacherId: u.teacher_id,
  };
}

/** What a session cookie stands for: the actor, which session it is, and whether a new password is due. */
export interface SessionInfo {
  actor: Actor;
  sessionId: string;
  mustChangePassword: boolean;
}

export interface AuthOptions {
  /** the clock of throttling and sessions (tests inject one) */
  now?: (() => Date) | undefined;
  /** lock an account after this many failed sign-ins in a row from any address (0: never) */
  lockAfter?: number | undefined;
  /** second-factor check after the password (totp.service.ts); absent: none */
  secondFactor?: SecondFactorHook | undefined;
  /** how long a session read is trusted from memory (RecentReads); 0 or absent: always read */
  sessionCacheMs?: number | undefined;
}

/** Password accepted but a second step is due (see totp.service.ts): no session yet, a challenge instead. */
export interface LoginChallengeIssued {
  secondStep: { kind: 'totp' | 'enrol' };
  challengeToken: string;
  challengeExpires: string;
}
export type SecondFactorHook = (
  user: UserRow,
  ip: string,
  userAgent: string | null,
) => Promise<LoginChallengeIssued | null>;

export class AuthService {
  private readonly now: () => Date;
  private readonly lockAfter: number;
  readonly throttle: LoginThrottle;
  private readonly secondFactor: SecondFactorHook | undefined;
  /**
   * Sessions read a moment ago (GONGJIN_READ_CACHE_MS): the requests a page fires at once share one
   * lookup, which under fifty connections cost a third of a millisecond of server time each. A write
   * that ends or changes a session (sign-out, a revoked session, a disabled user, a new role, scope
   * or password) forgets them on this instance at once (db/write-watch.ts); other instances within
   * the cache time.
   */
  private readonly recentSessions: RecentReads<{ info: SessionInfo; expiresAt: number }>;

  constructor(
    private readonly db: Db,
    private readonly sessionDays: number,
    opts: AuthOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.lockAfter = opts.lockAfter ?? 0;
    this.throttle = new LoginThrottle(db, this.now);
    this.secondFactor = opts.secondFactor;
    this.recentSessions = new RecentReads('sessions', opts.sessionCacheMs ?? 0);
  }

  static of(ctx: AppContext, secondFactor?: SecondFactorHook): AuthService {
    return new AuthService(ctx.db, ctx.config.sessionDays, {
      now: ctx.now,
      lockAfter: ctx.config.loginLockAfter,
      secondFactor,
      sessionCacheMs: ctx.config.readCacheMs,
    });
  }

  /**
   * Password sign-in: refused unseen while the (username, address) pair or the address is throttled;
   * a wrong password counts against both (and against the account when the hard lock is on); a right
   * one opens a session. Other ways to sign in (SSO) end in startSession too.
   */
  async login(username: string, password: string, ip: string, userAgent: string | null) {
    await this.throttle.reserve(username, ip);
    const user = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    const ok = user !== undefined && user.is_active && (await argon2.verify(user.password_hash, password));
    await this.db
      .insertInto('login_attempts')
      .values({ username, ip, succeeded: ok, at: this.now().toISOString() })
      .execute();
    if (!ok || !user) {
      await this.recordFailure(username, ip, user);
      if (Math.random() < 0.01) await this.throttle.prune();
      throw new UnauthenticatedError('invalid_credentials');
    }
    // the right password on a locked account says no more than a right password always does
    await this.throttle.release(username, ip);
    if (user.locked_at !== null) throw new AppError(423, 'account_locked');
    // second factor (totp.service.ts): TOTP users, and admins who must enrol, get a challenge, not a session
    const challenge = await this.secondFactor?.(user, ip, userAgent);
    if (challenge) return challenge;
    return this.startSession(user, ip, userAgent);
  }

  private async recordFailure(username: string, ip: string, user: UserRow | undefined) {
    // the pair and the address counted this attempt already (throttle.reserve)
    if (this.lockAfter === 0 || user === undefined) return;
    const failures = await this.throttle.countFailure(userKey(username));
    if (user.locked_at === null && failures >= this.lockAfter) {
      await this.db.transaction().execute(async (tx) => {
        const locked = await tx
          .updateTable('users')
          .set({ locked_at: this.now().toISOString() })
          .where('id', '=', user.id)
          .where('locked_at', 'is', null)
          .returning('id')
          .execute();
        if (locked.length)
          await recordAudit(tx, null, {
            action: 'lock',
            entity: 'user',
            entityId: user.id,
            after: { failures, lastAddress: ip },
          });
      });
    }
  }

  /** Opens a session for a user whose identity is established; returns the cookie token (stored only hashed). */
  async startSession(
    user: UserRow,
    ip: string,
    userAgent: string | null,
    method: 'password' | 'oidc' | 'totp' | 'recovery_code' = 'password',
    requestId = '',
  ) {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const expires = new Date(now.getTime() + this.sessionDays * 86_400_000).toISOString();
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('sessions')
        .values({
          id: hashToken(token),
          user_id: user.id,
          created_at: now.toISOString(),
          last_seen_at: now.toISOString(),
          expires_at: expires,
          ip,
          user_agent: userAgent?.slice(0, 500) ?? null,
        })
        .execute();
      await tx.updateTable('users').set({ last_login_at: now.toISOString() }).where('id', '=', user.id).execute();
      await recordAudit(
        tx,
        { actor: toActor(user), requestId, ip },
        { action: 'login', entity: 'user', entityId: user.id, ...(method === 'password' ? {} : { after: { method } }) },
      );
    });
    return { token, sessionId: hashToken(token), expires, actor: toActor(user) };
  }

  async sessionForToken(token: string): Promise<SessionInfo | null> {
    const now = this.now();
    const id = hashToken(token);
    const cached = this.recentSessions.get(id, now.getTime());
    if (cached && cached.expiresAt > now.getTime()) return cached.info;
    const readGeneration = writeGeneration('sessions');
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select([
        'users.id',
        'users.username',
        'users.display_name',
        'users.role',
        'users.scope_kind',
        'users.scope_id',
        'users.teacher_id',
        'users.must_change_password',
        'sessions.id as session_id',
        'sessions.last_seen_at',
        'sessions.expires_at',
      ])
      .where('sessions.id', '=', id)
      .where('sessions.expires_at', '>', now.toISOString())
      .where('users.is_active', '=', true)
      .executeTakeFirst();
    if (!row) return null;
    if (row.last_seen_at === null || now.getTime() - new Date(row.last_seen_at).getTime() >= LAST_SEEN_EVERY_MS) {
      await this.db
        .updateTable('sessions')
        .set({ last_seen_at: now.toISOString() })
        .where('id', '=', row.session_id)
        .execute();
    }
    const actor = toActor(row);
    Object.freeze(actor.scope);
    // shared by the requests that read it from the cache: frozen, so none can change it for the others
    const info: SessionInfo = Object.freeze({
      actor: Object.freeze(actor),
      sessionId: row.session_id,
      mustChangePassword: row.must_change_password,
    });
    this.recentSessions.set(id, { info, expiresAt: new Date(row.expires_at).getTime() }, now.getTime(), readGeneration);
    return info;
  }

  async actorForToken(token: string): Promise<Actor | null> {
    return (await this.sessionForToken(token))?.actor ?? null;
  }

  async logout(token: string, caller: Caller | null) {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('sessions').where('id', '=', hashToken(token)).execute();
      if (caller) await recordAudit(tx, caller, { action: 'logout', entity: 'user', entityId: caller.actor.userId });
    });
  }

  // --- the user's own sessions ---

  async sessions(caller: Caller, currentSessionId: string): Promise<SessionView[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .select(['id', 'created_at', 'last_seen_at', 'ip', 'user_agent'])
      .where('user_id', '=', caller.actor.userId)
      .where('expires_at', '>', this.now().toISOString())
      .orderBy('created_at', 'desc')
      .execute();
    const iso = (v: string | Date) => new Date(v).toISOString();
    return rows.map((r) => ({
      id: r.id,
      current: r.id === currentSessionId,
      userAgent: r.user_agent,
      ip: r.ip,
      createdAt: iso(r.created_at),
      lastSeenAt: iso(r.last_seen_at ?? r.created_at),
    }));
  }

  async revokeSession(caller: Caller, sessionId: string) {
    await this.db.transaction().execute(async (tx) => {
      const gone = await tx
        .deleteFrom('sessions')
        .where('id', '=', sessionId)
        .where('user_id', '=', caller.actor.userId)
        .returning('ip')
        .execute();
      if (!gone.length) throw new NotFoundError('session', sessionId.slice(0, 8), { zh: '会话', en: 'session' });
      await recordAudit(tx, caller, {
        action: 'revoke_session',
        entity: 'user',
        entityId: caller.actor.userId,
        before: { ip: gone[0]!.ip },
      });
    });
  }

  /** Sign out everywhere: ends every session of the user, this one included. */
  async revokeAllSessions(caller: Caller) {
    await this.db.transaction().execute(async (tx) => {
      const gone = await tx.deleteFrom('sessions').where('user_id', '=', caller.actor.userId).returning('id').execute();
      await recordAudit(tx, caller, {
        action: 'revoke_all_sessions',
        entity: 'user',
        entityId: caller.actor.userId,
        after: { sessions: gone.length },
      });
    });
  }

  // --- account locks (GONGJIN_LOGIN_LOCK_AFTER) ---

  async locks(actor: Actor): Promise<{ userId: number; username: string; displayName: string; lockedAt: string }[]> {
    if (!mayListUsers(await new UsersService(this.db).actorSubject(actor)).allowed) throw new ForbiddenError();
    const rows = await this.db
      .selectFrom('users as u')
      .select(['u.id', 'u.username', 'u.display_name', 'u.locked_at'])
      .where('u.locked_at', 'is not', null)
      .where(usersInScopeCondition(actor))
      .orderBy('u.locked_at', 'desc')
      .execute();
    return rows.map((r) => ({
      userId: r.id,
      username: r.username,
      displayName: r.display_name,
      lockedAt: new Date(r.locked_at!).toISOString(),
    }));
  }

  async unlock(caller: Caller, id: number) {
    const target = await new UsersService(this.db).changeable(caller, id);
    await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('users')
        .set({ locked_at: null })
        .where('id', '=', id)
        .where('locked_at', 'is not', null)
        .returning('id')
        .executeTakeFirst();
      if (!row) throw new ConflictError('not_locked');
      await tx.deleteFrom('login_throttle').where('key', '=', userKey(target.username)).execute();
      await recordAudit(tx, caller, { action: 'unlock', entity: 'user', entityId: id });
    });
  }

  /** Creates the bootstrap administrator once; returns the generated password when none was configured. */
  async ensureBootstrapAdmin(
    configuredPassword: string | undefined,
  ): Promise<{ created: boolean; generatedPassword?: string }> {
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

  async me(actor: Actor): Promise<Me> {
    const flags = await this.db
      .selectFrom('users')
      .select('must_change_password')
      .where('id', '=', actor.userId)
      .executeTakeFirstOrThrow();
    return { ...(await loadUser(this.db, actor.userId)), mustChangePassword: flags.must_change_password };
  }

  /** Changing one's own password ends every other session of the user; this one stays. */
  async changePassword(caller: Caller, current: string, next: string, currentSessionId: string | null) {
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', caller.actor.userId)
      .executeTakeFirstOrThrow();
    if (!(await argon2.verify(user.password_hash, current))) {
      throw new ValidationError([
        fieldIssue('body.currentPassword', 'wrong_password', '当前密码不正确', 'Current password is wrong'),
      ]);
    }
    if (user.must_change_password && current === next) {
      throw new ValidationError([
        fieldIssue(
          'body.newPassword',
          'same_password',
          '新密码不能与管理员设置的密码相同',
          'Choose a password other than the one the administrator set',
        ),
      ]);
    }
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('users')
        .set({
          password_hash: await hashPassword(next),
          must_change_password: false,
          updated_at: this.now().toISOString(),
        })
        .where('id', '=', user.id)
        .execute();
      let others = tx.deleteFrom('sessions').where('user_id', '=', user.id);
      if (currentSessionId) others = others.where('id', '!=', currentSessionId);
      const ended = await others.returning('id').execute();
      await recordAudit(tx, caller, {
        action: 'change_password',
        entity: 'user',
        entityId: user.id,
        after: { otherSessionsEnded: ended.length },
      });
    });
  }

  // --- sign-in by other means (SSO, second step; oidc.service.ts, totp.service.ts) ---

  /** Opens a session for a user who has passed every check (SSO callback, second step). */
  async openSession(
    userId: number,
    ip: string,
    userAgent: string | null,
    method: 'oidc' | 'totp' | 'recovery_code',
    requestId = '',
  ) {
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', userId)
      .where('is_active', '=', true)
      .executeTakeFirst();
    if (!user) throw new UnauthenticatedError('invalid_credentials');
    if (user.locked_at !== null) throw new AppError(423, 'account_locked');
    return this.startSession(user, ip, userAgent, method, requestId);
  }
}
