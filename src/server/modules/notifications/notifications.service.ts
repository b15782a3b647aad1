import type { Config } from '../../config.js';
import type { Db } from '../../db/connection.js';
import { pageOffset } from '../../db/paging.js';
import type { Actor } from '../../http/actor.js';
import { nothingFound, ValidationError, fieldIssue } from '../../http/errors.js';
import {
  EXTERNAL_CHANNELS,
  NOTIFICATION_CHANNELS,
  type NotificationList,
  type NotificationListQuery,
  type NotificationView,
  type Preferences,
  type PreferencesInput,
} from '../../../shared/notifications.schemas.js';
import * as repo from './notifications.repo.js';
import { defaultChoice, type ChannelChoice } from './notifications.rules.js';

import type { NotifyInput } from '../../contracts/notify.js';
export type { NotifyInput };

/** The user's choice per channel, defaults filled in. */
async function choicesOf(db: Db, userId: number): Promise<Map<string, ChannelChoice>> {
  const rows = await repo.preferencesOf(db, userId);
  const out = new Map<string, ChannelChoice>();
  for (const c of NOTIFICATION_CHANNELS) {
    const r = rows.find((row) => row.channel === c);
    out.set(
      c,
      r
        ? {
            kinds: r.kinds,
            digest: r.digest as ChannelChoice['digest'],
            address: r.address,
            digestSentOn: r.digest_sent_on,
          }
        : defaultChoice(c),
    );
  }
  return out;
}

/**
 * Tells a user something. The notification is kept (the bell shows it) and queued for every external
 * channel the user wants this kind on; the delivery job sends it. A repeated key adds nothing: scans
 * call this every few minutes. Returns the new notification's id, or null when it already existed.
 */
export async function notify(db: Db, n: NotifyInput): Promise<number | null> {
  const record = async (tx: Db) => {
    const id = await repo.insertNotification(tx, { ...n, link: n.link ?? null });
    if (id === null) return null;
    const choices = await choicesOf(tx, n.userId);
    await repo.insertDeliveries(
      tx,
      id,
      EXTERNAL_CHANNELS.filter((c) => choices.get(c)!.kinds.includes(n.kind)),
    );
    return id;
  };
  // a caller inside its own transaction notifies with it: the notification commits with the change it reports
  return db.isTransaction ? record(db) : db.transaction().execute(record);
}

const missing = () => nothingFound('通知不存在', 'No such notification');

/** The signed-in user's own notifications and preferences: every use case reads only `actor.userId`'s rows. */
export class NotificationsService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
  ) {}

  async list(actor: Actor, q: NotificationListQuery): Promise<NotificationList> {
    const { rows, total, unread } = await repo.listForUser(this.db, actor.userId, {
      limit: q.pageSize,
      offset: pageOffset(q),
      unreadOnly: q.unread === true,
    });
    return {
      total,
      unread,
      items: rows.map((r): NotificationView => ({
        id: r.id,
        kind: r.kind as NotificationView['kind'],
        title: r.title,
        titleEn: r.title_en,
        body: r.body,
        bodyEn: r.body_en,
        link: r.link,
        createdAt: new Date(r.created_at).toISOString(),
        readAt: r.read_at === null ? null : new Date(r.read_at).toISOString(),
        deliveries: r.deliveries.map((d) => ({
          channel: d.channel as NotificationView['deliveries'][number]['channel'],
          status: d.status as NotificationView['deliveries'][number]['status'],
          attempts: d.attempts,
          lastError: d.last_error,
          sentAt: d.sent_at === null ? null : new Date(d.sent_at).toISOString(),
        })),
      })),
    };
  }

  /** Another user's notification is answered as missing: its existence is not the caller's business. */
  async markRead(actor: Actor, id: number): Promise<void> {
    if (!(await repo.markRead(this.db, actor.userId, id))) throw missing();
  }

  async markAllRead(actor: Actor): Promise<{ marked: number }> {
    return { marked: await repo.markAllRead(this.db, actor.userId) };
  }

  private available(channel: string): boolean {
    const n = this.config.notify;
    if (channel === 'email') return n.smtp !== null;
    if (channel === 'dingtalk') return n.dingtalk !== null;
    if (channel === 'wecom') return n.wecom !== null;
    return true;
  }

  async preferences(actor: Actor): Promise<Preferences> {
    const choices = await choicesOf(this.db, actor.userId);
    return {
      channels: NOTIFICATION_CHANNELS.map((channel) => {
        const c = choices.get(channel)!;
        return {
          channel,
          kinds: c.kinds as Preferences['channels'][number]['kinds'],
          digest: c.digest,
          address: c.address,
          available: this.available(channel),
        };
      }),
    };
  }

  async savePreferences(actor: Actor, input: PreferencesInput): Promise<Preferences> {
    const issues = [];
    const seen = new Set<string>();
    for (const [i, c] of input.channels.entries()) {
      if (seen.has(c.channel))
        issues.push(
          fieldIssue(`body.channels.${i}.channel`, 'duplicate', '渠道重复', `Channel ${c.channel} is listed twice`),
        );
      seen.add(c.channel);
      if (c.channel === 'email' && c.kinds.length && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(c.address ?? ''))
        issues.push(
          fieldIssue(
            `body.channels.${i}.address`,
            'invalid_email',
            '接收邮件需填写有效的邮箱地址',
            'A valid e-mail address is needed to receive mail',
          ),
        );
    }
    if (issues.length) throw new ValidationError(issues);
    await this.db.transaction().execute(async (tx) => {
      for (const c of input.channels)
        await repo.upsertPreference(tx, actor.userId, {
          channel: c.channel,
          kinds: [...new Set(c.kinds)],
          digest: c.channel === 'in_app' ? 'immediate' : c.digest,
          address: c.channel === 'email' ? (c.address ?? null) : null,
        });
    });
    return this.preferences(actor);
  }
}
