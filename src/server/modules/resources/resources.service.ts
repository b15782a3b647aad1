import { randomUUID } from 'node:crypto';
import { pageOffset } from '../../db/paging.js';
import type { Readable } from 'node:stream';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { JobBell } from '../../context.js';
import type { Actor, Caller } from '../../http/actor.js';
import { fileHeaders } from '../../http/file-response.js';
import { ForbiddenError, ValidationError, fieldIssue, ruleViolation, type FieldIssue } from '../../http/errors.js';
import type { BlobStorage } from '../../storage/blob-storage.js';
import { regionPrefix } from '../../../shared/regions.js';
import { VIEW_DEDUP_MINUTES, type ResourceVisibility } from '../../../shared/resources.enums.js';
import { FACETS } from '../../../shared/resources.schemas.js';
import type {
  Facet,
  MostUsed,
  ResourceComment,
  ResourceDetail,
  ResourceInput,
  ResourcePatch,
  ResourceSearchQuery,
  SearchResult,
  VersionInput,
} from '../../../shared/resources.schemas.js';
import type { Subject } from '../../../shared/enums.js';
import { recordAudit } from '../audit/index.js';
import { enqueueJob } from '../jobs/index.js';
import { notFound, outOfScope } from './resources.errors.js';
import { parseRange } from './resources.files.js';
import { resourcesPolicy, type SchoolContext } from './resources.policy.js';
import { resourceVisibleSql } from './resources.scope.js';
import * as repo from './resources.repo.js';
import { buildTsquery, buildTsvector } from './resources.search.js';
import { isThumbnailable, THUMB_MIME, thumbnailJob } from './resources.thumbnails.js';
import { takeUpload } from './uploads.service.js';

interface Meta {
  title: string;
  description: string | null;
  tags: string[];
  textbookEdition: string | null;
  unit: string | null;
}
/** Title weighs most, then tags, description, and the textbook edition and unit. */
const searchVector = (m: Meta) =>
  buildTsvector([
    { text: m.title, weight: 'A' },
    { text: m.tags.join(' '), weight: 'B' },
    { text: m.description, weight: 'C' },
    { text: [m.textbookEdition, m.unit].filter(Boolean).join(' '), weight: 'D' },
  ]);

/** A file already in storage that a new resource takes as its first version. */
/** Who owns a resource being published: a school, or (school null) the county filed under region_code. */
interface PublishTarget {
  school: SchoolContext | null;
  region_code: string;
}

/** Why resourcesPolicy.visibilityFor refused, on the field the user fixes. */
function visibilityIssue(
  school: { name: string } | null,
  visibility: ResourceVisibility,
  communityId: number | null,
): FieldIssue {
  if (!school && visibility === 'school')
    return fieldIssue(
      'body.visibility',
      'invalid_value',
      '没有所属学校的资源不能设为“本校”可见',
      'A resource of no school cannot be visible to its school only',
    );
  if (communityId === null)
    return fieldIssue(
      'body.communityId',
      'required',
      '“本教共体”可见的资源须选择教共体',
      'Choose the community a community-visible resource is shared in',
    );
  if (!school)
    return fieldIssue(
      'body.communityId',
      'out_of_scope',
      '分享到教共体的资源须选择所属学校',
      'Choose the school of a resource shared in a community',
    );
  return fieldIssue(
    'body.communityId',
    'out_of_scope',
    `“${school.name}”不属于教共体 ${communityId}，或您不在该教共体中`,
    `${school.name} is not a member of community ${communityId}, or you do not act in it`,
  );
}

interface PublishedFile {
  storage_key: string;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
}

export interface FileAnswer {
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  body: Readable | null;
}

/** The query parameter and the column of each facet. */
const FACET_FILTER: Record<Facet, keyof ResourceSearchQuery> = {
  subject: 'subject',
  grade: 'grade',
  kind: 'kind',
  school: 'schoolId',
  community: 'communityId',
};
const FACET_COLUMN: Record<Facet, string> = {
  subject: 'r.subject',
  grade: 'r.grade',
  kind: 'r.kind',
  school: 'r.school_id',
  community: 'r.community_id',
};

export class ResourcesService {
  constructor(
    private readonly db: Db,
    /** absent for callers that only publish links (createRecordingResource) */
    private readonly blobs?: BlobStorage,
    private readonly jobBell?: JobBell,
  ) {}

  /** An image version gets its thumbnail on the job queue, queued in the transaction that adds it. */
  private async queueThumbnail(tx: Db, versionId: number, mime: string | null | undefined): Promise<boolean> {
    if (!isThumbnailable(mime)) return false;
    await enqueueJob(tx, thumbnailJob, { versionId });
    return true;
  }

  private get storage(): BlobStorage {
    if (!this.blobs) throw new Error('ResourcesService: this operation needs file storage');
    return this.blobs;
  }

  // ---------- reading ----------
  /** Conditions that narrow the matching set: visibility, text, and the non-facet filters. */
  private baseConditions(actor: Actor, q: ResourceSearchQuery, tsq: string | null): Expression<SqlBool>[] {
    const out: Expression<SqlBool>[] = [resourceVisibleSql(actor)];
    if (tsq) out.push(sql<SqlBool>`r.search_vec @@ ${tsq}::tsquery`);
    if (q.textbookEdition) out.push(sql<SqlBool>`r.textbook_edition = ${q.textbookEdition}`);
    if (q.unit) out.push(sql<SqlBool>`r.unit = ${q.unit}`);
    if (q.recommended !== undefined) out.push(sql<SqlBool>`r.recommended = ${q.recommended}`);
    if (q.mine) out.push(sql<SqlBool>`r.owner_user_id = ${actor.userId}`);
    return out;
  }

  /** Facet filters, all but `skip`: each facet's counts ignore its own filter so a user can widen a choice. */
  private facetConditions(q: ResourceSearchQuery, skip?: Facet): Expression<SqlBool> {
    const out: Expression<SqlBool>[] = [sql<SqlBool>`true`];
    for (const f of FACETS) {
      const v = q[FACET_FILTER[f]] as readonly (string | number)[] | undefined;
      if (f !== skip && v?.length) out.push(sql<SqlBool>`${sql.ref(FACET_COLUMN[f])} in (${sql.join(v)})`);
    }
    return sql<SqlBool>`(${sql.join(out, sql` and `)})`;
  }

  /**
   * One pass over the matches: a materialised set of the visible rows that match the text (with
   * their rank), from which one statement derives the total, every facet's counts and the ids of
   * the requested page; a second statement loads those few rows by primary key.
   */
  async search(actor: Actor, q: ResourceSearchQuery): Promise<SearchResult> {
    const tsq = buildTsquery(q.q);
    const sort = q.sort === 'relevance' && !tsq ? 'newest' : q.sort;
    const rank = tsq ? sql`ts_rank(r.search_vec, ${tsq}::tsquery)` : sql`null::real`;
    const order = {
      relevance: sql`r.rank desc, r.recommended desc, r.used desc, r.id desc`,
      popular: sql`r.used desc, r.id desc`,
      newest: sql`r.created_at desc, r.id desc`,
    }[sort];
    const all = this.facetConditions(q);
    const rows = await sql<{
      facet: string;
      value: string | null;
      label: string | null;
      n: number | null;
      id: number | null;
      rank: number | null;
    }>`
      with m as materialized (
        select r.id, r.subject, r.grade, r.kind, r.school_id, r.community_id, r.recommended, r.view_count + r.download_count as used, r.created_at, ${rank} as rank
        from resources r where ${sql.join(this.baseConditions(actor, q, tsq), sql` and `)}
      )
      (select 'total' as facet, null::text as value, null::text as label, count(*)::int as n, null::int as id, null::real as rank from m r where ${all})
      union all (select 'subject', r.subject, null, count(*)::int, null, null from m r where ${this.facetConditions(q, 'subject')} group by r.subject)
      union all (select 'grade', r.grade::text, null, count(*)::int, null, null from m r where ${this.facetConditions(q, 'grade')} and r.grade is not null group by r.grade)
      union all (select 'kind', r.kind, null, count(*)::int, null, null from m r where ${this.facetConditions(q, 'kind')} group by r.kind)
      union all (select 'school', t.id::text, t.name, count(*)::int, null, null from m r join schools t on t.id = r.school_id
        where ${this.facetConditions(q, 'school')} group by t.id, t.name order by count(*) desc, t.id limit 30)
      union all (select 'community', t.id::text, t.name, count(*)::int, null, null from m r join communities t on t.id = r.community_id
        where ${this.facetConditions(q, 'community')} group by t.id, t.name order by count(*) desc, t.id limit 30)
      union all (select 'item', null, null, null, r.id, r.rank from m r where ${all} order by ${order} limit ${q.pageSize} offset ${pageOffset(q)})`.execute(
      this.db,
    );

    const facets: SearchResult['facets'] = { subject: [], grade: [], kind: [], school: [], community: [] };
    let total = 0;
    const page: { id: number; rank: number | null }[] = [];
    for (const r of rows.rows) {
      if (r.facet === 'total') total = r.n ?? 0;
      else if (r.facet === 'item') page.push({ id: r.id!, rank: r.rank });
      else facets[r.facet as Facet].push({ value: r.value ?? '', label: r.label, count: r.n ?? 0 });
    }
    for (const f of ['subject', 'grade', 'kind'] as const)
      facets[f].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    if (!page.length) return { items: [], total, facets };
    const details = await repo
      .resourceSelect(this.db)
      .select(sql<null>`null`.as('rank'))
      .where(
        'r.id',
        'in',
        page.map((p) => p.id),
      )
      .execute();
    const byId = new Map(details.map((d) => [d.id, d]));
    const items = page.flatMap((p) => {
      const d = byId.get(p.id);
      return d ? [repo.toResource({ ...d, rank: p.rank })] : [];
    });
    return { items, total, facets };
  }

  /** The resource if the actor may see it; a 404 otherwise, so hidden resources do not even exist. */
  private async visible(actor: Actor, id: number) {
    const row = await repo
      .resourceSelect(this.db)
      .select(sql<null>`null`.as('rank'))
      .where('r.id', '=', id)
      .where(resourceVisibleSql(actor))
      .executeTakeFirst();
    if (!row) throw notFound('resource', id);
    return row;
  }

  async get(actor: Actor, id: number): Promise<ResourceDetail> {
    const row = await this.visible(actor, id);
    const school = await (row.school_id === null ? null : repo.schoolContext(this.db, row.school_id));
    const communityIds = school?.communityIds ?? [];
    const [versions, mine] = await Promise.all([
      repo.versionsOf(this.db, id),
      this.db
        .selectFrom('resource_ratings')
        .select('stars')
        .where('resource_id', '=', id)
        .where('user_id', '=', actor.userId)
        .executeTakeFirst(),
    ]);
    return {
      ...repo.toResource(row),
      versions,
      myRating: mine?.stars ?? null,
      can: {
        edit: resourcesPolicy.edit(actor, row, communityIds),
        recommend: resourcesPolicy.recommend(actor, row, communityIds),
        rate: resourcesPolicy.rate(actor),
      },
    };
  }

  // ---------- writing ----------
  /**
   * The owner of a resource being published: a school in the actor's reach, or, with no school, the
   * bureau's own county (the region code the resource is filed under either way).
   */
  private async publishTarget(
    actor: Actor,
    schoolId: number | null | undefined,
    visibility: ResourceVisibility,
    communityId: number | null,
  ): Promise<PublishTarget> {
    const school = schoolId == null ? null : await repo.schoolContext(this.db, schoolId);
    if (schoolId == null) {
      if (!resourcesPolicy.publishForRegion(actor, actor.scope.id))
        throw new ValidationError([
          fieldIssue('body.schoolId', 'required', '请选择所属学校', 'Choose the school the resource belongs to'),
        ]);
    } else if (!school) {
      throw new ValidationError([
        fieldIssue(
          'body.schoolId',
          'unknown_reference',
          `学校 ${schoolId} 不存在`,
          `School ${schoolId} does not exist`,
        ),
      ]);
    } else if (!resourcesPolicy.publishFor(actor, school)) throw outOfScope('school');
    if (!resourcesPolicy.visibilityFor(actor, school, visibility, communityId))
      throw new ValidationError([visibilityIssue(school, visibility, communityId)]);
    return school ? { school, region_code: school.region_code } : { school: null, region_code: actor.scope.id };
  }

  /**
   * Where a sync-class recording is published: the organising school, in its community. The
   * activities module has already decided the caller may add to the class (its attach rule), and the
   * class is readable by the whole community, so publishing its recording there shows nobody more.
   */
  private async recordingTarget(schoolId: number, communityId: number | null): Promise<SchoolContext> {
    const school = await repo.schoolContext(this.db, schoolId);
    if (!school || communityId === null || !school.communityIds.includes(communityId)) {
      throw new ValidationError([
        fieldIssue(
          'body.communityId',
          'out_of_scope',
          `学校 ${schoolId} 已不在教共体 ${communityId} 中，录像无法发布到资源库`,
          `School ${schoolId} is no longer in community ${communityId}; the recording cannot be published`,
        ),
      ]);
    }
    return school;
  }

  async create(
    caller: Caller,
    input: ResourceInput,
    extra: { activityId?: number | null } = {},
  ): Promise<ResourceDetail> {
    const target = await this.publishTarget(caller.actor, input.schoolId, input.visibility, input.communityId);
    const id = await this.insert(caller, target, input, extra);
    return this.get(caller.actor, id);
  }

  /** A sync-class recording into the library (see publishRecording); `caller` null for the demo's backfill. */
  async createRecording(
    caller: Caller | null,
    input: ResourceInput & { activityId: number; schoolId: number },
    file: PublishedFile | null,
  ): Promise<number> {
    const school = await this.recordingTarget(input.schoolId, input.communityId);
    return this.insert(caller, { school, region_code: school.region_code }, input, {
      activityId: input.activityId,
      file,
    });
  }

  private async insert(
    caller: Caller | null,
    target: PublishTarget,
    input: ResourceInput,
    extra: { activityId?: number | null; file?: PublishedFile | null },
  ): Promise<number> {
    let queued = false;
    const id = await this.db.transaction().execute(async (tx) => {
      const file = extra.file ?? (input.uploadId && caller ? await takeUpload(tx, caller, input.uploadId) : null);
      const r = await tx
        .insertInto('resources')
        .values({
          title: input.title,
          description: input.description,
          kind: input.kind,
          subject: input.subject,
          grade: input.grade,
          textbook_edition: input.textbookEdition,
          unit: input.unit,
          tags: input.tags,
          school_id: target.school?.id ?? null,
          community_id: input.communityId,
          region_code: target.region_code,
          visibility: input.visibility,
          license_note: input.licenseNote,
          owner_user_id: caller?.actor.userId ?? null,
          activity_id: extra.activityId ?? null,
          recommended_at: null,
          recommended_by: null,
          current_version_id: null,
          search_vec: searchVector(input),
        })
        .returning(['id', 'title', 'school_id', 'visibility', 'community_id'])
        .executeTakeFirstOrThrow();
      const v = await tx
        .insertInto('resource_versions')
        .values({
          resource_id: r.id,
          version_no: 1,
          storage_key: file?.storage_key ?? null,
          url: file ? null : (input.url ?? null),
          file_name: file?.file_name ?? null,
          mime_type: file?.mime_type ?? null,
          size_bytes: file?.size_bytes ?? null,
          sha256: file?.sha256 ?? null,
          note: null,
          created_by: caller?.actor.userId ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.updateTable('resources').set({ current_version_id: v.id }).where('id', '=', r.id).execute();
      queued = await this.queueThumbnail(tx, v.id, file?.mime_type);
      await recordAudit(tx, caller, {
        action: 'create',
        entity: 'resource',
        entityId: r.id,
        after: { ...r, uploadId: input.uploadId ?? null, url: input.url ?? null, activityId: extra.activityId ?? null },
      });
      return r.id;
    });
    if (queued) this.jobBell?.ring();
    return id;
  }

  private async editable(caller: Caller, id: number) {
    const row = await this.visible(caller.actor, id);
    const school = await (row.school_id === null ? null : repo.schoolContext(this.db, row.school_id));
    if (!resourcesPolicy.edit(caller.actor, row, school?.communityIds ?? [])) throw outOfScope('resource');
    return row;
  }

  async update(caller: Caller, id: number, patch: ResourcePatch): Promise<ResourceDetail> {
    const row = await this.editable(caller, id);
    const next = {
      title: patch.title ?? row.title,
      description: patch.description !== undefined ? patch.description : row.description,
      tags: patch.tags ?? row.tags,
      textbookEdition: patch.textbookEdition !== undefined ? patch.textbookEdition : row.textbook_edition,
      unit: patch.unit !== undefined ? patch.unit : row.unit,
      schoolId: patch.schoolId !== undefined ? patch.schoolId : row.school_id,
      visibility: patch.visibility ?? (row.visibility as ResourceVisibility),
      communityId: patch.communityId !== undefined ? patch.communityId : row.community_id,
    };
    const target = await this.publishTarget(caller.actor, next.schoolId, next.visibility, next.communityId);
    await this.db.transaction().execute(async (tx) => {
      const before = await tx.selectFrom('resources').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const after = await tx
        .updateTable('resources')
        .set({
          title: next.title,
          description: next.description,
          tags: next.tags,
          textbook_edition: next.textbookEdition,
          unit: next.unit,
          school_id: target.school?.id ?? null,
          region_code: target.region_code,
          visibility: next.visibility,
          community_id: next.communityId,
          ...(patch.kind ? { kind: patch.kind } : {}),
          ...(patch.subject ? { subject: patch.subject } : {}),
          ...(patch.grade !== undefined ? { grade: patch.grade } : {}),
          ...(patch.licenseNote !== undefined ? { license_note: patch.licenseNote } : {}),
          search_vec: searchVector(next),
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const strip = ({ search_vec: _s, ...rest }: typeof before) => rest;
      await recordAudit(tx, caller, {
        action: 'update',
        entity: 'resource',
        entityId: id,
        before: strip(before),
        after: strip(after),
      });
    });
    return this.get(caller.actor, id);
  }

  async addVersion(caller: Caller, id: number, input: VersionInput): Promise<ResourceDetail> {
    await this.editable(caller, id);
    const queued = await this.db.transaction().execute(async (tx) => {
      const file = input.uploadId ? await takeUpload(tx, caller, input.uploadId) : null;
      const last = await tx
        .selectFrom('resource_versions')
        .select(sql<number>`coalesce(max(version_no), 0)`.as('n'))
        .where('resource_id', '=', id)
        .executeTakeFirstOrThrow();
      const v = await tx
        .insertInto('resource_versions')
        .values({
          resource_id: id,
          version_no: last.n + 1,
          storage_key: file?.storage_key ?? null,
          url: file ? null : (input.url ?? null),
          file_name: file?.file_name ?? null,
          mime_type: file?.mime_type ?? null,
          size_bytes: file?.size_bytes ?? null,
          sha256: file?.sha256 ?? null,
          note: input.note,
          created_by: caller.actor.userId,
        })
        .returning(['id', 'version_no'])
        .executeTakeFirstOrThrow();
      await tx
        .updateTable('resources')
        .set({ current_version_id: v.id, updated_at: new Date().toISOString() })
        .where('id', '=', id)
        .execute();
      await recordAudit(tx, caller, {
        action: 'add_version',
        entity: 'resource',
        entityId: id,
        after: { versionNo: v.version_no, fileName: file?.file_name ?? null, url: input.url ?? null },
      });
      return this.queueThumbnail(tx, v.id, file?.mime_type);
    });
    if (queued) this.jobBell?.ring();
    return this.get(caller.actor, id);
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const row = await this.editable(caller, id);
    const keys = await this.db.transaction().execute(async (tx) => {
      const versions = await tx
        .selectFrom('resource_versions')
        .select(['storage_key', 'thumb_key'])
        .where('resource_id', '=', id)
        .execute();
      await tx.deleteFrom('resources').where('id', '=', id).execute();
      await recordAudit(tx, caller, {
        action: 'delete',
        entity: 'resource',
        entityId: id,
        before: { title: row.title, schoolId: row.school_id },
      });
      return versions.flatMap((v) => [v.storage_key, v.thumb_key]).filter((k): k is string => k !== null);
    });
    // files go after the commit: a failed delete leaves an orphan file, never a row without its file
    for (const k of keys) await this.storage.delete(k).catch(() => undefined);
  }

  // ---------- files ----------
  /**
   * Streams a version's file with HTTP range support. A view counts when playback starts (no Range,
   * or a range from byte 0); the seeks a player makes afterwards do not; a download counts too.
   */
  async openFile(
    actor: Actor,
    id: number,
    opts: { versionId?: number | undefined; download: boolean; range: string | undefined; head?: boolean },
  ): Promise<FileAnswer> {
    const row = await this.visible(actor, id);
    const version = await this.db
      .selectFrom('resource_versions')
      .selectAll()
      .where('resource_id', '=', id)
      .where('id', '=', opts.versionId ?? row.v_id ?? -1)
      .executeTakeFirst();
    if (!version) throw notFound('resource', opts.versionId ? `${id}/v${opts.versionId}` : id);
    if (!version.storage_key)
      throw ruleViolation(
        409,
        '该资源是外部链接，没有可下载的文件',
        'This resource is an external link; it has no file to download',
      );
    const stat = await this.storage.stat(version.storage_key);
    if (!stat) throw notFound('resource', id);
    const size = stat.size;
    const range = opts.download ? null : parseRange(opts.range, size);
    const common = {
      ...fileHeaders({
        mime: version.mime_type,
        fileName: version.file_name ?? `resource-${id}`,
        inline: !opts.download,
      }),
      'accept-ranges': 'bytes',
      'cache-control': 'private, max-age=0, must-revalidate',
    };
    if (range === 'unsatisfiable')
      return { status: 416, headers: { ...common, 'content-range': `bytes */${size}` }, body: null };
    // a HEAD (a player or proxy probing the file) fetches nothing; a range past byte 0 continues a play
    const use = opts.head ? null : opts.download ? 'download' : !range || range.start === 0 ? 'view' : null;
    if (use) await repo.countUse(this.db, id, actor.userId, use, VIEW_DEDUP_MINUTES);
    if (!range)
      return {
        status: 200,
        headers: { ...common, 'content-length': String(size) },
        body: await this.storage.get(version.storage_key),
      };
    return {
      status: 206,
      headers: {
        ...common,
        'content-length': String(range.end - range.start + 1),
        'content-range': `bytes ${range.start}-${range.end}/${size}`,
      },
      body: await this.storage.get(version.storage_key, range),
    };
  }

  /**
   * The current version's thumbnail, under the resource's own visibility (hidden: 404, as for the
   * file). Never counts as a view: a list of cards shows fifty of them. 404 until the job made one.
   */
  async openThumbnail(actor: Actor, id: number): Promise<FileAnswer> {
    const row = await this.visible(actor, id);
    const stat = row.v_thumb_key ? await this.storage.stat(row.v_thumb_key) : null;
    if (!row.v_thumb_key || !stat) throw notFound('thumbnail', id);
    return {
      status: 200,
      headers: {
        ...fileHeaders({ mime: THUMB_MIME, fileName: `resource-${id}-thumb.webp`, inline: true }),
        'content-length': String(stat.size),
        // the page asks with ?v=<version id>: a new version is a new URL, so an hour's cache is safe
        'cache-control': 'private, max-age=3600',
      },
      body: await this.storage.get(row.v_thumb_key),
    };
  }

  /** An external link: counts a view, then the route redirects. */
  async openLink(actor: Actor, id: number): Promise<string> {
    const row = await this.visible(actor, id);
    if (!row.v_url) throw ruleViolation(409, '该资源不是外部链接', 'This resource is not an external link');
    await repo.countUse(this.db, id, actor.userId, 'view', VIEW_DEDUP_MINUTES);
    return row.v_url;
  }

  // ---------- curation ----------
  async recommend(caller: Caller, id: number, recommended: boolean, note: string | null): Promise<ResourceDetail> {
    const row = await this.visible(caller.actor, id);
    const school = await (row.school_id === null ? null : repo.schoolContext(this.db, row.school_id));
    if (!resourcesPolicy.recommend(caller.actor, row, school?.communityIds ?? [])) throw new ForbiddenError();
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('resources')
        .set({
          recommended,
          recommended_at: recommended ? new Date().toISOString() : null,
          recommended_by: recommended ? caller.actor.userId : null,
        })
        .where('id', '=', id)
        .execute();
      await recordAudit(tx, caller, {
        action: recommended ? 'recommend' : 'unrecommend',
        entity: 'resource',
        entityId: id,
        before: { recommended: row.recommended },
        after: { recommended, note },
      });
    });
    return this.get(caller.actor, id);
  }

  async rate(caller: Caller, id: number, stars: number): Promise<ResourceDetail> {
    await this.visible(caller.actor, id);
    if (!resourcesPolicy.rate(caller.actor)) throw new ForbiddenError();
    await this.db.transaction().execute(async (tx) => {
      const before = await tx
        .selectFrom('resource_ratings')
        .select('stars')
        .where('resource_id', '=', id)
        .where('user_id', '=', caller.actor.userId)
        .executeTakeFirst();
      await tx
        .insertInto('resource_ratings')
        .values({ resource_id: id, user_id: caller.actor.userId, stars })
        .onConflict((oc) =>
          oc.columns(['resource_id', 'user_id']).doUpdateSet({ stars, updated_at: new Date().toISOString() }),
        )
        .execute();
      await sql`update resources set rating_sum = t.s, rating_count = t.n
        from (select coalesce(sum(stars), 0)::int s, count(*)::int n from resource_ratings where resource_id = ${id}) t where id = ${id}`.execute(
        tx,
      );
      await recordAudit(tx, caller, {
        action: 'rate',
        entity: 'resource',
        entityId: id,
        before: before ?? null,
        after: { stars },
      });
    });
    return this.get(caller.actor, id);
  }

  async comments(actor: Actor, id: number): Promise<ResourceComment[]> {
    const row = await this.visible(actor, id);
    const school = await (row.school_id === null ? null : repo.schoolContext(this.db, row.school_id));
    const canModerate = resourcesPolicy.edit(actor, row, school?.communityIds ?? []);
    const rows = await this.db
      .selectFrom('resource_comments as k')
      .leftJoin('users as u', 'u.id', 'k.user_id')
      .leftJoin('teachers as t', 't.id', 'u.teacher_id')
      .leftJoin('schools as s', 's.id', 't.school_id')
      .select([
        'k.id',
        'k.resource_id',
        'k.user_id',
        'u.display_name',
        's.name as school_name',
        'k.body',
        'k.created_at',
      ])
      .where('k.resource_id', '=', id)
      .orderBy('k.created_at')
      .orderBy('k.id')
      .limit(500)
      .execute();
    return rows.map((k) => ({
      id: k.id,
      resourceId: k.resource_id,
      userId: k.user_id,
      userName: k.display_name,
      schoolName: k.school_name,
      body: k.body,
      createdAt: k.created_at,
      canDelete: canModerate || k.user_id === actor.userId,
    }));
  }

  async addComment(caller: Caller, id: number, body: string): Promise<ResourceComment> {
    await this.visible(caller.actor, id);
    if (!resourcesPolicy.rate(caller.actor)) throw new ForbiddenError();
    const commentId = await this.db.transaction().execute(async (tx) => {
      const k = await tx
        .insertInto('resource_comments')
        .values({ resource_id: id, user_id: caller.actor.userId, body })
        .returningAll()
        .executeTakeFirstOrThrow();
      await tx
        .updateTable('resources')
        .set({ comment_count: sql`comment_count + 1` })
        .where('id', '=', id)
        .execute();
      await recordAudit(tx, caller, {
        action: 'comment',
        entity: 'resource',
        entityId: id,
        after: { commentId: k.id, body },
      });
      return k.id;
    });
    const all = await this.comments(caller.actor, id);
    return all.find((k) => k.id === commentId)!;
  }

  async removeComment(caller: Caller, id: number, commentId: number): Promise<void> {
    const all = await this.comments(caller.actor, id);
    const k = all.find((c) => c.id === commentId);
    if (!k) throw notFound('comment', commentId);
    if (!k.canDelete) throw new ForbiddenError();
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('resource_comments').where('id', '=', commentId).execute();
      await tx
        .updateTable('resources')
        .set({ comment_count: sql`greatest(comment_count - 1, 0)` })
        .where('id', '=', id)
        .execute();
      await recordAudit(tx, caller, {
        action: 'delete_comment',
        entity: 'resource',
        entityId: id,
        before: { commentId, body: k.body },
      });
    });
  }

  // ---------- usage ----------
  /** The most viewed and downloaded resources over the last `days`, among those the actor can see. */
  async mostUsed(
    actor: Actor,
    q: { communityId?: number | undefined; regionCode?: string | undefined; days: number; limit: number },
  ): Promise<MostUsed> {
    const conds: Expression<SqlBool>[] = [
      resourceVisibleSql(actor),
      sql<SqlBool>`d.day > (now() at time zone 'Asia/Shanghai')::date - ${q.days}::int`,
    ];
    if (q.communityId) {
      conds.push(sql<SqlBool>`r.school_id in (select m.school_id from community_memberships m where m.community_id = ${q.communityId}
        and (m.end_date is null or m.end_date >= current_date))`);
    }
    if (q.regionCode) conds.push(sql<SqlBool>`r.region_code like ${`${regionPrefix(q.regionCode)}%`}`);
    const top = await this.db
      .selectFrom('resource_usage_daily as d')
      .innerJoin('resources as r', 'r.id', 'd.resource_id')
      .select(['r.id', sql<number>`sum(d.views)::int`.as('views'), sql<number>`sum(d.downloads)::int`.as('downloads')])
      .where((eb) => eb.and(conds))
      .groupBy('r.id')
      .orderBy(sql`sum(d.views) + sum(d.downloads)`, 'desc')
      .orderBy('r.id')
      .limit(q.limit)
      .execute();
    if (!top.length) return { items: [] };
    const rows = await repo
      .resourceSelect(this.db)
      .select(sql<null>`null`.as('rank'))
      .where(
        'r.id',
        'in',
        top.map((t) => t.id),
      )
      .execute();
    const byId = new Map(rows.map((r) => [r.id, repo.toResource(r)]));
    return {
      items: top.flatMap((t) =>
        byId.has(t.id) ? [{ resource: byId.get(t.id)!, views: t.views, downloads: t.downloads }] : [],
      ),
    };
  }
}

/** What the activities module passes to publish a sync-class recording into the library. */
export interface RecordingInput {
  communityId: number;
  schoolId: number;
  title: string;
  subject: Subject;
  grade: number | null;
  activityId: number;
  /** a link to the recording (the class's recordingUrl) … */
  url?: string;
  /** … or a video attached to the class as evidence: its stored file, copied into the library */
  file?: { storageKey: string; fileName: string; mimeType: string; size: number; sha256: string };
}

/** The library resource already published for this recording of this class, if any. */
async function publishedRecording(db: Db, input: RecordingInput): Promise<number | null> {
  const row = await db
    .selectFrom('resources as r')
    .select('r.id')
    .where('r.activity_id', '=', input.activityId)
    .where('r.kind', '=', 'recorded_lesson')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('resource_versions as v')
          .select('v.id')
          .whereRef('v.resource_id', '=', 'r.id')
          .where(input.file ? sql<SqlBool>`v.sha256 = ${input.file.sha256}` : sql<SqlBool>`v.url = ${input.url ?? ''}`),
      ),
    )
    .orderBy('r.id')
    .executeTakeFirst();
  return row?.id ?? null;
}

/**
 * Publishes a recorded sync class (同步课堂实录) into its community's library as a recorded_lesson,
 * visible to the community, owned by the caller, for the organising school, pointing back at the
 * class (activityId). Called by the activities module when a class gets a recording link or a video
 * as evidence; the activities module has checked the caller may add to the class. One resource per
 * recording: the same link, or a video of the same content (sha256), of the same class returns the
 * first resource (`created: false`), whatever version the resource has reached since.
 */
export async function publishRecording(
  db: Db,
  storage: BlobStorage | null,
  caller: Caller | null,
  input: RecordingInput,
): Promise<{ id: number; created: boolean }> {
  const existing = await publishedRecording(db, input);
  if (existing) return { id: existing, created: false };
  if (input.url !== undefined && !/^https?:\/\//i.test(input.url)) {
    throw new ValidationError([
      fieldIssue(
        'url',
        'invalid_format',
        '录像链接须以 http:// 或 https:// 开头',
        'The recording link must start with http:// or https://',
      ),
    ]);
  }
  const meta = {
    title: input.title,
    description: null,
    kind: 'recorded_lesson' as const,
    subject: input.subject,
    grade: input.grade,
    textbookEdition: null,
    unit: null,
    tags: ['同步课堂', '课堂实录'],
    schoolId: input.schoolId,
    communityId: input.communityId,
    visibility: 'community' as const,
    licenseNote: null,
    activityId: input.activityId,
    ...(input.url !== undefined ? { url: input.url } : {}),
  };
  const f = input.file;
  if (!f) return { id: await new ResourcesService(db).createRecording(caller, meta, null), created: true };
  if (!storage) throw new Error('publishRecording: a video recording needs file storage');
  // the library keeps its own copy: either side may delete its file without breaking the other
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(f.fileName)?.[1]?.toLowerCase() ?? 'bin';
  const key = `resources/recordings/${randomUUID()}.${ext}`;
  await storage.put(key, await storage.get(f.storageKey));
  try {
    const id = await new ResourcesService(db, storage).createRecording(caller, meta, {
      storage_key: key,
      file_name: f.fileName,
      mime_type: f.mimeType,
      size_bytes: f.size,
      sha256: f.sha256,
    });
    return { id, created: true };
  } catch (e) {
    await storage.delete(key).catch(() => undefined);
    throw e;
  }
}

/** The library resources published from these classes (their recordings), for the activity detail. */
export async function recordingResourcesOf(
  db: Db,
  activityIds: number[],
): Promise<{ id: number; activityId: number; title: string }[]> {
  if (!activityIds.length) return [];
  const rows = await db
    .selectFrom('resources')
    .select(['id', 'activity_id', 'title'])
    .where('activity_id', 'in', activityIds)
    .where('kind', '=', 'recorded_lesson')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, activityId: r.activity_id!, title: r.title }));
}
