import type { Actor } from '../../http/actor.js';
import { inActorRegion } from '../registry/index.js';

/**
 * Who may do what with exchanges, mentor pairs and studios. Reading lists is filtered in SQL by
 * the schools whose private data the actor sees (registry.scope privateSchoolCondition, on either end
 * of an assignment or pair); these decide the writes.
 *
 * | action                              | bureau_admin            | community_lead               | school_admin             | others |
 * |-------------------------------------|-------------------------|------------------------------|--------------------------|--------|
 * | plan/edit an assignment             | teacher's school in region | both schools in own community | –                     | –      |
 * | log send-lesson sessions, evaluate  | as above                | as above                     | either school is own     | –      |
 * | teacher timetable entries           | school in region        | –                            | own school               | –      |
 * | sign/edit a mentor pair             | either school in region | both schools in own community | –                       | –      |
 * | evaluate a pair each term           | as above                | as above                     | apprentice's school      | –      |
 * | studios                             | region                  | own community's studio       | –                        | –      |
 * | settings, cycle rules               | region                  | –                            | –                        | –      |
 */
export interface SchoolFacts {
  id: number;
  region_code: string;
  /** Communities the school currently belongs to. */
  communityIds: number[];
}

const isLeadOf = (actor: Actor, s: SchoolFacts) =>
  actor.role === 'community_lead' &&
  actor.scope.kind === 'community' &&
  s.communityIds.includes(Number(actor.scope.id));
const isAdminOf = (actor: Actor, s: SchoolFacts) =>
  actor.role === 'school_admin' && actor.scope.kind === 'school' && actor.scope.id === String(s.id);

export const exchangePolicy = {
  /** `from` is the teacher's own school: a bureau plans its own teachers' exchanges, a lead inside the community. */
  planAssignment(actor: Actor, from: SchoolFacts, to: SchoolFacts): boolean {
    if (actor.role === 'bureau_admin') return inActorRegion(actor, from.region_code);
    return isLeadOf(actor, from) && isLeadOf(actor, to);
  },
  recordDelivery(actor: Actor, from: SchoolFacts, to: SchoolFacts): boolean {
    return exchangePolicy.planAssignment(actor, from, to) || isAdminOf(actor, from) || isAdminOf(actor, to);
  },
  editTimetable(actor: Actor, school: SchoolFacts): boolean {
    if (actor.role === 'bureau_admin') return inActorRegion(actor, school.region_code);
    return isAdminOf(actor, school);
  },
  signMentorship(actor: Actor, mentor: SchoolFacts, apprentice: SchoolFacts): boolean {
    if (actor.role === 'bureau_admin')
      return inActorRegion(actor, mentor.region_code) || inActorRegion(actor, apprentice.region_code);
    return isLeadOf(actor, mentor) && isLeadOf(actor, apprentice);
  },
  evaluateMentorship(actor: Actor, mentor: SchoolFacts, apprentice: SchoolFacts): boolean {
    return exchangePolicy.signMentorship(actor, mentor, apprentice) || isAdminOf(actor, apprentice);
  },
  manageStudio(actor: Actor, regionCode: string, communityId: number | null): boolean {
    if (actor.role === 'bureau_admin') return inActorRegion(actor, regionCode);
    return (
      actor.role === 'community_lead' &&
      actor.scope.kind === 'community' &&
      communityId !== null &&
      actor.scope.id === String(communityId)
    );
  },
  configure(actor: Actor, regionCode: string): boolean {
    return actor.role === 'bureau_admin' && inActorRegion(actor, regionCode);
  },
};
