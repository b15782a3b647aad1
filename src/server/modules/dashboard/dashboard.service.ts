import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { AppError } from '../../http/errors.js';
import type {
  Alert,
  Alerts,
  Dashboard,
  DashboardMap,
  DashboardQuery,
  DrillTeachersQuery,
  Panel,
} from '../../../shared/dashboard.schemas.js';
import type { AlertSource, PanelContext } from '../../contracts/dashboard-panel.js';
import type { JobBell } from '../../context.js';
import { panelOf, type DashboardContributions } from './dashboard.contributions.js';
import { resolveFilters, resolveScope } from './dashboard.scope.js';
import { drillTeachers, mapData, scopeCommunityCondition } from '../registry/index.js';
import { enqueueJob } from '../jobs/index.js';
import { todayShanghai } from '../../../shared/beijing-time.js';
import { alertsPage } from './dashboard.alerts.js';
import { cachedPanels, keptSnapshots } from './dashboard.cache.js';
import { ALERTS_PREFIX, refreshPanel } from './dashboard.jobs.js';

export type PanelErrorLog = (source: string, err: unknown) => void;

export interface DashboardServiceOptions {
  log?: PanelErrorLog;
  now?: () => Date;
  /** rung when a stale panel's refresh is queued, so this instance's worker starts it at once */
  jobBell?: JobBell;
}

/** The filters with those a panel cannot apply emptied (its figures do not depend on them). */
export function withoutIgnored(filters: PanelContext['filters'], ignores: readonly string[] = []) {
  const out = { ...filters };
  if (ignores.includes('level')) out.level = [];
  if (ignores.includes('locationClass')) out.locationClass = [];
  return out;
}

/**
 * Assembles a dashboard from the panels: resolves and checks the scope, runs every panel for the
 * view in parallel, and keeps going when one fails (it is named in `unavailable` and logged). A
 * source that refuses the reader (403) is simply left out: that reader has no business seeing it.
 */
/**
 * What a snapshot's figures depend on besides the data: the reader's role and scope (sources filter
 * by what they may see, never by user), the checked scope, the filters and the day.
 */
function snapshotScope(actor: Actor, ctx: PanelContext) {
  return { role: actor.role, scope: actor.scope, resolved: ctx.scope, filters: ctx.filters, today: ctx.today };
}

export class DashboardService {
  private readonly log: PanelErrorLog;
  private readonly now: () => Date;
  private readonly jobBell: JobBell | undefined;

  constructor(
    private readonly db: Db,
    private readonly contributions: DashboardContributions,
    opts: DashboardServiceOptions = {},
  ) {
    this.log = opts.log ?? (() => undefined);
    this.now = opts.now ?? (() => new Date());
    this.jobBell = opts.jobBell;
  }

  async context(actor: Actor, q: DashboardQuery): Promise<PanelContext> {
    const today = todayShanghai(this.now());
    const scope = await resolveScope(this.db, actor, q);
    return { db: this.db, actor, scope, filters: resolveFilters(q, today), today };
  }

  /**
   * Each panel is served from its snapshot while that module's data has not changed
   * (dashboard.cache.ts); snapshots are per role, scope, filters and day, never per user. A stale
   * one is served as it is while the job queue recomputes it (dashboard.jobs.ts).
   */
  async dashboard(actor: Actor, q: DashboardQuery): Promise<Dashboard> {
    const { head, panels } = await this.assemble(actor, q, 'value');
    return { ...head, panels: panels.filter((p): p is Panel => p !== null) };
  }

  /**
   * The dashboard as JSON text for GET /api/v1/dashboard: the kept panels go out as stored, neither
   * parsed nor checked again (they were checked when computed). Under fifty readers at once the
   * parse, the schema check and the re-serialising were most of a cached dashboard's time.
   */
  async dashboardJson(actor: Actor, q: DashboardQuery): Promise<string> {
    const { head, panels } = await this.assemble(actor, q, 'json');
    const kept = panels.filter((p): p is string => p !== null && p !== 'null');
    const text = JSON.stringify(head);
    return `${text.slice(0, -1)},"panels":[${kept.join(',')}]}`;
  }

  private async assemble<F extends 'value' | 'json'>(actor: Actor, q: DashboardQuery, form: F) {
    const ctx = await this.context(actor, q);
    const panels = this.contributions.panels.filter((p) => !p.views || p.views.includes(ctx.scope.view));
    const key = snapshotScope(actor, ctx);
    const unavailable: string[] = [];
    const computedAt: string[] = [];
    const items = panels.map((p) => ({
      module: p.module,
      // a filter the panel ignores is left out of its key: equivalent requests share one snapshot
      key: { panel: p.key, ...key, filters: withoutIgnored(ctx.filters, p.ignores) },
      compute: () => panelOf(p, ctx),
      refresh: (cacheKey: string) => this.queueRefresh(cacheKey, p.key, actor, ctx),
    }));
    const settled: PromiseSettledResult<{ value: Panel | string | null; computedAt: string }>[] =
      form === 'json'
        ? await cachedPanels(this.db, this.contributions.tracked, items, 'json')
        : await cachedPanels(this.db, this.contributions.tracked, items);
    const loaded = settled.map((r, i) => {
      if (r.status === 'fulfilled') {
        computedAt.push(r.value.computedAt);
        return r.value.value;
      }
      if (r.reason instanceof AppError && r.reason.status === 403) return null;
      this.log(panels[i]!.key, r.reason);
      unavailable.push(panels[i]!.key);
      return null;
    });
    const head = {
      scope: {
        view: ctx.scope.view,
        id: String(ctx.scope.regionCode ?? ctx.scope.communityId ?? ctx.scope.schoolId),
        name: ctx.scope.name,
      },
      schoolYear: ctx.filters.schoolYear,
      semester: ctx.filters.semester,
      // the oldest figure on the page
      generatedAt: computedAt.sort()[0] ?? this.now().toISOString(),
      unavailable: unavailable.sort(),
    };
    return { head, panels: loaded as ((F extends 'json' ? string : Panel) | null)[] };
  }

  /** Queues the recomputation of a stale snapshot (one per snapshot, however many readers found it stale). */
  private async queueRefresh(cacheKey: string, panel: string, actor: Actor, ctx: PanelContext): Promise<void> {
    const payload = { cacheKey, panel, actor, scope: ctx.scope, filters: ctx.filters, today: ctx.today };
    const queued = await enqueueJob(this.db, refreshPanel, payload, {
      singletonKey: `${refreshPanel.name}:${cacheKey}`,
    });
    if (queued !== null) this.jobBell?.ring();
  }

  async alerts(actor: Actor, q: DashboardQuery & { page?: number; pageSize?: number }): Promise<Alerts> {
    const ctx = await this.context(actor, q);
    const sources: readonly AlertSource[] = this.contributions.alerts;
    const unavailable: string[] = [];
    const key = snapshotScope(actor, ctx);
    // each source's alerts are kept like a panel's figures (a province's take seconds to find):
    // served from the snapshot, refreshed by the queue when its module's data changed
    const settled = await keptSnapshots(
      this.db,
      this.contributions.tracked,
      sources.map((s) => ({
        module: s.module,
        alsoReads: s.alsoReads,
        key: { alerts: s.key, ...key },
        compute: () => s.load(ctx),
        refresh: (cacheKey: string) => this.queueRefresh(cacheKey, `${ALERTS_PREFIX}${s.key}`, actor, ctx),
      })),
    );
    const kept: string[] = [];
    const live: Alert[] = [];
    settled.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        if ('cacheKey' in r.value) kept.push(r.value.cacheKey);
        else live.push(...r.value.value);
      } else if (!(r.reason instanceof AppError && r.reason.status === 403)) {
        this.log(sources[i]!.key, r.reason);
        unavailable.push(sources[i]!.key);
      }
    });
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 8;
    const { items, total } = await alertsPage(this.db, {
      snapshots: kept,
      live,
      // sources answer for everything the actor may see; keep what belongs to this dashboard's scope
      inScope: scopeCommunityCondition(actor, ctx.scope, 'x.community_id'),
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    return { items, total, page, pageSize, unavailable: unavailable.sort() };
  }

  async map(actor: Actor, q: DashboardQuery): Promise<DashboardMap> {
    const ctx = await this.context(actor, q);
    return mapData(this.db, actor, ctx.scope, ctx.filters);
  }

  async teachers(actor: Actor, q: DrillTeachersQuery) {
    const scope = await resolveScope(this.db, actor, q);
    return drillTeachers(
      this.db,
      actor,
      scope,
      { level: q.level ?? [], locationClass: q.locationClass ?? [] },
      q.master,
      q.page,
      q.pageSize,
    );
  }
}
