import { sql } from 'kysely';
import { toMap, yearEnd, yearStart, type DataSource } from '../../contracts/assessment-source.js';

/**
 * Series of the resources module (shared resources and shared courses), at community scope.
 */
const inYear = (col: string, y: number) =>
  sql`${sql.ref(col)} >= ${yearStart(y)}::date and ${sql.ref(col)} < least(${yearEnd(y)}::date, now())`;

export const resourcesSources: DataSource[] = [
  {
    key: 'resources_shared',
    label: { zh: '共享教学资源数', en: 'Shared teaching resources' },
    unit: 'item',
    unitLabel: { zh: '件', en: 'items' },
    module: 'resources',
    requires: [{ table: 'resources', columns: ['community_id', 'created_at', 'view_count'] }],
    schoolScope: false,
    async compute(db, q) {
      const rows = await sql<{ id: number; v: number }>`select community_id as id, count(*)::int as v from resources
        where community_id = any(${q.ids}::int[]) and ${inYear('created_at', q.year)} group by community_id`.execute(
        db,
      );
      return toMap(rows.rows, q.ids, 0);
    },
  },
  {
    key: 'resource_views',
    label: { zh: '共享资源点播量', en: 'Views of shared resources' },
    unit: 'view',
    unitLabel: { zh: '次', en: 'views' },
    module: 'resources',
    requires: [{ table: 'resources', columns: ['community_id', 'view_count'] }],
    schoolScope: false,
    async compute(db, q) {
      const rows = await sql<{
        id: number;
        v: number;
      }>`select community_id as id, coalesce(sum(view_count), 0)::int as v from resources
        where community_id = any(${q.ids}::int[]) group by community_id`.execute(db);
      return toMap(rows.rows, q.ids, 0);
    },
  },
  {
    key: 'shared_course_hours',
    label: { zh: '共享拓展课程课时', en: 'Shared course class hours' },
    unit: 'hour',
    unitLabel: { zh: '课时', en: 'class hours' },
    module: 'resources',
    requires: [
      { table: 'shared_courses', columns: ['community_id'] },
      { table: 'shared_course_sessions', columns: ['course_id', 'held_on', 'class_hours'] },
    ],
    schoolScope: false,
    async compute(db, q) {
      const rows = await sql<{
        id: number;
        v: number;
      }>`select c.community_id as id, coalesce(sum(s.class_hours), 0)::float8 as v
        from shared_course_sessions s join shared_courses c on c.id = s.course_id
        where c.community_id = any(${q.ids}::int[]) and ${inYear('s.held_on', q.year)} group by c.community_id`.execute(
        db,
      );
      return toMap(rows.rows, q.ids, 0);
    },
  },
];
