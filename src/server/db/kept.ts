import { sql, type Kysely } from 'kysely';
import { changeVersion, KEPT_TOTAL_SECONDS, statementKey } from './totals.js';

/**
 * A read-only answer kept as the JSON text the API sends, in `kept_results` (registry migration
 * `20261206_0100_kept_results`), like a list's kept total (totals.ts): under what it reads (the
 * statement and its parameters) and the change numbers of the tables it reads, reused while none of
 * them has been written and for at most KEPT_TOTAL_SECONDS. Fifty bureau staff opening a province's
 * statistics then pay for one aggregation and one check of its rows, not fifty; several servers
 * share it (nothing is kept in memory).
 */
export async function keptJson<D>(
  db: Kysely<D>,
  statement: { sql: string; parameters: readonly unknown[] },
  changesOf: readonly string[],
  compute: () => Promise<unknown>,
): Promise<string> {
  const key = statementKey(statement, 'json');
  // the change numbers are read with the kept answer, before computing: a write meanwhile makes
  // this answer miss next time
  const kept = await sql<{ v: string; payload: string | null }>`
    select now_.v, k.payload from (select ${changeVersion(changesOf)} as v) now_
    left join kept_results k on k.key = ${key} and k.versions = now_.v
      and k.computed_at > now() - make_interval(secs => ${KEPT_TOTAL_SECONDS})`.execute(db);
  const row = kept.rows[0];
  if (row && row.payload !== null) return row.payload;
  const payload = JSON.stringify(await compute());
  await sql`
    insert into kept_results (key, versions, payload, computed_at)
    values (${key}, ${row?.v ?? ''}, ${payload}, now())
    on conflict (key) do update set versions = excluded.versions, payload = excluded.payload,
      computed_at = excluded.computed_at`.execute(db);
  return payload;
}

/**
 * Drops kept list totals and kept answers a day old: they are trusted for minutes only, and those
 * of a filter nobody has asked for since would otherwise stay forever.
 */
export async function dropOldKept<D>(db: Kysely<D>): Promise<{ keptTotals: number; keptAnswers: number }> {
  const totals = await sql`delete from list_totals where computed_at < now() - interval '1 day'`.execute(db);
  const answers = await sql`delete from kept_results where computed_at < now() - interval '1 day'`.execute(db);
  return { keptTotals: Number(totals.numAffectedRows ?? 0), keptAnswers: Number(answers.numAffectedRows ?? 0) };
}
