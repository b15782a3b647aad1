import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { Db } from './connection.js';
import { allMigrations, modules as installedModules } from '../modules/index.js';
import type { GongjinModule } from '../modules/module.js';

class ModuleMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  async getMigrations() {
    return this.migrations;
  }
}

export interface MigrationReport {
  applied: string[];
}

function migrator(db: Db, modules: readonly GongjinModule[] = installedModules) {
  return new Migrator({
    db,
    provider: new ModuleMigrationProvider(allMigrations(modules)),
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
    // modules land in any order: a module's migrations may sort before ones already applied
    allowUnorderedMigrations: true,
  });
}

/**
 * Applies every pending migration of every module, in name order, inside a lock; then each module's
 * `afterMigrate` reconciles what it derives from the manifests (the dashboard's change triggers).
 */
export async function migrateToLatest(
  db: Db,
  modules: readonly GongjinModule[] = installedModules,
): Promise<MigrationReport> {
  const result = report(await migrator(db, modules).migrateToLatest());
  for (const m of modules) await m.afterMigrate?.(db, modules);
  return result;
}

/** Names of the modules' migrations not applied to this database yet (readiness: a new version's instance waits for them). */
export async function pendingMigrations(
  db: Db,
  modules: readonly GongjinModule[] = installedModules,
): Promise<string[]> {
  const all = await migrator(db, modules).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}

/** Applies the migrations up to and including `name` (tests of a migration's conversion of old data). */
export async function migrateTo(db: Db, name: string): Promise<MigrationReport> {
  return report(await migrator(db).migrateTo(name));
}

function report({ error, results }: MigrationResultSet): MigrationReport {
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
