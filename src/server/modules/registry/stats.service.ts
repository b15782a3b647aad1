import { SCOPE_TABLES } from './registry.scope.js';
import { listTotal, pageTotals } from '../../db/totals.js';
import { pageOffset } from '../../db/paging.js';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { NotFoundError, OutOfScopeError, ValidationError, fieldIssue } from '../../http/errors.js';
import {
  schoolYearStatsInput,
  type SchoolYearStats,
  type SchoolYearStatsInput,
} from '../../../shared/registry.schemas.js';
import { describeIssue } from '../../../shared/validation.js';
import { changedFields, recordAudit } from '../audit/index.js';
import { registryPolicy } from './registry.policy.js';
import * as repo from './registry.repo.js';
import { toSchoolYearStats } from './registry.mappers.js';
import type { Insertable, Kysely } from 'kysely';
import type { SchoolYearStatsTable } from './registry.tables.js';
import type { Database } from '../../db/database.js';

export function statsRow(input: SchoolYearStatsInput) {
  return {
    school_id: input.schoolId,
    school_year: input.schoolYear,
    students_total: input.studentsTotal,
    classes_total: input.classesTotal,
    teachers_total: input.teachersTotal,
    students_by_grade: JSON.stringify(input.studentsByGrade),
    classes_by_size_band: JSON.stringify(input.classesBySizeBand),
    teachers_by_qualification: JSON.stringify(input.teachersByQualification),
    teachers_by_honour: JSON.stringify(input.teachersByHonour),
    teachers_by_subject: JSON.stringify(input.teachersBySubject),
    teachers_above_qualification: input.teachersAboveQualification ?? null,
    backbone_teachers: input.backboneTeachers ?? null,
    pe_art_teachers: input.peArtTeachers ?? null,
    building_area: input.buildingArea ?? null,
    teaching_aux_area: input.teachingAuxArea ?? null,
    sports_ground_area: input.sportsGroundArea ?? null,
    equipment_value: input.equipmentValue ?? null,
    multimedia_classrooms: input.multimediaClassrooms ?? null,
    recording_classrooms: input.recordingClassrooms ?? null,
    is_standardized: input.isStandardized,
  } satisfies Insertable<SchoolYearStatsTable>;
}

/** Consistency rules the form and the import share: breakdowns may not exceed their totals. */
export function statsIssues(input: SchoolYearStatsInput): { field: string; zh: string; en: string }[] {
  const issues: { field: string; zh: string; en: string }[] = [];
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  if (Object.keys(input.studentsByGrade).length && sum(input.studentsByGrade) !== input.studentsTotal) {
    issues.push({
      field: 'studentsByGrade',
      zh: `各年级学生数之和（${sum(input.studentsByGrade)}）与学生总数（${input.studentsTotal}）不一致`,
      en: `Students by grade sum to ${sum(input.studentsByGrade)}, not ${input.studentsTotal}`,
    });
  }
  if (Object.keys(input.classesBySizeBand).length && sum(input.classesBySizeBand) !== input.classesTotal) {
    issues.push({
      field: 'classesBySizeBand',
      zh: `各班额段班级数之和（${sum(input.classesBySizeBand)}）与班级总数（${input.classesTotal}）不一致`,
      en: `Classes by size band sum to ${sum(input.classesBySizeBand)}, not ${input.classesTotal}`,
    });
  }
  for (const [field, value] of [
    ['teachersAboveQualification', input.teachersAboveQualification],
    ['backboneTeachers', input.backboneTeachers],
    ['peArtTeachers', input.peArtTeachers],
  ] as const) {
    if (value != null && value > input.teachersTotal)
      issues.push({
        field,
        zh: `不能超过教师总数（${input.teachersTotal}）`,
        en: `Cannot exceed the number of teachers (${input.teachersTotal})`,
      });
  }
  if (input.classesTotal > 0 && input.studentsTotal / input.classesTotal > 120) {
    issues.push({
      field: 'studentsTotal',
      zh: '平均班额超过 120 人，请检查学生数与班级数',
      en: 'More than 120 pupils per class on average; check the figures',
    });
  }
  return issues;
}

export class StatsService {
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
      region?: string | undefined;
    },
    countCap?: number,
  ) {
    const base = repo.statsQuery(this.db, actor, q);
    const [rows, count] = await Promise.all([
      repo.statsPage(this.db, actor, q, { limit: q.pageSize, offset: pageOffset(q) }),
      listTotal(this.db, base, {
        exact: q.exactTotal,
        cap: countCap,
        changesOf: [...SCOPE_TABLES, 'school_year_stats'],
      }),
    ]);
    return { items: rows.map(toSchoolYearStats), ...pageTotals(count) };
  }

  async *iterate(
    actor: Actor,
    q: { schoolId?: number | undefined; schoolYear?: number | undefined; region?: string | undefined },
  ) {
    let lastId = 0;
    for (;;) {
      const rows = await repo
        .statsQuery(this.db, actor, q)
        .selectAll('y')
        .select(['s.name as school_name', 's.code as school_code'])
        .where('y.id', '>', lastId)
        .orderBy('y.id')
        .limit(2000)
        .execute();
      if (rows.length === 0) return;
      yield rows.map(toSchoolYearStats);
      lastId = rows[rows.length - 1]!.id;
    }
  }

  async get(actor: Actor, id: number): Promise<SchoolYearStats> {
    const row = await repo
      .statsQuery(this.db, actor, {})
      .selectAll('y')
      .select(['s.name as school_name', 's.code as school_code'])
      .where('y.id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('school_year_stats', id);
    return toSchoolYearStats(row);
  }

  /** Corrects fields of one school-year record; the merged record is checked as a whole. */
  async update(caller: Caller, id: number, patch: Partial<SchoolYearStatsInput>): Promise<SchoolYearStats> {
    const current = await this.get(caller.actor, id);
    if (patch.schoolId !== undefined && patch.schoolId !== current.schoolId) {
      throw new ValidationError([
        fieldIssue('body.schoolId', 'immutable', '不能更改年报所属学校', 'The school of a record cannot change'),
      ]);
    }
    if (patch.schoolYear !== undefined && patch.schoolYear !== current.schoolYear) {
      throw new ValidationError([
        fieldIssue(
          'body.schoolYear',
          'immutable',
          '不能更改年报的学年；请新建该学年的年报',
          'The year cannot change; create a record for that year',
        ),
      ]);
    }
    const { id: _id, schoolName: _n, updatedAt: _u, ...rest } = current;
    const parsed = schoolYearStatsInput.safeParse({ ...rest, ...patch });
    // a stored record the current rules reject is the user's to correct, never a server error
    if (!parsed.success)
      throw new ValidationError(
        parsed.error.issues.map((i) => {
          const d = describeIssue(i);
          return fieldIssue(`body.${i.path.join('.')}`, i.code, d.zh, d.en);
        }),
      );
    return this.upsert(caller, parsed.data);
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const current = await this.get(caller.actor, id);
    const school = await repo.findSchool(this.db, current.schoolId);
    if (!school || caller.actor.role !== 'bureau_admin' || !registryPolicy.editSchoolData(caller.actor, school))
      throw new OutOfScopeError('school_year_stats');
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('school_year_stats').where('id', '=', id).execute();
      await recordAudit(tx, caller, { action: 'delete', entity: 'school_year_stats', entityId: id, before: current });
    });
  }

  /** Creates or corrects one school's figures for one year; other years are never touched. */
  async upsert(caller: Caller, input: SchoolYearStatsInput): Promise<SchoolYearStats> {
    const school = await repo.findSchool(this.db, input.schoolId);
    if (!school)
      throw new ValidationError([
        fieldIssue(
          'body.schoolId',
          'unknown_reference',
          `学校 ${input.schoolId} 不存在`,
          `School ${input.schoolId} does not exist`,
        ),
      ]);
    if (!registryPolicy.editSchoolData(caller.actor, school)) throw new OutOfScopeError('school');
    const issues = statsIssues(input);
    if (issues.length)
      throw new ValidationError(issues.map((i) => fieldIssue(`body.${i.field}`, 'inconsistent', i.zh, i.en)));
    const id = await this.db.transaction().execute((tx) => upsertStats(tx, caller, input));
    return this.get(caller.actor, id);
  }
}

export async function upsertStats(tx: Kysely<Database>, caller: Caller, input: SchoolYearStatsInput): Promise<number> {
  const before = await tx
    .selectFrom('school_year_stats')
    .selectAll()
    .where('school_id', '=', input.schoolId)
    .where('school_year', '=', input.schoolYear)
    .executeTakeFirst();
  const values = statsRow(input);
  const row = before
    ? await tx
        .updateTable('school_year_stats')
        .set({ ...values, updated_at: new Date().toISOString() })
        .where('id', '=', before.id)
        .returningAll()
        .executeTakeFirstOrThrow()
    : await tx.insertInto('school_year_stats').values(values).returningAll().executeTakeFirstOrThrow();
  await recordAudit(
    tx,
    caller,
    before
      ? { action: 'update', entity: 'school_year_stats', entityId: row.id, ...changedFields(before, row) }
      : { action: 'create', entity: 'school_year_stats', entityId: row.id, after: row },
  );
  return row.id;
}
