import { listTotal, pageTotals } from '../../db/totals.js';
import { paged } from '../../db/paging.js';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { fieldIssue, ruleViolation, ValidationError } from '../../http/errors.js';
import type { Exam, ExamDetail, ExamInput } from '../../../shared/quality.schemas.js';
import type { Subject } from '../../../shared/enums.js';
import { recordAudit } from '../audit/index.js';
import { visibleSchoolCondition } from '../registry/index.js';
import { examNotFound, outOfScope } from './quality.errors.js';
import { qualityPolicy } from './quality.policy.js';
import type { ExamRow } from './quality.tables.js';
import { dropExamScores } from './score-partitions.js';

/** The exam with its subjects and items, as one object. */
export interface LoadedExam {
  row: ExamRow;
  subjects: Exam['subjects'];
}

export async function loadExam(db: Db, id: number): Promise<LoadedExam | null> {
  const row = await db.selectFrom('quality_exams').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const subjects = await db
    .selectFrom('quality_exam_subjects')
    .selectAll()
    .where('exam_id', '=', id)
    .orderBy('id')
    .execute();
  const items = subjects.length
    ? await db
        .selectFrom('quality_exam_items')
        .selectAll()
        .where(
          'exam_subject_id',
          'in',
          subjects.map((s) => s.id),
        )
        .orderBy('position')
        .execute()
    : [];
  return {
    row,
    subjects: subjects.map((s) => ({
      id: s.id,
      subject: s.subject as Subject,
      fullMark: Number(s.full_mark),
      passLine: Number(s.pass_line),
      excellentLine: Number(s.excellent_line),
      lowLine: Number(s.low_line),
      items: items
        .filter((i) => i.exam_subject_id === s.id)
        .map((i) => ({
          id: i.id,
          itemNo: i.item_no,
          fullMark: Number(i.full_mark),
          knowledgePoints: i.knowledge_points,
        })),
    })),
  };
}

/** An exam the actor may read (it includes a school they can see), or 404/403. */
export async function readableExam(db: Db, actor: Actor, id: number): Promise<LoadedExam> {
  const exam = await loadExam(db, id);
  if (!exam) throw examNotFound(id);
  const visible = await db
    .selectFrom('quality_exam_schools as es')
    .select('es.school_id')
    .where('es.exam_id', '=', id)
    .where(visibleSchoolCondition(actor, 'es.school_id'))
    .limit(1)
    .executeTakeFirst();
  if (!visible) throw outOfScope('该考试不在您的管理范围内', 'This exam is outside your scope');
  return exam;
}

export class ExamsService {
  constructor(private readonly db: Db) {}

  private base(actor: Actor) {
    return this.db
      .selectFrom('quality_exams as e')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('quality_exam_schools as es')
            .select('es.exam_id')
            .whereRef('es.exam_id', '=', 'e.id')
            .where(visibleSchoolCondition(actor, 'es.school_id')),
        ),
      );
  }

  /** One page; `countCap`: rows counted exactly before the total becomes an estimate (db/totals.ts). */
  async list(
    actor: Actor,
    q: {
      page: number;
      pageSize: number;
      exactTotal?: boolean | undefined;
      search?: string | undefined;
      grade?: number | undefined;
      schoolYear?: number | undefined;
    },
    countCap?: number,
  ) {
    let base = this.base(actor);
    if (q.search) base = base.where('e.name', 'ilike', `%${q.search}%`);
    if (q.grade) base = base.where('e.grade', '=', q.grade);
    if (q.schoolYear) base = base.where('e.school_year', '=', q.schoolYear);
    const [rows, count] = await Promise.all([
      base.select('e.id').orderBy('e.exam_date', 'desc').orderBy('e.id', 'desc').$call(paged(q)).execute(),
      listTotal(this.db, base, { exact: q.exactTotal, cap: countCap }),
    ]);
    const items: Exam[] = [];
    for (const r of rows) items.push(await this.summary(r.id));
    return { items, ...pageTotals(count) };
  }

  private async summary(id: number): Promise<Exam> {
    const exam = (await loadExam(this.db, id))!;
    const counts = await this.db
      .selectNoFrom([
        sql<number>`(select count(*) from quality_exam_schools where exam_id = ${id})`.as('schools'),
        sql<number>`(select count(*) from quality_scores where exam_id = ${id})`.as('scores'),
      ])
      .executeTakeFirstOrThrow();
    const r = exam.row;
    return {
      id: r.id,
      name: r.name,
      examDate: r.exam_date,
      schoolYear: r.school_year,
      term: r.term,
      grade: r.grade,
      regionCode: r.region_code,
      schoolCount: counts.schools,
      scoreCount: counts.scores,
      subjects: exam.subjects,
      createdAt: r.created_at,
    };
  }

  async get(actor: Actor, id: number): Promise<ExamDetail> {
    await readableExam(this.db, actor, id);
    const schools = await this.db
      .selectFrom('quality_exam_schools as es')
      .innerJoin('schools as s', 's.id', 'es.school_id')
      .select(['s.id', 's.code', 's.name'])
      .where('es.exam_id', '=', id)
      .where(visibleSchoolCondition(actor, 's.id'))
      .orderBy('s.code')
      .execute();
    return { ...(await this.summary(id)), schools };
  }

  async create(caller: Caller, input: ExamInput): Promise<ExamDetail> {
    const ids = [...new Set(input.schoolIds)];
    const schools = await this.db.selectFrom('schools').select(['id', 'region_code']).where('id', 'in', ids).execute();
    const missing = ids.filter((i) => !schools.some((s) => s.id === i));
    if (missing.length)
      throw new ValidationError([
        fieldIssue(
          'body.schoolIds',
          'unknown_reference',
          `学校 ${missing.join('、')} 不存在`,
          `Schools ${missing.join(', ')} do not exist`,
        ),
      ]);
    if (!qualityPolicy.createExam(caller.actor, schools))
      throw outOfScope('只能为本人管理范围内的学校创建考试', 'You can only create exams for schools in your scope');
    const actor = caller.actor;
    const ownerSchool = actor.role === 'school_admin' ? schools[0]! : null;
    const regionCode = ownerSchool ? ownerSchool.region_code : actor.scope.id;
    const id = await this.db.transaction().execute(async (tx) => {
      const exam = await tx
        .insertInto('quality_exams')
        .values({
          name: input.name,
          exam_date: input.examDate,
          school_year: input.schoolYear,
          term: input.term,
          grade: input.grade,
          region_code: regionCode,
          owner_school_id: ownerSchool?.id ?? null,
          created_by: actor.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const s of input.subjects) {
        const sub = await tx
          .insertInto('quality_exam_subjects')
          .values({
            exam_id: exam.id,
            subject: s.subject,
            full_mark: s.fullMark,
            pass_line: s.passLine,
            excellent_line: s.excellentLine,
            low_line: s.lowLine,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (s.items.length) {
          await tx
            .insertInto('quality_exam_items')
            .values(
              s.items.map((it, i) => ({
                exam_subject_id: sub.id,
                item_no: it.itemNo,
                position: i + 1,
                full_mark: it.fullMark,
                knowledge_points: it.knowledgePoints,
              })),
            )
            .execute();
        }
      }
      await tx
        .insertInto('quality_exam_schools')
        .values(ids.map((school_id) => ({ exam_id: exam.id, school_id })))
        .execute();
      await recordAudit(tx, caller, { action: 'create', entity: 'exam', entityId: exam.id, after: input });
      return exam.id;
    });
    return this.get(actor, id);
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const exam = await loadExam(this.db, id);
    if (!exam) throw examNotFound(id);
    if (!qualityPolicy.manageExam(caller.actor, exam.row))
      throw outOfScope('无权删除该考试', 'You may not delete this exam');
    const busy = await this.db
      .selectFrom('quality_import_jobs')
      .select('id')
      .where('exam_id', '=', id)
      .where('status', 'in', ['checking', 'committing'])
      .executeTakeFirst();
    if (busy)
      throw ruleViolation(
        409,
        '该考试有正在进行的导入，请稍后再删除',
        'An import into this exam is running; delete it afterwards',
      );
    await this.db.transaction().execute(async (tx) => {
      const subjects = tx.selectFrom('quality_exam_subjects').select('id').where('exam_id', '=', id);
      await tx
        .deleteFrom('quality_item_scores')
        .where(
          'exam_item_id',
          'in',
          tx.selectFrom('quality_exam_items').select('id').where('exam_subject_id', 'in', subjects),
        )
        .execute();
      await dropExamScores(tx, id);
      await tx.deleteFrom('quality_exams').where('id', '=', id).execute();
      await recordAudit(tx, caller, {
        action: 'delete',
        entity: 'exam',
        entityId: id,
        before: { name: exam.row.name, examDate: exam.row.exam_date },
      });
    });
  }
}
