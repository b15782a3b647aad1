import type { z } from 'zod';
import type { Config } from '../config.js';
import type { Db, DbHandle } from '../db/connection.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import type { GongjinModule } from '../modules/module.js';

/** What a job's handler receives. */
export interface JobContext {
  db: Db;
  dbh: DbHandle;
  storage: BlobStorage;
  config: Config;
  now: () => Date;
  /** the installed modules (what the app was built with): e.g. the import kinds they declare */
  modules: readonly GongjinModule[];
  /** aborted when the job's time is up or the worker stops: long handlers check it between steps */
  signal: AbortSignal;
  /** 1 on the first run; more when an earlier run failed, timed out or died with its worker */
  attempt: number;
  log: (message: string, data?: Record<string, unknown>) => void;
}

/**
 * A kind of background work a module declares in its manifest (`jobs.kinds`). The queue (modules/jobs)
 * stores, claims, times out, retries and records it; the handler only does the work.
 */
export interface JobKind<P = unknown> {
  /** '<module>.<what>', e.g. 'auth.expire-sessions' */
  name: string;
  /** the payload as stored; a payload that no longer parses (after an upgrade) fails at once, with the reason */
  payload: z.ZodType<P>;
  /** a run longer than this is abandoned and retried (default 60) */
  timeoutSeconds?: number;
  /** runs before the job is dead (default 5); retries wait 5 s, 10 s, 20 s … (at most an hour) */
  maxAttempts?: number;
  /** what the run did, stored with the job and logged (e.g. `{ deleted: 12 }`) */
  run(payload: P, ctx: JobContext): Promise<Record<string, unknown> | void>;
  /**
   * Called once when the job is dead (its last attempt failed, timed out or lost its worker): the
   * module puts what the job was doing into a visible failed state (an import → failed, with why).
   * A dead job can still be retried by hand; `run` must then cope with that state.
   */
  onDead?(payload: P, ctx: Omit<JobContext, 'signal' | 'attempt'>, reason: string): Promise<void>;
}

/** A job enqueued on a fixed period by whichever instance gets there first (`jobs.schedules`). */
export interface JobSchedule {
  /** unique; at most one job of a schedule is queued or running at a time */
  name: string;
  kind: string;
  everySeconds: number;
  payload?: unknown;
}
