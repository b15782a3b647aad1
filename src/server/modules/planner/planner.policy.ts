import type { Actor } from '../../http/actor.js';
import { inActorRegion } from '../registry/index.js';

/**
 * Who may plan. Pairing and exchange planning is the bureau's job over its own region; plans are
 * read by region-scoped users of that region (bureau, assessors, viewers). Community leads,
 * principals and teachers neither see nor change plans — accepted results reach them as
 * communities and exchanges in the registry.
 *
 * | action                                    | bureau_admin | assessor/viewer (region) | others |
 * |-------------------------------------------|--------------|--------------------------|--------|
 * | solve an instance from the registry       | own region   | –                        | –      |
 * | solve an uploaded instance (no data read) | yes          | –                        | –      |
 * | read plans                                | own region   | own region               | –      |
 * | create, edit, re-plan, accept, delete     | own region   | –                        | –      |
 */
export const plannerPolicy = {
  solveUploaded(actor: Actor) {
    return actor.role === 'bureau_admin';
  },
  plan(actor: Actor, regionCode: string) {
    return actor.role === 'bureau_admin' && inActorRegion(actor, regionCode);
  },
  readPlan(actor: Actor, regionCode: string) {
    return ['bureau_admin', 'assessor', 'viewer'].includes(actor.role) && inActorRegion(actor, regionCode);
  },
};
