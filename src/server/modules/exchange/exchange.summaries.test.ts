import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../demo/demo.service.js';
import { createTestApp, login, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { buildCommunity, buildSchool, buildTeacher, buildUser, USER_PASSWORD } from '../../test/factories.js';
import { seedExchangeDemo } from './exchange.demo.js';

/**
 * The summaries the statistics read (exchange_community_totals, teacher_structure_school) must equal
 * a computation from scratch after every kind of write, and the endpoints that read them must answer
 * what the full queries answer.
 */
let t: TestApp;
let admin: Client;
let lead: Client;
let principal: Client;
const ALL_KINDS = 'support_teaching,rotation,secondment,shadowing,itinerant,send_lesson';

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.ctx.dbh, {});
  await seedExchangeDemo(t.ctx.dbh, {});
  admin = await loginAdmin(t.app);
  const db = t.ctx.db;
  // the community with most assignments and a school in it
  const { rows } = await sql<{ id: number; school_id: number }>`
    select m.community_id as id, min(m.school_id) as school_id from community_memberships m
    join exchange_assignments a on a.from_school_id = m.school_id group by m.community_id order by count(*) desc, 1 limit 1`.execute(
    db,
  );
  const top = rows[0]!;
  const u1 = await buildUser(db, 'community_lead', { kind: 'community', id: top.id });
  const u2 = await buildUser(db, 'school_admin', { kind: 'school', id: top.school_id });
  lead = await login(t.app, u1.username, USER_PASSWORD);
  principal = await login(t.app, u2.username, USER_PASSWORD);
});
afterAll(async () => {
  await t.close();
});

/** exchange_community_totals from scratch: the community of each posting under way or done. */
async function communityTotalsFromScratch() {
  const { rows } = await sql<{ community_id: number; people: number; person_times: number; hours: number }>`
    select cm.id as community_id, count(distinct a.teacher_id)::int as people, count(*)::int as person_times,
      coalesce(sum(coalesce(a.hours_override, a.computed_hours)), 0)::float8 as hours
    from exchange_assignments a
    join lateral (
      select c.id from community_memberships m join communities c on c.id = m.community_id
      where m.school_id = a.from_school_id and m.start_date <= a.end_date and (m.end_date is null or m.end_date >= a.start_date)
      order by (exists (select 1 from community_memberships m2 where m2.community_id = m.community_id and m2.school_id = a.to_school_id)) desc, c.id
      limit 1) cm on true
    where a.status in ('active', 'completed')
    group by cm.id order by cm.id`.execute(t.ctx.db);
  return rows.map((r) => ({ ...r, hours: Math.round(r.hours * 1000) / 1000 }));
}

async function communityTotals() {
  const { rows } = await sql<{ community_id: number; people: number; person_times: number; hours: number }>`
    select community_id, people, person_times, hours from exchange_community_totals order by community_id`.execute(
    t.ctx.db,
  );
  return rows.map((r) => ({ ...r, hours: Math.round(r.hours * 1000) / 1000 }));
}

/** teacher_structure_school from scratch: active teachers per school. */
async function structureFromScratch() {
  const { rows } = await sql`
    select t.school_id, count(*)::int as total,
      (count(*) filter (where t.honours && array['special_grade','famous_provincial','famous_city','leader_city','leader_county']::text[]))::int as master,
      (count(*) filter (where t.honours && array['special_grade','famous_provincial','famous_city','leader_city','leader_county','backbone_city','backbone_county']::text[]))::int as backbone,
      coalesce((select jsonb_object_agg(h, n) from (select h, count(*)::int as n from teachers t2 cross join unnest(t2.honours) as h
        where t2.school_id = t.school_id and t2.status = 'active' group by h) x), '{}'::jsonb) as honours,
      count(t.birth_year)::int as aged, coalesce(sum(t.birth_year), 0)::text as birth_year_sum
    from teachers t where t.status = 'active' group by t.school_id order by t.school_id`.execute(t.ctx.db);
  return rows;
}

async function structure() {
  const { rows } = await sql`
    select school_id, total, master, backbone, honours, aged, birth_year_sum::text as birth_year_sum
    from teacher_structure_school order by school_id`.execute(t.ctx.db);
  return rows;
}

async function expectSummariesFresh() {
  expect(await communityTotals()).toEqual(await communityTotalsFromScratch());
  expect(await structure()).toEqual(await structureFromScratch());
}

const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(t.ctx.db)).rows[0]!;

describe('exchange summaries', () => {
  it('are backfilled and kept by the demo seed', async () => {
    expect((await communityTotals()).length).toBeGreaterThan(3);
    expect((await structure()).length).toBeGreaterThan(10);
    await expectSummariesFresh();
  });

  it('follow inserts, updates and deletes of assignments, one row and many at once', async () => {
    const db = t.ctx.db;
    const a = await one(sql<{ id: number; teacher_id: number; from_school_id: number; to_school_id: number }>`
      select id, teacher_id, from_school_id, to_school_id from exchange_assignments where status = 'active' order by id limit 1`);
    await sql`update exchange_assignments set hours_override = 7, override_reason = '测试' where id = ${a.id}`.execute(
      db,
    );
    await expectSummariesFresh();
    await sql`update exchange_assignments set status = 'cancelled' where id = ${a.id}`.execute(db);
    await expectSummariesFresh();
    await sql`update exchange_assignments set status = 'completed', from_school_id = to_school_id, to_school_id = from_school_id where id = ${a.id}`.execute(
      db,
    );
    await expectSummariesFresh();
    // a bulk import: many rows in one statement
    await sql`insert into exchange_assignments (teacher_id, kind, from_school_id, to_school_id, start_date, end_date, workload, status, computed_hours)
      select teacher_id, 'send_lesson', to_school_id, from_school_id, start_date + 1, end_date + 1, 'part_time', 'completed', 3.5
      from exchange_assignments where status in ('active', 'completed')`.execute(db);
    await expectSummariesFresh();
    await sql`update exchange_assignments set computed_hours = computed_hours + 1 where kind = 'send_lesson'`.execute(
      db,
    );
    await expectSummariesFresh();
    await sql`delete from exchange_sessions where assignment_id in (select id from exchange_assignments where kind = 'send_lesson' and computed_hours = 4.5)`.execute(
      db,
    );
    await sql`delete from exchange_assignments where kind = 'send_lesson' and computed_hours = 4.5`.execute(db);
    await expectSummariesFresh();
  });

  it('follow membership changes that move assignments between communities', async () => {
    const db = t.ctx.db;
    const m = await one(sql<{ id: number; school_id: number; community_id: number }>`
      select m.id, m.school_id, m.community_id from community_memberships m
      where exists (select 1 from exchange_assignments a where a.from_school_id = m.school_id) order by m.id limit 1`);
    await sql`update community_memberships set start_date = '2030-01-01', end_date = null where id = ${m.id}`.execute(
      db,
    );
    await expectSummariesFresh();
    const other = await buildCommunity(db, [{ schoolId: m.school_id, role: 'member', start: '2000-01-01' }]);
    await expectSummariesFresh();
    await sql`delete from community_memberships where id = ${m.id}`.execute(db);
    await expectSummariesFresh();
    await sql`delete from communities where id = ${other.id}`.execute(db);
    await expectSummariesFresh();
  });

  it('follow teachers added in bulk, changed, moved and removed', async () => {
    const db = t.ctx.db;
    const schools = (await sql<{ id: number }>`select id from schools order by id limit 3`.execute(db)).rows.map(
      (r) => r.id,
    );
    const s = await buildSchool(db, { name: '汇总测试学校', location_class: 'rural' });
    await buildTeacher(db, s.id, { honours: ['famous_city', 'backbone_city'], birth_year: 1970 });
    await expectSummariesFresh();
    await sql`insert into teachers (teacher_code, school_id, name, gender, birth_year, honours)
      select 'SUM' || g, ${s.id}, '批量' || g, 'M', case when g % 3 = 0 then null else 1960 + g end,
        case when g % 2 = 0 then array['leader_county']::text[] else '{}'::text[] end
      from generate_series(1, 40) g`.execute(db);
    await expectSummariesFresh();
    await sql`update teachers set honours = array['special_grade', 'rising_star']::text[] where teacher_code like 'SUM1%'`.execute(
      db,
    );
    await expectSummariesFresh();
    await sql`update teachers set school_id = ${schools[0]!} where teacher_code like 'SUM2%'`.execute(db);
    await sql`update teachers set status = 'retired' where teacher_code like 'SUM3%'`.execute(db);
    await sql`update teachers set birth_year = 1999 where teacher_code = 'SUM4'`.execute(db);
    await expectSummariesFresh();
    await sql`delete from teachers where teacher_code like 'SUM%'`.execute(db);
    await expectSummariesFresh();
  });
});

describe('endpoints reading the summaries', () => {
  it('total by community as the full query does, in every scope', async () => {
    for (const client of [admin, lead, principal]) {
      const fast = (await client.get('/api/v1/exchange/totals?by=community')).json();
      // a filter that keeps every assignment makes the service count from the assignments
      const full = (await client.get(`/api/v1/exchange/totals?by=community&kind=${ALL_KINDS}`)).json();
      expect(fast.rows.length).toBeGreaterThan(0);
      expect(fast).toEqual(full);
    }
    const scoped = (await principal.get('/api/v1/exchange/totals?by=community')).json();
    const all = (await admin.get('/api/v1/exchange/totals?by=community')).json();
    expect(scoped.total.personTimes).toBeLessThan(all.total.personTimes);
  });

  it('lists the mentor pairs behind as the compliance of every pair says', async () => {
    for (const on of ['2026-11-23', '2026-03-15', '2025-10-01']) {
      const every = (await admin.get(`/api/v1/exchange/mentorships?pageSize=500&on=${on}`)).json();
      const behind = (await admin.get(`/api/v1/exchange/mentorships?pageSize=500&behind=true&on=${on}`)).json();
      const notBehind = (await admin.get(`/api/v1/exchange/mentorships?pageSize=500&behind=false&on=${on}`)).json();
      const want = every.items.filter((m: { behind: boolean }) => m.behind);
      expect(behind.items).toEqual(want);
      expect(behind.total).toBe(want.length);
      expect(notBehind.items).toEqual(every.items.filter((m: { behind: boolean }) => !m.behind));
      expect(behind.total + notBehind.total).toBe(every.total);
    }
    const every = (await admin.get('/api/v1/exchange/mentorships?pageSize=500&on=2026-11-23')).json();
    expect(every.items.some((m: { behind: boolean }) => m.behind)).toBe(true);
    const page2 = (await admin.get('/api/v1/exchange/mentorships?pageSize=3&page=2&on=2026-11-23')).json();
    expect(page2.items).toEqual(every.items.slice(3, 6));
    expect(page2.total).toBe(every.total);
  });

  it('give the structure the full query gives', async () => {
    let moved = false;
    for (const on of ['2026-11-23', '2025-10-01']) {
      const body = (await admin.get(`/api/v1/exchange/structure?on=${on}`)).json();
      const { rows } = await sql<{ id: number; b: number[]; a: number[] }>`
        with moves as (
          select distinct on (a.teacher_id) a.teacher_id, a.to_school_id from exchange_assignments a
          where a.workload = 'full_time' and a.status <> 'cancelled' and a.start_date <= ${on} and a.end_date >= ${on}
          order by a.teacher_id, a.start_date desc
        ), staff as (
          select t.school_id as home, coalesce(mv.to_school_id, t.school_id) as eff,
            t.honours && array['special_grade','famous_provincial','famous_city','leader_city','leader_county']::text[] as m,
            t.honours && array['special_grade','famous_provincial','famous_city','leader_city','leader_county','backbone_city','backbone_county']::text[] as b
          from teachers t left join moves mv on mv.teacher_id = t.id where t.status = 'active'
        )
        select s.id,
          array[(select count(*) from staff where home = s.id), (select count(*) filter (where m) from staff where home = s.id), (select count(*) filter (where b) from staff where home = s.id)]::int[] as b,
          array[(select count(*) from staff where eff = s.id), (select count(*) filter (where m) from staff where eff = s.id), (select count(*) filter (where b) from staff where eff = s.id)]::int[] as a
        from schools s where s.is_active`.execute(t.ctx.db);
      const want = new Map(rows.map((r) => [r.id, r]));
      expect(body.schools.length).toBe(rows.length);
      moved ||= body.schools.some(
        (u: { before: { total: number }; after: { total: number } }) => u.before.total !== u.after.total,
      );
      for (const u of body.schools) {
        const w = want.get(u.id)!;
        expect([u.before.total, u.before.master, u.before.backbone]).toEqual(w.b);
        expect([u.after.total, u.after.master, u.after.backbone]).toEqual(w.a);
      }
      const ages = await sql<{ location_class: string; avg_age: number }>`
        select s.location_class, avg(${Number(on.slice(0, 4))} - t.birth_year)::float8 as avg_age
        from teachers t join schools s on s.id = t.school_id where t.status = 'active' and t.birth_year is not null group by s.location_class`.execute(
        t.ctx.db,
      );
      for (const l of body.byLocation) {
        const a = ages.rows.find((r) => r.location_class === l.locationClass);
        expect(l.averageAge).toBe(a ? Math.round(a.avg_age * 100) / 100 : null);
      }
      const honours = await sql<{ sid: number; h: string; n: number }>`
        select t.school_id as sid, h, count(*)::int as n from teachers t cross join unnest(t.honours) as h
        where t.status = 'active' group by t.school_id, h`.execute(t.ctx.db);
      for (const u of body.schools)
        expect(u.byHonour).toEqual(
          Object.fromEntries(honours.rows.filter((h) => h.sid === u.id).map((h) => [h.h, h.n])),
        );
    }
    expect(moved).toBe(true);
  });
});
