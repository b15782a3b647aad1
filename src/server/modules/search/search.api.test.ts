import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';
import { buildCommunity, buildSchool, buildTeacher, buildUser, HAINING, USER_PASSWORD } from '../../test/factories.js';

/** The header's global search: each kind read through its own list, so its scope applies. */
let t: TestApp;
const clients: Record<string, Client> = {};
let ids: Record<string, number>;

beforeAll(async () => {
  t = await createTestApp();
  const db = t.ctx.db;
  const mine = await buildSchool(db, { name: '海宁实验学校' });
  const other = await buildSchool(db, { name: '海宁他校' });
  const c = await buildCommunity(db, [{ schoolId: mine.id, role: 'core' }], { name: '海宁实验教共体' });
  const tMine = await buildTeacher(db, mine.id, { name: '王丽华' });
  const tOther = await buildTeacher(db, other.id, { name: '王丽萍' });
  ids = { mine: mine.id, other: other.id, c: c.id, tMine: tMine.id, tOther: tOther.id };
  const users = {
    bureau: await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING }),
    principal: await buildUser(db, 'school_admin', { kind: 'school', id: mine.id }),
    teacher: await buildUser(db, 'teacher', { kind: 'school', id: mine.id }, { teacherId: tMine.id }),
  };
  for (const [k, u] of Object.entries(users)) clients[k] = await login(t.app, u.username, USER_PASSWORD);
});
afterAll(async () => {
  await t.close();
});

type Hit = { kind: string; id: number; label: string };
const hits = async (who: string, q: string): Promise<Hit[]> => {
  const res = await clients[who]!.get(`/api/v1/search?q=${encodeURIComponent(q)}`);
  expect(res.statusCode).toBe(200);
  return (res.json() as { groups: { kind: string; items: Omit<Hit, 'kind'>[] }[] }).groups.flatMap((g) =>
    g.items.map((i) => ({ kind: g.kind, id: i.id, label: i.label })),
  );
};

describe('GET /api/v1/search', () => {
  it('finds schools, teachers and communities across the county for the bureau', async () => {
    const found = await hits('bureau', '王丽');
    expect(
      found
        .filter((h) => h.kind === 'teacher')
        .map((h) => h.id)
        .sort(),
    ).toEqual([ids.tMine, ids.tOther].sort());
    const schools = await hits('bureau', '海宁');
    expect(
      schools
        .filter((h) => h.kind === 'school')
        .map((h) => h.id)
        .sort(),
    ).toEqual([ids.mine, ids.other].sort());
    expect(schools.some((h) => h.kind === 'community' && h.id === ids.c)).toBe(true);
  });

  it("a school user does not find another school's teachers or the other school", async () => {
    for (const who of ['principal', 'teacher']) {
      const found = await hits(who, '王丽');
      expect(found.filter((h) => h.kind === 'teacher').map((h) => h.id)).toEqual([ids.tMine]);
      const schools = await hits(who, '海宁');
      expect(schools.some((h) => h.kind === 'school' && h.id === ids.other)).toBe(false);
    }
  });

  it('returns a few results per kind and refuses an empty or missing term as a 400, not a 500', async () => {
    for (let i = 0; i < 8; i++) await buildTeacher(t.ctx.db, ids.mine!, { name: `王丽${i}号` });
    const found = await hits('bureau', '王丽');
    expect(found.filter((h) => h.kind === 'teacher').length).toBeLessThanOrEqual(5);
    expect((await clients.bureau!.get('/api/v1/search?q=')).statusCode).toBe(400);
    expect((await clients.bureau!.get('/api/v1/search')).statusCode).toBe(400);
  });
});
