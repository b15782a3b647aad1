import { panelSchema, type Panel } from '../../../shared/dashboard.schemas.js';
import type { AlertSource, PanelContext, PanelDefinition } from '../../contracts/dashboard-panel.js';
import type { GongjinModule } from '../module.js';
import { trackedModules } from './change-tracking.js';

/** What the installed modules give the dashboard: their panels, their alert sources, and which are cached. */
export interface DashboardContributions {
  /** in display order */
  panels: readonly PanelDefinition[];
  alerts: readonly AlertSource[];
  /** modules whose panels are cached until their change tables move */
  tracked: ReadonlySet<string>;
}

/** Reads the manifests; a panel or alert key declared twice is a programming error, refused at start. */
export function dashboardContributions(modules: readonly GongjinModule[]): DashboardContributions {
  const panels = modules.flatMap((m) => m.dashboard?.panels ?? []);
  const alerts = modules.flatMap((m) => m.dashboard?.alerts ?? []);
  for (const list of [panels, alerts]) {
    const seen = new Set<string>();
    for (const p of list) {
      if (seen.has(p.key)) throw new Error(`dashboard key ${p.key} is declared twice`);
      seen.add(p.key);
    }
  }
  return {
    panels: [...panels].sort((a, b) => a.order - b.order || a.key.localeCompare(b.key)),
    alerts,
    tracked: trackedModules(modules),
  };
}

/** A panel computed for a view; null when it has nothing to show there. */
export async function panelOf(p: PanelDefinition, ctx: PanelContext): Promise<Panel | null> {
  const data = await p.load(ctx);
  if (!data) return null;
  // checked here, when computed: a kept panel is served as stored, without being checked again
  return panelSchema.parse({
    key: p.key,
    module: p.module,
    title: p.title,
    figures: data.figures,
    charts: data.charts ?? [],
    ignores: [...(p.ignores ?? [])],
  });
}
