import path from 'node:path';
import type { Config } from './config.js';
import { JobBell, type AppContext } from './context.js';
import { connect } from './db/connection.js';
import { migrateToLatest } from './db/migrate.js';
import { AuthService } from './modules/auth/auth.service.js';
import { loadRegions } from './modules/registry/regions.service.js';
import { DiskStorage } from './storage/blob-storage.js';

/** Opens the database named by the config (PostgreSQL when DATABASE_URL is set, else PGlite under the data dir). */
export async function openContext(config: Config): Promise<AppContext> {
  const dbh = await connect({
    databaseUrl: config.databaseUrl,
    pgliteDir: config.databaseUrl ? undefined : path.join(config.dataDir, 'pglite'),
    parallelWorkers: config.pgParallelWorkers,
    preparedStatements: config.pgPreparedStatements,
  });
  return {
    config,
    dbh,
    db: dbh.db,
    storage: new DiskStorage(path.join(config.dataDir, 'files')),
    jobBell: new JobBell(),
  };
}

export interface PrepareReport {
  migrations: string[];
  regionsLoaded: number;
  adminPassword?: string | undefined;
}

/** Everything a start needs before serving: migrations, reference data, the bootstrap administrator. */
export async function prepareDatabase(ctx: AppContext): Promise<PrepareReport> {
  const { applied } = await migrateToLatest(ctx.db);
  const regionsLoaded = await loadRegions(ctx.db);
  const admin = await new AuthService(ctx.db, ctx.config.sessionDays).ensureBootstrapAdmin(ctx.config.adminPassword);
  return { migrations: applied, regionsLoaded, adminPassword: admin.generatedPassword };
}
