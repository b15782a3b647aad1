import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<string, string | undefined, string>;

/** What a notification says, in both languages: stored once, read by the list and the delivery. */
export interface NotificationContent {
  kind: string;
  title: string;
  title_en: string;
  body: string;
  body_en: string;
  link: string | null;
}

export interface NotificationTable extends NotificationContent {
  id: Generated<number>;
  user_id: number;
  /** what the notification is about (e.g. `action:12:overdue`): a repeated scan finds it and adds nothing */
  dedupe_key: string;
  created_at: Timestamp;
  read_at: ColumnType<string | null, string | null | undefined, string | null>;
}

/** One row per notification and external channel the user wanted it on when it was created. */
export interface NotificationDeliveryTable {
  notification_id: number;
  channel: string; // email | dingtalk | wecom
  status: Generated<string>; // pending | sent | failed
  attempts: Generated<number>;
  last_error: string | null;
  sent_at: string | null;
  updated_at: Timestamp;
}

/** A user's choice per channel; a channel without a row keeps its default (notifications.rules.ts). */
export interface NotificationPreferenceTable {
  user_id: number;
  channel: string; // in_app | email | dingtalk | wecom
  kinds: ColumnType<string[], string[], string[]>;
  digest: string; // immediate | daily
  address: string | null;
  /** the Beijing date the last daily digest went out on this channel */
  digest_sent_on: string | null;
  updated_at: Timestamp;
}

export interface NotificationsTables {
  notifications: NotificationTable;
  notification_deliveries: NotificationDeliveryTable;
  notification_preferences: NotificationPreferenceTable;
}
