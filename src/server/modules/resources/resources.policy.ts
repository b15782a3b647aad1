import type { Actor } from '../../http/actor.js';
import { regionContains } from '../../../shared/regions.js';
import { visibilitiesFor, type ResourceVisibility } from '../../../shared/resources.enums.js';

/**
 * Who may do what in the library, in one readable place.
 *
 * | action                        | bureau_admin      | community_lead          | school_admin | teacher              | assessor/viewer |
 * |-------------------------------|-------------------|-------------------------|--------------|----------------------|-----------------|
 * | find, view, download          | visible resources (see resourceVisibleSql) — the same rule for lists, detail and files      |||||
 * | publish for a school          | schools in region | member schools          | own school   | own school           | –               |
 * | publish for the county itself | own region        | –                       | –            | –                    | –               |
 * | edit, new version, delete     | region            | own community's         | own school's | own uploads          | –               |
 * | recommend (优课)              | region            | own community's         | –            | –                    | –               |
 * | rate, comment                 | visible           | visible                 | visible      | visible              | –               |
 *
 * Visibility of a resource: `school` — its school (and those who oversee the school's private data);
 * `community` — members of its community and the regions running it; `region` — everyone whose
 * scope lies in or covers its county; `public` — every signed-in user. The uploader always sees
 * their own.
 */
export interface ResourceRef {
  /** null: the county owns it (a bureau's own resource) */
  school_id: number | null;
  community_id: number | null;
  region_code: string;
  owner_user_id: number | null;
}

/** What the service knows of the school a resource is published for. */
export interface SchoolContext {
  id: number;
  region_code: string;
  /** communities the school currently belongs to */
  communityIds: number[];
}

const WRITERS = ['bureau_admin', 'community_lead', 'school_admin', 'teacher'] as const;
const isWriter = (actor: Actor) => (WRITERS as readonly string[]).includes(actor.role);
const scopeIs = (actor: Actor, kind: Actor['scope']['kind'], id: number | string) =>
  actor.scope.kind === kind && actor.scope.id === String(id);

export const resourcesPolicy = {
  publishFor(actor: Actor, school: SchoolContext): boolean {
    if (!isWriter(actor)) return false;
    if (actor.scope.kind === 'region')
      return actor.role === 'bureau_admin' && regionContains(actor.scope.id, school.region_code);
    if (actor.scope.kind === 'community') return school.communityIds.includes(Number(actor.scope.id));
    return scopeIs(actor, 'school', school.id);
  },

  /** A resource of no school, owned by the county: only a bureau, for its own region. */
  publishForRegion(actor: Actor, regionCode: string): boolean {
    return actor.role === 'bureau_admin' && actor.scope.kind === 'region' && regionContains(actor.scope.id, regionCode);
  },

  /**
   * A community-visible resource must name a community its school belongs to, and the actor must act
   * in it; a county's own resource (no school) is shared with the county, not in a community. 本校
   * needs a school, 本教共体 a community: the rule the upload form checks too (visibilitiesFor).
   */
  visibilityFor(
    actor: Actor,
    school: SchoolContext | null,
    visibility: ResourceVisibility,
    communityId: number | null,
  ): boolean {
    if (communityId !== null) {
      if (!school?.communityIds.includes(communityId)) return false;
      if (actor.scope.kind === 'community' && !scopeIs(actor, 'community', communityId)) return false;
    }
    return visibilitiesFor({ school: school !== null, community: communityId !== null }).includes(visibility);
  },

  edit(actor: Actor, r: ResourceRef, schoolCommunityIds: number[]): boolean {
    if (!isWriter(actor)) return false;
    if (r.owner_user_id === actor.userId) return true;
    if (actor.role === 'bureau_admin')
      return actor.scope.kind === 'region' && regionContains(actor.scope.id, r.region_code);
    if (actor.role === 'community_lead')
      return actor.scope.kind === 'community' && schoolCommunityIds.includes(Number(actor.scope.id));
    if (actor.role === 'school_admin') return r.school_id !== null && scopeIs(actor, 'school', r.school_id);
    return false;
  },

  recommend(actor: Actor, r: ResourceRef, schoolCommunityIds: number[]): boolean {
    if (actor.role === 'bureau_admin')
      return actor.scope.kind === 'region' && regionContains(actor.scope.id, r.region_code);
    if (actor.role === 'community_lead') {
      if (actor.scope.kind !== 'community') return false;
      const c = Number(actor.scope.id);
      return r.community_id === c || schoolCommunityIds.includes(c);
    }
    return false;
  },

  /** Ratings and comments come from the people who teach, among those who can see the resource. */
  rate(actor: Actor): boolean {
    return isWriter(actor);
  },

  /** Shared courses: the owner school's admin, its community's lead, the bureau. */
  manageCourse(actor: Actor, ownerSchool: SchoolContext): boolean {
    if (actor.role === 'bureau_admin')
      return actor.scope.kind === 'region' && regionContains(actor.scope.id, ownerSchool.region_code);
    if (actor.role === 'community_lead')
      return actor.scope.kind === 'community' && ownerSchool.communityIds.includes(Number(actor.scope.id));
    if (actor.role === 'school_admin') return scopeIs(actor, 'school', ownerSchool.id);
    return false;
  },

  /** A school's admin enrols its own classes in a course opened to it; course managers enrol any opened school. */
  enrol(actor: Actor, schoolId: number, canManage: boolean): boolean {
    return canManage || (actor.role === 'school_admin' && scopeIs(actor, 'school', schoolId));
  },
};
