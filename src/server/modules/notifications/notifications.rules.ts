import { createHmac } from 'node:crypto';
import {
  NOTIFICATION_KINDS,
  type DigestMode,
  type NotificationChannel,
  type NotificationKind,
} from '../../../shared/notifications.schemas.js';

/**
 * Notification rules as data → data: the defaults a channel has before the user chooses, when a daily
 * digest is due, how a robot's request is signed and what a message says. No database, no network.
 */

export interface ChannelChoice {
  kinds: readonly string[];
  digest: DigestMode;
  address: string | null;
  digestSentOn: string | null;
}

/** Before a user chooses: the bell shows everything, nothing is sent elsewhere (an address or group must be chosen first). */
export function defaultChoice(channel: NotificationChannel): ChannelChoice {
  return {
    kinds: channel === 'in_app' ? [...NOTIFICATION_KINDS] : [],
    digest: 'immediate',
    address: null,
    digestSentOn: null,
  };
}

/** Daily digests go out once per Beijing day, from this hour on. */
export const DIGEST_HOUR = 8;

/** Is the daily digest due at `now`, given the Beijing date the last one went out? */
export function digestDue(now: Date, lastSentOn: string | null): boolean {
  const beijing = new Date(now.getTime() + 8 * 3600_000);
  const today = beijingDate(now);
  return beijing.getUTCHours() >= DIGEST_HOUR && (lastSentOn === null || lastSentOn < today);
}

/** A calendar date (YYYY-MM-DD) `days` later. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10);
}

/** The Beijing date of `now` (YYYY-MM-DD). */
export const beijingDate = (now: Date): string => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * A DingTalk robot's signed URL (加签): HMAC-SHA256 over `timestamp + "\n" + secret` keyed by the
 * secret, base64, then URL-encoded into the `timestamp` and `sign` query parameters.
 */
export function dingtalkSignedUrl(webhook: string, secret: string | undefined, timestampMs: number): string {
  if (!secret) return webhook;
  const sign = dingtalkSign(secret, timestampMs);
  const url = new URL(webhook);
  url.searchParams.set('timestamp', String(timestampMs));
  url.searchParams.set('sign', sign);
  return url.toString();
}

export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

export interface MessageItem {
  kind: string;
  title: string;
  titleEn: string;
  body: string;
  bodyEn: string;
  link: string | null;
}

export interface OutgoingMessage {
  subject: string;
  text: string;
  markdown: string;
}

const absolute = (link: string | null, baseUrl: string | undefined) =>
  link === null ? null : baseUrl && link.startsWith('/') ? `${baseUrl}${link}` : link;

/** One notification as a message: Chinese first, English below. */
export function singleMessage(n: MessageItem, recipient: string, baseUrl?: string): OutgoingMessage {
  const link = absolute(n.link, baseUrl);
  return {
    subject: `【共进】${n.title} / ${n.titleEn}`,
    text: [`${recipient}：`, '', n.title, n.body, '', n.titleEn, n.bodyEn, ...(link ? ['', link] : [])].join('\n'),
    markdown: [
      `### ${n.title}`,
      `${recipient}：${n.body}`,
      '',
      `*${n.titleEn}* — ${n.bodyEn}`,
      ...(link ? ['', `[查看 / Open](${link})`] : []),
    ].join('\n'),
  };
}

/** A day's notifications of one user as one message. */
export function digestMessage(items: readonly MessageItem[], recipient: string, baseUrl?: string): OutgoingMessage {
  const lines = items.map((n) => {
    const link = absolute(n.link, baseUrl);
    return { text: `- ${n.title}：${n.body} / ${n.bodyEn}${link ? ` ${link}` : ''}`, link, n };
  });
  return {
    subject: `【共进】今日提醒 ${items.length} 条 / ${items.length} notifications today`,
    text: [`${recipient}：今日提醒 / Today's notifications`, '', ...lines.map((l) => l.text)].join('\n'),
    markdown: [
      `### 今日提醒 ${items.length} 条 / ${items.length} notifications`,
      `${recipient}：`,
      '',
      ...lines.map((l) => `- ${l.link ? `[${l.n.title}](${l.link})` : l.n.title}：${l.n.body}`),
    ].join('\n'),
  };
}

export const isKind = (k: string): k is NotificationKind => (NOTIFICATION_KINDS as readonly string[]).includes(k);
