import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAdmin, type TestApp } from '../../test/harness.js';
import { buildUser, HAINING, USER_PASSWORD } from '../../test/factories.js';
import {
  LOGIN_LOG_KEEP_DAYS,
  LoginThrottle,
  PAIR_FREE_FAILURES,
  PAIR_MAX_SECONDS,
  IP_FREE_FAILURES,
} from './login-throttle.js';

/**
 * Login throttling (issue 14): failures slow down the (username, address) pair and the address, never
 * the account as such, so an attacker cannot lock the real user out. Time is injected: nothing sleeps.
 */
let clock = new Date('2026-12-03T08:00:00Z');
const advance = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};

const attempt = (t: TestApp, username: string, password: string, address: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: address });

describe('login throttling without a hard lock (default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: () => clock });
    await buildUser(t.ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'lead' });
  });
  afterAll(() => t.close());

  it('an anonymous attacker failing 100 times from one address cannot stop the real user elsewhere', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 100; i++) statuses.add((await attempt(t, 'lead', `guess-${i}`, '198.51.100.7')).statusCode);
    expect([...statuses].sort()).toEqual([401, 429]);
    // the attacker's address is throttled, even with the right password …
    const fromAttacker = await attempt(t, 'lead', USER_PASSWORD, '198.51.100.7');
    expect(fromAttacker.statusCode).toBe(429);
    // … but the real user at another address signs in at once
    const real = await attempt(t, 'lead', USER_PASSWORD, '203.0.113.20');
    expect(real.statusCode).toBe(200);
    // only the free failures were checked against the password; the rest were refused unseen
    const checked = await t.ctx.db
      .selectFrom('login_attempts')
      .select('id')
      .where('username', '=', 'lead')
      .where('succeeded', '=', false)
      .execute();
    expect(checked.length).toBe(PAIR_FREE_FAILURES);
  });

  it('parallel attempts cannot overrun the allowance: each is counted before its password is checked', async () => {
    const address = '198.51.100.12';
    const before = await t.ctx.db.selectFrom('login_attempts').select('id').where('ip', '=', address).execute();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => attempt(t, 'lead', `parallel-${i}`, address)),
    );
    const checked = await t.ctx.db.selectFrom('login_attempts').select('id').where('ip', '=', address).execute();
    expect(checked.length - before.length).toBe(PAIR_FREE_FAILURES);
    expect(results.filter((r) => r.statusCode === 401)).toHaveLength(PAIR_FREE_FAILURES);
    expect(results.filter((r) => r.statusCode === 429)).toHaveLength(40 - PAIR_FREE_FAILURES);
  });

  it('the 429 says how long to wait, in the message and in Retry-After', async () => {
    const address = '198.51.100.8';
    for (let i = 0; i < PAIR_FREE_FAILURES; i++)
      expect((await attempt(t, 'lead', 'wrong', address)).statusCode).toBe(401);
    const limited = await attempt(t, 'lead', 'wrong', address);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('too_many_attempts');
    expect(limited.headers['retry-after']).toBe('30');
    expect(limited.json().message).toContain('30 秒');
    expect(limited.json().messageEn).toContain('30 seconds');
  });

  it('delays double with each further failure, up to a cap, and a success clears them', async () => {
    const address = '198.51.100.9';
    for (let i = 0; i < PAIR_FREE_FAILURES; i++) await attempt(t, 'lead', 'wrong', address);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const limited = await attempt(t, 'lead', 'wrong', address);
      expect(limited.statusCode).toBe(429);
      const wait = Number(limited.headers['retry-after']);
      waits.push(wait);
      advance(wait - 1);
      expect((await attempt(t, 'lead', 'wrong', address)).statusCode).toBe(429); // one second early: still waiting
      advance(1);
      expect((await attempt(t, 'lead', 'wrong', address)).statusCode).toBe(401); // allowed, and wrong again
    }
    expect(waits).toEqual([30, 60, 120, 240, 480, PAIR_MAX_SECONDS, PAIR_MAX_SECONDS, PAIR_MAX_SECONDS]);
    advance(PAIR_MAX_SECONDS);
    expect((await attempt(t, 'lead', USER_PASSWORD, address)).statusCode).toBe(200);
    // the pair starts afresh after a success
    for (let i = 0; i < PAIR_FREE_FAILURES; i++)
      expect((await attempt(t, 'lead', 'wrong', address)).statusCode).toBe(401);
  });

  it('throttles an address that tries many usernames, and only that address', async () => {
    const address = '198.51.100.10';
    for (let i = 0; i < IP_FREE_FAILURES; i++)
      expect((await attempt(t, `nobody${i}`, 'wrong', address)).statusCode).toBe(401);
    const sprayed = await attempt(t, 'someone-new', 'wrong', address);
    expect(sprayed.statusCode).toBe(429);
    expect(Number(sprayed.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt(t, 'lead', USER_PASSWORD, address)).statusCode).toBe(429);
    expect((await attempt(t, 'lead', USER_PASSWORD, '203.0.113.21')).statusCode).toBe(200);
  });

  it('the attempt log keeps a quarter of attempts, then the pruning drops them', async () => {
    const old = new Date(clock.getTime() - (LOGIN_LOG_KEEP_DAYS + 1) * 86_400_000).toISOString();
    const recent = new Date(clock.getTime() - (LOGIN_LOG_KEEP_DAYS - 1) * 86_400_000).toISOString();
    await t.ctx.db
      .insertInto('login_attempts')
      .values([
        { username: 'pruned-old', ip: '192.0.2.1', succeeded: false, at: old },
        { username: 'pruned-recent', ip: '192.0.2.1', succeeded: false, at: recent },
      ])
      .execute();
    await new LoginThrottle(t.ctx.db, () => clock).prune();
    const left = await t.ctx.db
      .selectFrom('login_attempts')
      .select('username')
      .where('username', 'like', 'pruned-%')
      .execute();
    expect(left.map((r) => r.username)).toEqual(['pruned-recent']);
  });

  it('forgets old failures after a quiet day', async () => {
    const address = '198.51.100.11';
    for (let i = 0; i < PAIR_FREE_FAILURES; i++) await attempt(t, 'lead', 'wrong', address);
    expect((await attempt(t, 'lead', 'wrong', address)).statusCode).toBe(429);
    advance(24 * 3600 + 1);
    for (let i = 0; i < PAIR_FREE_FAILURES; i++)
      expect((await attempt(t, 'lead', 'wrong', address)).statusCode).toBe(401);
  });

  it('never locks the account when GONGJIN_LOGIN_LOCK_AFTER is unset', async () => {
    for (let i = 0; i < 30; i++) await attempt(t, 'lead', 'wrong', `192.0.2.${i + 1}`);
    expect((await attempt(t, 'lead', USER_PASSWORD, '203.0.113.22')).statusCode).toBe(200);
    const row = await t.ctx.db
      .selectFrom('users')
      .select('locked_at')
      .where('username', '=', 'lead')
      .executeTakeFirstOrThrow();
    expect(row.locked_at).toBeNull();
  });
});

describe('hard lock after GONGJIN_LOGIN_LOCK_AFTER failures', () => {
  let t: TestApp;
  let leadId: number;
  beforeAll(async () => {
    t = await createTestApp({ now: () => clock, env: { GONGJIN_LOGIN_LOCK_AFTER: '10' } });
    leadId = (await buildUser(t.ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'lead' })).id;
    await buildUser(t.ctx.db, 'community_lead', { kind: 'region', id: HAINING }, { username: 'other' });
  });
  afterAll(() => t.close());

  it('locks the account after the configured failures (from any addresses) until an administrator lifts it', async () => {
    for (let i = 0; i < 9; i++) expect((await attempt(t, 'lead', 'wrong', `192.0.2.${i + 1}`)).statusCode).toBe(401);
    expect((await attempt(t, 'lead', USER_PASSWORD, '203.0.113.30')).statusCode).toBe(200); // a success resets the count
    for (let i = 0; i < 10; i++) expect((await attempt(t, 'lead', 'wrong', `192.0.2.${i + 20}`)).statusCode).toBe(401);
    const locked = await attempt(t, 'lead', USER_PASSWORD, '203.0.113.31');
    expect(locked.statusCode).toBe(423);
    expect(locked.json().code).toBe('account_locked');
    expect(locked.json().message).toContain('管理员');

    const admin = await loginAdmin(t.app);
    const list = await admin.get('/api/v1/login-locks');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual([expect.objectContaining({ userId: leadId, username: 'lead' })]);
    // a user without the right to manage users cannot unlock
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'other', password: USER_PASSWORD },
      remoteAddress: '203.0.113.40',
    });
    const otherCookie = `gongjin_session=${other.cookies.find((c) => c.name === 'gongjin_session')!.value}`;
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/v1/users/${leadId}/unlock`, headers: { cookie: otherCookie } }))
        .statusCode,
    ).toBe(403);

    expect((await admin.post(`/api/v1/users/${leadId}/unlock`)).statusCode).toBe(204);
    expect((await admin.get('/api/v1/login-locks')).json()).toEqual([]);
    expect((await attempt(t, 'lead', USER_PASSWORD, '203.0.113.31')).statusCode).toBe(200);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'username'])
      .where('entity', '=', 'user')
      .where('entity_id', '=', String(leadId))
      .where('action', 'in', ['lock', 'unlock'])
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'lock', username: null },
      { action: 'unlock', username: 'admin' },
    ]);
  });

  it('unlocking an account that is not locked is a clear 409', async () => {
    const admin = await loginAdmin(t.app);
    const res = await admin.post(`/api/v1/users/${leadId}/unlock`);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('not_locked');
    expect((await admin.post('/api/v1/users/999999/unlock')).statusCode).toBe(404);
  });
});
