import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity, buildSchool, buildUser, HAINING, TONGXIANG, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, loginAdmin, type Client, type TestApp } from '../../test/harness.js';

/**
 * Display links (数据大屏) stand for their creator: each use rechecks that the creator still exists
 * (the foreign key keeps the row; the join requires it), is active and still holds the role and the scope the link covers. Their lifetime is capped by
 * GONGJIN_DISPLAY_LINK_MAX_DAYS.
 */
let t: TestApp;
let admin: Client;
let communityId: number;
let otherCommunityId: number;

beforeAll(async () => {
  t = await createTestApp({ env: { GONGJIN_DISPLAY_LINK_MAX_DAYS: '90' } });
  admin = await loginAdmin(t.app);
  const a = await buildSchool(t.ctx.db, { name: '大屏甲小学' });
  const b = await buildSchool(t.ctx.db, { name: '大屏乙小学' });
  communityId = (await buildCommunity(t.ctx.db, [{ schoolId: a.id, role: 'core' }], { name: '大屏教共体' })).id;
  otherCommunityId = (await buildCommunity(t.ctx.db, [{ schoolId: b.id, role: 'core' }], { name: '另一教共体' })).id;
});
afterAll(() => t.close());

const open = (token: string) => t.app.inject({ method: 'GET', url: `/api/v1/display/${token}` });
const page = (token: string) => t.app.inject({ method: 'GET', url: `/display/${token}` });

async function creatorWithLink(
  role: 'bureau_admin' | 'community_lead',
  scope: { kind: 'region' | 'community'; id: string | number },
  username: string,
) {
  const user = await buildUser(t.ctx.db, role, scope, { username });
  const client = await login(t.app, username, USER_PASSWORD);
  const res = await client.post('/api/v1/dashboard/display-links', { label: `${username} 大屏` });
  expect(res.statusCode, res.body).toBe(201);
  const token = res.json().token as string;
  expect((await open(token)).statusCode).toBe(200);
  return { userId: user.id, token };
}

describe('a display link follows its creator', () => {
  it('stops working when the creator is deactivated, with a clear page', async () => {
    const { userId, token } = await creatorWithLink('bureau_admin', { kind: 'region', id: HAINING }, 'screen-deact');
    expect((await admin.patch(`/api/v1/users/${userId}`, { isActive: false })).statusCode).toBe(200);
    const api = await open(token);
    expect(api.statusCode).toBe(401);
    expect(api.json().code).toBe('display_link_invalid');
    const html = await page(token);
    expect(html.statusCode).toBe(401);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('此大屏链接已失效');
  });

  it('stops working when the creator is demoted', async () => {
    const { userId, token } = await creatorWithLink('bureau_admin', { kind: 'region', id: HAINING }, 'screen-demote');
    expect((await admin.patch(`/api/v1/users/${userId}`, { role: 'viewer' })).statusCode).toBe(200);
    expect((await open(token)).statusCode).toBe(401);
  });

  it('stops working when the creator moves to a scope that does not cover the link', async () => {
    const { userId, token } = await creatorWithLink('bureau_admin', { kind: 'region', id: HAINING }, 'screen-move');
    expect(
      (await admin.patch(`/api/v1/users/${userId}`, { scope: { kind: 'region', id: TONGXIANG } })).statusCode,
    ).toBe(200);
    expect((await open(token)).statusCode).toBe(401);
  });

  it('keeps working when the creator moves to a scope that still covers it', async () => {
    const { userId, token } = await creatorWithLink('bureau_admin', { kind: 'region', id: HAINING }, 'screen-up');
    expect((await admin.patch(`/api/v1/users/${userId}`, { scope: { kind: 'region', id: '330400' } })).statusCode).toBe(
      200,
    );
    expect((await open(token)).statusCode).toBe(200);
  });

  it('a community lead’s link ends when the lead moves to another community', async () => {
    const { userId, token } = await creatorWithLink(
      'community_lead',
      { kind: 'community', id: communityId },
      'screen-lead',
    );
    expect(
      (await admin.patch(`/api/v1/users/${userId}`, { scope: { kind: 'community', id: String(otherCommunityId) } }))
        .statusCode,
    ).toBe(200);
    expect((await open(token)).statusCode).toBe(401);
  });
});

describe('GONGJIN_DISPLAY_LINK_MAX_DAYS', () => {
  it('refuses a longer lifetime and defaults to the maximum', async () => {
    const tooLong = await admin.post('/api/v1/dashboard/display-links', {
      label: '太长',
      regionCode: HAINING,
      validDays: 91,
    });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.json().details[0]).toMatchObject({
      field: 'body.validDays',
      message: expect.stringContaining('90'),
    });
    const fine = await admin.post('/api/v1/dashboard/display-links', {
      label: '刚好',
      regionCode: HAINING,
      validDays: 90,
    });
    expect(fine.statusCode).toBe(201);
    const dflt = await admin.post('/api/v1/dashboard/display-links', { label: '默认', regionCode: HAINING });
    expect(dflt.statusCode).toBe(201);
    const days = (Date.parse(dflt.json().expiresAt) - Date.parse(dflt.json().createdAt)) / 86_400_000;
    expect(Math.round(days)).toBe(90);
  });

  it('audits creating and revoking', async () => {
    const created = await admin.post('/api/v1/dashboard/display-links', {
      label: '审计',
      regionCode: HAINING,
      validDays: 7,
    });
    await admin.post(`/api/v1/dashboard/display-links/${created.json().id}/revoke`);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'username'])
      .where('entity', '=', 'display_link')
      .where('entity_id', '=', String(created.json().id))
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'create', username: 'admin' },
      { action: 'revoke', username: 'admin' },
    ]);
  });
});
