import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../http/actor.js';
import { createTestContext } from '../../test/harness.js';
import { bureauActor, buildSchool, buildTeacher, HAINING, TONGXIANG, YUNHE } from '../../test/factories.js';
import * as repo from './registry.repo.js';
import { privateSchoolCondition } from './registry.scope.js';

/**
 * A teacher carries its school's county (kept by triggers), and a region bureau's teacher list
 * selects by it: the same teachers as "teachers of schools in the region", read through an index.
 */
let ctx: Awaited<ReturnType<typeof createTestContext>>;
let moving: { id: number };
beforeAll(async () => {
  ctx = await createTestContext();
  for (const [i, county] of [HAINING, HAINING, TONGXIANG, YUNHE].entries()) {
    const s = await buildSchool(ctx.db, { region_code: county, name: `学校${i}` });
    for (let k = 0; k < 5; k++) await buildTeacher(ctx.db, s.id, { name: `教师${i}-${k}` });
    if (i === 1) moving = s;
  }
});
afterAll(async () => {
  await ctx.cleanup();
});

async function listed(actor: Actor) {
  return (
    await repo.teachersQuery(ctx.db, actor, {}).select('t.id').orderBy('t.teacher_code').orderBy('t.id').execute()
  ).map((r) => r.id);
}
async function bySchool(actor: Actor) {
  return (
    await ctx.db
      .selectFrom('teachers as t')
      .select('t.id')
      .where(privateSchoolCondition(actor, 't.school_id'))
      .orderBy('t.teacher_code')
      .orderBy('t.id')
      .execute()
  ).map((r) => r.id);
}

describe('teachers by county', () => {
  it('a county, a city and a province bureau list the teachers of the schools in their region', async () => {
    for (const code of [HAINING, TONGXIANG, YUNHE, '330400', '330000', '110000']) {
      expect({ code, ids: await listed(bureauActor(code)) }).toEqual({ code, ids: await bySchool(bureauActor(code)) });
    }
    expect(await listed(bureauActor(HAINING))).toHaveLength(10);
  });

  it('follows a teacher to another school and a school to another county', async () => {
    const other = await buildSchool(ctx.db, { region_code: YUNHE, name: '云和的学校' });
    const t = await buildTeacher(ctx.db, moving.id, { name: '调动的教师' });
    expect(await listed(bureauActor(HAINING))).toContain(t.id);
    await ctx.db.updateTable('teachers').set({ school_id: other.id }).where('id', '=', t.id).execute();
    expect(await listed(bureauActor(HAINING))).not.toContain(t.id);
    expect(await listed(bureauActor(YUNHE))).toContain(t.id);
    await ctx.db.updateTable('schools').set({ region_code: TONGXIANG }).where('id', '=', moving.id).execute();
    expect(await listed(bureauActor(HAINING))).toHaveLength(5);
    expect(await listed(bureauActor(TONGXIANG))).toEqual(await bySchool(bureauActor(TONGXIANG)));
    expect(await listed(bureauActor(TONGXIANG))).toHaveLength(10);
  });

  it("reads a county's first page from the county index", async () => {
    const page = repo
      .teachersQuery(ctx.db, bureauActor(HAINING), {})
      .select('t.id')
      .orderBy('t.teacher_code')
      .orderBy('t.id')
      .limit(20)
      .compile();
    const plan = await ctx.db.transaction().execute(async (tx) => {
      await sql`set local enable_seqscan = off`.execute(tx);
      const r = await tx.executeQuery<Record<string, string>>({
        ...page,
        sql: `explain ${page.sql}`,
      });
      return r.rows.map((row) => Object.values(row)[0]).join('\n');
    });
    expect(plan).toContain('teachers_county_code_idx');
  });
});
