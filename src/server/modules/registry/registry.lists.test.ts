import { isCaseless, nameContains, queryGrams } from '../../db/grams.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import {
  buildCommunity,
  buildSchool,
  buildSchoolYearStats,
  buildTeacher,
  buildUser,
  USER_PASSWORD,
  YUNHE,
} from '../../test/factories.js';
import * as repo from './registry.repo.js';

/**
 * Totals at any size and name search through an index. The exact-count cap is lowered to 5 for this
 * file (GONGJIN_LIST_COUNT_CAP), so "more than the cap" takes six rows, not ten thousand.
 */
const CAP = 5;
let t: TestApp;
let admin: Client;
let schoolA: { id: number; name: string };
let schoolB: { id: number };
let community: { id: number };

const TEACHER_NAMES = ['王丽', '王丽华', '李王丽', '王小丽', '张伟', '丽娜', 'Li Wang', 'li ming'];

beforeAll(async () => {
  t = await createTestApp({ env: { GONGJIN_LIST_COUNT_CAP: String(CAP) } });
  admin = await loginAdmin(t.app);
  schoolA = await buildSchool(t.ctx.db, { region_code: YUNHE, name: '云和县城关第一小学', short_name: '城关一小' });
  schoolB = await buildSchool(t.ctx.db, { region_code: YUNHE, name: 'Yunhe Shuangyu School', short_name: null });
  for (const [i, name] of TEACHER_NAMES.entries())
    await buildTeacher(t.ctx.db, schoolA.id, { name, phone: `1380000000${i}` });
  await buildTeacher(t.ctx.db, schoolB.id, { name: '王丽' });
  community = await buildCommunity(t.ctx.db, [
    { schoolId: schoolA.id, role: 'core' },
    { schoolId: schoolB.id, role: 'member' },
  ]);
  for (let i = 0; i < 7; i++)
    await buildCommunity(t.ctx.db, [], { name: i % 2 ? `云和县山海协作教共体${i}` : `Cloud Alliance ${i}` });
  for (let i = 0; i < 7; i++) await buildSchool(t.ctx.db, { region_code: YUNHE, name: `云和县第${i}中学` });
  for (let i = 0; i < 7; i++) {
    const act = await t.ctx.db
      .insertInto('activities')
      .values({
        community_id: community.id,
        organizer_school_id: schoolA.id,
        kind: 'research',
        title: `联合教研 ${i}`,
        description: null,
        starts_at: `2025-10-1${i}T06:00:00Z`,
        ends_at: `2025-10-1${i}T08:00:00Z`,
        semester: '2025-2026-1',
        teacher_count: 6,
        student_count: 0,
        details: '{}',
        created_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.ctx.db
      .insertInto('activity_schools')
      .values({ activity_id: act.id, school_id: schoolA.id, role: 'organizer' })
      .execute();
  }
  for (let i = 0; i < 7; i++)
    await buildUser(t.ctx.db, 'teacher', { kind: 'school', id: schoolA.id }, { displayName: `云和教师${i}` });
  // annual statistics of seven schools: more rows than the cap
  const yunheSchools = await t.ctx.db.selectFrom('schools').select('id').where('region_code', '=', YUNHE).execute();
  for (const { id } of yunheSchools.slice(0, 7)) await buildSchoolYearStats(t.ctx.db, id);
  await sql`analyze`.execute(t.ctx.db);
});
afterAll(async () => {
  await t.close();
});

interface Page {
  items: { id: number; name?: string }[];
  total: number;
  totalExact?: boolean;
}
const page = async (c: Client, url: string): Promise<Page> => {
  const res = await c.get(url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('list totals count exactly up to the cap, then estimate', () => {
  const lists: [string, string, number][] = [
    // [list, a query matching more than CAP rows, how many it matches]
    ['teachers', `/api/v1/teachers?schoolId=__A__&pageSize=2`, TEACHER_NAMES.length],
    ['schools', `/api/v1/schools?region=${YUNHE}&pageSize=2`, 9],
    ['communities', `/api/v1/communities?pageSize=2`, 8],
    // a title search: no summary holds it, so its rows are counted (and capped)
    ['activities', `/api/v1/activities?communityId=__C__&search=${encodeURIComponent('联合教研')}&pageSize=2`, 7],
    ['users', `/api/v1/users?search=${encodeURIComponent('云和教师')}&pageSize=2`, 7],
    ['school-year statistics', `/api/v1/school-year-stats?region=${YUNHE}&pageSize=2`, 7],
    ['audit log', `/api/v1/audit-log?pageSize=2`, -1],
  ];
  for (const [name, template, n] of lists) {
    it(`${name}: past the cap the total is flagged an estimate (never below the cap); exactTotal=1 counts`, async () => {
      if (name === 'audit log') {
        // audited changes through the API: one entry each
        const { id } = await firstTeacher();
        for (let i = 0; i < CAP + 1; i++)
          expect((await admin.patch(`/api/v1/teachers/${id}`, { title: i % 2 ? 'senior' : 'first' })).statusCode).toBe(
            200,
          );
      }
      const url = template.replace('__A__', String(schoolA.id)).replace('__C__', String(community.id));
      const est = await page(admin, url);
      expect(est.items).toHaveLength(2);
      expect(est.totalExact).toBe(false);
      expect(est.total).toBeGreaterThan(CAP);
      const exact = await page(admin, `${url}&exactTotal=1`);
      expect(exact.totalExact).toBe(true);
      if (n >= 0) expect(exact.total).toBe(n);
      else expect(exact.total).toBeGreaterThan(CAP);
      // the second page is the same with either total
      const p2 = await page(admin, url.replace('pageSize=2', 'pageSize=2&page=2'));
      expect(p2.items.map((r) => r.id)).toEqual(
        (await page(admin, `${url.replace('pageSize=2', 'pageSize=2&page=2')}&exactTotal=1`)).items.map((r) => r.id),
      );
    });
  }

  it('activities filtered only by what the summaries hold: the exact total past the cap, without asking', async () => {
    const list = await page(admin, `/api/v1/activities?communityId=${community.id}&pageSize=2`);
    expect(list).toMatchObject({ total: 7, totalExact: true });
    expect(list.items).toHaveLength(2);
  });

  it('under the cap the total is exact without asking', async () => {
    const few = await page(admin, `/api/v1/teachers?schoolId=${schoolB.id}`);
    expect(few).toMatchObject({ total: 1, totalExact: true });
    const none = await page(admin, `/api/v1/teachers?schoolId=${schoolB.id}&search=${encodeURIComponent('无此人')}`);
    expect(none).toMatchObject({ items: [], total: 0, totalExact: true });
    // a search past the cap is an estimate too (7 schools match)
    const many = await page(admin, `/api/v1/schools?search=${encodeURIComponent('云和县第')}&pageSize=1&exactTotal=0`);
    expect(many).toMatchObject({ totalExact: false });
    expect(many.total).toBeGreaterThan(CAP);
  });

  it('a school admin still sees only its own teachers, and its total is of those', async () => {
    await buildUser(t.ctx.db, 'school_admin', { kind: 'school', id: schoolB.id }, { username: 'lists_b' });
    const b = await login(t.app, 'lists_b', USER_PASSWORD);
    const mine = await page(b, '/api/v1/teachers');
    expect(mine).toMatchObject({ total: 1, totalExact: true });
    expect(mine.items.map((r) => r.name)).toEqual(['王丽']);
    const search = await page(b, `/api/v1/teachers?search=${encodeURIComponent('丽')}`);
    expect(search.items.map((r) => r.name)).toEqual(['王丽']);
  });
});

async function firstTeacher() {
  return t.ctx.db.selectFrom('teachers').select('id').orderBy('id').limit(1).executeTakeFirstOrThrow();
}

describe('name search finds the same rows as a substring test', () => {
  const names = async (url: string) =>
    (await page(admin, `${url}&pageSize=100&exactTotal=1`)).items.map((r) => r.name).sort();

  for (const term of ['王丽', '丽', '王', 'Li', 'li', 'i W', '王丽华', '小丽']) {
    it(`teachers: ${term} (like: case-sensitive)`, async () => {
      const want = [
        ...TEACHER_NAMES.filter((n) => n.includes(term)),
        ...('王丽'.includes(term) ? ['王丽'] : []),
      ].sort();
      expect(await names(`/api/v1/teachers?search=${encodeURIComponent(term)}`)).toEqual(want);
    });
  }

  it('teachers: the code and the phone still match exactly', async () => {
    const code = await t.ctx.db
      .selectFrom('teachers')
      .select(['teacher_code', 'name'])
      .where('name', '=', '张伟')
      .executeTakeFirstOrThrow();
    expect(await names(`/api/v1/teachers?search=${code.teacher_code}`)).toEqual(['张伟']);
    expect(await names(`/api/v1/teachers?search=13800000004`)).toEqual(['张伟']);
  });

  it('teachers: a term with LIKE wildcards keeps its old meaning', async () => {
    expect(await names(`/api/v1/teachers?search=${encodeURIComponent('王%华')}`)).toEqual(['王丽华']);
  });

  it('schools: name and short name, any case; code prefix', async () => {
    expect(await names(`/api/v1/schools?search=${encodeURIComponent('城关')}`)).toEqual(['云和县城关第一小学']);
    expect(await names(`/api/v1/schools?search=${encodeURIComponent('一小')}`)).toEqual(['云和县城关第一小学']);
    expect(await names(`/api/v1/schools?search=${encodeURIComponent('关')}`)).toEqual(['云和县城关第一小学']);
    expect(await names(`/api/v1/schools?search=shuangyu`)).toEqual(['Yunhe Shuangyu School']);
    expect(await names(`/api/v1/schools?search=${encodeURIComponent('第3')}`)).toEqual(['云和县第3中学']);
    const school = await t.ctx.db
      .selectFrom('schools')
      .select('code')
      .where('id', '=', schoolB.id)
      .executeTakeFirstOrThrow();
    expect(await names(`/api/v1/schools?search=${school.code}`)).toEqual(['Yunhe Shuangyu School']);
  });

  it('communities: name in any case, code prefix', async () => {
    expect(await names(`/api/v1/communities?search=${encodeURIComponent('山海')}`)).toEqual([
      '云和县山海协作教共体1',
      '云和县山海协作教共体3',
      '云和县山海协作教共体5',
    ]);
    expect(await names(`/api/v1/communities?search=${encodeURIComponent('体5')}`)).toEqual(['云和县山海协作教共体5']);
    expect(await names(`/api/v1/communities?search=cloud`)).toEqual([
      'Cloud Alliance 0',
      'Cloud Alliance 2',
      'Cloud Alliance 4',
      'Cloud Alliance 6',
    ]);
    const c = await t.ctx.db
      .selectFrom('communities')
      .select(['code', 'name'])
      .where('id', '=', community.id)
      .executeTakeFirstOrThrow();
    expect(await names(`/api/v1/communities?search=${c.code.toLowerCase()}`)).toEqual([c.name]);
  });

  it('the grams of a name and of a query', async () => {
    const r = await sql<{ g: string[]; q2: string[]; q1: string[]; q0: string[] }>`
      select gongjin_grams('王丽A') as g, gongjin_grams_query('王丽华') as q2, gongjin_grams_query('丽') as q1,
             gongjin_grams_query('') as q0`.execute(t.ctx.db);
    const row = r.rows[0]!;
    expect([...new Set(row.g)].sort()).toEqual(['a', '丽', '丽a', '王', '王丽'].sort());
    expect([...row.q2].sort()).toEqual(['丽华', '王丽'].sort());
    expect(row.q1).toEqual(['丽']);
    expect(row.q0).toEqual([]);
  });

  it('computes the grams of a query in the server as the SQL function does', async () => {
    for (const term of ['王丽华', '丽', '', 'AbC', '中心小学中心', 'No.3 实验']) {
      const r = await sql<{ q: string[] }>`select gongjin_grams_query(${term}) as q`.execute(t.ctx.db);
      expect([...queryGrams(term)].sort(), term).toEqual([...(r.rows[0]!.q ?? [])].sort());
    }
  });
});

describe('a term without case is tested with like, which matches as ilike does', () => {
  const CASELESS = ['中心', '第3', '王丽·华', '一小（分校）', '２０２５'];
  const CASED = ['shuangyu', 'A', 'Ⅲ', 'é', 'e\u0301', 'ＡＢ', '中心Ａ'];

  it('tells the terms apart', () => {
    for (const term of CASELESS) expect(isCaseless(term), term).toBe(true);
    for (const term of CASED) expect(isCaseless(term), term).toBe(false);
  });

  it('writes like for a caseless term and ilike otherwise', () => {
    const compiled = (term: string) =>
      t.ctx.db
        .selectFrom('schools as s')
        .select('s.id')
        .where(nameContains('s.name', term, 'ilike'))
        .compile().sql;
    expect(compiled('中心')).toMatch(/"s"\."name" like \$1/);
    expect(compiled('中心')).not.toMatch(/ilike/);
    expect(compiled('Shuangyu')).toMatch(/"s"\."name" ilike \$1/);
  });

  it('like and ilike find the same names for every caseless term, in this database', async () => {
    const names = [
      '云和县城关第一小学',
      '城关一小（分校）',
      'Yunhe 中心 School',
      'YUNHE中心ＡＢ',
      '第3中学',
      '２０２５届',
      '王丽·华',
    ];
    for (const term of CASELESS) {
      const r = await sql<{ by_like: string[] | null; by_ilike: string[] | null }>`
        select array_agg(n order by n) filter (where n like ${`%${term}%`}) as by_like,
               array_agg(n order by n) filter (where n ilike ${`%${term}%`}) as by_ilike
        from unnest(${names}::text[]) as n`.execute(t.ctx.db);
      expect(r.rows[0]!.by_like, term).toEqual(r.rows[0]!.by_ilike);
    }
  });
});

describe('the teacher search is served by the grams index', () => {
  it('explain shows teachers_name_grams_idx in a bitmap scan', async () => {
    const actor = { id: 1, role: 'bureau_admin', scope: { kind: 'region', id: '000000' } } as never;
    const query = repo.teachersQuery(t.ctx.db, actor, { search: '王丽' }).select('t.id').compile();
    const plan = await t.ctx.db.connection().execute(async (c) => {
      // a nine-row table is cheapest to read whole or down another index: price those paths out,
      // leaving bitmap scans, which only an index whose condition the query carries can drive
      await sql`set enable_seqscan = off`.execute(c);
      await sql`set enable_indexscan = off`.execute(c);
      try {
        const r = await sql<Record<string, unknown>>`explain (format json) ${sql.raw(inline(query))}`.execute(c);
        return JSON.stringify(r.rows);
      } finally {
        await sql`reset enable_seqscan`.execute(c);
        await sql`reset enable_indexscan`.execute(c);
      }
    });
    expect(plan).toContain('teachers_name_grams_idx');
  });
});

/** The compiled query with its parameters written in as literals (explain takes no parameters here). */
function inline(q: { sql: string; parameters: readonly unknown[] }): string {
  return q.sql.replace(/\$(\d+)/g, (_, i: string) => {
    const v = q.parameters[Number(i) - 1];
    const literal = (x: unknown) => (typeof x === 'number' ? String(x) : `'${String(x).replace(/'/g, "''")}'`);
    return Array.isArray(v) ? `array[${v.map(literal).join(', ')}]::text[]` : literal(v);
  });
}

describe('the statistics list is read year by year', () => {
  it('gives the same pages as sorting every row: newest year first, then school code', async () => {
    const yunheSchools = await t.ctx.db
      .selectFrom('schools')
      .select('id')
      .where('region_code', '=', YUNHE)
      .orderBy('id')
      .execute();
    for (const { id } of yunheSchools.slice(2, 6)) await buildSchoolYearStats(t.ctx.db, id, { school_year: 2023 });
    for (const { id } of yunheSchools.slice(0, 2)) await buildSchoolYearStats(t.ctx.db, id, { school_year: 2024 });
    const actor = {
      userId: 1,
      username: 'admin',
      displayName: 'admin',
      role: 'bureau_admin',
      teacherId: null,
    } as const;
    for (const filter of [{}, { schoolYear: 2023 }, { schoolId: yunheSchools[3]!.id }, { region: YUNHE }]) {
      const everyRow = (
        await repo
          .statsQuery(t.ctx.db, { ...actor, scope: { kind: 'region', id: '000000' } }, filter)
          .select(['y.id'])
          .orderBy('y.school_year', 'desc')
          .orderBy('s.code')
          .execute()
      ).map((r) => r.id);
      expect(everyRow.length).toBeGreaterThan(0);
      const paged: number[] = [];
      for (let n = 1; n <= Math.ceil(everyRow.length / 3) + 1; n++) {
        const query = new URLSearchParams({ page: String(n), pageSize: '3' });
        for (const [k, v] of Object.entries(filter)) query.set(k, String(v));
        paged.push(...(await page(admin, `/api/v1/school-year-stats?${query.toString()}`)).items.map((i) => i.id));
      }
      expect({ filter, paged }).toEqual({ filter, paged: everyRow });
    }
  });
});
