import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext } from '../../test/harness.js';
import { buildCommunity, bureauActor, buildSchool, HAINING, TONGXIANG, YUNHE } from '../../test/factories.js';
import { visibleCommunityCondition } from './registry.scope.js';

/**
 * The communities a region bureau sees are read from community_regions, kept by triggers. They must
 * stay the communities run in the region, partnered with it, or with a member school in it, through
 * every change: a new community, a member joining or leaving, a school moving county, a new partner.
 */
let ctx: Awaited<ReturnType<typeof createTestContext>>;
const REGIONS = [HAINING, TONGXIANG, YUNHE, '330400', '331100', '330000', '110000'];

async function seen(code: string) {
  return (
    await ctx.db
      .selectFrom('communities as c')
      .select('c.id')
      .where(visibleCommunityCondition(bureauActor(code), 'c.id'))
      .orderBy('c.id')
      .execute()
  ).map((r) => r.id);
}
/** The rule, straight from the registry's tables. */
async function byRule(code: string) {
  const p = `${code.replace(/(00)+$/, '')}%`;
  const r = await sql<{
    id: number;
  }>`select c.id from communities c where c.region_code like ${p} or c.partner_region_code like ${p}
    union select m.community_id from community_memberships m join schools s on s.id = m.school_id where s.region_code like ${p}
    order by 1`.execute(ctx.db);
  return r.rows.map((x) => x.id);
}
async function agree() {
  for (const code of REGIONS) expect({ code, ids: await seen(code) }).toEqual({ code, ids: await byRule(code) });
}

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx.cleanup();
});

describe('communities a region sees', () => {
  it('stay those of the rule through every change', async () => {
    const a = await buildSchool(ctx.db, { region_code: HAINING });
    const b = await buildSchool(ctx.db, { region_code: TONGXIANG });
    const y = await buildSchool(ctx.db, { region_code: YUNHE });
    const c1 = await buildCommunity(ctx.db, [{ schoolId: a.id, role: 'core' }]);
    const c2 = await buildCommunity(ctx.db, [{ schoolId: b.id, role: 'core' }], { region_code: TONGXIANG });
    await agree();
    expect(await seen(YUNHE)).toEqual([]);

    // a Yunhe school joins a Haining community: Yunhe's bureau sees it
    await ctx.db
      .insertInto('community_memberships')
      .values({ community_id: c1.id, school_id: y.id, role: 'member', start_date: '2022-09-01', end_date: null })
      .execute();
    await agree();
    expect(await seen(YUNHE)).toEqual([c1.id]);

    // the school moves county; then leaves (its row is deleted)
    await ctx.db.updateTable('schools').set({ region_code: TONGXIANG }).where('id', '=', y.id).execute();
    await agree();
    expect(await seen(YUNHE)).toEqual([]);
    await ctx.db.deleteFrom('community_memberships').where('school_id', '=', y.id).execute();
    await agree();

    // a cross-region pair names Yunhe as its partner; a community moves to another county
    await ctx.db
      .updateTable('communities')
      .set({ is_cross_region: true, partner_region_code: YUNHE })
      .where('id', '=', c2.id)
      .execute();
    await ctx.db.updateTable('communities').set({ region_code: '331102' }).where('id', '=', c1.id).execute();
    await agree();
    expect(await seen(YUNHE)).toEqual([c2.id]);
    expect(await seen('331100')).toContain(c1.id);

    // a membership moved to another community; a community deleted with its memberships
    const c3 = await buildCommunity(ctx.db, [], { region_code: YUNHE });
    await ctx.db
      .updateTable('community_memberships')
      .set({ community_id: c3.id })
      .where('school_id', '=', b.id)
      .execute();
    await agree();
    await ctx.db.deleteFrom('community_memberships').where('community_id', '=', c3.id).execute();
    await ctx.db.deleteFrom('communities').where('id', '=', c3.id).execute();
    await agree();
  });
});
