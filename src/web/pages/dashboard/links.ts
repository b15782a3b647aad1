import type { DrillDown } from '../../../shared/dashboard.schemas';
import { MODULES } from '../../app/modules';

/**
 * A drill-down link becomes an app URL when a page for it is registered; a module whose pages have
 * not landed yet shows its figure without a link rather than a link to nowhere.
 */
function routeExists(path: string): boolean {
  const parts = path.replace(/^\//, '').split('/');
  return MODULES.some((m) =>
    m.routes.some((r) => {
      const rp = r.path.split('/');
      return rp.length === parts.length && rp.every((seg, i) => seg.startsWith(':') || seg === parts[i]);
    }),
  );
}

export function drillHref(d: DrillDown | null | undefined): string | null {
  if (!d || !routeExists(d.path)) return null;
  const q = new URLSearchParams(d.query).toString();
  return q ? `${d.path}?${q}` : d.path;
}
