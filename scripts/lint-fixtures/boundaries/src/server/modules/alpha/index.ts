export { alphaThing } from './alpha.service.js';
