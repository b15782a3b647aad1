import type { AlertSource, PanelDefinition } from '../../contracts/dashboard-panel.js';
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
