import type { Db } from '../db/connection.js';
import type { Actor } from '../http/actor.js';
import type { Labelled, LocationClass, SchoolLevel } from '../../shared/enums.js';
import type { Alert, Chart, DashboardView, FigureUnit, FilterKey, Figure } from '../../shared/dashboard.schemas.js';

/**
 * The contract between the dashboard and the modules that feed it. A panel reads its module's
 * statistics API and maps the answer to figures and charts; the dashboard computes nothing itself.
 *
 * A module ships its panels and alerts in `<module>.dashboard.ts` and declares them in its manifest
 * (`dashboard.panels`, `dashboard.alerts`); the dashboard reads the manifests. A panel whose source
 * fails is reported as unavailable; the others still show.
 */
export interface ResolvedScope {
  view: DashboardView;
  /** region view: the region (county, city or province) the figures cover */
  regionCode: string | null;
  communityId: number | null;
  schoolId: number | null;
  name: string;
}

export interface ResolvedFilters {
  schoolYear: number;
  semester: string | null;
  /** the Shanghai dates the period covers: the semester, else the whole school year (Sep–Aug) */
  from: string;
  to: string;
  level: SchoolLevel[];
  locationClass: LocationClass[];
}

export interface PanelContext {
  db: Db;
  /** the reader; every source filters by what this actor may see */
  actor: Actor;
  scope: ResolvedScope;
  filters: ResolvedFilters;
  /** today in Asia/Shanghai, 'YYYY-MM-DD' */
  today: string;
}

export interface PanelData {
  figures: Figure[];
  charts?: Chart[];
}

/** Per-community columns a panel adds to the annual report's community table. */
export interface CommunityTable {
  columns: { key: string; label: Labelled; unit: FigureUnit | 'text' }[];
  rows: { id: number; name: string; values: Record<string, number | Labelled | null> }[];
}

export interface PanelDefinition {
  key: string;
  /** the module whose statistics the panel shows */
  module: string;
  title: Labelled;
  /** smaller first */
  order: number;
  /** the dashboards it appears on (all when omitted) */
  views?: readonly DashboardView[];
  /** filters the module's statistics API cannot apply */
  ignores?: readonly FilterKey[];
  /** null: nothing to show for this scope (the panel is left out) */
  load(ctx: PanelContext): Promise<PanelData | null>;
  /** columns for the annual report's community table (region and community views) */
  communityTable?(ctx: PanelContext): Promise<CommunityTable | null>;
}

export interface AlertSource {
  key: string;
  module: string;
  /** other modules whose data `load` reads: their changes refresh the kept alerts too */
  alsoReads?: readonly string[];
  load(ctx: PanelContext): Promise<Alert[]>;
}

/** Query-string values of a drill-down link; lists are comma-joined as the list APIs accept them. */
export function linkQuery(
  q: Record<string, string | number | boolean | readonly string[] | null | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) {
      if (v.length) out[k] = v.join(',');
    } else out[k] = String(v);
  }
  return out;
}
