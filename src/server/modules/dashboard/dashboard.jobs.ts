import { sql } from 'kysely';
import { dropOldKept } from '../../db/kept.js';
import { z } from 'zod';
import type { JobKind, JobSchedule } from '../../contracts/job.js';
import type { PanelContext } from '../../contracts/dashboard-panel.js';
import { DASHBOARD_VIEWS } from '../../../shared/dashboard.schemas.js';
import { LOCATION_CLASSES, SCHOOL_LEVELS } from '../../../shared/enums.js';
import { actorSchema } from '../../http/actor.js';
import { refreshSnapshot } from './dashboard.cache.js';
import { dashboardContributions, panelOf } from './dashboard.contributions.js';

/**
 * Snapshots keep their day in the key, so old ones are never read again; those not refreshed for a
 * week go; kept list totals and kept answers a day old go with them (db/kept.ts dropOldKept).
 */
export const pruneSnapshots: JobKind<{ keepDays: number }> = {
  name: 'dashboard.prune-snapshots',
  payload: z.object({ keepDays: z.number().int().positive().default(7) }),
  async run({ keepDays }, { db }) {
    const r =
      await sql`delete from dashboard_snapshots where computed_at < now() - make_interval(days => ${keepDays})`.execute(
        db,
      );
    return { snapshots: Number(r.numAffectedRows ?? 0), ...(await dropOldKept(db)) };
  },
};

/**
 * Everything a panel's computation reads besides the database, as the request that found its
 * snapshot stale resolved it: the reader (sources filter by what they may see), the checked scope,
 * the filters and the day. `cacheKey` is where that request read the snapshot.
 */
const refreshPanelPayload = z.object({
  cacheKey: z.string().regex(/^[0-9a-f]{64}$/),
  panel: z.string().min(1),
  actor: actorSchema,
  scope: z.object({
    view: z.enum(DASHBOARD_VIEWS),
    regionCode: z.string().nullable(),
    communityId: z.number().int().nullable(),
    schoolId: z.number().int().nullable(),
    name: z.string(),
  }),
  filters: z.object({
    schoolYear: z.number().int(),
    semester: z.string().nullable(),
    from: z.string(),
    to: z.string(),
    level: z.array(z.enum(SCHOOL_LEVELS)),
    locationClass: z.array(z.enum(LOCATION_CLASSES)),
  }),
  today: z.string(),
});
export type RefreshPanelPayload = z.infer<typeof refreshPanelPayload>;

/** A refresh of a source's alerts names it `alerts:<source key>` where a panel's names the panel. */
export const ALERTS_PREFIX = 'alerts:';

/**
 * Recomputes one stale panel (or alert source's) snapshot (dashboard.cache.ts). Queued with the snapshot's key as its
 * singleton key: however many readers and instances find it stale, one refresh is queued or running.
 * A failure leaves the stale snapshot in place; the run is retried, then dies on the jobs page.
 */
export const refreshPanel: JobKind<RefreshPanelPayload> = {
  name: 'dashboard.refresh-panel',
  payload: refreshPanelPayload,
  timeoutSeconds: 120, // a province-wide panel takes seconds; a minute or two means the database is struggling
  maxAttempts: 3, // the next reader of a still-stale snapshot queues a new refresh anyway
  async run(p, { db, modules }) {
    // panels are code, not data: the payload names one by key, the installed manifests have it
    const contributions = dashboardContributions(modules);
    const ctx: PanelContext = { db, actor: p.actor, scope: p.scope, filters: p.filters, today: p.today };
    if (p.panel.startsWith(ALERTS_PREFIX)) {
      const source = contributions.alerts.find((x) => `${ALERTS_PREFIX}${x.key}` === p.panel);
      if (!source) return { panel: p.panel, outcome: 'not-installed' };
      const outcome = await refreshSnapshot(
        db,
        contributions.tracked,
        source.module,
        p.cacheKey,
        () => source.load(ctx),
        source.alsoReads,
      );
      return { panel: p.panel, outcome };
    }
    const def = contributions.panels.find((x) => x.key === p.panel);
    if (!def) return { panel: p.panel, outcome: 'not-installed' }; // removed by an upgrade: nothing to refresh
    const outcome = await refreshSnapshot(db, contributions.tracked, def.module, p.cacheKey, () => panelOf(def, ctx));
    return { panel: p.panel, outcome };
  },
};

export const dashboardJobs = {
  kinds: [pruneSnapshots, refreshPanel],
  schedules: [
    { name: 'dashboard.prune-snapshots', kind: pruneSnapshots.name, everySeconds: 6 * 3600, payload: { keepDays: 7 } },
  ] satisfies JobSchedule[],
};
