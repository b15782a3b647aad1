import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { JobKind, JobSchedule } from '../../contracts/job.js';
import type { GongjinModule } from '../module.js';
import {
  claimJob,
  completeJob,
  enqueueJob,
  failJob,
  DEFAULT_LEASE_SECONDS,
  reapExpiredLeases,
  releaseJob,
  renewLeases,
  syncSchedules,
  takeDueSchedules,
  type JobRow,
} from './queue.js';

export type JobLog = (level: 'info' | 'warn' | 'error', message: string, data: Record<string, unknown>) => void;

export interface WorkerOptions {
  /** jobs run at once by this instance (default 2) */
  concurrency?: number;
  /** how often it looks for due jobs, schedules and lost leases (default 1000 ms) */
  pollMs?: number;
  log?: JobLog;
  /** seconds a running job's lease lasts unless renewed (default 30; tests shorten it) */
  leaseSeconds?: number;
  /** the installed modules, handed to handlers (default: none) */
  modules?: readonly GongjinModule[];
  /** each finished run, for metrics: outcome, seconds, and what the job said it did */
  onFinished?: (kind: string, outcome: 'done' | 'failed' | 'dead', seconds: number, result: unknown) => void;
}

class JobTimeout extends Error {}

/**
 * Runs the queue's jobs in this process: claims due jobs of the kinds it knows, runs them with a
 * deadline, records the outcome; enqueues due schedules; returns lost leases to the queue. Holds no
 * state another instance needs: every instance can run one, and a killed one loses nothing.
 */
export class JobWorker {
  readonly id = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly kinds: Map<string, JobKind<unknown>>;
  private readonly running = new Map<number, { job: JobRow; abort: AbortController; done: Promise<void> }>();
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => void) | undefined;
  private again = false;
  private stopping = false;
  private ticking: Promise<void> | null = null;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly log: JobLog;
  private readonly leaseSeconds: number;
  private readonly onFinished: NonNullable<WorkerOptions['onFinished']>;

  constructor(
    private readonly ctx: AppContext,
    kinds: readonly JobKind<unknown>[],
    private readonly schedules: readonly JobSchedule[] = [],
    private readonly opts: WorkerOptions = {},
  ) {
    this.kinds = new Map(kinds.map((k) => [k.name, k]));
    for (const s of schedules)
      if (!this.kinds.has(s.kind)) throw new Error(`schedule ${s.name} names unknown job kind ${s.kind}`);
    this.concurrency = opts.concurrency ?? 2;
    this.pollMs = opts.pollMs ?? 1000;
    this.log = opts.log ?? (() => undefined);
    this.leaseSeconds = opts.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
    this.onFinished = opts.onFinished ?? (() => undefined);
  }

  /** A job was just queued by this process: look now rather than at the next poll. */
  wake(): void {
    if (this.stopping) return;
    if (this.ticking) {
      this.again = true; // the round under way may have looked already: another right after it
      return;
    }
    if (!this.timer) return; // not started
    clearTimeout(this.timer);
    this.timer = null;
    this.loop();
  }

  private readonly loop = () => {
    if (this.stopping) return;
    this.ticking = this.tick()
      .catch((e: unknown) => this.log('error', 'job worker tick failed', { err: e }))
      .finally(() => {
        this.ticking = null;
        if (!this.stopping) this.timer = setTimeout(this.loop, this.again ? 0 : this.pollMs);
        this.again = false;
      });
  };

  async start(): Promise<void> {
    await syncSchedules(this.ctx.db, this.schedules);
    this.unlisten = this.ctx.jobBell?.listen(() => this.wake());
    this.loop();
  }

  /** One round: own leases renewed, lost ones back to the queue, due schedules enqueued, free slots filled. */
  async tick(): Promise<void> {
    await renewLeases(
      this.ctx.db,
      [...this.running.values()].map((r) => r.job.locked_by!),
      this.leaseSeconds,
    );
    for (const r of await reapExpiredLeases(this.ctx.db, this.id)) {
      this.log('warn', 'job lease expired', { jobId: r.id, kind: r.kind, now: r.status });
      if (r.status === 'dead') await this.died(r.kind, r.payload, r.last_error, r.id);
    }
    for (const s of await takeDueSchedules(this.ctx.db)) {
      const kind = this.kinds.get(s.kind);
      if (kind) await enqueueJob(this.ctx.db, kind, s.payload, { singletonKey: `schedule:${s.name}` });
    }
    while (!this.stopping && this.running.size < this.concurrency) {
      const job = await claimJob(
        this.ctx.db,
        [...this.kinds.keys()],
        `${this.id}:${randomUUID().slice(0, 8)}`,
        this.leaseSeconds,
      );
      if (!job) break;
      const abort = new AbortController();
      const done = this.run(job, abort).finally(() => this.running.delete(job.id));
      this.running.set(job.id, { job, abort, done });
    }
  }

  /** Runs until no due job is left (tests and one-shot commands). */
  async drain(): Promise<void> {
    await syncSchedules(this.ctx.db, this.schedules);
    for (;;) {
      await this.tick();
      if (!this.running.size) return;
      await Promise.all([...this.running.values()].map((r) => r.done));
    }
  }

  private async run(job: JobRow, abort: AbortController): Promise<void> {
    const kind = this.kinds.get(job.kind)!;
    const started = Date.now();
    const parsed = kind.payload.safeParse(job.payload);
    if (!parsed.success) {
      const reason = `the payload no longer fits ${job.kind}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`;
      await failJob(this.ctx.db, job, reason, true);
      this.log('error', 'job payload invalid', { jobId: job.id, kind: job.kind, reason });
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(new JobTimeout(`timed out after ${job.timeout_seconds} s`));
        abort.abort(); // after the rejection: a handler that returns on abort must not count as done
      }, job.timeout_seconds * 1000);
    });
    try {
      const result = await Promise.race([
        kind.run(parsed.data, {
          ...this.handlerContext(job.id, job.kind),
          signal: abort.signal,
          attempt: job.attempts,
        }),
        deadline,
      ]);
      if (timedOut) throw new JobTimeout(`timed out after ${job.timeout_seconds} s`);
      if (this.stopping && abort.signal.aborted) return; // released by stop()
      await completeJob(this.ctx.db, job, result ?? null);
      this.onFinished(job.kind, 'done', (Date.now() - started) / 1000, result ?? null);
      this.log('info', 'job done', {
        jobId: job.id,
        kind: job.kind,
        attempt: job.attempts,
        ms: Date.now() - started,
        result: result ?? null,
      });
    } catch (e) {
      if (this.stopping && abort.signal.aborted && !(e instanceof JobTimeout)) return;
      const message = e instanceof Error ? e.message : String(e);
      const now = await failJob(this.ctx.db, job, message);
      this.onFinished(job.kind, now === 'dead' ? 'dead' : 'failed', (Date.now() - started) / 1000, null);
      if (now === 'dead') await this.died(job.kind, parsed.data, message, job.id);
      this.log(now === 'dead' ? 'error' : 'warn', 'job failed', {
        jobId: job.id,
        kind: job.kind,
        attempt: job.attempts,
        ms: Date.now() - started,
        error: message,
        now,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** The module's own clean-up for a dead job (an import marked failed, say); its failure is logged, not fatal. */
  private async died(kindName: string, payload: unknown, reason: string, jobId: number): Promise<void> {
    const kind = this.kinds.get(kindName);
    if (!kind?.onDead) return;
    const parsed = kind.payload.safeParse(payload);
    if (!parsed.success) return;
    try {
      await kind.onDead(parsed.data, this.handlerContext(jobId, kindName), reason);
    } catch (e) {
      this.log('error', 'job clean-up after death failed', { jobId, kind: kindName, err: e });
    }
  }

  private handlerContext(jobId: number, kind: string) {
    return {
      db: this.ctx.db,
      dbh: this.ctx.dbh,
      storage: this.ctx.storage,
      config: this.ctx.config,
      now: this.ctx.now ?? (() => new Date()),
      modules: this.opts.modules ?? [],
      log: (message: string, data?: Record<string, unknown>) => this.log('info', message, { jobId, kind, ...data }),
    };
  }

  /**
   * Stops taking jobs; waits up to `graceMs` for those running, then hands the rest back to the
   * queue (their attempt does not count) so another instance takes them at once.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    this.unlisten?.();
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    const pending = [...this.running.values()];
    let graceTimer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      graceTimer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all(pending.map((r) => r.done)), grace]);
    clearTimeout(graceTimer);
    for (const r of this.running.values()) {
      r.abort.abort();
      await releaseJob(this.ctx.db, r.job);
      this.log('info', 'job released at shutdown', { jobId: r.job.id, kind: r.job.kind });
    }
  }
}
