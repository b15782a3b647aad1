import type { Config } from './config.js';
import type { Db, DbHandle } from './db/connection.js';
import type { BlobStorage } from './storage/blob-storage.js';

/** What every module's wiring receives. Nothing here is per-instance state a second server would need. */
export interface AppContext {
  config: Config;
  dbh: DbHandle;
  db: Db;
  storage: BlobStorage;
  /** The clock time-based rules read (TOTP codes); tests set it, the server leaves it to the system clock. */
  now?: () => Date;
}
