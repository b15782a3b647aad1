import { CompiledQuery, sql, type Compilable, type Kysely, type SelectQueryBuilder } from 'kysely';

/**
 * The total of a paged list, at a cost that does not grow with the table. An exact `count(*)` over
 * every teacher of a province reads 300,000 rows for each page anyone opens; instead the rows are
 * counted only up to `cap`: a smaller total is exact, a larger one is the planner's estimate of the
 * same filtered query (what `explain` expects it to return), never less than the cap, and flagged
 * `exact: false` so the page says 约 29.3 万. `exact: true` in the request (the page's 精确计数 link)
 * pays for the full count once.
 */
export interface ListTotal {
  total: number;
  exact: boolean;
}

/** Rows counted exactly on every page; above it the total is an estimate unless asked for. */
export const DEFAULT_COUNT_CAP = 10_000;

export interface TotalOptions {
  /** count exactly however many rows match (the "exact count" link) */
  exact?: boolean | undefined;
  /** count exactly up to this many rows (GONGJIN_LIST_COUNT_CAP) */
  cap?: number | undefined;
}

/**
 * Counts the rows of `base`: a list's select builder with its FROM and WHERE, no select list, order
 * or paging yet (e.g. `repo.teachersQuery(db, actor, q)`). `db` runs the statements.
 */
export async function listTotal<D, DB, TB extends keyof DB, O>(
  db: Kysely<D>,
  base: SelectQueryBuilder<DB, TB, O>,
  opts: TotalOptions = {},
): Promise<ListTotal> {
  const rows = base.select(sql<number>`1`.as('one'));
  if (opts.exact) {
    const r = await sql<{ n: number }>`select count(*)::int as n from (${rows}) as q`.execute(db);
    return { total: Number(r.rows[0]?.n ?? 0), exact: true };
  }
  const cap = Math.max(1, opts.cap ?? DEFAULT_COUNT_CAP);
  const r = await sql<{ n: number }>`select count(*)::int as n from (${rows.limit(cap + 1)}) as q`.execute(db);
  const n = Number(r.rows[0]?.n ?? 0);
  if (n <= cap) return { total: n, exact: true };
  return { total: Math.max(cap + 1, await plannedRows(db, rows)), exact: false };
}

/** The planner's estimate of how many rows a query returns ('Plan Rows' of its top node). */
export async function plannedRows<DB>(db: Kysely<DB>, query: Compilable): Promise<number> {
  const c = query.compile();
  const r = await db.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(`explain (format json) ${c.sql}`, [...c.parameters]),
  );
  const cell = Object.values(r.rows[0] ?? {})[0];
  const plan = (typeof cell === 'string' ? JSON.parse(cell) : cell) as
    [{ Plan?: { 'Plan Rows'?: number } }] | undefined;
  const planned = plan?.[0]?.Plan?.['Plan Rows'];
  return typeof planned === 'number' && Number.isFinite(planned) ? Math.round(planned) : 0;
}

/** The total fields of a list response: `total`, and `totalExact: false` when it is an estimate. */
export interface PageTotals {
  total: number;
  totalExact: boolean;
}

export const pageTotals = (t: ListTotal): PageTotals => ({ total: t.total, totalExact: t.exact });
