import type { Config } from './config.js';
import type { Db, DbHandle } from './db/connection.js';
import type { BlobStorage } from './storage/blob-storage.js';

/** What every module's wiring receives. Nothing here is per-instance state a second server would need. */
export interface AppContext {
  config: Config;
  dbh: DbHandle;
  db: Db;
  storage: BlobStorage;
  /** The clock of time-based rules (login throttling, sessions, TOTP codes); tests inject one (default: the system clock). */
  now?: () => Date;
  /** rung when this process queues a job, so its own worker starts it now rather than at its next poll */
  jobBell?: JobBell;
}

/**
 * A latency shortcut, not state: other instances find the job at their next poll anyway. Created
 * with the context, so the copies of it that module routes get ring the same bell.
 */
export class JobBell {
  private readonly listeners = new Set<() => void>();
  ring(): void {
    for (const l of this.listeners) l();
  }
  listen(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
