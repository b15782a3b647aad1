import type { Actor } from '../../http/actor.js';
import { regionContains } from '../../../shared/regions.js';
import type { EvaluationStatus } from '../../../shared/assessment.schemas.js';

/**
 * Who may do what in the annual assessment, in one place. Row visibility of evaluations in SQL
 * lives in assessment.repo.ts (`visibleEvaluationCondition`), the same rules.
 *
 * | action                              | bureau_admin | assessor              | community_lead      | school_admin / teacher / viewer |
 * |-------------------------------------|--------------|-----------------------|---------------------|---------------------------------|
 * | build schemes, open, assign, publish| region       | –                     | –                   | –                               |
 * | read schemes                        | region       | region                | own region          | own region                      |
 * | read an evaluation                  | region       | assigned communities  | own community       | own school's communities (read) / viewer: region |
 * | self-assessment scores, submit      | –            | –                     | own, self_assessment| –                               |
 * | assessor scores, submit             | –            | assigned, scoring     | –                   | –                               |
 * | appeal a published result           | –            | –                     | own community       | –                               |
 * | decide an appeal                    | region       | –                     | –                   | –                               |
 * | balance indicators                  | region       | region                | –                   | viewer: region                  |
 * | published results                   | every signed-in user (they are public)                                                  |
 * | publish / withdraw the public page  | region       | –                     | –                   | –                               |
 * | read the public page                | anyone, no sign-in, while published (public.service.ts)                                 |
 */
export interface EvaluationRef {
  communityId: number;
  regionCode: string;
  status: EvaluationStatus;
  assessorIds: number[];
}

const inRegion = (actor: Actor, regionCode: string) =>
  actor.scope.kind === 'region' && regionContains(actor.scope.id, regionCode);
const isLeadOf = (actor: Actor, communityId: number) =>
  actor.role === 'community_lead' && actor.scope.kind === 'community' && actor.scope.id === String(communityId);

export const assessmentPolicy = {
  manageScheme(actor: Actor, regionCode: string) {
    return actor.role === 'bureau_admin' && inRegion(actor, regionCode);
  },
  selfScore(actor: Actor, e: EvaluationRef) {
    return isLeadOf(actor, e.communityId) && e.status === 'self_assessment';
  },
  assessorScore(actor: Actor, e: EvaluationRef) {
    return (
      actor.role === 'assessor' &&
      e.assessorIds.includes(actor.userId) &&
      (e.status === 'assessor_scoring' || e.status === 'rescoring')
    );
  },
  publish(actor: Actor, e: EvaluationRef) {
    return actor.role === 'bureau_admin' && inRegion(actor, e.regionCode) && e.status === 'review';
  },
  appeal(actor: Actor, e: EvaluationRef) {
    return isLeadOf(actor, e.communityId) && e.status === 'published';
  },
  decideAppeal(actor: Actor, e: Pick<EvaluationRef, 'regionCode'>) {
    return actor.role === 'bureau_admin' && inRegion(actor, e.regionCode);
  },
  managePublicPage(actor: Actor, regionCode: string) {
    return actor.role === 'bureau_admin' && inRegion(actor, regionCode);
  },
  readBalance(actor: Actor, regionCode: string) {
    return (
      (actor.role === 'bureau_admin' || actor.role === 'assessor' || actor.role === 'viewer') &&
      inRegion(actor, regionCode)
    );
  },
};
