import type { Actor } from '../../http/actor.js';
import { inActorRegion } from '../registry/index.js';

/**
 * Who may do what with joint meetings. Scope decides which communities; role decides which actions.
 * Reading follows community visibility (registry.scope.ts, in SQL); the rows below are the writes.
 *
 * | action                                   | bureau_admin | community_lead | school_admin                | others |
 * |------------------------------------------|--------------|----------------|-----------------------------|--------|
 * | schedule/edit meeting, attendees, minutes| region       | own community  | –                           | –      |
 * | circulate minutes, action items, files   | region       | own community  | –                           | –      |
 * | propose agenda items                     | region       | own community  | own school is a member      | –      |
 * | sign / return minutes                    | –            | –              | the resolved signer only    | –      |
 * | progress notes on an action item         | region       | own community  | own school owns the item    | –      |
 */
export interface CommunityRef {
  id: number;
  region_code: string;
  partner_region_code: string | null;
}

export const meetingsPolicy = {
  manage(actor: Actor, c: CommunityRef): boolean {
    if (actor.role === 'bureau_admin')
      return (
        inActorRegion(actor, c.region_code) ||
        (c.partner_region_code !== null && inActorRegion(actor, c.partner_region_code))
      );
    if (actor.role === 'community_lead') return actor.scope.kind === 'community' && actor.scope.id === String(c.id);
    return false;
  },
  /** memberSchoolIds: the community's current core and member schools */
  propose(actor: Actor, c: CommunityRef, memberSchoolIds: number[]): boolean {
    if (meetingsPolicy.manage(actor, c)) return true;
    return (
      actor.role === 'school_admin' && actor.scope.kind === 'school' && memberSchoolIds.includes(Number(actor.scope.id))
    );
  },
  /** ownerSchoolIds: the owner school, or the school of the owner teacher */
  reportProgress(actor: Actor, c: CommunityRef, ownerSchoolIds: (number | null)[]): boolean {
    if (meetingsPolicy.manage(actor, c)) return true;
    return (
      actor.role === 'school_admin' && actor.scope.kind === 'school' && ownerSchoolIds.includes(Number(actor.scope.id))
    );
  },
  /** Signing is decided against the resolved signer row (meetings.rules.ts signRefusal); this is the role gate. */
  sign(actor: Actor): boolean {
    return actor.role === 'school_admin' && actor.scope.kind === 'school';
  },
};
