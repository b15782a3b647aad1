import { pageOffset } from '../../db/paging.js';
import { todayShanghai } from '../../../shared/beijing-time.js';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { ForbiddenError, ValidationError, fieldIssue } from '../../http/errors.js';
import { regionPrefix, regionContains } from '../../../shared/regions.js';
import type { DueList, DueQuery, Rule, RuleInput, RulePatch } from '../../../shared/exchange.schemas.js';
import { changedFields, recordAudit } from '../audit/index.js';
import { privateSchoolCondition } from '../registry/index.js';
import { notFound, outOfScope, unknownReference } from './exchange.errors.js';
import { cycleWindow } from './exchange.due.js';
import { exchangePolicy } from './exchange.policy.js';
import type { RuleRow } from './exchange.tables.js';

function toRule(r: RuleRow): Rule {
  return {
    id: r.id,
    regionCode: r.region_code,
    name: r.name,
    kinds: r.kinds as Rule['kinds'],
    cycleYears: r.cycle_years,
    cycleStartYear: r.cycle_start_year,
    maleMaxAge: r.male_max_age,
    femaleMaxAge: r.female_max_age,
    locationClasses: r.location_classes as Rule['locationClasses'],
    isActive: r.is_active,
  };
}

/** A rule is visible to everyone whose scope lies in its region (a county rule to its schools and communities). */
async function ruleVisible(db: Db, actor: Actor, regionCode: string): Promise<boolean> {
  if (actor.scope.kind === 'region')
    return regionContains(actor.scope.id, regionCode) || regionContains(regionCode, actor.scope.id);
  const hit = await db
    .selectFrom('schools as s')
    .select('s.id')
    .where('s.region_code', 'like', `${regionPrefix(regionCode)}%`)
    .where(privateSchoolCondition(actor, 's.id'))
    .limit(1)
    .executeTakeFirst();
  return !!hit;
}

/** Eligibility and cycle rules per region, and who is due under them. */
export class DueService {
  constructor(private readonly db: Db) {}

  async listRules(actor: Actor): Promise<Rule[]> {
    const rows = await this.db.selectFrom('exchange_rules').selectAll().orderBy('region_code').orderBy('id').execute();
    const out: Rule[] = [];
    for (const r of rows) if (await ruleVisible(this.db, actor, r.region_code)) out.push(toRule(r));
    return out;
  }

  private async ruleRow(actor: Actor, id: number): Promise<RuleRow> {
    const r = await this.db.selectFrom('exchange_rules').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound('rule', id);
    if (!(await ruleVisible(this.db, actor, r.region_code))) throw outOfScope('rule');
    return r;
  }

  async createRule(caller: Caller, input: RuleInput): Promise<Rule> {
    if (!exchangePolicy.configure(caller.actor, input.regionCode)) throw new ForbiddenError();
    if (!(await this.db.selectFrom('regions').select('code').where('code', '=', input.regionCode).executeTakeFirst())) {
      throw unknownReference(
        'body.regionCode',
        `行政区划 ${input.regionCode} 不存在`,
        `Region ${input.regionCode} does not exist`,
      );
    }
    const row = await this.db.transaction().execute(async (tx) => {
      const r = await tx
        .insertInto('exchange_rules')
        .values({
          region_code: input.regionCode,
          name: input.name,
          kinds: input.kinds,
          cycle_years: input.cycleYears,
          cycle_start_year: input.cycleStartYear,
          male_max_age: input.maleMaxAge ?? null,
          female_max_age: input.femaleMaxAge ?? null,
          location_classes: input.locationClasses,
          is_active: input.isActive,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, { action: 'create', entity: 'exchange_rule', entityId: r.id, after: r });
      return r;
    });
    return toRule(row);
  }

  async updateRule(caller: Caller, id: number, patch: RulePatch): Promise<Rule> {
    const existing = await this.ruleRow(caller.actor, id);
    if (!exchangePolicy.configure(caller.actor, existing.region_code)) throw new ForbiddenError();
    if (patch.regionCode && !exchangePolicy.configure(caller.actor, patch.regionCode)) {
      throw new ValidationError([
        fieldIssue(
          'body.regionCode',
          'out_of_scope',
          '只能为本辖区设置规则',
          'Rules can only be set for your own region',
        ),
      ]);
    }
    const set: Record<string, unknown> = { updated_at: new Date().toISOString() };
    const map: [keyof RulePatch, string][] = [
      ['regionCode', 'region_code'],
      ['name', 'name'],
      ['kinds', 'kinds'],
      ['cycleYears', 'cycle_years'],
      ['cycleStartYear', 'cycle_start_year'],
      ['maleMaxAge', 'male_max_age'],
      ['femaleMaxAge', 'female_max_age'],
      ['locationClasses', 'location_classes'],
      ['isActive', 'is_active'],
    ];
    for (const [from, to] of map) if (patch[from] !== undefined) set[to] = patch[from];
    const row = await this.db.transaction().execute(async (tx) => {
      const r = await tx
        .updateTable('exchange_rules')
        .set(set)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, {
        action: 'update',
        entity: 'exchange_rule',
        entityId: id,
        ...changedFields(existing, r),
      });
      return r;
    });
    return toRule(row);
  }

  async removeRule(caller: Caller, id: number): Promise<void> {
    const existing = await this.ruleRow(caller.actor, id);
    if (!exchangePolicy.configure(caller.actor, existing.region_code)) throw new ForbiddenError();
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('exchange_rules').where('id', '=', id).execute();
      await recordAudit(tx, caller, { action: 'delete', entity: 'exchange_rule', entityId: id, before: existing });
    });
  }

  /**
   * Teachers the rule obliges (exchange.due.ts isSubject, here as SQL), each classified by what they
   * did in the current cycle (dueState: done / scheduled / due), in one query with window counts.
   */
  async due(actor: Actor, q: DueQuery): Promise<DueList> {
    const rule = await this.ruleRow(actor, q.ruleId);
    const on = q.on ?? todayShanghai();
    const window = cycleWindow({ cycleYears: rule.cycle_years, cycleStartYear: rule.cycle_start_year }, on);
    const refYear = Number(on.slice(0, 4));
    const kinds = sql.join(rule.kinds.map((k) => sql`${k}`));
    const classes = sql.join(rule.location_classes.map((k) => sql`${k}`));
    const ageOk = (gender: 'M' | 'F', limit: number | null) =>
      limit === null
        ? sql`t.gender = ${gender}`
        : sql`(t.gender = ${gender} and t.birth_year is not null and ${refYear} - t.birth_year < ${limit})`;
    const states = q.state?.length ? q.state : ['due', 'scheduled', 'done'];
    const base = sql`
      with subject as (
        select t.id, t.name, t.gender, t.birth_year, s.id as school_id, s.name as school_name, s.location_class
        from teachers t join schools s on s.id = t.school_id
        where t.status = 'active' and ${privateSchoolCondition(actor, 't.school_id')}
          and s.region_code like ${`${regionPrefix(rule.region_code)}%`} and s.location_class in (${classes})
          and (${ageOk('M', rule.male_max_age)} or ${ageOk('F', rule.female_max_age)})
          ${q.schoolId ? sql`and s.id = ${q.schoolId}` : sql``}
      ), classified as (
        select subject.*,
          coalesce((select case when bool_or(a.status in ('active', 'completed')) then 'done' when bool_or(a.status = 'planned') then 'scheduled' end
             from exchange_assignments a where a.teacher_id = subject.id and a.kind in (${kinds}) and a.status <> 'cancelled'
               and a.start_date <= ${window.end} and a.end_date >= ${window.start}), 'due') as state,
          (select max(a.start_date) from exchange_assignments a where a.teacher_id = subject.id and a.status <> 'cancelled') as last_exchange
        from subject
      )`;
    const stateList = sql.join(states.map((s) => sql`${s}`));
    const [rows, counts] = await Promise.all([
      sql<{
        id: number;
        name: string;
        gender: string;
        birth_year: number | null;
        school_id: number;
        school_name: string;
        location_class: string;
        state: string;
        last_exchange: string | null;
      }>`
        ${base} select * from classified where state in (${stateList})
        order by case state when 'due' then 0 when 'scheduled' then 1 else 2 end, school_name, name, id
        limit ${q.pageSize} offset ${pageOffset(q)}`.execute(this.db),
      sql<{
        state: string;
        n: number;
      }>`${base} select state, count(*)::int as n from classified group by state`.execute(this.db),
    ]);
    const count = (s: string) => counts.rows.find((r) => r.state === s)?.n ?? 0;
    return {
      rule: toRule(rule),
      window,
      counts: { due: count('due'), scheduled: count('scheduled'), done: count('done') },
      total: states.reduce((n, s) => n + count(s), 0),
      items: rows.rows.map((r) => ({
        teacherId: r.id,
        teacherName: r.name,
        gender: r.gender as 'M' | 'F',
        age: r.birth_year === null ? null : refYear - r.birth_year,
        schoolId: r.school_id,
        schoolName: r.school_name,
        locationClass: r.location_class as DueList['items'][number]['locationClass'],
        state: r.state as DueList['items'][number]['state'],
        lastExchangeDate: r.last_exchange,
        neverMoved: r.last_exchange === null,
      })),
    };
  }
}
