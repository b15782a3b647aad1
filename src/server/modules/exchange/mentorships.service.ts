import { listTotal, pageTotals, type PageTotals } from '../../db/totals.js';
import { sql, type SqlBool } from 'kysely';
import { paged, type PageRequest } from '../../db/paging.js';
import { todayShanghai } from '../../../shared/beijing-time.js';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { ConflictError, ForbiddenError, ValidationError, fieldIssue, ruleViolation } from '../../http/errors.js';
import type {
  Mentorship,
  MentorshipDetail,
  MentorshipEvaluationInput,
  MentorshipInput,
  MentorshipListQuery,
  MentorshipPatch,
} from '../../../shared/exchange-mentorship.schemas.js';
import { changedFields, recordAudit } from '../audit/index.js';
import { notFound, outOfScope, referenceOutOfScope, unknownReference } from './exchange.errors.js';
import { exchangePolicy } from './exchange.policy.js';
import * as repo from './exchange.repo.js';
import { settingsFor } from './exchange.settings.js';
import { semesterRange } from '../../../shared/activities.semester.js';

import { compliance } from './mentorship.compliance.js';
import * as mrepo from './mentorship.repo.js';

type Row = Awaited<ReturnType<typeof loadPage>>[number];
const loadPage = (base: ReturnType<typeof mrepo.mentorshipsQuery>, q: PageRequest) =>
  base
    .select([...mrepo.mentorshipColumns])
    .orderBy('p.signed_on', 'desc')
    .orderBy('p.id', 'desc')
    .$call(paged(q))
    .execute();

/** 师徒结对: signed pairs, their monthly observation quota and end-of-term evaluations. */
export class MentorshipsService {
  constructor(private readonly db: Db) {}

  private async summarise(rows: Row[], on: string): Promise<Mentorship[]> {
    const ids = rows.map((r) => r.id);
    const [months, linked] = await Promise.all([
      mrepo.monthlyObservations(this.db, ids, on),
      mrepo.linkedCounts(this.db, ids),
    ]);
    return rows.map((r) => {
      const c = compliance(months.get(r.id) ?? [], r.observations_per_month, on.slice(0, 7));
      const l = linked.get(r.id) ?? { observations: 0, demoLessons: 0 };
      return {
        id: r.id,
        communityId: r.community_id,
        communityName: r.community_name,
        mentorTeacherId: r.mentor_teacher_id,
        mentorName: r.mentor_name,
        mentorSchoolId: r.mentor_school_id,
        mentorSchoolName: r.mentor_school_name,
        apprenticeTeacherId: r.apprentice_teacher_id,
        apprenticeName: r.apprentice_name,
        apprenticeSchoolId: r.apprentice_school_id,
        apprenticeSchoolName: r.apprentice_school_name,
        signedOn: r.signed_on,
        endsOn: r.ends_on,
        goals: r.goals,
        observationsPerMonth: r.observations_per_month,
        status: r.status as Mentorship['status'],
        observations: l.observations,
        demoLessons: l.demoLessons,
        monthsJudged: c.monthsJudged,
        monthsMet: c.monthsMet,
        complianceRate: c.rate,
        behind: r.status === 'active' && c.behind,
      };
    });
  }

  /**
   * The filter "behind" is decided in SQL (mrepo.behindCondition: the last judged month's linked
   * observations, found by the index on the pair, kind and time), so only the page is summarised.
   */
  async list(actor: Actor, q: MentorshipListQuery, countCap?: number): Promise<{ items: Mentorship[] } & PageTotals> {
    const on = q.on ?? todayShanghai();
    const base = mrepo
      .mentorshipsQuery(this.db, actor, q)
      .$if(q.behind !== undefined, (qb) =>
        qb.where(q.behind ? mrepo.behindCondition(on) : sql<SqlBool>`not ${mrepo.behindCondition(on)}`),
      );
    const [rows, count] = await Promise.all([
      loadPage(base, q),
      listTotal(this.db, base, { exact: q.exactTotal, cap: countCap }),
    ]);
    return { items: await this.summarise(rows, on), ...pageTotals(count) };
  }

  async get(actor: Actor, id: number, on = todayShanghai()): Promise<MentorshipDetail> {
    const row = await mrepo
      .mentorshipsQuery(this.db, actor, {})
      .select([...mrepo.mentorshipColumns])
      .where('p.id', '=', id)
      .executeTakeFirst();
    if (!row) {
      if (await this.db.selectFrom('mentorships').select('id').where('id', '=', id).executeTakeFirst())
        throw outOfScope('mentorship');
      throw notFound('mentorship', id);
    }
    const [summary] = await this.summarise([row], on);
    const months = compliance(
      (await mrepo.monthlyObservations(this.db, [id], on)).get(id) ?? [],
      row.observations_per_month,
      on.slice(0, 7),
    ).months;
    const activities = (await mrepo.linkedActivities(this.db, id)).map((a) => ({
      id: a.id,
      kind: a.kind,
      title: a.title,
      startsAt: a.starts_at,
      semester: a.semester,
    }));
    const evaluations = (
      await this.db
        .selectFrom('mentorship_evaluations')
        .selectAll()
        .where('mentorship_id', '=', id)
        .orderBy('semester')
        .execute()
    ).map((e) => ({
      id: e.id,
      semester: e.semester,
      grade: e.grade as MentorshipDetail['evaluations'][number]['grade'],
      comment: e.comment,
      evaluatedAt: e.evaluated_at,
    }));
    return { ...summary!, months, activities, evaluations };
  }

  private async people(actor: Actor, mentorId: number, apprenticeId: number) {
    if (mentorId === apprenticeId) {
      throw new ValidationError([
        fieldIssue(
          'body.apprenticeTeacherId',
          'same_teacher',
          '师傅和徒弟不能是同一人',
          'Mentor and apprentice must be different teachers',
        ),
      ]);
    }
    const [mentor, apprentice] = await Promise.all([
      repo.findTeacher(this.db, mentorId),
      repo.findTeacher(this.db, apprenticeId),
    ]);
    if (!mentor)
      throw unknownReference('body.mentorTeacherId', `教师 ${mentorId} 不存在`, `Teacher ${mentorId} does not exist`);
    if (!apprentice)
      throw unknownReference(
        'body.apprenticeTeacherId',
        `教师 ${apprenticeId} 不存在`,
        `Teacher ${apprenticeId} does not exist`,
      );
    const visible = await repo.privateSchools(this.db, actor, [mentor.school_id, apprentice.school_id]);
    if (!visible.has(mentor.school_id))
      throw referenceOutOfScope(
        'body.mentorTeacherId',
        `教师“${mentor.name}”不在您的管理范围内`,
        `Teacher ${mentor.name} is outside your scope`,
      );
    if (!visible.has(apprentice.school_id))
      throw referenceOutOfScope(
        'body.apprenticeTeacherId',
        `教师“${apprentice.name}”不在您的管理范围内`,
        `Teacher ${apprentice.name} is outside your scope`,
      );
    const facts = await repo.schoolFacts(this.db, [mentor.school_id, apprentice.school_id]);
    return {
      mentor,
      apprentice,
      mentorSchool: facts.get(mentor.school_id)!,
      apprenticeSchool: facts.get(apprentice.school_id)!,
    };
  }

  async create(caller: Caller, input: MentorshipInput): Promise<MentorshipDetail> {
    const p = await this.people(caller.actor, input.mentorTeacherId, input.apprenticeTeacherId);
    if (!exchangePolicy.signMentorship(caller.actor, p.mentorSchool, p.apprenticeSchool)) throw new ForbiddenError();
    if (input.endsOn && input.endsOn < input.signedOn) {
      throw new ValidationError([
        fieldIssue(
          'body.endsOn',
          'end_before_start',
          `结束日期（${input.endsOn}）早于签约日期（${input.signedOn}）`,
          `End ${input.endsOn} is before signing ${input.signedOn}`,
        ),
      ]);
    }
    if (
      input.communityId &&
      !p.mentorSchool.communityIds.includes(input.communityId) &&
      !p.apprenticeSchool.communityIds.includes(input.communityId)
    ) {
      throw new ValidationError([
        fieldIssue(
          'body.communityId',
          'not_member',
          '师徒双方学校都不在该教共体中',
          'Neither teacher’s school belongs to that community',
        ),
      ]);
    }
    const dup = await this.db
      .selectFrom('mentorships')
      .select('id')
      .where('mentor_teacher_id', '=', input.mentorTeacherId)
      .where('apprentice_teacher_id', '=', input.apprenticeTeacherId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (dup)
      throw new ConflictError('duplicate', {
        field: '师徒结对',
        fieldEn: 'mentor pair',
        value: `${p.mentor.name}—${p.apprentice.name}`,
      });
    const quota =
      input.observationsPerMonth ?? (await settingsFor(this.db, p.apprenticeSchool.region_code)).observationsPerMonth;
    const communityId =
      input.communityId ?? p.apprenticeSchool.communityIds.find((c) => p.mentorSchool.communityIds.includes(c)) ?? null;
    const id = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('mentorships')
        .values({
          community_id: communityId,
          mentor_teacher_id: input.mentorTeacherId,
          apprentice_teacher_id: input.apprenticeTeacherId,
          signed_on: input.signedOn,
          ends_on: input.endsOn ?? null,
          goals: input.goals,
          observations_per_month: quota,
          status: input.status,
          created_by: caller.actor.userId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, { action: 'create', entity: 'mentorship', entityId: row.id, after: row });
      return row.id;
    });
    return this.get(caller.actor, id);
  }

  private async editable(caller: Caller, id: number, evaluate = false) {
    const m = await this.get(caller.actor, id);
    const facts = await repo.schoolFacts(this.db, [m.mentorSchoolId, m.apprenticeSchoolId]);
    const ok = evaluate
      ? exchangePolicy.evaluateMentorship(caller.actor, facts.get(m.mentorSchoolId)!, facts.get(m.apprenticeSchoolId)!)
      : exchangePolicy.signMentorship(caller.actor, facts.get(m.mentorSchoolId)!, facts.get(m.apprenticeSchoolId)!);
    if (!ok) throw new ForbiddenError();
    return m;
  }

  async update(caller: Caller, id: number, patch: MentorshipPatch): Promise<MentorshipDetail> {
    const m = await this.editable(caller, id);
    if (patch.mentorTeacherId !== undefined || patch.apprenticeTeacherId !== undefined) {
      const p = await this.people(
        caller.actor,
        patch.mentorTeacherId ?? m.mentorTeacherId,
        patch.apprenticeTeacherId ?? m.apprenticeTeacherId,
      );
      if (!exchangePolicy.signMentorship(caller.actor, p.mentorSchool, p.apprenticeSchool)) throw new ForbiddenError();
    }
    const signed = patch.signedOn ?? m.signedOn;
    const ends = patch.endsOn !== undefined ? patch.endsOn : m.endsOn;
    if (ends && ends < signed)
      throw new ValidationError([
        fieldIssue(
          'body.endsOn',
          'end_before_start',
          `结束日期（${ends}）早于签约日期（${signed}）`,
          `End ${ends} is before signing ${signed}`,
        ),
      ]);
    const set: Record<string, unknown> = { updated_at: new Date().toISOString() };
    const map: [keyof MentorshipPatch, string][] = [
      ['mentorTeacherId', 'mentor_teacher_id'],
      ['apprenticeTeacherId', 'apprentice_teacher_id'],
      ['communityId', 'community_id'],
      ['signedOn', 'signed_on'],
      ['endsOn', 'ends_on'],
      ['goals', 'goals'],
      ['observationsPerMonth', 'observations_per_month'],
      ['status', 'status'],
    ];
    for (const [from, to] of map) if (patch[from] !== undefined) set[to] = patch[from];
    await this.db.transaction().execute(async (tx) => {
      const before = await tx.selectFrom('mentorships').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const after = await tx
        .updateTable('mentorships')
        .set(set)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, {
        action: 'update',
        entity: 'mentorship',
        entityId: id,
        ...changedFields(before, after),
      });
    });
    return this.get(caller.actor, id);
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const m = await this.editable(caller, id);
    if (m.activities.length || m.evaluations.length) {
      throw ruleViolation(
        409,
        '该结对已有听课记录或考核，不能删除，请改为“已解除”',
        'The pair has linked lessons or evaluations; set it to terminated instead',
      );
    }
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('mentorships').where('id', '=', id).execute();
      await recordAudit(tx, caller, { action: 'delete', entity: 'mentorship', entityId: id, before: m });
    });
  }

  /**
   * Links an activity of the activities module to the pair: an observation of the apprentice by the
   * mentor, or a demonstration lesson the mentor gave. Anything else is refused, so quota counts stay honest.
   */
  async linkActivity(caller: Caller, id: number, activityId: number): Promise<MentorshipDetail> {
    const m = await this.editable(caller, id);
    const a = await mrepo.activityForLink(this.db, activityId);
    if (!a)
      throw unknownReference('body.activityId', `活动 ${activityId} 不存在`, `Activity ${activityId} does not exist`);
    const d = a.details;
    const fits =
      a.kind === 'observation'
        ? d.observerTeacherId === m.mentorTeacherId && d.observedTeacherId === m.apprenticeTeacherId
        : a.kind === 'demo_lesson' && d.teacherId === m.mentorTeacherId;
    if (!fits) {
      const zh = `活动 ${activityId} 不是师傅“${m.mentorName}”听徒弟“${m.apprenticeName}”的课，也不是师傅上的示范课`;
      const en = `Activity ${activityId} is neither ${m.mentorName} observing ${m.apprenticeName} nor a demonstration lesson by ${m.mentorName}`;
      throw ruleViolation(422, zh, en, [fieldIssue('body.activityId', 'not_pair_activity', zh, en)]);
    }
    if (a.mentorship_id !== null && a.mentorship_id !== id)
      throw ruleViolation(
        409,
        `活动 ${activityId} 已关联到另一结对`,
        `Activity ${activityId} is linked to another pair`,
      );
    await this.db.transaction().execute(async (tx) => {
      await mrepo.setActivityPair(tx, activityId, id);
      await recordAudit(tx, caller, {
        action: 'link_activity',
        entity: 'mentorship',
        entityId: id,
        before: { activityId, mentorshipId: a.mentorship_id },
        after: { activityId, mentorshipId: id },
      });
    });
    return this.get(caller.actor, id);
  }

  async unlinkActivity(caller: Caller, id: number, activityId: number): Promise<MentorshipDetail> {
    const m = await this.editable(caller, id);
    if (!m.activities.some((a) => a.id === activityId)) throw notFound('activity', activityId);
    await this.db.transaction().execute(async (tx) => {
      await mrepo.setActivityPair(tx, activityId, null);
      await recordAudit(tx, caller, {
        action: 'unlink_activity',
        entity: 'mentorship',
        entityId: id,
        before: { activityId, mentorshipId: id },
        after: { activityId, mentorshipId: null },
      });
    });
    return this.get(caller.actor, id);
  }

  /** End-of-term evaluation; one per term, a second one for the same term replaces the first. */
  async evaluate(caller: Caller, id: number, input: MentorshipEvaluationInput): Promise<MentorshipDetail> {
    const m = await this.editable(caller, id, true);
    const term = semesterRange(input.semester);
    if (!term || term.end < m.signedOn) {
      throw new ValidationError([
        fieldIssue(
          'body.semester',
          'before_signing',
          `该学期早于签约日期（${m.signedOn}）`,
          `That term is before the pair was signed (${m.signedOn})`,
        ),
      ]);
    }
    await this.db.transaction().execute(async (tx) => {
      const before = await tx
        .selectFrom('mentorship_evaluations')
        .selectAll()
        .where('mentorship_id', '=', id)
        .where('semester', '=', input.semester)
        .executeTakeFirst();
      const values = {
        grade: input.grade,
        comment: input.comment ?? null,
        evaluated_by: caller.actor.userId,
        evaluated_at: new Date().toISOString(),
      };
      const after = await tx
        .insertInto('mentorship_evaluations')
        .values({ mentorship_id: id, semester: input.semester, ...values })
        .onConflict((oc) => oc.columns(['mentorship_id', 'semester']).doUpdateSet(values))
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, { action: 'evaluate', entity: 'mentorship', entityId: id, before, after });
    });
    return this.get(caller.actor, id);
  }
}
