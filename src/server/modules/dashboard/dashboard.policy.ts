import type { Actor } from '../../http/actor.js';
import { regionContains } from '../../../shared/regions.js';

/**
 * Who may do what with the dashboard. Reading is scope-checked in dashboard.scope.ts (every role
 * reads the dashboard of its own scope; the figures are aggregates).
 *
 * | action                          | bureau_admin         | community_lead | others |
 * |---------------------------------|----------------------|----------------|--------|
 * | read dashboard, alerts, report  | region and below     | own community  | own scope |
 * | create / list / revoke display  | region and below,    | own community  | –      |
 * |   links (数据大屏)               |   its communities    |                |        |
 */
export interface DisplayScope {
  kind: 'region' | 'community';
  id: string;
  /** for a community: the regions it belongs to */
  regions?: readonly (string | null)[];
}

export const dashboardPolicy = {
  manageDisplay(actor: Actor, target: DisplayScope): boolean {
    if (actor.role === 'bureau_admin' && actor.scope.kind === 'region') {
      if (target.kind === 'region') return regionContains(actor.scope.id, target.id);
      return (target.regions ?? []).some((r) => r !== null && regionContains(actor.scope.id, r));
    }
    if (actor.role === 'community_lead' && actor.scope.kind === 'community')
      return target.kind === 'community' && target.id === actor.scope.id;
    return false;
  },
  mayManageAnyDisplay(actor: Actor): boolean {
    return (
      (actor.role === 'bureau_admin' && actor.scope.kind === 'region') ||
      (actor.role === 'community_lead' && actor.scope.kind === 'community')
    );
  },
};
