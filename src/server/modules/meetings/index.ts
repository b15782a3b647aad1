/** The meetings module's public surface: what other modules (the header search) read through. */
export { MeetingsService } from './meetings.service.js';
/** Whether a meeting can stand as a community's assessment evidence (read by assessment). */
export { meetingForCommunity } from './meetings.refs.js';
