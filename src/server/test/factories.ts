import type { Insertable, Kysely } from 'kysely';
import type { SchoolTable, SchoolYearStatsTable } from '../modules/registry/registry.tables.js';
import type { Database } from '../db/database.js';
import type { Role, ScopeKind } from '../../shared/enums.js';
import type { Actor } from '../http/actor.js';
import { hashPassword } from '../modules/auth/auth.service.js';

/** Builders for test data: each makes one valid row with overridable fields and unique codes. */
let seq = 0;
const next = () =>
  (++seq).toString().padStart(6, '0') +
  Math.floor(Math.random() * 1e4)
    .toString()
    .padStart(4, '0');

export const HAINING = '330481';
export const YUNHE = '331125';
export const TONGXIANG = '330483';

type Db = Kysely<Database>;

export async function buildSchool(db: Db, o: Partial<Insertable<SchoolTable>> = {}) {
  return db
    .insertInto('schools')
    .values({
      code: `S${next()}`,
      name: `测试学校${seq}`,
      short_name: null,
      region_code: HAINING,
      township_code: null,
      level: 'primary',
      location_class: 'urban',
      is_teaching_point: false,
      parent_school_id: null,
      quality_tier: 'strong',
      latitude: 30.5,
      longitude: 120.68,
      address: null,
      principal_name: null,
      phone: null,
      founded_year: null,
      students: 500,
      classes: 12,
      has_recording_classroom: false,
      has_sync_classroom: false,
      ...o,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A school's annual statistics: a plausible small school with nothing broken down, unless `o` says. */
export async function buildSchoolYearStats(
  db: Db,
  schoolId: number,
  o: Partial<Insertable<SchoolYearStatsTable>> = {},
) {
  return db
    .insertInto('school_year_stats')
    .values({
      school_id: schoolId,
      school_year: 2025,
      students_total: 300,
      classes_total: 10,
      teachers_total: 30,
      students_by_grade: '{}',
      classes_by_size_band: '{}',
      teachers_by_qualification: '{}',
      teachers_by_honour: '{}',
      teachers_by_subject: '{}',
      teachers_above_qualification: null,
      backbone_teachers: null,
      pe_art_teachers: null,
      building_area: null,
      teaching_aux_area: null,
      sports_ground_area: null,
      equipment_value: null,
      multimedia_classrooms: null,
      recording_classrooms: null,
      is_standardized: false,
      ...o,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function buildTeacher(db: Db, schoolId: number, o: Record<string, unknown> = {}) {
  return db
    .insertInto('teachers')
    .values({
      teacher_code: `T${next()}`,
      school_id: schoolId,
      name: `教师${seq}`,
      gender: 'F',
      birth_year: 1985,
      phone: null,
      subjects: ['chinese'],
      major_subject: 'chinese',
      title: 'first',
      honours: [],
      posts: ['teacher'],
      qualification: 'bachelor',
      hire_year: 2008,
      ...o,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function buildCommunity(
  db: Db,
  members: { schoolId: number; role: 'core' | 'member'; start?: string; end?: string | null }[],
  o: Record<string, unknown> = {},
) {
  const c = await db
    .insertInto('communities')
    .values({
      code: `C${next()}`,
      name: `测试教共体${seq}`,
      type: 'cobuilt',
      model: 'one_plus_x',
      region_code: HAINING,
      is_cross_region: false,
      partner_region_code: null,
      founded_on: '2021-09-01',
      dissolved_on: null,
      description: null,
      ...o,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  for (const m of members) {
    await db
      .insertInto('community_memberships')
      .values({
        community_id: c.id,
        school_id: m.schoolId,
        role: m.role,
        start_date: m.start ?? '2021-09-01',
        end_date: m.end ?? null,
        note: null,
      })
      .execute();
  }
  return c;
}

let cachedHash: string | undefined;
export const USER_PASSWORD = 'password-123';

export async function buildUser(
  db: Db,
  role: Role,
  scope: { kind: ScopeKind; id: string | number },
  o: { username?: string; teacherId?: number; displayName?: string } = {},
) {
  cachedHash ??= await hashPassword(USER_PASSWORD);
  return db
    .insertInto('users')
    .values({
      username: o.username ?? `u${next()}`,
      display_name: o.displayName ?? `用户${seq}`,
      password_hash: cachedHash,
      role,
      scope_kind: scope.kind,
      scope_id: String(scope.id),
      teacher_id: o.teacherId ?? null,
      last_login_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A region bureau administrator as the services see one, for tests that call them directly. */
export function bureauActor(regionCode: string): Actor {
  return {
    userId: 1,
    username: 'admin',
    displayName: 'admin',
    role: 'bureau_admin',
    scope: { kind: 'region', id: regionCode },
    teacherId: null,
  };
}
