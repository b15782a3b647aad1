/** The exchange module's public surface: mentor pairs and their quota compliance (read by notifications). */
export { MentorshipsService } from './mentorships.service.js';
