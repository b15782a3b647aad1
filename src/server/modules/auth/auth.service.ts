import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError, fieldIssue } from '../../http/errors.js';
import type { Role, ScopeKind } from '../../../shared/enums.js';
import type { User, UserCreate, UserUpdate } from '../../../shared/auth.schemas.js';
import { regionContains, NATION_CODE } from '../../../shared/regions.js';
import { recordAudit } from '../audit/audit.service.js';
import { registryPolicy } from '../registry/registry.policy.js';
import type { UserRow } from './auth.tables.js';

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

export function toActor(u: Pick<UserRow, 'id' | 'username' | 'display_name' | 'role' | 'scope_kind' | 'scope_id' | 'teacher_id'>): Actor {
  return {
    userId: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role as Role,
    scope: { kind: u.scope_kind as ScopeKind, id: u.scope_id },
    teacherId: u.teacher_id,
  };
}

/** Password accepted but a second step is due (see totp.service.ts): no session yet, a challenge instead. */
export interface LoginChallengeIssued {
  secondStep: { kind: 'totp' | 'enrol' };
  challengeToken: string;
  challengeExpires: string;
}
export type SecondFactorHook = (user: UserRow, ip: string, userAgent: string | null) => Promise<LoginChallengeIssued | null>;

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly sessionDays: number,
    /** Second-factor check after the password (totp.service.ts); absent: none. */
    private readonly secondFactor?: SecondFactorHook,
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

    // --- second factor (totp.service.ts): TOTP users, and admins who must enrol, get a challenge, not a session ---
    const challenge = await this.secondFactor?.(user, ip, userAgent);
    if (challenge) return challenge;
    // --- end second factor ---

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
    return this.get(actor, actor.userId, true);
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

  // --- user administration (bureau admins, within their region) ---

  private async assertScopeWithin(actor: Actor, scope: { kind: ScopeKind; id: string }) {
    const region = await this.regionOfScope(scope);
    if (region === null) {
      throw new ValidationError([fieldIssue('body.scope.id', 'unknown_scope', `范围“${scope.id}”不存在`, `Scope ${scope.id} does not exist`)]);
    }
    if (!regionContains(actor.scope.id, region)) {
      throw new ValidationError([fieldIssue('body.scope.id', 'out_of_scope', '只能为本辖区内的范围创建用户', 'Users can only be scoped within your region')]);
    }
  }

  private async regionOfScope(scope: { kind: ScopeKind; id: string }): Promise<string | null> {
    if (scope.kind === 'region') {
      if (scope.id === NATION_CODE) return NATION_CODE;
      const r = await this.db.selectFrom('regions').select('code').where('code', '=', scope.id).executeTakeFirst();
      return r?.code ?? null;
    }
    const id = Number(scope.id);
    if (!Number.isInteger(id)) return null;
    const table = scope.kind === 'community' ? 'communities' : 'schools';
    const r = await this.db.selectFrom(table).select('region_code').where('id', '=', id).executeTakeFirst();
    return r?.region_code ?? null;
  }

  private usersQuery() {
    return this.db
      .selectFrom('users as u')
      .select([
        'u.id', 'u.username', 'u.display_name', 'u.role', 'u.scope_kind', 'u.scope_id', 'u.teacher_id', 'u.is_active', 'u.last_login_at', 'u.created_at',
        sql<string | null>`case u.scope_kind
          when 'region' then (select r.name from regions r where r.code = u.scope_id)
          when 'community' then (select c.name from communities c where c.id::text = u.scope_id)
          else (select s.name from schools s where s.id::text = u.scope_id) end`.as('scope_name'),
      ]);
  }

  private toUser(r: Awaited<ReturnType<ReturnType<AuthService['usersQuery']>['executeTakeFirstOrThrow']>>): User {
    return {
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      role: r.role as Role,
      scope: { kind: r.scope_kind as ScopeKind, id: r.scope_id },
      scopeName: r.scope_id === NATION_CODE ? '全国' : r.scope_name,
      teacherId: r.teacher_id,
      isActive: r.is_active,
      lastLoginAt: r.last_login_at,
      createdAt: r.created_at,
    };
  }

  async list(actor: Actor, q: { page: number; pageSize: number; search?: string | undefined; role?: Role | undefined }) {
    if (!registryPolicy.manageUsers(actor)) throw new ForbiddenError();
    let query = this.usersQuery();
    if (q.search) query = query.where((eb) => eb.or([eb('u.username', 'ilike', `%${q.search}%`), eb('u.display_name', 'ilike', `%${q.search}%`)]));
    if (q.role) query = query.where('u.role', '=', q.role);
    const [rows, total] = await Promise.all([
      query.orderBy('u.id').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
      query.clearSelect().select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map((r) => this.toUser(r)), total: total.n };
  }

  async get(actor: Actor, id: number, self = false): Promise<User> {
    if (!self && !registryPolicy.manageUsers(actor)) throw new ForbiddenError();
    const row = await this.usersQuery().where('u.id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('user', id);
    return this.toUser(row);
  }

  async create(caller: Caller, input: UserCreate): Promise<User> {
    if (!registryPolicy.manageUsers(caller.actor)) throw new ForbiddenError();
    await this.assertScopeWithin(caller.actor, input.scope);
    const taken = await this.db.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
    if (taken) throw new ConflictError('duplicate', { field: '用户名', fieldEn: 'Username', value: input.username }, [fieldIssue('body.username', 'duplicate', '用户名已存在', 'Username already exists')]);
    const id = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('users')
        .values({
          username: input.username,
          display_name: input.displayName,
          password_hash: await hashPassword(input.password),
          role: input.role,
          scope_kind: input.scope.kind,
          scope_id: input.scope.id,
          teacher_id: input.teacherId ?? null,
          last_login_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, { action: 'create', entity: 'user', entityId: row.id, after: { ...input, password: undefined } });
      return row.id;
    });
    return this.get(caller.actor, id);
  }

  async update(caller: Caller, id: number, input: UserUpdate): Promise<User> {
    const before = await this.get(caller.actor, id);
    if (input.scope) await this.assertScopeWithin(caller.actor, input.scope);
    if (id === caller.actor.userId && (input.isActive === false || (input.role && input.role !== before.role))) {
      throw new ValidationError([fieldIssue('body.role', 'self_lockout', '不能停用自己或修改自己的角色', 'You cannot deactivate yourself or change your own role')]);
    }
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('users')
        .set({
          ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
          ...(input.role !== undefined ? { role: input.role } : {}),
          ...(input.scope !== undefined ? { scope_kind: input.scope.kind, scope_id: input.scope.id } : {}),
          ...(input.teacherId !== undefined ? { teacher_id: input.teacherId } : {}),
          ...(input.isActive !== undefined ? { is_active: input.isActive } : {}),
          ...(input.password !== undefined ? { password_hash: await hashPassword(input.password) } : {}),
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .execute();
      if (input.isActive === false || input.password !== undefined) await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
      await recordAudit(tx, caller, { action: 'update', entity: 'user', entityId: id, before, after: { ...input, password: input.password ? '***' : undefined } });
    });
    return this.get(caller.actor, id);
  }

  // --- sign-in by other means (SSO, second step; oidc.service.ts, totp.service.ts) ---
  // TODO(lead): login() above makes its session the same way; let it call this once both are merged.

  /** Opens a session for a user who has passed every check (SSO callback, second step). */
  async openSession(userId: number, ip: string, userAgent: string | null, method: 'oidc' | 'totp' | 'recovery_code', requestId = '') {
    const user = await this.db.selectFrom('users').selectAll().where('id', '=', userId).where('is_active', '=', true).executeTakeFirst();
    if (!user) throw new UnauthenticatedError('invalid_credentials');
    const token = randomBytes(32).toString('base64url');
    const sessionId = hashToken(token);
    const expires = new Date(Date.now() + this.sessionDays * 86_400_000).toISOString();
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('sessions').values({ id: sessionId, user_id: user.id, expires_at: expires, ip, user_agent: userAgent }).execute();
      await tx.updateTable('users').set({ last_login_at: new Date().toISOString() }).where('id', '=', user.id).execute();
      await recordAudit(tx, { actor: toActor(user), requestId, ip }, { action: 'login', entity: 'user', entityId: user.id, after: { method } });
    });
    return { token, sessionId, expires, actor: toActor(user) };
  }
}
