import { shanghaiDateTime } from '../../../shared/beijing-time.js';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { ValidationError, fieldIssue, notPermitted, ruleViolation } from '../../http/errors.js';
import type {
  InvitedPrincipal,
  Minutes,
  MinutesSave,
  PrincipalInvite,
  ReturnBody,
  SchoolPrincipal,
  SignBody,
} from '../../../shared/meetings.schemas.js';
import { invitePrincipal } from '../auth/index.js';
import { recordAudit } from '../audit/index.js';
import type { Notifier } from '../../contracts/notify.js';
import { currentMemberSchools, managedMeeting, readableMeeting } from './meetings.access.js';
import { toRevision } from './meetings.mappers.js';
import { meetingsPolicy } from './meetings.policy.js';
import * as repo from './meetings.repo.js';
import {
  allSigned,
  normalizeMinutes,
  pickPrincipal,
  resolveSigners,
  sha256Hex,
  SIGN_REFUSAL_TEXT,
  meetingStarted,
  signRefusal,
  type SchoolAdminCandidate,
  type SignRefusal,
} from './meetings.rules.js';

const refuse = (r: SignRefusal) => {
  const t = SIGN_REFUSAL_TEXT[r];
  return t.status === 403 ? notPermitted(t.zh, t.en) : ruleViolation(t.status, t.zh, t.en);
};

/**
 * The minutes and their co-signing (会签): draft → circulated → each required signer signs or
 * returns → returned goes back to draft → all signed → locked. A locked revision is never altered;
 * a later change is a new revision, circulated and signed on its own. Every step locks the latest
 * revision row (select … for update), so concurrent signers are applied one after the other and
 * each sees the others' signatures.
 */
export class MinutesService {
  constructor(
    private readonly db: Db,
    /** tells signers their signature was voided (the notifications module's, from the manifests) */
    private readonly notify: Notifier = async () => null,
  ) {}

  async get(actor: Actor, meetingId: number): Promise<Minutes> {
    await readableMeeting(this.db, actor, meetingId);
    const revisions = await repo.revisionsOf(this.db, meetingId);
    const signers = await repo.signersOf(
      this.db,
      revisions.map((r) => r.id),
    );
    const [current, ...history] = revisions.map((r) => toRevision(r, signers));
    return { meetingId, current: current ?? null, history };
  }

  private latestForUpdate(tx: Db, meetingId: number) {
    return tx
      .selectFrom('meeting_minutes_revisions')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .orderBy('revision', 'desc')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
  }

  /** Writes the draft (creating revision 1 on first save). Circulated or locked minutes cannot be edited. */
  async save(caller: Caller, meetingId: number, input: MinutesSave): Promise<Minutes> {
    await managedMeeting(this.db, caller.actor, meetingId);
    const body = normalizeMinutes(input.body);
    const hash = sha256Hex(body);
    await this.db.transaction().execute(async (tx) => {
      const cur = await this.latestForUpdate(tx, meetingId);
      const who = {
        updated_by: caller.actor.userId,
        updated_by_name: caller.actor.displayName,
        updated_at: new Date().toISOString(),
      };
      if (!cur) {
        const row = await tx
          .insertInto('meeting_minutes_revisions')
          .values({
            meeting_id: meetingId,
            revision: 1,
            status: 'draft',
            body,
            body_sha256: hash,
            round: 0,
            circulated_at: null,
            locked_at: null,
            ...who,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(tx, caller, {
          action: 'create',
          entity: 'meeting_minutes',
          entityId: row.id,
          after: { meetingId, revision: 1, sha256: hash },
        });
        return;
      }
      if (cur.status === 'circulated')
        throw ruleViolation(
          409,
          '纪要正在传阅会签，不能修改；如需修改，请由签署人退回',
          'The minutes are circulating for signature and cannot be edited; a signer must return them first',
        );
      if (cur.status === 'locked')
        throw ruleViolation(
          409,
          '纪要已全部会签并锁定，不能修改；如需更正，请新建修订版',
          'The minutes are signed and locked; start a new revision to change them',
        );
      if (input.baseSha256 && input.baseSha256 !== cur.body_sha256) {
        throw ruleViolation(
          409,
          '纪要已被他人修改，请刷新后在最新内容上编辑',
          'Someone else changed the minutes; reload and edit the latest text',
        );
      }
      await tx
        .updateTable('meeting_minutes_revisions')
        .set({ body, body_sha256: hash, ...who })
        .where('id', '=', cur.id)
        .execute();
      await recordAudit(tx, caller, {
        action: 'update',
        entity: 'meeting_minutes',
        entityId: cur.id,
        before: { sha256: cur.body_sha256 },
        after: { sha256: hash },
      });
    });
    return this.get(caller.actor, meetingId);
  }

  /** Starts revision n+1 from the locked text of revision n. */
  async newRevision(caller: Caller, meetingId: number): Promise<Minutes> {
    await managedMeeting(this.db, caller.actor, meetingId);
    await this.db.transaction().execute(async (tx) => {
      const cur = await this.latestForUpdate(tx, meetingId);
      if (!cur || cur.status !== 'locked')
        throw ruleViolation(
          409,
          '只有已锁定的纪要才能新建修订版；当前版本仍可直接编辑或正在会签',
          'Only locked minutes take a new revision; the current one is still a draft or circulating',
        );
      const row = await tx
        .insertInto('meeting_minutes_revisions')
        .values({
          meeting_id: meetingId,
          revision: cur.revision + 1,
          status: 'draft',
          body: cur.body,
          body_sha256: cur.body_sha256,
          round: 0,
          circulated_at: null,
          locked_at: null,
          updated_by: caller.actor.userId,
          updated_by_name: caller.actor.displayName,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, {
        action: 'create',
        entity: 'meeting_minutes',
        entityId: row.id,
        after: { meetingId, revision: row.revision, from: cur.revision },
      });
    });
    return this.get(caller.actor, meetingId);
  }

  /**
   * Sends the draft for co-signing. The required signers are resolved now: the principal (a
   * school_admin account) of every current core and member school; a school without one is a 422.
   */
  async circulate(caller: Caller, meetingId: number, seen: { sha256?: string | undefined }): Promise<Minutes> {
    const access = await managedMeeting(this.db, caller.actor, meetingId);
    if (!meetingStarted(access.meeting.starts_at, new Date())) {
      const when = shanghaiDateTime(new Date(access.meeting.starts_at).toISOString());
      throw ruleViolation(
        422,
        `会议尚未召开（${when}），纪要不能传阅会签；请在会议开始后再传阅`,
        `The meeting has not taken place yet (${when}); circulate its minutes once it has begun`,
      );
    }
    const schools = await currentMemberSchools(this.db, access.community.id);
    if (!schools.length)
      throw ruleViolation(422, '该教共体当前没有成员学校，无法会签', 'The community has no current schools to sign');
    const { signers, missing } = resolveSigners(schools, await principalCandidates(this.db, schools));
    if (missing.length) {
      const names = missing.map((m) => m.schoolName);
      throw new ValidationError(
        missing.map((m) =>
          fieldIssue(
            'signers',
            'no_principal',
            `${m.schoolName}没有校长账号（学校管理员），无法确定会签人`,
            `${m.schoolName} has no principal account (school administrator) to sign`,
          ),
        ),
        'rule_violation',
        {
          reason: `以下学校没有校长账号，请先在纪要页为其开通校长账号（或由教育局开通学校管理员账号）：${names.join('、')}`,
          reasonEn: `These schools have no principal account; open one from the minutes page (or have the bureau create a school administrator) first: ${names.join(', ')}`,
        },
      );
    }
    await this.db.transaction().execute(async (tx) => {
      const cur = await this.latestForUpdate(tx, meetingId);
      if (!cur) throw ruleViolation(409, '尚未起草纪要，不能传阅', 'There are no minutes to circulate yet');
      if (cur.status !== 'draft')
        throw ruleViolation(
          409,
          cur.status === 'locked' ? '纪要已锁定，请新建修订版' : '纪要已在传阅会签中',
          cur.status === 'locked'
            ? 'The minutes are locked; start a new revision'
            : 'The minutes are already circulating',
        );
      if (!cur.body.trim())
        throw ruleViolation(422, '纪要内容为空，不能传阅', 'The minutes are empty and cannot be circulated');
      if (seen.sha256 && seen.sha256 !== cur.body_sha256)
        throw ruleViolation(
          409,
          '纪要已被他人修改，请刷新后再传阅',
          'The minutes changed since you loaded them; reload before circulating',
        );
      const round = cur.round + 1;
      await tx
        .updateTable('meeting_minutes_revisions')
        .set({ status: 'circulated', round, circulated_at: new Date().toISOString() })
        .where('id', '=', cur.id)
        .execute();
      await tx
        .insertInto('meeting_minutes_signers')
        .values(
          signers.map((s) => ({
            revision_id: cur.id,
            round,
            school_id: s.schoolId,
            school_name: s.schoolName,
            school_role: s.role,
            user_id: s.userId,
            signer_name: s.signerName,
            status: 'pending',
            decided_at: null,
            comment: null,
            signed_sha256: null,
          })),
        )
        .execute();
      await recordAudit(tx, caller, {
        action: 'circulate',
        entity: 'meeting_minutes',
        entityId: cur.id,
        after: {
          revision: cur.revision,
          round,
          sha256: cur.body_sha256,
          signers: signers.map((s) => ({ schoolId: s.schoolId, userId: s.userId })),
        },
      });
    });
    return this.get(caller.actor, meetingId);
  }

  /**
   * The lead takes circulating minutes back to draft (issue 22): the round's signatures so far are
   * voided — kept with their hash and time in the history, never counted again — and every signer
   * who already signed or still had to sign is told. A re-circulation starts a fresh round.
   */
  async withdraw(caller: Caller, meetingId: number, seen: { sha256?: string | undefined }): Promise<Minutes> {
    const access = await managedMeeting(this.db, caller.actor, meetingId);
    await this.db.transaction().execute(async (tx) => {
      const cur = await this.latestForUpdate(tx, meetingId);
      if (!cur || cur.status !== 'circulated')
        throw ruleViolation(
          409,
          cur?.status === 'locked' ? '纪要已全部会签并锁定，不能撤回' : '纪要不在传阅会签中，无需撤回',
          cur?.status === 'locked'
            ? 'The minutes are signed and locked; they cannot be withdrawn'
            : 'The minutes are not circulating; there is nothing to withdraw',
        );
      if (seen.sha256 && seen.sha256 !== cur.body_sha256)
        throw ruleViolation(
          409,
          '纪要已变化，请刷新后再撤回',
          'The minutes changed since you loaded them; reload before withdrawing',
        );
      const voided = await tx
        .updateTable('meeting_minutes_signers')
        .set({ status: 'void' })
        .where('revision_id', '=', cur.id)
        .where('round', '=', cur.round)
        .where('status', 'in', ['pending', 'signed'])
        .returningAll()
        .execute();
      await tx.updateTable('meeting_minutes_revisions').set({ status: 'draft' }).where('id', '=', cur.id).execute();
      await recordAudit(tx, caller, {
        action: 'withdraw',
        entity: 'meeting_minutes',
        entityId: cur.id,
        after: {
          revision: cur.revision,
          round: cur.round,
          sha256: cur.body_sha256,
          voided: voided.map((s) => ({
            schoolId: s.school_id,
            userId: s.user_id,
            was: s.decided_at ? 'signed' : 'pending',
          })),
        },
      });
      const title = access.meeting.title;
      for (const s of voided) {
        if (s.user_id === null) continue;
        const signed = s.decided_at !== null;
        await this.notify(tx, {
          userId: s.user_id,
          kind: 'minutes_signature',
          dedupeKey: `minutes-withdrawn:${s.id}`,
          title: '会议纪要已撤回',
          titleEn: 'Minutes withdrawn',
          body: `${access.community.name}「${title}」第 ${cur.revision} 版纪要已由负责人撤回修改${signed ? '，您此前的签署已作废，重新传阅后请再次签署' : '，暂不需要签署'}`,
          bodyEn: `${access.community.name}: revision ${cur.revision} of the minutes of “${title}” was withdrawn for changes${signed ? '; your signature is void, please sign again once they circulate anew' : '; no signature is needed for now'}`,
          link: `/meetings/${meetingId}`,
        });
      }
    });
    return this.get(caller.actor, meetingId);
  }

  /** Each current core and member school with the account that signs for it (managers only: it names accounts). */
  async principals(actor: Actor, meetingId: number): Promise<SchoolPrincipal[]> {
    const access = await managedMeeting(this.db, actor, meetingId);
    const schools = await currentMemberSchools(this.db, access.community.id);
    if (!schools.length) return [];
    const [candidates, registry] = await Promise.all([
      principalCandidates(this.db, schools),
      this.db
        .selectFrom('schools')
        .select(['id', 'principal_name'])
        .where(
          'id',
          'in',
          schools.map((s) => s.schoolId),
        )
        .execute(),
    ]);
    return schools.map((s) => {
      const p = pickPrincipal(candidates.filter((c) => c.schoolId === s.schoolId));
      return {
        schoolId: s.schoolId,
        schoolName: s.schoolName,
        role: s.role,
        principal: p ? { userId: p.userId, displayName: p.displayName, username: p.username } : null,
        suggestedName: registry.find((r) => r.id === s.schoolId)?.principal_name ?? null,
      };
    });
  }

  /**
   * Issue 20: a member school without a principal account blocks circulation, and only user
   * administration could open one. The meeting's manager opens it here — only for a current member
   * school that has none — with a one-time password shown once; the account must change it at first
   * sign-in. The account is made through the auth module's public surface and audited there.
   */
  async invitePrincipal(caller: Caller, meetingId: number, input: PrincipalInvite): Promise<InvitedPrincipal> {
    const access = await managedMeeting(this.db, caller.actor, meetingId);
    const school = (await currentMemberSchools(this.db, access.community.id)).find(
      (s) => s.schoolId === input.schoolId,
    );
    if (!school)
      throw new ValidationError([
        fieldIssue(
          'body.schoolId',
          'not_member',
          '只能为本教共体当前的核心校或成员校开通校长账号',
          'A principal account can be opened only for a current core or member school of this community',
        ),
      ]);
    return this.db.transaction().execute(async (tx) => {
      // one invitation at a time per meeting, so two clicks cannot open two accounts for a school
      await tx.selectFrom('meetings').select('id').where('id', '=', meetingId).forUpdate().execute();
      if ((await principalCandidates(tx, [school])).length)
        throw ruleViolation(
          409,
          `${school.schoolName}已有校长账号（学校管理员），无需再开通`,
          `${school.schoolName} already has a principal account (school administrator)`,
        );
      const made = await invitePrincipal(tx, caller, {
        schoolId: school.schoolId,
        displayName: input.displayName,
        username: input.phone,
        via: `meeting:${meetingId}`,
      });
      return { ...made, schoolId: school.schoolId };
    });
  }

  /** Signs the exact version the signer saw. Exactly once per signer per round, even under concurrency. */
  async sign(caller: Caller, meetingId: number, seen: SignBody): Promise<Minutes> {
    await this.decide(caller, meetingId, seen, null);
    return this.get(caller.actor, meetingId);
  }

  /** Sends the minutes back to draft with a comment everyone can read. */
  async returnMinutes(caller: Caller, meetingId: number, seen: ReturnBody): Promise<Minutes> {
    await this.decide(caller, meetingId, seen, seen.comment);
    return this.get(caller.actor, meetingId);
  }

  private async decide(caller: Caller, meetingId: number, seen: SignBody, returnComment: string | null) {
    const { actor } = caller;
    const access = await readableMeeting(this.db, actor, meetingId);
    if (!meetingsPolicy.sign(actor)) throw refuse('not_signer');
    const schoolId = Number(actor.scope.id);
    await this.db.transaction().execute(async (tx) => {
      const cur = await this.latestForUpdate(tx, meetingId);
      const signer = cur
        ? await tx
            .selectFrom('meeting_minutes_signers')
            .selectAll()
            .where('revision_id', '=', cur.id)
            .where('round', '=', cur.round)
            .where('school_id', '=', schoolId)
            .executeTakeFirst()
        : undefined;
      const refusal = signRefusal({
        current: cur,
        seen,
        signer,
        userId: actor.userId,
        meetingStarted: meetingStarted(access.meeting.starts_at, new Date()),
      });
      if (refusal) throw refuse(refusal);
      const now = new Date().toISOString();
      const decided = await tx
        .updateTable('meeting_minutes_signers')
        .set({
          status: returnComment === null ? 'signed' : 'returned',
          decided_at: now,
          comment: returnComment,
          signed_sha256: seen.sha256,
        })
        .where('id', '=', signer!.id)
        .where('status', '=', 'pending') // conditional: a second attempt updates nothing
        .returningAll()
        .executeTakeFirst();
      if (!decided) throw refuse('already_decided');
      const rev = cur!;
      if (returnComment !== null) {
        await tx
          .updateTable('meeting_minutes_signers')
          .set({ status: 'void' })
          .where('revision_id', '=', rev.id)
          .where('round', '=', rev.round)
          .where('status', '=', 'pending')
          .execute();
        await tx.updateTable('meeting_minutes_revisions').set({ status: 'draft' }).where('id', '=', rev.id).execute();
        await recordAudit(tx, caller, {
          action: 'return',
          entity: 'meeting_minutes',
          entityId: rev.id,
          after: { revision: rev.revision, round: rev.round, schoolId, sha256: seen.sha256, comment: returnComment },
        });
        return;
      }
      const round = await tx
        .selectFrom('meeting_minutes_signers')
        .select('status')
        .where('revision_id', '=', rev.id)
        .where('round', '=', rev.round)
        .execute();
      await recordAudit(tx, caller, {
        action: 'sign',
        entity: 'meeting_minutes',
        entityId: rev.id,
        after: { revision: rev.revision, round: rev.round, schoolId, sha256: seen.sha256 },
      });
      if (allSigned(round)) {
        await tx
          .updateTable('meeting_minutes_revisions')
          .set({ status: 'locked', locked_at: new Date().toISOString() })
          .where('id', '=', rev.id)
          .execute();
        await recordAudit(tx, caller, {
          action: 'lock',
          entity: 'meeting_minutes',
          entityId: rev.id,
          after: { revision: rev.revision, sha256: rev.body_sha256 },
        });
      }
    });
  }
}

/** Active school_admin accounts of the given schools, as signer candidates. */
async function principalCandidates(
  db: Db,
  schools: { schoolId: number }[],
): Promise<(SchoolAdminCandidate & { username: string })[]> {
  if (!schools.length) return [];
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('teachers as t', 't.id', 'u.teacher_id')
    .select(['u.id', 'u.username', 'u.scope_id', 'u.display_name', 't.posts'])
    .where('u.role', '=', 'school_admin')
    .where('u.scope_kind', '=', 'school')
    .where('u.is_active', '=', true)
    .where(
      'u.scope_id',
      'in',
      schools.map((s) => String(s.schoolId)),
    )
    .execute();
  return rows.map((c) => ({
    userId: c.id,
    username: c.username,
    schoolId: Number(c.scope_id),
    displayName: c.display_name,
    teacherPosts: c.posts,
  }));
}
