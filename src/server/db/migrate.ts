import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { Db } from './connection.js';
import { allMigrations } from '../modules/index.js';

class ModuleMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  async getMigrations() {
    return this.migrations;
  }
}

export interface MigrationReport {
  applied: string[];
}

function migrator(db: Db) {
  return new Migrator({
    db,
    provider: new ModuleMigrationProvider(allMigrations()),
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
    // modules land in any order: a module's migrations may sort before ones already applied
    allowUnorderedMigrations: true,
  });
}

/** Applies every pending migration of every module, in name order, inside a lock. */
export async function migrateToLatest(db: Db): Promise<MigrationReport> {
  return report(await migrator(db).migrateToLatest());
}

/** Applies the migrations up to and including `name` (tests of a migration's conversion of old data). */
export async function migrateTo(db: Db, name: string): Promise<MigrationReport> {
  return report(await migrator(db).migrateTo(name));
}

function report({ error, results }: MigrationResultSet): MigrationReport {
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
