import { randomBytes } from 'node:crypto';
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { DbHandle } from '../db/connection.js';
import type { Database } from '../db/database.js';
import { hashPassword } from '../modules/auth/auth.service.js';
import { loadRegions, loadTownships } from '../modules/registry/regions.service.js';
import { DEMO_COUNTY, generateDemoCounty, type DemoData } from './demo.generator.js';

export const DEMO_USERNAMES = ['bureau', 'assessor', 'lead', 'principal', 'teacher', 'viewer'] as const;

export interface SeedDemoOptions {
  seed?: number | undefined;
  /** ~40 (one county, the default); above 150 the schools spread over the counties of 浙江省 */
  schools?: number | undefined;
  /** create the demo accounts (default: only for the one-county demo) */
  users?: boolean | undefined;
  /**
   * password of every demo account (GONGJIN_DEMO_PASSWORD); when unset one is generated and returned
   * as `generatedPassword`, to be shown once — no demo account ever has a published password
   */
  password?: string | undefined;
  log?: ((msg: string) => void) | undefined;
}

export interface DemoSummary {
  schools: number;
  teachers: number;
  communities: number;
  memberships: number;
  leadership: number;
  stats: number;
  users: number;
  /** the demo accounts' password when it was generated here (print it once; it is stored only hashed) */
  generatedPassword?: string;
}

type Tx = Transaction<Database>;
interface Column<R> {
  name: string;
  /** element type of the array parameter */
  type: 'text' | 'int4' | 'float8' | 'bool' | 'date';
  /** final cast of the column (text[] and jsonb travel as text) */
  cast?: 'text[]' | 'jsonb' | 'char(1)';
  value: (row: R) => unknown;
}

const BATCH = 5000;
/** A text[] value as a PostgreSQL array literal; demo values are plain identifiers. */
const arrayLiteral = (items: readonly string[]) => `{${items.join(',')}}`;

/**
 * Inserts rows with one `insert … select from unnest(…)` per batch: one parameter per column
 * instead of one per cell, so 300,000 teachers take seconds on both PostgreSQL and PGlite.
 */
async function bulkInsert<R, Out = never>(
  tx: Tx,
  table: keyof Database,
  columns: Column<R>[],
  rows: readonly R[],
  returning?: string,
): Promise<Out[]> {
  const out: Out[] = [];
  const names = sql.raw(columns.map((c) => c.name).join(', '));
  const selects = sql.raw(columns.map((c) => (c.cast ? `${c.name}::${c.cast}` : c.name)).join(', '));
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const arrays: RawBuilder<unknown>[] = columns.map(
      (c) => sql`${batch.map((r) => c.value(r) ?? null)}::${sql.raw(c.type)}[]`,
    );
    const query = sql<Out>`insert into ${sql.table(table)} (${names}) select ${selects} from unnest(${sql.join(arrays)}) as t(${names})${returning ? sql.raw(` returning ${returning}`) : sql``}`;
    const result = await query.execute(tx);
    for (const r of result.rows) out.push(r);
  }
  return out;
}

/**
 * Loads the deterministic demo data set (see demo.generator.ts) in one transaction. Expects an empty
 * registry; regions are loaded when missing and townships for every county it uses.
 */
export async function seedDemo(dbh: DbHandle, opts: SeedDemoOptions = {}): Promise<DemoSummary> {
  const db = dbh.db;
  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  const data = generateDemoCounty({ seed: opts.seed, schools: opts.schools });
  log(
    `demo: generated ${data.schools.length} schools, ${data.teachers.length} teachers, ${data.communities.length} communities in ${Date.now() - started} ms`,
  );

  await loadRegions(db);
  for (const c of data.counties) await loadTownships(db, c.code);
  const first = data.schools[0];
  if (first) {
    const clash = await db.selectFrom('schools').select('id').where('code', '=', first.code).executeTakeFirst();
    if (clash)
      throw new Error(
        `demo data already present (school ${first.code} exists); use an empty database / 演示数据已存在`,
      );
  }
  const withUsers = opts.users ?? data.mode === 'county';
  const generatedPassword = withUsers && !opts.password ? randomBytes(12).toString('base64url') : undefined;
  const passwordHash = withUsers ? await hashPassword(opts.password ?? generatedPassword!) : '';

  const summary = await db.transaction().execute(async (tx) => {
    const schools = await insertSchools(tx, data);
    log(`demo: ${schools.size} schools (${Date.now() - started} ms)`);
    const teachers = await insertTeachers(tx, data, schools);
    log(`demo: ${teachers} teachers (${Date.now() - started} ms)`);
    const communities = await insertCommunities(tx, data);
    const memberships = await insertMemberships(tx, data, communities, schools);
    const teacherIds = await teacherIdsByCode(tx, [
      ...data.leadership.map((l) => l.teacher_code),
      ...demoTeacherCodes(data),
    ]);
    const leadership = await insertLeadership(tx, data, communities, schools, teacherIds);
    log(
      `demo: ${communities.size} communities, ${memberships} memberships, ${leadership} leadership members (${Date.now() - started} ms)`,
    );
    const stats = await insertStats(tx, data, schools);
    log(`demo: ${stats} school-year statistics (${Date.now() - started} ms)`);
    const users = withUsers ? await insertUsers(tx, data, passwordHash, communities, schools, teacherIds) : 0;
    return { schools: schools.size, teachers, communities: communities.size, memberships, leadership, stats, users };
  });
  log(`demo: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return generatedPassword ? { ...summary, generatedPassword } : summary;
}

async function insertSchools(tx: Tx, data: DemoData): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  type S = DemoData['schools'][number];
  const columns: Column<S>[] = [
    { name: 'code', type: 'text', value: (s) => s.code },
    { name: 'name', type: 'text', value: (s) => s.name },
    { name: 'short_name', type: 'text', value: (s) => s.short_name },
    { name: 'region_code', type: 'text', value: (s) => s.region_code },
    { name: 'township_code', type: 'text', value: (s) => s.township_code },
    { name: 'level', type: 'text', value: (s) => s.level },
    { name: 'location_class', type: 'text', value: (s) => s.location_class },
    { name: 'is_teaching_point', type: 'bool', value: (s) => s.is_teaching_point },
    { name: 'parent_school_id', type: 'int4', value: (s) => (s.parent_code ? ids.get(s.parent_code) : null) },
    { name: 'quality_tier', type: 'text', value: (s) => s.quality_tier },
    { name: 'latitude', type: 'float8', value: (s) => s.latitude },
    { name: 'longitude', type: 'float8', value: (s) => s.longitude },
    { name: 'address', type: 'text', value: (s) => s.address },
    { name: 'principal_name', type: 'text', value: (s) => s.principal_name },
    { name: 'phone', type: 'text', value: (s) => s.phone },
    { name: 'founded_year', type: 'int4', value: (s) => s.founded_year },
    { name: 'students', type: 'int4', value: (s) => s.students },
    { name: 'classes', type: 'int4', value: (s) => s.classes },
    { name: 'has_recording_classroom', type: 'bool', value: (s) => s.has_recording_classroom },
    { name: 'has_sync_classroom', type: 'bool', value: (s) => s.has_sync_classroom },
  ];
  // central schools first, so their teaching points can point at them
  for (const part of [data.schools.filter((s) => !s.parent_code), data.schools.filter((s) => s.parent_code)]) {
    const rows = await bulkInsert<S, { id: number; code: string }>(tx, 'schools', columns, part, 'id, code');
    for (const r of rows) ids.set(r.code, r.id);
  }
  return ids;
}

async function insertTeachers(tx: Tx, data: DemoData, schools: Map<string, number>): Promise<number> {
  type T = DemoData['teachers'][number];
  const columns: Column<T>[] = [
    { name: 'teacher_code', type: 'text', value: (t) => t.teacher_code },
    { name: 'school_id', type: 'int4', value: (t) => schools.get(t.school_code) },
    { name: 'name', type: 'text', value: (t) => t.name },
    { name: 'gender', type: 'text', cast: 'char(1)', value: (t) => t.gender },
    { name: 'birth_year', type: 'int4', value: (t) => t.birth_year },
    { name: 'phone', type: 'text', value: (t) => t.phone },
    { name: 'subjects', type: 'text', cast: 'text[]', value: (t) => arrayLiteral(t.subjects) },
    { name: 'major_subject', type: 'text', value: (t) => t.major_subject },
    { name: 'title', type: 'text', value: (t) => t.title },
    { name: 'honours', type: 'text', cast: 'text[]', value: (t) => arrayLiteral(t.honours) },
    { name: 'posts', type: 'text', cast: 'text[]', value: (t) => arrayLiteral(t.posts) },
    { name: 'qualification', type: 'text', value: (t) => t.qualification },
    { name: 'hire_year', type: 'int4', value: (t) => t.hire_year },
  ];
  await bulkInsert(tx, 'teachers', columns, data.teachers);
  return data.teachers.length;
}

async function insertCommunities(tx: Tx, data: DemoData): Promise<Map<string, number>> {
  type C = DemoData['communities'][number];
  const columns: Column<C>[] = [
    { name: 'code', type: 'text', value: (c) => c.code },
    { name: 'name', type: 'text', value: (c) => c.name },
    { name: 'type', type: 'text', value: (c) => c.type },
    { name: 'model', type: 'text', value: (c) => c.model },
    { name: 'region_code', type: 'text', value: (c) => c.region_code },
    { name: 'is_cross_region', type: 'bool', value: (c) => c.is_cross_region },
    { name: 'partner_region_code', type: 'text', value: (c) => c.partner_region_code },
    { name: 'founded_on', type: 'date', value: (c) => c.founded_on },
    { name: 'dissolved_on', type: 'date', value: (c) => c.dissolved_on },
    { name: 'description', type: 'text', value: (c) => c.description },
  ];
  const rows = await bulkInsert<C, { id: number; code: string }>(
    tx,
    'communities',
    columns,
    data.communities,
    'id, code',
  );
  return new Map(rows.map((r) => [r.code, r.id]));
}

function idOf(map: Map<string, number>, code: string, what: string): number {
  const id = map.get(code);
  if (id === undefined) throw new Error(`demo: unknown ${what} ${code}`);
  return id;
}

async function insertMemberships(
  tx: Tx,
  data: DemoData,
  communities: Map<string, number>,
  schools: Map<string, number>,
): Promise<number> {
  type M = DemoData['memberships'][number];
  const columns: Column<M>[] = [
    { name: 'community_id', type: 'int4', value: (m) => idOf(communities, m.community_code, 'community') },
    { name: 'school_id', type: 'int4', value: (m) => idOf(schools, m.school_code, 'school') },
    { name: 'role', type: 'text', value: (m) => m.role },
    { name: 'start_date', type: 'date', value: (m) => m.start_date },
    { name: 'end_date', type: 'date', value: (m) => m.end_date },
    { name: 'note', type: 'text', value: (m) => m.note },
  ];
  await bulkInsert(tx, 'community_memberships', columns, data.memberships);
  return data.memberships.length;
}

async function teacherIdsByCode(tx: Tx, codes: (string | null)[]): Promise<Map<string, number>> {
  const wanted = [...new Set(codes.filter((c): c is string => c !== null))];
  const ids = new Map<string, number>();
  for (let i = 0; i < wanted.length; i += BATCH) {
    const chunk = wanted.slice(i, i + BATCH);
    const rows = await sql<{
      id: number;
      teacher_code: string;
    }>`select id, teacher_code from teachers where teacher_code = any(${chunk}::text[])`.execute(tx);
    for (const r of rows.rows) ids.set(r.teacher_code, r.id);
  }
  return ids;
}

async function insertLeadership(
  tx: Tx,
  data: DemoData,
  communities: Map<string, number>,
  schools: Map<string, number>,
  teachers: Map<string, number>,
): Promise<number> {
  type L = DemoData['leadership'][number];
  const columns: Column<L>[] = [
    { name: 'community_id', type: 'int4', value: (l) => idOf(communities, l.community_code, 'community') },
    { name: 'person_name', type: 'text', value: (l) => l.person_name },
    { name: 'teacher_id', type: 'int4', value: (l) => (l.teacher_code ? teachers.get(l.teacher_code) : null) },
    { name: 'school_id', type: 'int4', value: (l) => (l.school_code ? schools.get(l.school_code) : null) },
    { name: 'role', type: 'text', value: (l) => l.role },
    { name: 'position', type: 'text', value: (l) => l.position },
    { name: 'work_group', type: 'text', value: (l) => l.work_group },
    { name: 'start_date', type: 'date', value: (l) => l.start_date },
    { name: 'end_date', type: 'date', value: (l) => l.end_date },
  ];
  await bulkInsert(tx, 'leadership_members', columns, data.leadership);
  return data.leadership.length;
}

async function insertStats(tx: Tx, data: DemoData, schools: Map<string, number>): Promise<number> {
  type Y = DemoData['stats'][number];
  const json = (v: object) => JSON.stringify(v);
  const columns: Column<Y>[] = [
    { name: 'school_id', type: 'int4', value: (y) => idOf(schools, y.school_code, 'school') },
    { name: 'school_year', type: 'int4', value: (y) => y.school_year },
    { name: 'students_total', type: 'int4', value: (y) => y.students_total },
    { name: 'classes_total', type: 'int4', value: (y) => y.classes_total },
    { name: 'teachers_total', type: 'int4', value: (y) => y.teachers_total },
    { name: 'students_by_grade', type: 'text', cast: 'jsonb', value: (y) => json(y.students_by_grade) },
    { name: 'classes_by_size_band', type: 'text', cast: 'jsonb', value: (y) => json(y.classes_by_size_band) },
    { name: 'teachers_by_qualification', type: 'text', cast: 'jsonb', value: (y) => json(y.teachers_by_qualification) },
    { name: 'teachers_by_honour', type: 'text', cast: 'jsonb', value: (y) => json(y.teachers_by_honour) },
    { name: 'teachers_by_subject', type: 'text', cast: 'jsonb', value: (y) => json(y.teachers_by_subject) },
    { name: 'teachers_above_qualification', type: 'int4', value: (y) => y.teachers_above_qualification },
    { name: 'backbone_teachers', type: 'int4', value: (y) => y.backbone_teachers },
    { name: 'pe_art_teachers', type: 'int4', value: (y) => y.pe_art_teachers },
    { name: 'building_area', type: 'float8', value: (y) => y.building_area },
    { name: 'teaching_aux_area', type: 'float8', value: (y) => y.teaching_aux_area },
    { name: 'sports_ground_area', type: 'float8', value: (y) => y.sports_ground_area },
    { name: 'equipment_value', type: 'float8', value: (y) => y.equipment_value },
    { name: 'multimedia_classrooms', type: 'int4', value: (y) => y.multimedia_classrooms },
    { name: 'recording_classrooms', type: 'int4', value: (y) => y.recording_classrooms },
    { name: 'is_standardized', type: 'bool', value: (y) => y.is_standardized },
  ];
  await bulkInsert(tx, 'school_year_stats', columns, data.stats);
  return data.stats.length;
}

/** The community, school and teacher the demo accounts are attached to. */
export function demoAccountTargets(data: DemoData) {
  const community =
    data.communities.find((c) => c.type === 'cobuilt' && !c.is_cross_region && c.region_code === DEMO_COUNTY) ??
    data.communities.find((c) => c.type === 'cobuilt');
  const member = community
    ? data.memberships.find((m) => m.community_code === community.code && m.role === 'member' && !m.end_date)
    : undefined;
  const core = community
    ? data.memberships.find((m) => m.community_code === community.code && m.role === 'core')
    : undefined;
  const staff = member ? data.teachers.filter((t) => t.school_code === member.school_code) : [];
  const principal = staff.find((t) => t.posts.includes('principal'));
  const teacher =
    staff.find((t) => t.posts.includes('head_teacher')) ?? staff.find((t) => !t.posts.includes('principal'));
  const lead = core
    ? data.teachers.find((t) => t.school_code === core.school_code && t.posts.includes('principal'))
    : undefined;
  return { community, schoolCode: member?.school_code, lead, principal, teacher };
}

function demoTeacherCodes(data: DemoData): string[] {
  const t = demoAccountTargets(data);
  return [t.teacher?.teacher_code, t.principal?.teacher_code, t.lead?.teacher_code].filter((c): c is string => !!c);
}

async function insertUsers(
  tx: Tx,
  data: DemoData,
  passwordHash: string,
  communities: Map<string, number>,
  schools: Map<string, number>,
  teachers: Map<string, number>,
): Promise<number> {
  const t = demoAccountTargets(data);
  const communityId = t.community ? communities.get(t.community.code) : undefined;
  const schoolId = t.schoolCode ? schools.get(t.schoolCode) : undefined;
  const teacherId = t.teacher ? teachers.get(t.teacher.teacher_code) : undefined;
  const county = data.counties.find((c) => c.code === DEMO_COUNTY)?.name ?? '';
  const users = [
    {
      username: 'bureau',
      display_name: `${county}教育局（演示）`,
      role: 'bureau_admin',
      scope_kind: 'region',
      scope_id: DEMO_COUNTY,
      teacher_id: null,
    },
    {
      username: 'assessor',
      display_name: `${county}督导考核员（演示）`,
      role: 'assessor',
      scope_kind: 'region',
      scope_id: DEMO_COUNTY,
      teacher_id: null,
    },
    ...(communityId !== undefined
      ? [
          {
            username: 'lead',
            display_name: `${t.lead?.name ?? '教共体负责人'}（演示）`,
            role: 'community_lead',
            scope_kind: 'community',
            scope_id: String(communityId),
            teacher_id: null,
          },
        ]
      : []),
    ...(schoolId !== undefined
      ? [
          {
            username: 'principal',
            display_name: `${t.principal?.name ?? '校长'}（演示）`,
            role: 'school_admin',
            scope_kind: 'school',
            scope_id: String(schoolId),
            teacher_id: null,
          },
        ]
      : []),
    ...(schoolId !== undefined && teacherId !== undefined
      ? [
          {
            username: 'teacher',
            display_name: `${t.teacher?.name ?? '教师'}（演示）`,
            role: 'teacher',
            scope_kind: 'school',
            scope_id: String(schoolId),
            teacher_id: teacherId,
          },
        ]
      : []),
    {
      username: 'viewer',
      display_name: `${county}只读用户（演示）`,
      role: 'viewer',
      scope_kind: 'region',
      scope_id: DEMO_COUNTY,
      teacher_id: null,
    },
  ];
  const inserted = await tx
    .insertInto('users')
    .values(users.map((u) => ({ ...u, password_hash: passwordHash })))
    .onConflict((oc) => oc.column('username').doNothing())
    .returning('id')
    .execute();
  return inserted.length;
}
