import { createHash } from 'node:crypto';
import { CompiledQuery, sql, type Compilable, type Kysely, type SelectQueryBuilder } from 'kysely';
import { RecentReads } from './recent-reads.js';
import { writeGeneration } from './write-watch.js';

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
  /**
   * The tables whose writes change this total (each tracked by the registry migration
   * `20261205_2300_list_totals`): the total is then kept in `list_totals` and reused until one of
   * them changes, so fifty people paging the same list pay for one count, not fifty.
   */
  changesOf?: readonly string[] | undefined;
}

/**
 * How long a kept total is trusted at most. A table's change number is taken when a statement
 * writes it, before its transaction commits: a total counted in between is kept under the new
 * number without the uncommitted rows, and this bounds how long such a total can be shown.
 */
export const KEPT_TOTAL_SECONDS = 120;

const TABLE_NAME = /^[a-z_][a-z0-9_]*$/;

/** The change numbers of `tables` as one string: `12.7.40` (0 for a table never written). */
export function changeVersion(tables: readonly string[]) {
  const parts = tables.map((t) => {
    if (!TABLE_NAME.test(t)) throw new Error(`not a table name: ${t}`);
    return sql`(select case when is_called then last_value else 0 end from ${sql.raw(`list_change_${t}`)})::text`;
  });
  return sql<string>`concat_ws('.', ${sql.join(parts)})`;
}

/** The key of a kept total or answer: the statement and its parameters, and what is kept of it. */
export function statementKey(statement: { sql: string; parameters: readonly unknown[] }, how: string): string {
  return createHash('sha256')
    .update(`${how}\n${statement.sql}\n${JSON.stringify(statement.parameters)}`)
    .digest('base64url');
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
  if (!opts.changesOf?.length) return countTotal(db, rows, opts);
  const how = opts.exact ? 'exact' : `cap ${Math.max(1, opts.cap ?? DEFAULT_COUNT_CAP)}`;
  return keptTotal(db, rows, how, opts.changesOf, () => countTotal(db, rows, opts));
}

/**
 * A total kept in `list_totals` under what it counts (`query` and `how`), reused while none of
 * `changesOf` has been written since it was counted (and for at most KEPT_TOTAL_SECONDS); else
 * `count()` counts it again and it is kept.
 */
export async function keptTotal<D>(
  db: Kysely<D>,
  query: Compilable,
  how: string,
  changesOf: readonly string[],
  count: () => Promise<ListTotal>,
): Promise<ListTotal> {
  const key = statementKey(query.compile(), how);
  const memory = rememberedBy(db);
  const recalled = memory.get(key, performance.now());
  if (recalled) return recalled;
  const readGeneration = writeGeneration('data');
  // one round trip: the kept total if it is current, and the change numbers now (read before
  // counting, so a write while counting makes this total miss next time)
  const kept = await sql<{ v: string; total: string | null; exact: boolean | null }>`
    select now_.v, l.total, l.exact from (select ${changeVersion(changesOf)} as v) now_
    left join list_totals l on l.key = ${key} and l.versions = now_.v
      and l.computed_at > now() - make_interval(secs => ${KEPT_TOTAL_SECONDS})`.execute(db);
  const row = kept.rows[0];
  if (row && row.total !== null) {
    const total = { total: Number(row.total), exact: row.exact === true };
    memory.set(key, total, performance.now(), readGeneration);
    return total;
  }
  const counted = await count();
  await sql`
    insert into list_totals (key, versions, total, exact, computed_at)
    values (${key}, ${row?.v ?? ''}, ${counted.total}, ${counted.exact}, now())
    on conflict (key) do update set versions = excluded.versions, total = excluded.total,
      exact = excluded.exact, computed_at = excluded.computed_at`.execute(db);
  memory.set(key, counted, performance.now(), readGeneration);
  return counted;
}

/**
 * How long this process trusts a total it has just read or counted, before asking the database
 * again: a reader paging through a list, changing its sort, or fifty people opening the same page,
 * reuse it without the round trip to list_totals (a third of a millisecond of server time a request
 * under fifty connections). A write through this process forgets every total at once
 * (write-watch.ts); another instance's write is seen within this time.
 */
let rememberedTotalMs = 2000;

/**
 * Sets how long totals are remembered (GONGJIN_READ_CACHE_MS, applied as the app is built, before a
 * database handle counts anything); 0: never.
 */
export function rememberTotalsFor(ms: number) {
  rememberedTotalMs = ms;
}

/** Each database handle (or transaction) remembers its own totals: one process may serve several databases. */
const remembered = new WeakMap<object, RecentReads<ListTotal>>();

function rememberedBy(db: object): RecentReads<ListTotal> {
  let r = remembered.get(db);
  if (!r) {
    r = new RecentReads<ListTotal>('data', rememberedTotalMs, 5000);
    remembered.set(db, r);
  }
  return r;
}

async function countTotal<D, DB, TB extends keyof DB, O>(
  db: Kysely<D>,
  rows: SelectQueryBuilder<DB, TB, O>,
  opts: TotalOptions,
): Promise<ListTotal> {
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
