import type { TestApp } from '../../test/harness.js';
import { login, type Client } from '../../test/harness.js';
import { buildCommunity, buildSchool, buildUser, USER_PASSWORD } from '../../test/factories.js';

/** A 1+1 community (core + member school) with a lead and both principals, and an unrelated community. */
export async function meetingWorld(t: TestApp) {
  const db = t.ctx.db;
  const core = await buildSchool(db, { name: '硖石小学', quality_tier: 'strong' });
  const member = await buildSchool(db, { name: '周王庙小学', location_class: 'rural', quality_tier: 'weak' });
  const community = await buildCommunity(
    db,
    [
      { schoolId: core.id, role: 'core' },
      { schoolId: member.id, role: 'member' },
    ],
    { name: '硖石教共体' },
  );
  const other = await buildSchool(db, { name: '长安小学' });
  const otherCommunity = await buildCommunity(db, [{ schoolId: other.id, role: 'core' }], { name: '长安教共体' });
  const users = {
    lead: await buildUser(db, 'community_lead', { kind: 'community', id: community.id }),
    corePrincipal: await buildUser(db, 'school_admin', { kind: 'school', id: core.id }),
    memberPrincipal: await buildUser(db, 'school_admin', { kind: 'school', id: member.id }),
    otherPrincipal: await buildUser(db, 'school_admin', { kind: 'school', id: other.id }),
    otherLead: await buildUser(db, 'community_lead', { kind: 'community', id: otherCommunity.id }),
    teacher: await buildUser(db, 'teacher', { kind: 'school', id: member.id }),
  };
  const as = async (u: { username: string }): Promise<Client> => login(t.app, u.username, USER_PASSWORD);
  return {
    core,
    member,
    community,
    other,
    otherCommunity,
    users,
    lead: await as(users.lead),
    corePrincipal: await as(users.corePrincipal),
    memberPrincipal: await as(users.memberPrincipal),
    otherPrincipal: await as(users.otherPrincipal),
    otherLead: await as(users.otherLead),
    teacher: await as(users.teacher),
  };
}

export const meetingBody = (communityId: number, o: Record<string, unknown> = {}) => ({
  communityId,
  kind: 'regular',
  title: '2026年秋季学期联席会议',
  startsAt: '2026-09-15T06:30:00Z',
  place: '硖石小学会议室',
  ...o,
});
