import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/connection.js';

/**
 * A data source of the indicator engine: one named series a formula can use. A new source is a new
 * entry in a module's list (sources/*.sources.ts), never engine code. `compute` answers for many
 * communities (or schools) in one SQL query. A source whose tables or columns are missing — another
 * module not yet installed — reports itself unavailable instead of failing.
 */
export type Scope = 'community' | 'school';
export interface SourceQuery {
  year: number;
  scope: Scope;
  ids: number[];
}
export interface SourceRecord {
  label: string;
  date?: string | null;
  href?: string | null;
}

export interface DataSource {
  key: string;
  label: { zh: string; en: string };
  /** base unit used by the unit check, e.g. "session", "person", "hour", "percent" */
  unit: string;
  unitLabel: { zh: string; en: string };
  /** the module whose data it reads */
  module: string;
  requires: { table: string; columns?: string[] }[];
  /** whether it has per-school values (needed for per-member-school averaging and bound scoring) */
  schoolScope: boolean;
  compute(db: Db, q: SourceQuery): Promise<Map<number, number | null>>;
  /** a few of the underlying records of one community, for explanation trees */
  records?(db: Db, q: { year: number; communityId: number; limit: number }): Promise<SourceRecord[]>;
}

/** School year 2025 runs from 2025-09-01 to 2026-08-31 (DOMAIN.md, "Calendar"). */
export const yearStart = (year: number) => `${year}-09-01`;
export const yearEnd = (year: number) => `${year + 1}-09-01`;

/** Members of the community at any time during the school year. */
export function memberIn(year: number, alias = 'm'): RawBuilder<boolean> {
  const a = sql.raw(alias);
  return sql<boolean>`${a}.start_date < ${yearEnd(year)}::date and (${a}.end_date is null or ${a}.end_date >= ${yearStart(year)}::date)`;
}

type Row = { id: number; v: number | null };
const toMap = (rows: Row[], ids: number[], missing: number | null) => {
  const out = new Map<number, number | null>(ids.map((id) => [id, missing]));
  for (const r of rows) out.set(Number(r.id), r.v === null ? null : Number(r.v));
  return out;
};

/**
 * A source defined per school (`perSchool` returns school_id, v for the year); a community's value
 * is the sum over the schools that were members during the year. `missing` is the value of a
 * school or community without rows (0 for counts, null for reported figures).
 */
export function schoolSum(
  perSchool: (year: number, ids: number[] | null) => RawBuilder<Row>,
  missing: number | null = 0,
) {
  return async (db: Db, q: SourceQuery) => {
    if (!q.ids.length) return new Map<number, number | null>();
    if (q.scope === 'school') {
      const rows = await sql<Row>`select x.id, x.v from (${perSchool(q.year, q.ids)}) x`.execute(db);
      return toMap(rows.rows, q.ids, missing);
    }
    // only the member schools of these communities, so one community never scans a province
    const schools = await memberSchoolIds(db, q);
    const rows = await sql<Row>`
      select m.community_id as id, sum(x.v)::float8 as v
      from community_memberships m join (${perSchool(q.year, schools)}) x on x.id = m.school_id
      where m.community_id = any(${q.ids}::int[]) and ${memberIn(q.year)}
      group by m.community_id`.execute(db);
    return toMap(rows.rows, q.ids, missing);
  };
}

async function memberSchoolIds(db: Db, q: SourceQuery): Promise<number[]> {
  const rows = await sql<{ id: number }>`select distinct m.school_id as id from community_memberships m
    where m.community_id = any(${q.ids}::int[]) and ${memberIn(q.year)}`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** A percentage 100 × Σ numerator / Σ denominator over the school(s); null without a denominator. */
export function schoolRatio(
  perSchool: (year: number, ids: number[]) => RawBuilder<{ id: number; num: number; den: number }>,
) {
  return async (db: Db, q: SourceQuery) => {
    if (!q.ids.length) return new Map<number, number | null>();
    const rows =
      q.scope === 'school'
        ? await sql<Row>`select x.id, case when sum(x.den) > 0 then 100.0 * sum(x.num) / sum(x.den) end::float8 as v
          from (${perSchool(q.year, q.ids)}) x group by x.id`.execute(db)
        : await sql<Row>`select m.community_id as id, case when sum(x.den) > 0 then 100.0 * sum(x.num) / sum(x.den) end::float8 as v
          from community_memberships m join (${perSchool(q.year, await memberSchoolIds(db, q))}) x on x.id = m.school_id
          where m.community_id = any(${q.ids}::int[]) and ${memberIn(q.year)} group by m.community_id`.execute(db);
    return toMap(rows.rows, q.ids, null);
  };
}

/** Restricts a per-school query to some schools when asked (null: all schools). */
export const schoolFilter = (col: string, ids: number[] | null) =>
  ids ? sql`and ${sql.ref(col)} = any(${ids}::int[])` : sql``;

export { toMap };
