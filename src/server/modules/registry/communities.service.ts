import { paged } from '../../db/paging.js';
import { SCOPE_TABLES } from './registry.scope.js';
import { listTotal, pageTotals, type PageTotals } from '../../db/totals.js';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import {
  ConflictError,
  NotFoundError,
  OutOfScopeError,
  ValidationError,
  fieldIssue,
  type FieldIssue,
} from '../../http/errors.js';
import type {
  Community,
  CommunityDetail,
  CommunityInput,
  CommunityListQuery,
  CommunityPatch,
  LeadershipInput,
  LeadershipMember,
  Membership,
  MembershipInput,
} from '../../../shared/registry.schemas.js';
import { changedFields, recordAudit } from '../audit/index.js';
import { registryPolicy } from './registry.policy.js';
import * as repo from './registry.repo.js';
import { toCommunity, toLeadershipMember, toMembership } from './registry.mappers.js';

const SORT_COLUMN = { code: 'c.code', name: 'c.name', foundedOn: 'c.founded_on' } as const;

export class CommunitiesService {
  /** `db` may be a transaction: another module (the planner's accept) then makes several changes atomically. */
  constructor(private readonly db: Db) {}

  private inTransaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    return this.db.isTransaction ? work(this.db) : this.db.transaction().execute(work);
  }

  /** One page; `countCap`: rows counted exactly before the total becomes an estimate (db/totals.ts). */
  async list(actor: Actor, q: CommunityListQuery, countCap?: number): Promise<{ items: Community[] } & PageTotals> {
    const base = repo.communitiesQuery(this.db, actor, q);
    const [rows, count] = await Promise.all([
      repo.withCommunityExtras(base).orderBy(SORT_COLUMN[q.sort], q.order).orderBy('c.id').$call(paged(q)).execute(),
      listTotal(this.db, base, { exact: q.exactTotal, cap: countCap, changesOf: SCOPE_TABLES }),
    ]);
    return { items: rows.map(toCommunity), ...pageTotals(count) };
  }

  async *iterate(actor: Actor, q: Omit<CommunityListQuery, 'page' | 'pageSize'>): AsyncGenerator<Community[]> {
    let lastId = 0;
    for (;;) {
      const rows = await repo
        .withCommunityExtras(repo.communitiesQuery(this.db, actor, q))
        .where('c.id', '>', lastId)
        .orderBy('c.id')
        .limit(1000)
        .execute();
      if (rows.length === 0) return;
      yield rows.map(toCommunity);
      lastId = rows[rows.length - 1]!.id;
    }
  }

  private async readable(actor: Actor, id: number) {
    const row = await repo
      .withCommunityExtras(repo.communitiesQuery(this.db, actor, {}))
      .where('c.id', '=', id)
      .executeTakeFirst();
    if (!row) {
      if (await repo.findCommunity(this.db, id)) throw new OutOfScopeError('community');
      throw new NotFoundError('community', id);
    }
    return row;
  }

  async get(actor: Actor, id: number): Promise<CommunityDetail> {
    const row = await this.readable(actor, id);
    const [memberships, leadership] = await Promise.all([
      repo.membershipsOf(this.db, id),
      repo.leadershipOf(this.db, id),
    ]);
    return {
      ...toCommunity(row),
      memberships: memberships.map(toMembership),
      leadership: leadership.map(toLeadershipMember),
    };
  }

  private async editable(actor: Actor, id: number) {
    const c = await repo.findCommunity(this.db, id);
    if (!c) throw new NotFoundError('community', id);
    if (!registryPolicy.editCommunity(actor, c)) throw new OutOfScopeError('community');
    return c;
  }

  private async checkRegions(input: {
    regionCode?: string | undefined;
    partnerRegionCode?: string | null | undefined;
  }) {
    const issues: FieldIssue[] = [];
    for (const [field, code] of [
      ['regionCode', input.regionCode],
      ['partnerRegionCode', input.partnerRegionCode],
    ] as const) {
      if (!code) continue;
      const r = await repo.findRegion(this.db, code);
      if (!r || r.level !== 3)
        issues.push(
          fieldIssue(
            `body.${field}`,
            'unknown_reference',
            `区县代码“${code}”不存在`,
            `County code ${code} does not exist`,
          ),
        );
    }
    if (input.regionCode && input.partnerRegionCode === input.regionCode) {
      issues.push(
        fieldIssue(
          'body.partnerRegionCode',
          'same_region',
          '结对地区不能与所属地区相同',
          'The partner region must differ from the home region',
        ),
      );
    }
    if (issues.length) throw new ValidationError(issues);
  }

  private async assertCodeFree(code: string, selfId?: number) {
    const dup = await this.db
      .selectFrom('communities')
      .select(['id', 'name'])
      .where('code', '=', code)
      .executeTakeFirst();
    if (dup && dup.id !== selfId) {
      throw new ConflictError('duplicate', { field: '教共体编号', fieldEn: 'Community code', value: code }, [
        fieldIssue(
          'body.code',
          'duplicate',
          `编号“${code}”已被“${dup.name}”使用`,
          `Code ${code} is used by ${dup.name}`,
        ),
      ]);
    }
  }

  async create(caller: Caller, input: CommunityInput): Promise<CommunityDetail> {
    if (!registryPolicy.createCommunity(caller.actor, input.regionCode)) throw new OutOfScopeError('community');
    await this.checkRegions(input);
    await this.assertCodeFree(input.code);
    const schoolIds = input.members.map((m) => m.schoolId);
    const schools = schoolIds.length
      ? await this.db.selectFrom('schools').select(['id', 'region_code']).where('id', 'in', schoolIds).execute()
      : [];
    const issues: FieldIssue[] = [];
    input.members.forEach((m, i) => {
      const s = schools.find((x) => x.id === m.schoolId);
      if (!s)
        issues.push(
          fieldIssue(
            `body.members.${i}.schoolId`,
            'unknown_reference',
            `学校 ${m.schoolId} 不存在`,
            `School ${m.schoolId} does not exist`,
          ),
        );
      else if (s.region_code !== input.regionCode && s.region_code !== input.partnerRegionCode) {
        issues.push(
          fieldIssue(
            `body.members.${i}.schoolId`,
            'region_mismatch',
            '成员学校须属于本地区或结对地区',
            'Member schools must be in the home or the partner region',
          ),
        );
      }
    });
    if (input.members.length > 0 && !input.members.some((m) => m.role === 'core')) {
      issues.push(fieldIssue('body.members', 'no_core', '至少指定一所核心校', 'Name at least one core school'));
    }
    const leaders = await this.leadersOf(input, issues);
    if (issues.length) throw new ValidationError(issues);

    const id = await this.inTransaction(async (tx) => {
      const row = await tx
        .insertInto('communities')
        .values({
          code: input.code,
          name: input.name,
          type: input.type,
          model: input.model,
          region_code: input.regionCode,
          is_cross_region: input.isCrossRegion,
          partner_region_code: input.partnerRegionCode ?? null,
          founded_on: input.foundedOn,
          dissolved_on: input.dissolvedOn ?? null,
          description: input.description ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (input.members.length) {
        await tx
          .insertInto('community_memberships')
          .values(
            input.members.map((m) => ({
              community_id: row.id,
              school_id: m.schoolId,
              role: m.role,
              start_date: input.foundedOn,
              end_date: null,
              note: null,
            })),
          )
          .execute();
      }
      if (leaders.length) {
        await tx
          .insertInto('leadership_members')
          .values(
            leaders.map((l) => ({
              community_id: row.id,
              person_name: l.name,
              teacher_id: l.teacherId,
              school_id: l.schoolId,
              role: l.role,
              position: l.position,
              work_group: null,
              start_date: input.foundedOn,
              end_date: null,
            })),
          )
          .execute();
      }
      await recordAudit(tx, caller, {
        action: 'create',
        entity: 'community',
        entityId: row.id,
        after: { ...row, members: input.members, leaders },
      });
      return row.id;
    });
    return this.get(caller.actor, id);
  }

  async update(caller: Caller, id: number, patch: CommunityPatch): Promise<CommunityDetail> {
    const existing = await this.editable(caller.actor, id);
    if (patch.regionCode !== undefined && !registryPolicy.createCommunity(caller.actor, patch.regionCode))
      throw new OutOfScopeError('community');
    await this.checkRegions({
      regionCode: patch.regionCode ?? existing.region_code,
      partnerRegionCode: patch.partnerRegionCode,
    });
    if (patch.code !== undefined) await this.assertCodeFree(patch.code, id);
    const founded = patch.foundedOn ?? existing.founded_on;
    const dissolved = patch.dissolvedOn !== undefined ? patch.dissolvedOn : existing.dissolved_on;
    if (dissolved && dissolved < founded) {
      throw new ValidationError([
        fieldIssue('body.dissolvedOn', 'custom', '撤销日期不能早于成立日期', 'Dissolution cannot precede founding'),
      ]);
    }
    const crossRegion = patch.isCrossRegion ?? existing.is_cross_region;
    const partner = patch.partnerRegionCode !== undefined ? patch.partnerRegionCode : existing.partner_region_code;
    if (crossRegion && !partner) {
      throw new ValidationError([
        fieldIssue(
          'body.partnerRegionCode',
          'custom',
          '跨区域教共体须填写结对地区',
          'A cross-region community needs a partner region',
        ),
      ]);
    }
    await this.inTransaction(async (tx) => {
      const row = await tx
        .updateTable('communities')
        .set({
          ...(patch.code !== undefined ? { code: patch.code } : {}),
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.type !== undefined ? { type: patch.type } : {}),
          ...(patch.model !== undefined ? { model: patch.model } : {}),
          ...(patch.regionCode !== undefined ? { region_code: patch.regionCode } : {}),
          ...(patch.isCrossRegion !== undefined ? { is_cross_region: patch.isCrossRegion } : {}),
          ...(patch.partnerRegionCode !== undefined ? { partner_region_code: patch.partnerRegionCode } : {}),
          ...(patch.foundedOn !== undefined ? { founded_on: patch.foundedOn } : {}),
          ...(patch.dissolvedOn !== undefined ? { dissolved_on: patch.dissolvedOn } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, {
        action: 'update',
        entity: 'community',
        entityId: id,
        ...changedFields(existing, row),
      });
    });
    return this.get(caller.actor, id);
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const existing = await repo.findCommunity(this.db, id);
    if (!existing) throw new NotFoundError('community', id);
    if (!registryPolicy.deleteCommunity(caller.actor, existing)) throw new OutOfScopeError('community');
    const users = await this.db
      .selectFrom('users')
      .select('id')
      .where('scope_kind', '=', 'community')
      .where('scope_id', '=', String(id))
      .executeTakeFirst();
    if (users)
      throw new ConflictError('in_use', {
        entity: '教共体',
        entityEn: 'community',
        reason: 'user accounts are scoped to it',
      });
    await this.inTransaction(async (tx) => {
      const memberships = await tx
        .selectFrom('community_memberships')
        .selectAll()
        .where('community_id', '=', id)
        .execute();
      await tx.deleteFrom('communities').where('id', '=', id).execute();
      await recordAudit(tx, caller, {
        action: 'delete',
        entity: 'community',
        entityId: id,
        before: { ...existing, memberships },
      });
    });
  }

  // ---------- memberships: history is kept; a membership is ended, never overwritten ----------

  async memberships(actor: Actor, id: number): Promise<Membership[]> {
    await this.readable(actor, id);
    return (await repo.membershipsOf(this.db, id)).map(toMembership);
  }

  async addMember(caller: Caller, communityId: number, input: MembershipInput): Promise<Membership> {
    const community = await this.editable(caller.actor, communityId);
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
    if (school.region_code !== community.region_code && school.region_code !== community.partner_region_code) {
      throw new ValidationError([
        fieldIssue(
          'body.schoolId',
          'region_mismatch',
          '成员学校须属于本地区或结对地区',
          'Member schools must be in the home or the partner region',
        ),
      ]);
    }
    if (input.startDate < community.founded_on) {
      throw new ValidationError([
        fieldIssue(
          'body.startDate',
          'before_founding',
          `加入日期不能早于教共体成立日期 ${community.founded_on}`,
          `Start cannot precede the founding date ${community.founded_on}`,
        ),
      ]);
    }
    const overlap = await repo.overlappingMembership(this.db, communityId, input.schoolId, input.startDate);
    if (overlap) throw new ConflictError('membership_overlap', { school: school.name, start: overlap.start_date });
    const id = await this.inTransaction(async (tx) => {
      const row = await tx
        .insertInto('community_memberships')
        .values({
          community_id: communityId,
          school_id: input.schoolId,
          role: input.role,
          start_date: input.startDate,
          end_date: null,
          note: input.note ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, { action: 'create', entity: 'membership', entityId: row.id, after: row });
      return row.id;
    });
    const all = await repo.membershipsOf(this.db, communityId);
    return toMembership(all.find((m) => m.id === id)!);
  }

  async endMember(
    caller: Caller,
    communityId: number,
    membershipId: number,
    endDate: string,
    note: string | null | undefined,
  ): Promise<Membership> {
    await this.editable(caller.actor, communityId);
    const m = await this.db
      .selectFrom('community_memberships')
      .selectAll()
      .where('id', '=', membershipId)
      .where('community_id', '=', communityId)
      .executeTakeFirst();
    if (!m) throw new NotFoundError('membership', membershipId);
    if (m.end_date !== null)
      throw new ConflictError('conflict', { reason: `membership already ended on ${m.end_date}` });
    if (endDate < m.start_date) {
      throw new ValidationError([
        fieldIssue(
          'body.endDate',
          'before_start',
          `结束日期不能早于加入日期 ${m.start_date}`,
          `End cannot precede the start ${m.start_date}`,
        ),
      ]);
    }
    await this.inTransaction(async (tx) => {
      const row = await tx
        .updateTable('community_memberships')
        .set({ end_date: endDate, ...(note ? { note } : {}) })
        .where('id', '=', membershipId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, {
        action: 'end',
        entity: 'membership',
        entityId: membershipId,
        before: m,
        after: row,
      });
    });
    const all = await repo.membershipsOf(this.db, communityId);
    return toMembership(all.find((x) => x.id === membershipId)!);
  }

  // ---------- leadership group ----------

  /**
   * The leadership group named on creation: each a teacher of one of the new community's schools
   * (the group is drawn from the core and member schools), named and placed as the registry has them.
   */
  private async leadersOf(input: CommunityInput, issues: FieldIssue[]) {
    if (!input.leaders.length) return [];
    const teachers = await this.db
      .selectFrom('teachers')
      .select(['id', 'name', 'school_id'])
      .where(
        'id',
        'in',
        input.leaders.map((l) => l.teacherId),
      )
      .execute();
    const schools = new Set(input.members.map((m) => m.schoolId));
    return input.leaders.flatMap((l, i) => {
      const t = teachers.find((x) => x.id === l.teacherId);
      const path = `body.leaders.${i}.teacherId`;
      if (!t) {
        issues.push(
          fieldIssue(path, 'unknown_reference', `教师 ${l.teacherId} 不存在`, `Teacher ${l.teacherId} does not exist`),
        );
        return [];
      }
      if (!schools.has(t.school_id)) {
        issues.push(
          fieldIssue(
            path,
            'not_member_school',
            `${t.name} 不在本教共体的学校任教：领导小组从核心校和成员校中产生`,
            `${t.name} does not teach at one of this community's schools: the leadership group comes from its schools`,
          ),
        );
        return [];
      }
      return [{ teacherId: t.id, name: t.name, schoolId: t.school_id, role: l.role, position: l.position ?? null }];
    });
  }

  private async checkLeadership(input: Partial<LeadershipInput>) {
    const issues: FieldIssue[] = [];
    if (input.schoolId && !(await repo.findSchool(this.db, input.schoolId))) {
      issues.push(
        fieldIssue(
          'body.schoolId',
          'unknown_reference',
          `学校 ${input.schoolId} 不存在`,
          `School ${input.schoolId} does not exist`,
        ),
      );
    }
    if (input.teacherId && !(await repo.findTeacher(this.db, input.teacherId))) {
      issues.push(
        fieldIssue(
          'body.teacherId',
          'unknown_reference',
          `教师 ${input.teacherId} 不存在`,
          `Teacher ${input.teacherId} does not exist`,
        ),
      );
    }
    if (input.startDate && input.endDate && input.endDate < input.startDate) {
      issues.push(fieldIssue('body.endDate', 'before_start', '结束日期不能早于开始日期', 'End cannot precede start'));
    }
    if (issues.length) throw new ValidationError(issues);
  }

  async addLeader(caller: Caller, communityId: number, input: LeadershipInput): Promise<LeadershipMember> {
    await this.editable(caller.actor, communityId);
    await this.checkLeadership(input);
    const id = await this.inTransaction(async (tx) => {
      const row = await tx
        .insertInto('leadership_members')
        .values({
          community_id: communityId,
          person_name: input.personName,
          teacher_id: input.teacherId ?? null,
          school_id: input.schoolId ?? null,
          role: input.role,
          position: input.position ?? null,
          work_group: input.workGroup ?? null,
          start_date: input.startDate,
          end_date: input.endDate ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, { action: 'create', entity: 'leadership_member', entityId: row.id, after: row });
      return row.id;
    });
    return toLeadershipMember((await repo.leadershipOf(this.db, communityId)).find((l) => l.id === id)!);
  }

  async updateLeader(
    caller: Caller,
    communityId: number,
    leaderId: number,
    patch: Partial<LeadershipInput>,
  ): Promise<LeadershipMember> {
    await this.editable(caller.actor, communityId);
    const existing = await this.db
      .selectFrom('leadership_members')
      .selectAll()
      .where('id', '=', leaderId)
      .where('community_id', '=', communityId)
      .executeTakeFirst();
    if (!existing) throw new NotFoundError('leadership_member', leaderId);
    await this.checkLeadership({
      ...patch,
      startDate: patch.startDate ?? existing.start_date,
      endDate: patch.endDate !== undefined ? patch.endDate : existing.end_date,
    });
    await this.inTransaction(async (tx) => {
      const row = await tx
        .updateTable('leadership_members')
        .set({
          ...(patch.personName !== undefined ? { person_name: patch.personName } : {}),
          ...(patch.teacherId !== undefined ? { teacher_id: patch.teacherId } : {}),
          ...(patch.schoolId !== undefined ? { school_id: patch.schoolId } : {}),
          ...(patch.role !== undefined ? { role: patch.role } : {}),
          ...(patch.position !== undefined ? { position: patch.position } : {}),
          ...(patch.workGroup !== undefined ? { work_group: patch.workGroup } : {}),
          ...(patch.startDate !== undefined ? { start_date: patch.startDate } : {}),
          ...(patch.endDate !== undefined ? { end_date: patch.endDate } : {}),
        })
        .where('id', '=', leaderId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, {
        action: 'update',
        entity: 'leadership_member',
        entityId: leaderId,
        ...changedFields(existing, row),
      });
    });
    return toLeadershipMember((await repo.leadershipOf(this.db, communityId)).find((l) => l.id === leaderId)!);
  }

  async removeLeader(caller: Caller, communityId: number, leaderId: number): Promise<void> {
    await this.editable(caller.actor, communityId);
    const existing = await this.db
      .selectFrom('leadership_members')
      .selectAll()
      .where('id', '=', leaderId)
      .where('community_id', '=', communityId)
      .executeTakeFirst();
    if (!existing) throw new NotFoundError('leadership_member', leaderId);
    await this.inTransaction(async (tx) => {
      await tx.deleteFrom('leadership_members').where('id', '=', leaderId).execute();
      await recordAudit(tx, caller, {
        action: 'delete',
        entity: 'leadership_member',
        entityId: leaderId,
        before: existing,
      });
    });
  }
}
