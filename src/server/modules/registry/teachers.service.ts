import { paged } from '../../db/paging.js';
import { SCOPE_TABLES } from './registry.scope.js';
import { listTotal, pageTotals, type PageTotals } from '../../db/totals.js';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { ConflictError, NotFoundError, OutOfScopeError, ValidationError, fieldIssue } from '../../http/errors.js';
import type {
  Teacher,
  TeacherInput,
  TeacherListQuery,
  TeacherOption,
  TeacherOptionsQuery,
  TeacherPatch,
} from '../../../shared/registry.schemas.js';
import { changedFields, recordAudit } from '../audit/index.js';
import { registryPolicy } from './registry.policy.js';
import * as repo from './registry.repo.js';
import { toTeacher } from './registry.mappers.js';
import type { NewTeacher } from './registry.tables.js';

const SORT_COLUMN = {
  teacherCode: 't.teacher_code',
  name: 't.name',
  birthYear: 't.birth_year',
  createdAt: 't.created_at',
} as const;

export function teacherRow(input: Partial<TeacherInput>): Partial<NewTeacher> {
  const row: Record<string, unknown> = {};
  const map: [keyof TeacherInput, keyof NewTeacher][] = [
    ['teacherCode', 'teacher_code'],
    ['schoolId', 'school_id'],
    ['name', 'name'],
    ['gender', 'gender'],
    ['birthYear', 'birth_year'],
    ['phone', 'phone'],
    ['subjects', 'subjects'],
    ['majorSubject', 'major_subject'],
    ['title', 'title'],
    ['honours', 'honours'],
    ['posts', 'posts'],
    ['qualification', 'qualification'],
    ['hireYear', 'hire_year'],
    ['status', 'status'],
  ];
  for (const [from, to] of map) if (input[from] !== undefined) row[to] = input[from];
  return row as Partial<NewTeacher>;
}

export class TeachersService {
  constructor(private readonly db: Db) {}

  /** One page; `countCap`: rows counted exactly before the total becomes an estimate (db/totals.ts). */
  async list(actor: Actor, q: TeacherListQuery, countCap?: number): Promise<{ items: Teacher[] } & PageTotals> {
    const base = repo.teachersQuery(this.db, actor, q);
    const [rows, count] = await Promise.all([
      base
        .select([...repo.teacherColumns, repo.teacherSchoolName, repo.teacherSchoolCode])
        .orderBy(SORT_COLUMN[q.sort], q.order)
        .orderBy('t.id')
        .$call(paged(q))
        .execute(),
      listTotal(this.db, base, { exact: q.exactTotal, cap: countCap, changesOf: [...SCOPE_TABLES, 'teachers'] }),
    ]);
    return { items: rows.map(toTeacher), ...pageTotals(count) };
  }

  /** Names for a picker, wider than the list for a school: its communities' member schools. */
  async options(actor: Actor, q: TeacherOptionsQuery): Promise<{ items: TeacherOption[] }> {
    const rows = await repo.teacherOptionsQuery(this.db, actor, q).execute();
    return { items: rows.map((r) => ({ id: r.id, name: r.name, schoolId: r.school_id, schoolName: r.school_name })) };
  }

  async *iterate(actor: Actor, q: Omit<TeacherListQuery, 'page' | 'pageSize'>): AsyncGenerator<Teacher[]> {
    let lastId = 0;
    for (;;) {
      const rows = await repo
        .teachersQuery(this.db, actor, q)
        .select([...repo.teacherColumns, repo.teacherSchoolName, repo.teacherSchoolCode])
        .where('t.id', '>', lastId)
        .orderBy('t.id')
        .limit(5000)
        .execute();
      if (rows.length === 0) return;
      yield rows.map(toTeacher);
      lastId = rows[rows.length - 1]!.id;
    }
  }

  async get(actor: Actor, id: number): Promise<Teacher> {
    const row = await repo
      .teachersQuery(this.db, actor, {})
      .select([...repo.teacherColumns, repo.teacherSchoolName, repo.teacherSchoolCode])
      .where('t.id', '=', id)
      .executeTakeFirst();
    if (!row) {
      if (await repo.findTeacher(this.db, id)) throw new OutOfScopeError('teacher');
      throw new NotFoundError('teacher', id);
    }
    return toTeacher(row);
  }

  private async schoolFor(actor: Actor, schoolId: number) {
    const school = await repo.findSchool(this.db, schoolId);
    if (!school)
      throw new ValidationError([
        fieldIssue(
          'body.schoolId',
          'unknown_reference',
          `学校 ${schoolId} 不存在`,
          `School ${schoolId} does not exist`,
        ),
      ]);
    if (!registryPolicy.editSchoolData(actor, school)) throw new OutOfScopeError('school');
    return school;
  }

  private async assertCodeFree(code: string, selfId?: number) {
    const dup = await this.db
      .selectFrom('teachers')
      .select(['id', 'name'])
      .where('teacher_code', '=', code)
      .executeTakeFirst();
    if (dup && dup.id !== selfId) {
      throw new ConflictError('duplicate', { field: '教师编号', fieldEn: 'Teacher ID', value: code }, [
        fieldIssue(
          'body.teacherCode',
          'duplicate',
          `教师编号“${code}”已被“${dup.name}”使用`,
          `Teacher ID ${code} is used by ${dup.name}`,
        ),
      ]);
    }
  }

  async create(caller: Caller, input: TeacherInput): Promise<Teacher> {
    await this.schoolFor(caller.actor, input.schoolId);
    await this.assertCodeFree(input.teacherCode);
    const id = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('teachers')
        .values(teacherRow(input) as NewTeacher)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, { action: 'create', entity: 'teacher', entityId: row.id, after: row });
      return row.id;
    });
    return this.get(caller.actor, id);
  }

  async update(caller: Caller, id: number, patch: TeacherPatch): Promise<Teacher> {
    const existing = await repo.findTeacher(this.db, id);
    if (!existing) throw new NotFoundError('teacher', id);
    await this.schoolFor(caller.actor, existing.school_id);
    if (patch.schoolId !== undefined && patch.schoolId !== existing.school_id)
      await this.schoolFor(caller.actor, patch.schoolId);
    if (patch.teacherCode !== undefined) await this.assertCodeFree(patch.teacherCode, id);
    const birth = patch.birthYear !== undefined ? patch.birthYear : existing.birth_year;
    const hire = patch.hireYear !== undefined ? patch.hireYear : existing.hire_year;
    if (birth && hire && hire - birth < 16) {
      throw new ValidationError([
        fieldIssue(
          'body.hireYear',
          'custom',
          '参加工作年份与出生年份不符（工作时未满 16 岁）',
          'Hire year is less than 16 years after birth year',
        ),
      ]);
    }
    await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('teachers')
        .set({ ...teacherRow(patch), updated_at: new Date().toISOString() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, {
        action: 'update',
        entity: 'teacher',
        entityId: id,
        ...changedFields(existing, row),
      });
    });
    return this.get(caller.actor, id);
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const existing = await repo.findTeacher(this.db, id);
    if (!existing) throw new NotFoundError('teacher', id);
    await this.schoolFor(caller.actor, existing.school_id);
    const refs = await this.db
      .selectNoFrom([
        sql<number>`(select count(*) from users where teacher_id = ${id})`.as('users'),
        sql<number>`(select count(*) from leadership_members where teacher_id = ${id})`.as('leadership'),
      ])
      .executeTakeFirstOrThrow();
    if (refs.users + refs.leadership > 0) {
      throw new ConflictError('in_use', {
        entity: '教师',
        entityEn: 'teacher',
        reason: `${refs.users} accounts, ${refs.leadership} leadership roles`,
      });
    }
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('teachers').where('id', '=', id).execute();
      await recordAudit(tx, caller, { action: 'delete', entity: 'teacher', entityId: id, before: existing });
    });
  }
}
