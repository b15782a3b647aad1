import { paged } from '../../db/paging.js';
import { sql } from 'kysely';
import { analyseFormula, evaluate, parse, unitText } from '../../../shared/assessment.formula.js';
import type {
  Assignment,
  DataSourceInfo,
  FormulaCheckResult,
  Scheme,
  SchemeDefinition,
  SchemeInput,
  SchemePatch,
} from '../../../shared/assessment.schemas.js';
import { regionContains, regionPrefix } from '../../../shared/regions.js';
import type { z } from 'zod';
import type { formulaCheckInput, schemeListQuery } from '../../../shared/assessment.schemas.js';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { ConflictError, ForbiddenError, ValidationError, fieldIssue } from '../../http/errors.js';
import { notFound, outOfScope } from './assessment.errors.js';
import { recordAudit } from '../audit/index.js';
import { userAccessDenied } from '../auth/index.js';
import { usersInScopeCondition } from '../auth/index.js';
import { assessmentPolicy } from './assessment.policy.js';
import * as repo from './assessment.repo.js';
import { applyRule, meanOf } from './assessment.scoring.js';
import { checkFormulaField, validateDefinition } from './assessment.validate.js';
import { loadSeries, membersOf, seriesCatalogue } from './assessment.compute.js';
import type { SourceCatalog } from './assessment.sources.js';

type SchemeRow = Awaited<ReturnType<ReturnType<typeof repo.schemesQuery>['executeTakeFirstOrThrow']>>;
const toScheme = (r: SchemeRow): Scheme => ({
  id: r.id,
  regionCode: r.region_code,
  regionName: r.region_name,
  year: r.year,
  name: r.name,
  description: r.description,
  version: r.version,
  definition: r.definition,
  evaluationCount: r.evaluation_count,
  publishedCount: r.published_count,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Region of the actor's own community or school, for read access of non-region actors. */
async function homeRegion(db: Db, actor: Actor): Promise<string | null> {
  if (actor.scope.kind === 'region') return actor.scope.id;
  if (actor.scope.kind === 'community') {
    return (
      (
        await db
          .selectFrom('communities')
          .select('region_code')
          .where('id', '=', Number(actor.scope.id))
          .executeTakeFirst()
      )?.region_code ?? null
    );
  }
  return (
    (await db.selectFrom('schools').select('region_code').where('id', '=', Number(actor.scope.id)).executeTakeFirst())
      ?.region_code ?? null
  );
}

/** Schemes: the bureau's yearly indicator system, versioned as a whole document. */
export class SchemesService {
  constructor(
    private readonly db: Db,
    private readonly catalog: SourceCatalog,
  ) {}

  private async readableRegion(actor: Actor, regionCode: string) {
    const home = await homeRegion(this.db, actor);
    if (!home) return false;
    // region actors read schemes inside their region; everyone reads the schemes that govern them
    return regionContains(home, regionCode) || regionContains(regionCode, home);
  }

  async list(actor: Actor, q: z.infer<typeof schemeListQuery>): Promise<{ items: Scheme[]; total: number }> {
    const home = await homeRegion(this.db, actor);
    if (!home) return { items: [], total: 0 };
    let query = repo.schemesQuery(this.db).where((eb) =>
      eb.or([
        eb('s.region_code', 'like', `${regionPrefix(home)}%`),
        // the schemes of regions above the actor's own (a city's scheme for a county user)
        sql<boolean>`${home} like (case when length(s.region_code) = 6 and s.region_code like '%0000' then substr(s.region_code, 1, 2)
        when s.region_code like '%00' then substr(s.region_code, 1, 4) else s.region_code end) || '%'`,
      ]),
    );
    if (q.region) query = query.where('s.region_code', '=', q.region);
    if (q.year) query = query.where('s.year', '=', q.year);
    const [rows, count] = await Promise.all([
      query.orderBy('s.year', 'desc').orderBy('s.id', 'desc').$call(paged(q)).execute(),
      this.db
        .selectFrom(query.as('x'))
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toScheme), total: count.n };
  }

  async get(actor: Actor, id: number): Promise<Scheme> {
    const row = await repo.schemesQuery(this.db).where('s.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('assessment_scheme', id);
    if (!(await this.readableRegion(actor, row.region_code))) throw outOfScope('assessment_scheme');
    return toScheme(row);
  }

  private async editable(actor: Actor, id: number) {
    const row = await this.db.selectFrom('assessment_schemes').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('assessment_scheme', id);
    if (!assessmentPolicy.manageScheme(actor, row.region_code)) throw outOfScope('assessment_scheme');
    return row;
  }

  private async validate(def: SchemeDefinition) {
    const issues = validateDefinition(def, await seriesCatalogue(this.db, this.catalog));
    if (issues.length) throw new ValidationError(issues);
  }

  private async assertYearFree(regionCode: string, year: number) {
    const dup = await this.db
      .selectFrom('assessment_schemes')
      .select(['id', 'name'])
      .where('region_code', '=', regionCode)
      .where('year', '=', year)
      .executeTakeFirst();
    if (dup) {
      throw new ConflictError(
        'duplicate',
        { field: '考核方案（地区+学年）', fieldEn: 'Scheme (region + year)', value: `${regionCode} ${year}` },
        [
          fieldIssue(
            'body.year',
            'duplicate',
            `该地区 ${year} 学年已有考核方案“${dup.name}”，请直接编辑`,
            `The region already has the ${year} scheme "${dup.name}"; edit it instead`,
          ),
        ],
      );
    }
  }

  async create(caller: Caller, input: SchemeInput): Promise<Scheme> {
    if (!assessmentPolicy.manageScheme(caller.actor, input.regionCode)) throw outOfScope('assessment_scheme');
    const region = await this.db
      .selectFrom('regions')
      .select('code')
      .where('code', '=', input.regionCode)
      .executeTakeFirst();
    if (!region)
      throw new ValidationError([
        fieldIssue(
          'body.regionCode',
          'unknown_reference',
          `地区代码“${input.regionCode}”不存在`,
          `Region ${input.regionCode} does not exist`,
        ),
      ]);
    await this.validate(input.definition);
    await this.assertYearFree(input.regionCode, input.year);
    const id = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('assessment_schemes')
        .values({
          region_code: input.regionCode,
          year: input.year,
          name: input.name,
          description: input.description ?? null,
          version: 1,
          definition: JSON.stringify(input.definition),
          created_by: caller.actor.userId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('assessment_scheme_versions')
        .values({
          scheme_id: row.id,
          version: 1,
          definition: JSON.stringify(input.definition),
          created_by: caller.actor.userId,
        })
        .execute();
      await recordAudit(tx, caller, { action: 'create', entity: 'assessment_scheme', entityId: row.id, after: row });
      return row.id;
    });
    return this.get(caller.actor, id);
  }

  /** Every change of the definition is a new version; published results keep theirs. */
  async update(caller: Caller, id: number, patch: SchemePatch): Promise<Scheme> {
    const existing = await this.editable(caller.actor, id);
    if (patch.definition) await this.validate(patch.definition);
    await this.db.transaction().execute(async (tx) => {
      const version = patch.definition ? existing.version + 1 : existing.version;
      const row = await tx
        .updateTable('assessment_schemes')
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.definition ? { definition: JSON.stringify(patch.definition), version } : {}),
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (patch.definition) {
        await tx
          .insertInto('assessment_scheme_versions')
          .values({
            scheme_id: id,
            version,
            definition: JSON.stringify(patch.definition),
            created_by: caller.actor.userId,
          })
          .execute();
      }
      await recordAudit(tx, caller, {
        action: 'update',
        entity: 'assessment_scheme',
        entityId: id,
        before: { name: existing.name, version: existing.version, definition: existing.definition },
        after: { name: row.name, version: row.version, definition: row.definition },
      });
    });
    return this.get(caller.actor, id);
  }

  /** 从上一年复制: the same dimensions and indicators for another school year, as a new scheme. */
  async copy(caller: Caller, id: number, input: { year: number; name?: string | undefined }): Promise<Scheme> {
    const source = await this.editable(caller.actor, id);
    await this.assertYearFree(source.region_code, input.year);
    const name = input.name ?? source.name.replace(String(source.year), String(input.year));
    const newId = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('assessment_schemes')
        .values({
          region_code: source.region_code,
          year: input.year,
          name: name === source.name ? `${source.name}（${input.year}）` : name,
          description: source.description,
          version: 1,
          definition: JSON.stringify(source.definition),
          created_by: caller.actor.userId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('assessment_scheme_versions')
        .values({
          scheme_id: row.id,
          version: 1,
          definition: JSON.stringify(source.definition),
          created_by: caller.actor.userId,
        })
        .execute();
      await recordAudit(tx, caller, {
        action: 'copy',
        entity: 'assessment_scheme',
        entityId: row.id,
        after: { copiedFrom: id, year: input.year },
      });
      return row.id;
    });
    return this.get(caller.actor, newId);
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const existing = await this.editable(caller.actor, id);
    const used = await this.db
      .selectFrom('assessment_evaluations')
      .select('id')
      .where('scheme_id', '=', id)
      .executeTakeFirst();
    if (used)
      throw new ConflictError('in_use', {
        entity: '考核方案',
        entityEn: 'assessment scheme',
        reason: '已开启考核 evaluations exist',
      });
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('assessment_schemes').where('id', '=', id).execute();
      await recordAudit(tx, caller, { action: 'delete', entity: 'assessment_scheme', entityId: id, before: existing });
    });
  }

  /** Opens the assessment: one evaluation per community of the region, starting at self-assessment. */
  async open(caller: Caller, id: number): Promise<{ created: number }> {
    const scheme = await this.editable(caller.actor, id);
    const communities = await repo.communitiesOfRegion(this.db, scheme.region_code, scheme.year);
    if (!communities.length)
      throw new ConflictError('conflict', { reason: '该地区没有教共体 no communities in the region' });
    const created = await this.db.transaction().execute(async (tx) => {
      const rows = await tx
        .insertInto('assessment_evaluations')
        .values(
          communities.map((c) => ({
            scheme_id: id,
            community_id: c.id,
            status: 'self_assessment',
            revision: 0,
            total: null,
          })),
        )
        .onConflict((oc) => oc.columns(['scheme_id', 'community_id']).doNothing())
        .returning('id')
        .execute();
      await recordAudit(tx, caller, {
        action: 'open',
        entity: 'assessment_scheme',
        entityId: id,
        after: { evaluations: rows.map((r) => r.id) },
      });
      return rows.length;
    });
    return { created };
  }

  // ---------- assessor assignments ----------

  async assignments(actor: Actor, schemeId: number): Promise<Assignment[]> {
    await this.editable(actor, schemeId);
    const rows = await this.db
      .selectFrom('assessment_assignments as a')
      .innerJoin('communities as c', 'c.id', 'a.community_id')
      .innerJoin('users as u', 'u.id', 'a.assessor_user_id')
      .select([
        'a.id',
        'a.scheme_id',
        'a.community_id',
        'c.name as community_name',
        'a.assessor_user_id',
        'u.display_name',
      ])
      .where('a.scheme_id', '=', schemeId)
      .orderBy('c.name')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      schemeId: r.scheme_id,
      communityId: r.community_id,
      communityName: r.community_name,
      assessorUserId: r.assessor_user_id,
      assessorName: r.display_name,
    }));
  }

  async assign(
    caller: Caller,
    schemeId: number,
    input: { communityId: number; assessorUserId: number },
  ): Promise<Assignment> {
    const scheme = await this.editable(caller.actor, schemeId);
    const user = await this.db
      .selectFrom('users')
      .select(['id', 'role', 'scope_kind', 'scope_id'])
      .where('id', '=', input.assessorUserId)
      .executeTakeFirst();
    // only an account inside the bureau's own scope: another region's users are not its to assign
    if (
      user &&
      !(await this.db
        .selectFrom('users as u')
        .select('u.id')
        .where('u.id', '=', user.id)
        .where(usersInScopeCondition(caller.actor))
        .executeTakeFirst())
    ) {
      throw userAccessDenied('target_outside_scope');
    }
    if (!user || user.role !== 'assessor') {
      throw new ValidationError([
        fieldIssue(
          'body.assessorUserId',
          'not_assessor',
          `用户 ${input.assessorUserId} 不是考核员`,
          `User ${input.assessorUserId} is not an assessor`,
        ),
      ]);
    }
    const communities = await repo.communitiesOfRegion(this.db, scheme.region_code, scheme.year);
    if (!communities.some((c) => c.id === input.communityId)) {
      throw new ValidationError([
        fieldIssue(
          'body.communityId',
          'out_of_region',
          `教共体 ${input.communityId} 不属于本方案的地区`,
          `Community ${input.communityId} is not in the scheme's region`,
        ),
      ]);
    }
    const id = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('assessment_assignments')
        .values({ scheme_id: schemeId, community_id: input.communityId, assessor_user_id: input.assessorUserId })
        .onConflict((oc) => oc.columns(['scheme_id', 'community_id', 'assessor_user_id']).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row)
        await recordAudit(tx, caller, {
          action: 'create',
          entity: 'assessment_assignment',
          entityId: row.id,
          after: row,
        });
      return row?.id;
    });
    const all = await this.assignments(caller.actor, schemeId);
    return all.find((a) =>
      id ? a.id === id : a.communityId === input.communityId && a.assessorUserId === input.assessorUserId,
    )!;
  }

  async unassign(caller: Caller, schemeId: number, assignmentId: number): Promise<void> {
    await this.editable(caller.actor, schemeId);
    const row = await this.db
      .selectFrom('assessment_assignments')
      .selectAll()
      .where('id', '=', assignmentId)
      .where('scheme_id', '=', schemeId)
      .executeTakeFirst();
    if (!row) throw notFound('assessment_assignment', assignmentId);
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('assessment_assignments').where('id', '=', assignmentId).execute();
      await recordAudit(tx, caller, {
        action: 'delete',
        entity: 'assessment_assignment',
        entityId: assignmentId,
        before: row,
      });
    });
  }

  // ---------- data sources and the formula preview ----------

  async sources(lang: 'zh' | 'en'): Promise<DataSourceInfo[]> {
    const available = await this.catalog.availableKeys(this.db);
    return this.catalog.all.map((s) => ({
      key: s.key,
      label: s.label.zh,
      labelEn: s.label.en,
      unit: s.unit,
      unitLabel: s.unitLabel[lang],
      schoolScope: s.schoolScope,
      available: available.has(s.key),
      module: s.module,
    }));
  }

  /** Checks a formula as the builder types it and previews it on the region's real data. */
  async checkFormula(actor: Actor, input: z.infer<typeof formulaCheckInput>): Promise<FormulaCheckResult> {
    if (actor.role !== 'bureau_admin') throw new ForbiddenError();
    const catalogue = await seriesCatalogue(this.db, this.catalog);
    const issues = checkFormulaField(input.formula, input.unit, input.perMemberSchool, catalogue, 'formula');
    let node = null;
    let unit = '1';
    try {
      node = parse(input.formula);
      unit = unitText(analyseFormula(input.formula, catalogue).unit);
    } catch {
      /* the syntax error is already among the issues */
    }
    const series = node
      ? [...new Set(input.formula.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])].filter((n) => catalogue[n])
      : [];
    const preview: FormulaCheckResult['preview'] = [];
    const regionCode = input.regionCode ?? (actor.scope.kind === 'region' ? actor.scope.id : null);
    if (node && !issues.length && regionCode && regionContains(actor.scope.id, regionCode)) {
      const year = input.year ?? new Date().getFullYear() - (new Date().getMonth() < 8 ? 1 : 0);
      const communities = (await repo.communitiesOfRegion(this.db, regionCode, year)).slice(0, 50);
      const members = await membersOf(
        this.db,
        communities.map((c) => c.id),
        year,
      );
      const values = await loadSeries(
        this.db,
        this.catalog,
        series,
        year,
        communities.map((c) => c.id),
        [...new Set(members.map((m) => m.schoolId))],
      );
      for (const c of communities) {
        const cv = values.community.get(c.id) ?? {};
        const value = input.perMemberSchool
          ? meanOf(
              members
                .filter((m) => m.communityId === c.id)
                .map((m) => evaluate(node, { ...cv, ...(values.school.get(m.schoolId) ?? {}) })),
            )
          : evaluate(node, cv);
        const points =
          input.rule && input.maxPoints !== undefined ? applyRule(value, input.rule, input.maxPoints).points : null;
        preview.push({
          communityId: c.id,
          communityName: c.name,
          value: value === null ? null : Math.round(value * 1000) / 1000,
          points,
        });
      }
    }
    return {
      ok: issues.length === 0,
      unit,
      series,
      issues: issues.map((i) => ({ code: i.code, at: 0, message: i.message, messageEn: i.messageEn })),
      preview,
    };
  }
}
