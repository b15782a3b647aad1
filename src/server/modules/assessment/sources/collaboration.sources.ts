import { sql } from 'kysely';
import { exchangeSources } from './exchange.sources.js';
import { toMap, yearEnd, yearStart, type DataSource } from './source.js';

/**
 * Series of the meetings and resources modules, at community scope.
 */
const inYear = (col: string, y: number) => sql`${sql.ref(col)} >= ${yearStart(y)}::date and ${sql.ref(col)} < least(${yearEnd(y)}::date, now())`;

export const collaborationSources: DataSource[] = [
  {
    key: 'meetings_held',
    label: { zh: '联席会议召开次数', en: 'Joint meetings held' },
    unit: 'meeting', unitLabel: { zh: '次', en: 'meetings' }, module: 'meetings',
    requires: [{ table: 'meetings', columns: ['community_id', 'starts_at'] }], schoolScope: false,
    async compute(db, q) {
      const rows = await sql<{ id: number; v: number }>`select community_id as id, count(*)::int as v from meetings
        where community_id = any(${q.ids}::int[]) and ${inYear('starts_at', q.year)} group by community_id`.execute(db);
      return toMap(rows.rows, q.ids, 0);
    },
    async records(db, q) {
      const rows = await sql<{ id: number; title: string; day: string }>`select id, title, to_char(starts_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day from meetings
        where community_id = ${q.communityId} and ${inYear('starts_at', q.year)} order by starts_at desc limit ${q.limit}`.execute(db);
      return rows.rows.map((r) => ({ label: r.title, date: r.day, href: `/meetings/${r.id}` }));
    },
  },
  {
    key: 'minutes_signatures',
    label: { zh: '纪要会签签名数', en: 'Minutes co-signatures' },
    unit: 'signature', unitLabel: { zh: '个', en: 'signatures' }, module: 'meetings',
    requires: [{ table: 'meeting_minutes_signers', columns: ['revision_id', 'status', 'decided_at'] }, { table: 'meeting_minutes_revisions', columns: ['meeting_id'] }], schoolScope: false,
    async compute(db, q) {
      const rows = await sql<{ id: number; v: number }>`select mt.community_id as id, count(*)::int as v from meeting_minutes_signers sg
        join meeting_minutes_revisions r on r.id = sg.revision_id join meetings mt on mt.id = r.meeting_id
        where mt.community_id = any(${q.ids}::int[]) and sg.status = 'signed' and ${inYear('sg.decided_at', q.year)} group by mt.community_id`.execute(db);
      return toMap(rows.rows, q.ids, 0);
    },
  },
  {
    key: 'resources_shared',
    label: { zh: '共享教学资源数', en: 'Shared teaching resources' },
    unit: 'item', unitLabel: { zh: '件', en: 'items' }, module: 'resources',
    requires: [{ table: 'resources', columns: ['community_id', 'created_at', 'view_count'] }], schoolScope: false,
    async compute(db, q) {
      const rows = await sql<{ id: number; v: number }>`select community_id as id, count(*)::int as v from resources
        where community_id = any(${q.ids}::int[]) and ${inYear('created_at', q.year)} group by community_id`.execute(db);
      return toMap(rows.rows, q.ids, 0);
    },
  },
  {
    key: 'resource_views',
    label: { zh: '共享资源点播量', en: 'Views of shared resources' },
    unit: 'view', unitLabel: { zh: '次', en: 'views' }, module: 'resources',
    requires: [{ table: 'resources', columns: ['community_id', 'view_count'] }], schoolScope: false,
    async compute(db, q) {
      const rows = await sql<{ id: number; v: number }>`select community_id as id, coalesce(sum(view_count), 0)::int as v from resources
        where community_id = any(${q.ids}::int[]) group by community_id`.execute(db);
      return toMap(rows.rows, q.ids, 0);
    },
  },
  {
    key: 'shared_course_hours',
    label: { zh: '共享拓展课程课时', en: 'Shared course class hours' },
    unit: 'hour', unitLabel: { zh: '课时', en: 'class hours' }, module: 'resources',
    requires: [{ table: 'shared_courses', columns: ['community_id'] }, { table: 'shared_course_sessions', columns: ['course_id', 'held_on', 'class_hours'] }], schoolScope: false,
    async compute(db, q) {
      const rows = await sql<{ id: number; v: number }>`select c.community_id as id, coalesce(sum(s.class_hours), 0)::float8 as v
        from shared_course_sessions s join shared_courses c on c.id = s.course_id
        where c.community_id = any(${q.ids}::int[]) and ${inYear('s.held_on', q.year)} group by c.community_id`.execute(db);
      return toMap(rows.rows, q.ids, 0);
    },
  },
  ...exchangeSources,
];
