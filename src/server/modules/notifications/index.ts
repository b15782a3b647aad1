/** The notifications module's public surface: tell a user something (kept for the bell, sent per their preferences). */
export { notify, type NotifyInput } from './notifications.service.js';
