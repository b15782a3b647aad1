import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AlertSource, PanelDefinition } from './dashboard.panel.js';
import { activitiesAlerts, activitiesPanels } from './panels/activities.panels.js';
import { assessmentPanels } from './panels/assessment.panels.js';
import { exchangeAlerts, exchangePanels } from './panels/exchange.panels.js';
import { meetingsAlerts } from './panels/meetings.alerts.js';
import { qualityPanels } from './panels/quality.panels.js';
import { registryPanels } from './panels/registry.panels.js';
import { resourcesPanels } from './panels/resources.panels.js';

/**
 * Every panel and alert source. Built-in ones are listed here; a module contributes more, without a
 * change to this folder, by exporting `dashboardPanels` / `dashboardAlerts` from
 * `modules/<module>/<module>.dashboard.ts` (found once, at first use). A key defined twice keeps the
 * module's own definition, so a module can take over the adapter written here.
 */
const BUILT_IN_PANELS: PanelDefinition[] = [...registryPanels, ...activitiesPanels, ...exchangePanels, ...resourcesPanels, ...qualityPanels, ...assessmentPanels];
const BUILT_IN_ALERTS: AlertSource[] = [...activitiesAlerts, ...meetingsAlerts, ...exchangeAlerts];

const modulesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Contributions {
  panels: PanelDefinition[];
  alerts: AlertSource[];
}

async function discover(): Promise<Contributions> {
  const out: Contributions = { panels: [], alerts: [] };
  for (const dir of fs.readdirSync(modulesDir, { withFileTypes: true })) {
    if (!dir.isDirectory() || dir.name === 'dashboard') continue;
    const file = ['.js', '.ts'].map((ext) => path.join(modulesDir, dir.name, `${dir.name}.dashboard${ext}`)).find((f) => fs.existsSync(f));
    if (!file) continue;
    const mod = (await import(pathToFileURL(file).href)) as { dashboardPanels?: PanelDefinition[]; dashboardAlerts?: AlertSource[] };
    out.panels.push(...(mod.dashboardPanels ?? []));
    out.alerts.push(...(mod.dashboardAlerts ?? []));
  }
  return out;
}

let contributions: Promise<Contributions> | undefined;

function byKey<T extends { key: string }>(builtIn: T[], contributed: T[]): T[] {
  const m = new Map<string, T>();
  for (const p of [...builtIn, ...contributed]) m.set(p.key, p);
  return [...m.values()];
}

export async function allPanels(): Promise<PanelDefinition[]> {
  contributions ??= discover();
  const c = await contributions;
  return byKey(BUILT_IN_PANELS, c.panels).sort((a, b) => a.order - b.order || a.key.localeCompare(b.key));
}

export async function allAlertSources(): Promise<AlertSource[]> {
  contributions ??= discover();
  return byKey(BUILT_IN_ALERTS, (await contributions).alerts);
}
