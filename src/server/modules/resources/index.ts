/** The resources module's public surface: what other modules (the header search) read through. */
export { ResourcesService } from './resources.service.js';
