/** The job queue's public surface: queue a job of a declared kind. */
export { enqueueJob, type EnqueueOptions } from './queue.js';
