/** The activities module's public surface: what is behind in the work plans (read by notifications). */
export { PlansService } from './plans.service.js';
