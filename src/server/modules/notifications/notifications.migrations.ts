import { sql, type Kysely, type Migration } from 'kysely';

export const notificationsMigrations: Record<string, Migration> = {
  '20261204_0600_notifications': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table notifications (
          id bigint generated always as identity primary key,
          user_id integer not null references users (id) on delete cascade,
          kind text not null,
          title text not null,
          title_en text not null,
          body text not null,
          body_en text not null,
          link text,
          dedupe_key text not null,
          created_at timestamptz not null default now(),
          read_at timestamptz,
          unique (user_id, dedupe_key)
        );
        create index notifications_user_idx on notifications (user_id, id desc);
        create index notifications_unread_idx on notifications (user_id) where read_at is null;
        create table notification_deliveries (
          notification_id bigint not null references notifications (id) on delete cascade,
          channel text not null check (channel in ('email', 'dingtalk', 'wecom')),
          status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
          attempts integer not null default 0,
          last_error text,
          sent_at timestamptz,
          updated_at timestamptz not null default now(),
          primary key (notification_id, channel)
        );
        create index notification_deliveries_open_idx on notification_deliveries (channel, notification_id) where status <> 'sent';
        create table notification_preferences (
          user_id integer not null references users (id) on delete cascade,
          channel text not null check (channel in ('in_app', 'email', 'dingtalk', 'wecom')),
          kinds text[] not null default '{}',
          digest text not null default 'immediate' check (digest in ('immediate', 'daily')),
          address text,
          digest_sent_on date,
          updated_at timestamptz not null default now(),
          primary key (user_id, channel)
        );
      `.execute(db);
    },
  },
};
