import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKBONE_HONOURS, MASTER_HONOURS } from '../../../shared/enums.js';
import { createTestContext } from '../../test/harness.js';
import { buildCommunity, buildSchool, buildTeacher } from '../../test/factories.js';
import { registrySources } from './registry.assessment.js';

/**
 * The indicator engine's teacher series read school_teacher_counts, kept by triggers on teachers.
 * After every kind of write it must equal a count from scratch of the active teachers (with the
 * honour lists of shared/enums.ts, so a changed list cannot leave the migration's copy behind), and
 * the series must answer what counting the teachers answers.
 */
let ctx: Awaited<ReturnType<typeof createTestContext>>;
const master = [...MASTER_HONOURS];
const backbone = [...BACKBONE_HONOURS];

async function fromScratch() {
  const { rows } = await sql`
    select school_id, count(*)::int as active,
      (count(*) filter (where honours && ${master}::text[]))::int as master,
      (count(*) filter (where honours && ${backbone}::text[]))::int as backbone,
      (count(*) filter (where major_subject is not null))::int as with_major,
      (count(*) filter (where major_subject is not null and not (major_subject = any(subjects))))::int as non_specialist
    from teachers where status = 'active' group by school_id order by school_id`.execute(ctx.db);
  return rows;
}
async function kept() {
  const { rows } = await sql`select school_id, active, master, backbone, with_major, non_specialist
    from school_teacher_counts order by school_id`.execute(ctx.db);
  return rows;
}
const expectFresh = async () => expect(await kept()).toEqual(await fromScratch());

let schoolA: number;
let schoolB: number;
let community: number;

beforeAll(async () => {
  ctx = await createTestContext();
  schoolA = (await buildSchool(ctx.db)).id;
  schoolB = (await buildSchool(ctx.db, { location_class: 'rural' })).id;
  community = (
    await buildCommunity(ctx.db, [
      { schoolId: schoolA, role: 'core' },
      { schoolId: schoolB, role: 'member' },
    ])
  ).id;
});
afterAll(async () => {
  await ctx.cleanup();
});

describe('school_teacher_counts', () => {
  it('follows inserts of one teacher and of many at once', async () => {
    await buildTeacher(ctx.db, schoolA, { honours: ['special_grade'] });
    await expectFresh();
    await ctx.db
      .insertInto('teachers')
      .values(
        Array.from({ length: 12 }, (_, i) => ({
          teacher_code: `TC-MANY-${i}`,
          school_id: i % 2 ? schoolA : schoolB,
          name: `批量${i}`,
          gender: 'F',
          birth_year: 1980 + i,
          phone: null,
          title: 'first',
          posts: ['teacher'],
          qualification: 'bachelor',
          hire_year: 2008,
          subjects: i % 3 ? ['math'] : ['chinese'],
          major_subject: i % 4 ? 'math' : null,
          honours: i % 5 ? [] : ['backbone_county'],
          status: i === 7 ? 'retired' : 'active',
        })),
      )
      .execute();
    await expectFresh();
    const a = (await kept()).find((r) => (r as { school_id: number }).school_id === schoolA);
    expect(a).toMatchObject({ master: 1 });
  });

  it('follows changes of honours, major, subjects, status and school, and deletes', async () => {
    const t = await buildTeacher(ctx.db, schoolB, { subjects: ['chinese'], major_subject: 'chinese' });
    await expectFresh();
    await ctx.db
      .updateTable('teachers')
      .set({ subjects: ['music'] })
      .where('id', '=', t.id)
      .execute();
    await expectFresh(); // now teaching outside the major
    await ctx.db
      .updateTable('teachers')
      .set({ honours: ['leader_county'] })
      .where('id', '=', t.id)
      .execute();
    await expectFresh();
    await ctx.db.updateTable('teachers').set({ major_subject: null }).where('id', '=', t.id).execute();
    await expectFresh();
    await ctx.db.updateTable('teachers').set({ school_id: schoolA }).where('id', '=', t.id).execute();
    await expectFresh();
    await ctx.db.updateTable('teachers').set({ status: 'retired' }).where('school_id', '=', schoolA).execute();
    await expectFresh(); // a school without active teachers has no row
    await ctx.db.updateTable('teachers').set({ status: 'active' }).where('school_id', '=', schoolA).execute();
    await expectFresh();
    await ctx.db.updateTable('teachers').set({ name: '改名' }).where('id', '=', t.id).execute();
    await expectFresh();
    await ctx.db.deleteFrom('teachers').where('school_id', '=', schoolB).execute();
    await expectFresh();
  });

  it('gives the engine the values counting the teachers gives', async () => {
    await buildTeacher(ctx.db, schoolB, { subjects: ['art'], major_subject: 'math', honours: ['famous_city'] });
    await buildTeacher(ctx.db, schoolB, { subjects: ['math'], major_subject: 'math' });
    const { rows } = await sql<{ school_id: number; active: number; master: number; with_major: number; ns: number }>`
      select school_id, count(*)::int as active, (count(*) filter (where honours && ${master}::text[]))::int as master,
        (count(*) filter (where major_subject is not null))::int as with_major,
        (count(*) filter (where major_subject is not null and not (major_subject = any(subjects))))::int as ns
      from teachers where status = 'active' and school_id in (${schoolA}, ${schoolB}) group by school_id`.execute(
      ctx.db,
    );
    const sum = (k: 'active' | 'master' | 'with_major' | 'ns') => rows.reduce((s, r) => s + r[k], 0);
    const series = async (key: string, scope: 'community' | 'school', ids: number[]) =>
      registrySources.find((s) => s.key === key)!.compute(ctx.db, { year: 2025, scope, ids });
    expect((await series('teachers', 'community', [community])).get(community)).toBe(sum('active'));
    expect((await series('master_teachers', 'community', [community])).get(community)).toBe(sum('master'));
    expect((await series('master_teacher_share', 'community', [community])).get(community)).toBeCloseTo(
      (100 * sum('master')) / sum('active'),
      9,
    );
    expect((await series('non_specialist_rate', 'community', [community])).get(community)).toBeCloseTo(
      (100 * sum('ns')) / sum('with_major'),
      9,
    );
    const b = rows.find((r) => r.school_id === schoolB)!;
    expect((await series('non_specialist_teachers', 'school', [schoolB])).get(schoolB)).toBe(b.ns);
    expect(b.ns).toBeGreaterThan(0);
  });
});
