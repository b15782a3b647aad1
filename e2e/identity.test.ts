import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, HAINING, USER_PASSWORD } from '../src/server/test/factories.js';
import { startOidcProvider, type TestOidcProvider } from '../src/server/test/oidc-provider.js';
import { startE2E, type E2E } from './harness.js';

/**
 * Single sign-on in a real browser: the login page's SSO button, the OpenID provider's own sign-in
 * pages (oidc-provider, started here), back in the app as the user the identity names; then the
 * second step for a user with TOTP.
 */
let e: E2E;
let op: TestOidcProvider;
// the server's TOTP clock, injected: codes are made for exactly the time the server checks
let clock = new Date('2026-12-03T08:00:00Z');
const codeAt = (secret: string) => generate({ secret, epoch: Math.floor(clock.getTime() / 1000) });

beforeAll(async () => {
  e = await startE2E({
    now: () => clock,
    seed: async (ctx) => {
      const lead = await buildUser(ctx.db, 'community_lead', { kind: 'region', id: HAINING }, { username: 'sso-lead' });
      await ctx.db.updateTable('users').set({ display_name: '周组长' }).where('id', '=', lead.id).execute();
      await buildUser(ctx.db, 'bureau_admin', { kind: 'region', id: HAINING }, { username: 'hn-totp' });
      await buildUser(ctx.db, 'bureau_admin', { kind: 'region', id: HAINING }, { username: 'hn-required' });
    },
  });
  op = await startOidcProvider({
    redirectUris: [`${e.baseUrl}/api/v1/auth/oidc/callback`],
    postLogoutRedirectUris: [`${e.baseUrl}/login`],
  });
  e.ctx.config.oidc = {
    issuer: op.issuer,
    clientId: op.clientId,
    clientSecret: op.clientSecret,
    usernameClaim: 'preferred_username',
    scopes: 'openid profile',
    label: '浙政钉登录',
  };
});
afterAll(async () => {
  await e?.close();
  await op?.close();
});

/** The provider's development pages: login form, then consent. */
async function signInAtProvider(login: string) {
  const { page } = e;
  await page.waitForURL((u) => u.href.startsWith(op.issuer));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any-password');
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((u) => !u.href.startsWith(op.issuer) || /interaction/.test(u.pathname));
  if (page.url().startsWith(op.issuer)) await page.locator('button[type="submit"]').click(); // consent
}

describe('single sign-on in the browser', () => {
  it('signs in through the OIDC provider started in the test', async () => {
    const { page } = e;
    await page.goto('/communities');
    await page.waitForURL((u) => u.pathname === '/login');
    const sso = page.getByTestId('login-sso');
    await expect.poll(() => sso.textContent()).toContain('浙政钉登录');
    await sso.click();
    await signInAtProvider('sso-lead');
    await page.waitForURL((u) => u.href.startsWith(e.baseUrl) && u.pathname === '/communities');
    await expect.poll(() => page.getByTestId('user-menu').textContent()).toContain('周组长');
    await e.screenshot('identity-sso-signed-in');
  });

  it('signs out at the provider as well and comes back to the login page', async () => {
    const { page } = e;
    await page.getByTestId('user-menu').hover();
    await page.getByText('退出登录').click();
    await page.waitForURL((u) => u.href.startsWith(op.issuer));
    await page.locator('button[autofocus], button[type="submit"]').first().click(); // the provider asks "sign out?"
    await page.waitForURL((u) => u.href.startsWith(e.baseUrl) && u.pathname === '/login');
    const me = await page.request.get('/api/v1/auth/me');
    expect(me.status()).toBe(401);
  });

  it('shows the refusal page to an identity without a Gongjin account', async () => {
    const { page } = e;
    await page.goto('/login');
    await page.getByTestId('login-sso').click();
    await signInAtProvider('nobody-here');
    await page.waitForURL((u) => u.pathname === '/api/v1/auth/oidc/callback');
    await expect.poll(() => page.getByTestId('sso-refusal-zh').textContent()).toContain('没有对应的有效账号');
    await e.screenshot('identity-sso-refused');
    await page.getByTestId('sso-back').click();
    await page.waitForURL((u) => u.pathname === '/login');
  });

  it('enrols TOTP from the user menu, then asks for the code at the next password sign-in', async () => {
    const { page } = e;
    await e.login('hn-totp', USER_PASSWORD);
    await page.getByTestId('user-menu').hover();
    await page.getByText('两步验证').click();
    await page.getByTestId('totp-start').click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    expect(await page.getByTestId('totp-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await page.getByTestId('totp-enrol-code').fill(await codeAt(secret));
    await page.getByTestId('totp-enrol-confirm').click();
    await expect.poll(() => page.getByTestId('totp-recovery-codes').textContent()).toMatch(/[a-z0-9]{5}-[a-z0-9]{5}/);
    await e.screenshot('identity-totp-recovery-codes');
    await page.getByRole('button', { name: '关闭' }).last().click();

    await page.getByTestId('user-menu').hover();
    await page.getByText('退出登录').click();
    await page.waitForURL((u) => u.pathname === '/login');
    await page.getByTestId('login-username').fill('hn-totp');
    await page.getByTestId('login-password').fill(USER_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-code').fill('000000');
    await page.getByTestId('login-code-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('验证码不正确');
    // the enrolment's code cannot be used twice: the next one, 30 seconds later
    await page.getByTestId('login-code').fill(await codeAt(secret));
    await page.getByTestId('login-code-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('已使用过');
    clock = new Date(clock.getTime() + 30_000);
    await page.getByTestId('login-code').fill(await codeAt(secret));
    await page.getByTestId('login-code-submit').click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await expect.poll(() => page.getByTestId('user-menu').textContent()).toContain('教育局管理员');
  });

  it('makes an administrator set up TOTP at sign-in when GONGJIN_REQUIRE_TOTP_FOR_ADMINS=1', async () => {
    const { page } = e;
    await page.context().clearCookies();
    e.ctx.config.requireTotpForAdmins = true;
    try {
      await page.goto('/login');
      await page.getByTestId('login-username').fill('hn-required');
      await page.getByTestId('login-password').fill(USER_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('totp-start').click();
      const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
      await e.screenshot('identity-totp-required-enrol');
      clock = new Date(clock.getTime() + 30_000);
      await page.getByTestId('totp-enrol-code').fill(await codeAt(secret));
      await page.getByTestId('totp-enrol-confirm').click();
      await expect.poll(() => page.getByTestId('totp-recovery-codes').textContent()).toMatch(/[a-z0-9]{5}-[a-z0-9]{5}/);
      await page.getByTestId('totp-continue').click();
      await page.waitForURL((u) => !u.pathname.startsWith('/login'));
      await expect.poll(() => page.getByTestId('user-menu').textContent()).toContain('教育局管理员');
    } finally {
      e.ctx.config.requireTotpForAdmins = false;
    }
  });

  it('shows only the SSO button when GONGJIN_PASSWORD_LOGIN=0', async () => {
    const { page } = e;
    await page.context().clearCookies();
    e.ctx.config.passwordLogin = false;
    try {
      await page.goto('/login');
      await expect.poll(() => page.getByTestId('login-sso').textContent()).toContain('浙政钉登录');
      expect(await page.getByTestId('login-form').count()).toBe(0);
      await e.screenshot('identity-sso-only');
    } finally {
      e.ctx.config.passwordLogin = true;
    }
  });
});
