import { listTotal, pageTotals } from '../../db/totals.js';
import { SCOPE_TABLES } from '../registry/index.js';
import { nameContains } from '../../db/grams.js';
import { paged } from '../../db/paging.js';
import { regionPattern } from '../../db/region-pattern.js';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { ConflictError, NotFoundError, ValidationError, fieldIssue } from '../../http/errors.js';
import type { Role, ScopeKind } from '../../../shared/enums.js';
import type { User, UserCreate, UserUpdate } from '../../../shared/auth.schemas.js';
import { NATION_CODE, regionPrefix } from '../../../shared/regions.js';
import { recordAudit, type AuditScope } from '../audit/index.js';
import { hashPassword } from './passwords.js';
import {
  grantableRoles,
  mayChangeUser,
  mayGrant,
  mayLinkTeacher,
  mayListUsers,
  mayReadUser,
  ROLE_SCOPE_KINDS,
  userAccessDenied,
  type Decision,
  type PlacedScope,
  type UserAction,
  type UserSubject,
} from './users.policy.js';

type Scope = { kind: ScopeKind; id: string };

/** Users whose scope lies inside the actor's (region scopes only: the only user administrators). */
export function usersInScopeCondition(actor: Actor, alias = 'u'): Expression<SqlBool> {
  const kind = sql.ref(`${alias}.scope_kind`);
  const id = sql.ref(`${alias}.scope_id`);
  if (actor.scope.kind !== 'region') return sql<SqlBool>`false`;
  const prefix = regionPrefix(actor.scope.id);
  if (prefix === '') return sql<SqlBool>`true`;
  const like = regionPattern(prefix);
  // a community or school scope is looked up by its id (the primary key), never by casting every id
  // of the table to text: that read all 5,000 schools of a province for each page of users. A scalar
  // sub-select, not EXISTS: PostgreSQL may turn an EXISTS into a hash of every school in the region,
  // built on each call, where a page needs a handful of look-ups
  return sql<SqlBool>`(
    (${kind} = 'region' and ${id} like ${like})
    or (select c.region_code from communities c where c.id = ${scopeIdOf(alias, 'community')}) like ${like}
    or (select s.region_code from schools s where s.id = ${scopeIdOf(alias, 'school')}) like ${like})`;
}

/** A user's scope id as the integer id of a community or school, null for the other kinds. */
function scopeIdOf(alias: string, kind: 'community' | 'school') {
  return sql`(case when ${sql.ref(`${alias}.scope_kind`)} = ${sql.lit(kind)} then ${sql.ref(`${alias}.scope_id`)}::integer end)`;
}

/** The accounts an administrator of `actor`'s scope may list, with their scope's name. */
export function usersOfScope(db: Db, actor: Actor) {
  return usersQuery(db).where(usersInScopeCondition(actor));
}

function usersQuery(db: Db) {
  return db.selectFrom('users as u').select([
    'u.id',
    'u.username',
    'u.display_name',
    'u.role',
    'u.scope_kind',
    'u.scope_id',
    'u.teacher_id',
    'u.is_active',
    'u.last_login_at',
    'u.created_at',
    sql<string | null>`case u.scope_kind
        when 'region' then (select r.name from regions r where r.code = u.scope_id)
        when 'community' then (select c.name from communities c where c.id = ${scopeIdOf('u', 'community')})
        else (select s.name from schools s where s.id = ${scopeIdOf('u', 'school')}) end`.as('scope_name'),
  ]);
}

function toUser(r: Awaited<ReturnType<ReturnType<typeof usersQuery>['executeTakeFirstOrThrow']>>): User {
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

/** One user as the API shows it (no access check: callers decide). */
export async function loadUser(db: Db, id: number): Promise<User> {
  const row = await usersQuery(db).where('u.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('user', id);
  return toUser(row);
}

/**
 * User administration: listing, reading, creating and changing accounts, every step checked by
 * users.policy.ts. Refusals are 403 with the reason and are written to the audit log as `denied`.
 */
export class UsersService {
  constructor(private readonly db: Db) {}

  /** Places a scope in the hierarchy, or null when it does not exist. */
  async placeScope(scope: Scope): Promise<PlacedScope | null> {
    if (scope.kind === 'region') {
      if (scope.id === NATION_CODE) return { kind: 'region', id: NATION_CODE, regionCode: NATION_CODE };
      const r = await this.db.selectFrom('regions').select('code').where('code', '=', scope.id).executeTakeFirst();
      return r ? { kind: 'region', id: r.code, regionCode: r.code } : null;
    }
    if (!/^\d{1,9}$/.test(scope.id)) return null;
    const id = Number(scope.id);
    if (scope.kind === 'community') {
      const c = await this.db.selectFrom('communities').select('region_code').where('id', '=', id).executeTakeFirst();
      return c ? { kind: 'community', id: String(id), regionCode: c.region_code } : null;
    }
    const s = await this.db.selectFrom('schools').select('region_code').where('id', '=', id).executeTakeFirst();
    if (!s) return null;
    const memberships = await this.db
      .selectFrom('community_memberships')
      .select('community_id')
      .where('school_id', '=', id)
      .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', sql<string>`current_date`)]))
      .execute();
    return {
      kind: 'school',
      id: String(id),
      regionCode: s.region_code,
      communityIds: memberships.map((m) => m.community_id),
    };
  }

  private async subject(u: { id: number; role: string; scope: Scope }): Promise<UserSubject> {
    // a scope whose row is gone places nowhere: only the national administrator reaches it
    const placed = (await this.placeScope(u.scope)) ?? { kind: u.scope.kind, id: u.scope.id, regionCode: '' };
    return { id: u.id, role: u.role as Role, scope: placed };
  }

  actorSubject(actor: Actor): Promise<UserSubject> {
    return this.subject({ id: actor.userId, role: actor.role, scope: actor.scope });
  }

  /** Throws 403 for a refusal, after writing the attempt to the audit log (in its own transaction). */
  private async enforce(
    caller: Caller,
    decision: Decision,
    attempt: { action: UserAction; targetId: number | null; scope?: AuditScope; detail?: Record<string, unknown> },
  ) {
    if (decision.allowed) return;
    await recordAudit(this.db, caller, {
      action: 'denied',
      entity: 'user',
      entityId: attempt.targetId,
      after: { attempted: attempt.action, reason: decision.reason, ...attempt.detail },
      ...(attempt.scope ? { scope: attempt.scope } : {}),
    });
    throw userAccessDenied(decision.reason);
  }

  /** One page; `countCap`: rows counted exactly before the total becomes an estimate (db/totals.ts). */
  async list(
    caller: Caller,
    q: {
      page: number;
      pageSize: number;
      exactTotal?: boolean | undefined;
      search?: string | undefined;
      role?: Role | undefined;
    },
    countCap?: number,
  ) {
    await this.enforce(caller, mayListUsers(await this.actorSubject(caller.actor)), {
      action: 'list',
      targetId: null,
      scope: await this.auditScopeOf(caller.actor.scope),
    });
    let query = usersOfScope(this.db, caller.actor);
    if (q.search)
      query = query.where((eb) =>
        eb.or([nameContains('u.username', q.search!, 'ilike'), nameContains('u.display_name', q.search!, 'ilike')]),
      );
    if (q.role) query = query.where('u.role', '=', q.role);
    const [rows, total] = await Promise.all([
      query.orderBy('u.id').$call(paged(q)).execute(),
      listTotal(this.db, query.clearSelect(), {
        exact: q.exactTotal,
        cap: countCap,
        changesOf: [...SCOPE_TABLES, 'users'],
      }),
    ]);
    return { items: rows.map(toUser), ...pageTotals(total) };
  }

  private load(id: number): Promise<User> {
    return loadUser(this.db, id);
  }

  /** Non-administrators learn nothing about other accounts, not even whether they exist. */
  private async onlySelfUnlessAdmin(caller: Caller, id: number, action: UserAction) {
    if (id !== caller.actor.userId)
      await this.enforce(caller, mayListUsers(await this.actorSubject(caller.actor)), { action, targetId: id });
  }

  async get(caller: Caller, id: number): Promise<User> {
    await this.onlySelfUnlessAdmin(caller, id, 'read');
    const user = await this.load(id);
    await this.enforce(caller, mayReadUser(await this.actorSubject(caller.actor), await this.subject(user)), {
      action: 'read',
      targetId: id,
    });
    return user;
  }

  /** What the actor may grant, for the web form: roles and the scope kinds each may hold, and the actor's own scope. */
  grantable(actor: Actor) {
    const roles = grantableRoles(actor);
    return { roles: roles.map((role) => ({ role, scopeKinds: [...ROLE_SCOPE_KINDS[role]] })), scope: actor.scope };
  }

  private async placeOrFail(scope: Scope): Promise<PlacedScope> {
    const placed = await this.placeScope(scope);
    if (!placed)
      throw new ValidationError([
        fieldIssue('body.scope.id', 'unknown_scope', `范围“${scope.id}”不存在`, `Scope ${scope.id} does not exist`),
      ]);
    return placed;
  }

  /** The school of a teacher, placed; 404 for an unknown teacher. */
  private async teacherSchool(teacherId: number): Promise<PlacedScope> {
    const t = await this.db.selectFrom('teachers').select('school_id').where('id', '=', teacherId).executeTakeFirst();
    if (!t) throw new NotFoundError('teacher', teacherId);
    return (await this.placeScope({ kind: 'school', id: String(t.school_id) }))!;
  }

  async auditScopeOf(scope: Scope): Promise<AuditScope> {
    const placed = await this.placeScope(scope);
    if (!placed) return { regionCode: null };
    return {
      regionCode: placed.regionCode,
      communityId: placed.kind === 'community' ? Number(placed.id) : null,
      schoolId: placed.kind === 'school' ? Number(placed.id) : null,
    };
  }

  async create(caller: Caller, input: UserCreate): Promise<User> {
    const actor = await this.actorSubject(caller.actor);
    const detail = {
      username: input.username,
      role: input.role,
      scope: input.scope,
      teacherId: input.teacherId ?? null,
    };
    const actorScope = await this.auditScopeOf(caller.actor.scope);
    await this.enforce(caller, mayListUsers(actor), { action: 'create', targetId: null, scope: actorScope, detail });
    const scope = await this.placeOrFail(input.scope);
    await this.enforce(caller, mayGrant(actor, input.role, scope), {
      action: 'create',
      targetId: null,
      scope: actorScope,
      detail,
    });
    if (input.teacherId) {
      await this.enforce(caller, mayLinkTeacher(actor, await this.teacherSchool(input.teacherId)), {
        action: 'link_teacher',
        targetId: null,
        scope: actorScope,
        detail,
      });
    }
    const taken = await this.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', input.username)
      .executeTakeFirst();
    if (taken)
      throw new ConflictError('duplicate', { field: '用户名', fieldEn: 'Username', value: input.username }, [
        fieldIssue('body.username', 'duplicate', '用户名已存在', 'Username already exists'),
      ]);
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
          // the administrator chose this password: the user chooses their own at the first sign-in
          must_change_password: true,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, {
        action: 'create',
        entity: 'user',
        entityId: row.id,
        after: { ...input, password: undefined },
      });
      return row.id;
    });
    return this.load(id);
  }

  /** The user an administrator may change (e.g. lift a login lock for), or a 403/404. */
  async changeable(caller: Caller, id: number): Promise<User> {
    await this.onlySelfUnlessAdmin(caller, id, 'update');
    const target = await this.load(id);
    await this.enforce(
      caller,
      mayChangeUser(await this.actorSubject(caller.actor), await this.subject(target), 'update'),
      { action: 'update', targetId: id },
    );
    return target;
  }

  async update(caller: Caller, id: number, input: UserUpdate): Promise<User> {
    await this.onlySelfUnlessAdmin(caller, id, 'update');
    const before = await this.load(id);
    const actor = await this.actorSubject(caller.actor);
    const target = await this.subject(before);
    const detail = { ...input, password: input.password === undefined ? undefined : '***' };
    const deny = (d: Decision, action: UserAction) => this.enforce(caller, d, { action, targetId: id, detail });

    // what this request actually changes, each checked on its own
    const newRole = input.role ?? before.role;
    const newScope = input.scope ?? before.scope;
    const grantChanges =
      newRole !== before.role || newScope.kind !== before.scope.kind || newScope.id !== before.scope.id;
    const teacherChanges = input.teacherId !== undefined && (input.teacherId ?? null) !== before.teacherId;
    const statusChanges = input.isActive !== undefined && input.isActive !== before.isActive;
    const actions: Exclude<UserAction, 'list' | 'read' | 'create'>[] = [];
    if (input.password !== undefined) actions.push('reset_password');
    if (statusChanges) actions.push('deactivate');
    if (teacherChanges) actions.push('link_teacher');
    actions.push('update');
    if (grantChanges && id === actor.id) await deny({ allowed: false, reason: 'own_account' }, 'update');
    for (const action of actions) await deny(mayChangeUser(actor, target, action), action);
    if (grantChanges) await deny(mayGrant(actor, newRole, await this.placeOrFail(newScope)), 'update');
    if (teacherChanges && input.teacherId)
      await deny(mayLinkTeacher(actor, await this.teacherSchool(input.teacherId)), 'link_teacher');

    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('users')
        .set({
          ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
          ...(input.role !== undefined ? { role: input.role } : {}),
          ...(input.scope !== undefined ? { scope_kind: input.scope.kind, scope_id: input.scope.id } : {}),
          ...(input.teacherId !== undefined ? { teacher_id: input.teacherId } : {}),
          ...(input.isActive !== undefined ? { is_active: input.isActive } : {}),
          // an administrator's reset forces a new password at the next sign-in
          ...(input.password !== undefined
            ? { password_hash: await hashPassword(input.password), must_change_password: id !== caller.actor.userId }
            : {}),
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .execute();
      if (input.isActive === false || input.password !== undefined)
        await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
      await recordAudit(tx, caller, { action: 'update', entity: 'user', entityId: id, before, after: detail });
    });
    return this.load(id);
  }
}
