import { describe, expect, it } from 'vitest';
import type { Actor } from '../../http/actor.js';
import type { Role, ScopeKind } from '../../../shared/enums.js';
import { activitiesPolicy, type CommunityAccess } from './activities.policy.js';

const actor = (role: Role, kind: ScopeKind, id: string, userId = 1): Actor => ({
  userId,
  username: 'u',
  displayName: 'u',
  role,
  scope: { kind, id },
  teacherId: null,
});
const community: CommunityAccess = { id: 7, name: '教共体', visible: true, memberSchoolIds: [10, 11] };
const hidden: CommunityAccess = { ...community, visible: false };
const row = { organizerSchoolId: 10, schoolIds: [10, 11], createdBy: 5 };

describe('activities policy (role × scope × action)', () => {
  it.each([
    ['bureau in region', actor('bureau_admin', 'region', '330481'), community, [true, true, true, true, true]],
    [
      'bureau of another region',
      actor('bureau_admin', 'region', '331125'),
      hidden,
      [false, false, false, false, false],
    ],
    ['assessor', actor('assessor', 'region', '330481'), community, [true, false, false, false, false]],
    ['viewer', actor('viewer', 'region', '330481'), community, [true, false, false, false, false]],
    ['lead of this community', actor('community_lead', 'community', '7'), community, [true, true, true, true, true]],
    [
      'lead of another community',
      actor('community_lead', 'community', '8'),
      { ...community, visible: false },
      [false, false, false, false, false],
    ],
    [
      'admin of the organising school',
      actor('school_admin', 'school', '10'),
      community,
      [true, true, true, false, true],
    ],
    [
      'admin of a participating school',
      actor('school_admin', 'school', '11'),
      community,
      [true, true, false, false, true],
    ],
    ['admin of a school outside', actor('school_admin', 'school', '12'), community, [true, false, false, false, false]],
    ['teacher who logged it', actor('teacher', 'school', '11', 5), community, [true, true, true, false, false]],
    [
      'another teacher of a participating school',
      actor('teacher', 'school', '11', 6),
      community,
      [true, true, false, false, false],
    ],
  ] as const)('%s', (_name, a, c, [read, log, edit, plan, ledger]) => {
    expect(activitiesPolicy.read(a, c)).toBe(read);
    expect(activitiesPolicy.log(a, c, [10, 11])).toBe(log);
    expect(activitiesPolicy.edit(a, c, row)).toBe(edit);
    expect(activitiesPolicy.plan(a, c)).toBe(plan);
    expect(activitiesPolicy.ledger(a, c)).toBe(ledger);
  });

  it('lets staff of a participating school add evidence but not edit', () => {
    const t = actor('teacher', 'school', '11', 6);
    expect(activitiesPolicy.attach(t, community, row)).toBe(true);
    expect(activitiesPolicy.attach(actor('teacher', 'school', '12'), community, row)).toBe(false);
  });
});
