import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changesData } from '../../db/write-watch.js';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { buildSchool, buildTeacher, YUNHE } from '../../test/factories.js';

/**
 * An instance remembers a list total it has just read or counted (db/totals.ts, for
 * GONGJIN_READ_CACHE_MS) and forgets it at once when it writes anything a list counts. The kept
 * total in the database is planted with a wrong figure to show when the database is asked.
 */
let t: TestApp;
let admin: Client;
let school: { id: number };

// long enough that no test here can outlast it: nothing below waits for time to pass
const READ_CACHE_MS = 60_000;

const total = async (url: string) => {
  const res = await admin.get(url);
  expect(res.statusCode).toBe(200);
  return (res.json() as { total: number }).total;
};
const plant = (figure: number) => sql`update list_totals set total = ${figure}`.execute(t.ctx.db);

beforeAll(async () => {
  t = await createTestApp({ env: { GONGJIN_READ_CACHE_MS: String(READ_CACHE_MS) } });
  admin = await loginAdmin(t.app);
  school = await buildSchool(t.ctx.db, { region_code: YUNHE, name: '云和县记忆计数小学' });
  for (let i = 0; i < 3; i++) await buildTeacher(t.ctx.db, school.id, { name: `记忆教师${i}` });
});
afterAll(() => t.close());

describe('totals remembered by the instance', () => {
  it('reuses a total it has just read without asking the database, and forgets it when it writes a teacher', async () => {
    const url = `/api/v1/teachers?schoolId=${school.id}&pageSize=1`;
    expect(await total(url)).toBe(3);
    await plant(99); // the database's kept total changes behind the instance's back
    expect(await total(url)).toBe(3);
    expect(await total(`${url}&page=2`)).toBe(3); // the next page reuses it too
    await buildTeacher(t.ctx.db, school.id, { name: '记忆教师新' });
    expect(await total(url)).toBe(4); // counted again: the instance wrote the teachers table
  });

  it('forgets it when a write through the API commits', async () => {
    const url = `/api/v1/schools?region=${YUNHE}&pageSize=1`;
    const before = await total(url);
    expect(await total(url)).toBe(before);
    const created = await admin.post('/api/v1/schools', {
      code: '3311250991',
      name: '云和县记忆计数新校',
      regionCode: YUNHE,
      level: 'primary',
      locationClass: 'rural',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(await total(url)).toBe(before + 1);
  });

  it('tells writes that change what a list counts from reads and bookkeeping', () => {
    const db = t.ctx.db;
    const raw = (text: string) => changesData(CompiledQuery.raw(text));
    expect(changesData(db.selectFrom('teachers').selectAll().compile())).toBe(false);
    expect(
      changesData(
        db
          .insertInto('teachers')
          .values({ name: 'x' } as never)
          .compile(),
      ),
    ).toBe(true);
    expect(changesData(db.deleteFrom('activities').where('id', '=', 1).compile())).toBe(true);
    expect(changesData(db.updateTable('sessions').set({ last_seen_at: 'now' }).compile())).toBe(false);
    expect(changesData(db.updateTable('users').set({ last_login_at: 'now' }).compile())).toBe(false);
    expect(changesData(db.updateTable('users').set({ is_active: false }).compile())).toBe(true);
    expect(raw('select 1')).toBe(false);
    expect(raw('  -- a comment\n  select 1')).toBe(false);
    expect(raw('begin')).toBe(false);
    expect(raw('insert into list_totals (key) values ($1)')).toBe(false);
    expect(raw('update jobs set status = $1')).toBe(false);
    expect(raw('delete from teachers where id = $1')).toBe(true);
    expect(raw('insert into "teachers" (name) values ($1)')).toBe(true);
    expect(raw('with gone as (delete from teachers returning id) select count(*) from gone')).toBe(true);
    // the job queue's claim (a poll) and a kept total's upsert write bookkeeping only
    expect(
      raw(`with next as (select id from jobs where status = 'queued' order by run_at limit 1 for update skip locked)
        update jobs j set status = 'running' from next where j.id = next.id returning j.id`),
    ).toBe(false);
    expect(
      raw(
        'insert into list_totals (key, total) values ($1, $2) on conflict (key) do update set total = excluded.total',
      ),
    ).toBe(false);
    expect(raw('update teachers set name = $1 where id in (select id from jobs for update)')).toBe(true);
    expect(raw('copy teachers from stdin')).toBe(true);
  });
});
