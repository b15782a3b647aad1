import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, loginAdmin, type TestApp } from '../../test/harness.js';
import { buildUser, HAINING, USER_PASSWORD } from '../../test/factories.js';

/** Sessions (issue 14): password changes end other sessions, admin resets force a new password, users see and end their sessions. */
let clock = new Date('2026-12-03T08:00:00Z');
const advance = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: () => clock });
});
afterAll(() => t.close());

async function signIn(
  username: string,
  password: string,
  userAgent: string,
  remoteAddress = '10.3.3.3',
): Promise<Client> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
    headers: { 'user-agent': userAgent },
    remoteAddress,
  });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  return new Client(t.app, `gongjin_session=${res.cookies.find((c) => c.name === 'gongjin_session')!.value}`);
}

describe('own sessions', () => {
  it('lists the user’s sessions with device, address, created and last seen', async () => {
    await buildUser(t.ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'dora' });
    const laptop = await signIn('dora', USER_PASSWORD, 'Mozilla/5.0 (Windows NT 10.0) Chrome/130', '10.3.3.1');
    advance(60);
    await signIn('dora', USER_PASSWORD, 'Mozilla/5.0 (iPhone) Safari/17', '10.3.3.2');
    advance(300);
    const res = await laptop.get('/api/v1/auth/sessions');
    expect(res.statusCode).toBe(200);
    const list = res.json() as {
      id: string;
      current: boolean;
      userAgent: string;
      ip: string;
      createdAt: string;
      lastSeenAt: string;
    }[];
    expect(list).toHaveLength(2);
    const mine = list.find((s) => s.current)!;
    expect(mine).toMatchObject({
      userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/130',
      ip: '10.3.3.1',
      createdAt: '2026-12-03T08:00:00.000Z',
    });
    // this request marked the session as seen now
    expect(mine.lastSeenAt).toBe('2026-12-03T08:06:00.000Z');
    expect(list.find((s) => !s.current)).toMatchObject({
      ip: '10.3.3.2',
      createdAt: '2026-12-03T08:01:00.000Z',
      lastSeenAt: '2026-12-03T08:01:00.000Z',
    });
    // the cookie token never appears
    expect(res.body).not.toContain(laptop.cookie.split('=')[1]);
  });

  it('revokes one session, only the user’s own', async () => {
    await buildUser(t.ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'erin' });
    const a = await signIn('erin', USER_PASSWORD, 'A');
    const b = await signIn('erin', USER_PASSWORD, 'B');
    const other = await signIn('dora', USER_PASSWORD, 'C');
    const bId = ((await a.get('/api/v1/auth/sessions')).json() as { id: string; current: boolean }[]).find(
      (s) => !s.current,
    )!.id;
    expect((await other.delete(`/api/v1/auth/sessions/${bId}`)).statusCode).toBe(404);
    expect((await b.get('/api/v1/auth/me')).statusCode).toBe(200);
    expect((await a.delete(`/api/v1/auth/sessions/${bId}`)).statusCode).toBe(204);
    expect((await b.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await a.get('/api/v1/auth/me')).statusCode).toBe(200);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('username', '=', 'erin')
      .where('action', '=', 'revoke_session')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('signs out everywhere', async () => {
    await buildUser(t.ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'fay' });
    const a = await signIn('fay', USER_PASSWORD, 'A');
    const b = await signIn('fay', USER_PASSWORD, 'B');
    const res = await a.delete('/api/v1/auth/sessions');
    expect(res.statusCode).toBe(204);
    expect((await a.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await b.get('/api/v1/auth/me')).statusCode).toBe(401);
  });
});

describe('password changes', () => {
  it('changing one’s own password ends every other session, keeps this one', async () => {
    await buildUser(t.ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'gus' });
    const here = await signIn('gus', USER_PASSWORD, 'here');
    const there = await signIn('gus', USER_PASSWORD, 'there');
    expect(
      (await here.post('/api/v1/auth/password', { currentPassword: USER_PASSWORD, newPassword: 'a-new-password-1' }))
        .statusCode,
    ).toBe(204);
    expect((await there.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await here.get('/api/v1/auth/me')).statusCode).toBe(200);
    expect((await here.get('/api/v1/auth/sessions')).json()).toHaveLength(1);
  });

  it('an account created with an administrator-set password must change it before anything else', async () => {
    const admin = await loginAdmin(t.app);
    const created = await admin.post('/api/v1/users', {
      username: 'ivan',
      displayName: '伊万',
      password: 'set-by-admin-1',
      role: 'viewer',
      scope: { kind: 'region', id: HAINING },
    });
    expect(created.statusCode).toBe(201);
    const ivan = await signIn('ivan', 'set-by-admin-1', 'first');
    expect((await ivan.get('/api/v1/auth/me')).json().mustChangePassword).toBe(true);
    const refused = await ivan.get('/api/v1/schools');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('password_change_required');
    expect(
      (await ivan.post('/api/v1/auth/password', { currentPassword: 'set-by-admin-1', newPassword: 'ivans-own-pass-1' }))
        .statusCode,
    ).toBe(204);
    expect((await ivan.get('/api/v1/schools')).statusCode).toBe(200);
    const logout = await ivan.post('/api/v1/auth/logout', {});
    expect(logout.statusCode).toBe(204);
  });

  it('an admin reset ends all sessions and forces a new password before anything else', async () => {
    const user = await buildUser(t.ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'hana' });
    const before = await signIn('hana', USER_PASSWORD, 'before');
    const admin = await loginAdmin(t.app);
    expect((await admin.patch(`/api/v1/users/${user.id}`, { password: 'reset-by-admin-1' })).statusCode).toBe(200);
    expect((await before.get('/api/v1/auth/me')).statusCode).toBe(401);

    const after = await signIn('hana', 'reset-by-admin-1', 'after');
    const me = await after.get('/api/v1/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().mustChangePassword).toBe(true);
    const refused = await after.get('/api/v1/schools');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({
      code: 'password_change_required',
      message: expect.stringContaining('修改密码'),
    });
    expect((await after.get('/api/v1/auth/sessions')).statusCode).toBe(200);

    // the new password must differ from the one the administrator set
    const same = await after.post('/api/v1/auth/password', {
      currentPassword: 'reset-by-admin-1',
      newPassword: 'reset-by-admin-1',
    });
    expect(same.statusCode).toBe(422);
    expect(
      (
        await after.post('/api/v1/auth/password', {
          currentPassword: 'reset-by-admin-1',
          newPassword: 'my-own-password-1',
        })
      ).statusCode,
    ).toBe(204);
    expect((await after.get('/api/v1/auth/me')).json().mustChangePassword).toBe(false);
    expect((await after.get('/api/v1/schools')).statusCode).toBe(200);
  });
});
