import { listTotal, pageTotals, type PageTotals } from '../../db/totals.js';
import { paged } from '../../db/paging.js';
import { todayShanghai } from '../../../shared/beijing-time.js';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { ForbiddenError, ValidationError, fieldIssue, ruleViolation, type FieldIssue } from '../../http/errors.js';
import { EXCHANGE_KIND_LABELS, WEEKDAY_LABELS } from '../../../shared/exchange.enums.js';
import { computeHours } from '../../../shared/exchange.hours.js';
import type {
  Assignment,
  AssignmentInput,
  AssignmentListQuery,
  AssignmentPatch,
  EvaluationInput,
  SessionInput,
} from '../../../shared/exchange.schemas.js';
import { changedFields, recordAudit } from '../audit/index.js';
import { notFound, outOfScope, referenceOutOfScope, unknownReference } from './exchange.errors.js';
import { toAssignment } from './exchange.mappers.js';
import { exchangePolicy } from './exchange.policy.js';
import * as repo from './exchange.repo.js';
import { fullTimeOverlap, timetableProblems, type SlotProblem } from './exchange.rules.js';
import { settingsFor } from './exchange.settings.js';

type Merged = Omit<AssignmentInput, 'fromSchoolId'> & { fromSchoolId: number };

/** Plans, edits and records exchange assignments (支教, 轮岗, 挂职, 跟岗, 走教, 送教) with their hours. */
export class AssignmentsService {
  /** `db` may be a transaction: the planner's accept then posts several assignments atomically. */
  constructor(private readonly db: Db) {}

  private inTransaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    return this.db.isTransaction ? work(this.db) : this.db.transaction().execute(work);
  }

  /** One page; `countCap`: rows counted exactly before the total becomes an estimate (db/totals.ts). */
  async list(actor: Actor, q: AssignmentListQuery, countCap?: number): Promise<{ items: Assignment[] } & PageTotals> {
    const base = repo.assignmentsQuery(this.db, actor, q);
    const [rows, count] = await Promise.all([
      base
        .select([...repo.assignmentColumns])
        .orderBy('a.start_date', 'desc')
        .orderBy('a.id', 'desc')
        .$call(paged(q))
        .execute(),
      listTotal(this.db, base, { exact: q.exactTotal, cap: countCap }),
    ]);
    return { items: await this.hydrate(rows), ...pageTotals(count) };
  }

  /** Streams every matching assignment in id order, for exports. */
  async *iterate(actor: Actor, q: Partial<AssignmentListQuery>): AsyncGenerator<Assignment[]> {
    let lastId = 0;
    for (;;) {
      const rows = await repo
        .assignmentsQuery(this.db, actor, q)
        .select([...repo.assignmentColumns])
        .where('a.id', '>', lastId)
        .orderBy('a.id')
        .limit(2000)
        .execute();
      if (!rows.length) return;
      yield await this.hydrate(rows);
      lastId = rows[rows.length - 1]!.id;
    }
  }

  private async hydrate(rows: Parameters<typeof toAssignment>[0][]): Promise<Assignment[]> {
    const ids = rows.map((r) => r.id);
    const [slots, sessions] = await Promise.all([repo.slotsOf(this.db, ids), repo.sessionsOf(this.db, ids)]);
    return rows.map((r) => toAssignment(r, slots, sessions));
  }

  async get(actor: Actor, id: number): Promise<Assignment> {
    const row = await repo
      .assignmentsQuery(this.db, actor, {})
      .select([...repo.assignmentColumns])
      .where('a.id', '=', id)
      .executeTakeFirst();
    if (!row) {
      if (await repo.findAssignment(this.db, id)) throw outOfScope('assignment');
      throw notFound('assignment', id);
    }
    return (await this.hydrate([row]))[0]!;
  }

  /** Loads and checks the people and schools an assignment names; returns the facts the rules need. */
  private async references(
    actor: Actor,
    input: { teacherId: number; fromSchoolId?: number | undefined; toSchoolId: number },
  ) {
    const teacher = await repo.findTeacher(this.db, input.teacherId);
    if (!teacher)
      throw unknownReference(
        'body.teacherId',
        `教师 ${input.teacherId} 不存在`,
        `Teacher ${input.teacherId} does not exist`,
      );
    if (!(await repo.privateSchools(this.db, actor, [teacher.school_id])).has(teacher.school_id)) {
      throw referenceOutOfScope(
        'body.teacherId',
        `教师“${teacher.name}”不在您的管理范围内`,
        `Teacher ${teacher.name} is outside your scope`,
      );
    }
    const fromSchoolId = input.fromSchoolId ?? teacher.school_id;
    if (fromSchoolId !== teacher.school_id) {
      throw new ValidationError([
        fieldIssue(
          'body.fromSchoolId',
          'not_home_school',
          `派出学校应为教师“${teacher.name}”所在学校`,
          `The sending school must be ${teacher.name}'s own school`,
        ),
      ]);
    }
    if (input.toSchoolId === fromSchoolId) {
      throw new ValidationError([
        fieldIssue(
          'body.toSchoolId',
          'same_school',
          '接收学校不能与派出学校相同',
          'The receiving school must differ from the sending school',
        ),
      ]);
    }
    const facts = await repo.schoolFacts(this.db, [fromSchoolId, input.toSchoolId]);
    const to = facts.get(input.toSchoolId);
    if (!to)
      throw unknownReference(
        'body.toSchoolId',
        `学校 ${input.toSchoolId} 不存在`,
        `School ${input.toSchoolId} does not exist`,
      );
    if (!(await repo.visibleSchools(this.db, actor, [to.id])).has(to.id)) {
      throw referenceOutOfScope(
        'body.toSchoolId',
        `接收学校“${to.name}”不在您的管理范围内`,
        `Receiving school ${to.name} is outside your scope`,
      );
    }
    return { teacher, from: facts.get(fromSchoolId)!, to };
  }

  /** Field rules that need more than one field: dates, part-time share, secondment post, override reason, timetable. */
  private checkFields(m: Merged): void {
    const issues: FieldIssue[] = [];
    if (m.endDate < m.startDate)
      issues.push(
        fieldIssue(
          'body.endDate',
          'end_before_start',
          `结束日期（${m.endDate}）早于开始日期（${m.startDate}）`,
          `End date ${m.endDate} is before start date ${m.startDate}`,
        ),
      );
    if (m.workload === 'part_time' && !m.partTimeFraction)
      issues.push(
        fieldIssue(
          'body.partTimeFraction',
          'required',
          '兼职交流请填写工作量比例（如 0.5）',
          'Part-time postings need the share of a day (e.g. 0.5)',
        ),
      );
    if (m.kind === 'secondment' && !m.postHeld)
      issues.push(
        fieldIssue(
          'body.postHeld',
          'required',
          '挂职请填写所任职务（如副校长）',
          'A secondment needs the post held (e.g. vice-principal)',
        ),
      );
    if (m.kind === 'itinerant' && m.slots.length === 0)
      issues.push(
        fieldIssue(
          'body.slots',
          'required',
          '走教请至少填写一节每周课表',
          'Itinerant teaching needs at least one weekly timetable slot',
        ),
      );
    if (m.kind !== 'itinerant' && m.slots.length > 0)
      issues.push(
        fieldIssue(
          'body.slots',
          'not_itinerant',
          '只有走教需要每周课表',
          'Only itinerant teaching has a weekly timetable',
        ),
      );
    if (m.hoursOverride != null && !m.overrideReason)
      issues.push(
        fieldIssue('body.overrideReason', 'required', '修改课时须说明理由', 'Overriding the hours needs a reason'),
      );
    if (issues.length) throw new ValidationError(issues);
  }

  private async checkTimetable(m: Merged, dayStart: string, dayEnd: string): Promise<void> {
    if (m.kind !== 'itinerant') return;
    const home = await repo.homeTimetable(this.db, m.teacherId);
    const problems = timetableProblems(
      m.slots,
      home.map((h) => ({
        id: h.id,
        weekday: h.weekday,
        startTime: h.start_time,
        endTime: h.end_time,
        schoolName: h.school_name,
      })),
      dayStart,
      dayEnd,
    );
    if (!problems.length) return;
    const details = problems.map((p) => slotIssue(p, m.slots));
    const clash = problems.some((p) => p.reason === 'home_clash' || p.reason === 'self_clash');
    const summary = clash
      ? ['走教课表与教师已有课表冲突', 'The itinerant timetable clashes with the teacher’s timetable']
      : ['走教课表有误', 'The itinerant timetable has errors'];
    throw ruleViolation(clash ? 409 : 422, summary[0]!, summary[1]!, details);
  }

  /** Runs inside the transaction after locking the teacher, so two concurrent postings cannot both pass. */
  private async checkOverlap(tx: Db, m: Merged, selfId: number): Promise<void> {
    await sql`select id from teachers where id = ${m.teacherId} for update`.execute(tx);
    const others = await repo.assignmentsOfTeacher(tx, m.teacherId);
    const hit = fullTimeOverlap(
      { id: selfId, startDate: m.startDate, endDate: m.endDate, workload: m.workload, status: m.status },
      others.map((o) => ({
        id: o.id,
        startDate: o.start_date,
        endDate: o.end_date,
        workload: o.workload,
        status: o.status,
      })),
    );
    if (hit) {
      const other = others.find((o) => o.id === hit.id)!;
      const kind = EXCHANGE_KIND_LABELS[other.kind as keyof typeof EXCHANGE_KIND_LABELS];
      const zh = `该教师已有全职${kind?.zh ?? other.kind}（${other.start_date} 至 ${other.end_date}），同一时间不能再安排全职交流`;
      const en = `The teacher already has a full-time ${kind?.en ?? other.kind} from ${other.start_date} to ${other.end_date}; full-time postings cannot overlap`;
      throw ruleViolation(409, zh, en, [fieldIssue('body.startDate', 'overlap', zh, en)]);
    }
  }

  private hoursFor(m: Merged, dayHours: number, sessionHours: number[]): number {
    return computeHours({ ...m, partTimeFraction: m.partTimeFraction ?? null, dayHours, sessionHours });
  }

  async create(caller: Caller, input: AssignmentInput): Promise<Assignment> {
    const { from, to } = await this.references(caller.actor, input);
    if (!exchangePolicy.planAssignment(caller.actor, from, to)) throw new ForbiddenError();
    const m: Merged = {
      ...input,
      fromSchoolId: from.id,
      partTimeFraction: input.workload === 'full_time' ? null : (input.partTimeFraction ?? null),
    };
    this.checkFields(m);
    const settings = await settingsFor(this.db, from.region_code);
    await this.checkTimetable(m, settings.schoolDayStart, settings.schoolDayEnd);
    const hours = this.hoursFor(m, settings.dayHours, []);
    const id = await this.inTransaction(async (tx) => {
      await this.checkOverlap(tx, m, 0);
      const row = await tx
        .insertInto('exchange_assignments')
        .values({ ...assignmentRow(m), computed_hours: hours, created_by: caller.actor.userId })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (m.slots.length)
        await tx
          .insertInto('exchange_slots')
          .values(m.slots.map((s) => slotRow(row.id, s)))
          .execute();
      await recordAudit(tx, caller, {
        action: 'create',
        entity: 'exchange_assignment',
        entityId: row.id,
        after: { ...row, slots: m.slots },
      });
      return row.id;
    });
    return this.get(caller.actor, id);
  }

  async update(caller: Caller, id: number, patch: AssignmentPatch): Promise<Assignment> {
    const existing = await this.get(caller.actor, id);
    const m: Merged = {
      teacherId: patch.teacherId ?? existing.teacherId,
      kind: patch.kind ?? existing.kind,
      fromSchoolId: patch.fromSchoolId ?? existing.fromSchoolId,
      toSchoolId: patch.toSchoolId ?? existing.toSchoolId,
      startDate: patch.startDate ?? existing.startDate,
      endDate: patch.endDate ?? existing.endDate,
      workload: patch.workload ?? existing.workload,
      partTimeFraction: patch.partTimeFraction !== undefined ? patch.partTimeFraction : existing.partTimeFraction,
      status: patch.status ?? existing.status,
      postHeld: patch.postHeld !== undefined ? patch.postHeld : existing.postHeld,
      allowanceYuan: patch.allowanceYuan !== undefined ? patch.allowanceYuan : existing.allowanceYuan,
      hoursOverride: patch.hoursOverride !== undefined ? patch.hoursOverride : existing.hoursOverride,
      overrideReason: patch.overrideReason !== undefined ? patch.overrideReason : existing.overrideReason,
      note: patch.note !== undefined ? patch.note : existing.note,
      slots:
        patch.slots ??
        existing.slots.map((s) => ({
          weekday: s.weekday,
          startTime: s.startTime,
          endTime: s.endTime,
          subject: s.subject as never,
          className: s.className,
        })),
    };
    if (m.workload === 'full_time') m.partTimeFraction = null;
    if (m.hoursOverride == null) m.overrideReason = null;
    // the actor must be allowed to touch the assignment as it is and as it will be
    const old = await repo.schoolFacts(this.db, [existing.fromSchoolId, existing.toSchoolId]);
    if (!exchangePolicy.planAssignment(caller.actor, old.get(existing.fromSchoolId)!, old.get(existing.toSchoolId)!))
      throw new ForbiddenError();
    const { from, to } = await this.references(caller.actor, m);
    if (!exchangePolicy.planAssignment(caller.actor, from, to)) throw new ForbiddenError();
    this.checkFields(m);
    const settings = await settingsFor(this.db, from.region_code);
    await this.checkTimetable(m, settings.schoolDayStart, settings.schoolDayEnd);
    const hours = this.hoursFor(
      m,
      settings.dayHours,
      existing.sessions.map((s) => s.hours),
    );
    await this.db.transaction().execute(async (tx) => {
      await this.checkOverlap(tx, m, id);
      const before = await tx
        .selectFrom('exchange_assignments')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const after = await tx
        .updateTable('exchange_assignments')
        .set({ ...assignmentRow(m), computed_hours: hours, updated_at: new Date().toISOString() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (patch.slots) {
        await tx.deleteFrom('exchange_slots').where('assignment_id', '=', id).execute();
        if (m.slots.length)
          await tx
            .insertInto('exchange_slots')
            .values(m.slots.map((s) => slotRow(id, s)))
            .execute();
      }
      const diff = changedFields(before, after);
      await recordAudit(tx, caller, {
        action: 'update',
        entity: 'exchange_assignment',
        entityId: id,
        before: diff.before,
        after: patch.slots ? { ...diff.after, slots: m.slots } : diff.after,
      });
    });
    return this.get(caller.actor, id);
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const existing = await this.get(caller.actor, id);
    const facts = await repo.schoolFacts(this.db, [existing.fromSchoolId, existing.toSchoolId]);
    if (
      !exchangePolicy.planAssignment(caller.actor, facts.get(existing.fromSchoolId)!, facts.get(existing.toSchoolId)!)
    )
      throw new ForbiddenError();
    if (existing.status === 'active' || existing.status === 'completed') {
      throw ruleViolation(
        409,
        '已开始或已完成的交流不能删除，请改为“已取消”',
        'An assignment that has started or finished cannot be deleted; set it to cancelled instead',
      );
    }
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('exchange_assignments').where('id', '=', id).execute();
      await recordAudit(tx, caller, {
        action: 'delete',
        entity: 'exchange_assignment',
        entityId: id,
        before: existing,
      });
    });
  }

  private async forDelivery(caller: Caller, id: number): Promise<Assignment> {
    const a = await this.get(caller.actor, id);
    const facts = await repo.schoolFacts(this.db, [a.fromSchoolId, a.toSchoolId]);
    if (!exchangePolicy.recordDelivery(caller.actor, facts.get(a.fromSchoolId)!, facts.get(a.toSchoolId)!))
      throw new ForbiddenError();
    return a;
  }

  /** 送教 sessions: each logged visit adds its hours; the assignment's computed hours follow. */
  async addSession(caller: Caller, id: number, input: SessionInput): Promise<Assignment> {
    const a = await this.forDelivery(caller, id);
    if (a.kind !== 'send_lesson')
      throw ruleViolation(422, '只有送教可以登记送教课时', 'Only send-lesson assignments log sessions', [
        fieldIssue(
          'params.id',
          'not_send_lesson',
          '只有送教可以登记送教课时',
          'Only send-lesson assignments log sessions',
        ),
      ]);
    if (input.heldOn < a.startDate || input.heldOn > a.endDate) {
      throw new ValidationError([
        fieldIssue(
          'body.heldOn',
          'outside_dates',
          `送教日期应在 ${a.startDate} 至 ${a.endDate} 之间`,
          `The session must fall between ${a.startDate} and ${a.endDate}`,
        ),
      ]);
    }
    await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('exchange_sessions')
        .values({ assignment_id: id, held_on: input.heldOn, hours: input.hours, topic: input.topic ?? null })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.refreshSessionHours(tx, id);
      await recordAudit(tx, caller, { action: 'create', entity: 'exchange_session', entityId: row.id, after: row });
    });
    return this.get(caller.actor, id);
  }

  async removeSession(caller: Caller, id: number, sessionId: number): Promise<Assignment> {
    const a = await this.forDelivery(caller, id);
    const session = a.sessions.find((s) => s.id === sessionId);
    if (!session) throw notFound('session', sessionId);
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('exchange_sessions').where('id', '=', sessionId).execute();
      await this.refreshSessionHours(tx, id);
      await recordAudit(tx, caller, {
        action: 'delete',
        entity: 'exchange_session',
        entityId: sessionId,
        before: session,
      });
    });
    return this.get(caller.actor, id);
  }

  private async refreshSessionHours(tx: Db, id: number) {
    await sql`update exchange_assignments set computed_hours = coalesce((select sum(hours) from exchange_sessions where assignment_id = ${id}), 0),
      updated_at = now() where id = ${id}`.execute(tx);
  }

  /** The end-of-posting evaluation, once the posting has ended (or is marked completed). */
  async evaluate(caller: Caller, id: number, input: EvaluationInput): Promise<Assignment> {
    const a = await this.forDelivery(caller, id);
    const on = input.evaluatedOn ?? todayShanghai();
    if (a.status === 'cancelled' || a.status === 'planned' || (a.status === 'active' && a.endDate > on)) {
      throw ruleViolation(
        409,
        `交流结束（${a.endDate}）后才能评价`,
        `The posting can be evaluated once it has ended (${a.endDate})`,
      );
    }
    await this.db.transaction().execute(async (tx) => {
      const after = await tx
        .updateTable('exchange_assignments')
        .set({
          evaluation_grade: input.grade,
          evaluation_comment: input.comment ?? null,
          evaluated_at: on,
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .returning(['evaluation_grade', 'evaluation_comment', 'evaluated_at'])
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, {
        action: 'evaluate',
        entity: 'exchange_assignment',
        entityId: id,
        before: { evaluation_grade: a.evaluationGrade, evaluation_comment: a.evaluationComment },
        after,
      });
    });
    return this.get(caller.actor, id);
  }
}

function assignmentRow(m: Merged) {
  return {
    teacher_id: m.teacherId,
    kind: m.kind,
    from_school_id: m.fromSchoolId,
    to_school_id: m.toSchoolId,
    start_date: m.startDate,
    end_date: m.endDate,
    workload: m.workload,
    part_time_fraction: m.partTimeFraction ?? null,
    status: m.status,
    post_held: m.postHeld ?? null,
    allowance_yuan: m.allowanceYuan ?? null,
    hours_override: m.hoursOverride ?? null,
    override_reason: m.overrideReason ?? null,
    note: m.note ?? null,
  };
}

function slotRow(assignmentId: number, s: Merged['slots'][number]) {
  return {
    assignment_id: assignmentId,
    weekday: s.weekday,
    start_time: s.startTime,
    end_time: s.endTime,
    subject: s.subject ?? null,
    class_name: s.className ?? null,
  };
}

function slotIssue(p: SlotProblem, slots: Merged['slots']): FieldIssue {
  const s = slots[p.index]!;
  const day = WEEKDAY_LABELS[s.weekday]!;
  const at = `${day.zh} ${s.startTime}–${s.endTime}`;
  const atEn = `${day.en} ${s.startTime}–${s.endTime}`;
  const field = `body.slots.${p.index}.startTime`;
  switch (p.reason) {
    case 'end_before_start':
      return fieldIssue(
        `body.slots.${p.index}.endTime`,
        p.reason,
        `${at}：下课时间应晚于上课时间`,
        `${atEn}: the slot must end after it starts`,
      );
    case 'weekend':
      return fieldIssue(
        `body.slots.${p.index}.weekday`,
        p.reason,
        `${at}：走教安排在周一至周五`,
        `${atEn}: itinerant slots are on school days (Mon–Fri)`,
      );
    case 'outside_hours':
      return fieldIssue(
        field,
        p.reason,
        `${at}：超出在校时间 ${p.dayStart}–${p.dayEnd}`,
        `${atEn}: outside school hours ${p.dayStart}–${p.dayEnd}`,
      );
    case 'self_clash':
      return fieldIssue(
        field,
        p.reason,
        `${at}：与第 ${p.other + 1} 节走教课冲突`,
        `${atEn}: clashes with slot ${p.other + 1}`,
      );
    case 'home_clash': {
      const h = WEEKDAY_LABELS[p.entry.weekday]!;
      return fieldIssue(
        field,
        p.reason,
        `${at}：与该教师在${p.entry.schoolName ?? '本校'}的课（${h.zh} ${p.entry.startTime}–${p.entry.endTime}）冲突`,
        `${atEn}: clashes with the teacher's lesson at ${p.entry.schoolName ?? 'the home school'} (${h.en} ${p.entry.startTime}–${p.entry.endTime})`,
      );
    }
  }
}
