import type { Actor } from '../../http/actor.js';

/**
 * Who may do what with a community's activities, plans and ledger, in one place. `visible` comes
 * from registry's visibleCommunityCondition (the SQL twin of reading); the rest is role × scope.
 */
export interface CommunityAccess {
  id: number;
  name: string;
  visible: boolean;
  /** schools that are members today */
  memberSchoolIds: number[];
}

export interface ActivityOwner {
  organizerSchoolId: number;
  schoolIds: number[];
  createdBy: number | null;
}

const schoolScope = (a: Actor) => (a.scope.kind === 'school' ? Number(a.scope.id) : null);
const leads = (a: Actor, c: CommunityAccess) =>
  a.role === 'community_lead' && a.scope.kind === 'community' && Number(a.scope.id) === c.id;
const bureau = (a: Actor, c: CommunityAccess) => a.role === 'bureau_admin' && a.scope.kind === 'region' && c.visible;
const memberStaff = (a: Actor, c: CommunityAccess) => {
  const s = schoolScope(a);
  return (a.role === 'school_admin' || a.role === 'teacher') && s !== null && c.memberSchoolIds.includes(s);
};

export const activitiesPolicy = {
  read(actor: Actor, c: CommunityAccess) {
    return c.visible;
  },
  /** Log an activity: bureau, the lead, or staff of a member school that takes part in it. */
  log(actor: Actor, c: CommunityAccess, schoolIds: number[]) {
    if (bureau(actor, c) || leads(actor, c)) return true;
    return memberStaff(actor, c) && schoolIds.includes(schoolScope(actor)!);
  },
  /** Edit or delete: bureau, the lead, the organising school's admin, or the teacher who logged it. */
  edit(actor: Actor, c: CommunityAccess, row: ActivityOwner) {
    if (bureau(actor, c) || leads(actor, c)) return true;
    if (!memberStaff(actor, c)) return false;
    if (actor.role === 'school_admin') return schoolScope(actor) === row.organizerSchoolId;
    return row.createdBy === actor.userId;
  },
  /** Evidence may be added by anyone who may edit, and by staff of a participating school. */
  attach(actor: Actor, c: CommunityAccess, row: ActivityOwner) {
    return (
      activitiesPolicy.edit(actor, c, row) || (memberStaff(actor, c) && row.schoolIds.includes(schoolScope(actor)!))
    );
  },
  plan(actor: Actor, c: CommunityAccess) {
    return bureau(actor, c) || leads(actor, c);
  },
  /** The support ledger: bureau, the lead, and admins of member schools. */
  ledger(actor: Actor, c: CommunityAccess) {
    return bureau(actor, c) || leads(actor, c) || (actor.role === 'school_admin' && memberStaff(actor, c));
  },
};
