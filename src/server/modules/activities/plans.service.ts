import { paged } from '../../db/paging.js';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { ConflictError, ValidationError, fieldIssue, type FieldIssue } from '../../http/errors.js';
import type { ActivityKind, Compliance, PlanTarget, Reminder, WorkPlan } from '../../../shared/activities.schemas.js';
import { semesterRange, shanghaiDate } from '../../../shared/activities.semester.js';
import type { z } from 'zod';
import type { workPlanInput, workPlanListQuery, workPlanPatch } from '../../../shared/activities.schemas.js';
import { changedFields, recordAudit } from '../audit/index.js';
import { visibleCommunityCondition } from '../registry/index.js';
import { notFound, outOfScope } from './activities.errors.js';
import { activitiesPolicy, type CommunityAccess } from './activities.policy.js';
import * as repo from './activities.repo.js';
import { computeCompliance, shortfall } from './plan.compliance.js';

type PlanInput = z.infer<typeof workPlanInput>;
type PlanPatch = z.infer<typeof workPlanPatch>;
type PlanListQuery = z.infer<typeof workPlanListQuery>;

/** Semester work plans (targets per kind, optionally per school / grade+subject / month) and their compliance. */
export class PlansService {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async load(id: number) {
    const plan = await this.db
      .selectFrom('work_plans as p')
      .innerJoin('communities as c', 'c.id', 'p.community_id')
      .selectAll('p')
      .select('c.name as community_name')
      .where('p.id', '=', id)
      .executeTakeFirst();
    if (!plan) throw notFound('work_plan', id);
    const targets = await this.db
      .selectFrom('work_plan_targets as t')
      .leftJoin('schools as s', 's.id', 't.school_id')
      .selectAll('t')
      .select('s.name as school_name')
      .where('t.plan_id', '=', id)
      .orderBy('t.id')
      .execute();
    return { plan, targets };
  }

  private toPlan(p: Awaited<ReturnType<PlansService['load']>>, c: CommunityAccess, actor: Actor): WorkPlan {
    return {
      id: p.plan.id,
      communityId: p.plan.community_id,
      communityName: p.plan.community_name,
      semester: p.plan.semester,
      title: p.plan.title,
      notes: p.plan.notes,
      updatedAt: p.plan.updated_at,
      canEdit: activitiesPolicy.plan(actor, c),
      targets: p.targets.map((t): PlanTarget => ({
        id: t.id,
        kind: t.kind as ActivityKind,
        count: t.target_count,
        cadence: t.cadence as 'semester' | 'monthly',
        schoolId: t.school_id,
        schoolName: t.school_name,
        grade: t.grade,
        subject: t.subject,
        month: t.month,
        note: t.note,
      })),
    };
  }

  private async readable(actor: Actor, id: number) {
    const p = await this.load(id);
    const c = await repo.communityAccess(this.db, actor, p.plan.community_id);
    if (!c || !activitiesPolicy.read(actor, c)) throw outOfScope('work_plan');
    return { p, c };
  }

  async list(actor: Actor, q: PlanListQuery): Promise<{ items: WorkPlan[]; total: number }> {
    let base = this.db.selectFrom('work_plans as p').where(visibleCommunityCondition(actor, 'p.community_id'));
    if (q.communityId) base = base.where('p.community_id', '=', q.communityId);
    if (q.semester) base = base.where('p.semester', '=', q.semester);
    const [rows, count] = await Promise.all([
      base.select('p.id').orderBy('p.semester', 'desc').orderBy('p.id').$call(paged(q)).execute(),
      base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    const items: WorkPlan[] = [];
    for (const r of rows) {
      const { p, c } = await this.readable(actor, r.id);
      items.push(this.toPlan(p, c, actor));
    }
    return { items, total: count.n };
  }

  async get(actor: Actor, id: number): Promise<WorkPlan> {
    const { p, c } = await this.readable(actor, id);
    return this.toPlan(p, c, actor);
  }

  private async checkTargets(c: CommunityAccess, semester: string, targets: PlanInput['targets']) {
    const range = semesterRange(semester)!;
    // a target may name any school that is a member at some point of the term
    const members = await this.db
      .selectFrom('community_memberships')
      .select('school_id')
      .where('community_id', '=', c.id)
      .where('start_date', '<=', range.end)
      .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', range.start)]))
      .execute();
    const memberIds = new Set(members.map((m) => m.school_id));
    const issues: FieldIssue[] = [];
    targets.forEach((t, i) => {
      if (t.schoolId != null && !memberIds.has(t.schoolId)) {
        issues.push(
          fieldIssue(
            `body.targets.${i}.schoolId`,
            'not_member',
            `学校 ${t.schoolId} 不是该教共体本学期的成员校`,
            `School ${t.schoolId} is not a member this term`,
          ),
        );
      }
      if (t.month != null && !range.months.includes(t.month)) {
        issues.push(
          fieldIssue(
            `body.targets.${i}.month`,
            'outside_semester',
            `${t.month} 不在 ${semester} 学期内`,
            `${t.month} is outside term ${semester}`,
          ),
        );
      }
      if (t.month != null && t.cadence === 'monthly') {
        issues.push(
          fieldIssue(
            `body.targets.${i}.month`,
            'month_with_monthly',
            '“每月”目标不能再指定月份',
            'A monthly target cannot name one month',
          ),
        );
      }
    });
    if (issues.length) throw new ValidationError(issues);
  }

  private async writable(caller: Caller, communityId: number) {
    const c = await repo.communityAccess(this.db, caller.actor, communityId);
    if (!c)
      throw new ValidationError([
        fieldIssue(
          'body.communityId',
          'unknown_reference',
          `教共体 ${communityId} 不存在`,
          `Community ${communityId} does not exist`,
        ),
      ]);
    if (!activitiesPolicy.plan(caller.actor, c)) throw outOfScope('community');
    return c;
  }

  async create(caller: Caller, input: PlanInput): Promise<WorkPlan> {
    const c = await this.writable(caller, input.communityId);
    await this.checkTargets(c, input.semester, input.targets);
    const dup = await this.db
      .selectFrom('work_plans')
      .select('id')
      .where('community_id', '=', input.communityId)
      .where('semester', '=', input.semester)
      .executeTakeFirst();
    if (dup) {
      throw new ConflictError(
        'duplicate',
        { field: '本学期工作计划', fieldEn: 'Work plan for term', value: input.semester },
        [
          fieldIssue(
            'body.semester',
            'duplicate',
            `“${c.name}”已有 ${input.semester} 学期的工作计划（#${dup.id}），请修改该计划`,
            `${c.name} already has a plan for ${input.semester} (#${dup.id}); edit that one`,
          ),
        ],
      );
    }
    const id = await this.db.transaction().execute(async (tx) => {
      const plan = await tx
        .insertInto('work_plans')
        .values({
          community_id: input.communityId,
          semester: input.semester,
          title: input.title,
          notes: input.notes ?? null,
          created_by: caller.actor.userId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await insertTargets(tx, plan.id, input.targets);
      await recordAudit(tx, caller, {
        action: 'create',
        entity: 'work_plan',
        entityId: plan.id,
        after: { ...plan, targets: input.targets },
      });
      return plan.id;
    });
    return this.get(caller.actor, id);
  }

  async update(caller: Caller, id: number, patch: PlanPatch): Promise<WorkPlan> {
    const { p } = await this.readable(caller.actor, id);
    const c = await this.writable(caller, p.plan.community_id);
    if (patch.targets) await this.checkTargets(c, p.plan.semester, patch.targets);
    await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('work_plans')
        .set({
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.notes !== undefined ? { notes: patch.notes } : {}),
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (patch.targets) {
        await tx.deleteFrom('work_plan_targets').where('plan_id', '=', id).execute();
        await insertTargets(tx, id, patch.targets);
      }
      const diff = changedFields(p.plan as Record<string, unknown>, row as Record<string, unknown>);
      await recordAudit(tx, caller, {
        action: 'update',
        entity: 'work_plan',
        entityId: id,
        before: { ...diff.before, ...(patch.targets ? { targets: p.targets } : {}) },
        after: { ...diff.after, ...(patch.targets ? { targets: patch.targets } : {}) },
      });
    });
    return this.get(caller.actor, id);
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const { p } = await this.readable(caller.actor, id);
    await this.writable(caller, p.plan.community_id);
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('work_plans').where('id', '=', id).execute();
      await recordAudit(tx, caller, {
        action: 'delete',
        entity: 'work_plan',
        entityId: id,
        before: { ...p.plan, targets: p.targets },
      });
    });
  }

  async compliance(actor: Actor, id: number, asOf?: string): Promise<Compliance> {
    const { p } = await this.readable(actor, id);
    return this.complianceOf(p, asOf ?? this.now().toISOString());
  }

  private async complianceOf(p: Awaited<ReturnType<PlansService['load']>>, asOf: string): Promise<Compliance> {
    const range = semesterRange(p.plan.semester)!;
    const specs = p.targets.map((t) => ({
      id: t.id,
      kind: t.kind as ActivityKind,
      count: t.target_count,
      cadence: t.cadence as 'semester' | 'monthly',
      schoolId: t.school_id,
      grade: t.grade,
      subject: t.subject,
      month: t.month,
    }));
    const done = await repo.activitiesForCompliance(this.db, p.plan.community_id, p.plan.semester);
    const result = computeCompliance(range, specs, done, asOf);
    const names = new Map(p.targets.map((t) => [t.school_id, t.school_name]));
    return {
      planId: p.plan.id,
      communityId: p.plan.community_id,
      communityName: p.plan.community_name,
      semester: p.plan.semester,
      asOf: shanghaiDate(asOf),
      rows: result.rows.map((r, i) => {
        const t = p.targets[i]!;
        return {
          ...r,
          kind: t.kind as ActivityKind,
          cadence: t.cadence as 'semester' | 'monthly',
          schoolId: t.school_id,
          schoolName: t.school_name,
          grade: t.grade,
          subject: t.subject,
          month: t.month,
          activityIds: r.activityIds.slice(0, 500),
        };
      }),
      bySchool: result.bySchool.map((s) => ({
        ...s,
        schoolName: s.schoolId === null ? null : (names.get(s.schoolId) ?? null),
      })),
      byMonth: result.byMonth,
      summary: result.summary,
    };
  }

  /** What is behind, across the plans the actor can see (for the current term when none is named). */
  async reminders(
    actor: Actor,
    q: { semester?: string | undefined; communityId?: number | undefined },
  ): Promise<Reminder[]> {
    let plans = this.db
      .selectFrom('work_plans as p')
      .select('p.id')
      .where(visibleCommunityCondition(actor, 'p.community_id'));
    if (q.semester) plans = plans.where('p.semester', '=', q.semester);
    else {
      const today = shanghaiDate(this.now());
      plans = plans.where(sql<boolean>`p.semester in (${sql.join(currentTerms(today))})`);
    }
    if (q.communityId) plans = plans.where('p.community_id', '=', q.communityId);
    const ids = await plans.orderBy('p.id').limit(500).execute();
    const out: Reminder[] = [];
    for (const { id } of ids) {
      const p = await this.load(id);
      const comp = await this.complianceOf(p, this.now().toISOString());
      for (const r of comp.rows) {
        if (r.status !== 'behind') continue;
        const { missing, shortMonths } = shortfall(r);
        out.push({
          planId: comp.planId,
          communityId: comp.communityId,
          communityName: comp.communityName,
          semester: comp.semester,
          kind: r.kind,
          schoolName: r.schoolName,
          grade: r.grade,
          subject: r.subject,
          month: r.month,
          target: r.target,
          due: r.due,
          done: r.done,
          missing,
          shortMonths,
        });
      }
    }
    return out.sort((a, b) => b.missing - a.missing || a.communityId - b.communityId);
  }
}

/** The term today is in, and in August the one just ended. */
function currentTerms(today: string): string[] {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  if (m >= 9) return [`${y}-${y + 1}-1`];
  if (m === 1) return [`${y - 1}-${y}-1`];
  return [`${y - 1}-${y}-2`];
}

async function insertTargets(tx: Db, planId: number, targets: PlanInput['targets']) {
  if (!targets.length) return;
  await tx
    .insertInto('work_plan_targets')
    .values(
      targets.map((t) => ({
        plan_id: planId,
        kind: t.kind,
        target_count: t.count,
        cadence: t.cadence ?? 'semester',
        school_id: t.schoolId ?? null,
        grade: t.grade ?? null,
        subject: t.subject ?? null,
        month: t.month ?? null,
        note: t.note ?? null,
      })),
    )
    .execute();
}
