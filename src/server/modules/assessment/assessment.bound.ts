import type { BoundConfig } from '../../../shared/assessment.schemas.js';
import type { LocationClass } from '../../../shared/enums.js';
import { round2 } from './assessment.scoring.js';

/**
 * 捆绑考核 (bound assessment, Enshi's 评分细则): a community's schools are scored together. With
 * bound scoring on, the community score is the mean of its schools' own scores weighted by location
 * class (rural schools weigh most, so the rural school's progress counts most); every school then
 * carries the community score, and each principal's appraisal mixes the community score (the
 * configured share) with the school's own.
 */
export interface BoundSchoolIn {
  schoolId: number;
  locationClass: LocationClass;
  ownScore: number;
}
export interface BoundSchoolOut extends BoundSchoolIn {
  weight: number;
  communityScore: number;
  principalAppraisal: number;
}

export function weightOf(config: BoundConfig, locationClass: LocationClass): number {
  return config.weights[locationClass] ?? 1;
}

/** The weighted mean of the schools' scores; a community without weight falls back to the plain mean. */
export function boundCommunityScore(config: BoundConfig, schools: readonly BoundSchoolIn[]): number {
  if (!schools.length) return 0;
  const total = schools.reduce((s, x) => s + weightOf(config, x.locationClass), 0);
  if (total <= 0) return round2(schools.reduce((s, x) => s + x.ownScore, 0) / schools.length);
  return round2(schools.reduce((s, x) => s + weightOf(config, x.locationClass) * x.ownScore, 0) / total);
}

/** Each school's share of the bound result: the community score it carries and its principal's appraisal. */
export function carryCommunityScore(
  config: BoundConfig,
  schools: readonly BoundSchoolIn[],
  communityScore: number,
): BoundSchoolOut[] {
  return schools.map((s) => ({
    ...s,
    weight: weightOf(config, s.locationClass),
    communityScore,
    principalAppraisal: round2(config.principalShare * communityScore + (1 - config.principalShare) * s.ownScore),
  }));
}
