import { sql } from 'kysely';
import { toMap, yearEnd, yearStart, type DataSource } from '../../contracts/assessment-source.js';

/**
 * Series of the meetings module (joint meetings and signed minutes), at community scope.
 */
const inYear = (col: string, y: number) =>
  sql`${sql.ref(col)} >= ${yearStart(y)}::date and ${sql.ref(col)} < least(${yearEnd(y)}::date, now())`;

export const meetingsSources: DataSource[] = [
  {
    key: 'meetings_held',
    label: { zh: '联席会议召开次数', en: 'Joint meetings held' },
    unit: 'meeting',
    unitLabel: { zh: '次', en: 'meetings' },
    module: 'meetings',
    requires: [{ table: 'meetings', columns: ['community_id', 'starts_at'] }],
    schoolScope: false,
    async compute(db, q) {
      const rows = await sql<{ id: number; v: number }>`select community_id as id, count(*)::int as v from meetings
        where community_id = any(${q.ids}::int[]) and ${inYear('starts_at', q.year)} group by community_id`.execute(db);
      return toMap(rows.rows, q.ids, 0);
    },
    async records(db, q) {
      const rows = await sql<{
        id: number;
        title: string;
        day: string;
      }>`select id, title, to_char(starts_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day from meetings
        where community_id = ${q.communityId} and ${inYear('starts_at', q.year)} order by starts_at desc limit ${q.limit}`.execute(
        db,
      );
      return rows.rows.map((r) => ({ label: r.title, date: r.day, href: `/meetings/${r.id}` }));
    },
  },
  {
    key: 'minutes_signatures',
    label: { zh: '纪要会签签名数', en: 'Minutes co-signatures' },
    unit: 'signature',
    unitLabel: { zh: '个', en: 'signatures' },
    module: 'meetings',
    requires: [
      { table: 'meeting_minutes_signers', columns: ['revision_id', 'status', 'decided_at'] },
      { table: 'meeting_minutes_revisions', columns: ['meeting_id'] },
    ],
    schoolScope: false,
    async compute(db, q) {
      const rows = await sql<{
        id: number;
        v: number;
      }>`select mt.community_id as id, count(*)::int as v from meeting_minutes_signers sg
        join meeting_minutes_revisions r on r.id = sg.revision_id join meetings mt on mt.id = r.meeting_id
        where mt.community_id = any(${q.ids}::int[]) and sg.status = 'signed' and ${inYear('sg.decided_at', q.year)} group by mt.community_id`.execute(
        db,
      );
      return toMap(rows.rows, q.ids, 0);
    },
  },
];
