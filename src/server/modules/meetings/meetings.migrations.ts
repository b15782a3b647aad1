import { sql, type Kysely, type Migration } from 'kysely';
import { keepGinPendingListsShort } from '../../db/gin.js';

/** Applied migrations are never edited; add a new entry instead. Block 1300–1399. */
export const meetingsMigrations: Record<string, Migration> = {
  '20261124_1300_meetings_core': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table meetings (
          id integer generated always as identity primary key,
          community_id integer not null references communities(id) on delete cascade,
          kind text not null check (kind in ('regular', 'extraordinary')),
          title text not null,
          starts_at timestamptz not null,
          ends_at timestamptz,
          place text,
          link text,
          note text,
          created_by integer references users(id) on delete set null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          check (ends_at is null or ends_at > starts_at),
          check (place is not null or link is not null)
        );
        create index meetings_community_idx on meetings (community_id, starts_at desc);
        create index meetings_starts_idx on meetings (starts_at desc);

        create table meeting_agenda_items (
          id integer generated always as identity primary key,
          meeting_id integer not null references meetings(id) on delete cascade,
          position integer not null,
          topic text not null,
          proposer_name text not null,
          proposer_school_id integer references schools(id),
          proposer_user_id integer references users(id) on delete set null,
          note text,
          carried_action_item_id integer,
          created_at timestamptz not null default now()
        );
        create index meeting_agenda_meeting_idx on meeting_agenda_items (meeting_id, position);
        -- an open item is carried onto a meeting's agenda once
        create unique index meeting_agenda_carried_uq on meeting_agenda_items (meeting_id, carried_action_item_id) where carried_action_item_id is not null;

        create table meeting_attendees (
          id integer generated always as identity primary key,
          meeting_id integer not null references meetings(id) on delete cascade,
          category text not null check (category in ('attendee', 'teacher_rep', 'community_rep', 'parent_rep')),
          person_name text not null,
          teacher_id integer references teachers(id),
          school_id integer references schools(id),
          position text,
          created_at timestamptz not null default now()
        );
        create index meeting_attendees_meeting_idx on meeting_attendees (meeting_id);

        create table meeting_minutes_revisions (
          id integer generated always as identity primary key,
          meeting_id integer not null references meetings(id) on delete cascade,
          revision integer not null check (revision >= 1),
          status text not null check (status in ('draft', 'circulated', 'locked')),
          body text not null,
          body_sha256 text not null check (body_sha256 ~ '^[0-9a-f]{64}$'),
          round integer not null default 0,
          circulated_at timestamptz,
          locked_at timestamptz,
          updated_by integer references users(id) on delete set null,
          updated_by_name text,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          unique (meeting_id, revision)
        );
        create index minutes_status_idx on meeting_minutes_revisions (status) where status <> 'locked';

        create table meeting_minutes_signers (
          id integer generated always as identity primary key,
          revision_id integer not null references meeting_minutes_revisions(id) on delete cascade,
          round integer not null,
          school_id integer not null references schools(id),
          school_name text not null,
          school_role text not null check (school_role in ('core', 'member')),
          user_id integer references users(id) on delete set null,
          signer_name text not null,
          status text not null check (status in ('pending', 'signed', 'returned', 'void')),
          decided_at timestamptz,
          comment text,
          signed_sha256 text,
          created_at timestamptz not null default now(),
          -- one signature per school per circulation round: signing twice cannot write a second row
          unique (revision_id, round, school_id),
          check (status <> 'signed' or (signed_sha256 is not null and decided_at is not null))
        );
        create index minutes_signers_pending_idx on meeting_minutes_signers (user_id) where status = 'pending';

        create table meeting_action_items (
          id integer generated always as identity primary key,
          meeting_id integer not null references meetings(id) on delete cascade,
          community_id integer not null references communities(id) on delete cascade,
          title text not null,
          description text,
          owner_kind text not null check (owner_kind in ('person', 'school')),
          owner_name text not null,
          owner_teacher_id integer references teachers(id),
          owner_school_id integer references schools(id),
          due_date date not null,
          done_at timestamptz,
          activity_ids integer[] not null default '{}',
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          check (owner_kind <> 'school' or owner_school_id is not null)
        );
        create index action_items_community_idx on meeting_action_items (community_id, due_date) where done_at is null;
        create index action_items_meeting_idx on meeting_action_items (meeting_id);
        create index action_items_activities_idx on meeting_action_items using gin (activity_ids);

        create table meeting_action_notes (
          id integer generated always as identity primary key,
          action_item_id integer not null references meeting_action_items(id) on delete cascade,
          note text not null,
          author_user_id integer references users(id) on delete set null,
          author_name text not null,
          created_at timestamptz not null default now()
        );
        create index action_notes_item_idx on meeting_action_notes (action_item_id, created_at);

        create table meeting_attachments (
          id integer generated always as identity primary key,
          meeting_id integer not null references meetings(id) on delete cascade,
          storage_key text not null unique,
          file_name text not null,
          content_type text not null,
          size integer not null check (size >= 0),
          uploaded_by integer references users(id) on delete set null,
          uploaded_by_name text,
          created_at timestamptz not null default now()
        );
        create index meeting_attachments_meeting_idx on meeting_attachments (meeting_id);

        alter table meeting_agenda_items add constraint meeting_agenda_carried_fk
          foreign key (carried_action_item_id) references meeting_action_items(id) on delete set null;
      `.execute(db);
    },
  },
  '20261205_2130_meetings_carry_once_topic_en': {
    async up(db: Kysely<unknown>) {
      await sql`
        -- a carried item the lead took off an agenda stays off when the agenda is carried over again
        create table meeting_carry_dismissals (
          meeting_id integer not null references meetings(id) on delete cascade,
          action_item_id integer not null references meeting_action_items(id) on delete cascade,
          dismissed_by integer references users(id) on delete set null,
          created_at timestamptz not null default now(),
          primary key (meeting_id, action_item_id)
        );
        -- the English of a topic the server wrote (carried-over items)
        alter table meeting_agenda_items add column topic_en text;
        update meeting_agenda_items a
          set topic_en = 'Follow-up of the last meeting: ' || i.title || ' (owner: ' || i.owner_name || '; due ' || to_char(i.due_date, 'YYYY-MM-DD') || ')'
          from meeting_action_items i
          where i.id = a.carried_action_item_id and a.proposer_user_id is null and a.proposer_name = '系统（自动结转）';
      `.execute(db);
    },
  },
  // searches read a GIN index's whole pending list: keep it short (db/gin.ts)
  '20261206_1200_meetings_gin_pending_lists': {
    async up(db: Kysely<unknown>) {
      await keepGinPendingListsShort(db, ['action_items_activities_idx']);
    },
  },
};
