import { sql, type RawBuilder } from 'kysely';

/**
 * A region code prefix as a LIKE pattern (`'3304%'`) written into the statement instead of sent as
 * a parameter. PostgreSQL prices a generic plan for `region_code like $1` as if few rows matched,
 * so a province's list (where every row matches) never settled on its cached plan and was planned
 * on every call, 2–3 ms for a page that runs in under one. With the prefix in the text a named
 * statement (db/prepared.ts) keeps one plan per region, and a country has a few hundred regions.
 * Only a prefix of digits is written into the text; anything else a filter passed on (a typo in a
 * region box) stays a parameter, matching nothing as before.
 */
export function regionPattern(prefix: string): RawBuilder<string> {
  return /^\d{0,6}$/.test(prefix) ? sql.lit(`${prefix}%`) : sql<string>`${`${prefix}%`}`;
}
