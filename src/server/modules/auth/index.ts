/** The auth module's public surface: user lookups and the user policy other modules check. */
export { userAccessDenied } from './users.policy.js';
export { usersInScopeCondition } from './users.service.js';
export { invitePrincipal, type PrincipalInvitation } from './invitations.js';
