import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import {
  DIRECTION_LABELS,
  EXCHANGE_KIND_LABELS,
  HONOUR_LEVEL_LABELS,
  type TotalsDimension,
} from '../../../shared/exchange.enums.js';
import type { History, Totals, TotalsQuery, TotalsRow } from '../../../shared/exchange.schemas.js';
import { AssignmentsService } from './assignments.service.js';
import { privateSchoolCondition } from '../registry/index.js';
import { notFound, outOfScope } from './exchange.errors.js';
import * as repo from './exchange.repo.js';
import { promotionCredit } from './exchange.rules.js';
import { settingsFor } from './exchange.settings.js';
import { directionSql, honourLevelSql, hoursSql, yearSql } from './exchange.sql.js';

/** The community an assignment belongs to: the sending school's, preferring one the receiving school shares. */
const communityJoin = sql`left join lateral (
  select c.id, c.name from community_memberships m join communities c on c.id = m.community_id
  where m.school_id = a.from_school_id and m.start_date <= a.end_date and (m.end_date is null or m.end_date >= a.start_date)
  order by (exists (select 1 from community_memberships m2 where m2.community_id = m.community_id and m2.school_id = a.to_school_id)) desc, c.id
  limit 1) cm on true`;

const DIMENSIONS: Record<TotalsDimension, { key: RawBuilder<unknown>; label: RawBuilder<unknown> }> = {
  teacher: { key: sql`t.id::text`, label: sql`t.name || '（' || fs.name || '）'` },
  school: { key: sql`fs.id::text`, label: sql`fs.name` },
  community: { key: sql`coalesce(cm.id::text, 'none')`, label: sql`coalesce(cm.name, '未加入教共体')` },
  region: {
    key: sql`fs.region_code`,
    label: sql`coalesce((select r.name from regions r where r.code = fs.region_code), fs.region_code)`,
  },
  year: { key: sql`${yearSql}::text`, label: sql`${yearSql}::text || '–' || (${yearSql} + 1)::text || '学年'` },
  kind: { key: sql`a.kind`, label: sql`a.kind` },
  direction: { key: directionSql, label: directionSql },
  honour: { key: honourLevelSql, label: honourLevelSql },
};

const CODE_LABELS: Partial<Record<TotalsDimension, Record<string, { zh: string }>>> = {
  kind: EXCHANGE_KIND_LABELS,
  direction: DIRECTION_LABELS,
  honour: HONOUR_LEVEL_LABELS,
};

/** Totals the province asks for: people, person-times and hours, by one dimension, aggregated in SQL. */
export class TotalsService {
  private readonly assignments: AssignmentsService;
  constructor(private readonly db: Db) {
    this.assignments = new AssignmentsService(db);
  }

  async totals(actor: Actor, q: TotalsQuery): Promise<Totals> {
    // hours count for postings under way or done unless the caller asks for other statuses
    const query = { ...q, status: q.status?.length ? q.status : (['active', 'completed'] as const).slice() };
    const where = repo.assignmentWhere(actor, query);
    const dim = DIMENSIONS[q.by];
    const from = sql`exchange_assignments a join teachers t on t.id = a.teacher_id join schools fs on fs.id = a.from_school_id join schools ts on ts.id = a.to_school_id`;
    const rows =
      q.by === 'community' && countsDefault(q)
        ? await this.byCommunityFromSummary(actor, q.limit)
        : await sql<{ key: string; label: string; people: number; person_times: number; hours: number }>`
      select ${dim.key} as key, ${dim.label} as label, count(distinct a.teacher_id)::int as people, count(*)::int as person_times,
             coalesce(sum(${hoursSql}), 0)::float8 as hours
      from ${from} ${q.by === 'community' ? communityJoin : sql``}
      where ${where}
      group by 1, 2 order by hours desc, key limit ${q.limit}`.execute(this.db);
    // the grand total needs neither the teacher nor the schools unless a filter reads them
    const total = await sql<{ people: number; person_times: number; hours: number }>`
      select count(distinct a.teacher_id)::int as people, count(*)::int as person_times, coalesce(sum(${hoursSql}), 0)::float8 as hours
      from ${countsDefault(q) ? sql`exchange_assignments a` : from} where ${where}`.execute(this.db);
    const labels = CODE_LABELS[q.by];
    const out: TotalsRow[] = rows.rows.map((r) => ({
      key: r.key,
      label: labels?.[r.key]?.zh ?? r.label,
      people: r.people,
      personTimes: r.person_times,
      hours: round2(r.hours),
    }));
    const t = total.rows[0]!;
    return { by: q.by, rows: out, total: { people: t.people, personTimes: t.person_times, hours: round2(t.hours) } };
  }

  /**
   * Totals by community without filters: a community all of whose member schools (past and present)
   * the actor sees privately has every assignment it counts visible, so its row is the maintained
   * summary (exchange_community_totals). The other communities and the assignments of no community
   * are counted from the assignments, as the filtered query does.
   */
  private async byCommunityFromSummary(actor: Actor, limit: number) {
    const whole = sql`(select c.id from communities c where not exists (
      select 1 from community_memberships m where m.community_id = c.id and not (${privateSchoolCondition(actor, 'm.school_id')})))`;
    const where = repo.assignmentWhere(actor, { status: ['active', 'completed'] });
    return sql<{ key: string; label: string; people: number; person_times: number; hours: number }>`
      select * from (
        select x.community_id::text as key, c.name as label, x.people, x.person_times, x.hours
        from exchange_community_totals x join communities c on c.id = x.community_id
        where x.community_id in ${whole}
        union all
        select coalesce(cm.id::text, 'none') as key, coalesce(cm.name, '未加入教共体') as label, count(distinct a.teacher_id)::int as people,
               count(*)::int as person_times, coalesce(sum(${hoursSql}), 0)::float8 as hours
        from exchange_assignments a ${communityJoin}
        where ${where} and (cm.id is null or cm.id not in ${whole})
          and (a.from_school_id in (select m.school_id from community_memberships m where m.community_id not in ${whole})
            or not exists (select 1 from community_memberships m where m.school_id = a.from_school_id
              and m.start_date <= a.end_date and (m.end_date is null or m.end_date >= a.start_date)))
        group by 1, 2
      ) r order by hours desc, key limit ${limit}`.execute(this.db);
  }

  /** One teacher's exchanges, with the credit title-promotion review counts. */
  async history(actor: Actor, teacherId: number): Promise<History> {
    const teacher = await repo.findTeacher(this.db, teacherId);
    if (!teacher) throw notFound('teacher', teacherId);
    if (!(await repo.privateSchools(this.db, actor, [teacher.school_id])).has(teacher.school_id))
      throw outOfScope('teacher');
    const items: History['assignments'] = [];
    for await (const batch of this.assignments.iterate(actor, { teacherId })) items.push(...batch);
    items.sort((a, b) => b.startDate.localeCompare(a.startDate));
    const school = await this.db
      .selectFrom('schools')
      .select(['name', 'region_code'])
      .where('id', '=', teacher.school_id)
      .executeTakeFirstOrThrow();
    const settings = await settingsFor(this.db, school.region_code);
    const counted = items.filter((a) => a.status === 'active' || a.status === 'completed');
    const credit = promotionCredit(items, settings.promotionMonths);
    const timetable = await repo.homeTimetable(this.db, teacherId);
    return {
      teacherId,
      teacherName: teacher.name,
      schoolName: school.name,
      assignments: items,
      personTimes: counted.length,
      hours: round2(counted.reduce((s, a) => s + a.hours, 0)),
      credit: { ...credit, requiredMonths: settings.promotionMonths },
      timetable: timetable.map((e) => ({
        id: e.id,
        teacherId: e.teacher_id,
        schoolId: e.school_id,
        schoolName: e.school_name,
        weekday: e.weekday,
        startTime: e.start_time,
        endTime: e.end_time,
        subject: e.subject,
        className: e.class_name,
      })),
    };
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** No filter but the default statuses: what the summaries hold. */
function countsDefault(q: TotalsQuery): boolean {
  const statuses = q.status?.length ? [...new Set(q.status)].sort().join() : 'active,completed';
  return (
    statuses === 'active,completed' &&
    !q.search &&
    !q.teacherId &&
    !q.schoolId &&
    !q.communityId &&
    !q.kind?.length &&
    !q.direction &&
    !q.year &&
    !q.region
  );
}
