/** The meetings module's public surface: what other modules (the header search) read through. */
export { MeetingsService } from './meetings.service.js';
