/** The job queue's public surface: queue a job of a declared kind, or drop one nobody wants any more. */
export { cancelJob, enqueueJob, type EnqueueOptions } from './queue.js';
