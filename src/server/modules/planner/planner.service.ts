import { paged } from '../../db/paging.js';
import type { z } from 'zod';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import {
  ForbiddenError,
  entityErrors,
  ValidationError,
  fieldIssue,
  ruleViolation,
  type FieldIssue,
} from '../../http/errors.js';
import {
  exchangeSettings,
  pairingSettings,
  type ExchangeResult,
  type ExchangeSettings,
  type PairingInstance,
  type PairingRequest,
  type PairingResult,
  type PairingSettings,
  type PlanCreate,
  type PlanDetail,
  type PlanListQuery,
  type PlanPatch,
  type PlanSummary,
  type PlannedExchange,
  type TravelMatrix,
} from '../../../shared/planner.schemas.js';
import type { ExchangeAcceptOptions } from '../../../shared/planner.schemas.js';
import { describeIssue } from '../../../shared/validation.js';
import { regionLevel } from '../../../shared/regions.js';
import { recordAudit } from '../audit/index.js';
import { acceptPairingPlan, postExchangePlan } from './planner.accept.js';
import { matchExchanges } from './exchange.match.js';
import { solvePairing } from './pairing.solve.js';
import { checkInstance } from './pairing.validate.js';
import { isCore, isMember, registryInstance, staffedSchools } from './planner.instance.js';
import { plannerPolicy } from './planner.policy.js';
import * as repo from './planner.repo.js';

const PLAN = { plan: { zh: '规划方案', en: 'plan' } };
const planErrors = entityErrors(PLAN);
const notFound = (id: number) => planErrors.notFound('plan', id);
const outOfScope = () => planErrors.outOfScope('plan');
export const today = () => new Date().toISOString().slice(0, 10);

/** zod issues of a merged settings object, named as the request's fields. */
function settingsIssues(error: z.ZodError, prefix: string): FieldIssue[] {
  return error.issues.map((issue) => {
    const text = describeIssue(issue);
    return fieldIssue([prefix, ...issue.path.map(String)].join('.'), issue.code, text.zh, text.en);
  });
}

export class PlannerService {
  constructor(private readonly db: Db) {}

  // ---------- one-off solves ----------

  async solvePairings(caller: Caller, body: PairingRequest): Promise<PairingResult> {
    const { actor } = caller;
    let instance: PairingInstance;
    if (body.region !== undefined) {
      if (!plannerPolicy.plan(actor, body.region))
        throw actor.role === 'bureau_admin' ? outOfScope() : new ForbiddenError();
      instance = await this.pairingInstance(body.region, body.settings, 'body.region');
    } else {
      if (!plannerPolicy.solveUploaded(actor)) throw new ForbiddenError();
      instance = body.instance!;
    }
    const issues = checkInstance(instance, body.settings);
    if (issues.length) throw new ValidationError(issues);
    return solvePairing(instance, body.settings);
  }

  async solveExchanges(caller: Caller, region: string, settings: ExchangeSettings): Promise<ExchangeResult> {
    if (!plannerPolicy.plan(caller.actor, region))
      throw caller.actor.role === 'bureau_admin' ? outOfScope() : new ForbiddenError();
    return this.exchangeResult(region, settings, 'body.region');
  }

  private async checkRegion(code: string, field: string) {
    const r = await this.db.selectFrom('regions').select(['code', 'level']).where('code', '=', code).executeTakeFirst();
    if (!r)
      throw new ValidationError([
        fieldIssue(field, 'unknown_reference', `地区代码“${code}”不存在`, `Region ${code} does not exist`),
      ]);
  }

  /** Builds the instance of a region from the registry (partner counties too when cross-region pairs are allowed). */
  async pairingInstance(
    region: string,
    settings: PairingSettings,
    field = 'body.regionCode',
  ): Promise<PairingInstance> {
    await this.checkRegion(region, field);
    const regions = [
      region,
      ...(settings.allowCrossRegion && regionLevel(region) === 3 ? await repo.partnerRegions(this.db, region) : []),
    ];
    const schools = await repo.plannerSchools(this.db, regions);
    const memberships = await repo.currentMemberships(
      this.db,
      schools.map((s) => s.id),
      today(),
    );
    const instance = registryInstance(schools, memberships, settings);
    if (settings.mode !== 'tree') {
      const matrix = await importedTravelMatrix(this.db, instance);
      if (matrix) instance.travelMatrix = matrix;
    }
    if (!instance.cores.length || !instance.members.length) {
      const missing = instance.cores.length
        ? { zh: '薄弱或乡村学校', en: 'weak or rural schools' }
        : { zh: '优质学校', en: 'strong schools' };
      throw ruleViolation(
        422,
        `该地区没有可用于结对的${missing.zh}（需有经纬度）`,
        `The region has no ${missing.en} with coordinates to pair`,
      );
    }
    return instance;
  }

  private async exchangeResult(
    region: string,
    settings: ExchangeSettings,
    field = 'body.regionCode',
  ): Promise<ExchangeResult> {
    await this.checkRegion(region, field);
    const schools = await repo.exchangeSchools(this.db, region);
    const teachers = await repo.activeTeachers(
      this.db,
      schools.map((s) => s.id),
    );
    const staffed = staffedSchools(schools, teachers);
    const byId = new Map(schools.map((s) => [s.id, s]));
    const receivers = staffed.filter((s) => isMember(byId.get(s.id)!, settings.includePotential));
    const senders = staffed.filter((s) => isCore(byId.get(s.id)!));
    const result = matchExchanges({ receivers, senders }, settings);
    const keys = new Set(result.shortages.map((s) => s.key));
    const issues: FieldIssue[] = [];
    settings.locks.forEach((l, i) => {
      if (!keys.has(l.shortageKey))
        issues.push(
          fieldIssue(
            `body.settings.locks.${i}.shortageKey`,
            'unknown_reference',
            `短缺“${l.shortageKey}”不存在`,
            `Shortage ${l.shortageKey} does not exist`,
          ),
        );
    });
    if (issues.length) throw new ValidationError(issues);
    return result;
  }

  // ---------- saved plans ----------

  async list(actor: Actor, q: PlanListQuery): Promise<{ items: PlanSummary[]; total: number }> {
    const base = repo.plansQuery(this.db, actor, q);
    const [rows, count] = await Promise.all([
      base
        .select([
          'p.id',
          'p.kind',
          'p.name',
          'p.region_code',
          'r.name as region_name',
          'p.status',
          'p.created_by_name',
          'p.accepted_at',
          'p.effective_date',
          'p.created_at',
          'p.updated_at',
          'p.result_status',
          'p.objective',
          'p.proven_optimal',
        ])
        .orderBy('p.created_at', 'desc')
        .orderBy('p.id', 'desc')
        .$call(paged(q))
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((r) => ({
        id: r.id,
        kind: r.kind as PlanSummary['kind'],
        name: r.name,
        regionCode: r.region_code,
        regionName: r.region_name ?? null,
        status: r.status as PlanSummary['status'],
        createdBy: r.created_by_name,
        acceptedAt: r.accepted_at,
        effectiveDate: r.effective_date,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        resultStatus: r.result_status,
        objective: r.objective,
        provenOptimal: r.proven_optimal,
      })),
      total: Number(count.n),
    };
  }

  private async readable(actor: Actor, id: number) {
    const plan = await repo.findPlan(this.db, id);
    if (!plan) throw notFound(id);
    if (!plannerPolicy.readPlan(actor, plan.region_code)) throw outOfScope();
    return plan;
  }

  private async editable(actor: Actor, id: number) {
    const plan = await repo.findPlan(this.db, id);
    if (!plan) throw notFound(id);
    if (!plannerPolicy.plan(actor, plan.region_code))
      throw plannerPolicy.readPlan(actor, plan.region_code) ? new ForbiddenError() : outOfScope();
    return plan;
  }

  async get(actor: Actor, id: number): Promise<PlanDetail> {
    return toDetail(await this.readable(actor, id));
  }

  async create(caller: Caller | null, input: PlanCreate): Promise<PlanDetail> {
    if (caller && !plannerPolicy.plan(caller.actor, input.regionCode))
      throw caller.actor.role === 'bureau_admin' ? outOfScope() : new ForbiddenError();
    const result = await this.solveFor(input.kind, input.regionCode, input.settings);
    const id = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('planner_plans')
        .values({
          kind: input.kind,
          name: input.name,
          region_code: input.regionCode,
          settings: JSON.stringify(input.settings),
          ...resultColumns(result),
          created_by: caller?.actor.userId ?? null,
          created_by_name: caller?.actor.displayName ?? null,
        })
        .returning(['id', 'kind', 'name', 'region_code'])
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, {
        action: 'create',
        entity: 'planner_plan',
        entityId: row.id,
        after: { ...row, settings: input.settings, objective: objectiveOf(result) },
      });
      return row.id;
    });
    return toDetail((await repo.findPlan(this.db, id))!);
  }

  private async solveFor(
    kind: 'pairing' | 'exchange',
    region: string,
    settings: PairingSettings | ExchangeSettings,
  ): Promise<PairingResult | ExchangeResult> {
    if (kind === 'exchange') return this.exchangeResult(region, settings as ExchangeSettings);
    const s = settings as PairingSettings;
    const instance = await this.pairingInstance(region, s);
    const issues = checkInstance(instance, s, 'body');
    if (issues.length) throw new ValidationError(issues);
    return solvePairing(instance, s);
  }

  /** Edits settings (locks, forbidden pairs, capacities …) and re-plans with fresh registry data. */
  async update(caller: Caller, id: number, patch: PlanPatch): Promise<PlanDetail> {
    const plan = await this.editable(caller.actor, id);
    if (plan.status !== 'draft')
      throw ruleViolation(409, '方案已采纳，不能再修改', 'The plan has been accepted and can no longer change');
    const schema = plan.kind === 'pairing' ? pairingSettings : exchangeSettings;
    const parsed = schema.safeParse({ ...plan.settings, ...(patch.settings ?? {}) });
    if (!parsed.success) throw new ValidationError(settingsIssues(parsed.error, 'body.settings'));
    const settings = parsed.data;
    const result = await this.solveFor(plan.kind as 'pairing' | 'exchange', plan.region_code, settings);
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('planner_plans')
        .set({
          ...(patch.name ? { name: patch.name } : {}),
          settings: JSON.stringify(settings),
          ...resultColumns(result),
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .execute();
      await recordAudit(tx, caller, {
        action: 'replan',
        entity: 'planner_plan',
        entityId: id,
        before: { name: plan.name, settings: plan.settings, objective: plan.objective },
        after: { name: patch.name ?? plan.name, settings, objective: objectiveOf(result) },
      });
    });
    return toDetail((await repo.findPlan(this.db, id))!);
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const plan = await this.editable(caller.actor, id);
    if (plan.status !== 'draft') throw ruleViolation(409, '已采纳的方案不能删除', 'An accepted plan cannot be deleted');
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('planner_plans').where('id', '=', id).execute();
      await recordAudit(tx, caller, {
        action: 'delete',
        entity: 'planner_plan',
        entityId: id,
        before: { name: plan.name, kind: plan.kind, settings: plan.settings },
      });
    });
  }

  /**
   * Accepting a pairing plan creates and updates communities through the registry's services;
   * accepting an exchange plan records the planned exchanges. Either way the plan becomes read-only.
   */
  async accept(
    caller: Caller,
    id: number,
    effectiveDate: string,
    options?: ExchangeAcceptOptions,
  ): Promise<PlanDetail> {
    const plan = await this.editable(caller.actor, id);
    if (plan.status !== 'draft') throw ruleViolation(409, '方案已采纳', 'The plan has already been accepted');
    const result = plan.result as (PairingResult | ExchangeResult) | null;
    if (!result || result.status === 'infeasible')
      throw ruleViolation(
        409,
        '方案无可行结果，请先调整约束并重新规划',
        'The plan has no feasible result; relax a constraint and re-plan first',
      );
    if (plan.kind === 'pairing') {
      // one transaction: the registry changes and the plan's acceptance land together or not at all
      await this.db.transaction().execute(async (tx) => {
        const created = await acceptPairingPlan(
          tx,
          caller,
          { id, regionCode: plan.region_code, mode: (plan.settings as PairingSettings).mode },
          result as PairingResult,
          effectiveDate,
        );
        await markAcceptedIn(tx, caller, id, effectiveDate, created.communities, {
          communitiesCreated: created.communities,
          membershipsAdded: created.added,
          membershipsEnded: created.ended,
        });
      });
    } else {
      const assignments = (result as ExchangeResult).assignments;
      // one transaction: every row is posted to the exchange register or none is
      await this.db.transaction().execute(async (tx) => {
        const posted = await postExchangePlan(tx, caller, id, assignments, effectiveDate, options ?? {});
        if (assignments.length) {
          await tx
            .insertInto('planner_exchange_assignments')
            .values(
              assignments.map((a, i) => ({
                plan_id: id,
                from_school_id: a.supplierSchoolId,
                to_school_id: a.schoolId,
                subject: a.subject,
                kind: posted[i]!.kind,
                weekly_slots: a.slots,
                teacher_id: a.suggestedTeacherId,
                start_date: effectiveDate,
                exchange_assignment_id: posted[i]!.id,
              })),
            )
            .execute();
        }
        await markAcceptedIn(tx, caller, id, effectiveDate, [], {
          plannedExchanges: assignments.length,
          exchangeAssignmentIds: posted.map((p) => p.id),
          ...(options ? { choices: options } : {}),
        });
      });
    }
    return toDetail((await repo.findPlan(this.db, id))!);
  }

  async plannedExchanges(actor: Actor, id: number): Promise<PlannedExchange[]> {
    await this.readable(actor, id);
    const rows = await repo.plannedExchanges(this.db, id);
    return rows.map((r) => ({
      id: r.id,
      planId: r.plan_id,
      fromSchoolId: r.from_school_id,
      fromSchoolName: r.from_name,
      toSchoolId: r.to_school_id,
      toSchoolName: r.to_name,
      subject: r.subject as PlannedExchange['subject'],
      kind: r.kind as PlannedExchange['kind'],
      weeklySlots: r.weekly_slots,
      teacherId: r.teacher_id,
      teacherName: r.teacher_name ?? null,
      startDate: r.start_date,
      status: r.status,
      exchangeAssignmentId: r.exchange_assignment_id,
    }));
  }
}

async function markAcceptedIn(
  tx: Db,
  caller: Caller,
  id: number,
  effectiveDate: string,
  communities: number[],
  summary: Record<string, unknown>,
) {
  await tx
    .updateTable('planner_plans')
    .set({
      status: 'accepted',
      accepted_at: new Date().toISOString(),
      accepted_by: caller.actor.userId,
      effective_date: effectiveDate,
      created_community_ids: `{${communities.join(',')}}`,
      updated_at: new Date().toISOString(),
    })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, caller, {
    action: 'accept',
    entity: 'planner_plan',
    entityId: id,
    after: { effectiveDate, createdCommunityIds: communities, ...summary },
  });
}

function objectiveOf(result: PairingResult | ExchangeResult): number | null {
  return 'objectiveKm' in result ? result.objectiveKm : result.objective;
}

function resultColumns(result: PairingResult | ExchangeResult) {
  return {
    result: JSON.stringify(result),
    result_status: result.status,
    objective: objectiveOf(result),
    proven_optimal: result.provenOptimal,
  };
}

function toDetail(p: repo.PlanWithRegion): PlanDetail {
  const base = {
    id: p.id,
    name: p.name,
    regionCode: p.region_code,
    regionName: p.region_name ?? null,
    status: p.status as PlanDetail['status'],
    createdBy: p.created_by_name,
    acceptedAt: p.accepted_at,
    effectiveDate: p.effective_date,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
    createdCommunityIds: p.created_community_ids ?? [],
  };
  if (p.kind === 'pairing')
    return {
      ...base,
      kind: 'pairing',
      settings: pairingSettings.parse(p.settings),
      result: p.result as PairingResult | null,
    };
  return {
    ...base,
    kind: 'exchange',
    settings: exchangeSettings.parse(p.settings),
    result: p.result as ExchangeResult | null,
  };
}

/**
 * The imported travel times (通行时间表) of an instance's member × core pairs, when they cover every
 * pair; else null and the pairing uses road-like kilometres (a partial table would mix units).
 */
async function importedTravelMatrix(db: Db, instance: PairingInstance): Promise<TravelMatrix | null> {
  if (!instance.members.length || !instance.cores.length) return null;
  const memberIds = instance.members.map((m) => m.id);
  const coreIds = instance.cores.map((c) => c.id);
  const rows = await db
    .selectFrom('planner_travel_times')
    .select(['member_school_id', 'core_school_id', 'minutes'])
    .where('member_school_id', 'in', memberIds.map(Number))
    .where('core_school_id', 'in', coreIds.map(Number))
    .execute();
  if (rows.length < memberIds.length * coreIds.length) return null;
  const at = new Map(rows.map((r) => [`${r.member_school_id}/${r.core_school_id}`, Number(r.minutes)]));
  return {
    memberIds,
    coreIds,
    minutes: memberIds.map((m) => coreIds.map((c) => at.get(`${m}/${c}`) ?? null)),
  };
}
