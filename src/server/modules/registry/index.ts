/** The registry's public surface: row visibility (scope), policies and the registry data other modules build on. */
export { CommunitiesService } from './communities.service.js';
export { SchoolsService } from './schools.service.js';
export { TeachersService } from './teachers.service.js';
export { inActorRegion } from './registry.policy.js';
export {
  privateSchoolCondition,
  schoolFilterCondition,
  SCOPE_TABLES,
  scopeLinkQuery,
  scopeSchoolCondition,
  visibleCommunityCondition,
  visibleSchoolCondition,
} from './registry.scope.js';
export { drillTeachers, mapData, scopeCommunityCondition, scopeCommunityIds } from './registry.stats.js';
