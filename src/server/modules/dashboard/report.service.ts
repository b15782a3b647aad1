import type { Actor } from '../../http/actor.js';
import type { Labelled } from '../../../shared/enums.js';
import type { Dashboard, DashboardQuery, FigureUnit } from '../../../shared/dashboard.schemas.js';
import { DashboardService, type DashboardServiceOptions } from './dashboard.service.js';
import type { DashboardContributions } from './dashboard.contributions.js';

export interface ReportColumn {
  key: string;
  label: Labelled;
  unit: FigureUnit | 'text';
}
export interface ReportData {
  dashboard: Dashboard;
  columns: ReportColumn[];
  communities: { id: number; name: string; values: Record<string, number | Labelled | null> }[];
}

/**
 * The annual report's content: the dashboard for the school year (unfiltered by level or location
 * class: the province asks for the whole picture) and the community table, joined from the columns
 * each panel contributes. The PDF and xlsx writers only lay it out.
 */
export class ReportService {
  private readonly dashboards: DashboardService;

  constructor(
    db: ConstructorParameters<typeof DashboardService>[0],
    private readonly contributions: DashboardContributions,
    private readonly opts: DashboardServiceOptions = {},
  ) {
    this.dashboards = new DashboardService(db, contributions, opts);
  }

  async load(actor: Actor, q: Pick<DashboardQuery, 'schoolYear' | 'region' | 'communityId'>): Promise<ReportData> {
    const query = {
      ...(q.schoolYear ? { schoolYear: q.schoolYear } : {}),
      ...(q.region ? { region: q.region } : {}),
      ...(q.communityId ? { communityId: q.communityId } : {}),
    };
    const [dashboard, ctx, panels] = await Promise.all([
      this.dashboards.dashboard(actor, query),
      this.dashboards.context(actor, query),
      this.contributions.panels,
    ]);
    const columns: ReportColumn[] = [];
    const rows = new Map<number, { id: number; name: string; values: Record<string, number | Labelled | null> }>();
    const order: number[] = [];
    // the first panel with a table (the registry's) decides which communities are listed; later ones add columns
    let lister: string | null = null;
    for (const p of panels) {
      if (!p.communityTable || dashboard.unavailable.includes(p.key)) continue;
      let table;
      try {
        table = await p.communityTable(ctx);
      } catch (err) {
        this.opts.log?.(`${p.key}.communityTable`, err);
        continue;
      }
      if (!table) continue;
      lister ??= p.key;
      columns.push(...table.columns);
      for (const r of table.rows) {
        const existing = rows.get(r.id);
        if (existing) Object.assign(existing.values, r.values);
        else if (lister === p.key) {
          rows.set(r.id, { id: r.id, name: r.name, values: { ...r.values } });
          order.push(r.id);
        }
      }
    }
    return { dashboard, columns, communities: order.map((id) => rows.get(id)!) };
  }
}
