import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Resource, ResourceVersion } from '../../../shared/resources.schemas.js';
import type { ResourceKind, ResourceVisibility } from '../../../shared/resources.enums.js';
import type { Subject } from '../../../shared/enums.js';
import { mediaClassOf } from './resources.files.js';
import type { SchoolContext } from './resources.policy.js';

/** SQL of the library; every function takes the executor (db or a transaction). */
type Q = Kysely<Database>;

export async function schoolContext(db: Q, schoolId: number): Promise<(SchoolContext & { name: string }) | null> {
  const school = await db
    .selectFrom('schools')
    .select(['id', 'name', 'region_code'])
    .where('id', '=', schoolId)
    .executeTakeFirst();
  if (!school) return null;
  const rows = await db
    .selectFrom('community_memberships')
    .select('community_id')
    .where('school_id', '=', schoolId)
    .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', sql<string>`current_date`)]))
    .execute();
  return { ...school, communityIds: rows.map((r) => r.community_id) };
}

/** The columns every resource answer needs, over `resources as r`. */
export function resourceSelect(db: Q) {
  return db
    .selectFrom('resources as r')
    .leftJoin('schools as s', 's.id', 'r.school_id')
    .leftJoin('communities as c', 'c.id', 'r.community_id')
    .leftJoin('users as u', 'u.id', 'r.owner_user_id')
    .leftJoin('resource_versions as v', 'v.id', 'r.current_version_id')
    .leftJoin('users as vu', 'vu.id', 'v.created_by')
    .select([
      'r.id',
      'r.title',
      'r.description',
      'r.kind',
      'r.subject',
      'r.grade',
      'r.textbook_edition',
      'r.unit',
      'r.tags',
      'r.school_id',
      's.name as school_name',
      'r.community_id',
      'c.name as community_name',
      'r.region_code',
      'r.visibility',
      'r.license_note',
      'r.owner_user_id',
      'u.display_name as owner_name',
      'r.activity_id',
      'r.recommended',
      'r.recommended_at',
      'r.view_count',
      'r.download_count',
      'r.rating_sum',
      'r.rating_count',
      'r.comment_count',
      'r.created_at',
      'r.updated_at',
      'v.id as v_id',
      'v.version_no as v_no',
      'v.url as v_url',
      'v.file_name as v_file_name',
      'v.mime_type as v_mime',
      'v.size_bytes as v_size',
      'v.note as v_note',
      'v.created_at as v_created_at',
      'v.thumb_key as v_thumb_key',
      'vu.display_name as v_created_by_name',
    ]);
}
type SelectRow = Awaited<ReturnType<ReturnType<typeof resourceSelect>['executeTakeFirstOrThrow']>>;

export function toVersion(v: {
  id: number;
  version_no: number;
  url: string | null;
  file_name: string | null;
  mime_type: string | null;
  size_bytes: number | null;
  note: string | null;
  created_at: string;
  created_by_name: string | null;
}): ResourceVersion {
  return {
    id: v.id,
    versionNo: v.version_no,
    source: v.url ? 'link' : 'file',
    url: v.url,
    fileName: v.file_name,
    mimeType: v.mime_type,
    mediaClass: v.url ? 'link' : mediaClassOf(v.mime_type),
    sizeBytes: v.size_bytes === null ? null : Number(v.size_bytes),
    note: v.note,
    createdAt: v.created_at,
    createdByName: v.created_by_name,
  };
}

export function toResource(r: SelectRow & { rank?: number | null }): Resource {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    kind: r.kind as ResourceKind,
    subject: r.subject as Subject,
    grade: r.grade,
    textbookEdition: r.textbook_edition,
    unit: r.unit,
    tags: r.tags,
    schoolId: r.school_id,
    schoolName: r.school_name,
    communityId: r.community_id,
    communityName: r.community_name,
    regionCode: r.region_code,
    visibility: r.visibility as ResourceVisibility,
    licenseNote: r.license_note,
    ownerUserId: r.owner_user_id,
    ownerName: r.owner_name,
    activityId: r.activity_id,
    recommended: r.recommended,
    recommendedAt: r.recommended_at,
    viewCount: r.view_count,
    downloadCount: r.download_count,
    ratingAvg: r.rating_count ? Math.round((r.rating_sum / r.rating_count) * 10) / 10 : null,
    ratingCount: r.rating_count,
    commentCount: r.comment_count,
    current:
      r.v_id === null
        ? null
        : toVersion({
            id: r.v_id,
            version_no: r.v_no!,
            url: r.v_url,
            file_name: r.v_file_name,
            mime_type: r.v_mime,
            size_bytes: r.v_size,
            note: r.v_note,
            created_at: r.v_created_at!,
            created_by_name: r.v_created_by_name,
          }),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    hasThumbnail: r.v_thumb_key !== null,
    rank: r.rank ?? null,
  };
}

export async function versionsOf(db: Q, resourceId: number): Promise<ResourceVersion[]> {
  const rows = await db
    .selectFrom('resource_versions as v')
    .leftJoin('users as u', 'u.id', 'v.created_by')
    .select([
      'v.id',
      'v.version_no',
      'v.url',
      'v.file_name',
      'v.mime_type',
      'v.size_bytes',
      'v.note',
      'v.created_at',
      'u.display_name as created_by_name',
    ])
    .where('v.resource_id', '=', resourceId)
    .orderBy('v.version_no', 'desc')
    .execute();
  return rows.map(toVersion);
}

/**
 * Counts one view or download unless the same user counted the same resource within the window:
 * the upsert only touches the mark when the window has passed, so two reloads (even served by
 * two instances at once) count once. Returns whether it counted.
 */
export async function countUse(
  db: Q,
  resourceId: number,
  userId: number,
  kind: 'view' | 'download',
  windowMinutes: number,
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const counted = await sql<{ resource_id: number }>`
      insert into resource_view_marks (resource_id, user_id, kind, last_at) values (${resourceId}, ${userId}, ${kind}, now())
      on conflict (resource_id, user_id, kind) do update set last_at = now()
      where resource_view_marks.last_at < now() - make_interval(mins => ${windowMinutes})
      returning resource_id`.execute(tx);
    if (!counted.rows.length) return false;
    const column = kind === 'view' ? sql.raw('view_count') : sql.raw('download_count');
    const daily = kind === 'view' ? sql.raw('views') : sql.raw('downloads');
    await sql`update resources set ${column} = ${column} + 1 where id = ${resourceId}`.execute(tx);
    await sql`insert into resource_usage_daily (resource_id, day, ${daily}) values (${resourceId}, (now() at time zone 'Asia/Shanghai')::date, 1)
      on conflict (resource_id, day) do update set ${daily} = resource_usage_daily.${daily} + 1`.execute(tx);
    return true;
  });
}
