import { sql, type RawBuilder } from 'kysely';
import { BACKBONE_HONOURS, MASTER_HONOURS } from '../../../shared/enums.js';

/**
 * SQL twins of the pure rules (exchange.rules.ts, exchange.hours.ts) for filtering and aggregation
 * in the database; the API tests check they agree with the TypeScript versions.
 */
const textArray = (items: readonly string[]) => sql`array[${sql.join(items.map((i) => sql.lit(i)))}]::text[]`;

export const MASTER_ARRAY = textArray(MASTER_HONOURS);
export const BACKBONE_ARRAY = textArray(BACKBONE_HONOURS);

const rank = (locationClass: RawBuilder<unknown>) =>
  sql`(case ${locationClass} when 'urban' then 2 when 'rural' then 0 else 1 end)`;

/** directionOf(from, to) for assignment `a` joined with schools `fs` (from) and `ts` (to). */
export const directionSql = sql<string>`(case when ${rank(sql.ref('fs.location_class'))} > ${rank(sql.ref('ts.location_class'))} then 'to_rural'
  when ${rank(sql.ref('fs.location_class'))} < ${rank(sql.ref('ts.location_class'))} then 'to_urban' else 'level' end)`;

/** honourLevel(t.honours). */
export const honourLevelSql = sql<string>`(case when t.honours && ${MASTER_ARRAY} then 'master' when t.honours && ${BACKBONE_ARRAY} then 'backbone'
  when 'rising_star' = any(t.honours) then 'rising_star' else 'none' end)`;

/** schoolYearOfDate(a.start_date). */
export const yearSql = sql<number>`(extract(year from a.start_date)::int - case when extract(month from a.start_date) >= 9 then 0 else 1 end)`;

/** The hours that count: the override when one was given, else the computed figure. */
export const hoursSql = sql<number>`coalesce(a.hours_override, a.computed_hours)`;
