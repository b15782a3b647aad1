import type { Role, ScopeKind } from './enums.js';
import { regionContains } from './regions.js';

/**
 * Who may administer which user accounts: plain functions over placed scopes, shared by the server
 * (which enforces them) and the web app (which offers only what they allow).
 *
 * - Only a bureau administrator with a region scope administers users.
 * - It reaches the users whose scope lies inside its own: a region inside its code prefix, a
 *   community or a school whose region is inside it.
 * - It changes (edits, resets the password of, deactivates, links to a teacher) only users it
 *   outranks: a lower role, or the same role over a strictly smaller scope. So a county
 *   administrator never changes the national `admin` or a fellow county administrator; a province
 *   administrator changes a county administrator.
 * - It grants only what it could then manage: a role at or below its own, a scope inside its own,
 *   and the same role only over a strictly smaller scope.
 * - Nobody raises or changes their own role, scope, teacher link or status, or resets their own
 *   password here (that is `POST /auth/password`, which asks for the current one).
 */

/** A scope placed in the hierarchy: enough to decide containment without the database. */
export interface PlacedScope {
  kind: ScopeKind;
  id: string;
  /** The region code of the scope (a region's own code; a community's or school's region). */
  regionCode: string;
  /** For a school: the communities it currently belongs to. */
  communityIds?: readonly number[];
}

export interface UserSubject {
  /** The user's id; an actor's own id. */
  id: number;
  role: Role;
  scope: PlacedScope;
}

export type UserAction = 'list' | 'read' | 'create' | 'update' | 'reset_password' | 'deactivate' | 'link_teacher';

/** Rank of each role for granting and changing; bureau_admin is the only user administrator. */
export const ROLE_RANK: Record<Role, number> = {
  bureau_admin: 5,
  assessor: 3,
  community_lead: 3,
  school_admin: 2,
  teacher: 1,
  viewer: 0,
};

/** The scope kinds each role may hold. */
export const ROLE_SCOPE_KINDS: Record<Role, readonly ScopeKind[]> = {
  bureau_admin: ['region'],
  assessor: ['region', 'community'],
  community_lead: ['community'],
  school_admin: ['school'],
  teacher: ['school'],
  viewer: ['region', 'community', 'school'],
};

export type DenyReason =
  | 'not_user_admin'
  | 'target_outside_scope'
  | 'target_not_below'
  | 'own_account'
  | 'role_not_grantable'
  | 'scope_outside'
  | 'role_scope_mismatch'
  | 'teacher_outside_scope';

export const DENY_MESSAGES: Record<DenyReason, { zh: string; en: string }> = {
  not_user_admin: { zh: '只有教育局管理员可以管理用户', en: 'Only bureau administrators manage users' },
  target_outside_scope: { zh: '该用户不在您的管理范围内', en: 'This user is outside your scope' },
  target_not_below: {
    zh: '不能修改与您同级或更高级别的用户（请联系上级管理员）',
    en: 'You cannot change a user at or above your own level (ask a higher administrator)',
  },
  own_account: {
    zh: '不能修改自己的角色、范围、关联教师或状态；修改密码请用“修改密码”',
    en: 'You cannot change your own role, scope, teacher link or status; use "Change password" for your password',
  },
  role_not_grantable: { zh: '您不能授予该角色', en: 'You cannot grant this role' },
  scope_outside: { zh: '只能授予您管理范围内的范围', en: 'You can only grant scopes inside your own' },
  role_scope_mismatch: { zh: '该角色不能使用这种范围', en: 'This role cannot have this kind of scope' },
  teacher_outside_scope: { zh: '该教师不在您的管理范围内', en: 'This teacher is outside your scope' },
};

export type Decision = { allowed: true } | { allowed: false; reason: DenyReason };
const ALLOW: Decision = { allowed: true };
const deny = (reason: DenyReason): Decision => ({ allowed: false, reason });

export function isUserAdmin(actor: { role: Role; scope: { kind: ScopeKind } }): boolean {
  return actor.role === 'bureau_admin' && actor.scope.kind === 'region';
}

/** Whether `inner` lies inside `outer` (a scope contains itself). */
export function scopeContains(outer: PlacedScope, inner: PlacedScope): boolean {
  if (outer.kind === 'region') return regionContains(outer.id, inner.regionCode);
  if (outer.kind === 'community') {
    if (inner.kind === 'community') return inner.id === outer.id;
    if (inner.kind === 'school') return (inner.communityIds ?? []).includes(Number(outer.id));
    return false;
  }
  return inner.kind === 'school' && inner.id === outer.id;
}

export function sameScope(a: PlacedScope, b: PlacedScope): boolean {
  return a.kind === b.kind && a.id === b.id;
}

export function scopeStrictlyContains(outer: PlacedScope, inner: PlacedScope): boolean {
  return scopeContains(outer, inner) && !sameScope(outer, inner);
}

/** The actor outranks the holder of (role, scope): a lower role, or the same role over a strictly smaller scope. */
function outranks(actor: UserSubject, role: Role, scope: PlacedScope): boolean {
  const a = ROLE_RANK[actor.role];
  const t = ROLE_RANK[role];
  return a > t || (a === t && scopeStrictlyContains(actor.scope, scope));
}

export function mayListUsers(actor: UserSubject): Decision {
  return isUserAdmin(actor) ? ALLOW : deny('not_user_admin');
}

export function mayReadUser(actor: UserSubject, target: UserSubject): Decision {
  if (target.id === actor.id) return ALLOW;
  if (!isUserAdmin(actor)) return deny('not_user_admin');
  return scopeContains(actor.scope, target.scope) ? ALLOW : deny('target_outside_scope');
}

/** May the actor give someone this role over this scope (creating a user or changing one)? */
export function mayGrant(actor: UserSubject, role: Role, scope: PlacedScope): Decision {
  if (!isUserAdmin(actor)) return deny('not_user_admin');
  if (ROLE_RANK[role] > ROLE_RANK[actor.role]) return deny('role_not_grantable');
  if (!scopeContains(actor.scope, scope)) return deny('scope_outside');
  if (!outranks(actor, role, scope)) return deny('role_not_grantable');
  if (!ROLE_SCOPE_KINDS[role].includes(scope.kind)) return deny('role_scope_mismatch');
  return ALLOW;
}

/** May the actor link a user to a teacher of this school? */
export function mayLinkTeacher(actor: UserSubject, teacherSchool: PlacedScope): Decision {
  if (!isUserAdmin(actor)) return deny('not_user_admin');
  return scopeContains(actor.scope, teacherSchool) ? ALLOW : deny('teacher_outside_scope');
}

/**
 * May the actor do `action` to an existing user? `update` here means editing the user's own fields
 * (display name); a new role or scope is checked with mayGrant as well.
 */
export function mayChangeUser(
  actor: UserSubject,
  target: UserSubject,
  action: Exclude<UserAction, 'list' | 'read' | 'create'>,
): Decision {
  if (target.id === actor.id) return action === 'update' ? ALLOW : deny('own_account');
  if (!isUserAdmin(actor)) return deny('not_user_admin');
  if (!scopeContains(actor.scope, target.scope)) return deny('target_outside_scope');
  if (!outranks(actor, target.role, target.scope)) return deny('target_not_below');
  return ALLOW;
}

/** The roles the actor may grant (over some scope inside its own), for forms. */
export function grantableRoles(actor: { role: Role; scope: { kind: ScopeKind } }): Role[] {
  if (!isUserAdmin(actor)) return [];
  return (Object.keys(ROLE_RANK) as Role[]).filter((r) => ROLE_RANK[r] <= ROLE_RANK[actor.role]);
}
