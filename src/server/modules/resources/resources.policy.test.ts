import { describe, expect, it } from 'vitest';
import type { Actor } from '../../http/actor.js';
import type { Role, ScopeKind } from '../../../shared/enums.js';
import { resourcesPolicy, type ResourceRef, type SchoolContext } from './resources.policy.js';

/** The library's rules as a matrix: role × scope × action, for a resource of school 10 in community 5 (Haining). */
const actor = (role: Role, kind: ScopeKind, id: string, userId = 1): Actor => ({
  userId,
  username: 'u',
  displayName: 'u',
  role,
  scope: { kind, id },
  teacherId: null,
});
const school: SchoolContext = { id: 10, region_code: '330481', communityIds: [5] };
const resource: ResourceRef = { school_id: 10, community_id: 5, region_code: '330481', owner_user_id: 99 };

const cases: [
  string,
  Actor,
  { publish: boolean; edit: boolean; recommend: boolean; rate: boolean; course: boolean },
][] = [
  [
    'county bureau',
    actor('bureau_admin', 'region', '330481'),
    { publish: true, edit: true, recommend: true, rate: true, course: true },
  ],
  [
    'province bureau',
    actor('bureau_admin', 'region', '330000'),
    { publish: true, edit: true, recommend: true, rate: true, course: true },
  ],
  [
    'other county bureau',
    actor('bureau_admin', 'region', '330483'),
    { publish: false, edit: false, recommend: false, rate: true, course: false },
  ],
  [
    'lead of the community',
    actor('community_lead', 'community', '5'),
    { publish: true, edit: true, recommend: true, rate: true, course: true },
  ],
  [
    'lead of another community',
    actor('community_lead', 'community', '6'),
    { publish: false, edit: false, recommend: false, rate: true, course: false },
  ],
  [
    'admin of the school',
    actor('school_admin', 'school', '10'),
    { publish: true, edit: true, recommend: false, rate: true, course: true },
  ],
  [
    'admin of another school',
    actor('school_admin', 'school', '11'),
    { publish: false, edit: false, recommend: false, rate: true, course: false },
  ],
  [
    'teacher of the school',
    actor('teacher', 'school', '10'),
    { publish: true, edit: false, recommend: false, rate: true, course: false },
  ],
  [
    'the uploader',
    actor('teacher', 'school', '10', 99),
    { publish: true, edit: true, recommend: false, rate: true, course: false },
  ],
  [
    'assessor',
    actor('assessor', 'region', '330481'),
    { publish: false, edit: false, recommend: false, rate: false, course: false },
  ],
  [
    'viewer',
    actor('viewer', 'region', '330481'),
    { publish: false, edit: false, recommend: false, rate: false, course: false },
  ],
];

describe('resourcesPolicy', () => {
  it.each(cases)('%s', (_who, a, expected) => {
    expect({
      publish: resourcesPolicy.publishFor(a, school),
      edit: resourcesPolicy.edit(a, resource, school.communityIds),
      recommend: resourcesPolicy.recommend(a, resource, school.communityIds),
      rate: resourcesPolicy.rate(a),
      course: resourcesPolicy.manageCourse(a, school),
    }).toEqual(expected);
  });

  it.each([
    ['community visibility needs a community', actor('teacher', 'school', '10'), 'community', null, false],
    ['in the school’s community', actor('teacher', 'school', '10'), 'community', 5, true],
    ['in a community the school is not in', actor('teacher', 'school', '10'), 'community', 6, false],
    ['a lead shares only into their own community', actor('community_lead', 'community', '6'), 'community', 5, false],
    ['school visibility needs no community', actor('teacher', 'school', '10'), 'school', null, true],
    ['public with a community tag', actor('teacher', 'school', '10'), 'public', 5, true],
  ] as const)('visibility: %s', (_what, a, visibility, communityId, ok) => {
    expect(resourcesPolicy.visibilityFor(a, school, visibility, communityId)).toBe(ok);
  });

  it('lets only a bureau publish for its own county with no school, visible to the county or everyone', () => {
    const county = actor('bureau_admin', 'region', '330481');
    expect(resourcesPolicy.publishForRegion(county, '330481')).toBe(true);
    expect(resourcesPolicy.publishForRegion(actor('bureau_admin', 'region', '330000'), '330000')).toBe(true);
    expect(resourcesPolicy.publishForRegion(actor('viewer', 'region', '330481'), '330481')).toBe(false);
    expect(resourcesPolicy.publishForRegion(actor('community_lead', 'community', '5'), '5')).toBe(false);
    expect(resourcesPolicy.publishForRegion(actor('school_admin', 'school', '10'), '10')).toBe(false);
    expect(resourcesPolicy.visibilityFor(county, null, 'region', null)).toBe(true);
    expect(resourcesPolicy.visibilityFor(county, null, 'public', null)).toBe(true);
    expect(resourcesPolicy.visibilityFor(county, null, 'school', null)).toBe(false);
    expect(resourcesPolicy.visibilityFor(county, null, 'community', 5)).toBe(false);
    // a county's resource is edited by its bureau, not by a school's admin
    const own: ResourceRef = { school_id: null, community_id: null, region_code: '330481', owner_user_id: 99 };
    expect(resourcesPolicy.edit(county, own, [])).toBe(true);
    expect(resourcesPolicy.edit(actor('school_admin', 'school', '10'), own, [])).toBe(false);
  });

  it('lets a school admin enrol only its own school unless they manage the course', () => {
    expect(resourcesPolicy.enrol(actor('school_admin', 'school', '11'), 11, false)).toBe(true);
    expect(resourcesPolicy.enrol(actor('school_admin', 'school', '11'), 12, false)).toBe(false);
    expect(resourcesPolicy.enrol(actor('teacher', 'school', '11'), 11, false)).toBe(false);
    expect(resourcesPolicy.enrol(actor('community_lead', 'community', '5'), 12, true)).toBe(true);
  });
});
