import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { NotificationChannel } from '../../../shared/notifications.schemas.js';
import type { NotificationContent } from './notifications.tables.js';

/**
 * Every query of the notifications module: its own tables, and the reads the scan makes of other
 * modules' tables where no service of theirs answers "who should hear about this" (plan and mentor
 * recipients; signers, action item owners and exchanges ending are asked of meetings and exchange).
 * Functions take the executor (`db` or a transaction).
 */

export interface NewNotification {
  userId: number;
  kind: string;
  dedupeKey: string;
  title: string;
  titleEn: string;
  body: string;
  bodyEn: string;
  link: string | null;
}

/** Inserts unless the user already has a notification with this key; the new id, or null. */
export async function insertNotification(db: Db, n: NewNotification): Promise<number | null> {
  const row = await db
    .insertInto('notifications')
    .values({
      user_id: n.userId,
      kind: n.kind,
      dedupe_key: n.dedupeKey,
      title: n.title,
      title_en: n.titleEn,
      body: n.body,
      body_en: n.bodyEn,
      link: n.link,
    })
    .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

export async function insertDeliveries(db: Db, notificationId: number, channels: readonly string[]): Promise<void> {
  if (!channels.length) return;
  await db
    .insertInto('notification_deliveries')
    .values(channels.map((channel) => ({ notification_id: notificationId, channel, last_error: null, sent_at: null })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export interface PreferenceRow {
  channel: string;
  kinds: string[];
  digest: string;
  address: string | null;
  digest_sent_on: string | null;
}

export async function preferencesOf(db: Db, userId: number): Promise<PreferenceRow[]> {
  return db
    .selectFrom('notification_preferences')
    .select(['channel', 'kinds', 'digest', 'address', sql<string | null>`digest_sent_on::text`.as('digest_sent_on')])
    .where('user_id', '=', userId)
    .execute();
}

export async function upsertPreference(
  db: Db,
  userId: number,
  p: { channel: NotificationChannel; kinds: string[]; digest: string; address: string | null },
): Promise<void> {
  await db
    .insertInto('notification_preferences')
    .values({
      user_id: userId,
      channel: p.channel,
      kinds: p.kinds,
      digest: p.digest,
      address: p.address,
      digest_sent_on: null,
    })
    .onConflict((oc) =>
      oc.columns(['user_id', 'channel']).doUpdateSet({
        kinds: p.kinds,
        digest: p.digest,
        address: p.address,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

/** The bell shows the kinds the user keeps on for in_app (all while they never chose). */
const shownInApp = sql<boolean>`not exists (select 1 from notification_preferences p
  where p.user_id = n.user_id and p.channel = 'in_app' and not (n.kind = any(p.kinds)))`;

export interface NotificationRow extends NotificationContent {
  id: number;
  created_at: string;
  read_at: string | null;
  deliveries: {
    channel: string;
    status: string;
    attempts: number;
    last_error: string | null;
    sent_at: string | null;
  }[];
}

export async function listForUser(
  db: Db,
  userId: number,
  q: { limit: number; offset: number; unreadOnly: boolean },
): Promise<{ rows: NotificationRow[]; total: number; unread: number }> {
  const unreadOnly = q.unreadOnly ? sql`and n.read_at is null` : sql``;
  const [rows, counts] = await Promise.all([
    sql<NotificationRow>`
      select n.id::int as id, n.kind, n.title, n.title_en, n.body, n.body_en, n.link,
        n.created_at::text as created_at, n.read_at::text as read_at,
        coalesce((select json_agg(json_build_object('channel', d.channel, 'status', d.status, 'attempts', d.attempts,
            'last_error', d.last_error, 'sent_at', d.sent_at::text) order by d.channel)
          from notification_deliveries d where d.notification_id = n.id), '[]'::json) as deliveries
      from notifications n
      where n.user_id = ${userId} and ${shownInApp} ${unreadOnly}
      order by n.id desc limit ${q.limit} offset ${q.offset}`.execute(db),
    sql<{ total: number; unread: number }>`
      select count(*) filter (where true ${unreadOnly})::int as total, count(*) filter (where n.read_at is null)::int as unread
      from notifications n where n.user_id = ${userId} and ${shownInApp}`.execute(db),
  ]);
  const c = counts.rows[0]!;
  return { rows: rows.rows, total: c.total, unread: c.unread };
}

/** Marks one of the user's notifications read; false when the user has no such notification. */
export async function markRead(db: Db, userId: number, id: number): Promise<boolean> {
  const r = await db
    .updateTable('notifications')
    .set({ read_at: sql<string>`coalesce(read_at, now())` })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function markAllRead(db: Db, userId: number): Promise<number> {
  const r = await db
    .updateTable('notifications')
    .set({ read_at: sql<string>`now()` })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

// ---------- delivery ----------

export interface OpenDelivery extends NotificationContent {
  notification_id: number;
  channel: string;
  user_id: number;
  display_name: string;
  digest: string;
  address: string | null;
  digest_sent_on: string | null;
}

/** Deliveries not yet sent (pending or failed before), oldest first, with the user's choice for the channel. */
export async function openDeliveries(db: Db, channels: readonly string[], limit: number): Promise<OpenDelivery[]> {
  if (!channels.length) return [];
  const r = await sql<OpenDelivery>`
    select d.notification_id::int as notification_id, d.channel, n.user_id, u.display_name, n.kind, n.title, n.title_en,
      n.body, n.body_en, n.link, coalesce(p.digest, 'immediate') as digest, p.address, p.digest_sent_on::text as digest_sent_on
    from notification_deliveries d
    join notifications n on n.id = d.notification_id
    join users u on u.id = n.user_id
    left join notification_preferences p on p.user_id = n.user_id and p.channel = d.channel
    where d.status <> 'sent' and d.channel in (${sql.join(channels.map((c) => sql`${c}`))})
    order by d.notification_id, d.channel
    limit ${limit}`.execute(db);
  return r.rows;
}

export async function recordDeliveryOutcome(
  db: Db,
  channel: string,
  ids: readonly number[],
  error: string | null,
): Promise<void> {
  if (!ids.length) return;
  await sql`update notification_deliveries set attempts = attempts + 1, updated_at = now(),
      status = ${error === null ? 'sent' : 'failed'}, last_error = ${error},
      sent_at = ${error === null ? sql`now()` : sql`null`}
    where channel = ${channel} and notification_id = any(${ids.map(Number)}::bigint[])`.execute(db);
}

export async function recordDigestSent(db: Db, userId: number, channel: string, on: string): Promise<void> {
  await sql`update notification_preferences set digest_sent_on = ${on}::date where user_id = ${userId} and channel = ${channel}`.execute(
    db,
  );
}

// ---------- the scan: who should hear about what ----------

export interface Recipient {
  user_id: number;
}

/** Who hears about a community's plan: its leads, and the principals of the named member school (all members' when none). */
export async function planRecipients(db: Db, communityIds: readonly number[]) {
  if (!communityIds.length) return [];
  const r = await sql<Recipient & { community_id: number; school_name: string | null }>`
    select u.id as user_id, c.id as community_id, null::text as school_name
    from communities c join users u on u.is_active and u.role = 'community_lead' and u.scope_kind = 'community' and u.scope_id = c.id::text
    where c.id = any(${communityIds}::int[])
    union all
    select u.id, m.community_id, s.name
    from community_memberships m
    join schools s on s.id = m.school_id
    join users u on u.is_active and u.role = 'school_admin' and u.scope_kind = 'school' and u.scope_id = s.id::text
    where m.community_id = any(${communityIds}::int[]) and (m.end_date is null or m.end_date >= current_date)`.execute(
    db,
  );
  return r.rows;
}

/** A mentor pair's people: the mentor's own account and the principals of the mentor's school. */
export async function mentorRecipients(db: Db, pairs: readonly { teacherId: number; schoolId: number }[]) {
  if (!pairs.length) return [];
  const teachers = pairs.map((p) => p.teacherId);
  const schools = pairs.map((p) => String(p.schoolId));
  const r = await sql<Recipient & { teacher_id: number | null; school_id: string | null }>`
    select u.id as user_id, u.teacher_id, case when u.role = 'school_admin' and u.scope_kind = 'school' then u.scope_id end as school_id
    from users u
    where u.is_active and (u.teacher_id = any(${teachers}::int[])
      or (u.role = 'school_admin' and u.scope_kind = 'school' and u.scope_id = any(${schools}::text[])))`.execute(db);
  return r.rows;
}
