import { paged } from '../../db/paging.js';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { ForbiddenError, ValidationError, fieldIssue, ruleViolation } from '../../http/errors.js';
import type { Subject } from '../../../shared/enums.js';
import type {
  Course,
  CourseDetail,
  CourseInput,
  CourseListQuery,
  CoursePatch,
  CourseSession,
  CourseTotals,
  CourseTotalsRow,
  Enrolment,
  EnrolmentInput,
  SessionInput,
} from '../../../shared/resources.schemas.js';
import { recordAudit } from '../audit/index.js';
import { visibleSchoolCondition } from '../registry/index.js';
import { notFound, outOfScope } from './resources.errors.js';
import { resourcesPolicy } from './resources.policy.js';
import { schoolContext } from './resources.repo.js';

/**
 * Shared extension courses (课程共建): a core school opens a course to member schools, holds its
 * sessions (class hours) and enrols their classes (students reached). Totals are sums in SQL over
 * the courses the actor can see.
 */
export class CoursesService {
  constructor(private readonly db: Db) {}

  /** A course is visible to whoever sees its owner school or one of the schools it is opened to. */
  private visibleSql(actor: Actor): Expression<SqlBool> {
    return sql<SqlBool>`(${visibleSchoolCondition(actor, 'c.owner_school_id')} or exists (
      select 1 from shared_course_schools cs where cs.course_id = c.id and ${visibleSchoolCondition(actor, 'cs.school_id')}))`;
  }

  private coursesQuery(actor: Actor) {
    return this.db
      .selectFrom('shared_courses as c')
      .innerJoin('schools as s', 's.id', 'c.owner_school_id')
      .leftJoin('communities as m', 'm.id', 'c.community_id')
      .select([
        'c.id',
        'c.title',
        'c.description',
        'c.subject',
        'c.target_grades',
        'c.owner_school_id',
        's.name as owner_school_name',
        'c.community_id',
        'm.name as community_name',
        'c.school_year',
        'c.created_at',
        sql<number>`(select count(*)::int from shared_course_sessions x where x.course_id = c.id)`.as('sessions'),
        sql<number>`(select coalesce(sum(x.class_hours), 0) from shared_course_sessions x where x.course_id = c.id)`.as(
          'class_hours',
        ),
        sql<number>`(select coalesce(sum(e.students), 0)::int from shared_course_enrolments e where e.course_id = c.id)`.as(
          'students',
        ),
        sql<
          { id: number; name: string }[]
        >`(select coalesce(json_agg(json_build_object('id', o.id, 'name', o.name) order by o.name), '[]'::json)
          from shared_course_schools cs join schools o on o.id = cs.school_id where cs.course_id = c.id)`.as(
          'open_schools',
        ),
      ])
      .where(this.visibleSql(actor));
  }

  private toCourse(
    r: Awaited<ReturnType<ReturnType<CoursesService['coursesQuery']>['executeTakeFirstOrThrow']>>,
  ): Course {
    const open =
      typeof r.open_schools === 'string'
        ? (JSON.parse(r.open_schools) as { id: number; name: string }[])
        : r.open_schools;
    return {
      id: r.id,
      title: r.title,
      description: r.description,
      subject: r.subject as Subject,
      targetGrades: r.target_grades,
      ownerSchoolId: r.owner_school_id,
      ownerSchoolName: r.owner_school_name,
      communityId: r.community_id,
      communityName: r.community_name,
      schoolYear: r.school_year,
      openSchools: open,
      sessions: r.sessions,
      classHours: Number(r.class_hours),
      students: r.students,
      createdAt: r.created_at,
    };
  }

  async list(actor: Actor, q: CourseListQuery): Promise<{ items: Course[]; total: number }> {
    let base = this.coursesQuery(actor);
    if (q.q) base = base.where('c.title', 'ilike', `%${q.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    if (q.schoolYear) base = base.where('c.school_year', '=', q.schoolYear);
    if (q.communityId) base = base.where('c.community_id', '=', q.communityId);
    if (q.schoolId)
      base = base.where((eb) =>
        eb.or([
          eb('c.owner_school_id', '=', q.schoolId!),
          eb.exists(
            eb
              .selectFrom('shared_course_schools as q')
              .select('q.school_id')
              .whereRef('q.course_id', '=', 'c.id')
              .where('q.school_id', '=', q.schoolId!),
          ),
        ]),
      );
    if (q.subject?.length) base = base.where('c.subject', 'in', q.subject);
    const [rows, count] = await Promise.all([
      base.orderBy('c.school_year', 'desc').orderBy('c.id', 'desc').$call(paged(q)).execute(),
      this.db
        .selectFrom(base.as('t'))
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map((r) => this.toCourse(r)), total: count.n };
  }

  async get(actor: Actor, id: number): Promise<CourseDetail> {
    const row = await this.coursesQuery(actor).where('c.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('course', id);
    const course = this.toCourse(row);
    const [sessions, enrolments, owner] = await Promise.all([
      this.db
        .selectFrom('shared_course_sessions')
        .selectAll()
        .where('course_id', '=', id)
        .orderBy('held_on')
        .orderBy('id')
        .execute(),
      this.db
        .selectFrom('shared_course_enrolments as e')
        .innerJoin('schools as s', 's.id', 'e.school_id')
        .select(['e.id', 'e.course_id', 'e.school_id', 's.name as school_name', 'e.class_name', 'e.students'])
        .where('e.course_id', '=', id)
        .orderBy('s.name')
        .orderBy('e.class_name')
        .execute(),
      schoolContext(this.db, course.ownerSchoolId),
    ]);
    const canManage = owner ? resourcesPolicy.manageCourse(actor, owner) : false;
    return {
      ...course,
      sessionList: sessions.map((x): CourseSession => ({
        id: x.id,
        courseId: x.course_id,
        heldOn: x.held_on,
        classHours: Number(x.class_hours),
        topic: x.topic,
        activityId: x.activity_id,
      })),
      enrolments: enrolments.map((e): Enrolment => ({
        id: e.id,
        courseId: e.course_id,
        schoolId: e.school_id,
        schoolName: e.school_name,
        className: e.class_name,
        students: e.students,
      })),
      can: {
        edit: canManage,
        enrolSchoolIds: course.openSchools
          .map((o) => o.id)
          .filter((sid) => resourcesPolicy.enrol(actor, sid, canManage)),
      },
    };
  }

  /** The owner school must be the actor's to manage; opened schools must share the course's community. */
  private async checkCourse(actor: Actor, input: Pick<CourseInput, 'ownerSchoolId' | 'communityId' | 'openSchoolIds'>) {
    const owner = await schoolContext(this.db, input.ownerSchoolId);
    if (!owner)
      throw new ValidationError([
        fieldIssue(
          'body.ownerSchoolId',
          'unknown_reference',
          `学校 ${input.ownerSchoolId} 不存在`,
          `School ${input.ownerSchoolId} does not exist`,
        ),
      ]);
    if (!resourcesPolicy.manageCourse(actor, owner)) throw outOfScope('school');
    const issues = [];
    if (input.communityId !== null && !owner.communityIds.includes(input.communityId)) {
      issues.push(
        fieldIssue(
          'body.communityId',
          'not_member',
          `“${owner.name}”不是该教共体的成员校`,
          `${owner.name} is not a member of that community`,
        ),
      );
    }
    for (const [i, sid] of input.openSchoolIds.entries()) {
      if (sid === owner.id) {
        issues.push(
          fieldIssue(
            `body.openSchoolIds.${i}`,
            'self',
            '开放学校不能是开课学校本身',
            'A course is opened to other schools, not its owner',
          ),
        );
        continue;
      }
      const s = await schoolContext(this.db, sid);
      const shares =
        s &&
        (input.communityId !== null
          ? s.communityIds.includes(input.communityId)
          : s.communityIds.some((c) => owner.communityIds.includes(c)));
      if (!shares)
        issues.push(
          fieldIssue(
            `body.openSchoolIds.${i}`,
            'not_member',
            `学校 ${sid} 与开课学校不在同一教共体`,
            `School ${sid} does not share a community with the owner school`,
          ),
        );
    }
    if (issues.length) throw new ValidationError(issues);
  }

  async create(caller: Caller, input: CourseInput): Promise<CourseDetail> {
    await this.checkCourse(caller.actor, input);
    const id = await this.db.transaction().execute(async (tx) => {
      const c = await tx
        .insertInto('shared_courses')
        .values({
          title: input.title,
          description: input.description,
          subject: input.subject,
          target_grades: input.targetGrades,
          owner_school_id: input.ownerSchoolId,
          community_id: input.communityId,
          school_year: input.schoolYear,
          created_by: caller.actor.userId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const open = [...new Set(input.openSchoolIds)];
      if (open.length)
        await tx
          .insertInto('shared_course_schools')
          .values(open.map((school_id) => ({ course_id: c.id, school_id })))
          .execute();
      await recordAudit(tx, caller, {
        action: 'create',
        entity: 'shared_course',
        entityId: c.id,
        after: { ...c, openSchoolIds: open },
      });
      return c.id;
    });
    return this.get(caller.actor, id);
  }

  private async manageable(caller: Caller, id: number) {
    const detail = await this.get(caller.actor, id);
    if (!detail.can.edit) throw new ForbiddenError();
    return detail;
  }

  async update(caller: Caller, id: number, patch: CoursePatch): Promise<CourseDetail> {
    const before = await this.manageable(caller, id);
    const next = {
      ownerSchoolId: patch.ownerSchoolId ?? before.ownerSchoolId,
      communityId: patch.communityId !== undefined ? patch.communityId : before.communityId,
      openSchoolIds: patch.openSchoolIds ?? before.openSchools.map((o) => o.id),
    };
    await this.checkCourse(caller.actor, next);
    const enrolled = new Set(before.enrolments.map((e) => e.schoolId));
    const dropped = before.openSchools.filter((o) => enrolled.has(o.id) && !next.openSchoolIds.includes(o.id));
    if (dropped.length) {
      throw ruleViolation(
        409,
        `“${dropped.map((d) => d.name).join('、')}”已有班级选课，请先移除其选课班级`,
        `${dropped.map((d) => d.name).join(', ')} already enrolled classes; remove them first`,
      );
    }
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('shared_courses')
        .set({
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.subject !== undefined ? { subject: patch.subject } : {}),
          ...(patch.targetGrades !== undefined ? { target_grades: patch.targetGrades } : {}),
          ...(patch.schoolYear !== undefined ? { school_year: patch.schoolYear } : {}),
          owner_school_id: next.ownerSchoolId,
          community_id: next.communityId,
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .execute();
      if (patch.openSchoolIds) {
        await tx.deleteFrom('shared_course_schools').where('course_id', '=', id).execute();
        const open = [...new Set(patch.openSchoolIds)];
        if (open.length)
          await tx
            .insertInto('shared_course_schools')
            .values(open.map((school_id) => ({ course_id: id, school_id })))
            .execute();
      }
      await recordAudit(tx, caller, {
        action: 'update',
        entity: 'shared_course',
        entityId: id,
        before: { title: before.title, openSchoolIds: before.openSchools.map((o) => o.id) },
        after: patch,
      });
    });
    return this.get(caller.actor, id);
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const before = await this.manageable(caller, id);
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('shared_courses').where('id', '=', id).execute();
      await recordAudit(tx, caller, {
        action: 'delete',
        entity: 'shared_course',
        entityId: id,
        before: {
          title: before.title,
          sessions: before.sessions,
          classHours: before.classHours,
          students: before.students,
        },
      });
    });
  }

  async addSession(caller: Caller, id: number, input: SessionInput): Promise<CourseDetail> {
    await this.manageable(caller, id);
    await this.db.transaction().execute(async (tx) => {
      const s = await tx
        .insertInto('shared_course_sessions')
        .values({
          course_id: id,
          held_on: input.heldOn,
          class_hours: input.classHours,
          topic: input.topic,
          activity_id: input.activityId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, { action: 'add_session', entity: 'shared_course', entityId: id, after: s });
    });
    return this.get(caller.actor, id);
  }

  async removeSession(caller: Caller, id: number, sessionId: number): Promise<CourseDetail> {
    await this.manageable(caller, id);
    await this.db.transaction().execute(async (tx) => {
      const s = await tx
        .deleteFrom('shared_course_sessions')
        .where('id', '=', sessionId)
        .where('course_id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!s) throw notFound('session', sessionId);
      await recordAudit(tx, caller, { action: 'remove_session', entity: 'shared_course', entityId: id, before: s });
    });
    return this.get(caller.actor, id);
  }

  async enrol(caller: Caller, id: number, input: EnrolmentInput): Promise<CourseDetail> {
    const course = await this.get(caller.actor, id);
    if (!course.openSchools.some((o) => o.id === input.schoolId)) {
      throw new ValidationError([
        fieldIssue(
          'body.schoolId',
          'not_open',
          `该课程未向学校 ${input.schoolId} 开放`,
          `The course is not opened to school ${input.schoolId}`,
        ),
      ]);
    }
    if (!course.can.enrolSchoolIds.includes(input.schoolId)) throw new ForbiddenError();
    if (course.enrolments.some((e) => e.schoolId === input.schoolId && e.className === input.className)) {
      throw ruleViolation(409, `班级“${input.className}”已选该课程`, `Class "${input.className}" is already enrolled`);
    }
    await this.db.transaction().execute(async (tx) => {
      const e = await tx
        .insertInto('shared_course_enrolments')
        .values({ course_id: id, school_id: input.schoolId, class_name: input.className, students: input.students })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, { action: 'enrol', entity: 'shared_course', entityId: id, after: e });
    });
    return this.get(caller.actor, id);
  }

  async unenrol(caller: Caller, id: number, enrolmentId: number): Promise<CourseDetail> {
    const course = await this.get(caller.actor, id);
    const e = course.enrolments.find((x) => x.id === enrolmentId);
    if (!e) throw notFound('enrolment', enrolmentId);
    if (!course.can.enrolSchoolIds.includes(e.schoolId)) throw new ForbiddenError();
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('shared_course_enrolments').where('id', '=', enrolmentId).execute();
      await recordAudit(tx, caller, { action: 'unenrol', entity: 'shared_course', entityId: id, before: e });
    });
    return this.get(caller.actor, id);
  }

  /**
   * Shared class hours and students reached, grouped by the course's community, its owner school,
   * or the owner school's county. `students` counts distinct pupils: an enrolled class is one class
   * (school, school year, class name) however many courses it takes, counted with its largest
   * enrolment; `studentTimes` adds up the enrolments (a class in two courses counts twice: 人次);
   * `schools` counts distinct enrolled schools. The total is counted over all rows at once, not
   * summed from the groups (a class in two groups' courses is one class).
   */
  async totals(
    actor: Actor,
    q: { groupBy: 'community' | 'school' | 'region'; schoolYear?: number | undefined },
  ): Promise<CourseTotals> {
    const year = q.schoolYear ? sql`and c.school_year = ${q.schoolYear}` : sql``;
    const group = {
      community: {
        key: sql`coalesce(k.community_id::text, '-')`,
        name: sql`coalesce(m.name, '（未归属教共体）')`,
        join: sql`left join communities m on m.id = k.community_id`,
      },
      school: {
        key: sql`k.owner_school_id::text`,
        name: sql`s.name`,
        join: sql`join schools s on s.id = k.owner_school_id`,
      },
      region: {
        key: sql`k.region_code`,
        name: sql`coalesce(g.name, k.region_code)`,
        join: sql`left join regions g on g.code = k.region_code`,
      },
    }[q.groupBy];
    const base = sql`
      with k as (
        select c.id, c.owner_school_id, c.community_id, os.region_code, c.school_year,
          (select count(*) from shared_course_sessions x where x.course_id = c.id) as sessions,
          (select coalesce(sum(x.class_hours), 0) from shared_course_sessions x where x.course_id = c.id) as class_hours
        from shared_courses c join schools os on os.id = c.owner_school_id
        where ${this.visibleSql(actor)} ${year}
      ),
      e as (
        select k.id as course_id, k.owner_school_id, k.community_id, k.region_code, en.school_id, k.school_year, en.class_name, en.students
        from k join shared_course_enrolments en on en.course_id = k.id
      )`;
    const eGroupKey = {
      community: sql`coalesce(e.community_id::text, '-')`,
      school: sql`e.owner_school_id::text`,
      region: sql`e.region_code`,
    }[q.groupBy];
    const rows = await sql<CourseTotalsRow>`
      ${base},
      g as (
        select ${group.key} as key, ${group.name} as name, count(*)::int as courses, sum(k.sessions)::int as sessions, sum(k.class_hours)::float8 as "classHours"
        from k ${group.join}
        group by 1, 2
      ),
      cls as (
        select ${eGroupKey} as key, e.school_id, e.school_year, e.class_name, max(e.students) as students, sum(e.students) as times
        from e group by 1, 2, 3, 4
      ),
      p as (
        select key, sum(students)::int as students, sum(times)::int as "studentTimes", count(distinct school_id)::int as schools from cls group by 1
      )
      select g.*, coalesce(p.students, 0) as students, coalesce(p."studentTimes", 0) as "studentTimes", coalesce(p.schools, 0) as schools
      from g left join p on p.key = g.key
      order by "classHours" desc, 2`.execute(this.db);
    const totalRow = (
      await sql<{
        courses: number;
        sessions: number;
        classHours: number;
        students: number;
        studentTimes: number;
        schools: number;
      }>`
      ${base},
      cls as (select e.school_id, e.school_year, e.class_name, max(e.students) as students, sum(e.students) as times from e group by 1, 2, 3)
      select (select count(*)::int from k) as courses, (select coalesce(sum(sessions), 0)::int from k) as sessions,
        (select coalesce(sum(class_hours), 0)::float8 from k) as "classHours",
        (select coalesce(sum(students), 0)::int from cls) as students, (select coalesce(sum(times), 0)::int from cls) as "studentTimes",
        (select count(distinct school_id)::int from cls) as schools`.execute(this.db)
    ).rows[0]!;
    return {
      rows: rows.rows.map((r) => ({ ...r, classHours: Number(r.classHours) })),
      total: { key: 'total', name: '合计', ...totalRow, classHours: Math.round(Number(totalRow.classHours) * 10) / 10 },
    };
  }
}
