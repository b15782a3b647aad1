import { describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/enums.js';
import {
  grantableRoles,
  mayChangeUser,
  mayGrant,
  mayLinkTeacher,
  mayListUsers,
  mayReadUser,
  scopeContains,
  type PlacedScope,
  type UserSubject,
} from './users.policy.js';

const region = (code: string): PlacedScope => ({ kind: 'region', id: code, regionCode: code });
const community = (id: number, regionCode: string): PlacedScope => ({ kind: 'community', id: String(id), regionCode });
const school = (id: number, regionCode: string, communityIds: number[] = []): PlacedScope => ({
  kind: 'school',
  id: String(id),
  regionCode,
  communityIds,
});

let nextId = 100;
const user = (role: Role, scope: PlacedScope, id = nextId++): UserSubject => ({ id, role, scope });

const nation = user('bureau_admin', region('000000'), 1);
const province = user('bureau_admin', region('330000'));
const city = user('bureau_admin', region('330400'));
const county = user('bureau_admin', region('330481'));
const countyPeer = user('bureau_admin', region('330481'));
const otherCounty = user('bureau_admin', region('330483'));
const hnCommunity = community(7, '330481');
const hnSchool = school(11, '330481', [7]);
const txSchool = school(12, '330483');
const lead = user('community_lead', hnCommunity);
const principal = user('school_admin', hnSchool);
const teacher = user('teacher', hnSchool);
const viewer = user('viewer', region('330481'));
const txTeacher = user('teacher', txSchool);

describe('scope containment', () => {
  it.each([
    [region('000000'), region('330481'), true],
    [region('330000'), region('330481'), true],
    [region('330400'), school(1, '330481'), true],
    [region('330481'), region('330481001'), true],
    [region('330481'), region('330000'), false],
    [region('330481'), region('000000'), false],
    [region('330481'), community(1, '330483'), false],
    [region('330481'), school(1, '330483'), false],
    [community(7, '330481'), school(1, '330483', [7]), true],
    [community(7, '330481'), school(1, '330481', [8]), false],
    [community(7, '330481'), region('330481'), false],
    [school(1, '330481'), school(1, '330481'), true],
    [school(1, '330481'), school(2, '330481'), false],
  ] as const)('%o contains %o: %s', (outer, inner, expected) => {
    expect(scopeContains(outer, inner)).toBe(expected);
  });
});

describe('listing and reading', () => {
  it('only region bureau administrators list users', () => {
    expect(mayListUsers(county)).toEqual({ allowed: true });
    for (const a of [lead, principal, teacher, viewer])
      expect(mayListUsers(a)).toEqual({ allowed: false, reason: 'not_user_admin' });
    expect(mayListUsers(user('bureau_admin', school(3, '330481')))).toEqual({
      allowed: false,
      reason: 'not_user_admin',
    });
  });

  it('an administrator reads the users inside its scope, everyone reads themselves', () => {
    expect(mayReadUser(county, teacher).allowed).toBe(true);
    expect(mayReadUser(county, countyPeer).allowed).toBe(true);
    expect(mayReadUser(county, nation)).toEqual({ allowed: false, reason: 'target_outside_scope' });
    expect(mayReadUser(county, txTeacher)).toEqual({ allowed: false, reason: 'target_outside_scope' });
    expect(mayReadUser(otherCounty, teacher).allowed).toBe(false);
    expect(mayReadUser(province, county).allowed).toBe(true);
    expect(mayReadUser(teacher, teacher).allowed).toBe(true);
    expect(mayReadUser(teacher, principal)).toEqual({ allowed: false, reason: 'not_user_admin' });
  });
});

describe('changing users', () => {
  const actions = ['update', 'reset_password', 'deactivate', 'link_teacher'] as const;

  it('a county administrator never changes the national admin, a peer or another county', () => {
    for (const a of actions) {
      expect(mayChangeUser(county, nation, a)).toEqual({ allowed: false, reason: 'target_outside_scope' });
      expect(mayChangeUser(county, countyPeer, a)).toEqual({ allowed: false, reason: 'target_not_below' });
      expect(mayChangeUser(county, txTeacher, a)).toEqual({ allowed: false, reason: 'target_outside_scope' });
      expect(mayChangeUser(province, nation, a).allowed).toBe(false);
    }
  });

  it('a province administrator changes a county administrator; a county one its lower roles', () => {
    for (const a of actions) {
      expect(mayChangeUser(province, county, a).allowed).toBe(true);
      expect(mayChangeUser(city, county, a).allowed).toBe(true);
      expect(mayChangeUser(nation, province, a).allowed).toBe(true);
      for (const t of [lead, principal, teacher, viewer]) expect(mayChangeUser(county, t, a).allowed).toBe(true);
    }
  });

  it('nobody changes their own role, status, password or teacher link here', () => {
    expect(mayChangeUser(county, county, 'update').allowed).toBe(true);
    for (const a of ['reset_password', 'deactivate', 'link_teacher'] as const) {
      expect(mayChangeUser(county, county, a)).toEqual({ allowed: false, reason: 'own_account' });
      expect(mayChangeUser(nation, nation, a)).toEqual({ allowed: false, reason: 'own_account' });
    }
  });

  it('roles below the administrator change nobody else', () => {
    for (const a of [lead, principal, teacher, viewer]) {
      expect(mayChangeUser(a, txTeacher, 'update')).toEqual({ allowed: false, reason: 'not_user_admin' });
      expect(mayChangeUser(a, teacher.id === a.id ? principal : teacher, 'reset_password')).toEqual({
        allowed: false,
        reason: 'not_user_admin',
      });
    }
  });
});

describe('granting', () => {
  it('grants roles at or below its own over scopes inside its own, never more than it could manage', () => {
    expect(mayGrant(county, 'teacher', hnSchool).allowed).toBe(true);
    expect(mayGrant(county, 'community_lead', hnCommunity).allowed).toBe(true);
    expect(mayGrant(county, 'viewer', region('330481')).allowed).toBe(true);
    expect(mayGrant(county, 'bureau_admin', region('330481001')).allowed).toBe(true);
    expect(mayGrant(county, 'bureau_admin', region('330481'))).toEqual({
      allowed: false,
      reason: 'role_not_grantable',
    });
    expect(mayGrant(county, 'bureau_admin', region('330000'))).toEqual({ allowed: false, reason: 'scope_outside' });
    expect(mayGrant(county, 'viewer', region('000000'))).toEqual({ allowed: false, reason: 'scope_outside' });
    expect(mayGrant(county, 'teacher', txSchool)).toEqual({ allowed: false, reason: 'scope_outside' });
    expect(mayGrant(province, 'bureau_admin', region('330481')).allowed).toBe(true);
    expect(mayGrant(county, 'teacher', region('330481'))).toEqual({ allowed: false, reason: 'role_scope_mismatch' });
    for (const a of [lead, principal, teacher, viewer])
      expect(mayGrant(a, 'viewer', hnSchool)).toEqual({ allowed: false, reason: 'not_user_admin' });
  });

  it('links users only to teachers inside the administrator’s scope', () => {
    expect(mayLinkTeacher(county, hnSchool).allowed).toBe(true);
    expect(mayLinkTeacher(county, txSchool)).toEqual({ allowed: false, reason: 'teacher_outside_scope' });
    expect(mayLinkTeacher(principal, hnSchool)).toEqual({ allowed: false, reason: 'not_user_admin' });
  });

  it('lists grantable roles for forms', () => {
    expect(grantableRoles(county)).toEqual([
      'bureau_admin',
      'assessor',
      'community_lead',
      'school_admin',
      'teacher',
      'viewer',
    ]);
    expect(grantableRoles(principal)).toEqual([]);
  });
});
