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
}
