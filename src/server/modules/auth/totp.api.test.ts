import { generate } from 'otplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, createTestApp, type TestApp } from '../../test/harness.js';
import { buildUser, HAINING, USER_PASSWORD } from '../../test/factories.js';
import { TotpService } from './totp.service.js';

/** Two-step verification with TOTP, on an injected clock (each new code is 30 seconds later). */
let t: TestApp;
let clock = new Date('2026-12-03T08:00:00Z');
const tick = () => {
  clock = new Date(clock.getTime() + 30_000);
};
const codeFor = (secret: string) => generate({ secret, epoch: Math.floor(clock.getTime() / 1000) });

beforeAll(async () => {
  t = await createTestApp({ now: () => clock });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  tick();
  await t.ctx.db.deleteFrom('totp_attempts').execute();
});

type Res = { statusCode: number; cookies: { name: string; value: string }[]; json(): any }; // eslint-disable-line @typescript-eslint/no-explicit-any
const cookieOf = (res: Res, name: string) => res.cookies.find((c) => c.name === name)?.value;

function inject(method: 'GET' | 'POST', url: string, cookie: string | null, payload?: object) {
  return t.app.inject({ method, url, ...(cookie ? { headers: { cookie } } : {}), ...(payload ? { payload } : {}) });
}
async function passwordLogin(username: string, password: string) {
  const res = await inject('POST', '/api/v1/auth/login', null, { username, password });
  expect(res.statusCode).toBe(200);
  const session = cookieOf(res, 'gongjin_session');
  const challenge = cookieOf(res, 'gongjin_challenge');
  return {
    res,
    session: session ? `gongjin_session=${session}` : null,
    challenge: challenge ? `gongjin_challenge=${challenge}` : null,
  };
}

/** Signs in (no TOTP yet), enrols and confirms; returns the secret and the recovery codes. */
async function enrol(username: string, password: string) {
  const { session } = await passwordLogin(username, password);
  expect(session).toBeTruthy();
  const start = await inject('POST', '/api/v1/auth/totp/enrol', session);
  expect(start.statusCode).toBe(200);
  const { secret } = start.json();
  const confirm = await inject('POST', '/api/v1/auth/totp/confirm', session, { code: await codeFor(secret) });
  expect(confirm.statusCode).toBe(200);
  return { secret: secret as string, recoveryCodes: confirm.json().recoveryCodes as string[], session: session! };
}

describe('TOTP enrolment', () => {
  it('gives a QR code, needs a correct first code, then 10 recovery codes stored hashed', async () => {
    await buildUser(t.ctx.db, 'bureau_admin', { kind: 'region', id: HAINING }, { username: 'hn-admin' });
    const { session } = await passwordLogin('hn-admin', USER_PASSWORD);
    const start = await inject('POST', '/api/v1/auth/totp/enrol', session);
    expect(start.statusCode).toBe(200);
    const e = start.json();
    expect(e.otpauthUrl).toMatch(/^otpauth:\/\/totp\/.*hn-admin\?.*secret=/);
    expect(e.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect((await inject('GET', '/api/v1/auth/totp', session)).json()).toMatchObject({ enabled: false });

    const wrong = await inject('POST', '/api/v1/auth/totp/confirm', session, {
      code: '000000' === (await codeFor(e.secret)) ? '111111' : '000000',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ code: 'totp_invalid_code', details: [{ field: 'body.code' }] });

    const ok = await inject('POST', '/api/v1/auth/totp/confirm', session, { code: await codeFor(e.secret) });
    expect(ok.statusCode).toBe(200);
    const codes: string[] = ok.json().recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect((await inject('GET', '/api/v1/auth/totp', session)).json()).toEqual({
      enabled: true,
      required: false,
      recoveryCodesLeft: 10,
    });
    const stored = await t.ctx.db.selectFrom('totp_recovery_codes').select('code_hash').execute();
    for (const c of codes) expect(stored.map((s) => s.code_hash)).not.toContain(c);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('username', '=', 'hn-admin').execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['totp_failed', 'totp_enable']));
    // already on: a second enrolment is refused
    expect((await inject('POST', '/api/v1/auth/totp/enrol', session)).statusCode).toBe(409);
  });
});

describe('signing in with TOTP', () => {
  it('asks for the code after the password, opens no session before it, and takes each code once', async () => {
    await buildUser(t.ctx.db, 'bureau_admin', { kind: 'region', id: HAINING }, { username: 'totp-user' });
    const { secret } = await enrol('totp-user', USER_PASSWORD);
    const usedAtEnrol = await codeFor(secret);

    const first = await passwordLogin('totp-user', USER_PASSWORD);
    expect(first.res.json()).toEqual({ secondStep: { kind: 'totp' } });
    expect(first.session).toBeNull();
    expect(first.challenge).toBeTruthy();
    expect((await inject('GET', '/api/v1/auth/challenge', first.challenge)).json()).toEqual({ kind: 'totp' });
    // the code that confirmed the enrolment was spent
    const replay = await inject('POST', '/api/v1/auth/totp/verify', first.challenge, { code: usedAtEnrol });
    expect(replay.statusCode).toBe(422);

    tick();
    const ok = await inject('POST', '/api/v1/auth/totp/verify', first.challenge, { code: await codeFor(secret) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user.username).toBe('totp-user');
    const session = `gongjin_session=${cookieOf(ok, 'gongjin_session')}`;
    expect((await inject('GET', '/api/v1/auth/me', session)).statusCode).toBe(200);
    // the challenge is spent with the session
    expect(
      (await inject('POST', '/api/v1/auth/totp/verify', first.challenge, { code: await codeFor(secret) })).statusCode,
    ).toBe(401);
    const login = await t.ctx.db
      .selectFrom('audit_log')
      .select('after')
      .where('action', '=', 'login')
      .where('username', '=', 'totp-user')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(login.after).toEqual({ method: 'totp' });
  });

  it('refuses wrong codes with 422, audited; a challenge survives 5, the user 10 in 15 minutes', async () => {
    await buildUser(t.ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'wrong-codes' });
    const { secret } = await enrol('wrong-codes', USER_PASSWORD);
    tick();
    const good = await codeFor(secret);
    const bad = good === '123456' ? '654321' : '123456';
    const a = await passwordLogin('wrong-codes', USER_PASSWORD);
    for (let i = 0; i < 5; i++) {
      const r = await inject('POST', '/api/v1/auth/totp/verify', a.challenge, { code: bad });
      expect(r.statusCode).toBe(422);
      expect(r.json().message).toBe('验证码不正确或已使用过');
    }
    // this challenge is used up: even the right code needs the password again
    const spent = await inject('POST', '/api/v1/auth/totp/verify', a.challenge, { code: good });
    expect(spent.statusCode).toBe(401);
    expect(spent.json().code).toBe('login_challenge_missing');

    const b = await passwordLogin('wrong-codes', USER_PASSWORD);
    for (let i = 0; i < 5; i++)
      expect((await inject('POST', '/api/v1/auth/totp/verify', b.challenge, { code: bad })).statusCode).toBe(422);
    const c = await passwordLogin('wrong-codes', USER_PASSWORD);
    const throttled = await inject('POST', '/api/v1/auth/totp/verify', c.challenge, { code: good });
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json()).toMatchObject({
      code: 'totp_too_many_attempts',
      messageEn: expect.stringContaining('15 minutes'),
    });
    const failed = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'ip'])
      .where('username', '=', 'wrong-codes')
      .where('action', '=', 'totp_failed')
      .execute();
    expect(failed).toHaveLength(10);
    expect(failed[0]!.ip).toBeTruthy();
    // a garbage code is a 400 naming the field, never a 500
    const garbage = await inject('POST', '/api/v1/auth/totp/verify', c.challenge, { code: 12 });
    expect(garbage.statusCode).toBe(400);
  });

  it('takes a recovery code instead of the code, once', async () => {
    await buildUser(t.ctx.db, 'bureau_admin', { kind: 'region', id: HAINING }, { username: 'lost-phone' });
    const { recoveryCodes, session } = await enrol('lost-phone', USER_PASSWORD);
    const a = await passwordLogin('lost-phone', USER_PASSWORD);
    const ok = await inject('POST', '/api/v1/auth/totp/verify', a.challenge, { code: recoveryCodes[3]!.toUpperCase() });
    expect(ok.statusCode).toBe(200);
    expect(cookieOf(ok, 'gongjin_session')).toBeTruthy();
    const b = await passwordLogin('lost-phone', USER_PASSWORD);
    expect(
      (await inject('POST', '/api/v1/auth/totp/verify', b.challenge, { code: recoveryCodes[3]! })).statusCode,
    ).toBe(422);
    expect((await inject('GET', '/api/v1/auth/totp', session)).json().recoveryCodesLeft).toBe(9);
    const used = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('username', '=', 'lost-phone')
      .where('action', '=', 'totp_recovery_code_used')
      .execute();
    expect(used).toHaveLength(1);
  });

  it('turns off only with a code', async () => {
    await buildUser(t.ctx.db, 'teacher', { kind: 'region', id: HAINING }, { username: 'turn-off' });
    const { secret, session } = await enrol('turn-off', USER_PASSWORD);
    tick();
    const good = await codeFor(secret);
    expect(
      (await inject('POST', '/api/v1/auth/totp/disable', session, { code: good === '123456' ? '654321' : '123456' }))
        .statusCode,
    ).toBe(422);
    expect((await inject('POST', '/api/v1/auth/totp/disable', session, { code: good })).statusCode).toBe(204);
    expect((await passwordLogin('turn-off', USER_PASSWORD)).session).toBeTruthy();
    expect((await inject('GET', '/api/v1/auth/totp', session)).json()).toEqual({
      enabled: false,
      required: false,
      recoveryCodesLeft: 0,
    });
  });
});

describe('operator reset (gongjin totp-reset)', () => {
  it('removes a lost second factor, audited', async () => {
    await buildUser(t.ctx.db, 'school_admin', { kind: 'region', id: HAINING }, { username: 'lost-all' });
    await enrol('lost-all', USER_PASSWORD);
    expect((await passwordLogin('lost-all', USER_PASSWORD)).session).toBeNull();
    const svc = new TotpService(t.ctx.db, t.ctx.config);
    expect(await svc.resetByOperator('lost-all')).toBe(true);
    expect(await svc.resetByOperator('no-such-user')).toBe(false);
    expect((await passwordLogin('lost-all', USER_PASSWORD)).session).toBeTruthy();
    expect(
      await t.ctx.db
        .selectFrom('audit_log')
        .select('after')
        .where('action', '=', 'totp_reset')
        .executeTakeFirstOrThrow(),
    ).toEqual({ after: { by: 'cli' } });
  });
});

describe('GONGJIN_REQUIRE_TOTP_FOR_ADMINS=1', () => {
  beforeAll(() => {
    t.ctx.config.requireTotpForAdmins = true;
  });
  afterAll(() => {
    t.ctx.config.requireTotpForAdmins = false;
  });

  it('makes an administrator without TOTP enrol before anything else; other roles sign in as before', async () => {
    const first = await passwordLogin('admin', ADMIN_PASSWORD);
    expect(first.res.json()).toEqual({ secondStep: { kind: 'enrol' } });
    expect(first.session).toBeNull();
    // the challenge is no session: nothing else answers
    expect((await inject('GET', '/api/v1/users', first.challenge)).statusCode).toBe(401);
    expect((await inject('POST', '/api/v1/auth/totp/verify', first.challenge, { code: '123456' })).statusCode).toBe(
      401,
    );

    const start = await inject('POST', '/api/v1/auth/totp/enrol', first.challenge);
    expect(start.statusCode).toBe(200);
    const confirm = await inject('POST', '/api/v1/auth/totp/confirm', first.challenge, {
      code: await codeFor(start.json().secret),
    });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.json().recoveryCodes).toHaveLength(10);
    expect(confirm.json().user.username).toBe('admin');
    const session = `gongjin_session=${cookieOf(confirm, 'gongjin_session')}`;
    expect((await inject('GET', '/api/v1/users', session)).statusCode).toBe(200);
    expect((await inject('GET', '/api/v1/auth/totp', session)).json()).toMatchObject({ enabled: true, required: true });
    // required: it cannot be turned off
    tick();
    const off = await inject('POST', '/api/v1/auth/totp/disable', session, {
      code: await codeFor(start.json().secret),
    });
    expect(off.statusCode).toBe(422);
    expect(off.json().code).toBe('totp_required');
    // next time: the code
    expect((await passwordLogin('admin', ADMIN_PASSWORD)).res.json()).toEqual({ secondStep: { kind: 'totp' } });

    await buildUser(t.ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'plain-viewer' });
    expect((await passwordLogin('plain-viewer', USER_PASSWORD)).session).toBeTruthy();
  });
});
