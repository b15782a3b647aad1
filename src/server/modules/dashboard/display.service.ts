import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import {
  AppError,
  ForbiddenError,
  NotFoundError,
  OutOfScopeError,
  ValidationError,
  fieldIssue,
} from '../../http/errors.js';
import type { Role, ScopeKind } from '../../../shared/enums.js';
import type { DisplayLink, DisplayLinkInput } from '../../../shared/dashboard.schemas.js';
import { regionPrefix } from '../../../shared/regions.js';
import { recordAudit } from '../audit/index.js';
import { dashboardPolicy, type DisplayScope } from './dashboard.policy.js';

export const hashDisplayToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Tokens are 32 random bytes; anything else is refused before touching the database. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Display links for the meeting-room screen (数据大屏). The screen has no login: the link's token is
 * the credential, and it yields only a read-only, aggregate-only actor for one region or community.
 * Only the hash is stored, so a leaked table opens no screen; a link is revoked, never deleted (the
 * audit trail keeps who made it), and expires.
 */
export class DisplayService {
  constructor(
    private readonly db: Db,
    /** GONGJIN_DISPLAY_LINK_MAX_DAYS: the longest lifetime a link may be given (and the default) */
    private readonly maxDays = 365,
  ) {}

  private async target(
    actor: Actor,
    input: Pick<DisplayLinkInput, 'regionCode' | 'communityId'>,
  ): Promise<DisplayScope & { name: string }> {
    if (input.communityId) {
      const c = await this.db
        .selectFrom('communities')
        .select(['id', 'name', 'region_code', 'partner_region_code'])
        .where('id', '=', input.communityId)
        .executeTakeFirst();
      if (!c)
        throw new ValidationError([
          fieldIssue(
            'body.communityId',
            'unknown_reference',
            `教共体 ${input.communityId} 不存在`,
            `Community ${input.communityId} does not exist`,
          ),
        ]);
      return { kind: 'community', id: String(c.id), regions: [c.region_code, c.partner_region_code], name: c.name };
    }
    const code = input.regionCode ?? (actor.scope.kind === 'region' ? actor.scope.id : null);
    if (!code) return { kind: 'community', id: actor.scope.id, regions: [], name: '' }; // a lead's own community
    const r = await this.db.selectFrom('regions').select(['code', 'name']).where('code', '=', code).executeTakeFirst();
    if (!r)
      throw new ValidationError([
        fieldIssue('body.regionCode', 'unknown_reference', `地区 ${code} 不存在`, `Region ${code} does not exist`),
      ]);
    return { kind: 'region', id: r.code, name: r.name };
  }

  async create(caller: Caller, input: DisplayLinkInput): Promise<DisplayLink & { token: string }> {
    const { actor } = caller;
    if (!dashboardPolicy.mayManageAnyDisplay(actor)) throw new ForbiddenError();
    let target = await this.target(actor, input);
    if (target.kind === 'community' && !target.name)
      target = await this.target(actor, { communityId: Number(target.id) });
    if (!dashboardPolicy.manageDisplay(actor, target)) throw new OutOfScopeError(target.kind);
    const validDays = input.validDays ?? this.maxDays;
    if (validDays > this.maxDays) {
      throw new ValidationError([
        fieldIssue(
          'body.validDays',
          'too_long',
          `大屏链接有效期最长 ${this.maxDays} 天`,
          `A display link can be valid for at most ${this.maxDays} days`,
        ),
      ]);
    }
    const token = randomBytes(32).toString('base64url');
    const id = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('dashboard_display_links')
        .values({
          token_hash: hashDisplayToken(token),
          label: input.label,
          scope_kind: target.kind,
          scope_id: target.id,
          created_by: actor.userId,
          expires_at: sql<string>`now() + make_interval(days => ${validDays})` as unknown as string,
        })
        .returning(['id', 'label', 'scope_kind', 'scope_id', 'expires_at'])
        .executeTakeFirstOrThrow();
      // the token itself never reaches the audit log
      await recordAudit(tx, caller, { action: 'create', entity: 'display_link', entityId: row.id, after: row });
      return row.id;
    });
    return { ...(await this.get(actor, id)), token };
  }

  private listQuery(actor: Actor) {
    let q = this.db
      .selectFrom('dashboard_display_links as d')
      .innerJoin('users as u', 'u.id', 'd.created_by')
      .select([
        'd.id',
        'd.label',
        'd.scope_kind',
        'd.scope_id',
        'd.created_at',
        'd.expires_at',
        'd.revoked_at',
        'd.last_used_at',
        'u.display_name as created_by_name',
        sql<string>`coalesce((select r.name from regions r where d.scope_kind = 'region' and r.code = d.scope_id),
          (select c.name from communities c where d.scope_kind = 'community' and c.id::text = d.scope_id), d.scope_id)`.as(
          'scope_name',
        ),
      ]);
    if (actor.role === 'bureau_admin' && actor.scope.kind === 'region') {
      const p = `${regionPrefix(actor.scope.id)}%`;
      q =
        q.where(sql<boolean>`((d.scope_kind = 'region' and d.scope_id like ${p}) or (d.scope_kind = 'community' and d.scope_id in (
        select c.id::text from communities c where c.region_code like ${p} or c.partner_region_code like ${p})))`);
    } else if (actor.role === 'community_lead' && actor.scope.kind === 'community') {
      q = q.where('d.scope_kind', '=', 'community').where('d.scope_id', '=', actor.scope.id);
    } else q = q.where(sql<boolean>`false`);
    return q;
  }

  async list(actor: Actor): Promise<DisplayLink[]> {
    if (!dashboardPolicy.mayManageAnyDisplay(actor)) throw new ForbiddenError();
    const rows = await this.listQuery(actor).orderBy('d.id', 'desc').limit(200).execute();
    return rows.map(toLink);
  }

  async get(actor: Actor, id: number): Promise<DisplayLink> {
    const row = await this.listQuery(actor).where('d.id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('display_link', id);
    return toLink(row);
  }

  async revoke(caller: Caller, id: number): Promise<DisplayLink> {
    const before = await this.get(caller.actor, id);
    if (before.revokedAt) return before;
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('dashboard_display_links')
        .set({ revoked_at: sql<string>`now()` as unknown as string })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      await recordAudit(tx, caller, { action: 'revoke', entity: 'display_link', entityId: id, before });
    });
    return this.get(caller.actor, id);
  }

  /**
   * The read-only actor a display token stands for: role viewer, scope of the link. It exists only
   * inside the display routes (no session is created), so it can read nothing but aggregates. Each use
   * rechecks the creator: still there, active, and still allowed to make this link (role and scope);
   * otherwise the link no longer works.
   */
  async actorForToken(token: string): Promise<{ actor: Actor; linkId: number; label: string }> {
    const invalid = () => new AppError(401, 'display_link_invalid');
    if (!TOKEN.test(token)) throw invalid();
    const row = await this.db
      .selectFrom('dashboard_display_links as d')
      .innerJoin('users as u', 'u.id', 'd.created_by')
      .leftJoin('communities as c', (j) => j.on(sql<boolean>`d.scope_kind = 'community' and c.id::text = d.scope_id`))
      .select([
        'd.id',
        'd.label',
        'd.scope_kind',
        'd.scope_id',
        'd.created_by',
        'u.username',
        'u.display_name',
        'u.role',
        'u.scope_kind as user_scope_kind',
        'u.scope_id as user_scope_id',
        'u.teacher_id',
        'u.is_active',
        'c.id as community_id',
        'c.region_code',
        'c.partner_region_code',
      ])
      .where('d.token_hash', '=', hashDisplayToken(token))
      .where('d.revoked_at', 'is', null)
      .where('d.expires_at', '>', sql<string>`now()`)
      .executeTakeFirst();
    if (!row || !row.is_active) throw invalid();
    const creator: Actor = {
      userId: row.created_by,
      username: row.username,
      displayName: row.display_name,
      role: row.role as Role,
      scope: { kind: row.user_scope_kind as ScopeKind, id: row.user_scope_id },
      teacherId: row.teacher_id,
    };
    const target: DisplayScope =
      row.scope_kind === 'community'
        ? { kind: 'community', id: row.scope_id, regions: [row.region_code, row.partner_region_code] }
        : { kind: 'region', id: row.scope_id };
    if (row.scope_kind === 'community' && row.community_id === null) throw invalid();
    if (!dashboardPolicy.manageDisplay(creator, target)) throw invalid();
    // a screen refreshes every minute; note the use at most every ten minutes
    await this.db
      .updateTable('dashboard_display_links')
      .set({ last_used_at: sql<string>`now()` as unknown as string })
      .where('id', '=', row.id)
      .where(sql<boolean>`(last_used_at is null or last_used_at < now() - interval '10 minutes')`)
      .execute();
    return {
      linkId: row.id,
      label: row.label,
      actor: {
        userId: row.created_by,
        username: `display-link-${row.id}`,
        displayName: row.label,
        role: 'viewer',
        scope: { kind: row.scope_kind as 'region' | 'community', id: row.scope_id },
        teacherId: null,
      },
    };
  }
}

function toLink(r: {
  id: number;
  label: string;
  scope_kind: string;
  scope_id: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  created_by_name: string;
  scope_name: string;
}): DisplayLink {
  const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());
  return {
    id: r.id,
    label: r.label,
    scopeKind: r.scope_kind as 'region' | 'community',
    scopeId: r.scope_id,
    scopeName: r.scope_name,
    createdBy: r.created_by_name,
    createdAt: iso(r.created_at)!,
    expiresAt: iso(r.expires_at)!,
    revokedAt: iso(r.revoked_at),
    lastUsedAt: iso(r.last_used_at),
  };
}
