/** The meetings module's public surface: what other modules (the header search, the semester archive) read through. */
export { MeetingsService } from './meetings.service.js';
export { meetingsForArchive, type ArchivedMeeting, type ArchivedMinutes } from './meetings.archive.js';
/** Who must sign which minutes and which action items fall due (the notifications scan, the 待办 panel). */
export { actionItemsDue, pendingSignatures, ACTION_ITEM_NOTICE_DAYS } from './meetings.todo.js';
/** Whether a meeting can stand as a community's assessment evidence (read by assessment). */
export { meetingForCommunity } from './meetings.refs.js';
