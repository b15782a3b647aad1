import { paged } from '../../db/paging.js';
import { SCOPE_TABLES } from './registry.scope.js';
import { listTotal, pageTotals, type PageTotals } from '../../db/totals.js';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import {
  ConflictError,
  NotFoundError,
  OutOfScopeError,
  ValidationError,
  fieldIssue,
  AppError,
} from '../../http/errors.js';
import type { School, SchoolInput, SchoolListQuery, SchoolPatch } from '../../../shared/registry.schemas.js';
import { changedFields, recordAudit } from '../audit/index.js';
import { registryPolicy } from './registry.policy.js';
import * as repo from './registry.repo.js';
import { toSchool } from './registry.mappers.js';
import type { NewSchool } from './registry.tables.js';
import type { ReferenceCount } from '../../contracts/references.js';

const SORT_COLUMN = { code: 's.code', name: 's.name', students: 's.students', createdAt: 's.created_at' } as const;

function toRow(input: Partial<SchoolInput>): Partial<NewSchool> {
  const row: Partial<NewSchool> = {};
  const map: [keyof SchoolInput, keyof NewSchool][] = [
    ['code', 'code'],
    ['name', 'name'],
    ['shortName', 'short_name'],
    ['regionCode', 'region_code'],
    ['townshipCode', 'township_code'],
    ['level', 'level'],
    ['locationClass', 'location_class'],
    ['isTeachingPoint', 'is_teaching_point'],
    ['parentSchoolId', 'parent_school_id'],
    ['qualityTier', 'quality_tier'],
    ['latitude', 'latitude'],
    ['longitude', 'longitude'],
    ['address', 'address'],
    ['principalName', 'principal_name'],
    ['phone', 'phone'],
    ['foundedYear', 'founded_year'],
    ['students', 'students'],
    ['classes', 'classes'],
    ['hasRecordingClassroom', 'has_recording_classroom'],
    ['hasSyncClassroom', 'has_sync_classroom'],
  ];
  for (const [from, to] of map) {
    if (input[from] !== undefined) (row as Record<string, unknown>)[to] = input[from];
  }
  return row;
}

export class SchoolsService {
  constructor(
    private readonly db: Db,
    /** other modules' rows that name a school without a foreign key (exam scores): a delete is refused while any */
    private readonly referencesTo: (id: number) => Promise<ReferenceCount[]> = async () => [],
  ) {}

  /** One page; `countCap`: rows counted exactly before the total becomes an estimate (db/totals.ts). */
  async list(actor: Actor, q: SchoolListQuery, countCap?: number): Promise<{ items: School[] } & PageTotals> {
    const base = repo.schoolsQuery(this.db, actor, q);
    const [rows, count] = await Promise.all([
      this.pageRows(actor, q, base),
      listTotal(this.db, base, { exact: q.exactTotal, cap: countCap, changesOf: SCOPE_TABLES }),
    ]);
    return { items: rows.map(toSchool), ...pageTotals(count) };
  }

  private async pageRows(actor: Actor, q: SchoolListQuery, base: ReturnType<typeof repo.schoolsQuery>) {
    const [column, order] = [SORT_COLUMN[q.sort], q.order];
    if (!q.search) return repo.withSchoolExtras(base).orderBy(column, order).orderBy('s.id').$call(paged(q)).execute();
    // a name search is planned afresh on every call (db/prepared.ts: its plan depends on the term),
    // so it finds the page's ids alone — a small statement, cheap to plan — and the names and counts
    // of those rows come from a statement whose plan is kept (one array parameter: one text, one plan)
    const ids = await base.select('s.id').orderBy(column, order).orderBy('s.id').$call(paged(q)).execute();
    if (!ids.length) return [];
    return repo
      .withSchoolExtras(repo.schoolsQuery(this.db, actor, {}))
      .where(sql<boolean>`s.id = any(${ids.map((r) => r.id)}::int[])`)
      .orderBy(column, order)
      .orderBy('s.id')
      .execute();
  }

  /** Every matching school, in batches, for exports. */
  async *iterate(actor: Actor, q: Omit<SchoolListQuery, 'page' | 'pageSize'>): AsyncGenerator<School[]> {
    let lastId = 0;
    for (;;) {
      const rows = await repo
        .withSchoolExtras(repo.schoolsQuery(this.db, actor, q))
        .where('s.id', '>', lastId)
        .orderBy('s.id')
        .limit(2000)
        .execute();
      if (rows.length === 0) return;
      yield rows.map(toSchool);
      lastId = rows[rows.length - 1]!.id;
    }
  }

  async get(actor: Actor, id: number): Promise<School> {
    const row = await repo
      .withSchoolExtras(repo.schoolsQuery(this.db, actor, {}))
      .where('s.id', '=', id)
      .executeTakeFirst();
    if (!row) {
      if (await repo.findSchool(this.db, id)) throw new OutOfScopeError('school');
      throw new NotFoundError('school', id);
    }
    return toSchool(row);
  }

  private async checkReferences(input: Partial<SchoolInput>, selfId?: number) {
    const issues = [];
    if (input.regionCode !== undefined) {
      const region = await repo.findRegion(this.db, input.regionCode);
      if (!region || region.level !== 3) {
        issues.push(
          fieldIssue(
            'body.regionCode',
            'unknown_reference',
            `区县代码“${input.regionCode}”不存在`,
            `County code ${input.regionCode} does not exist`,
          ),
        );
      }
    }
    if (input.townshipCode) {
      const t = await repo.findRegion(this.db, input.townshipCode);
      const county = input.regionCode;
      if (!t || t.level !== 4 || (county && t.parent_code !== county)) {
        issues.push(
          fieldIssue(
            'body.townshipCode',
            'unknown_reference',
            `乡镇代码“${input.townshipCode}”不存在或不属于该区县`,
            `Township ${input.townshipCode} does not exist in that county`,
          ),
        );
      }
    }
    if (input.parentSchoolId) {
      if (input.parentSchoolId === selfId) {
        issues.push(
          fieldIssue(
            'body.parentSchoolId',
            'self_reference',
            '上级学校不能是本校',
            'A school cannot be its own parent',
          ),
        );
      } else if (!(await repo.findSchool(this.db, input.parentSchoolId))) {
        issues.push(
          fieldIssue(
            'body.parentSchoolId',
            'unknown_reference',
            `上级学校 ${input.parentSchoolId} 不存在`,
            `Parent school ${input.parentSchoolId} does not exist`,
          ),
        );
      }
    }
    if (input.code !== undefined) {
      const dup = await repo.findSchoolByCode(this.db, input.code);
      if (dup && dup.id !== selfId) {
        throw new ConflictError('duplicate', { field: '学校代码', fieldEn: 'School code', value: input.code }, [
          fieldIssue(
            'body.code',
            'duplicate',
            `学校代码“${input.code}”已被“${dup.name}”使用`,
            `School code ${input.code} is used by ${dup.name}`,
          ),
        ]);
      }
    }
    if (issues.length) throw new ValidationError(issues);
  }

  async create(caller: Caller, input: SchoolInput): Promise<School> {
    if (!registryPolicy.createSchool(caller.actor, input.regionCode)) throw new OutOfScopeError('school');
    await this.checkReferences(input);
    const id = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('schools')
        .values(toRow(input) as NewSchool)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, { action: 'create', entity: 'school', entityId: row.id, after: row });
      return row.id;
    });
    return this.get(caller.actor, id);
  }

  async update(caller: Caller, id: number, patch: SchoolPatch): Promise<School> {
    const existing = await repo.findSchool(this.db, id);
    if (!existing) throw new NotFoundError('school', id);
    if (!registryPolicy.editSchool(caller.actor, existing)) throw new OutOfScopeError('school');
    // a school admin edits the school's data, not where it sits in the bureau's structure
    if (
      caller.actor.role !== 'bureau_admin' &&
      (patch.regionCode !== undefined || patch.code !== undefined || patch.qualityTier !== undefined)
    ) {
      throw new AppError(403, 'forbidden');
    }
    if (patch.regionCode !== undefined && !registryPolicy.createSchool(caller.actor, patch.regionCode))
      throw new OutOfScopeError('school');
    await this.checkReferences(
      { ...patch, regionCode: patch.regionCode ?? (patch.townshipCode ? existing.region_code : undefined) },
      id,
    );
    await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('schools')
        .set({
          ...toRow(patch),
          ...(patch.isActive !== undefined ? { is_active: patch.isActive } : {}),
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const diff = changedFields(existing, row);
      await recordAudit(tx, caller, { action: 'update', entity: 'school', entityId: id, ...diff });
    });
    return this.get(caller.actor, id);
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const existing = await repo.findSchool(this.db, id);
    if (!existing) throw new NotFoundError('school', id);
    if (!registryPolicy.deleteSchool(caller.actor, existing)) throw new OutOfScopeError('school');
    const refs = await this.db
      .selectNoFrom([
        sql<number>`(select count(*) from teachers where school_id = ${id})`.as('teachers'),
        sql<number>`(select count(*) from community_memberships where school_id = ${id})`.as('memberships'),
        sql<number>`(select count(*) from schools where parent_school_id = ${id})`.as('children'),
      ])
      .executeTakeFirstOrThrow();
    const elsewhere = await this.referencesTo(id);
    if (refs.teachers + refs.memberships + refs.children > 0 || elsewhere.length > 0) {
      const zh = [`${refs.teachers} 名教师`, `${refs.memberships} 条教共体成员记录`, `${refs.children} 个教学点`];
      const en = [`${refs.teachers} teachers`, `${refs.memberships} memberships`, `${refs.children} teaching points`];
      throw new ConflictError('in_use', {
        entity: '学校',
        entityEn: 'school',
        reason: [...zh, ...elsewhere.map((r) => r.zh)].join('、'),
        reasonEn: [...en, ...elsewhere.map((r) => r.en)].join(', '),
      });
    }
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('school_year_stats').where('school_id', '=', id).execute();
      await tx.deleteFrom('schools').where('id', '=', id).execute();
      await recordAudit(tx, caller, { action: 'delete', entity: 'school', entityId: id, before: existing });
    });
  }
}
