import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAdmin, type TestApp } from '../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('platform', () => {
  it('answers health with the database kind', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ok',
      database: process.env.GONGJIN_TEST_DB === 'postgres' ? 'postgresql' : 'pglite',
    });
  });

  it('serves an OpenAPI 3 document listing every collection', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of [
      '/api/v1/schools',
      '/api/v1/teachers',
      '/api/v1/communities',
      '/api/v1/regions',
      '/api/v1/imports',
      '/api/v1/users',
      '/api/v1/audit-log',
      '/api/v1/school-year-stats',
    ]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    expect(doc.paths['/api/v1/schools'].post.requestBody).toBeDefined();
  });

  it('serves the API docs page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect([200, 302]).toContain(res.statusCode);
  });

  it('refuses private routes without a session, in Chinese with English available', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/schools' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'unauthenticated', message: '请先登录', messageEn: 'Please sign in' });
    const en = await t.app.inject({
      method: 'GET',
      url: '/api/v1/schools',
      headers: { 'accept-language': 'en-US,en' },
    });
    expect(en.json().message).toBe('Please sign in');
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const c = await loginAdmin(t.app);
    const res = await c.get('/api/v1/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('route_not_found');
  });

  it('rejects malformed JSON with a 400, never a 500', async () => {
    const c = await loginAdmin(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schools',
      headers: { cookie: c.cookie, 'content-type': 'application/json' },
      payload: '{"code": "x",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('malformed_json');
  });
});
