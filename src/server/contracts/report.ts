import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { Db } from '../db/connection.js';
import type { Actor } from '../http/actor.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import type { GongjinModule } from '../modules/module.js';
import type { Labelled } from '../../shared/enums.js';

/** What a report's generator receives while it runs on the job queue (modules/reports). */
export interface ReportContext {
  /** the user who asked for the report: the generator reads only what they may read */
  actor: Actor;
  db: Db;
  storage: BlobStorage;
  /** every installed manifest (the dashboard's report reads the other modules' panels) */
  modules: readonly GongjinModule[];
  /** the language the user asked in, for the contents and the file name */
  lang: 'zh' | 'en';
  /** 0…100; cheap to call often (the latest value is written, never one per call) */
  onProgress: (pct: number) => void;
  /** aborted when the job's time is up or the worker stops: long generators check it between steps */
  signal: AbortSignal;
}

/** The finished file: a buffer, or a stream the report module writes to storage. */
export interface ReportFile {
  fileName: string;
  contentType: string;
  buffer?: Buffer;
  stream?: Readable;
}

/**
 * A report a module offers to run in the background (manifest `reports`): the reports module
 * checks the parameters and the user's access when it is asked for, runs `generate` on the job
 * queue, stores the file and lets only the user who asked download it.
 */
export interface ReportKind<P = unknown> {
  /** '<module>.<what>', e.g. 'activities.archive-pdf' */
  name: string;
  label: Labelled;
  params: z.ZodType<P>;
  /**
   * Throws what the synchronous download would (ForbiddenError, OutOfScopeError, NotFoundError) when
   * the actor may not have this report: a refused request fails at once, before anything is queued.
   */
  authorize(actor: Actor, params: P, db: Db, modules: readonly GongjinModule[]): Promise<void>;
  generate(params: P, ctx: ReportContext): Promise<ReportFile>;
}
