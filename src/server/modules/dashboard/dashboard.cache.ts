import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';

/**
 * Panel snapshots in the database (several servers share them; nothing is kept in memory). Triggers
 * on each module's change tables advance that module's sequence (change-tracking.ts); a snapshot stores
 * the sequence values it was computed at and is current while they have not moved.
 *
 * When the data has moved, the last snapshot is served at once and one request (claimed in the
 * database, so servers do not stampede) recomputes it in the background: a province-wide panel
 * takes seconds to aggregate, and a dashboard that waits for every change would miss its 300 ms.
 * The payload says when it was computed. A panel never seen before is computed while the user waits.
 */
const FORMAT = 1; // bump when a payload's shape changes

/** The version of the data a panel of `module` reads (it always reads the registry too); null: not tracked. */
export async function sourceVersion(db: Db, tracked: ReadonlySet<string>, module: string): Promise<string | null> {
  if (!tracked.has(module)) return null;
  const seqs = [...new Set(['registry', module])].filter((m) => tracked.has(m));
  const r = await sql<{
    v: string;
  }>`select concat_ws('|', ${sql.join(seqs.map((m) => sql`(select last_value::text || case when is_called then 't' else 'f' end from ${sql.table(`dashboard_change_${m}`)})`))}) as v`.execute(
    db,
  );
  return r.rows[0]?.v ?? null;
}

export interface Snapshot<T> {
  value: T;
  computedAt: string;
}

export async function cachedPanel<T>(
  db: Db,
  tracked: ReadonlySet<string>,
  module: string,
  key: unknown,
  compute: () => Promise<T>,
  onBackgroundError: (err: unknown) => void,
): Promise<Snapshot<T>> {
  const version = await sourceVersion(db, tracked, module);
  if (version === null) return { value: await compute(), computedAt: new Date().toISOString() };
  const cacheKey = createHash('sha256').update(JSON.stringify({ FORMAT, module, key })).digest('hex');
  const hit = await db
    .selectFrom('dashboard_snapshots')
    .select(['change_version', 'payload', 'computed_at'])
    .where('cache_key', '=', cacheKey)
    .executeTakeFirst();
  const store = async (v: string, value: T) => {
    const payload = JSON.stringify(value);
    await db
      .insertInto('dashboard_snapshots')
      .values({ cache_key: cacheKey, change_version: v, payload })
      .onConflict((oc) =>
        oc.column('cache_key').doUpdateSet({
          change_version: v,
          payload,
          computed_at: sql<string>`now()` as unknown as string,
          refreshing_since: null,
        }),
      )
      .execute();
  };
  if (hit && hit.change_version === version)
    return { value: hit.payload as T, computedAt: new Date(hit.computed_at).toISOString() };
  if (hit) {
    const claimed = await db
      .updateTable('dashboard_snapshots')
      .set({ refreshing_since: sql<string>`now()` as unknown as string })
      .where('cache_key', '=', cacheKey)
      .where((eb) =>
        eb.or([
          eb('refreshing_since', 'is', null),
          eb('refreshing_since', '<', sql<string>`now() - interval '2 minutes'`),
        ]),
      )
      .returning('cache_key')
      .executeTakeFirst();
    if (claimed) {
      // the version was read before computing: a change landing meanwhile triggers another refresh
      void compute()
        .then((value) => store(version, value))
        .catch(onBackgroundError);
    }
    return { value: hit.payload as T, computedAt: new Date(hit.computed_at).toISOString() };
  }
  const value = await compute();
  await store(version, value);
  return { value, computedAt: new Date().toISOString() };
}

/** Every tracked module's version in one query: 'registry|<module>' strings as sourceVersion gives. */
export async function allSourceVersions(db: Db, tracked: ReadonlySet<string>): Promise<Map<string, string>> {
  const mods = [...tracked];
  if (!mods.length) return new Map();
  const r = await sql<
    Record<string, string>
  >`select ${sql.join(mods.map((m) => sql`(select last_value::text || case when is_called then 't' else 'f' end from ${sql.table(`dashboard_change_${m}`)}) as ${sql.ref(m)}`))}`.execute(
    db,
  );
  const row = r.rows[0] ?? {};
  return new Map(
    mods.map((m) => [m, m !== 'registry' && tracked.has('registry') ? `${row.registry}|${row[m]}` : String(row[m])]),
  );
}

/**
 * cachedPanel for many panels at once: one query for the versions, one for the snapshots, then
 * each panel is served, refreshed in the background, or computed (see cachedPanel).
 */
export async function cachedPanels<T>(
  db: Db,
  tracked: ReadonlySet<string>,
  items: { module: string; key: unknown; compute: () => Promise<T>; onBackgroundError: (err: unknown) => void }[],
): Promise<PromiseSettledResult<Snapshot<T>>[]> {
  const versions = await allSourceVersions(db, tracked);
  const keyed = items.map((i) => ({
    ...i,
    version: versions.get(i.module) ?? null,
    cacheKey: createHash('sha256')
      .update(JSON.stringify({ FORMAT, module: i.module, key: i.key }))
      .digest('hex'),
  }));
  const keys = keyed.filter((k) => k.version !== null).map((k) => k.cacheKey);
  const hits = keys.length
    ? new Map(
        (
          await db
            .selectFrom('dashboard_snapshots')
            .select(['cache_key', 'change_version', 'payload', 'computed_at'])
            .where('cache_key', 'in', keys)
            .execute()
        ).map((h) => [h.cache_key, h]),
      )
    : new Map();
  return Promise.allSettled(
    keyed.map(async (k) => {
      const hit = hits.get(k.cacheKey);
      if (k.version !== null && hit && hit.change_version === k.version)
        return { value: hit.payload as T, computedAt: new Date(hit.computed_at).toISOString() };
      return cachedPanel(db, tracked, k.module, k.key, k.compute, k.onBackgroundError);
    }),
  );
}
