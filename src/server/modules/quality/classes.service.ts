import { listTotal, pageTotals } from '../../db/totals.js';
import { notPending } from './import.staging.js';
import { paged } from '../../db/paging.js';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { ConflictError, fieldIssue, ruleViolation, ValidationError } from '../../http/errors.js';
import type { ClassInput, SchoolClass, Student } from '../../../shared/quality.schemas.js';
import { recordAudit } from '../audit/index.js';
import { privateSchoolCondition } from '../registry/index.js';
import { classNotFound, outOfScope } from './quality.errors.js';
import { scoresOfClass } from './quality.references.js';
import { maskIdNumber, qualityPolicy } from './quality.policy.js';

/** Classes per school and school year (the registry has none), and the students list of one's own school. */
export class ClassesService {
  constructor(private readonly db: Db) {}

  /** One page; `countCap`: rows counted exactly before the total becomes an estimate (db/totals.ts). */
  async list(
    actor: Actor,
    q: {
      page: number;
      pageSize: number;
      exactTotal?: boolean | undefined;
      schoolId?: number | undefined;
      schoolYear?: number | undefined;
      grade?: number | undefined;
    },
    countCap?: number,
  ) {
    let base = this.db
      .selectFrom('quality_classes as c')
      .innerJoin('schools as s', 's.id', 'c.school_id')
      .where(privateSchoolCondition(actor, 'c.school_id'));
    if (q.schoolId) base = base.where('c.school_id', '=', q.schoolId);
    if (q.schoolYear) base = base.where('c.school_year', '=', q.schoolYear);
    if (q.grade) base = base.where('c.grade', '=', q.grade);
    const [rows, count] = await Promise.all([
      base
        .select(['c.id', 'c.school_id', 'c.school_year', 'c.grade', 'c.name', 's.name as school_name'])
        .select(
          sql<number>`(select count(distinct q.student_id) from quality_scores q where q.class_id = c.id)`.as(
            'students',
          ),
        )
        .orderBy('s.code')
        .orderBy('c.school_year', 'desc')
        .orderBy('c.grade')
        .orderBy('c.name')
        .$call(paged(q))
        .execute(),
      listTotal(this.db, base, { exact: q.exactTotal, cap: countCap }),
    ]);
    const items: SchoolClass[] = rows.map((r) => ({
      id: r.id,
      schoolId: r.school_id,
      schoolYear: r.school_year,
      grade: r.grade,
      name: r.name,
      schoolName: r.school_name,
      studentCount: r.students,
    }));
    return { items, ...pageTotals(count) };
  }

  async create(caller: Caller, input: ClassInput): Promise<SchoolClass> {
    const school = await this.db
      .selectFrom('schools')
      .select(['id', 'region_code', 'name'])
      .where('id', '=', input.schoolId)
      .executeTakeFirst();
    if (!school)
      throw new ValidationError([
        fieldIssue(
          'body.schoolId',
          'unknown_reference',
          `学校 ${input.schoolId} 不存在`,
          `School ${input.schoolId} does not exist`,
        ),
      ]);
    if (!qualityPolicy.manageClasses(caller.actor, school))
      throw outOfScope('只能管理本人范围内学校的班级', 'You can only manage classes of schools in your scope');
    const dup = await this.db
      .selectFrom('quality_classes')
      .select('id')
      .where('school_id', '=', input.schoolId)
      .where('school_year', '=', input.schoolYear)
      .where('grade', '=', input.grade)
      .where('name', '=', input.name)
      .executeTakeFirst();
    if (dup) throw new ConflictError('duplicate', { field: '班级', fieldEn: 'Class', value: input.name });
    const row = await this.db.transaction().execute(async (tx) => {
      const r = await tx
        .insertInto('quality_classes')
        .values({ school_id: input.schoolId, school_year: input.schoolYear, grade: input.grade, name: input.name })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, { action: 'create', entity: 'class', entityId: r.id, after: r });
      return r;
    });
    return {
      id: row.id,
      schoolId: row.school_id,
      schoolYear: row.school_year,
      grade: row.grade,
      name: row.name,
      schoolName: school.name,
      studentCount: 0,
    };
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const row = await this.db
      .selectFrom('quality_classes as c')
      .innerJoin('schools as s', 's.id', 'c.school_id')
      .select(['c.id', 'c.name', 'c.school_id', 's.region_code'])
      .where('c.id', '=', id)
      .executeTakeFirst();
    if (!row) throw classNotFound(id);
    if (!qualityPolicy.manageClasses(caller.actor, { id: row.school_id, region_code: row.region_code }))
      throw outOfScope('无权删除该班级', 'You may not delete this class');
    const used = await scoresOfClass(this.db, id);
    if (used > 0)
      throw ruleViolation(
        409,
        `班级“${row.name}”已有 ${used} 条考试成绩引用，不能删除；请先删除相关考试的成绩`,
        `Class "${row.name}" is referred to by ${used} exam scores and cannot be deleted; delete those exams' scores first`,
      );
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('quality_classes').where('id', '=', id).execute();
      await recordAudit(tx, caller, { action: 'delete', entity: 'class', entityId: id, before: row });
    });
  }

  /**
   * Students with names: only for users of the students' own school. Everyone else gets a 403 —
   * the bureau works with aggregates.
   */
  async students(
    actor: Actor,
    q: { page: number; pageSize: number; classId?: number | undefined; search?: string | undefined },
  ): Promise<{ items: Student[]; total: number }> {
    const schoolId = ownStudentSchool(actor);
    let base = this.db
      .selectFrom('quality_students as st')
      .leftJoin('quality_student_identities as i', 'i.student_id', 'st.id')
      .where('st.school_id', '=', schoolId)
      .where(notPending);
    if (q.classId)
      base = base.where(
        'st.id',
        'in',
        this.db.selectFrom('quality_scores').select('student_id').where('class_id', '=', q.classId),
      );
    if (q.search)
      base = base.where((eb) =>
        eb.or([eb('st.student_key', 'like', `${q.search}%`), eb('i.name', 'like', `%${q.search}%`)]),
      );
    const [rows, count] = await Promise.all([
      base
        .select(['st.id', 'st.student_key', 'st.school_id', 'i.name', 'i.id_number'])
        .select(
          sql<
            string | null
          >`(select c.name from quality_scores q join quality_classes c on c.id = q.class_id join quality_exams e on e.id = q.exam_id where q.student_id = st.id order by e.exam_date desc limit 1)`.as(
            'class_name',
          ),
        )
        .orderBy('st.student_key')
        .$call(paged(q))
        .execute(),
      base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((r) => ({
        id: r.id,
        studentKey: r.student_key,
        schoolId: r.school_id,
        name: r.name ?? null,
        idNumberMasked: maskIdNumber(r.id_number),
        className: r.class_name,
      })),
      total: count.n,
    };
  }
}

/** The school whose students the actor may see by name, or a 403. */
export function ownStudentSchool(actor: Actor): number {
  if (actor.scope.kind !== 'school' || !qualityPolicy.seeStudents(actor, Number(actor.scope.id))) {
    throw outOfScope(
      '学生个人信息仅本校教师和管理员可见；教育局和教共体只看汇总数据',
      "Students' personal data is visible to their own school only; bureaus and communities see aggregates",
    );
  }
  return Number(actor.scope.id);
}
