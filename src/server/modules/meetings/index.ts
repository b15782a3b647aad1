/** The meetings module's public surface: what other modules (the header search, the semester archive) read through. */
export { MeetingsService } from './meetings.service.js';
export { meetingsForArchive, type ArchivedMeeting, type ArchivedMinutes } from './meetings.archive.js';
