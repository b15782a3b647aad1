import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/enums.js';
import { createTestApp, login, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import {
  buildCommunity,
  buildSchool,
  buildTeacher,
  buildUser,
  HAINING,
  TONGXIANG,
  USER_PASSWORD,
} from '../../test/factories.js';

/**
 * The user-administration matrix: every user-management route, every role at every scope, against
 * a twin set of target users. Expectations are stated here from the rules in plain terms (where a
 * user sits, how high it ranks), not by calling the policy under test.
 */
type Place = 'nation' | 'province' | 'haining' | 'tongxiang';
interface Who {
  key: string;
  role: Role;
  place: Place;
  id: number;
  username: string;
}

let t: TestApp;
const clients: Record<string, Client> = {};
const actors: Who[] = [];
const targets: Who[] = [];
const created: Who[] = [];
let ids: Record<string, number>;

const LEVEL: Record<Place, number> = { nation: 0, province: 1, haining: 3, tongxiang: 3 };
const RANK: Record<Role, number> = {
  bureau_admin: 5,
  assessor: 3,
  community_lead: 3,
  school_admin: 2,
  teacher: 1,
  viewer: 0,
};

/** Does the actor's scope hold the target's? (Only bureau admins administer users.) */
function reaches(a: Who, u: Who): boolean {
  if (a.role !== 'bureau_admin') return false;
  if (a.place === 'nation') return true;
  if (a.place === 'province') return u.place !== 'nation';
  return u.place === a.place;
}
/** May the actor change the target: reaches it and outranks it (lower role, or same role over a larger scope)? */
function manages(a: Who, u: Who): boolean {
  if (a.id === u.id || !reaches(a, u)) return false;
  return RANK[a.role] > RANK[u.role] || (RANK[a.role] === RANK[u.role] && LEVEL[a.place] < LEVEL[u.place]);
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.ctx.db;
  const hnSchool = await buildSchool(db, { name: '海宁学校' });
  const hnSchool2 = await buildSchool(db, { name: '海宁二校' });
  const txSchool = await buildSchool(db, { name: '桐乡学校', region_code: TONGXIANG });
  const community = await buildCommunity(db, [
    { schoolId: hnSchool.id, role: 'core' },
    { schoolId: hnSchool2.id, role: 'member' },
  ]);
  const hnTeacher = await buildTeacher(db, hnSchool.id);
  const txTeacher = await buildTeacher(db, txSchool.id);
  ids = {
    hnSchool: hnSchool.id,
    txSchool: txSchool.id,
    community: community.id,
    hnTeacher: hnTeacher.id,
    txTeacher: txTeacher.id,
  };

  const scopeOf = (role: Role, place: Place) => {
    if (role === 'community_lead') return { kind: 'community' as const, id: community.id };
    if (role === 'school_admin' || role === 'teacher')
      return { kind: 'school' as const, id: place === 'tongxiang' ? txSchool.id : hnSchool.id };
    return {
      kind: 'region' as const,
      id: { nation: '000000', province: '330000', haining: HAINING, tongxiang: TONGXIANG }[place],
    };
  };
  const spec: [string, Role, Place][] = [
    ['province', 'bureau_admin', 'province'],
    ['county', 'bureau_admin', 'haining'],
    ['otherCounty', 'bureau_admin', 'tongxiang'],
    ['lead', 'community_lead', 'haining'],
    ['principal', 'school_admin', 'haining'],
    ['teacher', 'teacher', 'haining'],
    ['viewer', 'viewer', 'haining'],
  ];
  const admin = await db
    .selectFrom('users')
    .select(['id', 'username'])
    .where('username', '=', 'admin')
    .executeTakeFirstOrThrow();
  actors.push({ key: 'admin', role: 'bureau_admin', place: 'nation', id: admin.id, username: 'admin' });
  clients.admin = await loginAdmin(t.app);
  for (const [key, role, place] of spec) {
    const u = await buildUser(db, role, scopeOf(role, place), { username: `a_${key}` });
    actors.push({ key, role, place, id: u.id, username: u.username });
    clients[key] = await login(t.app, u.username, USER_PASSWORD);
  }
  // the targets: a twin of every actor, one national peer, and the national admin itself
  targets.push({ ...actors[0]! });
  for (const [key, role, place] of [
    ['nation2', 'bureau_admin', 'nation'],
    ...spec,
    ['txTeacher', 'teacher', 'tongxiang'],
    ['txViewer', 'viewer', 'tongxiang'],
  ] as [string, Role, Place][]) {
    const u = await buildUser(db, role, scopeOf(role, place), { username: `t_${key}` });
    targets.push({ key: `t_${key}`, role, place, id: u.id, username: u.username });
  }
});
afterAll(async () => {
  await t.close();
});

const everyone = () => [...actors, ...targets.filter((x) => x.key !== 'admin'), ...created];

describe.each(['admin', 'province', 'county', 'otherCounty', 'lead', 'principal', 'teacher', 'viewer'])('%s', (key) => {
  const me = () => actors.find((a) => a.key === key)!;

  it('GET /api/v1/users lists exactly the users inside its scope (or is refused)', async () => {
    const res = await clients[key]!.get('/api/v1/users?pageSize=100');
    if (me().role !== 'bureau_admin') {
      expect(res.statusCode).toBe(403);
      return;
    }
    expect(res.statusCode).toBe(200);
    const expected = everyone()
      .filter((u) => u.id === me().id || reaches(me(), u))
      .map((u) => u.username)
      .sort();
    expect(
      res
        .json()
        .items.map((u: { username: string }) => u.username)
        .sort(),
    ).toEqual(expected);
    expect(res.json().total).toBe(expected.length);
  });

  it('GET /api/v1/users/:id reads exactly the users inside its scope, and itself', async () => {
    for (const u of everyone()) {
      const res = await clients[key]!.get(`/api/v1/users/${u.id}`);
      expect([u.username, res.statusCode]).toEqual([u.username, u.id === me().id || reaches(me(), u) ? 200 : 403]);
    }
  });

  it('PATCH display name: only users it outranks inside its scope, and itself', async () => {
    for (const u of targets) {
      const res = await clients[key]!.patch(`/api/v1/users/${u.id}`, { displayName: `改名${key}` });
      expect([u.key, res.statusCode]).toEqual([u.key, u.id === me().id || manages(me(), u) ? 200 : 403]);
    }
    expect((await clients[key]!.patch(`/api/v1/users/${me().id}`, { displayName: `本人${key}` })).statusCode).toBe(200);
  });

  it('PATCH password (reset): only users it outranks inside its scope, never itself', async () => {
    for (const u of [...targets, me()]) {
      const res = await clients[key]!.patch(`/api/v1/users/${u.id}`, { password: `reset-by-${key}` });
      expect([u.key, res.statusCode]).toEqual([u.key, manages(me(), u) ? 200 : 403]);
      if (res.statusCode === 200) await login(t.app, u.username, `reset-by-${key}`);
    }
  });

  it('PATCH isActive=false (deactivate): only users it outranks inside its scope, never itself', async () => {
    for (const u of [...targets, me()]) {
      const res = await clients[key]!.patch(`/api/v1/users/${u.id}`, { isActive: false });
      expect([u.key, res.statusCode]).toEqual([u.key, manages(me(), u) ? 200 : 403]);
      if (res.statusCode === 200)
        expect((await clients[key]!.patch(`/api/v1/users/${u.id}`, { isActive: true })).statusCode).toBe(200);
    }
  });

  it('PATCH teacherId (link to a teacher): only users it outranks, only teachers inside its scope', async () => {
    for (const u of targets.filter((x) => x.role === 'teacher')) {
      for (const [teacherPlace, teacherId] of [
        ['haining', ids.hnTeacher],
        ['tongxiang', ids.txTeacher],
      ] as const) {
        const res = await clients[key]!.patch(`/api/v1/users/${u.id}`, { teacherId });
        const ok = manages(me(), u) && reaches(me(), { ...u, place: teacherPlace });
        expect([u.key, teacherPlace, res.statusCode]).toEqual([u.key, teacherPlace, ok ? 200 : 403]);
      }
    }
  });

  it('POST /api/v1/users: creates users only inside its scope', async () => {
    for (const [place, scope] of [
      ['haining', { kind: 'region', id: HAINING }],
      ['tongxiang', { kind: 'school', id: String(ids.txSchool) }],
    ] as const) {
      const role = scope.kind === 'school' ? 'teacher' : 'viewer';
      const res = await clients[key]!.post('/api/v1/users', {
        username: `new_${key}_${place}`,
        displayName: '新用户',
        password: 'new-user-pass',
        role,
        scope,
      });
      const ok = me().role === 'bureau_admin' && reaches(me(), { ...me(), role, place });
      expect([place, res.statusCode]).toEqual([place, ok ? 201 : 403]);
      if (res.statusCode === 201)
        created.push({ key: `new_${key}_${place}`, role, place, id: res.json().id, username: `new_${key}_${place}` });
    }
  });
});

describe('the reported take-over of the national admin', () => {
  it('a county admin cannot reset the national admin’s password; the attempt is refused in both languages, audited, and the password still works', async () => {
    const res = await clients.county!.patch('/api/v1/users/1', { password: 'taken-over-123' });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toMatch(/管理范围/);
    expect(res.json().messageEn).toMatch(/outside your scope/);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'taken-over-123' },
      remoteAddress: '10.1.1.1',
    });
    expect(bad.statusCode).toBe(401);
    await loginAdmin(t.app);
    const county = actors.find((a) => a.key === 'county')!;
    const denied = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'denied')
      .where('user_id', '=', county.id)
      .where('entity_id', '=', '1')
      .orderBy('id')
      .execute();
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.at(-1)!.after).toMatchObject({ attempted: 'reset_password', reason: 'target_outside_scope' });
    expect(JSON.stringify(denied.at(-1)!.after)).not.toContain('taken-over-123');
  });

  it('a county admin cannot demote or deactivate the national admin, nor list it', async () => {
    expect((await clients.county!.patch('/api/v1/users/1', { role: 'viewer' })).statusCode).toBe(403);
    expect((await clients.county!.patch('/api/v1/users/1', { isActive: false })).statusCode).toBe(403);
    expect(
      (await clients.county!.get('/api/v1/users?search=admin'))
        .json()
        .items.map((u: { username: string }) => u.username),
    ).not.toContain('admin');
    expect((await clients.admin!.get('/api/v1/auth/me')).statusCode).toBe(200);
  });

  it('a province admin changes a county admin: new password, and the county admin signs in with it', async () => {
    const county2 = targets.find((x) => x.key === 't_county')!;
    expect(
      (
        await clients.province!.patch(`/api/v1/users/${county2.id}`, {
          password: 'province-set-1',
          displayName: '海宁二号',
        })
      ).statusCode,
    ).toBe(200);
    const c = await login(t.app, county2.username, 'province-set-1');
    expect((await c.get('/api/v1/auth/me')).json().displayName).toBe('海宁二号');
  });

  it('a county admin cannot create a user linked to a teacher of another county (403), nor to an unknown teacher (404)', async () => {
    const body = {
      username: 'linked_tx',
      displayName: '跨县',
      password: 'linked-pass-1',
      role: 'teacher',
      scope: { kind: 'school', id: String(ids.hnSchool) },
    };
    const res = await clients.county!.post('/api/v1/users', { ...body, teacherId: ids.txTeacher });
    expect(res.statusCode).toBe(403);
    expect(res.json().details[0]).toMatchObject({ field: 'body.teacherId', code: 'teacher_outside_scope' });
    expect((await clients.county!.post('/api/v1/users', { ...body, teacherId: 99_999_999 })).statusCode).toBe(404);
    expect((await clients.county!.post('/api/v1/users', { ...body, teacherId: ids.hnTeacher })).statusCode).toBe(201);
  });
});

describe('raising one’s own rights', () => {
  it('refuses a county admin its own wider scope or higher role, and grants above itself', async () => {
    const county = actors.find((a) => a.key === 'county')!;
    const own = await clients.county!.patch(`/api/v1/users/${county.id}`, { scope: { kind: 'region', id: '330000' } });
    expect(own.statusCode).toBe(403);
    expect(own.json().messageEn).toMatch(/own role/);
    const lead = actors.find((a) => a.key === 'lead')!;
    expect(
      (
        await clients.lead!.patch(`/api/v1/users/${lead.id}`, {
          role: 'bureau_admin',
          scope: { kind: 'region', id: HAINING },
        })
      ).statusCode,
    ).toBe(403);
    const wider = await clients.county!.post('/api/v1/users', {
      username: 'wider',
      displayName: 'x',
      password: 'wider-pass-1',
      role: 'bureau_admin',
      scope: { kind: 'region', id: '330000' },
    });
    expect(wider.statusCode).toBe(403);
    expect(wider.json().details[0]).toMatchObject({ field: 'body.scope.id', code: 'scope_outside' });
    const peer = await clients.county!.post('/api/v1/users', {
      username: 'peer',
      displayName: 'x',
      password: 'peer-pass-1',
      role: 'bureau_admin',
      scope: { kind: 'region', id: HAINING },
    });
    expect(peer.statusCode).toBe(403);
    expect(peer.json().details[0]).toMatchObject({ field: 'body.role', code: 'role_not_grantable' });
    const promote = await clients.county!.patch(`/api/v1/users/${targets.find((x) => x.key === 't_viewer')!.id}`, {
      role: 'bureau_admin',
      scope: { kind: 'region', id: HAINING },
    });
    expect(promote.statusCode).toBe(403);
    // the web form sends every field back unchanged when one edits oneself
    const me = (await clients.county!.get(`/api/v1/users/${county.id}`)).json();
    expect(
      (
        await clients.county!.patch(`/api/v1/users/${county.id}`, {
          displayName: '海宁局',
          role: me.role,
          scope: me.scope,
          teacherId: null,
          isActive: true,
        })
      ).statusCode,
    ).toBe(200);
    const denied = await t.ctx.db
      .selectFrom('audit_log')
      .select('after')
      .where('action', '=', 'denied')
      .where('user_id', '=', county.id)
      .execute();
    expect(denied.map((d) => (d.after as { reason: string }).reason)).toEqual(
      expect.arrayContaining(['own_account', 'scope_outside', 'role_not_grantable']),
    );
  });

  it('offers each actor only what it may grant', async () => {
    const county = (await clients.county!.get('/api/v1/users/grantable')).json();
    expect(county.scope).toEqual({ kind: 'region', id: HAINING });
    expect(county.roles.map((r: { role: string }) => r.role)).toContain('school_admin');
    expect((await clients.teacher!.get('/api/v1/users/grantable')).json().roles).toEqual([]);
  });

  it('pages the list', async () => {
    const page = (await clients.admin!.get('/api/v1/users?pageSize=2&page=2')).json();
    expect(page.items).toHaveLength(2);
    expect(page.total).toBeGreaterThan(10);
  });
});
