/** The activities module's public surface: what is behind in the work plans (read by notifications). */
export { PlansService } from './plans.service.js';
/** Whether an activity can stand as a community's assessment evidence (read by assessment). */
export { activityForCommunity } from './activities.refs.js';
