import { paged } from '../../db/paging.js';
import { sql } from 'kysely';
import type { z } from 'zod';
import {
  EVALUATION_STATUS_LABELS,
  type Appeal,
  type Evaluation,
  type EvaluationDetail,
  type EvaluationStatus,
  type IndicatorDef,
  type Score,
  type ScoreInput,
  type SchemeDefinition,
  type evaluationListQuery,
} from '../../../shared/assessment.schemas.js';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { ValidationError, fieldIssue, ruleViolation, notPermitted } from '../../http/errors.js';
import { recordAudit } from '../audit/index.js';
import { computeCommunities } from './assessment.compute.js';
import { checkEvidence } from './assessment.evidence.js';
import type { SourceCatalog } from './assessment.sources.js';
import type { ManualScore } from './assessment.engine.js';
import { notFound, outOfScope, publishedLocked, wrongStage } from './assessment.errors.js';
import { assessmentPolicy, type EvaluationRef } from './assessment.policy.js';
import * as repo from './assessment.repo.js';
import type { ScoreRow } from './assessment.tables.js';

const toEvaluation = (r: repo.EvaluationListRow): Evaluation => ({
  id: r.id,
  schemeId: r.scheme_id,
  schemeName: r.scheme_name,
  regionCode: r.region_code,
  year: r.year,
  communityId: r.community_id,
  communityName: r.community_name,
  status: r.status as EvaluationStatus,
  revision: r.revision,
  total: r.total,
  assessors: r.assessors,
  openAppeals: r.open_appeals,
  updatedAt: r.updated_at,
});
const toScore = (r: ScoreRow): Score => ({
  indicatorKey: r.indicator_key,
  stage: r.stage as Score['stage'],
  levelKey: r.level_key,
  points: r.points,
  comment: r.comment,
  evidence: r.evidence,
  scoredBy: r.scored_by_name,
  scoredAt: r.scored_at,
});

const indicatorsOf = (def: SchemeDefinition) => def.dimensions.flatMap((d) => d.indicators);
const statusText = (s: EvaluationStatus) => EVALUATION_STATUS_LABELS[s];

/** Effective manual scores: the assessor's; in a preview the self-assessment stands in until then. */
export function effectiveScores(rows: readonly ScoreRow[], mode: 'final' | 'preview'): Map<string, ManualScore> {
  const out = new Map<string, ManualScore>();
  for (const stage of mode === 'final' ? ['assessor'] : ['self', 'assessor']) {
    for (const r of rows.filter((x) => x.stage === stage)) {
      out.set(r.indicator_key, {
        levelKey: r.level_key,
        points: r.points,
        comment: r.comment,
        evidence: r.evidence,
        stage: r.stage as ManualScore['stage'],
      });
    }
  }
  return out;
}

/** Checks one score against the scheme: a rubric level for manual indicators, points within the cap otherwise. */
export function scorePoints(
  def: SchemeDefinition,
  input: ScoreInput,
): { indicator: IndicatorDef; points: number; levelKey: string | null } {
  const indicator = indicatorsOf(def).find((i) => i.key === input.indicatorKey);
  if (!indicator)
    throw new ValidationError([
      fieldIssue(
        'body.indicatorKey',
        'unknown_indicator',
        `方案中没有指标“${input.indicatorKey}”`,
        `The scheme has no indicator "${input.indicatorKey}"`,
      ),
    ]);
  if (indicator.kind === 'computed') {
    throw new ValidationError([
      fieldIssue(
        'body.indicatorKey',
        'computed_indicator',
        `“${indicator.name}”由数据自动计算，不能手工评分`,
        `"${indicator.name}" is computed from the data and cannot be scored by hand`,
      ),
    ]);
  }
  if (indicator.kind === 'manual') {
    const level = indicator.levels.find((l) => l.key === input.levelKey);
    if (!level) {
      throw new ValidationError([
        fieldIssue(
          'body.levelKey',
          'outside_rubric',
          `评分须为评分细则中的等级：${indicator.levels.map((l) => `${l.label}（${l.points} 分）`).join('、')}`,
          `The score must be one of the rubric levels: ${indicator.levels.map((l) => `${l.key} (${l.points})`).join(', ')}`,
        ),
      ]);
    }
    if (indicator.evidenceRequired && input.evidence.length === 0) {
      throw new ValidationError([
        fieldIssue(
          'body.evidence',
          'evidence_required',
          `“${indicator.name}”须附证据链接`,
          `"${indicator.name}" needs at least one evidence link`,
        ),
      ]);
    }
    return { indicator, points: level.points, levelKey: level.key };
  }
  if (input.points === undefined || input.points > indicator.maxPoints) {
    throw new ValidationError([
      fieldIssue(
        'body.points',
        'outside_rubric',
        `${indicator.kind === 'bonus' ? '加分' : '扣分'}须在 0–${indicator.maxPoints} 分之间`,
        `Points must be between 0 and ${indicator.maxPoints}`,
      ),
    ]);
  }
  return { indicator, points: input.points, levelKey: null };
}

/** A score changed: the evaluation's own time moves too (lists sort and show it). */
function touchEvaluation(tx: Db, id: number) {
  return tx
    .updateTable('assessment_evaluations')
    .set({ updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .execute();
}

export class EvaluationsService {
  constructor(
    private readonly db: Db,
    private readonly catalog: SourceCatalog,
  ) {}

  async list(actor: Actor, q: z.infer<typeof evaluationListQuery>): Promise<{ items: Evaluation[]; total: number }> {
    let base = repo.evaluationsQuery(this.db, actor);
    if (q.scheme) base = base.where('e.scheme_id', '=', q.scheme);
    if (q.status) base = base.where('e.status', '=', q.status);
    if (q.community) base = base.where('e.community_id', '=', q.community);
    const [rows, count] = await Promise.all([
      repo
        .withEvaluationColumns(base)
        .orderBy('s.year', 'desc')
        .orderBy('c.name')
        .orderBy('e.id')
        .$call(paged(q))
        .execute(),
      base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toEvaluation), total: count.n };
  }

  private async readable(actor: Actor, id: number) {
    const row = await repo
      .withEvaluationColumns(repo.evaluationsQuery(this.db, actor))
      .where('e.id', '=', id)
      .executeTakeFirst();
    if (!row) {
      if (await repo.evaluationRef(this.db, id)) throw outOfScope('assessment_evaluation');
      throw notFound('assessment_evaluation', id);
    }
    return row;
  }

  private async ref(actor: Actor, id: number): Promise<EvaluationRef & { id: number; schemeId: number; year: number }> {
    await this.readable(actor, id);
    return (await repo.evaluationRef(this.db, id))!;
  }

  private scheme(schemeId: number) {
    return this.db
      .selectFrom('assessment_schemes')
      .select(['id', 'version', 'definition', 'year', 'region_code'])
      .where('id', '=', schemeId)
      .executeTakeFirstOrThrow();
  }

  async get(actor: Actor, id: number): Promise<EvaluationDetail> {
    const row = await this.readable(actor, id);
    const ref = (await repo.evaluationRef(this.db, id))!;
    const scheme = await this.scheme(row.scheme_id);
    const [scoreRows, results, appeals] = await Promise.all([
      this.db
        .selectFrom('assessment_scores')
        .selectAll()
        .where('evaluation_id', '=', id)
        .orderBy('indicator_key')
        .orderBy('stage')
        .execute(),
      this.db
        .selectFrom('assessment_results')
        .selectAll()
        .where('evaluation_id', '=', id)
        .orderBy('revision', 'desc')
        .execute(),
      this.db.selectFrom('assessment_appeals').selectAll().where('evaluation_id', '=', id).orderBy('id').execute(),
    ]);
    // a community sees the assessor's scores only once the result is published
    const hideAssessor = actor.role === 'community_lead' || actor.scope.kind === 'school';
    const visibleScores = scoreRows.filter((s) => !(hideAssessor && s.stage === 'assessor' && row.revision === 0));
    const computed =
      row.status === 'published'
        ? null
        : (
            await computeCommunities(
              this.db,
              this.catalog,
              scheme.definition,
              row.year,
              [{ id: row.community_id, name: row.community_name }],
              new Map([[row.community_id, effectiveScores(visibleScores, 'preview')]]),
              { records: true },
            )
          ).get(row.community_id)!;
    const latest = results[0];
    return {
      ...toEvaluation(row),
      definition: latest && row.status === 'published' ? latest.scheme_snapshot : scheme.definition,
      schemeVersion: latest && row.status === 'published' ? latest.scheme_version : scheme.version,
      scores: visibleScores.map(toScore),
      preview: computed
        ? {
            schemeVersion: scheme.version,
            total: computed.output.total,
            dimensions: computed.output.dimensions,
            schools: computed.output.schools,
            explanation: computed.output.explanation,
          }
        : null,
      result: latest
        ? {
            revision: latest.revision,
            schemeVersion: latest.scheme_version,
            total: latest.total,
            dimensions: latest.dimensions,
            schools: latest.schools,
            explanation: latest.explanation,
            publishedAt: latest.published_at,
          }
        : null,
      history: results.map((r) => ({
        revision: r.revision,
        total: r.total,
        publishedAt: r.published_at,
        schemeVersion: r.scheme_version,
      })),
      appeals: appeals.map(toAppeal),
      can: {
        selfScore: assessmentPolicy.selfScore(actor, ref),
        assessorScore: assessmentPolicy.assessorScore(actor, ref),
        submit: assessmentPolicy.selfScore(actor, ref) || assessmentPolicy.assessorScore(actor, ref),
        publish: assessmentPolicy.publish(actor, ref),
        returnToAssessor: assessmentPolicy.publish(actor, ref),
        appeal: assessmentPolicy.appeal(actor, ref),
        decideAppeal: assessmentPolicy.decideAppeal(actor, ref) && appeals.some((a) => a.status === 'open'),
      },
    };
  }

  /** The stage the actor scores in, or the reason they cannot. */
  private stageFor(actor: Actor, ref: EvaluationRef): 'self' | 'assessor' {
    if (assessmentPolicy.selfScore(actor, ref)) return 'self';
    if (assessmentPolicy.assessorScore(actor, ref)) return 'assessor';
    const s = statusText(ref.status);
    if (actor.role === 'assessor' && !ref.assessorIds.includes(actor.userId)) {
      throw notPermitted('您未被分配为该教共体的考核员，不能评分', 'You are not assigned to assess this community');
    }
    if (ref.status === 'published') throw publishedLocked();
    if (actor.role === 'community_lead' || actor.role === 'assessor') throw wrongStage(s.zh, s.en, '评分', 'score');
    throw outOfScope('assessment_evaluation');
  }

  async score(caller: Caller, id: number, input: ScoreInput): Promise<Score> {
    const ref = await this.ref(caller.actor, id);
    const stage = this.stageFor(caller.actor, ref);
    const scheme = await this.scheme(ref.schemeId);
    const { points, levelKey } = scorePoints(scheme.definition, input);
    await checkEvidence(this.db, ref.communityId, input.evidence);
    const row = await this.db.transaction().execute(async (tx) => {
      const before = await tx
        .selectFrom('assessment_scores')
        .selectAll()
        .where('evaluation_id', '=', id)
        .where('indicator_key', '=', input.indicatorKey)
        .where('stage', '=', stage)
        .executeTakeFirst();
      const values = {
        level_key: levelKey,
        points,
        comment: input.comment ?? null,
        evidence: JSON.stringify(input.evidence),
        scored_by: caller.actor.userId,
        scored_by_name: caller.actor.displayName,
        scored_at: new Date().toISOString(),
      };
      const saved = await tx
        .insertInto('assessment_scores')
        .values({ evaluation_id: id, indicator_key: input.indicatorKey, stage, ...values })
        .onConflict((oc) => oc.columns(['evaluation_id', 'indicator_key', 'stage']).doUpdateSet(values))
        .returningAll()
        .executeTakeFirstOrThrow();
      await touchEvaluation(tx, id);
      await recordAudit(tx, caller, {
        action: before ? 'update' : 'create',
        entity: 'assessment_score',
        entityId: `${id}:${input.indicatorKey}:${stage}`,
        before,
        after: saved,
      });
      return saved;
    });
    return toScore(row);
  }

  /**
   * Withdraws the caller's score of one indicator at their stage: a data-driven bonus or deduction
   * item goes back to the points its source gives (a hand score overrides them until withdrawn).
   */
  async clearScore(caller: Caller, id: number, indicatorKey: string): Promise<void> {
    const ref = await this.ref(caller.actor, id);
    const stage = this.stageFor(caller.actor, ref);
    await this.db.transaction().execute(async (tx) => {
      const removed = await tx
        .deleteFrom('assessment_scores')
        .where('evaluation_id', '=', id)
        .where('indicator_key', '=', indicatorKey)
        .where('stage', '=', stage)
        .returningAll()
        .executeTakeFirst();
      if (!removed) throw notFound('assessment_score', `${id}:${indicatorKey}:${stage}`);
      await touchEvaluation(tx, id);
      await recordAudit(tx, caller, {
        action: 'delete',
        entity: 'assessment_score',
        entityId: `${id}:${indicatorKey}:${stage}`,
        before: removed,
      });
    });
  }

  private async transition(caller: Caller, id: number, from: EvaluationStatus, to: EvaluationStatus, action: string) {
    await this.db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable('assessment_evaluations')
        .set({ status: to, updated_at: new Date().toISOString() })
        .where('id', '=', id)
        .where('status', '=', from)
        .returning('id')
        .executeTakeFirst();
      // a concurrent change moved it first
      if (!updated)
        throw ruleViolation(
          409,
          '考核状态已被他人更改，请刷新后重试',
          'The assessment changed meanwhile; reload and retry',
        );
      await recordAudit(tx, caller, {
        action,
        entity: 'assessment_evaluation',
        entityId: id,
        before: { status: from },
        after: { status: to },
      });
    });
  }

  /** Submits the actor's stage: self-assessment → assessor scoring, assessor scoring → review. */
  async submit(caller: Caller, id: number): Promise<EvaluationDetail> {
    const ref = await this.ref(caller.actor, id);
    const stage = this.stageFor(caller.actor, ref);
    const scheme = await this.scheme(ref.schemeId);
    const scored = new Set(
      (
        await this.db
          .selectFrom('assessment_scores')
          .select('indicator_key')
          .where('evaluation_id', '=', id)
          .where('stage', '=', stage)
          .execute()
      ).map((r) => r.indicator_key),
    );
    const missing = indicatorsOf(scheme.definition).filter((i) => i.kind === 'manual' && !scored.has(i.key));
    if (missing.length) {
      throw ruleViolation(
        422,
        `还有 ${missing.length} 项评分细则指标未评分：${missing.map((m) => m.name).join('、')}`,
        `${missing.length} rubric indicator(s) are not scored yet: ${missing.map((m) => m.key).join(', ')}`,
        missing.map((m) =>
          fieldIssue(`indicators.${m.key}`, 'not_scored', `“${m.name}”未评分`, `"${m.key}" is not scored`),
        ),
      );
    }
    await this.transition(
      caller,
      id,
      ref.status,
      stage === 'self' ? 'assessor_scoring' : 'review',
      stage === 'self' ? 'submit_self' : 'submit_assessor',
    );
    return this.get(caller.actor, id);
  }

  async returnToAssessor(caller: Caller, id: number): Promise<EvaluationDetail> {
    const ref = await this.ref(caller.actor, id);
    if (!assessmentPolicy.publish(caller.actor, ref)) {
      if (caller.actor.role !== 'bureau_admin') throw outOfScope('assessment_evaluation');
      const s = statusText(ref.status);
      throw wrongStage(s.zh, s.en, '退回', 'return it');
    }
    const reopened = await this.db
      .selectFrom('assessment_appeals')
      .select('id')
      .where('evaluation_id', '=', id)
      .where('status', '=', 'accepted')
      .executeTakeFirst();
    await this.transition(caller, id, 'review', reopened ? 'rescoring' : 'assessor_scoring', 'return');
    return this.get(caller.actor, id);
  }

  /** Publishes: computes with the assessor's scores and snapshots the scheme version used. */
  async publish(caller: Caller, id: number): Promise<EvaluationDetail> {
    const ref = await this.ref(caller.actor, id);
    if (!assessmentPolicy.publish(caller.actor, ref)) {
      if (caller.actor.role !== 'bureau_admin') throw outOfScope('assessment_evaluation');
      if (ref.status === 'published') throw publishedLocked();
      const s = statusText(ref.status);
      throw wrongStage(s.zh, s.en, '发布', 'publish it');
    }
    const scheme = await this.scheme(ref.schemeId);
    const community = await this.db
      .selectFrom('communities')
      .select(['id', 'name'])
      .where('id', '=', ref.communityId)
      .executeTakeFirstOrThrow();
    const scoreRows = await this.db
      .selectFrom('assessment_scores')
      .selectAll()
      .where('evaluation_id', '=', id)
      .execute();
    const result = (
      await computeCommunities(
        this.db,
        this.catalog,
        scheme.definition,
        ref.year,
        [community],
        new Map([[community.id, effectiveScores(scoreRows, 'final')]]),
        { records: true },
      )
    ).get(community.id)!;
    await this.db.transaction().execute(async (tx) => {
      const ev = await tx
        .updateTable('assessment_evaluations')
        .set((eb) => ({
          status: 'published',
          revision: eb('revision', '+', 1),
          total: result.output.total,
          updated_at: new Date().toISOString(),
        }))
        .where('id', '=', id)
        .where('status', '=', 'review')
        .returning(['revision'])
        .executeTakeFirst();
      if (!ev)
        throw ruleViolation(
          409,
          '考核状态已被他人更改，请刷新后重试',
          'The assessment changed meanwhile; reload and retry',
        );
      const saved = await tx
        .insertInto('assessment_results')
        .values({
          evaluation_id: id,
          revision: ev.revision,
          scheme_version: scheme.version,
          scheme_snapshot: JSON.stringify(scheme.definition),
          total: result.output.total,
          dimensions: JSON.stringify(result.output.dimensions),
          schools: JSON.stringify(result.output.schools),
          explanation: JSON.stringify(result.output.explanation),
          series_values: JSON.stringify(result.values),
          published_by: caller.actor.userId,
        })
        .returning(['id', 'revision', 'total', 'scheme_version'])
        .executeTakeFirstOrThrow();
      await tx
        .updateTable('assessment_appeals')
        .set({ status: 'resolved' })
        .where('evaluation_id', '=', id)
        .where('status', '=', 'accepted')
        .execute();
      await recordAudit(tx, caller, {
        action: 'publish',
        entity: 'assessment_evaluation',
        entityId: id,
        before: { status: 'review' },
        after: saved,
      });
    });
    return this.get(caller.actor, id);
  }

  // ---------- appeals ----------

  async appeal(caller: Caller, id: number, input: { indicatorKey: string; reason: string }): Promise<Appeal> {
    const ref = await this.ref(caller.actor, id);
    if (!assessmentPolicy.appeal(caller.actor, ref)) {
      if (caller.actor.role !== 'community_lead') throw outOfScope('assessment_evaluation');
      const s = statusText(ref.status);
      throw wrongStage(s.zh, s.en, '申诉（仅可对已发布结果申诉）', 'appeal (only published results can be appealed)');
    }
    const latest = await this.db
      .selectFrom('assessment_results')
      .select('scheme_snapshot')
      .where('evaluation_id', '=', id)
      .orderBy('revision', 'desc')
      .executeTakeFirstOrThrow();
    if (!indicatorsOf(latest.scheme_snapshot).some((i) => i.key === input.indicatorKey)) {
      throw new ValidationError([
        fieldIssue(
          'body.indicatorKey',
          'unknown_indicator',
          `结果中没有指标“${input.indicatorKey}”`,
          `The result has no indicator "${input.indicatorKey}"`,
        ),
      ]);
    }
    const open = await this.db
      .selectFrom('assessment_appeals')
      .select('id')
      .where('evaluation_id', '=', id)
      .where('indicator_key', '=', input.indicatorKey)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (open) throw ruleViolation(409, '该指标已有待处理的申诉', 'This indicator already has an open appeal');
    const row = await this.db.transaction().execute(async (tx) => {
      const saved = await tx
        .insertInto('assessment_appeals')
        .values({
          evaluation_id: id,
          indicator_key: input.indicatorKey,
          reason: input.reason,
          status: 'open',
          response: null,
          filed_by: caller.actor.userId,
          filed_by_name: caller.actor.displayName,
          decided_by: null,
          decided_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, {
        action: 'create',
        entity: 'assessment_appeal',
        entityId: saved.id,
        after: saved,
      });
      return saved;
    });
    return toAppeal(row);
  }

  /** Accepting reopens the assessment for the assessor (申诉复评); the re-published result is revision n+1. */
  async decideAppeal(caller: Caller, appealId: number, input: { accept: boolean; response: string }): Promise<Appeal> {
    const appeal = await this.db
      .selectFrom('assessment_appeals')
      .selectAll()
      .where('id', '=', appealId)
      .executeTakeFirst();
    if (!appeal) throw notFound('assessment_appeal', appealId);
    const ref = await this.ref(caller.actor, appeal.evaluation_id);
    if (!assessmentPolicy.decideAppeal(caller.actor, ref)) throw outOfScope('assessment_appeal');
    if (appeal.status !== 'open') throw ruleViolation(409, '该申诉已处理', 'This appeal has already been decided');
    const row = await this.db.transaction().execute(async (tx) => {
      const saved = await tx
        .updateTable('assessment_appeals')
        .set({
          status: input.accept ? 'accepted' : 'rejected',
          response: input.response,
          decided_by: caller.actor.userId,
          decided_at: new Date().toISOString(),
        })
        .where('id', '=', appealId)
        .where('status', '=', 'open')
        .returningAll()
        .executeTakeFirstOrThrow();
      if (input.accept && ref.status === 'published') {
        await tx
          .updateTable('assessment_evaluations')
          .set({ status: 'rescoring', updated_at: new Date().toISOString() })
          .where('id', '=', ref.id)
          .execute();
      }
      await recordAudit(tx, caller, {
        action: input.accept ? 'accept' : 'reject',
        entity: 'assessment_appeal',
        entityId: appealId,
        before: appeal,
        after: saved,
      });
      return saved;
    });
    return toAppeal(row);
  }
}

function toAppeal(r: {
  id: number;
  evaluation_id: number;
  indicator_key: string;
  reason: string;
  status: string;
  response: string | null;
  filed_by_name: string | null;
  created_at: string;
  decided_at: string | null;
}): Appeal {
  return {
    id: r.id,
    evaluationId: r.evaluation_id,
    indicatorKey: r.indicator_key,
    reason: r.reason,
    status: r.status as Appeal['status'],
    response: r.response,
    filedBy: r.filed_by_name,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
  };
}
