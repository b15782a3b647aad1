import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { buildCommunity, buildSchool, buildUser } from '../../test/factories.js';
import { usersOfScope } from './users.service.js';

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

  it("reads the schools and communities a page of a province's accounts names by their ids, never every row", async () => {
    const school = await buildSchool(t.ctx.db);
    const community = await buildCommunity(t.ctx.db, [{ schoolId: school.id, role: 'core' }]);
    await buildUser(t.ctx.db, 'community_lead', { kind: 'community', id: community.id });
    await buildUser(t.ctx.db, 'school_admin', { kind: 'school', id: school.id });
    const province = {
      userId: 1,
      username: 'bureau',
      displayName: '',
      role: 'bureau_admin' as const,
      scope: { kind: 'region' as const, id: '330000' },
      teacherId: null,
    };
    const page = usersOfScope(t.ctx.db, province).orderBy('u.id').limit(20).compile();
    // the page itself: the accounts of the school and the community are in it, with their names
    const rows = (await t.ctx.db.executeQuery(page)).rows as { scope_kind: string; scope_name: string }[];
    expect(rows.filter((r) => r.scope_kind !== 'region').map((r) => r.scope_name)).toEqual(
      expect.arrayContaining([school.name, community.name]),
    );
    // with sequential scans priced out, a lookup by id uses the primary key; a cast of every id to
    // text (what the page did) can only scan the whole table, and a province has 5,000 schools
    const plan = await t.ctx.db.transaction().execute(async (tx) => {
      await sql`set local enable_seqscan = off`.execute(tx);
      const r = await tx.executeQuery(CompiledQuery.raw(`explain ${page.sql}`, [...page.parameters]));
      return (r.rows as Record<string, string>[]).map((row) => Object.values(row)[0]).join('\n');
    });
    expect(plan).not.toMatch(/Seq Scan on (schools|communities)/);
  });
});
