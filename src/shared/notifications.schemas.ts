import { z } from 'zod';
import { pageQuery, queryBool } from './validation.js';

/** What a notification is about; each kind can be switched on or off per channel. */
export const NOTIFICATION_KINDS = [
  'minutes_signature',
  'action_item_due',
  'action_item_overdue',
  'work_plan_behind',
  'mentor_behind',
  'exchange_ending',
  'import_finished',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, { zh: string; en: string }> = {
  minutes_signature: { zh: '会议纪要待签', en: 'Minutes awaiting signature' },
  action_item_due: { zh: '待办事项即将到期', en: 'Action item due soon' },
  action_item_overdue: { zh: '待办事项已逾期', en: 'Action item overdue' },
  work_plan_behind: { zh: '工作计划滞后', en: 'Work plan behind schedule' },
  mentor_behind: { zh: '师徒结对听课未达标', en: 'Mentor behind the observation quota' },
  exchange_ending: { zh: '交流即将结束', en: 'Exchange ending soon' },
  import_finished: { zh: '导入检查或写入完成', en: 'Import checked or written' },
};

/** in_app is the bell; the others are sent by the delivery job when the deployment configures them. */
export const NOTIFICATION_CHANNELS = ['in_app', 'email', 'dingtalk', 'wecom'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
export const EXTERNAL_CHANNELS = ['email', 'dingtalk', 'wecom'] as const;
export type ExternalChannel = (typeof EXTERNAL_CHANNELS)[number];
export const DIGEST_MODES = ['immediate', 'daily'] as const;
export type DigestMode = (typeof DIGEST_MODES)[number];
export const DELIVERY_STATUSES = ['pending', 'sent', 'failed'] as const;

export const notificationSchema = z.object({
  id: z.number(),
  kind: z.enum(NOTIFICATION_KINDS),
  title: z.string(),
  titleEn: z.string(),
  body: z.string(),
  bodyEn: z.string(),
  link: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
  deliveries: z.array(
    z.object({
      channel: z.enum(EXTERNAL_CHANNELS),
      status: z.enum(DELIVERY_STATUSES),
      attempts: z.number(),
      lastError: z.string().nullable(),
      sentAt: z.string().nullable(),
    }),
  ),
});
export type NotificationView = z.infer<typeof notificationSchema>;

export const notificationListQuery = pageQuery.extend({ unread: queryBool.optional() });
export type NotificationListQuery = z.infer<typeof notificationListQuery>;
export const notificationListSchema = z.object({
  items: z.array(notificationSchema),
  total: z.number(),
  unread: z.number(),
});
export type NotificationList = z.infer<typeof notificationListSchema>;

export const channelPreferenceSchema = z.object({
  channel: z.enum(NOTIFICATION_CHANNELS),
  kinds: z.array(z.enum(NOTIFICATION_KINDS)),
  digest: z.enum(DIGEST_MODES),
  /** the e-mail address mail goes to (email channel only) */
  address: z.string().nullable(),
  /** the deployment configured this channel (GONGJIN_SMTP_URL, GONGJIN_DINGTALK_WEBHOOK, GONGJIN_WECOM_WEBHOOK) */
  available: z.boolean(),
});
export type ChannelPreference = z.infer<typeof channelPreferenceSchema>;
export const preferencesSchema = z.object({ channels: z.array(channelPreferenceSchema) });
export type Preferences = z.infer<typeof preferencesSchema>;

export const preferencesInput = z.object({
  channels: z
    .array(
      z.object({
        channel: z.enum(NOTIFICATION_CHANNELS),
        kinds: z.array(z.enum(NOTIFICATION_KINDS)).max(NOTIFICATION_KINDS.length),
        digest: z.enum(DIGEST_MODES).default('immediate'),
        address: z.string().trim().max(200).nullable().optional(),
      }),
    )
    .max(NOTIFICATION_CHANNELS.length),
});
export type PreferencesInput = z.infer<typeof preferencesInput>;
