import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { buildUser, HAINING, USER_PASSWORD } from '../../test/factories.js';

/**
 * The client address (throttling, audit, sessions) comes from the socket; X-Forwarded-For counts only
 * when GONGJIN_TRUST_PROXY names the proxy it came through (addresses/CIDRs) or a hop count.
 */
const signIn = (t: TestApp, username: string, password: string, remoteAddress: string, xff?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
    remoteAddress,
    headers: xff ? { 'x-forwarded-for': xff } : {},
  });

async function recorded(t: TestApp, username: string) {
  const user = await t.ctx.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  const session = await t.ctx.db
    .selectFrom('sessions')
    .select('ip')
    .where('user_id', '=', user.id)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  const audit = await t.ctx.db
    .selectFrom('audit_log')
    .select('ip')
    .where('action', '=', 'login')
    .where('user_id', '=', user.id)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return { session: session.ip, audit: audit.ip };
}

describe('GONGJIN_TRUST_PROXY parsing', () => {
  it('trusts no proxy by default, and reads lists, CIDRs and hop counts', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ GONGJIN_TRUST_PROXY: '' }).trustProxy).toBe(false);
    expect(loadConfig({ GONGJIN_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ GONGJIN_TRUST_PROXY: '10.0.0.1, 172.16.0.0/12,::1' }).trustProxy).toEqual([
      '10.0.0.1',
      '172.16.0.0/12',
      '::1',
    ]);
    expect(() => loadConfig({ GONGJIN_TRUST_PROXY: 'true' })).toThrow(/GONGJIN_TRUST_PROXY/);
    expect(() => loadConfig({ GONGJIN_TRUST_PROXY: '10.0.0.0/40' })).toThrow(/GONGJIN_TRUST_PROXY/);
  });
});

describe('by default a forged X-Forwarded-For is ignored', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await buildUser(t.ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'alice' });
  });
  afterAll(() => t.close());

  it('stores the socket address in the session and the audit log', async () => {
    expect((await signIn(t, 'alice', USER_PASSWORD, '10.1.1.1', '203.0.113.9')).statusCode).toBe(200);
    expect(await recorded(t, 'alice')).toEqual({ session: '10.1.1.1', audit: '10.1.1.1' });
  });

  it('cannot dodge the per-address throttle by changing the header', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 8; i++)
      codes.push((await signIn(t, 'alice', 'wrong', '10.2.2.2', `203.0.113.${i + 1}`)).statusCode);
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5)).toEqual([429, 429, 429]);
  });
});

describe('with GONGJIN_TRUST_PROXY naming the proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { GONGJIN_TRUST_PROXY: '10.0.0.0/8' } });
    await buildUser(t.ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'bob' });
  });
  afterAll(() => t.close());

  it('takes the address the trusted proxy reports', async () => {
    expect((await signIn(t, 'bob', USER_PASSWORD, '10.1.1.1', '203.0.113.9')).statusCode).toBe(200);
    expect(await recorded(t, 'bob')).toEqual({ session: '203.0.113.9', audit: '203.0.113.9' });
  });

  it('ignores the header from a peer that is not a trusted proxy', async () => {
    expect((await signIn(t, 'bob', USER_PASSWORD, '192.168.5.5', '203.0.113.9')).statusCode).toBe(200);
    expect(await recorded(t, 'bob')).toEqual({ session: '192.168.5.5', audit: '192.168.5.5' });
  });

  it('throttles the real clients separately behind the proxy', async () => {
    for (let i = 0; i < 5; i++) await signIn(t, 'bob', 'wrong', '10.1.1.1', '198.51.100.1');
    expect((await signIn(t, 'bob', 'wrong', '10.1.1.1', '198.51.100.1')).statusCode).toBe(429);
    expect((await signIn(t, 'bob', USER_PASSWORD, '10.1.1.1', '198.51.100.2')).statusCode).toBe(200);
  });
});

describe('with a hop count', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { GONGJIN_TRUST_PROXY: '1' } });
    await buildUser(t.ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'carol' });
  });
  afterAll(() => t.close());

  it('takes the address one hop before the socket, not what the client wrote further left', async () => {
    expect((await signIn(t, 'carol', USER_PASSWORD, '10.1.1.1', '1.2.3.4, 198.51.100.77')).statusCode).toBe(200);
    expect(await recorded(t, 'carol')).toEqual({ session: '198.51.100.77', audit: '198.51.100.77' });
  });
});
