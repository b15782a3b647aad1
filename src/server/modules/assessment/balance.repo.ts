import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { BalanceCountyResultTable } from './assessment.tables.js';
import type { BALANCE_SORTS } from '../../../shared/assessment.schemas.js';
import type { BalanceEvaluation, BalanceInputRow } from './balance.compute.js';
import { BALANCE_LEVELS } from './balance.rules.js';

/**
 * SQL of the balance cache. A county here is the first six digits of a school's region code (its
 * GB/T 2260 county, or the city or province a school is registered at directly).
 */

/** Counties under a region prefix with an active school that has statistics for the year. */
export async function countiesWithStats(db: Db, prefix: string, year: number): Promise<string[]> {
  const r = await sql<{ county: string }>`
    select distinct left(s.region_code, 6) as county
    from schools s join school_year_stats st on st.school_id = s.id and st.school_year = ${year}
    where s.region_code like ${`${prefix}%`} and s.is_active and s.level in (${sql.join([...BALANCE_LEVELS])})
    order by 1`.execute(db);
  return r.rows.map((x) => x.county);
}

export async function cachedCounties(db: Db, prefix: string, year: number) {
  return db
    .selectFrom('balance_county_results as b')
    .leftJoin('regions as g', 'g.code', 'b.county_code')
    .select([
      'b.county_code',
      'g.name as county_name',
      'b.version',
      'b.computed_version',
      'b.computed_at',
      'b.summary',
      'b.stages',
      sql<number>`coalesce(jsonb_array_length(b.excluded), 0)`.as('excluded_count'),
    ])
    .where('b.county_code', 'like', `${prefix}%`)
    .where('b.school_year', '=', year)
    .orderBy('b.county_code')
    .execute();
}
export type CachedCounty = Awaited<ReturnType<typeof cachedCounties>>[number];

/**
 * Every county row under a region with its versions, and nothing else: what a kept region answer is
 * checked against (a write to a county's schools or statistics moves its version, a computation its
 * computed version, and a county gaining its first statistics gains a row).
 */
export async function countyVersions(db: Db, prefix: string, year: number): Promise<string> {
  const r = await sql<{ v: string | null }>`
    select string_agg(county_code || '@' || version || '/' || coalesce(computed_version::text, '-'), ',' order by county_code) as v
    from balance_county_results where county_code like ${`${prefix}%`} and school_year = ${year}`.execute(db);
  return r.rows[0]?.v ?? '';
}
type BalanceCountyRow = Selectable<BalanceCountyResultTable>;

/** The sums the counties' results were computed with (large: read only when a region's total is summed). */
export async function countySums(db: Db, counties: readonly string[], year: number) {
  if (!counties.length) return new Map<string, NonNullable<BalanceCountyRow['sums']>>();
  const rows = await db
    .selectFrom('balance_county_results')
    .select(['county_code', 'sums'])
    .where('county_code', 'in', [...counties])
    .where('school_year', '=', year)
    .execute();
  return new Map(rows.flatMap((r) => (r.sums ? [[r.county_code, r.sums] as const] : [])));
}

/** The schools a county's result left out, with the reason. */
export async function countyExcluded(db: Db, county: string, year: number) {
  const r = await db
    .selectFrom('balance_county_results')
    .select('excluded')
    .where('county_code', '=', county)
    .where('school_year', '=', year)
    .executeTakeFirst();
  return r?.excluded ?? [];
}

/** Creates the county's cache row if missing (waiting for a writer that is creating it) and reads its version. */
export async function countyVersion(db: Db, county: string, year: number): Promise<string> {
  await db
    .insertInto('balance_county_results')
    .values({ county_code: county, school_year: year })
    .onConflict((oc) => oc.columns(['county_code', 'school_year']).doNothing())
    .execute();
  const r = await db
    .selectFrom('balance_county_results')
    .select('version')
    .where('county_code', '=', county)
    .where('school_year', '=', year)
    .executeTakeFirstOrThrow();
  return String(r.version);
}

/** The county's schools with their statistics, in the order the list is shown. */
export async function countyInputRows(db: Db, county: string, year: number): Promise<BalanceInputRow[]> {
  return db
    .selectFrom('schools as s')
    .innerJoin('school_year_stats as st', (j) => j.onRef('st.school_id', '=', 's.id').on('st.school_year', '=', year))
    .select([
      's.id',
      's.name',
      's.level',
      's.is_teaching_point',
      'st.students_total',
      'st.students_by_grade',
      'st.teachers_above_qualification',
      'st.backbone_teachers',
      'st.pe_art_teachers',
      'st.teaching_aux_area',
      'st.sports_ground_area',
      'st.equipment_value',
      'st.multimedia_classrooms',
    ])
    .where('s.region_code', 'like', `${county}%`)
    .where('s.level', 'in', [...BALANCE_LEVELS])
    .where('s.is_active', '=', true)
    .orderBy('s.level')
    .orderBy('s.name')
    .execute() as Promise<BalanceInputRow[]>;
}

/**
 * Stores a county's result as computed at `version`. Skipped (false) when a writer or another
 * computation holds the row: the writer's change makes this result stale anyway, and the other
 * computation stores the same. A result stored at an older version stays stale.
 */
export async function storeCounty(
  db: Db,
  county: string,
  year: number,
  version: string,
  e: BalanceEvaluation,
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const locked = await sql`select 1 from balance_county_results
      where county_code = ${county} and school_year = ${year} for update skip locked`.execute(tx);
    if (locked.rows.length === 0) return false;
    await tx
      .deleteFrom('balance_school_results')
      .where('county_code', '=', county)
      .where('school_year', '=', year)
      .execute();
    const rows = e.schools.map((s, ord) => ({
      county_code: county,
      school_year: year,
      school_id: s.schoolId,
      stage: s.stage,
      ord,
      school_name: s.schoolName,
      level: s.level,
      students: s.students,
      met: s.met,
      meets_standard: s.meetsStandard,
      detail: JSON.stringify(s),
    }));
    for (let i = 0; i < rows.length; i += 500)
      await tx
        .insertInto('balance_school_results')
        .values(rows.slice(i, i + 500))
        .execute();
    await tx
      .updateTable('balance_county_results')
      .set({
        computed_version: version,
        computed_at: sql<string>`now()` as unknown as string,
        summary: JSON.stringify(e.summary),
        stages: JSON.stringify(e.stages),
        sums: JSON.stringify(e.sums),
        excluded: JSON.stringify(e.excluded),
      })
      .where('county_code', '=', county)
      .where('school_year', '=', year)
      .execute();
    return true;
  });
}

export interface SchoolFilter {
  counties: readonly string[];
  year: number;
  stage?: 'primary' | 'junior' | undefined;
  meets?: boolean | undefined;
  q?: string | undefined;
}

function filtered(db: Db, f: SchoolFilter) {
  let q = db
    .selectFrom('balance_school_results')
    .where('school_year', '=', f.year)
    .where('county_code', 'in', f.counties.length ? [...f.counties] : ['']);
  if (f.stage) q = q.where('stage', '=', f.stage);
  if (f.meets !== undefined) q = q.where('meets_standard', '=', f.meets);
  if (f.q) q = q.where(sql<boolean>`strpos(school_name, ${f.q}) > 0`);
  return q;
}

const ORDER: Record<(typeof BALANCE_SORTS)[number], string> = {
  default: 'county_code, ord',
  name: 'school_name, school_id, stage',
  students: 'students, school_id, stage',
  '-students': 'students desc, school_id, stage',
  met: 'met, county_code, ord',
  '-met': 'met desc, county_code, ord',
};

/** One page of school sections from the cache, with the total that matches the filter. */
export async function pageSchools(
  db: Db,
  f: SchoolFilter,
  sort: (typeof BALANCE_SORTS)[number],
  offset: number,
  limit: number,
) {
  const [items, total] = await Promise.all([
    filtered(db, f)
      .select(['county_code', 'detail'])
      .orderBy(sql.raw(ORDER[sort]))
      .offset(offset)
      .limit(limit)
      .execute(),
    filtered(db, f)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}
