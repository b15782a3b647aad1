import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createTestApp, DEMO_TEST_PASSWORD, type TestApp } from '../test/harness.js';
import { seedDemo } from './demo.service.js';

/** Safe defaults (issue 14): demo accounts never get a published password on a server database. */
describe('GONGJIN_DEMO and GONGJIN_DEMO_PASSWORD', () => {
  it('loads the demo county by default only on the embedded database', () => {
    expect(loadConfig({}).demo).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/gongjin' }).demo).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/gongjin', GONGJIN_DEMO: '1' }).demo).toBe(true);
    expect(loadConfig({ GONGJIN_DEMO: '0' }).demo).toBe(false);
    expect(loadConfig({}).demoPassword).toBeUndefined();
    expect(loadConfig({ GONGJIN_DEMO_PASSWORD: 'chosen-demo-pass' }).demoPassword).toBe('chosen-demo-pass');
    expect(() => loadConfig({ GONGJIN_DEMO_PASSWORD: 'short' })).toThrow(/GONGJIN_DEMO_PASSWORD/);
  });
});

describe('demo accounts without a configured password', () => {
  let t: TestApp;
  let generated: string | undefined;
  beforeAll(async () => {
    t = await createTestApp();
    generated = (await seedDemo(t.ctx.dbh, {})).generatedPassword;
  });
  afterAll(() => t.close());

  const signIn = (username: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

  it('get a generated password, reported once, and never the published one', async () => {
    expect(generated).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect((await signIn('bureau', DEMO_TEST_PASSWORD)).statusCode).toBe(401);
    expect((await signIn('bureau', generated!)).statusCode).toBe(200);
  });
});

describe('demo accounts with an explicit password', () => {
  let t: TestApp;
  let report: Awaited<ReturnType<typeof seedDemo>>;
  beforeAll(async () => {
    t = await createTestApp();
    report = await seedDemo(t.ctx.dbh, { password: 'explicit-demo-1' });
  });
  afterAll(() => t.close());

  it('use it and report nothing to print', async () => {
    expect(report.generatedPassword).toBeUndefined();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'teacher', password: 'explicit-demo-1' },
    });
    expect(res.statusCode).toBe(200);
  });
});
