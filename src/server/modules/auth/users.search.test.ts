import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { buildSchool, buildUser } from '../../test/factories.js';

/**
 * Finding an account among a province's (every teacher may have one: ~300,000): a substring of the
 * display name or the username, served by the 1- and 2-character gram indexes rather than reading
 * every account.
 */
let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAdmin(t.app);
  const school = await buildSchool(t.ctx.db);
  await buildUser(
    t.ctx.db,
    'teacher',
    { kind: 'school', id: school.id },
    { displayName: '王丽华', username: 'WangLiHua' },
  );
  await buildUser(t.ctx.db, 'teacher', { kind: 'school', id: school.id }, { displayName: '张伟', username: 'zw_50%' });
});
afterAll(async () => {
  await t.close();
});

const found = async (term: string) =>
  ((await admin.get(`/api/v1/users?search=${encodeURIComponent(term)}`)).json().items as { username: string }[]).map(
    (u) => u.username,
  );

describe('searching accounts', () => {
  it('matches a Chinese substring of the name and any case of the username', async () => {
    expect(await found('丽华')).toEqual(['WangLiHua']);
    expect(await found('王')).toEqual(['WangLiHua']);
    expect(await found('wangli')).toEqual(['WangLiHua']);
    expect(await found('50%')).toEqual(['zw_50%']);
  });

  it('can be answered through an index on the name and on the username', async () => {
    const plan = await t.ctx.db.transaction().execute(async (tx) => {
      await sql`set local enable_seqscan = off`.execute(tx);
      const r = await sql<Record<string, string>>`explain select id from users u
        where (u.display_name ilike '%丽华%' and gongjin_grams(u.display_name) @> gongjin_grams_query('丽华'))
           or (u.username ilike '%丽华%' and gongjin_grams(u.username) @> gongjin_grams_query('丽华'))`.execute(tx);
      return r.rows.map((row) => Object.values(row)[0]).join('\n');
    });
    expect(plan).toContain('users_display_name_grams_idx');
    expect(plan).toContain('users_username_grams_idx');
  });
});
