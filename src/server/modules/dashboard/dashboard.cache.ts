import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';

/**
 * Panel snapshots in the database (several servers share them; nothing is kept in memory). Triggers
 * on each module's change tables advance that module's sequence (change-tracking.ts); a snapshot stores
 * the sequence values it was computed at and is current while they have not moved.
 *
 * When the data has moved, the last snapshot is served at once and a refresh is queued on the job
 * queue (dashboard.jobs.ts), one per snapshot however many readers find it stale: a province-wide
 * panel takes seconds to aggregate, and a dashboard that waits for every change would miss its 300 ms.
 * The payload says when it was computed. A panel never seen before is computed while the user waits.
 */
const FORMAT = 3; // bump when a payload's shape, or what a panel computes, changes

/**
 * The version of the data a panel of `module` reads (it always reads the registry too), with the
 * versions of any other modules it also reads (`alsoReads`); null: one of them is not tracked.
 */
export async function sourceVersion(
  db: Db,
  tracked: ReadonlySet<string>,
  module: string,
  alsoReads: readonly string[] = [],
): Promise<string | null> {
  return composedVersion(await allSourceVersions(db, tracked), module, alsoReads);
}

/** `module`'s version, joined with those of the other modules it reads; null when one is not tracked. */
export function composedVersion(
  versions: ReadonlyMap<string, string>,
  module: string,
  alsoReads: readonly string[] = [],
): string | null {
  const parts = [module, ...alsoReads.filter((m) => m !== module)].map((m) => versions.get(m) ?? null);
  return parts.some((p) => p === null) ? null : parts.join('+');
}

export interface Snapshot<T> {
  value: T;
  computedAt: string;
}

/** Where a panel's snapshot is stored: per module and key (role, scope, filters, day), never per user. */
export function snapshotKey(module: string, key: unknown): string {
  return createHash('sha256').update(JSON.stringify({ FORMAT, module, key })).digest('hex');
}

async function storeSnapshot(db: Db, cacheKey: string, version: string, value: unknown): Promise<void> {
  const payload = JSON.stringify(value);
  await db
    .insertInto('dashboard_snapshots')
    .values({ cache_key: cacheKey, change_version: version, payload })
    .onConflict((oc) =>
      oc.column('cache_key').doUpdateSet({
        change_version: version,
        payload,
        computed_at: sql<string>`now()` as unknown as string,
      }),
    )
    .execute();
}

/** The select list of every tracked module's version ('<last value><t|f>' of its change sequence). */
function versionColumns(mods: readonly string[]) {
  return sql.join(
    mods.map(
      (m) =>
        sql`(select last_value::text || case when is_called then 't' else 'f' end from ${sql.table(`dashboard_change_${m}`)}) as ${sql.ref(`v_${m}`)}`,
    ),
  );
}

/** The versions read by versionColumns, as 'registry|<module>' strings (a panel always reads the registry). */
function versionsOf(row: Record<string, unknown>, tracked: ReadonlySet<string>): Map<string, string> {
  const v = (m: string) => String(row[`v_${m}`]);
  return new Map(
    [...tracked].map((m) => [m, m !== 'registry' && tracked.has('registry') ? `${v('registry')}|${v(m)}` : v(m)]),
  );
}

/** Every tracked module's version in one query: 'registry|<module>' strings as sourceVersion gives. */
export async function allSourceVersions(db: Db, tracked: ReadonlySet<string>): Promise<Map<string, string>> {
  const mods = [...tracked];
  if (!mods.length) return new Map();
  const r = await sql<Record<string, unknown>>`select ${versionColumns(mods)}`.execute(db);
  return versionsOf(r.rows[0] ?? {}, tracked);
}

export interface CachedItem<T> {
  module: string;
  /** other modules whose data the computation reads (their changes make the snapshot stale too) */
  alsoReads?: readonly string[] | undefined;
  key: unknown;
  compute: () => Promise<T>;
  /** the snapshot (stored under `cacheKey`) is stale: queue its recomputation, without waiting for it */
  refresh: (cacheKey: string) => Promise<void>;
}

interface SnapshotHit {
  cache_key: string;
  change_version: string;
  computed_at: Date | string;
  payload: unknown;
}

/**
 * Every tracked module's version and the snapshots stored under `keys`, in one query; each payload
 * as stored (`value`), as its JSON text (`json`), or not read at all (`none`).
 */
async function versionsAndSnapshots(
  db: Db,
  tracked: ReadonlySet<string>,
  keys: readonly string[],
  form: 'value' | 'json' | 'none',
): Promise<{ versions: Map<string, string>; hits: Map<string, SnapshotHit> }> {
  const mods = [...tracked];
  if (!keys.length) return { versions: await allSourceVersions(db, tracked), hits: new Map() };
  const payload = { value: sql`s.payload`, json: sql`s.payload::text`, none: sql`null` }[form];
  const head = mods.length ? sql`${versionColumns(mods)}` : sql`1 as one`;
  const r = await sql<Record<string, unknown> & Partial<SnapshotHit>>`
    select v.*, s.cache_key, s.change_version, s.computed_at, ${payload} as payload
    from (select ${head}) v
    left join dashboard_snapshots s on s.cache_key in (${sql.join([...keys])})`.execute(db);
  const hits = new Map<string, SnapshotHit>();
  for (const row of r.rows) if (row.cache_key) hits.set(row.cache_key, row as SnapshotHit);
  return { versions: mods.length ? versionsOf(r.rows[0] ?? {}, tracked) : new Map(), hits };
}

/**
 * Each item with its snapshot key and the version of the data it reads (null: untracked), and the
 * snapshots stored under those keys. The versions and the snapshots come in one round trip: under
 * fifty readers a cached dashboard is little more than its queries, and this was two of them.
 */
async function keyedSnapshots<I extends CachedItem<unknown>>(
  db: Db,
  tracked: ReadonlySet<string>,
  items: readonly I[],
  form: 'value' | 'json' | 'none',
) {
  const withKeys = items.map((i) => ({ ...i, cacheKey: snapshotKey(i.module, i.key) }));
  const { versions, hits } = await versionsAndSnapshots(
    db,
    tracked,
    withKeys.map((k) => k.cacheKey),
    form,
  );
  return {
    keyed: withKeys.map((i) => ({ ...i, version: composedVersion(versions, i.module, i.alsoReads) })),
    hits,
  };
}

/**
 * Many panels at once: one query for the versions and the snapshots; then each panel is served
 * from its snapshot (queueing a refresh when it is stale), or computed now when it has none or its
 * module is not tracked.
 */
export function cachedPanels<T>(
  db: Db,
  tracked: ReadonlySet<string>,
  items: readonly CachedItem<T>[],
): Promise<PromiseSettledResult<Snapshot<T>>[]>;
/** The same, each value as its JSON text: kept ones as stored, never parsed (a page that only sends them on) */
export function cachedPanels<T>(
  db: Db,
  tracked: ReadonlySet<string>,
  items: readonly CachedItem<T>[],
  form: 'json',
): Promise<PromiseSettledResult<Snapshot<string>>[]>;
export async function cachedPanels<T>(
  db: Db,
  tracked: ReadonlySet<string>,
  items: readonly CachedItem<T>[],
  form: 'value' | 'json' = 'value',
): Promise<PromiseSettledResult<Snapshot<T | string>>[]> {
  const { keyed, hits } = await keyedSnapshots(db, tracked, items, form);
  const out = (value: T) => (form === 'json' ? JSON.stringify(value) : value);
  return Promise.allSettled(
    keyed.map(async (k): Promise<Snapshot<T | string>> => {
      if (k.version === null) return { value: out(await k.compute()), computedAt: new Date().toISOString() };
      const hit = hits.get(k.cacheKey);
      if (hit) {
        if (hit.change_version !== k.version) await k.refresh(k.cacheKey);
        return { value: hit.payload as T | string, computedAt: new Date(hit.computed_at).toISOString() };
      }
      const value = await k.compute();
      await storeSnapshot(db, k.cacheKey, k.version, value);
      return { value: out(value), computedAt: new Date().toISOString() };
    }),
  );
}

/**
 * The refresh job's work: recomputes a snapshot unless it is current already (an earlier refresh got
 * there). The version is read before computing, so a change landing meanwhile leaves the snapshot
 * stale and the next reader queues another refresh.
 */
export async function refreshSnapshot(
  db: Db,
  tracked: ReadonlySet<string>,
  module: string,
  cacheKey: string,
  compute: () => Promise<unknown>,
  alsoReads: readonly string[] = [],
): Promise<'refreshed' | 'current' | 'untracked'> {
  const version = await sourceVersion(db, tracked, module, alsoReads);
  if (version === null) return 'untracked';
  const hit = await db
    .selectFrom('dashboard_snapshots')
    .select('change_version')
    .where('cache_key', '=', cacheKey)
    .executeTakeFirst();
  if (hit?.change_version === version) return 'current';
  await storeSnapshot(db, cacheKey, version, await compute());
  return 'refreshed';
}

/** Where a kept item's value is: in its snapshot row (read it in SQL), or computed now (untracked module). */
export type KeptAt<T> = { cacheKey: string } | { value: T };

/**
 * cachedPanels without reading the snapshots back: makes sure each item has a snapshot (computing
 * and storing it when it has none; queueing a refresh when it is stale) and says where it is, so a
 * query can read just the part it needs (a page of alerts) instead of every snapshot whole.
 */
export async function keptSnapshots<T>(
  db: Db,
  tracked: ReadonlySet<string>,
  items: readonly CachedItem<T>[],
): Promise<PromiseSettledResult<KeptAt<T>>[]> {
  const { keyed, hits } = await keyedSnapshots(db, tracked, items, 'none');
  return Promise.allSettled(
    keyed.map(async (k): Promise<KeptAt<T>> => {
      if (k.version === null) return { value: await k.compute() };
      const version = hits.get(k.cacheKey)?.change_version;
      if (version === undefined) await storeSnapshot(db, k.cacheKey, k.version, await k.compute());
      else if (version !== k.version) await k.refresh(k.cacheKey);
      return { cacheKey: k.cacheKey };
    }),
  );
}
