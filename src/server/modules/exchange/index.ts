/** The exchange module's public surface: mentor pairs and their quota compliance (read by notifications). */
export { MentorshipsService } from './mentorships.service.js';
/** Planned assignments are posted through the same checks as a hand-entered one (the planner's accept). */
export { AssignmentsService } from './assignments.service.js';
/** Postings ending soon, and for whom (the notifications scan). */
export { exchangesEnding, EXCHANGE_NOTICE_DAYS } from './exchange.todo.js';
/** Whether an exchange assignment can stand as a community's assessment evidence (read by assessment). */
export { assignmentForCommunity } from './exchange.refs.js';
