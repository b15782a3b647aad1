import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, createTestApp, login, loginAdmin, type TestApp } from '../../test/harness.js';
import { buildSchool, HAINING, TONGXIANG } from '../../test/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('sessions', () => {
  it('logs in with an httpOnly SameSite cookie, answers me, and logs out', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'gongjin_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    const headers = { cookie: `gongjin_session=${cookie.value}` };
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers });
    expect(me.json()).toMatchObject({
      username: 'admin',
      role: 'bureau_admin',
      scope: { kind: 'region', id: '000000' },
    });
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode).toBe(401);
  });

  it('stores argon2id hashes, never passwords', async () => {
    const row = await t.ctx.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('answers 401 to a wrong password and rate-limits repeated failures', async () => {
    const bad = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'admin', password: 'wrong' },
        remoteAddress: '10.9.9.9',
      });
    const first = await bad();
    expect(first.statusCode).toBe(401);
    expect(first.json().message).toBe('用户名或密码错误');
    for (let i = 0; i < 9; i++) await bad();
    const limited = await bad();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('too_many_attempts');
    // even the right password is refused while throttled
    const right = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
      remoteAddress: '10.9.9.9',
    });
    expect(right.statusCode).toBe(429);
    await t.ctx.db.deleteFrom('login_attempts').execute();
  });
});

describe('user administration', () => {
  it('creates scoped users who can sign in, and refuses scopes outside the creator’s region', async () => {
    const admin = await loginAdmin(t.app);
    const school = await buildSchool(t.ctx.db);
    const created = await admin.post('/api/v1/users', {
      username: 'principal1',
      displayName: '李校长',
      password: 'secret-pass-1',
      role: 'school_admin',
      scope: { kind: 'school', id: String(school.id) },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ scopeName: school.name, role: 'school_admin' });
    const principal = await login(t.app, 'principal1', 'secret-pass-1');
    expect((await principal.get('/api/v1/auth/me')).json().displayName).toBe('李校长');

    const bureau = await admin.post('/api/v1/users', {
      username: 'haining',
      displayName: '海宁教育局',
      password: 'secret-pass-2',
      role: 'bureau_admin',
      scope: { kind: 'region', id: HAINING },
    });
    const hn = await login(t.app, 'haining', 'secret-pass-2');
    void bureau;
    // an administrator-set password is changed at the first sign-in before anything else
    expect(
      (await hn.post('/api/v1/auth/password', { currentPassword: 'secret-pass-2', newPassword: 'haining-own-pass' }))
        .statusCode,
    ).toBe(204);
    const outside = await hn.post('/api/v1/users', {
      username: 'tongxiang',
      displayName: '桐乡',
      password: 'secret-pass-3',
      role: 'viewer',
      scope: { kind: 'region', id: TONGXIANG },
    });
    expect(outside.statusCode).toBe(403);
    expect(outside.json().details[0].field).toBe('body.scope.id');

    const short = await admin.post('/api/v1/users', {
      username: 'shortpw',
      displayName: 'x',
      password: 'short',
      role: 'viewer',
      scope: { kind: 'region', id: HAINING },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().details[0].message).toContain('8');

    // deactivating ends the user's sessions at once
    const id = created.json().id;
    expect((await admin.patch(`/api/v1/users/${id}`, { isActive: false })).statusCode).toBe(200);
    expect((await principal.get('/api/v1/auth/me')).statusCode).toBe(401);
  });
});
