import type { Actor } from '../../http/actor.js';
import { regionContains } from '../../../shared/regions.js';

/**
 * Who may do what in the registry, in one readable place. Scope decides which rows; role decides
 * which actions. Row-level visibility for lists is in registry.scope.ts (the same rules in SQL).
 *
 * | action                         | bureau_admin | community_lead     | school_admin | teacher/viewer/assessor |
 * |--------------------------------|--------------|--------------------|--------------|-------------------------|
 * | read schools, communities      | region       | community          | own + peers  | scope                   |
 * | read teachers (personal data)  | region       | community's schools| own school   | own school (region/community scope for viewer, assessor) |
 * | create/edit schools            | region       | –                  | own school (edit) | –                  |
 * | create/edit teachers, stats    | region       | –                  | own school   | –                       |
 * | create communities             | region       | –                  | –            | –                       |
 * | edit community, members, group | region       | own community      | –            | –                       |
 * | audit log (users: users.policy)| region       | –                  | –            | –                       |
 */
export interface SchoolRef {
  id: number;
  region_code: string;
}
export interface CommunityRef {
  id: number;
  region_code: string;
  partner_region_code: string | null;
}

export function inActorRegion(actor: Actor, regionCode: string): boolean {
  return actor.scope.kind === 'region' && regionContains(actor.scope.id, regionCode);
}

export const registryPolicy = {
  createSchool(actor: Actor, regionCode: string) {
    return actor.role === 'bureau_admin' && inActorRegion(actor, regionCode);
  },
  editSchool(actor: Actor, school: SchoolRef) {
    if (actor.role === 'bureau_admin') return inActorRegion(actor, school.region_code);
    if (actor.role === 'school_admin') return actor.scope.kind === 'school' && actor.scope.id === String(school.id);
    return false;
  },
  deleteSchool(actor: Actor, school: SchoolRef) {
    return actor.role === 'bureau_admin' && inActorRegion(actor, school.region_code);
  },
  /** Teachers and annual statistics belong to a school. */
  editSchoolData(actor: Actor, school: SchoolRef) {
    return registryPolicy.editSchool(actor, school);
  },
  createCommunity(actor: Actor, regionCode: string) {
    return actor.role === 'bureau_admin' && inActorRegion(actor, regionCode);
  },
  editCommunity(actor: Actor, community: CommunityRef) {
    if (actor.role === 'bureau_admin') return inActorRegion(actor, community.region_code);
    if (actor.role === 'community_lead')
      return actor.scope.kind === 'community' && actor.scope.id === String(community.id);
    return false;
  },
  deleteCommunity(actor: Actor, community: CommunityRef) {
    return actor.role === 'bureau_admin' && inActorRegion(actor, community.region_code);
  },
};
