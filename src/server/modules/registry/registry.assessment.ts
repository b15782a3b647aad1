import { sql } from 'kysely';
import { MASTER_HONOURS } from '../../../shared/enums.js';
import type { SchoolTeacherCountsTable } from './registry.tables.js';
import {
  memberIn,
  schoolFilter,
  schoolRatio,
  schoolSum,
  toMap,
  type DataSource,
} from '../../contracts/assessment-source.js';

/**
 * Series from the registry: member schools, teachers and their structure, the annual statistics.
 * Teacher counts read each school's maintained counts (school_teacher_counts), not the teachers.
 */
const master = [...MASTER_HONOURS];

type Counted = Exclude<keyof SchoolTeacherCountsTable, 'school_id'>;
/** One of each school's maintained teacher counts, as a per-school series. */
const counted = (column: Counted) => (_y: number, ids: number[] | null) =>
  sql<{
    id: number;
    v: number;
  }>`select school_id as id, ${sql.ref(column)} as v from school_teacher_counts where true ${schoolFilter('school_id', ids)}`;
/** Two of them as a share (numerator, denominator). */
const countedShare = (num: Counted, den: Counted) => (_y: number, ids: number[]) =>
  sql<{
    id: number;
    num: number;
    den: number;
  }>`select school_id as id, ${sql.ref(num)} as num, ${sql.ref(den)} as den from school_teacher_counts where true ${schoolFilter('school_id', ids)}`;

export const registrySources: DataSource[] = [
  {
    key: 'member_schools',
    label: { zh: '成员校数（含核心校）', en: 'Member schools (incl. core)' },
    unit: 'school',
    unitLabel: { zh: '所', en: 'schools' },
    module: 'registry',
    requires: [],
    schoolScope: true,
    async compute(db, q) {
      if (q.scope === 'school') return new Map(q.ids.map((id) => [id, 1]));
      const rows = await sql<{
        id: number;
        v: number;
      }>`select m.community_id as id, count(distinct m.school_id)::int as v from community_memberships m
        where m.community_id = any(${q.ids}::int[]) and ${memberIn(q.year)} group by m.community_id`.execute(db);
      return toMap(rows.rows, q.ids, 0);
    },
    async records(db, q) {
      const rows = await sql<{
        name: string;
        role: string;
        id: number;
      }>`select s.id, s.name, m.role from community_memberships m join schools s on s.id = m.school_id
        where m.community_id = ${q.communityId} and ${memberIn(q.year)} order by m.role, s.name limit ${q.limit}`.execute(
        db,
      );
      return rows.rows.map((r) => ({
        label: `${r.name}（${r.role === 'core' ? '核心校' : '成员校'}）`,
        href: `/schools/${r.id}`,
      }));
    },
  },
  {
    key: 'rural_schools',
    label: { zh: '乡村成员校数', en: 'Rural member schools' },
    unit: 'school',
    unitLabel: { zh: '所', en: 'schools' },
    module: 'registry',
    requires: [],
    schoolScope: true,
    compute: schoolSum(
      (_y, ids) => sql`select id, 1 as v from schools where location_class = 'rural' ${schoolFilter('id', ids)}`,
    ),
  },
  {
    key: 'students',
    label: { zh: '在校学生数', en: 'Students' },
    unit: 'person',
    unitLabel: { zh: '人', en: 'students' },
    module: 'registry',
    requires: [],
    schoolScope: true,
    compute: schoolSum(
      (y, ids) => sql`select s.id, coalesce(st.students_total, s.students) as v from schools s
      left join school_year_stats st on st.school_id = s.id and st.school_year = ${y} where true ${schoolFilter('s.id', ids)}`,
      null,
    ),
  },
  {
    key: 'teachers',
    label: { zh: '在岗教师数', en: 'Active teachers' },
    unit: 'person',
    unitLabel: { zh: '人', en: 'teachers' },
    module: 'registry',
    requires: [],
    schoolScope: true,
    compute: schoolSum(counted('active')),
  },
  {
    key: 'master_teachers',
    label: { zh: '名师人数（特级、省市名师、学科带头人）', en: 'Master teachers' },
    unit: 'person',
    unitLabel: { zh: '人', en: 'teachers' },
    module: 'registry',
    requires: [],
    schoolScope: true,
    compute: schoolSum(counted('master')),
    async records(db, q) {
      const rows = await sql<{
        name: string;
        school: string;
      }>`select t.name, s.name as school from teachers t join schools s on s.id = t.school_id
        join community_memberships m on m.school_id = t.school_id and m.community_id = ${q.communityId} and ${memberIn(q.year)}
        where t.status = 'active' and t.honours && ${master}::text[] order by s.name, t.name limit ${q.limit}`.execute(
        db,
      );
      return rows.rows.map((r) => ({ label: `${r.school} ${r.name}` }));
    },
  },
  {
    key: 'master_teacher_share',
    label: { zh: '名师占比', en: 'Share of master teachers' },
    unit: 'percent',
    unitLabel: { zh: '%', en: '%' },
    module: 'registry',
    requires: [],
    schoolScope: true,
    compute: schoolRatio(countedShare('master', 'active')),
  },
  {
    key: 'backbone_teachers',
    label: { zh: '县级以上骨干教师人数', en: 'Backbone teachers (county level or above)' },
    unit: 'person',
    unitLabel: { zh: '人', en: 'teachers' },
    module: 'registry',
    requires: [],
    schoolScope: true,
    compute: schoolSum(counted('backbone')),
  },
  {
    key: 'backbone_share',
    label: { zh: '骨干教师占比', en: 'Share of backbone teachers' },
    unit: 'percent',
    unitLabel: { zh: '%', en: '%' },
    module: 'registry',
    requires: [],
    schoolScope: true,
    compute: schoolRatio(countedShare('backbone', 'active')),
  },
  {
    key: 'non_specialist_teachers',
    label: { zh: '非专业代课教师数', en: 'Teachers teaching outside their major' },
    unit: 'person',
    unitLabel: { zh: '人', en: 'teachers' },
    module: 'registry',
    requires: [],
    schoolScope: true,
    compute: schoolSum(counted('non_specialist')),
  },
  {
    key: 'non_specialist_rate',
    label: { zh: '非专业代课率', en: 'Non-specialist teaching rate' },
    unit: 'percent',
    unitLabel: { zh: '%', en: '%' },
    module: 'registry',
    requires: [],
    schoolScope: true,
    compute: schoolRatio(countedShare('non_specialist', 'with_major')),
  },
  {
    key: 'classes',
    label: { zh: '班级数', en: 'Classes' },
    unit: 'class',
    unitLabel: { zh: '个', en: 'classes' },
    module: 'registry',
    requires: [],
    schoolScope: true,
    compute: schoolSum(
      (y, ids) =>
        sql`select school_id as id, classes_total as v from school_year_stats where school_year = ${y} ${schoolFilter('school_id', ids)}`,
      null,
    ),
  },
  {
    key: 'large_classes',
    label: { zh: '大班额班级数（56 人及以上）', en: 'Large classes (56+ pupils)' },
    unit: 'class',
    unitLabel: { zh: '个', en: 'classes' },
    module: 'registry',
    requires: [],
    schoolScope: true,
    compute: schoolSum(
      (y, ids) => sql`select school_id as id,
      (coalesce((classes_by_size_band->>'b56_65')::int, 0) + coalesce((classes_by_size_band->>'ge66')::int, 0)) as v
      from school_year_stats where school_year = ${y} ${schoolFilter('school_id', ids)}`,
      null,
    ),
  },
];
