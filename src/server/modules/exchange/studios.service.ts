import { pageSlice } from '../../db/paging.js';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { ConflictError, ForbiddenError } from '../../http/errors.js';
import { regionPrefix } from '../../../shared/regions.js';
import type { Studio, StudioInput } from '../../../shared/exchange-mentorship.schemas.js';
import { recordAudit } from '../audit/index.js';
import { privateSchoolCondition, visibleCommunityCondition } from '../registry/index.js';
import { notFound, outOfScope, referenceOutOfScope, unknownReference } from './exchange.errors.js';
import { exchangePolicy } from './exchange.policy.js';
import * as repo from './exchange.repo.js';

/** 名师工作室: a master teacher's studio with its members, visible where its leader's school is. */
export class StudiosService {
  constructor(private readonly db: Db) {}

  private query(actor: Actor) {
    return this.db
      .selectFrom('master_studios as st')
      .innerJoin('teachers as lt', 'lt.id', 'st.leader_teacher_id')
      .innerJoin('schools as ls', 'ls.id', 'lt.school_id')
      .leftJoin('communities as c', 'c.id', 'st.community_id')
      .where((eb) =>
        eb.or([
          privateSchoolCondition(actor, 'lt.school_id'),
          eb.and([eb('st.community_id', 'is not', null), visibleCommunityCondition(actor, 'st.community_id')]),
          actor.scope.kind === 'region'
            ? eb('st.region_code', 'like', `${regionPrefix(actor.scope.id)}%`)
            : sql<boolean>`false`,
        ]),
      )
      .select([
        'st.id',
        'st.name',
        'st.region_code',
        'st.community_id',
        'c.name as community_name',
        'st.leader_teacher_id',
        'lt.name as leader_name',
        'ls.name as leader_school_name',
        'st.subject',
        'st.founded_on',
        'st.description',
      ]);
  }

  private async withMembers(
    rows: Awaited<ReturnType<ReturnType<StudiosService['query']>['execute']>>,
  ): Promise<Studio[]> {
    const ids = rows.map((r) => r.id);
    const members = ids.length
      ? await this.db
          .selectFrom('master_studio_members as m')
          .innerJoin('teachers as t', 't.id', 'm.teacher_id')
          .innerJoin('schools as s', 's.id', 't.school_id')
          .select(['m.studio_id', 'm.teacher_id', 't.name', 's.name as school_name', 'm.joined_on'])
          .where('m.studio_id', 'in', ids)
          .orderBy('m.joined_on')
          .orderBy('t.name')
          .execute()
      : [];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      regionCode: r.region_code,
      communityId: r.community_id,
      communityName: r.community_name,
      leaderTeacherId: r.leader_teacher_id,
      leaderName: r.leader_name,
      leaderSchoolName: r.leader_school_name,
      subject: r.subject,
      foundedOn: r.founded_on,
      description: r.description,
      members: members
        .filter((m) => m.studio_id === r.id)
        .map((m) => ({ teacherId: m.teacher_id, name: m.name, schoolName: m.school_name, joinedOn: m.joined_on })),
    }));
  }

  async list(
    actor: Actor,
    q: { page: number; pageSize: number; communityId?: number | undefined; search?: string | undefined },
  ): Promise<{ items: Studio[]; total: number }> {
    let base = this.query(actor);
    if (q.communityId) base = base.where('st.community_id', '=', q.communityId);
    if (q.search) base = base.where('st.name', 'ilike', `%${q.search}%`);
    const all = await base.orderBy('st.founded_on', 'desc').orderBy('st.id').execute();
    return { items: await this.withMembers(pageSlice(all, q)), total: all.length };
  }

  async get(actor: Actor, id: number): Promise<Studio> {
    const row = await this.query(actor).where('st.id', '=', id).executeTakeFirst();
    if (!row) {
      if (await this.db.selectFrom('master_studios').select('id').where('id', '=', id).executeTakeFirst())
        throw outOfScope('studio');
      throw notFound('studio', id);
    }
    return (await this.withMembers([row]))[0]!;
  }

  private async teacherInScope(actor: Actor, teacherId: number, field: string) {
    const t = await repo.findTeacher(this.db, teacherId);
    if (!t) throw unknownReference(field, `教师 ${teacherId} 不存在`, `Teacher ${teacherId} does not exist`);
    if (!(await repo.visibleSchools(this.db, actor, [t.school_id])).has(t.school_id)) {
      throw referenceOutOfScope(field, `教师“${t.name}”不在您的管理范围内`, `Teacher ${t.name} is outside your scope`);
    }
    return t;
  }

  async create(caller: Caller, input: StudioInput): Promise<Studio> {
    if (!exchangePolicy.manageStudio(caller.actor, input.regionCode, input.communityId ?? null))
      throw new ForbiddenError();
    await this.teacherInScope(caller.actor, input.leaderTeacherId, 'body.leaderTeacherId');
    for (const [i, m] of input.memberIds.entries()) await this.teacherInScope(caller.actor, m, `body.memberIds.${i}`);
    const id = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('master_studios')
        .values({
          name: input.name,
          region_code: input.regionCode,
          community_id: input.communityId ?? null,
          leader_teacher_id: input.leaderTeacherId,
          subject: input.subject ?? null,
          founded_on: input.foundedOn,
          description: input.description ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const members = [...new Set(input.memberIds.filter((m) => m !== input.leaderTeacherId))];
      if (members.length)
        await tx
          .insertInto('master_studio_members')
          .values(members.map((t) => ({ studio_id: row.id, teacher_id: t, joined_on: input.foundedOn })))
          .execute();
      await recordAudit(tx, caller, {
        action: 'create',
        entity: 'master_studio',
        entityId: row.id,
        after: { ...row, members },
      });
      return row.id;
    });
    return this.get(caller.actor, id);
  }

  private async editable(caller: Caller, id: number) {
    const s = await this.get(caller.actor, id);
    if (!exchangePolicy.manageStudio(caller.actor, s.regionCode, s.communityId)) throw new ForbiddenError();
    return s;
  }

  async addMember(caller: Caller, id: number, teacherId: number, joinedOn: string): Promise<Studio> {
    const s = await this.editable(caller, id);
    await this.teacherInScope(caller.actor, teacherId, 'body.teacherId');
    if (s.members.some((m) => m.teacherId === teacherId) || s.leaderTeacherId === teacherId) {
      throw new ConflictError('duplicate', { field: '工作室成员', fieldEn: 'studio member', value: teacherId });
    }
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('master_studio_members')
        .values({ studio_id: id, teacher_id: teacherId, joined_on: joinedOn })
        .execute();
      await recordAudit(tx, caller, {
        action: 'add_member',
        entity: 'master_studio',
        entityId: id,
        after: { teacherId, joinedOn },
      });
    });
    return this.get(caller.actor, id);
  }

  async removeMember(caller: Caller, id: number, teacherId: number): Promise<Studio> {
    const s = await this.editable(caller, id);
    const member = s.members.find((m) => m.teacherId === teacherId);
    if (!member) throw notFound('teacher', teacherId);
    await this.db.transaction().execute(async (tx) => {
      await tx
        .deleteFrom('master_studio_members')
        .where('studio_id', '=', id)
        .where('teacher_id', '=', teacherId)
        .execute();
      await recordAudit(tx, caller, { action: 'remove_member', entity: 'master_studio', entityId: id, before: member });
    });
    return this.get(caller.actor, id);
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const s = await this.editable(caller, id);
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('master_studios').where('id', '=', id).execute();
      await recordAudit(tx, caller, { action: 'delete', entity: 'master_studio', entityId: id, before: s });
    });
  }
}
