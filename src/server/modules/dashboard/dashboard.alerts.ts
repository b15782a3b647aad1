import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Alert } from '../../../shared/dashboard.schemas.js';

/** An alert as a snapshot holds it: one kept before `titleEn` existed has none. */
type KeptAlert = Omit<Alert, 'titleEn'> & { titleEn?: string };

/**
 * One page of the alerts, merged from the sources' snapshots inside the database: most severe first,
 * then the oldest (`since`; none first), then source and position, with the total of all. A
 * province's sources hold hundreds of alerts; reading every snapshot whole into the server for each
 * dashboard view cost more than everything else the view does.
 *
 * `inScope` is a condition on `x.community_id` (alerts without a community always belong).
 */
export async function alertsPage(
  db: Db,
  o: { snapshots: string[]; live: Alert[]; inScope: Expression<SqlBool>; limit: number; offset: number },
): Promise<{ items: Alert[]; total: number }> {
  const fromSnapshots = o.snapshots.length
    ? sql`select e.alert, array_position(${o.snapshots}::text[], s.cache_key) as src, e.ord
        from dashboard_snapshots s cross join lateral jsonb_array_elements(s.payload) with ordinality as e(alert, ord)
        where s.cache_key in (${sql.join(o.snapshots)})`
    : sql`select null::jsonb as alert, 0 as src, 0::bigint as ord where false`;
  const r = await sql<{ items: KeptAlert[] | string; total: number }>`
    with x as (
      select a.alert, a.src, a.ord, (a.alert->>'communityId')::int as community_id,
        case a.alert->>'severity' when 'high' then 0 when 'medium' then 1 else 2 end as severity,
        coalesce(a.alert->>'since', '') as since
      from (${fromSnapshots}
        union all
        select e.alert, 1000 as src, e.ord
        from jsonb_array_elements(${JSON.stringify(o.live)}::jsonb) with ordinality as e(alert, ord)) a
    ), shown as (
      select * from x where x.community_id is null or ${o.inScope}
    )
    select (select count(*) from shown)::int as total,
      (select coalesce(jsonb_agg(p.alert order by p.severity, p.since collate "C", p.src, p.ord), '[]'::jsonb) from (
        select alert, severity, since, src, ord from shown
        order by severity, since collate "C", src, ord limit ${o.limit} offset ${o.offset}) p) as items`.execute(db);
  const row = r.rows[0]!;
  const items = typeof row.items === 'string' ? (JSON.parse(row.items) as KeptAlert[]) : row.items;
  // a snapshot kept before alerts had an English title: its title serves both languages
  return { items: items.map((a) => ({ ...a, titleEn: a.titleEn ?? a.title })), total: row.total };
}
