import { todayShanghai } from '../../../shared/beijing-time.js';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { regionPrefix } from '../../../shared/regions.js';
import type { LocationClass } from '../../../shared/enums.js';
import type {
  ShortageRow,
  Structure,
  StructureQuery,
  StructureUnit,
} from '../../../shared/exchange-mentorship.schemas.js';
import { privateSchoolCondition, visibleCommunityCondition } from '../registry/index.js';
import { BACKBONE_ARRAY, MASTER_ARRAY } from './exchange.sql.js';
import { settingsFor } from './exchange.settings.js';
import { belowFloor, share, shares, type StructureCounts } from './structure.rules.js';

interface SchoolRow {
  id: number;
  name: string;
  location_class: LocationClass;
  region_code: string;
  b_total: number;
  b_master: number;
  b_backbone: number;
  a_total: number;
  a_master: number;
  a_backbone: number;
}

const add = (a: StructureCounts, b: StructureCounts): StructureCounts => ({
  total: a.total + b.total,
  master: a.master + b.master,
  backbone: a.backbone + b.backbone,
});
const ZERO: StructureCounts = { total: 0, master: 0, backbone: 0 };

/** Master/backbone structure before and after exchanges, rural teachers' age, and non-specialist teaching. */
export class StructureService {
  constructor(private readonly db: Db) {}

  private schoolFilter(actor: Actor, q: StructureQuery) {
    const parts = [sql`${privateSchoolCondition(actor, 's.id')}`];
    if (q.region) parts.push(sql`s.region_code like ${`${regionPrefix(q.region)}%`}`);
    if (q.communityId)
      parts.push(
        sql`s.id in (select m.school_id from community_memberships m where m.community_id = ${q.communityId} and (m.end_date is null or m.end_date >= current_date))`,
      );
    return sql.join(parts, sql` and `);
  }

  async structure(actor: Actor, q: StructureQuery): Promise<Structure> {
    const on = q.on ?? todayShanghai();
    const filter = this.schoolFilter(actor, q);
    // before: the maintained per-school summary of active teachers (teacher_structure_school);
    // after: a teacher on a full-time posting on the day counts at the receiving school instead,
    // so only the teachers on such postings are read
    const rows = await sql<SchoolRow & { honours: Record<string, number> | null }>`
      with scoped as (select s.id from schools s where ${filter}),
      moves as (
        select distinct on (a.teacher_id) a.teacher_id, a.to_school_id from exchange_assignments a
        where a.workload = 'full_time' and a.status <> 'cancelled' and a.start_date <= ${on} and a.end_date >= ${on}
        order by a.teacher_id, a.start_date desc
      ), movers as (
        select t.school_id as home, mv.to_school_id as eff,
               (t.honours && ${MASTER_ARRAY})::int as m, (t.honours && ${BACKBONE_ARRAY})::int as b
        from moves mv join teachers t on t.id = mv.teacher_id
        where t.status = 'active' and (t.school_id in (select id from scoped) or mv.to_school_id in (select id from scoped))
      ), delta as (
        select sid, sum(n)::int as total, sum(m)::int as master, sum(b)::int as backbone from (
          select home as sid, -1 as n, -m as m, -b as b from movers
          union all select eff, 1, m, b from movers
        ) d group by sid
      )
      select s.id, s.name, s.location_class, s.region_code, x.honours,
        coalesce(x.total, 0) as b_total, coalesce(x.master, 0) as b_master, coalesce(x.backbone, 0) as b_backbone,
        coalesce(x.total, 0) + coalesce(d.total, 0) as a_total, coalesce(x.master, 0) + coalesce(d.master, 0) as a_master,
        coalesce(x.backbone, 0) + coalesce(d.backbone, 0) as a_backbone
      from schools s left join teacher_structure_school x on x.school_id = s.id left join delta d on d.sid = s.id
      where s.id in (select id from scoped) and s.is_active order by s.name`.execute(this.db);
    const ids = rows.rows.map((r) => r.id);
    const firstRegion = rows.rows[0]?.region_code ?? (actor.scope.kind === 'region' ? actor.scope.id : '000000');
    const settings = await settingsFor(this.db, q.region ?? firstRegion);
    const honours = new Map(rows.rows.map((r) => [r.id, r.honours ?? {}]));
    const byHonour = (sid: number): Record<string, number> => ({ ...honours.get(sid) });
    const schools: StructureUnit[] = rows.rows.map((r) => {
      const before = shares({ total: r.b_total, master: r.b_master, backbone: r.b_backbone });
      const after = shares({ total: r.a_total, master: r.a_master, backbone: r.a_backbone });
      return {
        id: r.id,
        name: r.name,
        locationClass: r.location_class,
        before,
        after,
        belowFloor: belowFloor(after, settings.structureFloor),
        byHonour: byHonour(r.id),
      };
    });

    // communities: the sum of their current member schools (visible ones only)
    const memberships = ids.length
      ? await this.db
          .selectFrom('community_memberships as m')
          .innerJoin('communities as c', 'c.id', 'm.community_id')
          .select(['c.id', 'c.name', 'm.school_id'])
          .where('m.school_id', 'in', ids)
          .where(visibleCommunityCondition(actor, 'c.id'))
          .where((eb) => eb.or([eb('m.end_date', 'is', null), eb('m.end_date', '>=', sql<string>`current_date`)]))
          .$if(!!q.communityId, (qb) => qb.where('c.id', '=', q.communityId!))
          .orderBy('c.name')
          .execute()
      : [];
    const bySchool = new Map(rows.rows.map((r) => [r.id, r]));
    const communityMap = new Map<
      number,
      { name: string; before: StructureCounts; after: StructureCounts; honours: Record<string, number> }
    >();
    for (const m of memberships) {
      const r = bySchool.get(m.school_id)!;
      const c = communityMap.get(m.id) ?? { name: m.name, before: ZERO, after: ZERO, honours: {} };
      c.before = add(c.before, { total: r.b_total, master: r.b_master, backbone: r.b_backbone });
      c.after = add(c.after, { total: r.a_total, master: r.a_master, backbone: r.a_backbone });
      for (const [h, n] of Object.entries(byHonour(m.school_id))) c.honours[h] = (c.honours[h] ?? 0) + n;
      communityMap.set(m.id, c);
    }
    const communities: StructureUnit[] = [...communityMap.entries()].map(([id, c]) => {
      const after = shares(c.after);
      return {
        id,
        name: c.name,
        locationClass: null,
        before: shares(c.before),
        after,
        belowFloor: belowFloor(after, settings.structureFloor),
        byHonour: c.honours,
      };
    });

    // the average of (year − birth year) over the summaries' counts and sums of birth years
    const ages = await sql<{ location_class: LocationClass; avg_age: number | null }>`
      select s.location_class,
        ((${Number(on.slice(0, 4))}::bigint * sum(x.aged) - sum(x.birth_year_sum))::numeric / sum(x.aged))::float8 as avg_age
      from teacher_structure_school x join schools s on s.id = x.school_id where x.aged > 0 and ${filter} group by s.location_class`.execute(
      this.db,
    );
    const byLocation = (['urban', 'town', 'rural'] as const).map((lc) => {
      const of = rows.rows.filter((r) => r.location_class === lc);
      const before = of.reduce(
        (acc, r) => add(acc, { total: r.b_total, master: r.b_master, backbone: r.b_backbone }),
        ZERO,
      );
      const after = of.reduce(
        (acc, r) => add(acc, { total: r.a_total, master: r.a_master, backbone: r.a_backbone }),
        ZERO,
      );
      const age = ages.rows.find((a) => a.location_class === lc)?.avg_age ?? null;
      return {
        locationClass: lc,
        before: shares(before),
        after: shares(after),
        averageAge: age === null ? null : Math.round(age * 100) / 100,
      };
    });
    return { on, floor: settings.structureFloor, communities, schools, byLocation };
  }

  /** 非专业代课: per subject taught, how many teach it without having trained in it, by location class. */
  async shortages(actor: Actor, q: StructureQuery): Promise<ShortageRow[]> {
    const filter = this.schoolFilter(actor, q);
    const rows = await sql<{
      subject: string;
      teachers: number;
      non_specialist: number;
      rural: number;
      town: number;
      urban: number;
    }>`
      select subj as subject, count(*)::int as teachers,
        (count(*) filter (where t.major_subject is not null and t.major_subject <> subj))::int as non_specialist,
        (count(*) filter (where t.major_subject is not null and t.major_subject <> subj and s.location_class = 'rural'))::int as rural,
        (count(*) filter (where t.major_subject is not null and t.major_subject <> subj and s.location_class = 'town'))::int as town,
        (count(*) filter (where t.major_subject is not null and t.major_subject <> subj and s.location_class = 'urban'))::int as urban
      from teachers t join schools s on s.id = t.school_id cross join unnest(t.subjects) as subj
      where t.status = 'active' and ${filter}
      group by subj order by non_specialist desc, subj`.execute(this.db);
    return rows.rows.map((r) => ({
      subject: r.subject,
      teachers: r.teachers,
      nonSpecialist: r.non_specialist,
      share: share(r.non_specialist, r.teachers),
      rural: r.rural,
      town: r.town,
      urban: r.urban,
    }));
  }
}
