import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scheme } from '../../../shared/assessment.schemas.js';
import { buildCommunity, buildSchool, buildUser, HAINING, TONGXIANG, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';
import { TWO_DIMENSIONS } from './assessment.test-fixtures.js';

/** A bureau assigns assessors from its own scope only, never another region's accounts. */
let t: TestApp;
let bureau: Client;
let scheme: Scheme;
let communityId: number;
const assessors: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApp();
  const db = t.ctx.db;
  const school = await buildSchool(db);
  communityId = (await buildCommunity(db, [{ schoolId: school.id, role: 'core' }])).id;
  const b = await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING });
  assessors.own = (await buildUser(db, 'assessor', { kind: 'region', id: HAINING })).id;
  assessors.other = (await buildUser(db, 'assessor', { kind: 'region', id: TONGXIANG })).id;
  assessors.province = (await buildUser(db, 'assessor', { kind: 'region', id: '330000' })).id;
  bureau = await login(t.app, b.username, USER_PASSWORD);
  const res = await bureau.post('/api/v1/assessment-schemes', {
    regionCode: HAINING,
    year: 2025,
    name: '2025 学年考核',
    definition: TWO_DIMENSIONS,
  });
  expect(res.statusCode).toBe(201);
  scheme = res.json();
});
afterAll(async () => {
  await t?.close();
});

describe('assigning assessors', () => {
  it('refuses another region’s (or a wider scope’s) account with 403, accepts its own', async () => {
    const url = `/api/v1/assessment-schemes/${scheme.id}/assignments`;
    for (const k of ['other', 'province']) {
      const res = await bureau.post(url, { communityId, assessorUserId: assessors[k] });
      expect([k, res.statusCode]).toEqual([k, 403]);
      expect(res.json().messageEn).toMatch(/outside your scope/);
    }
    expect((await bureau.post(url, { communityId, assessorUserId: assessors.own })).statusCode).toBe(201);
  });
});
