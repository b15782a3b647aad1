import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { GongjinModule } from '../module.js';

/**
 * Which cached panels a write makes stale. Each module's manifest names its change tables
 * (`dashboard.changeTables`); a statement-level trigger on each of them takes a number from the
 * module's sequence `dashboard_change_<module>` (no row lock, so writers never wait on each other).
 * A panel snapshot stores the numbers it was computed at and is current while they have not moved
 * (dashboard.cache.ts).
 */

/** Modules whose panels are cached: those that declare change tables. */
export function trackedModules(modules: readonly GongjinModule[]): ReadonlySet<string> {
  return new Set(modules.filter((m) => m.dashboard?.changeTables?.length).map((m) => m.name));
}

/**
 * Creates the sequence of every tracked module and the trigger on every declared table that lacks one
 * (tables of modules that are not installed are skipped). Runs after the migrations on every start;
 * idempotent, and serialised by an advisory lock so several instances starting together agree.
 */
export async function syncChangeTracking(db: Db, modules: readonly GongjinModule[]): Promise<void> {
  const wanted = modules.flatMap((m) => (m.dashboard?.changeTables ?? []).map((table) => ({ table, module: m.name })));
  if (!wanted.length) return;
  await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext('gongjin.dashboard.change_tracking'))`.execute(tx);
    for (const name of new Set(wanted.map((w) => w.module)))
      await sql`create sequence if not exists ${sql.table(`dashboard_change_${name}`)}`.execute(tx);
    const have = await sql<{ table_name: string; present: boolean; has_trigger: boolean }>`
      select t.name as table_name, to_regclass(t.name) is not null as present,
        exists (select 1 from pg_trigger g where g.tgrelid = to_regclass(t.name) and g.tgname = 'dashboard_touch') as has_trigger
      from unnest(${wanted.map((w) => w.table)}::text[]) as t(name)`.execute(tx);
    const state = new Map(have.rows.map((r) => [r.table_name, r]));
    for (const w of wanted) {
      const s = state.get(w.table);
      if (!s?.present || s.has_trigger) continue;
      await sql`create trigger dashboard_touch after insert or update or delete or truncate on ${sql.table(w.table)}
        for each statement execute function dashboard_touch(${sql.lit(`dashboard_change_${w.module}`)})`.execute(tx);
    }
  });
}
