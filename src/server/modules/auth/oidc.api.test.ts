import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { buildUser, HAINING } from '../../test/factories.js';
import { signInAtProvider, startOidcProvider, type TestOidcProvider } from '../../test/oidc-provider.js';
import { usernameFromClaim } from './oidc.service.js';

/**
 * SSO against a real OpenID provider (oidc-provider) started here: the code flow is driven over HTTP
 * (the provider's own login and consent pages), the app's callback answered by the app.
 */
const APP = 'http://gongjin.test';
let t: TestApp;
/** the clock of the TOTP step after SSO (system time until a test sets it) */
let clock: Date | null = null;
let op: TestOidcProvider;

beforeAll(async () => {
  t = await createTestApp({ now: () => clock ?? new Date() });
  op = await startOidcProvider({
    redirectUris: [`${APP}/api/v1/auth/oidc/callback`],
    postLogoutRedirectUris: [`${APP}/login`],
  });
  Object.assign(t.ctx.config, {
    publicUrl: APP,
    oidc: {
      issuer: op.issuer,
      clientId: op.clientId,
      clientSecret: op.clientSecret,
      usernameClaim: 'preferred_username',
      scopes: 'openid profile',
      label: '浙政钉登录',
    },
  });
  await buildUser(t.ctx.db, 'community_lead', { kind: 'region', id: HAINING }, { username: 'lead' });
  const off = await buildUser(t.ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'gone' });
  await t.ctx.db.updateTable('users').set({ is_active: false }).where('id', '=', off.id).execute();
});
afterAll(async () => {
  await t?.close();
  await op?.close();
});

const cookieOf = (res: { cookies: { name: string; value: string }[] }, name: string) =>
  res.cookies.find((c) => c.name === name)?.value;

/** GET /oidc/start: the provider URL and the browser's state cookie. */
async function start(next?: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/auth/oidc/start${next ? `?next=${encodeURIComponent(next)}` : ''}`,
  });
  expect(res.statusCode).toBe(302);
  const state = cookieOf(res, 'gongjin_oidc_state');
  expect(state).toBeTruthy();
  return { authorizeUrl: res.headers.location as string, state: state! };
}

function callback(callbackUrl: string, state: string | undefined, headers: Record<string, string> = {}) {
  const u = new URL(callbackUrl);
  return t.app.inject({
    method: 'GET',
    url: u.pathname + u.search,
    headers: { ...(state ? { cookie: `gongjin_oidc_state=${state}` } : {}), ...headers },
  });
}

describe('OIDC single sign-on', () => {
  it('tells the login page which methods to show', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/methods' });
    expect(res.json()).toEqual({ password: true, oidc: { label: '浙政钉登录', startUrl: '/api/v1/auth/oidc/start' } });
  });

  it('sends the browser to the provider with PKCE (S256), state and nonce', async () => {
    const { authorizeUrl, state } = await start();
    const u = new URL(authorizeUrl);
    expect(u.origin).toBe(op.issuer);
    expect(u.searchParams.get('code_challenge_method')).toBe('S256');
    expect(u.searchParams.get('code_challenge')).toBeTruthy();
    expect(u.searchParams.get('nonce')).toBeTruthy();
    expect(u.searchParams.get('state')).toBe(state);
    expect(u.searchParams.get('redirect_uri')).toBe(`${APP}/api/v1/auth/oidc/callback`);
    // kept server-side (any instance can answer the callback), the state only as a hash
    const row = await t.ctx.db
      .selectFrom('oidc_login_requests')
      .selectAll()
      .where('redirect_uri', '=', `${APP}/api/v1/auth/oidc/callback`)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.state_hash).not.toBe(state);
    expect(row.code_verifier).toBeTruthy();
  });

  it('signs in the existing user the identity names, back to where they were going, and logs out at the provider too', async () => {
    const { authorizeUrl, state } = await start('/communities?page=2');
    const cb = await signInAtProvider(authorizeUrl, 'lead', APP);
    const res = await callback(cb, state);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/communities?page=2');
    const session = cookieOf(res, 'gongjin_session');
    expect(session).toBeTruthy();
    const headers = { cookie: `gongjin_session=${session}` };
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ username: 'lead', role: 'community_lead' });
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'login')
      .where('username', '=', 'lead')
      .executeTakeFirstOrThrow();
    expect(audit.after).toEqual({ method: 'oidc' });

    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/oidc/logout', headers });
    expect(out.statusCode).toBe(200);
    const redirectTo = new URL(out.json().redirectTo);
    expect(redirectTo.origin + redirectTo.pathname).toBe(`${op.issuer}/session/end`);
    expect(redirectTo.searchParams.get('id_token_hint')).toBeTruthy();
    expect(redirectTo.searchParams.get('post_logout_redirect_uri')).toBe(`${APP}/login`);
    // the local session is over, and the provider accepts the logout request (its confirmation page)
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode).toBe(401);
    const endSession = await fetch(redirectTo, { redirect: 'manual' });
    expect(endSession.status).toBe(200);
    expect(await endSession.text()).toContain('logout');
  });

  it('refuses a tampered state', async () => {
    const { authorizeUrl, state } = await start();
    const cb = new URL(await signInAtProvider(authorizeUrl, 'lead', APP));
    cb.searchParams.set('state', cb.searchParams.get('state')!.slice(0, -2) + 'xx');
    const res = await callback(cb.href, state);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'oidc_state_unknown', messageEn: expect.stringContaining('tampered') });
    expect(cookieOf(res, 'gongjin_session')).toBeFalsy();
    // a state this browser did not start (no or another cookie) is refused as well
    const other = await start();
    const cb2 = await signInAtProvider(other.authorizeUrl, 'lead', APP);
    const res2 = await callback(cb2, state);
    expect(res2.statusCode).toBe(400);
    expect(res2.json().code).toBe('oidc_state_mismatch');
    const refused = await t.ctx.db
      .selectFrom('audit_log')
      .select('after')
      .where('action', '=', 'sso_refused')
      .execute();
    expect(refused.map((r) => (r.after as { reason: string }).reason)).toEqual(
      expect.arrayContaining(['oidc_state_unknown', 'oidc_state_mismatch']),
    );
  });

  it('refuses an identity with no Gongjin user, or an inactive one, with a page in both languages, audited; nobody is created', async () => {
    const users = await t.ctx.db.selectFrom('users').select('id').execute();
    const { authorizeUrl, state } = await start();
    const res = await callback(await signInAtProvider(authorizeUrl, 'stranger', APP), state, { accept: 'text/html' });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('没有对应的有效账号');
    expect(res.body).toContain('has no active account here');
    expect(res.body).toContain('stranger');
    expect(cookieOf(res, 'gongjin_session')).toBeFalsy();
    expect(await t.ctx.db.selectFrom('users').select('id').execute()).toHaveLength(users.length);
    const entry = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'sso_refused')
      .where('username', '=', 'stranger')
      .executeTakeFirstOrThrow();
    expect(entry.after).toMatchObject({
      reason: 'oidc_unknown_user',
      subject: 'stranger',
      claim: 'preferred_username',
    });
    expect(entry.ip).toBeTruthy();

    const again = await start();
    const inactive = await callback(await signInAtProvider(again.authorizeUrl, 'gone', APP), again.state);
    expect(inactive.statusCode).toBe(403);
    expect(inactive.json().code).toBe('oidc_unknown_user');
  });

  it('refuses a replayed callback, and an expired one', async () => {
    const { authorizeUrl, state } = await start();
    const cb = await signInAtProvider(authorizeUrl, 'lead', APP);
    expect((await callback(cb, state)).statusCode).toBe(302);
    const replay = await callback(cb, state);
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({ code: 'oidc_replayed', message: expect.stringContaining('已使用过') });
    expect(cookieOf(replay, 'gongjin_session')).toBeFalsy();

    const late = await start();
    const cbLate = await signInAtProvider(late.authorizeUrl, 'lead', APP);
    await t.ctx.db
      .updateTable('oidc_login_requests')
      .set({ expires_at: new Date(Date.now() - 60_000).toISOString() })
      .where('used_at', 'is', null)
      .execute();
    const expired = await callback(cbLate, late.state);
    expect(expired.statusCode).toBe(400);
    expect(expired.json().code).toBe('oidc_expired');
  });

  it('answers a callback without state, or the provider refusing, with 4xx', async () => {
    const noState = await t.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/callback?code=abc' });
    expect(noState.statusCode).toBe(400);
    expect(noState.json().code).toBe('oidc_state_missing');
    const { state } = await start();
    const denied = await callback(`${APP}/api/v1/auth/oidc/callback?error=access_denied&state=${state}`, state);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('oidc_provider_error');
  });

  it('asks a user with TOTP for the code after the provider, then opens the SSO session', async () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    clock = new Date('2026-12-03T09:00:00Z');
    const user = await buildUser(t.ctx.db, 'bureau_admin', { kind: 'region', id: HAINING }, { username: 'sso-2fa' });
    await t.ctx.db
      .insertInto('user_totp')
      .values({ user_id: user.id, secret, enabled_at: clock.toISOString(), last_time_step: null })
      .execute();

    const { authorizeUrl, state } = await start('/schools');
    const res = await callback(await signInAtProvider(authorizeUrl, 'sso-2fa', APP), state);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/login?step=2fa&next=%2Fschools');
    expect(cookieOf(res, 'gongjin_session')).toBeFalsy();
    const challenge = `gongjin_challenge=${cookieOf(res, 'gongjin_challenge')}`;
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/challenge', headers: { cookie: challenge } })).json(),
    ).toEqual({ kind: 'totp' });

    const code = await generate({ secret, epoch: Math.floor(clock.getTime() / 1000) });
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/totp/verify',
      headers: { cookie: challenge },
      payload: { code },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ user: { username: 'sso-2fa' }, returnTo: '/schools' });
    const headers = { cookie: `gongjin_session=${cookieOf(ok, 'gongjin_session')}` };
    const login = await t.ctx.db
      .selectFrom('audit_log')
      .select('after')
      .where('action', '=', 'login')
      .where('username', '=', 'sso-2fa')
      .executeTakeFirstOrThrow();
    expect(login.after).toEqual({ method: 'oidc' });
    // a session that came through SSO ends at the provider too
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/oidc/logout', headers });
    expect(out.json().redirectTo).toContain(`${op.issuer}/session/end`);
  });

  it('turns password login off with GONGJIN_PASSWORD_LOGIN=0', async () => {
    t.ctx.config.passwordLogin = false;
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'lead', password: 'password-123' },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('password_login_disabled');
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/methods' })).json().password).toBe(false);
    } finally {
      t.ctx.config.passwordLogin = true;
    }
  });
});

describe('the username an identity claim names', () => {
  it.each([
    ['preferred_username', ' lead ', 'lead'],
    ['preferred_username', 13800138000, '13800138000'],
    ['phone_number', '+86 138-0013-8000', '13800138000'],
    ['phone_number', '008613800138000', '13800138000'],
    ['preferred_username', '', null],
    ['preferred_username', undefined, null],
    ['preferred_username', { nested: true }, null],
  ])('%s %j → %j', (claim, value, expected) => {
    expect(usernameFromClaim(claim, value)).toBe(expected);
  });
});

describe('SSO configuration', () => {
  it('reads GONGJIN_OIDC_* and refuses settings that would lock everyone out', () => {
    const c = loadConfig({
      GONGJIN_OIDC_ISSUER: 'https://idp.example.gov.cn',
      GONGJIN_OIDC_CLIENT_ID: 'gongjin',
      GONGJIN_OIDC_LABEL: '浙政钉登录',
      GONGJIN_PASSWORD_LOGIN: '0',
      GONGJIN_PUBLIC_URL: 'https://gj.example.gov.cn/',
    });
    expect(c.oidc).toMatchObject({
      issuer: 'https://idp.example.gov.cn',
      clientId: 'gongjin',
      clientSecret: undefined,
      usernameClaim: 'preferred_username',
      label: '浙政钉登录',
    });
    expect(c.passwordLogin).toBe(false);
    expect(c.publicUrl).toBe('https://gj.example.gov.cn');
    expect(loadConfig({}).oidc).toBeNull();
    expect(() => loadConfig({ GONGJIN_PASSWORD_LOGIN: '0' })).toThrow(/GONGJIN_PASSWORD_LOGIN=0/);
    expect(() => loadConfig({ GONGJIN_OIDC_ISSUER: 'https://idp.example.gov.cn' })).toThrow(/GONGJIN_OIDC_CLIENT_ID/);
  });
});
